package retrieval

import (
	"context"
	"slices"
	"testing"
)

func TestSampleQuestions(t *testing.T) {
	snap := mustSeedEngine(t).Snapshot()
	got := SampleQuestions(snap.Docs, 10)
	if len(got) != 10 {
		t.Fatalf("got %d questions, want 10: %q", len(got), got)
	}
	if again := SampleQuestions(snap.Docs, 10); !slices.Equal(got, again) {
		t.Errorf("not deterministic: %q then %q", got, again)
	}
	for _, q := range got {
		if q == "" {
			t.Errorf("empty question in %q", got)
		}
	}
	if n := len(SampleQuestions(snap.Docs, 1000)); n != snap.NumClauses() {
		t.Errorf("asking for more questions than clauses: got %d, want %d", n, snap.NumClauses())
	}
}

func TestEngine_SearchMode(t *testing.T) {
	e := mustSeedEngine(t)
	ctx := context.Background()
	const q = "首届中国—中亚经贸合作论坛是什么时候举行的？"
	hybrid, err := e.Search(ctx, q, 5)
	if err != nil {
		t.Fatal(err)
	}
	viaMode, err := e.SearchMode(ctx, q, 5, ModeHybrid)
	if err != nil {
		t.Fatal(err)
	}
	if len(hybrid) != len(viaMode) || hybrid[0].Clause.Key() != viaMode[0].Clause.Key() {
		t.Errorf("SearchMode(ModeHybrid) differs from Search")
	}
	for _, mode := range []Mode{ModeLexical, ModeDense} {
		t.Run(mode.String(), func(t *testing.T) {
			hits, err := e.SearchMode(ctx, q, 5, mode)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) != 5 {
				t.Fatalf("got %d hits, want 5", len(hits))
			}
			for i := 1; i < len(hits); i++ {
				if hits[i].Score > hits[i-1].Score {
					t.Errorf("hits not sorted by score: %v after %v", hits[i].Score, hits[i-1].Score)
				}
			}
			if mode == ModeLexical && hits[0].Clause.ID != "2.3" {
				t.Errorf("lexical first hit %s, want §2.3", hits[0].Clause.Key())
			}
		})
	}
}
