package retrieval

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/qabot/qabot/index"
)

// evidence is what decides whether the best clause answers a question, or
// qabot says it found nothing: measured signals, each with a reason, that
// abstainModel weighs.
type evidence struct {
	// rel is the weighted share of the question's terms that the clause,
	// its heading or its document's title contains (relevance).
	rel float64
	// unseen is the weighted share of the question's terms that no clause
	// has at all: the subject of a question the documents do not cover
	// (乌克兰, 红烧肉). A pair of common characters no clause has (是在,
	// 城市) weighs what its commoner character does, so chatty wording costs
	// little.
	unseen float64
	// run is the longest run of the question's consecutive character
	// pairs that all occur in the clause, as a share of its pairs: a
	// question that repeats the clause's wording.
	run float64
	// margin is how far the clause's fused score is ahead of the
	// runner-up's, relative to its own: a clear winner.
	margin float64
	// code is the share of the question's codes — Latin words and
	// numbers, 第四次's 4 included — that the clause lacks: the E of "E线"
	// over a clause on the D line, a year, an ordinal.
	code float64
	// lacks is 1 when the question asks for a date, a number or a place
	// and the clause has none ("…E线什么时候开工？" over a clause without a
	// date), else 0.
	lacks float64
}

// features lists the evidence in abstainModel's order.
func (ev evidence) features() [numFeatures]float64 {
	return [numFeatures]float64{ev.rel, ev.unseen, ev.run, ev.margin, ev.code, ev.lacks}
}

const numFeatures = 6

// logit is a logistic model over the evidence: it answers when
// bias + Σ weight·feature > 0.
type logit struct {
	weights [numFeatures]float64
	bias    float64
}

func (m logit) score(ev evidence) float64 {
	z := m.bias
	for i, f := range ev.features() {
		z += m.weights[i] * f
	}
	return z
}

// answers reports whether the evidence is enough to answer.
func (m logit) answers(ev evidence) bool { return m.score(ev) > 0 }

// abstainModel decides between answering and "not found". It was fitted
// on the development questions (TestAbstain_fit in abstain_fit_test.go
// refits it and cross-validates the fit: fitted on one half of the
// questions, measured on the other, both ways): logistic regression with
// every question set weighted alike, then the bias lowered until 99 % of
// the answerable questions of the fitting half are answered — saying "not
// found" to a question the documents answer is the costlier mistake.
var abstainModel = logit{weights: [numFeatures]float64{4.49, -4.65, 4.08, 1.96, -2.50, -3.61}, bias: -2.76}

// The forms a clause must have to answer a question that asks for a date,
// a number or a place (stricter than answerLooks, which only ranks
// sentences).
var (
	reHasTime   = regexp.MustCompile(`[0-9０-９〇零一二三四五六七八九十百千]+\s*(?:年|月|日|世纪|年代|时)|[春夏秋冬]季|朝|时期|当天|之日|期间`)
	reHasNumber = regexp.MustCompile(`[0-9０-９]|[一二三四五六七八九十百千万亿两]+\s*(?:[个名位人年天次种条项倍岁度米元分%％]|万|亿|以上|以下)|半数|多数|全部`)
	reHasPlace  = regexp.MustCompile(`位于|地处|在[^，。；]{1,12}(?:省|市|县|区|镇|乡|村|州|国|岛|山|河|湖|海|洲|城|街|路)|[省市县区镇州岛]|在[^，。；、0-9０-９]{2,8}(?:举行|举办|召开)`)
	// reDate is a date, which is not the number a 多少 asks for.
	reDate = regexp.MustCompile(`[0-9０-９〇零一二三四五六七八九十]+\s*年(?:\s*[0-9０-９一二三四五六七八九十]+\s*月(?:\s*[0-9０-９一二三四五六七八九十]+\s*日)?)?|[0-9０-９一二三四五六七八九十]+\s*月\s*[0-9０-９一二三四五六七八九十]+\s*日`)
	// reAsksYears is a question for a count of years (几年, 多少年), which
	// a date may answer.
	reAsksYears = regexp.MustCompile(`(?:几|多少)年`)
)

// reCode finds what codes() collects: runs of Latin letters or digits,
// and Chinese numbers that count something (第四次, 三届, 十五日).
var reCode = regexp.MustCompile(`[A-Za-z0-9０-９Ａ-Ｚａ-ｚ]+|第[〇零一二三四五六七八九十百千两]+|[〇零一二三四五六七八九十百千两]+[次届年月日号个名位项条章节部批]`)

// codes returns the codes of text: Latin words (lower case, English stop
// words left out) and numbers (as digits, whichever way written).
func codes(text string) map[string]bool {
	out := map[string]bool{}
	for _, m := range reCode.FindAllString(text, 200) {
		m = strings.TrimPrefix(m, "第")
		if r, _ := utf8.DecodeLastRuneInString(m); strings.ContainsRune("次届年月日号个名位项条章节部批", r) && utf8.RuneCountInString(m) > 1 {
			m = strings.TrimSuffix(m, string(r))
		}
		if n, ok := index.ParseNumber(m); ok {
			out[strconv.Itoa(n)] = true
			continue
		}
		if w := strings.ToLower(index.NormalizeDigits(m)); !englishStopWords[w] {
			out[w] = true
		}
	}
	return out
}

// lacksForm reports whether text lacks the form of what a question q,
// asking for a, asks for.
func lacksForm(a asks, q, text string) bool {
	switch a {
	case asksTime:
		return !reHasTime.MatchString(text)
	case asksNumber:
		if !reAsksYears.MatchString(q) {
			text = reDate.ReplaceAllString(text, " ")
		}
		return !reHasNumber.MatchString(text)
	case asksPlace:
		return !reHasPlace.MatchString(text)
	}
	return false
}

// evidenceFor measures how well hit i of hits answers q.
func (st *state) evidenceFor(q string, hits []Hit, i int) evidence {
	var ev evidence
	lx := st.lex
	c := hits[i].Clause
	ord, ok := lx.ordOf(c)
	if !ok {
		return ev
	}
	q = coveredPhrasing(q, c.Text)
	var have, all float64
	for _, t := range lx.relevanceTerms(q) {
		all += t.weight
		switch {
		case len(lx.postingsOf(t.key)) == 0:
			ev.unseen += t.weight
		case lx.has(t.key, ord):
			have += t.weight
		}
	}
	if all > 0 {
		ev.rel, ev.unseen = have/all, ev.unseen/all
	}
	// The longest run of question pairs the clause has.
	best, cur, pairs := 0, 0, 0
	index.Terms(stripQuestionWords(q), func(k uint64) {
		if index.KindOf(k) != index.Bigram {
			return
		}
		pairs++
		if lx.has(k, ord) {
			cur++
			best = max(best, cur)
		} else {
			cur = 0
		}
	})
	if pairs > 0 {
		ev.run = float64(best) / float64(pairs)
	}
	if qc := codes(stripQuestionWords(q)); len(qc) > 0 {
		cc := codes(st.title(c.Doc) + " " + c.Heading + " " + c.Text)
		missing := 0
		for k := range qc {
			if !cc[k] {
				missing++
			}
		}
		ev.code = float64(missing) / float64(len(qc))
	}
	if lacksForm(asksOf(q), q, c.Text) {
		ev.lacks = 1
	}
	switch {
	case i+1 >= len(hits):
		ev.margin = 1
	case hits[i].Score > 0:
		ev.margin = math.Max(0, (hits[i].Score-hits[i+1].Score)/hits[i].Score)
	}
	return ev
}
