package retrieval

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/qabot/qabot/index"
)

// MaxQuestionRunes is the longest question accepted.
const MaxQuestionRunes = 1000

// Errors for questions that are not asked.
var (
	ErrEmptyQuestion   = errors.New("the question is empty")
	ErrQuestionTooLong = fmt.Errorf("the question is longer than %d characters", MaxQuestionRunes)
)

// Mode names how an answer was made.
const ModeExtractive = "extractive"

// Citation is a clause an answer rests on. Its JSON shape is part of qabot's
// command line.
type Citation struct {
	Doc      string  `json:"doc"`
	Section  string  `json:"section"`
	Label    string  `json:"label"`
	Heading  string  `json:"heading"`
	Text     string  `json:"text"`
	Score    float64 `json:"score"`
	DocTitle string  `json:"doc_title"`
	Tag      string  `json:"tag"` // as written in the answer, e.g. "§2.3"
}

// Answer is the reply to a question.
type Answer struct {
	Question string `json:"question"`
	Text     string `json:"answer"`
	Found    bool   `json:"found"`
	Mode     string `json:"mode"`
	Notice   string `json:"notice,omitempty"`
	// Degraded is the error of a model or embedding endpoint that the
	// answer was made without (the notice says so in general terms).
	Degraded  string     `json:"degraded,omitempty"`
	Citations []Citation `json:"citations"`
	// Check is what the citation check did to a generated answer (or why
	// the extractive answer was shown instead); nil for plain Ask.
	Check *CitationCheck `json:"check,omitempty"`
}

// Notices added to answers.
const (
	NoticeCrossLanguage = "Cross-language questions need an embedding endpoint (QABOT_EMBED_URL); offline, only dictionary renderings, names, numbers and Latin words could be matched here."
	// NoticeCrossLanguageExtractive replaces it when an embedding endpoint
	// is set: retrieval is semantic, the extractive answer still matches words.
	NoticeCrossLanguageExtractive = "Extractive answers match words only; a chat model (QABOT_CHAT_URL) answers cross-language questions from the clauses retrieved."
	notFoundZH                    = "文档中没有找到与这个问题相关的内容。"
	notFoundEN                    = "The documents do not say anything that matches this question."
)

// minRelevance is the share of a question's weighted terms that the best
// clause must contain for qabot to answer rather than abstain. Tuned on the
// dev sets: every dev question clears it, off-topic questions do not.
const minRelevance = 0.3

// maxQuoted is how many clauses an extractive answer quotes at most.
const maxQuoted = 3

// CheckQuestion trims q and rejects empty and over-long questions.
func CheckQuestion(q string) (string, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return "", ErrEmptyQuestion
	}
	if utf8.RuneCountInString(q) > MaxQuestionRunes {
		return "", ErrQuestionTooLong
	}
	return q, nil
}

// Ask answers q from the clauses retrieved for it (k of them), quoting each
// clause it uses with its citation. Every citation in the answer is a
// retrieved clause.
func (e *Engine) Ask(ctx context.Context, q string, k int) (Answer, error) {
	q, err := CheckQuestion(q)
	if err != nil {
		return Answer{}, err
	}
	st := e.cur.Load()
	if cs := st.resolveRefs(q); len(cs) > 0 {
		return e.extractive(st, q, refHits(st, cs), true, "", ""), nil
	}
	hits, notice, degraded, err := e.searchAnswering(ctx, q, max(k, maxQuoted))
	if err != nil {
		return Answer{}, fmt.Errorf("ask: %w", err)
	}
	return e.extractive(st, q, hits, false, notice, degraded), nil
}

// refHits are the clauses a question names, as hits.
func refHits(st *state, cs []*index.Clause) []Hit {
	hits := make([]Hit, len(cs))
	for i, c := range cs {
		hits[i] = Hit{Clause: c, Score: 1, DocTitle: st.title(c.Doc)}
	}
	return hits
}

// extractive is Ask's answer from the hits retrieved for q (at least
// maxQuoted of them, unless fewer exist), or from the clauses q names
// (named): those are quoted whole.
func (e *Engine) extractive(st *state, q string, hits []Hit, named bool, notice, degraded string) Answer {
	ans := Answer{Question: q, Mode: ModeExtractive, Citations: []Citation{}}
	english := !index.HasCJK(q)
	if english && st.hasCJK() {
		ans.Notice = NoticeCrossLanguage
		if e.embedder.Name != index.LocalEmbedder().Name {
			ans.Notice = NoticeCrossLanguageExtractive
		}
	}
	if named {
		return compose(ans, hits, nil, len(st.titles) > 1)
	}
	if notice != "" {
		ans.Notice, ans.Degraded = notice, degraded
	}
	qt := st.lex.relevanceTerms(q)
	cq := st.crossLanguage(q) // nil unless English over Chinese documents
	if cq != nil {
		qt = cq.relevanceTerms(st.lex)
	}
	var use []Hit
	for _, h := range hits {
		if len(use) == maxQuoted {
			break
		}
		rel := st.lex.relevance(qt, h.Clause)
		if rel < minRelevance || (len(use) > 0 && rel < 0.6*st.lex.relevance(qt, use[0].Clause)) {
			continue
		}
		use = append(use, h)
	}
	if len(use) == 0 {
		ans.Text = notFoundZH
		if english {
			ans.Text = notFoundEN
		}
		ans.Notice = cq.notice(ans.Notice, false)
		return ans
	}
	ans.Notice = cq.notice(ans.Notice, true)
	return compose(ans, use, qt, len(st.titles) > 1)
}

// compose writes the extractive answer: from each clause the sentence that
// best matches the question (the whole clause when it is short), each
// followed by its citation.
// With several documents indexed (multiDoc), each citation names its
// document as well as the clause.
func compose(ans Answer, hits []Hit, qt []relTerm, multiDoc bool) Answer {
	var b strings.Builder
	for _, h := range hits {
		c := h.Clause
		tag := CiteTag(c, h.DocTitle, multiDoc)
		quote := c.Text
		if qt != nil {
			quote = bestSentences(c.Text, qt)
		}
		b.WriteString(quote)
		fmt.Fprintf(&b, "〔%s〕\n", tag)
		ans.Citations = append(ans.Citations, Citation{
			Doc: c.Doc, Section: c.ID, Label: c.Label, Heading: c.Heading, Text: c.Text,
			Score: h.Score, DocTitle: h.DocTitle, Tag: tag,
		})
	}
	ans.Text = strings.TrimSpace(b.String())
	ans.Found = true
	return ans
}

// CiteTag is how an answer cites c: "§2.3" for dotted ids, the document's
// own label for articles ("第十九条"), with the document's short title in
// front when several documents are indexed.
func CiteTag(c *index.Clause, docTitle string, withDoc bool) string {
	tag := "§" + c.ID
	if strings.HasPrefix(c.Label, "第") {
		tag = c.Label
	}
	if withDoc {
		tag = ShortTitle(docTitle) + " " + tag
	}
	return tag
}

// shortClause is the length (in characters) up to which a clause is quoted
// whole.
const shortClause = 90

// bestSentences returns the sentence of text that shares the most weighted
// terms with the question, or text itself when it is short.
func bestSentences(text string, qt []relTerm) string {
	if utf8.RuneCountInString(text) <= shortClause {
		return text
	}
	sents := splitSentences(text)
	best, bestScore := text, -1.0
	for _, s := range sents {
		score := 0.0
		index.Terms(s, func(k uint64) {
			for _, t := range qt {
				if t.key == k || slices.Contains(t.alt, k) {
					score += t.weight
				}
			}
		})
		if score > bestScore {
			best, bestScore = s, score
		}
	}
	return strings.TrimSpace(best)
}

// splitSentences cuts text after 。！？；and line breaks.
func splitSentences(text string) []string {
	var out []string
	start := 0
	for i, r := range text {
		if r == '。' || r == '！' || r == '？' || r == '；' || r == '\n' {
			end := i + utf8.RuneLen(r)
			if s := strings.TrimSpace(text[start:end]); s != "" {
				out = append(out, s)
			}
			start = end
		}
	}
	if s := strings.TrimSpace(text[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// resolveRefs returns the clauses that references written in the question
// name, when they name clauses of exactly one document (the one the question
// names, if several have them).
func (st *state) resolveRefs(q string) []*index.Clause {
	var out []*index.Clause
	for _, r := range FindRefs(q) {
		var found [][]*index.Clause
		var docs []int
		for i := range st.snap.Docs {
			if cs := lookup(&st.snap.Docs[i], r); len(cs) > 0 {
				found = append(found, cs)
				docs = append(docs, i)
			}
		}
		if len(found) > 1 {
			boost, _ := st.docBoost(q)
			var named [][]*index.Clause
			for j, d := range docs {
				if boost != nil && boost[d] > 0 {
					named = append(named, found[j])
				}
			}
			found = named
		}
		if len(found) == 1 {
			out = append(out, found[0]...)
		}
	}
	return out
}

func (st *state) title(docID string) string {
	if d, ok := st.snap.Document(docID); ok {
		return d.Title
	}
	return docID
}

func (st *state) hasCJK() bool {
	for _, d := range st.snap.Docs {
		if len(d.Clauses) > 0 && index.HasCJK(d.Clauses[0].Text) {
			return true
		}
	}
	return false
}

// relTerm is a question term with the weight it carries in relevance.
type relTerm struct {
	key    uint64
	weight float64
	alt    []uint64 // other keys that count as the term (an English word's other renderings)
}

// questionWords are the parts of a Chinese question that ask rather than
// say; they are left out when judging whether a clause is relevant.
var questionWords = []string{
	"为什么", "什么样", "什么", "怎么样", "怎么", "怎样", "哪些", "哪个", "哪位", "哪一", "哪里", "如何",
	"多少", "是否", "有何", "有哪", "吗", "呢", "请问", "说了", "提到", "方面", "有关", "关于",
}

// stripQuestionWords blanks out the words of q that ask rather than say.
func stripQuestionWords(q string) string {
	for _, w := range questionWords {
		q = strings.ReplaceAll(q, w, " ")
	}
	return q
}

// englishStopWords are left out of English questions, unless written in
// capitals (IT, D).
var englishStopWords = map[string]bool{
	"a": true, "an": true, "the": true, "what": true, "which": true, "who": true, "whom": true, "how": true,
	"why": true, "when": true, "where": true, "is": true, "are": true, "was": true, "were": true, "be": true,
	"do": true, "does": true, "did": true, "say": true, "says": true, "said": true, "about": true, "of": true,
	"in": true, "on": true, "at": true, "to": true, "for": true, "and": true, "or": true, "it": true,
	"this": true, "that": true, "with": true, "by": true, "from": true, "as": true, "statement": true,
	"document": true, "planned": true, "there": true, "their": true, "they": true, "parties": true,
}

// relevanceTerms returns the terms of q that say something: question words
// and English stop words removed, single characters only when q has no
// character pairs, each weighted by its inverse document frequency (terms
// no clause has count as the rarest).
func (lx *Lexical) relevanceTerms(q string) []relTerm {
	q = stripQuestionWords(q)
	q = strings.Join(strings.FieldsFunc(q, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
	var words []string
	for _, f := range strings.Fields(q) {
		if index.HasCJK(f) || !englishStopWords[f] && !englishStopWords[strings.ToLower(f)] || strings.ToUpper(f) == f {
			words = append(words, f)
		}
	}
	terms := queryTerms(strings.Join(words, " "))
	hasPairs := false
	for _, t := range terms {
		if index.KindOf(t) != index.Unigram {
			hasPairs = true
		}
	}
	// A question without CJK over CJK documents can only be matched on the
	// Latin words and numbers the documents contain; words no clause has
	// are not held against it.
	crossLanguage := !index.HasCJK(q)
	maxIDF := lx.idf(0)
	var out []relTerm
	for _, t := range terms {
		if hasPairs && index.KindOf(t) == index.Unigram {
			continue
		}
		w := maxIDF
		if df := len(lx.postingsOf(t)); df > 0 {
			w = lx.idf(df)
		} else if crossLanguage {
			continue
		}
		out = append(out, relTerm{key: t, weight: w})
	}
	return out
}

// relevance is the weighted share of the question's terms that clause c
// (with its title and heading) contains.
func (lx *Lexical) relevance(qt []relTerm, c *index.Clause) float64 {
	ord, ok := lx.ord[c.Key()]
	if !ok {
		return 0
	}
	var have, total float64
	for _, t := range qt {
		total += t.weight
		if lx.has(t.key, ord) || slices.ContainsFunc(t.alt, func(k uint64) bool { return lx.has(k, ord) }) {
			have += t.weight
		}
	}
	if total == 0 {
		return 0
	}
	return have / total
}

// has reports whether clause ord contains term t; postings are in clause
// order.
func (lx *Lexical) has(t uint64, ord int32) bool {
	ps := lx.postingsOf(t)
	lo, hi := 0, len(ps)
	for lo < hi {
		m := (lo + hi) / 2
		if ps[m].clause < ord {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(ps) && ps[lo].clause == ord
}
