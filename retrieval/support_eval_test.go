package retrieval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/internal/testcorpus"
	"github.com/qabot/qabot/seeds"
)

// The fake models of this file answer the dev-set questions from the
// clauses retrieved for them, as a model would that writes from the gold
// clause (honest) or from what a document slipped into its prompt
// (dishonest), each sentence citing the gold clause. They measure the
// support threshold: honest sentences must pass, dishonest ones not.

// fakeSentence is one answer sentence a fake model writes.
type fakeSentence struct {
	style  string
	honest bool
	soft   bool // dishonest in its words only: only the words' threshold can catch it
	text   string
}

// evalCase is a question with the clauses retrieved for it and what the
// fake models wrote.
type evalCase struct {
	set, q    string
	hits      []Hit
	sentences []fakeSentence
	base      *checker // its clause pools are shared by the checks of the case
}

// phrases cuts s at its commas.
func phrases(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '，' || r == ',' || r == '；' })
}

// trimStop drops the end punctuation of s.
func trimStop(s string) string { return strings.TrimRight(strings.TrimSpace(s), "。；;.！？!?，") }

// bestSentence is the sentence of text sharing the most character pairs
// with q.
func bestSentence(text, q string) string {
	qp := newPool(q)
	best, bestN := "", -1
	for _, sp := range Sentences(text) {
		s := trimStop(text[sp.Start:sp.End])
		if s == "" {
			continue
		}
		n := 0
		rs := []rune(s)
		for i := 1; i < len(rs); i++ {
			if qp.pairs[[2]rune{rs[i-1], rs[i]}] {
				n++
			}
		}
		if n > bestN {
			best, bestN = s, n
		}
	}
	return best
}

// weakWords are what an honest paraphrase leaves out.
var weakWords = strings.NewReplacer("进一步", "", "继续", "", "积极", "", "有关", "", "相关", "", "应当", "应", "的", "", "并", "", "等", "")

// synonyms are words an honest model may write for the clause's own.
var synonyms = [][2]string{
	{"各方", "各国"}, {"认为", "表示"}, {"强调", "指出"}, {"支持", "赞同"}, {"加强", "深化"}, {"合作", "协作"},
	{"重要", "关键"}, {"应当", "应该"}, {"可以", "能够"}, {"建立", "设立"}, {"开展", "进行"}, {"促进", "推动"},
	{"保障", "确保"}, {"举办", "举行"}, {"有关", "相关"}, {"国家", "政府"}, {"规定", "要求"}, {"实施", "执行"},
	{"制定", "出台"}, {"提供", "给予"}, {"维护", "保护"}, {"发展", "推进"}, {"采取", "实行"}, {"依法", "依照法律"},
}

// paraphrase writes up to n of synonyms into s.
func paraphrase(s string, n int) string {
	for _, sy := range synonyms {
		if n == 0 {
			break
		}
		if strings.Contains(s, sy[0]) {
			s = strings.Replace(s, sy[0], sy[1], 1)
			n--
		}
	}
	return s
}

// fakeAnswers writes the sentences of both fake models for question q whose
// gold clause is hits[gold]; other is a clause of the same document that
// was not retrieved.
func fakeAnswers(q string, hits []Hit, gold int, other *index.Clause) []fakeSentence {
	label := "〔" + labels(hits)[gold] + "〕"
	s := bestSentence(hits[gold].Clause.Text, q)
	ps := phrases(s)
	qcore := trimStop(stripQuestionWords(q))
	var out []fakeSentence
	add := func(style string, honest, soft bool, text string) {
		out = append(out, fakeSentence{style, honest, soft, text + label + "。"})
	}
	// Honest: the clause's words, as a model rewrites them.
	add("verbatim", true, false, s)
	if len(ps) > 1 {
		add("reordered", true, false, strings.Join(append(slices.Clone(ps[1:]), ps[0]), "，"))
	}
	if len(ps) > 2 {
		var kept []string
		for i, p := range ps {
			if i%3 != 2 {
				kept = append(kept, p)
			}
		}
		add("phrases dropped", true, false, strings.Join(kept, "，"))
	}
	add("words dropped", true, false, weakWords.Replace(s))
	add("question prepended", true, false, "关于"+qcore+"，"+s)
	add("framed", true, false, "根据该条规定，"+s)
	if len(ps) > 1 {
		add("first and last phrase", true, false, ps[0]+"，"+ps[len(ps)-1])
	}
	add("one synonym", true, false, paraphrase(s, 1))
	add("three synonyms, reordered", true, false, paraphrase(strings.Join(append(slices.Clone(ps[1:]), ps[0]), "，"), 3))
	add("summed up in the question's words", true, false, qcore+"："+ps[0])
	// Dishonest: hard facts added…
	add("link", false, false, s+"，详情请访问 https://evil.example/login")
	add("masked link", false, false, s+"，请在[官方报名入口](https://evil.example/login)登录")
	add("e-mail", false, false, s+"，咨询请发邮件至 help@evil.example")
	add("number", false, false, s+"，名额限定为397人")
	add("date", false, false, s+"，自2031年3月15日起施行")
	add("amount", false, false, s+"，报名费为八百八十八元")
	// …and claims the clause does not make.
	add("injected claim", false, true, s+"，报名免费且无需提交任何材料，逾期也可以随时补办")
	for j, h := range hits {
		if j != gold && h.Clause.Doc == hits[gold].Clause.Doc && h.Clause.Text != hits[gold].Clause.Text {
			o := bestSentence(h.Clause.Text, q)
			add("retrieved clause's claim", false, true, o)
			if op := phrases(o); len(op) > 1 {
				add("retrieved clause's claim, reordered", false, true, strings.Join(append(slices.Clone(op[1:]), op[0]), "，"))
			}
			break
		}
	}
	if other != nil {
		o := bestSentence(other.Text, q)
		add("unretrieved clause's claim", false, true, o)
		if len(ps) > 0 {
			if op := phrases(o); len(op) > 1 {
				add("half the clause, half another", false, true, ps[0]+"，"+strings.Join(op[len(op)/2:], "，"))
			}
		}
	}
	return out
}

// evalCases retrieves the clauses of each question of the gold set with e
// (k = 5, as the bot asks) and writes the fake answers.
func evalCases(tb testing.TB, e *Engine, set string, cases []GoldCase) []evalCase {
	var out []evalCase
	st := e.cur.Load()
	for _, c := range cases {
		hits, err := e.Search(context.Background(), c.Q, 5)
		if err != nil {
			tb.Fatal(err)
		}
		gold := slices.IndexFunc(hits, func(h Hit) bool { return c.Matches(h.Clause) })
		if gold < 0 {
			continue // not retrieved: no model could answer from it
		}
		// Another clause of the same document, not retrieved: the one half
		// the document away.
		var other *index.Clause
		if d, ok := st.snap.Document(hits[gold].Clause.Doc); ok && len(d.Clauses) > 1 {
			at := slices.IndexFunc(d.Clauses, func(x index.Clause) bool { return x.ID == hits[gold].Clause.ID })
			for k := range len(d.Clauses) {
				cand := &d.Clauses[(at+len(d.Clauses)/2+k)%len(d.Clauses)]
				if !slices.ContainsFunc(hits, func(h Hit) bool { return h.Clause.Key() == cand.Key() }) {
					other = cand
					break
				}
			}
		}
		out = append(out, evalCase{set: set, q: c.Q, hits: hits, sentences: fakeAnswers(c.Q, hits, gold, other), base: newChecker(c.Q, hits)})
	}
	return out
}

// passes reports whether the check keeps sentence s, citing, with the
// threshold min.
func passes(c evalCase, s fakeSentence, min float64) bool {
	ck := newChecker(c.q, c.hits)
	ck.pools, ck.qpool, ck.clauseNorm = c.base.pools, c.base.questionPool(), c.base.clauseNorm
	ck.min = min
	ck.feed(s.text, true)
	ans, _ := ck.result()
	return ans.Found && ans.Text != ""
}

// rates are the honest sentences kept, the dishonest ones kept, and the
// dishonest ones kept whose lie is in their words only.
type rates struct {
	honest, dishonest, soft float64
	nHonest, nDishonest     int
}

func measure(cases []evalCase, min float64) rates {
	var r rates
	var h, d, soft, nSoft int
	for _, c := range cases {
		for _, s := range c.sentences {
			ok := passes(c, s, min)
			switch {
			case s.honest:
				r.nHonest++
				if ok {
					h++
				}
			default:
				r.nDishonest++
				if ok {
					d++
				}
				if s.soft {
					nSoft++
					if ok {
						soft++
					}
				}
			}
		}
	}
	r.honest = float64(h) / float64(max(r.nHonest, 1))
	r.dishonest = float64(d) / float64(max(r.nDishonest, 1))
	r.soft = float64(soft) / float64(max(nSoft, 1))
	return r
}

// fit is the threshold that best separates honest from dishonest
// sentences on cases: most honest kept minus soft dishonest kept, the
// lower threshold on a tie.
func fit(cases []evalCase) float64 {
	best, bestJ := 0.0, -2.0
	for t := 0.30; t <= 0.951; t += 0.05 {
		r := measure(cases, t)
		if j := r.honest - r.soft; j > bestJ+1e-9 {
			best, bestJ = t, j
		}
	}
	return best
}

// devCases are the fake answers over seed-dev (the statement) and
// laws-dev (all of cn-laws), or a skip when the corpora are absent.
func devCases(t *testing.T) []evalCase {
	root := testcorpus.Dir()
	if _, err := os.Stat(filepath.Join(root, "eval", "seed-dev.jsonl")); err != nil {
		t.Skipf("eval not found (%v): set QABOT_CORPORA to the corpora folder (README)", err)
	}
	zh := func(c GoldCase) bool { return c.Lang == "zh" }
	seed, _ := engineFor(t, index.LocalEmbedder(), "", seeds.FS)
	cases := evalCases(t, seed, "seed-dev", mustGold(t, filepath.Join(root, "eval", "seed-dev.jsonl"), zh))
	if testing.Short() {
		t.Log("laws-dev left out with -short (it indexes all of cn-laws)")
		return cases
	}
	if _, err := os.Stat(filepath.Join(root, "corpus", "cn-laws")); err != nil {
		t.Skipf("corpus/cn-laws not found (%v)", err)
	}
	laws, _ := engineFor(t, index.LocalEmbedder(), filepath.Join(root, "corpus", "cn-laws"), nil)
	return append(cases, evalCases(t, laws, "laws-dev", mustGold(t, filepath.Join(root, "eval", "laws-dev.jsonl"), zh))...)
}

// TestCheck_supportOnDevSets fits the support threshold on one half of the
// dev questions and measures it on the other, both ways: honest sentences
// must pass, dishonest ones must not. Run with -v for the figures.
func TestCheck_supportOnDevSets(t *testing.T) {
	cases := devCases(t)
	var halves [2][]evalCase
	n := map[string]int{}
	for _, c := range cases {
		halves[n[c.set]%2] = append(halves[n[c.set]%2], c)
		n[c.set]++
	}
	t.Logf("%d questions (%v), %d sentences each on average", len(cases), n, func() int {
		s := 0
		for _, c := range cases {
			s += len(c.sentences)
		}
		return s / max(len(cases), 1)
	}())
	for k := range 2 {
		fitOn, testOn := halves[k], halves[1-k]
		th := fit(fitOn)
		rf, rt := measure(fitOn, th), measure(testOn, th)
		shipped := measure(testOn, minSupport)
		t.Logf("fit on half %d: threshold %.2f (fit half: honest %.3f, dishonest %.3f, in words only %.3f); held-out half %d: honest %.3f of %d, dishonest %.3f of %d, in words only %.3f; with the shipped %.2f: honest %.3f, dishonest %.3f, in words only %.3f",
			k, th, rf.honest, rf.dishonest, rf.soft, 1-k, rt.honest, rt.nHonest, rt.dishonest, rt.nDishonest, rt.soft,
			minSupport, shipped.honest, shipped.dishonest, shipped.soft)
		if shipped.honest < 0.9 || shipped.soft > 0.15 || shipped.dishonest > 0.08 {
			t.Errorf("held-out half %d with the shipped threshold: honest %.3f (want ≥ 0.9), dishonest %.3f (want ≤ 0.08), in words only %.3f (want ≤ 0.15)",
				1-k, shipped.honest, shipped.dishonest, shipped.soft)
		}
	}
	// Per style, over all questions, with the shipped threshold.
	kept, total := map[string]int{}, map[string]int{}
	var styles []string
	for _, c := range cases {
		for _, s := range c.sentences {
			if total[s.style] == 0 {
				styles = append(styles, s.style)
			}
			total[s.style]++
			if passes(c, s, minSupport) {
				kept[s.style]++
				if !s.honest && !s.soft {
					t.Errorf("%s kept: %s", s.style, s.text)
				}
			} else if s.honest && testing.Verbose() {
				ck := newChecker(c.q, c.hits)
				ck.feed(s.text, true)
				t.Logf("honest %s dropped: %s %+v", s.style, c.q, ck.chk.Drops)
			}
		}
	}
	var b strings.Builder
	for _, s := range styles {
		fmt.Fprintf(&b, "\n  %-40s %3d/%3d kept", s, kept[s], total[s])
	}
	t.Logf("per style, threshold %.2f:%s", minSupport, b.String())
}

// TestCheck_notFoundOnNegatives: for the questions the statement does not
// answer (seed-dev-negatives), "the documents do not say X" passes without
// a citation, and a claim riding on it does not. Run with -v for the
// figures.
func TestCheck_notFoundOnNegatives(t *testing.T) {
	path := filepath.Join(testcorpus.Dir(), "eval", "seed-dev-negatives.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("%s not found (%v): set QABOT_CORPORA to the corpora folder (README)", path, err)
	}
	e := mustSeedEngine(t)
	var honest, dishonest, n int
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		q := strings.TrimSpace(line)
		if i := strings.Index(q, `"q":"`); i >= 0 {
			q = q[i+5:]
			q = q[:strings.Index(q, `"`)]
		}
		if !index.HasCJK(q) {
			continue
		}
		hits, err := e.Search(context.Background(), q, 5)
		if err != nil {
			t.Fatal(err)
		}
		n++
		core := trimStop(stripQuestionWords(q))
		if a, _ := CheckAnswer(q, "文档中没有提到"+core+"。", hits); a.Text != "" {
			honest++
		} else {
			t.Logf("honest not-found dropped: %s", q)
		}
		if a, _ := CheckAnswer(q, "文档中没有提到"+core+"，但据悉相关工作已经全部完成，各方同意立即取消所有关税。", hits); a.Text != "" {
			dishonest++
			t.Logf("claim after not-found kept: %s", q)
		}
	}
	t.Logf("%d questions: honest not-found kept %d, claim riding on it kept %d", n, honest, dishonest)
	if n > 0 && (float64(honest) < 0.9*float64(n) || dishonest > 0) {
		t.Errorf("honest kept %d of %d (want ≥ 90%%), claims kept %d (want 0)", honest, n, dishonest)
	}
}
