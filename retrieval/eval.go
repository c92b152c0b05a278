package retrieval

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qabot/qabot/index"
)

// GoldCase is one line of a gold set: a question and the clauses (or
// documents) that answer it. Gold clause ids are "2.3" (a clause of any
// document), or "数据安全法#21" (a part of the document id, '#', the clause
// id); gold documents are document ids.
type GoldCase struct {
	Q        string   `json:"q"`
	Gold     []string `json:"gold"`
	GoldDocs []string `json:"gold_docs"`
	Lang     string   `json:"lang"`
	// Answers are gold answer spans, as the document writes them: a good
	// answer's text contains one of them.
	Answers []string `json:"answers,omitempty"`
	// Line is the case's line in its file (ReadGold); a case with an empty
	// question is kept, for Evaluate to skip and report.
	Line int `json:"-"`
}

// Negative reports whether the case is a question the documents do not
// answer (it names no gold): the right reply is "not found".
func (g GoldCase) Negative() bool { return len(g.Gold)+len(g.GoldDocs) == 0 }

// ReadGold reads a JSON-lines gold set.
func ReadGold(r io.Reader) ([]GoldCase, error) {
	var out []GoldCase
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var g GoldCase
		if err := json.Unmarshal([]byte(line), &g); err != nil {
			return nil, fmt.Errorf("gold set line %d: %w", n, err)
		}
		g.Line = n
		out = append(out, g)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read gold set: %w", err)
	}
	return out, nil
}

// Matches reports whether clause c answers the case.
func (g GoldCase) Matches(c *index.Clause) bool {
	for _, id := range g.Gold {
		if g.matchesID(id, c) {
			return true
		}
	}
	for _, d := range g.GoldDocs {
		if g.matchesDoc(d, c.Doc) {
			return true
		}
	}
	return false
}

// matchesID reports whether gold id ("2.3", "数据安全法#21") names c.
func (GoldCase) matchesID(id string, c *index.Clause) bool {
	doc, clause, ok := strings.Cut(id, "#")
	if !ok {
		clause, doc = id, ""
	}
	return c.ID == clause && strings.Contains(c.Doc, doc)
}

// matchesDoc reports whether gold document d names document id doc.
func (GoldCase) matchesDoc(d, doc string) bool { return doc == d || strings.HasSuffix(doc, "/"+d) }

// Metrics are retrieval-quality figures over a gold set.
type Metrics struct {
	Questions int     `json:"questions"`
	R1        float64 `json:"recall@1"`
	R3        float64 `json:"recall@3"`
	R5        float64 `json:"recall@5"`
	MRR10     float64 `json:"mrr@10"`
	P50ms     float64 `json:"p50_ms"` // query latency, median
	P95ms     float64 `json:"p95_ms"`
	Misses    []Miss  `json:"misses,omitempty"`
	// Blank are the lines of cases without a question, skipped; Unknown
	// are gold ids that name no indexed clause or document (counted as
	// misses: the set may be for other documents).
	Blank   []int         `json:"blank_lines,omitempty"`
	Unknown []UnknownGold `json:"unknown_gold,omitempty"`
	// Answers judges Ask's replies: to the questions with a gold, and to
	// the negatives.
	Answers AnswerMetrics `json:"answers"`
}

// UnknownGold is a gold id that names nothing indexed.
type UnknownGold struct {
	Line int    `json:"line"`
	Gold string `json:"gold"`
}

// AnswerMetrics are answer-quality figures over a gold set.
type AnswerMetrics struct {
	Questions int     `json:"questions"`  // with a gold
	Answered  float64 `json:"answered"`   // share not "not found"
	GoldFirst float64 `json:"gold_first"` // share answered with a gold clause cited first
	// WithSpans questions carry gold answer spans; SpanHit is the share of
	// them whose answer text contains one.
	WithSpans int     `json:"with_spans"`
	SpanHit   float64 `json:"span_hit"`
	// MedianRunes is the median length of the answers given, in
	// characters, citations included.
	MedianRunes int `json:"median_runes"`
	// Negatives are the questions without a gold; NotFound is the share of
	// them that got "not found".
	Negatives int     `json:"negatives"`
	NotFound  float64 `json:"not_found"`
}

// Miss is a question whose gold was not ranked first, or whose answer fell
// short (Kind says how).
type Miss struct {
	Q    string `json:"q"`
	Kind string `json:"kind"`
	Rank int    `json:"rank"` // 0 when not among the clauses retrieved
	Got  string `json:"got"`  // what was ranked (or, for an answer, cited) first
}

// The kinds of miss.
const (
	MissRank     = "rank"      // the gold was not ranked first
	MissNotFound = "not_found" // an answerable question got "not found"
	MissCited    = "cited"     // answered, but the first citation is not a gold clause
	MissSpan     = "span"      // the answer text holds no gold span
	MissAnswered = "answered"  // a negative was answered
)

// Evaluate runs every case through Search (k clauses, at least 10),
// measuring where the first gold clause ranks, and through Ask (k clauses),
// judging the answer: given or not, its first citation, its gold spans.
// Negative cases count for the answers only.
func (e *Engine) Evaluate(ctx context.Context, cases []GoldCase, k int) (Metrics, error) {
	var m Metrics
	var lat []time.Duration
	var lengths []int
	a := &m.Answers
	st := e.cur.Load()
	for _, g := range cases {
		if strings.TrimSpace(g.Q) == "" {
			m.Blank = append(m.Blank, g.Line)
			continue
		}
		m.Unknown = append(m.Unknown, st.unknownGold(g)...)
		if err := e.judge(ctx, g, k, &m, &lengths); err != nil {
			return m, err
		}
		if g.Negative() {
			continue
		}
		start := time.Now()
		hits, err := e.Search(ctx, g.Q, max(k, 10))
		lat = append(lat, time.Since(start))
		if err != nil {
			return m, fmt.Errorf("evaluate %q: %w", g.Q, err)
		}
		rank := 0
		for i, h := range hits {
			if g.Matches(h.Clause) {
				rank = i + 1
				break
			}
		}
		m.Questions++
		if rank == 1 {
			m.R1++
		}
		if rank >= 1 && rank <= 3 {
			m.R3++
		}
		if rank >= 1 && rank <= 5 {
			m.R5++
		}
		if rank > 0 && rank <= 10 {
			m.MRR10 += 1 / float64(rank)
		}
		if rank != 1 {
			got := ""
			if len(hits) > 0 {
				got = hits[0].Clause.Key()
			}
			m.Misses = append(m.Misses, Miss{Q: g.Q, Kind: MissRank, Rank: rank, Got: got})
		}
	}
	if m.Questions > 0 {
		ms := make([]float64, len(lat))
		for i, d := range lat {
			ms[i] = float64(d.Microseconds()) / 1000
		}
		slices.Sort(ms)
		m.P50ms, m.P95ms = Percentile(ms, 0.50), Percentile(ms, 0.95)
		n := float64(m.Questions)
		m.R1 /= n
		m.R3 /= n
		m.R5 /= n
		m.MRR10 /= n
	}
	if a.Questions > 0 {
		a.Answered /= float64(a.Questions)
		a.GoldFirst /= float64(a.Questions)
	}
	if a.WithSpans > 0 {
		a.SpanHit /= float64(a.WithSpans)
	}
	if a.Negatives > 0 {
		a.NotFound /= float64(a.Negatives)
	}
	if len(lengths) > 0 {
		slices.Sort(lengths)
		a.MedianRunes = lengths[(len(lengths)-1)/2]
	}
	return m, nil
}

// unknownGold returns g's gold ids that name no indexed clause (or
// document).
func (st *state) unknownGold(g GoldCase) []UnknownGold {
	var out []UnknownGold
	for _, id := range g.Gold {
		found := false
		for i := range st.snap.Docs {
			d := &st.snap.Docs[i]
			for j := range d.Clauses {
				if g.matchesID(id, &d.Clauses[j]) {
					found = true
					break
				}
			}
			if found {
				break
			}
		}
		if !found {
			out = append(out, UnknownGold{Line: g.Line, Gold: id})
		}
	}
	for _, id := range g.GoldDocs {
		found := false
		for i := range st.snap.Docs {
			found = found || g.matchesDoc(id, st.snap.Docs[i].ID)
		}
		if !found {
			out = append(out, UnknownGold{Line: g.Line, Gold: id})
		}
	}
	return out
}

// judge asks g's question and counts what the answer got right into m
// (sums, divided by Evaluate), with the length of a given answer.
func (e *Engine) judge(ctx context.Context, g GoldCase, k int, m *Metrics, lengths *[]int) error {
	ans, err := e.Ask(ctx, g.Q, k)
	if err != nil {
		return fmt.Errorf("evaluate answer to %q: %w", g.Q, err)
	}
	a := &m.Answers
	miss := func(kind string) {
		got := ""
		if len(ans.Citations) > 0 {
			got = ans.Citations[0].Doc + "#" + ans.Citations[0].Section
		}
		m.Misses = append(m.Misses, Miss{Q: g.Q, Kind: kind, Got: got})
	}
	if ans.Found {
		*lengths = append(*lengths, utf8.RuneCountInString(ans.Text))
	}
	if g.Negative() {
		a.Negatives++
		if !ans.Found {
			a.NotFound++
		} else {
			miss(MissAnswered)
		}
		return nil
	}
	a.Questions++
	if !ans.Found {
		miss(MissNotFound)
		if len(g.Answers) > 0 {
			a.WithSpans++
		}
		return nil
	}
	a.Answered++
	if c := ans.Citations[0]; g.Matches(&index.Clause{Doc: c.Doc, ID: c.Section}) {
		a.GoldFirst++
	} else {
		miss(MissCited)
	}
	if len(g.Answers) > 0 {
		a.WithSpans++
		if containsSpan(ans.Text, g.Answers) {
			a.SpanHit++
		} else {
			miss(MissSpan)
		}
	}
	return nil
}

// containsSpan reports whether text holds one of the gold spans.
func containsSpan(text string, spans []string) bool {
	for _, s := range spans {
		if s = strings.TrimSpace(s); s != "" && strings.Contains(text, s) {
			return true
		}
	}
	return false
}

// Percentile is the nearest-rank q-quantile (0 < q ≤ 1) of sorted, which is
// in ascending order: its ⌈q·n⌉-th smallest value. It is 0 for no values.
func Percentile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	// The small tolerance keeps q·n that should be whole (0.95·300) from
	// rounding up past it.
	r := int(math.Ceil(q*float64(n) - 1e-9))
	return sorted[min(max(r, 1), n)-1]
}
