package retrieval

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/qabot/qabot/index"
)

// asks is what a question asks for, as far as its wording tells: a date, a
// number, a place, a person, a list. It steers which sentence of a clause
// is quoted.
type asks uint8

const (
	asksAny asks = iota
	asksTime
	asksNumber
	asksPlace
	asksPerson
	asksList
)

// askCues are the question words that say what is asked, Chinese and
// English; the first that matches wins, so longer, more specific cues come
// first.
var askCues = []struct {
	asks asks
	cue  *regexp.Regexp
}{
	{asksTime, regexp.MustCompile(`何时|什么时候|什么时间|哪一?年|哪一?天|哪一?日|几月|几号|何年|哪个时期|什么时期|哪个朝代|什么朝代|哪个年代|年代|日期|时间是|(?i)\bwhen\b|\bwhat (?:year|date|day|time)\b`)},
	{asksNumber, regexp.MustCompile(`多少|几[个名位人年天次种条项倍岁度米公斤分钟]|多大|多高|多长|多重|多远|多深|多宽|多久|罚款|金额|数量|面积|人口|(?i)\bhow (?:many|much|long|old|big|large|high|far)\b`)},
	{asksPlace, regexp.MustCompile(`哪里|哪儿|何处|何地|什么地方|哪个(?:城市|国家|省|地区|地方)|哪座|哪国|在哪|位于|(?i)\bwhere\b|\bwhich (?:city|country|place|region)\b`)},
	{asksPerson, regexp.MustCompile(`谁|哪位|何人|什么人|哪个人|(?i)\bwho\b|\bwhom\b`)},
	{asksList, regexp.MustCompile(`哪些|包括|有哪|几种|措施|(?i)\bwhich\b.*s\b|\bwhat\b.*\b(?:measures|fields|kinds|types)\b`)},
}

// asksOf tells what q asks for.
func asksOf(q string) asks {
	for _, c := range askCues {
		if c.cue.MatchString(q) {
			return c.asks
		}
	}
	return asksAny
}

// rePersonAnswer is what an answer about a person has: an office or a
// title.
var rePersonAnswer = regexp.MustCompile(`部长|外长|主席|总统|总理|委员|大使|代表|负责人|国王|皇帝|皇后|先生|女士|[长官员师家者]`)

// answerLooks reports how much sentence s looks like what question q, which
// asks for a, asks for: 1 when it has the form (a date for asksTime, an
// office for asksPerson, items for asksList; see lacksForm), else 0.
func answerLooks(a asks, q, s string) float64 {
	looks := false
	switch a {
	case asksTime, asksNumber, asksPlace:
		looks = !lacksForm(a, q, s)
	case asksPerson:
		looks = rePersonAnswer.MatchString(s)
	case asksList:
		looks = strings.ContainsAny(s, "、：:") || strings.Count(s, "，") >= 3
	}
	if looks {
		return 1
	}
	return 0
}

// A clause is quoted whole up to this many characters.
const shortClause = 90

// Limits of an excerpt, in characters: the sentence before a chosen one
// that refers back is added within maxExcerpt; a list's items are kept
// with their lead-in up to maxList.
const (
	maxExcerpt = 160
	maxList    = 400
)

// answerBonus is how much a sentence gains, relative to the best term
// score, when it has the form of what the question asks for.
const answerBonus = 0.35

// textRun is a run of a clause's text: text[start:end], made of whole
// segments.
type textRun struct{ start, end int }

// excerpt returns the part of a clause's text that answers the question:
// the sentence (to its 。, not cut at a ；) that best matches the question's
// terms — each term weighted by its rarity in the documents and by how few
// of the clause's sentences have it, so that the words of the subject that
// every sentence repeats do not decide — and that has the form the question
// asks for (a date for 何时, a number for 多少, …). A list keeps its items
// with their lead-in; a sentence that refers back (该、其、此、上述…) keeps the
// sentence before it; a short one gets its best neighbour. Clauses up to
// shortClause characters are quoted whole. opensWithTopic says the clause
// is prose, not a law's article (see sentenceScores).
func excerpt(q, text string, qt []relTerm, a asks, opensWithTopic bool) string {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) <= shortClause {
		return text
	}
	sents := clauseSentences(text)
	if len(sents) <= 1 {
		return text
	}
	scores := sentenceScores(q, text, sents, qt, a, opensWithTopic)
	best := 0
	for i, s := range scores {
		if s > scores[best] {
			best = i
		}
	}
	lo, hi := best, best
	runes := func(lo, hi int) int { return utf8.RuneCountInString(text[sents[lo].start:sents[hi].end]) }
	// A list's lead-in ("…包括下列措施：") is nothing without its items.
	if leadsIn(text[sents[best].start:sents[best].end]) {
		for hi+1 < len(sents) && runes(lo, hi+1) <= maxList {
			hi++
			if !isItem(text[sents[hi].start:sents[hi].end]) && hi > best+1 {
				hi--
				break
			}
		}
	}
	// A sentence that refers back needs the one it refers to.
	if lo > 0 && refersBack(text[sents[lo].start:sents[lo].end]) && runes(lo-1, hi) <= maxExcerpt {
		lo--
	}
	keep := make([]bool, len(sents))
	for i := lo; i <= hi; i++ {
		keep[i] = true
	}
	total := runes(lo, hi)
	// Then the next best sentences, while the excerpt stays short: the
	// answer is often the runner-up, or needs it.
	order := make([]int, len(sents))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return scores[order[a]] > scores[order[b]] })
	for _, i := range order {
		if keep[i] || scores[i] <= 0 || scores[i] < minShare*scores[best] {
			continue
		}
		n := runes(i, i)
		if total+n > excerptBudget {
			continue
		}
		keep[i] = true
		total += n
	}
	var b strings.Builder
	for i := range sents {
		if !keep[i] {
			continue
		}
		if i > 0 && !keep[i-1] && b.Len() > 0 {
			b.WriteString("……")
		}
		b.WriteString(strings.TrimSpace(text[sents[i].start:sents[i].end]))
	}
	return b.String()
}

// excerptBudget is the length, in characters, an excerpt is filled up to
// with further sentences, and minShare the least score, relative to the
// best sentence's, that such a sentence needs. firstDiscount is how much
// less the question's terms count when the clause's first sentence has them
// (see sentenceScores). Chosen on one half of the CMRC trial questions,
// measured on the other (README, Quality).
var (
	excerptBudget = 140
	minShare      = 0.5
	firstDiscount = 0.5
)

// clauseSentences cuts a clause into the sentences an excerpt is made of:
// Sentences, with the parts of one sentence (cut at ；) joined again — a
// part alone often lacks what completes it (the penalty after "拒不改正的；")
// — but a sentence of list items on their own lines kept apart.
func clauseSentences(text string) []textRun {
	var out []textRun
	for _, s := range Sentences(text) {
		body := strings.TrimSpace(text[s.Start:s.End])
		if body == "" {
			if len(out) > 0 {
				out[len(out)-1].end = s.End
			}
			continue
		}
		if n := len(out); n > 0 && joinsPrevious(text[out[n-1].start:out[n-1].end]) && !isItem(body) {
			out[n-1].end = s.End
			continue
		}
		out = append(out, textRun{s.Start, s.End})
	}
	return out
}

// joinsPrevious reports whether the sentence after prev continues it: prev
// ends with a ；(a part, not a line of items).
func joinsPrevious(prev string) bool {
	p := strings.TrimRight(prev, " \t")
	return strings.HasSuffix(p, "；") || strings.HasSuffix(p, ";")
}

// reItem opens a list item: （一）, (1), 一、, 1., 1、, ①.
var reItem = regexp.MustCompile(`^\s*(?:[（(][0-9一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|[0-9]+[.、．)]|[①-⑳])`)

func isItem(s string) bool { return reItem.MatchString(s) }

// leadsIn reports whether s introduces a list: it ends with a colon.
func leadsIn(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasSuffix(s, "：") || strings.HasSuffix(s, ":")
}

// reBack opens a sentence that refers back to the one before.
var reBack = regexp.MustCompile(`^\s*(?:该|其|此|上述|前款|这|那|它|他|她|牠|它们|他们|她们|牠们|同年|次年|后来|然而|但|因此|所以)`)

func refersBack(s string) bool { return reBack.MatchString(s) }

// sentenceScores scores each sentence: the question's terms it has, each
// weighted by its weight in the documents times how few sentences of the
// clause have it (a BM25-like idf over the clause's sentences), plus
// answerBonus of the best such score when it looks like the answer.
func sentenceScores(q, text string, sents []textRun, qt []relTerm, a asks, opensWithTopic bool) []float64 {
	w := make(map[uint64]float64, len(qt))
	for _, t := range qt {
		w[t.key] = t.weight
	}
	has := make([]map[uint64]bool, len(sents))
	sf := map[uint64]int{}
	for i, s := range sents {
		has[i] = map[uint64]bool{}
		index.Terms(text[s.start:s.end], func(k uint64) {
			if _, ok := w[k]; ok && !has[i][k] {
				has[i][k] = true
				sf[k]++
			}
		})
	}
	// The subject a paragraph of prose opens with is dropped from the
	// sentences after it (Chinese leaves it out, or says 其/它): the
	// question's terms that the first sentence has say little about which
	// sentence answers. (Not so in a law's article, whose first sentence is
	// its rule.)
	if len(sents) >= 3 && opensWithTopic {
		for k := range has[0] {
			w[k] *= 1 - firstDiscount
		}
	}
	n := float64(len(sents))
	scores := make([]float64, len(sents))
	top := 0.0
	for i := range sents {
		for _, t := range qt {
			if has[i][t.key] {
				scores[i] += w[t.key] * math.Log(1+(n-float64(sf[t.key])+0.5)/(float64(sf[t.key])+0.5))
			}
		}
		top = max(top, scores[i])
	}
	if a != asksAny {
		for i, s := range sents {
			if scores[i] > 0 {
				scores[i] += answerBonus * top * answerLooks(a, q, text[s.start:s.end])
			}
		}
	}
	return scores
}

// stripLabel drops the clause's own number from the start of its text
// ("第十九条 …"): the citation carries it.
func stripLabel(text, label string) string {
	if label == "" {
		return text
	}
	if rest, ok := strings.CutPrefix(text, label); ok {
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		if rest != "" {
			return rest
		}
	}
	return text
}
