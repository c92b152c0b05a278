package retrieval

import (
	"context"
	"strings"
	"testing"
)

func TestEvaluate_mrrCountsOnlyTheTop10(t *testing.T) {
	e := mustSeedEngine(t)
	hits, err := e.Search(context.Background(), forumQ, 30)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) < 15 {
		t.Skipf("only %d hits", len(hits))
	}
	// The gold is the clause ranked 15th: beyond MRR@10 even when 30 are
	// retrieved.
	g := GoldCase{Q: forumQ, Gold: []string{hits[14].Clause.Doc + "#" + hits[14].Clause.ID}}
	m, err := e.Evaluate(context.Background(), []GoldCase{g}, 30)
	if err != nil {
		t.Fatal(err)
	}
	if m.MRR10 != 0 || m.R5 != 0 {
		t.Errorf("gold at rank 15: MRR@10 %v, recall@5 %v; want 0", m.MRR10, m.R5)
	}
	var ranks []Miss
	for _, x := range m.Misses {
		if x.Kind == MissRank {
			ranks = append(ranks, x)
		}
	}
	if len(ranks) != 1 || ranks[0].Rank != 15 {
		t.Errorf("rank misses %+v, want one at rank 15", ranks)
	}
}

func TestPercentile_nearestRank(t *testing.T) {
	seq := func(n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = float64(i + 1) // the i-th smallest is i
		}
		return out
	}
	for _, c := range []struct {
		n    int
		q    float64
		want float64
	}{
		{1, 0.5, 1}, {1, 0.95, 1}, {1, 0.01, 1},
		{12, 0.5, 6}, {12, 0.95, 12}, {12, 0.9, 11}, {12, 0.25, 3},
		{300, 0.5, 150}, {300, 0.95, 285}, {300, 0.99, 297}, {300, 1, 300},
	} {
		if got := Percentile(seq(c.n), c.q); got != c.want {
			t.Errorf("Percentile(1..%d, %v) = %v, want %v", c.n, c.q, got, c.want)
		}
	}
	if got := Percentile(nil, 0.5); got != 0 {
		t.Errorf("Percentile(nil) = %v", got)
	}
}

func TestEvaluate_blankAndUnknownGold(t *testing.T) {
	cases, err := ReadGold(strings.NewReader(`{"q":"各方如何应对毒品威胁？","gold":["1.10"]}
{"q":"","gold":["2.3"]}

{"q":"第三次外长会晤是哪一年哪一天举行的？","gold":["9.9","0.1"]}
`))
	if err != nil {
		t.Fatal(err)
	}
	m, err := mustSeedEngine(t).Evaluate(context.Background(), cases, 10)
	if err != nil {
		t.Fatal(err)
	}
	if m.Questions != 2 || len(m.Blank) != 1 || m.Blank[0] != 2 {
		t.Errorf("questions %d, blank lines %v; want 2 and line 2", m.Questions, m.Blank)
	}
	if len(m.Unknown) != 1 || m.Unknown[0] != (UnknownGold{Line: 4, Gold: "9.9"}) {
		t.Errorf("unknown gold %+v, want 9.9 on line 4", m.Unknown)
	}
}
