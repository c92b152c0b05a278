package retrieval

import (
	"context"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qabot/qabot/internal/testcorpus"

	"github.com/qabot/qabot/index"
)

// TestDeferToReferenced: the article that the best one refers to for the
// question's key phrase goes first; nothing moves when the phrase is the
// best article's own, when the referred article is not among the hits or
// lacks the phrase, or when punctuation parts the reference from it.
func TestDeferToReferenced(t *testing.T) {
	art := func(doc, id, label, text string) Hit {
		return Hit{Clause: &index.Clause{Doc: doc, ID: id, Label: label, Text: label + " " + text}}
	}
	four := art("fz", "4", "第四条", "国务院有关部门可以决定将直接或者间接参与制定、决定、实施本法第三条规定的歧视性限制措施的个人、组织列入反制清单。")
	five := art("fz", "5", "第五条", "除根据本法第四条规定列入反制清单的个人、组织以外，国务院有关部门还可以决定对下列个人、组织采取反制措施：（一）列入反制清单个人的配偶和直系亲属；（二）列入反制清单组织的高级管理人员或者实际控制人。")
	fourElsewhere := art("other", "4", "第四条", "国务院有关部门可以决定将有关个人、组织列入反制清单。")
	punct := art("fz", "5", "第五条", "违反本法第四条规定，列入反制清单的个人、组织应当承担法律责任。")
	order := func(hs []Hit) string {
		s := ""
		for _, h := range hs {
			s += h.Clause.Doc + "#" + h.Clause.ID + " "
		}
		return s
	}
	for _, c := range []struct {
		q    string
		hits []Hit
		want string
	}{
		{"哪些人可以被列入反制清单？", []Hit{five, four}, "fz#4 fz#5 "},
		{"哪些人可以被列入反制清单？", []Hit{four, five}, "fz#4 fz#5 "},
		// The phrase is the fifth article's own: its first appearance
		// follows no reference.
		{"列入反制清单个人的配偶会被怎样？", []Hit{five, four}, "fz#5 fz#4 "},
		// The fourth article of another document is not the one referred to.
		{"哪些人可以被列入反制清单？", []Hit{five, fourElsewhere}, "fz#5 other#4 "},
		{"哪些人可以被列入反制清单？", []Hit{five}, "fz#5 "},
		{"哪些人可以被列入反制清单？", []Hit{punct, four}, "fz#5 fz#4 "},
		// A key phrase of fewer than minKeyRun characters moves nothing.
		{"清单是什么？", []Hit{five, four}, "fz#5 fz#4 "},
	} {
		hs := append([]Hit(nil), c.hits...)
		for i := range hs {
			hs[i].Score = float64(len(hs) - i)
		}
		deferToReferenced(c.q, hs)
		if got := order(hs); got != c.want {
			t.Errorf("%s over %s: %s, want %s", c.q, order(c.hits), got, c.want)
		}
		for i := range hs {
			if hs[i].Score != float64(len(hs)-i) {
				t.Errorf("%s: the scores moved with the hits (%v), want them in their places", c.q, hs[i].Score)
			}
		}
	}
	if got := longestSharedRun("哪些人可以被列入反制清单？", "除根据本法第四条规定列入反制清单的个人"); got != "列入反制清单" {
		t.Errorf("longestSharedRun: %q", got)
	}
}

// TestDeferral_cnLaws measures deferToReferenced over cn-laws, with it and
// without: on the dev questions (laws-dev, laws-dev-en), and on questions
// generated for every article that the rule could take the first place
// from — an article that refers to another for a phrase the other has —
// asking for what the article itself says next (第五条: "国务院有关部门还可以
// 决定对下列个人、组织采取反制措施" → "国务院有关部门还可以决定对哪些个人、组织采
// 取反制措施？"), whose answer is that article: the rule must not take it
// away from them; and asking for the phrase itself (哪些列入反制清单的个人？),
// which the article referred to says.
func TestDeferral_cnLaws(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes the whole cn-laws corpus; skipped with -short")
	}
	e := lawsEngine(t)
	ctx := context.Background()
	defer func(v bool) { deferral = v }(deferral)
	root := testcorpus.Dir()
	for _, set := range []string{"laws-dev.jsonl", "laws-dev-en.jsonl"} {
		cases := mustGold(t, filepath.Join(root, "eval", set), nil)
		var r1 [2]float64
		for i, on := range []bool{false, true} {
			deferral = on
			m, err := e.Evaluate(ctx, cases, 10)
			if err != nil {
				t.Fatal(err)
			}
			r1[i] = m.R1
		}
		t.Logf("%s: recall@1 %.3f without the deferral, %.3f with it", set, r1[0], r1[1])
		if r1[1] < r1[0] {
			t.Errorf("%s: the deferral costs recall@1 (%.3f → %.3f)", set, r1[0], r1[1])
		}
	}

	// The generated questions: every article of cn-laws with a
	// reference the rule follows (本法第N条规定+phrase, N of the same law
	// having the phrase), asking for the part after it.
	st := e.cur.Load()
	var asked, firstOff, firstOn, termAsked int
	var termFirst [2]int
	for di := 0; di < len(st.snap.Docs); di++ {
		d := &st.snap.Docs[di]
		ids := map[string]string{}
		for _, c := range d.Clauses {
			ids[c.ID] = c.Text
		}
		for ci := range d.Clauses {
			c := &d.Clauses[ci]
			q, term, ref, ok := probeQuestion(c, ids)
			if !ok {
				continue
			}
			// And the phrase itself, which the referred article says.
			termAsked++
			for i, on := range []bool{false, true} {
				deferral = on
				hits, err := e.Search(ctx, "哪些"+term+"？", 5)
				if err != nil {
					t.Fatal(err)
				}
				if len(hits) > 0 && hits[0].Clause.Doc == d.ID && hits[0].Clause.ID == ref {
					termFirst[i]++
				}
			}
			asked++
			for i, on := range []bool{false, true} {
				deferral = on
				hits, err := e.Search(ctx, q, 5)
				if err != nil {
					t.Fatal(err)
				}
				if len(hits) > 0 && hits[0].Clause.Key() == c.Key() {
					if i == 0 {
						firstOff++
					} else {
						firstOn++
					}
				}
			}
		}
	}
	t.Logf("generated: %d questions for what a referring article says; its own article first %d without the deferral, %d with it", asked, firstOff, firstOn)
	t.Logf("generated: %d questions for the phrase (哪些列入反制清单的个人？); the referred article first %d without the deferral, %d with it", termAsked, termFirst[0], termFirst[1])
	if asked < 50 || firstOn < firstOff || termFirst[1] < termFirst[0] {
		t.Errorf("generated: %d questions, first %d without the deferral and %d with it; for the phrase, %d of %d without and %d with", asked, firstOff, firstOn, termFirst[0], termAsked, termFirst[1])
	}
}

// reProbeRef is a reference followed by a phrase of four characters or
// more.
var reProbeRef = regexp.MustCompile(`本法第([〇零一二三四五六七八九十百千两]+)条(?:规定|所列|所称)?的?(\p{Han}{4,})`)

// probeQuestion makes the generated question for article c (see
// TestDeferral_cnLaws), and returns the phrase referred for and the
// article referred to: ok when c has a reference the deferral follows.
func probeQuestion(c *index.Clause, ids map[string]string) (q, term, ref string, ok bool) {
	m := reProbeRef.FindStringSubmatch(c.Text)
	if m == nil {
		return "", "", "", false
	}
	n, ok := index.ParseNumber(m[1])
	if !ok {
		return "", "", "", false
	}
	ref = strconv.Itoa(n)
	other, ok := ids[ref]
	if !ok || other == c.Text {
		return "", "", "", false
	}
	phrase := []rune(m[2])
	if !strings.Contains(other, string(phrase[:4])) {
		return "", "", "", false
	}
	// The first stretch after the reference's of 8 to 30 characters.
	rest := c.Text[strings.Index(c.Text, m[0])+len(m[0]):]
	for _, seg := range strings.FieldsFunc(rest, func(r rune) bool { return strings.ContainsRune("，。；：\n", r) }) {
		if n := utf8.RuneCountInString(seg); n >= 8 && n <= 30 && !strings.Contains(seg, "本法第") {
			return seg + "的规定是什么？", m[2], ref, true
		}
	}
	return "", "", "", false
}
