package retrieval

import (
	"math"

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
	// code is the weighted share of the question's terms that are Latin
	// words or numbers no clause has (the E of "E线", a year): a named
	// thing the documents do not have.
	code float64
}

// features lists the evidence in abstainModel's order.
func (ev evidence) features() [numFeatures]float64 {
	return [numFeatures]float64{ev.rel, ev.unseen, ev.run, ev.margin, ev.code}
}

const numFeatures = 5

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
var abstainModel = logit{weights: [numFeatures]float64{5.17, -7.09, 2.89, 0.55, -1.17}, bias: -1.68}

// evidenceFor measures how well hit i of hits answers q.
func (st *state) evidenceFor(q string, hits []Hit, i int) evidence {
	var ev evidence
	lx := st.lex
	c := hits[i].Clause
	ord, ok := lx.ord[c.Key()]
	if !ok {
		return ev
	}
	var have, all float64
	for _, t := range lx.relevanceTerms(q) {
		all += t.weight
		switch {
		case len(lx.postingsOf(t.key)) == 0:
			ev.unseen += t.weight
			if index.KindOf(t.key) == index.Word {
				ev.code += t.weight
			}
		case lx.has(t.key, ord):
			have += t.weight
		}
	}
	if all > 0 {
		ev.rel, ev.unseen, ev.code = have/all, ev.unseen/all, ev.code/all
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
	switch {
	case i+1 >= len(hits):
		ev.margin = 1
	case hits[i].Score > 0:
		ev.margin = math.Max(0, (hits[i].Score-hits[i+1].Score)/hits[i].Score)
	}
	return ev
}
