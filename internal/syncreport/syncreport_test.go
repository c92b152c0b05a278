package syncreport

import (
	"encoding/json"
	"testing"
)

func TestReport_JSONShape(t *testing.T) {
	r := Report{
		Documents: DocCounts{Added: 1, Changed: 2, Removed: 3, Unchanged: 4},
		Clauses:   ClauseCounts{Embedded: 5, Kept: 6, Removed: 7},
		Skipped:   []Skip{{File: "a.txt", Reason: "binary file"}},
		Folded:    []Fold{{File: "b/x.txt", SameAs: "a/x.txt"}},
		Seconds:   0.5,
	}
	got, err := json.Marshal(r)
	want := `{"documents":{"added":1,"changed":2,"removed":3,"unchanged":4},"clauses":{"embedded":5,"kept":6,"removed":7},"skipped":[{"file":"a.txt","reason":"binary file"}],"folded":[{"file":"b/x.txt","same_as":"a/x.txt"}],"seconds":0.5}`
	if err != nil || string(got) != want {
		t.Errorf("JSON %s, %v; want the shape qabot index --json documents:\n%s", got, err, want)
	}
	if !r.Changed() || (Report{Documents: DocCounts{Unchanged: 9}, Clauses: ClauseCounts{Kept: 9}}).Changed() {
		t.Error("Changed")
	}
}
