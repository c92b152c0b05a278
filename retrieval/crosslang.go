package retrieval

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/internal/cedict"
)

// An English question over Chinese documents is searched for in Chinese:
// its content words and phrases are looked up in a table derived from
// CC-CEDICT (internal/cedict) and in this domain's glossary, and every
// rendering is weighed by whether the indexed documents contain it — a
// rendering no clause has cannot help, and of several the one the
// documents use is the one to search for. Adjacent words whose renderings
// join into something the documents contain are searched for joined
// ("data security" → 数据安全, "Foreign Relations Law" → 对外关系法, a law's
// title): that is how Chinese writes compounds, and how a title is found.

// crossQuery is an English question rendered as Chinese search terms.
type crossQuery struct {
	// lexical is the lexical query: the renderings, and the question's
	// Latin words and numbers that the documents contain (IT, 2022).
	lexical string
	// searched are the terms, in question order, for the answer's
	// "Searched for:" line.
	searched []string
	units    []crossUnit
	// absent are the phrases the dictionary has and the documents lack
	// (tokens i to j); their words' units do not count in relevance, the
	// phrase counts instead, as a word without renderings.
	absent []seg
}

// crossUnit is a content word or phrase of the question with the
// renderings searched for it; terms is empty when the documents contain
// none of its renderings (or the table has none).
type crossUnit struct {
	english string
	terms   []string
	latin   bool // a Latin word or number matched as it is written
	// verb: most of the word's direct renderings are verb senses. A verb
	// the documents have no rendering of is mostly the question's frame
	// (held, represented, see), a noun its topic (soldiers, Antarctica).
	verb bool
	// within are the renderings of the compound the word is part of
	// (数据安全 for data in data security): they hold the word too.
	within []string
	i, j   int // the tokens it renders
	// name: every word capitalised (Kazakhstan, Belt and Road Initiative).
	// A name places a question rather than saying what it asks, so it
	// weighs less in relevance (nameWeight).
	name bool
}

// crossLanguage renders q for the lexical search when q is an English
// question (Latin letters, no CJK) over documents in Chinese; nil
// otherwise, and for a Chinese question the table is never loaded.
func (st *state) crossLanguage(q string) *crossQuery {
	if index.HasCJK(q) || !hasLatinLetter(q) || !st.hasCJK() {
		return nil
	}
	if c := st.cross.Load(); c != nil && c.q == q {
		return c.cq // an answer renders the question it searched for
	}
	table, err := cedict.Default()
	if err != nil {
		return nil // the embedded table is part of the build; a test holds it
	}
	cq := translate(st.lex, table, st.titles, q)
	st.cross.Store(&crossCached{q, cq})
	return cq
}

// crossCached is a question with its rendering.
type crossCached struct {
	q  string
	cq *crossQuery
}

func hasLatinLetter(s string) bool {
	for _, r := range s {
		if r < 0x80 && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// qToken is a word of the question: lower case, with whether it was
// written in capitals (IT, D: a name, never a stop word) and whether it
// was capitalised other than as the question's first word (Kazakhstan,
// Foreign Relations Law: a name).
type qToken struct {
	w       string
	upper   bool
	capital bool
}

func questionTokens(q string) []qToken {
	var out []qToken
	for _, f := range strings.FieldsFunc(q, unicode.IsSpace) {
		upper := strings.ToUpper(f) == f && strings.ToLower(f) != f && f != "I"
		for _, p := range strings.FieldsFunc(f, func(r rune) bool { return r == '-' || r == '/' }) {
			r, _ := utf8.DecodeRuneInString(p)
			for _, w := range cedict.Words(p) {
				out = append(out, qToken{w, upper, len(out) > 0 && unicode.IsUpper(r)})
			}
		}
	}
	return out
}

// frameWords frame an English question rather than say what it is about
// (What does the statement say about …, Which … are mentioned); they are
// neither searched for nor held against a clause.
var frameWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`say says said saying tell tells told mention mentions mentioned mentioning
		named listed describe describes described description explain explains explained
		statement statements document documents text texts regarding concerning according kind kinds type
		types sort sorts way ways thing things something anything happen happens happened please know
		include includes included including contain contains contained`) {
		frameWords[w] = true
	}
}

// skipped reports whether token t is neither searched for nor a part a
// phrase may start or end with.
func (t qToken) skipped() bool {
	return !t.upper && (cedict.IsStopWord(t.w) || frameWords[t.w])
}

// Parameters of the rendering, measured on the English dev sets (README).
const (
	maxPhraseWords   = 4   // longest phrase looked up
	termsPerUnit     = 3   // renderings searched for per word or phrase
	keepShare        = 0.5 // a rendering is searched for when it scores this share of the unit's best
	variantPenalty   = 1   // prior added to a rendering of an inflected or respelled form
	containedPenalty = 3   // prior added to a rendering of a longer key holding the word
	singleCharWeight = 0.3 // a one-character rendering is mostly grammar
	priorDecay       = 0.5 // a rendering's score is log(2+df) / (1 + priorDecay·prior)
	nameWeight       = 0.5 // a name's share of relevance, against another word's
)

// seg is a word or phrase of the question, tokens i to j, with its
// renderings.
type seg struct {
	i, j  int
	cands []cand
	title bool  // a document's title (titleJoin)
	parts []seg // the words a compound was joined from (joinCands)
}

// cand is a rendering with its prior (0 = a first sense).
type cand struct {
	zh       string
	prior    int
	indirect bool // the rendering of a longer key holding the word
	verb     bool // a verb's sense ("to hold")
}

// translator renders one question; df caches the document frequencies of
// the renderings it has weighed.
type translator struct {
	lx     *Lexical
	table  *cedict.Table
	titles []string
	df     map[string]int
}

// phraseDF is lx.phraseDF, cached.
func (x *translator) phraseDF(zh string) int {
	n, ok := x.df[zh]
	if !ok {
		n = x.lx.phraseDF(zh)
		x.df[zh] = n
	}
	return n
}

func translate(lx *Lexical, table *cedict.Table, titles []string, q string) *crossQuery {
	x := &translator{lx: lx, table: table, titles: titles, df: map[string]int{}}
	toks := questionTokens(q)
	cq := &crossQuery{}
	// Segment: the longest phrase from each position that has a rendering
	// the documents contain, else the word on its own.
	var segs []seg
	var absent *seg // the dictionary phrase without a rendering in the documents being read
	for i := 0; i < len(toks); {
		if n, cs := x.functionPhrase(toks[i:]); n > 0 {
			// "more than" → 超过: statutes say limits in words that are
			// English function words.
			segs = append(segs, seg{i: i, j: i + n, cands: cs})
			i += n
			continue
		}
		if toks[i].skipped() {
			i++
			continue
		}
		found := false
		for n := min(maxPhraseWords, len(toks)-i); n >= 2 && !found; n-- {
			if toks[i+n-1].skipped() {
				continue
			}
			cs := lookupPhrase(table, toks[i:i+n])
			switch {
			case x.anyPresent(cs):
				segs = append(segs, seg{i: i, j: i + n, cands: cs})
				i += n
				found = true
			case len(cs) > 0 && absent == nil:
				// A phrase the dictionary knows and the documents do not
				// have (World Cup → 世界杯, space exploration → 太空探索):
				// its words are still searched for, but it is one thing the
				// question asks about that no clause holds.
				absent = &seg{i: i, j: i + n}
				cq.absent = append(cq.absent, *absent)
			}
		}
		if absent != nil && i >= absent.j {
			absent = nil
		}
		if !found {
			segs = append(segs, seg{i: i, j: i + 1, cands: lookupWord(table, toks[i].w)})
			i++
		}
	}
	// A law's title: the words before "Law" (or Regulations, Code, …)
	// rendered and joined with its rendering, when that names a document
	// (Foreign Relations Law → 对外关系法).
	for k := 0; k < len(segs); k++ {
		if s := segs[k]; s.j != s.i+1 || !titleWords[toks[s.i].w] {
			continue
		}
		for n := min(k, maxJoin-1); n >= 1; n-- {
			if !contiguous(segs[k-n : k+1]) {
				continue
			}
			if t := x.titleJoin(segs[k-n : k+1]); t != "" {
				segs[k-n] = seg{i: segs[k-n].i, j: segs[k].j, cands: []cand{{zh: t}}, title: true}
				segs = slices.Delete(segs, k-n+1, k+1)
				k -= n
				break
			}
		}
	}
	// Neighbouring words whose renderings join into a term the documents
	// contain are one compound (data security → 数据安全, protection order
	// → 保护令), the longest run first.
	for k := 0; k < len(segs); k++ {
		for n := min(maxJoin, len(segs)-k); n >= 2; n-- {
			run := segs[k : k+n]
			if !contiguous(run) || slices.ContainsFunc(run, func(s seg) bool { return s.title }) {
				continue
			}
			if joined := x.joinCands(run); len(joined) > 0 {
				segs[k] = seg{i: run[0].i, j: run[n-1].j, cands: joined, parts: slices.Clone(run)}
				segs = slices.Delete(segs, k+1, k+n)
				break
			}
		}
	}
	var lexical []string
	search := func(terms []string, upper bool) {
		for _, t := range terms {
			lexical = append(lexical, t)
			if upper {
				t = strings.ToUpper(t) // IT, as the question wrote it
			}
			if !slices.Contains(cq.searched, t) {
				cq.searched = append(cq.searched, t)
			}
		}
	}
	for _, s := range segs {
		if len(s.parts) == 0 {
			u := x.unit(toks, s)
			search(u.terms, u.latin && toks[s.i].upper)
			cq.units = append(cq.units, u)
			continue
		}
		// A compound is searched for whole; each of its words is a unit of
		// relevance that a clause holds with the compound or with a
		// rendering of its own.
		compound := x.chooseTerms(s.cands)
		search(compound, false)
		for _, p := range s.parts {
			u := x.unit(toks, p)
			u.within = compound
			cq.units = append(cq.units, u)
		}
	}
	// The question's own words too: over documents in both languages they
	// match the English ones (over Chinese ones they match nothing, or a
	// Latin word a clause has).
	for _, t := range toks {
		if !t.skipped() && !slices.Contains(lexical, t.w) {
			lexical = append(lexical, t.w)
		}
	}
	cq.lexical = strings.Join(lexical, " ")
	return cq
}

// unit is the crossUnit of segment s.
func (x *translator) unit(toks []qToken, s seg) crossUnit {
	var words []string
	for _, t := range toks[s.i:s.j] {
		words = append(words, t.w)
	}
	u := crossUnit{english: strings.Join(words, " "), terms: x.chooseTerms(s.cands), verb: mostlyVerbs(s.cands), i: s.i, j: s.j}
	u.name = slices.ContainsFunc(toks[s.i:s.j], func(t qToken) bool { return t.capital }) &&
		!slices.ContainsFunc(toks[s.i:s.j], func(t qToken) bool { return !t.capital && !t.skipped() })
	if len(u.terms) == 0 && s.j == s.i+1 && x.lx.wordDF(toks[s.i].w) > 0 {
		// A name or number the documents write in Latin letters.
		u.terms, u.latin = []string{toks[s.i].w}, true
	}
	return u
}

// functionPhrase returns the length and renderings of the glossary phrase
// of function words that toks starts with, when the documents contain one
// of its renderings ("more than" → 超过).
func (x *translator) functionPhrase(toks []qToken) (int, []cand) {
	var words []string
	for _, t := range toks[:min(maxPhraseWords, len(toks))] {
		if !cedict.IsStopWord(t.w) {
			break
		}
		words = append(words, t.w)
	}
	for n := len(words); n >= 1; n-- {
		var cs []cand
		for _, zh := range glossary[strings.Join(words[:n], " ")] {
			cs = append(cs, cand{zh: zh})
		}
		if x.anyPresent(cs) {
			return n, cs
		}
	}
	return 0, nil
}

// mostlyVerbs reports whether most of the direct renderings are verb senses.
func mostlyVerbs(cs []cand) bool {
	n := 0
	for _, c := range cs {
		if !c.indirect {
			if c.verb {
				n++
			} else {
				n--
			}
		}
	}
	return n > 0
}

// lookupPhrase returns the renderings of a phrase of several words: the
// table's and the glossary's, for the words as written and with the last
// word's base forms (freight trains → freight train) and British spellings
// respelled.
func lookupPhrase(table *cedict.Table, toks []qToken) []cand {
	var keys []string
	last := cedict.Variants(toks[len(toks)-1].w)
	head := make([]string, len(toks)-1)
	for i, t := range toks[:len(toks)-1] {
		head[i] = t.w
	}
	// The other words respelled too (labour contract → labor contract):
	// each word's second form, when it has one.
	var alt []string
	for _, h := range head {
		vs := cedict.Variants(h)
		alt = append(alt, vs[min(1, len(vs)-1)])
	}
	for _, v := range last {
		keys = append(keys, strings.Join(append(slices.Clone(head), v), " "))
		if k := strings.Join(append(slices.Clone(alt), v), " "); !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	var out []cand
	for i, k := range keys {
		p := 0
		if i > 0 {
			p = variantPenalty
		}
		out = appendSenses(out, table, k, p)
	}
	return out
}

// lookupWord returns the renderings of a single word: the table's and the
// glossary's for the word and its variants, and the renderings of longer
// keys holding it ("summit meeting" for summit, "foreign country" for
// foreign) at a lower prior, marked indirect: those are searched for when
// the word has no direct rendering the documents contain, and joined with
// their neighbours' (Anti-Foreign Sanctions Law → 反外国制裁法).
func lookupWord(table *cedict.Table, w string) []cand {
	var out []cand
	vs := cedict.Variants(w)
	for i, v := range vs {
		p := 0
		if i > 0 {
			p = variantPenalty
		}
		out = appendSenses(out, table, v, p)
	}
	for i, v := range vs {
		p := containedPenalty
		if i > 0 {
			p += variantPenalty
		}
		for _, ph := range table.Containing(v) {
			for _, s := range ph.Senses {
				if !slices.ContainsFunc(out, func(c cand) bool { return c.zh == s.Zh }) {
					out = append(out, cand{zh: s.Zh, prior: s.Prior + p, indirect: true, verb: s.Verb})
				}
			}
		}
	}
	return out
}

// appendSenses adds key's renderings from the glossary (prior 0) and the
// table, each prior raised by penalty.
func appendSenses(out []cand, table *cedict.Table, key string, penalty int) []cand {
	for _, zh := range glossary[key] {
		out = addCand(out, cand{zh: zh, prior: penalty})
	}
	for _, s := range table.Lookup(key) {
		out = addCand(out, cand{zh: s.Zh, prior: s.Prior + penalty, verb: s.Verb})
	}
	return out
}

// addCand adds c, or lowers the prior of the same rendering already there.
func addCand(out []cand, c cand) []cand {
	for i := range out {
		if out[i].zh == c.zh {
			out[i].prior = min(out[i].prior, c.prior)
			return out
		}
	}
	return append(out, c)
}

func (x *translator) anyPresent(cs []cand) bool {
	for _, c := range cs {
		if x.phraseDF(c.zh) > 0 {
			return true
		}
	}
	return false
}

// joinCands returns the joins of one rendering of each of run (in order)
// that the documents contain, best prior first. A join is built word by
// word and kept only while the documents contain it (a compound's start is
// in every clause that holds the compound); one with a one-character part
// must be at least minJoinRunes long (各方支 is no compound, 保护令 in
// 人身安全保护令 is). Indirect renderings (a longer key's) join too, but
// two or more of them only when the join holds at least minAssociation of
// the rarer one's occurrences: 反制清单 (countermeasure list) is a term,
// 即为对方 (define personal) an accident of the text.
func (x *translator) joinCands(run []seg) []cand {
	type join struct {
		zh       string
		prior    int
		single   bool
		indirect int // indirect parts
		rarest   int // the document frequency of the rarest indirect part
	}
	joins := []join{{}}
	for _, s := range run {
		var next []join
		present := slices.DeleteFunc(slices.Clone(s.cands), func(c cand) bool { return x.phraseDF(c.zh) == 0 })
		for _, j := range joins {
			for _, c := range present {
				zh := j.zh + c.zh
				df := x.phraseDF(zh)
				if df == 0 {
					continue
				}
				n := join{zh, max(j.prior, c.prior), j.single || len([]rune(c.zh)) == 1, j.indirect, j.rarest}
				if c.indirect {
					n.indirect++
					if d := x.phraseDF(c.zh); n.rarest == 0 || d < n.rarest {
						n.rarest = d
					}
				}
				if n.indirect >= 2 && float64(df) < minAssociation*float64(n.rarest) {
					continue
				}
				next = append(next, n)
			}
		}
		if len(next) == 0 {
			return nil
		}
		joins = next
	}
	var out []cand
	for _, j := range joins {
		if j.single && len([]rune(j.zh)) < minJoinRunes {
			continue
		}
		out = addCand(out, cand{zh: j.zh, prior: j.prior})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].prior < out[j].prior })
	return out
}

// maxJoin is the most words or phrases joined into one compound or title.
const maxJoin = 4

// minAssociation: see joinCands.
const minAssociation = 0.1

// minJoinRunes is the shortest compound with a one-character part.
const minJoinRunes = 4

// titleWords end a law's title in English: the title is the words before
// them and their rendering, joined.
var titleWords = map[string]bool{
	"law": true, "act": true, "code": true, "regulations": true, "regulation": true, "provisions": true,
	"measures": true, "rules": true, "decision": true, "interpretation": true,
}

// contiguous reports whether segs follow each other with no word between.
func contiguous(segs []seg) bool {
	for k := 1; k < len(segs); k++ {
		if segs[k].i != segs[k-1].j {
			return false
		}
	}
	return true
}

// titleJoin returns the join of one rendering from each of segs (the best
// composeSenses of each) that is a document's short title, or a run of at
// least four characters of one; "" when none is. Joins are built word by
// word, kept only while some title contains them.
func (x *translator) titleJoin(segs []seg) string {
	inTitle := func(zh string) bool {
		// (Every title's words are in its clauses' context, so a join no
		// clause has is in no title: the cached frequency rules most out.)
		return x.phraseDF(zh) > 0 && slices.ContainsFunc(x.titles, func(t string) bool { return strings.Contains(t, zh) })
	}
	joins := []string{""}
	for _, s := range segs {
		var next []string
		for _, j := range joins {
			for _, c := range s.cands {
				if zh := j + c.zh; inTitle(zh) {
					next = append(next, zh)
				}
			}
		}
		if joins = next; len(joins) == 0 || len(joins) > 4096 {
			return ""
		}
	}
	best := ""
	for _, j := range joins {
		for _, t := range x.titles {
			if t == j || len([]rune(j)) >= 4 && strings.Contains(t, j) {
				if len(j) > len(best) || t == j {
					best = j
				}
			}
		}
	}
	return best
}

// chooseTerms picks the renderings to search for: those the documents
// contain, scored by how many clauses contain them and by prior (a
// one-character rendering less), the best termsPerUnit within keepShare of
// the best. Of two senses the dictionary offers, the one the documents use
// more is the likelier rendering (global → 全球 over 全局性 in statutes).
func (x *translator) chooseTerms(cs []cand) []string {
	type scored struct {
		zh    string
		score float64
	}
	var ss []scored
	// A one-character rendering only when no longer one is in the
	// documents, an indirect one only when no direct one is.
	multi, direct := false, false
	for _, c := range cs {
		if x.phraseDF(c.zh) > 0 {
			multi = multi || len([]rune(c.zh)) > 1
			direct = direct || !c.indirect
		}
	}
	for _, c := range cs {
		if x.phraseDF(c.zh) == 0 || multi && len([]rune(c.zh)) == 1 || direct && c.indirect {
			continue
		}
		s := math.Log(2+float64(x.phraseDF(c.zh))) / (1 + priorDecay*float64(c.prior))
		if len([]rune(c.zh)) == 1 {
			s *= singleCharWeight
		}
		ss = append(ss, scored{c.zh, s})
	}
	sort.SliceStable(ss, func(i, j int) bool { return ss[i].score > ss[j].score })
	var out []string
	for _, s := range ss {
		if len(out) == termsPerUnit || s.score < keepShare*ss[0].score {
			break
		}
		out = append(out, s.zh)
	}
	return out
}

// phraseDF is how many clauses contain every character pair of the
// Chinese term s (for one character, the character): the clauses that
// contain s, but for the rare one that has its pairs apart.
func (lx *Lexical) phraseDF(s string) int {
	var keys []uint64
	var uni uint64
	n := 0
	index.Terms(s, func(k uint64) {
		switch index.KindOf(k) {
		case index.Bigram:
			keys = append(keys, k)
		case index.Unigram:
			uni = k
			n++
		}
	})
	if n == 1 && len(keys) == 0 {
		return len(lx.postingsOf(uni))
	}
	if len(keys) == 0 {
		return 0
	}
	lists := make([][]index.Posting, len(keys))
	for i, k := range keys {
		lists[i] = lx.postingsOf(k)
		if len(lists[i]) == 0 {
			return 0
		}
	}
	sort.Slice(lists, func(i, j int) bool { return len(lists[i]) < len(lists[j]) })
	cur := make([]int32, len(lists[0]))
	for i, p := range lists[0] {
		cur[i] = p.Clause
	}
	for _, l := range lists[1:] {
		next := cur[:0]
		j := 0
		for _, c := range cur {
			for j < len(l) && l[j].Clause < c {
				j++
			}
			if j < len(l) && l[j].Clause == c {
				next = append(next, c)
			}
		}
		cur = next
		if len(cur) == 0 {
			return 0
		}
	}
	return len(cur)
}

// wordDF is how many clauses contain the Latin word or number w.
func (lx *Lexical) wordDF(w string) int {
	df := 0
	index.Terms(w, func(k uint64) {
		if index.KindOf(k) == index.Word {
			df = len(lx.postingsOf(k))
		}
	})
	return df
}

// relevanceTerms are the terms an answer to cq must hold: one per content
// word or phrase of the question, present in a clause when the clause has
// any of its renderings, weighted by the inverse document frequency of its
// commonest rendering; a phrase the dictionary has and the documents lack
// counts for its words (crossQuery.absent); a word none of whose renderings the documents
// contain counts as the rarest term, held against every clause — unless it
// is a verb (see crossUnit.verb); so does one whose only renderings are
// single characters.
func (cq *crossQuery) relevanceTerms(lx *Lexical) []relTerm {
	maxIDF := lx.idf(0)
	var out []relTerm
	for range cq.absent {
		out = append(out, relTerm{key: 0, weight: maxIDF})
	}
	for _, u := range cq.units {
		if slices.ContainsFunc(cq.absent, func(a seg) bool { return a.i <= u.i && u.j <= a.j }) {
			continue
		}
		// A one-character rendering is no evidence that a clause says what
		// the word means (法 for France, 市 for buy): such a word counts as
		// one the documents have no rendering of.
		evidence := u.latin || len(u.within) > 0 || slices.ContainsFunc(u.terms, func(t string) bool { return len([]rune(t)) > 1 })
		if !evidence {
			if !u.verb {
				out = append(out, relTerm{key: 0, weight: u.weight(maxIDF)})
			}
			continue
		}
		rt := relTerm{weight: math.Inf(1)}
		for i, t := range append(slices.Clone(u.terms), u.within...) {
			k, df := lx.termKey(t)
			if i == 0 {
				rt.key = k
			} else {
				rt.alt = append(rt.alt, k)
			}
			rt.weight = min(rt.weight, lx.idf(df))
		}
		rt.weight = u.weight(rt.weight)
		out = append(out, rt)
	}
	return out
}

// weight is w, less for a name.
func (u crossUnit) weight(w float64) float64 {
	if u.name {
		return nameWeight * w
	}
	return w
}

// termKey is the key that stands for term t in relevance: its rarest
// character pair (its character, its Latin word), with that key's document
// frequency.
func (lx *Lexical) termKey(t string) (key uint64, df int) {
	df = -1
	hasPair := index.HasCJK(t) && len([]rune(t)) > 1
	index.Terms(t, func(k uint64) {
		if hasPair && index.KindOf(k) != index.Bigram {
			return
		}
		if n := len(lx.postingsOf(k)); df < 0 || n < df {
			key, df = k, n
		}
	})
	return key, max(df, 0)
}

// notice is the answer's notice for an English question and the Chinese
// terms it was searched with (Answer.Searched): the notice the answer has
// (an endpoint's failure) is kept; the cross-language one only when
// nothing matched (found false). cq may be nil: then notice is kept.
func (cq *crossQuery) notice(notice Notice, found bool) (Notice, []string) {
	if cq == nil || len(cq.searched) == 0 {
		return notice, nil
	}
	if found && (notice == NoticeCrossLanguage || notice == NoticeCrossLanguageExtractive) {
		notice = ""
	}
	return notice, cq.searched
}

// String shows each unit with its renderings, for tests and debugging.
func (cq *crossQuery) String() string {
	var b strings.Builder
	for _, u := range cq.units {
		fmt.Fprintf(&b, "%s→%s", u.english, strings.Join(u.terms, "|"))
		if len(u.within) > 0 {
			fmt.Fprintf(&b, "(in %s)", strings.Join(u.within, "|"))
		}
		b.WriteByte(' ')
	}
	return strings.TrimSpace(b.String())
}
