package retrieval

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"

	"github.com/qabot/qabot/index"
)

// The citation check judges a generated answer sentence by sentence
// (Sentences, with the citations written right after a sentence counted as
// its own). Each sentence is normalised (normalize) before anything is
// matched, so that full-width digits, odd spaces and zero-width characters
// hide no label. Every label-like token — a label in any bracket, a bare
// §2.3, an article number in prose — must name a retrieved clause or it is
// removed; a sentence must cite one (unless it says the documents do not
// say); and what it says must be supported by the clauses it cites
// (support.go).

// labelBrackets are the brackets a citation may stand in, after
// normalisation, with their closers.
var labelBrackets = map[rune]rune{
	'〔': '〕', '【': '】', '〖': '〗', '〘': '〙', '[': ']', '(': ')', '{': '}', '〈': '〉', '《': '》', '<': '>',
	'⟨': '⟩', '⦅': '⦆', '⟦': '⟧',
}

// alwaysCite are the brackets that hold citations whatever they say; the
// others only when what they hold looks like a label (labelLike).
var alwaysCite = map[rune]bool{'〔': true, '【': true, '〖': true, '〘': true}

// parenLike are the brackets in which a plain number is not a label (an
// enumeration, a year, a book title).
var parenLike = map[rune]bool{'(': true, '{': true, '〈': true, '《': true, '<': true, '⟨': true, '⦅': true}

// foldBracket maps each form of a bracket (full-width, small, vertical) to
// the one normalize gives it.
var foldBracket = func() map[rune]rune {
	m := map[rune]rune{}
	closers := map[rune]bool{}
	for o, c := range labelBrackets {
		m[o], m[c], closers[c] = o, c, true
	}
	for _, rg := range [][2]rune{{0x2329, 0x232A}, {0x3008, 0x301B}, {0xFE10, 0xFE6F}, {0xFF00, 0xFF65}} {
		for r := rg[0]; r <= rg[1]; r++ {
			n := []rune(norm.NFKC.String(string(r)))
			if len(n) == 1 && (labelBrackets[n[0]] != 0 || closers[n[0]]) {
				m[r] = n[0]
			}
		}
	}
	return m
}()

const numeral = `[0-9〇零一二三四五六七八九十百千两兩]`

// englishLabel is how English names a part: Article 19, Section 2.3.
const englishLabel = `(?i:\b(?:art(?:icle)?|sec(?:tion)?|clause|para(?:graph)?)\.? *[0-9]+(?:[.-][0-9]+)*\b)`

var (
	// labelCore finds what names a clause inside a longer text: "§2.3",
	// "第十九条", "Article 19".
	labelCore = regexp.MustCompile(`§ *` + numeral + `+(?:\.` + numeral + `+)*|第 *` + numeral + `+ *[条條](?: *之 *` + numeral + `+)?|第` +
		numeral + `+[款项章节]|第 *` + numeral + `+ *部分(?: *第 *` + numeral + `+ *段)?|` + englishLabel)
	// bareRE finds labels outside brackets: a § reference (a citation), or
	// an article or part named in prose (a mention): 第十九条,
	// 第二部分第3段, Article 19, Section 2.3.
	bareRE = regexp.MustCompile(`§ *` + numeral + `+(?:\.` + numeral + `+)*|第 *` + numeral + `+ *[条條](?: *之 *` + numeral + `+)?|第 *` +
		numeral + `+ *部分(?: *第 *` + numeral + `+ *段)?|` + englishLabel)
	dottedNumber = regexp.MustCompile(`^\d+(?:\.\d+)+$`)
	plainNumber  = regexp.MustCompile(`^\d+$`)
	articleWord  = regexp.MustCompile(`(?i)^(?:art(?:icle)?|sec(?:tion)?|clause|para(?:graph)?)\.?\d`)
	englishPart  = regexp.MustCompile(`(?i)^(art(?:icle)?|sec(?:tion)?|clause|para(?:graph)?)\.? *([0-9]+(?:[.-][0-9]+)*)$`)
	// maskedLink is Markdown's [text](url), which Discord shows as text
	// alone; the check writes it as text (url).
	maskedLink = regexp.MustCompile(`\[([^\[\]\n]*)\]\( *<?([^()\s<>]*)>?(?: +"[^"\n]*")? *\)`)
	// listMarker is the numbering a sentence may start with (1. 2) （三）).
	listMarker = regexp.MustCompile(`^\s*(?:[-*•]\s+|\d{1,3}[.)、]\s*|\(\d{1,3}\)\s*|[一二三四五六七八九十]{1,3}[、.]\s*|\([一二三四五六七八九十]{1,3}\)\s*)`)
)

// citer finds and resolves the citations of one answer.
type citer struct {
	hits   []Hit
	labels []string         // the hits' labels
	known  map[string]int   // normalised label (and its variants) → hit
	byID   map[string][]int // clause id → hits
}

func newCiter(hits []Hit) *citer {
	c := &citer{hits: hits, labels: labels(hits), known: map[string]int{}, byID: map[string][]int{}}
	add := func(l string, i int) {
		if k := normText(l); k != "" {
			if _, dup := c.known[k]; !dup {
				c.known[k] = i
			}
		}
	}
	for i, l := range c.labels {
		add(l, i)
		add(attrEscape(l), i)
		if rest, ok := strings.CutPrefix(l, "§"); ok {
			add(rest, i)
		}
		c.byID[hits[i].Clause.ID] = append(c.byID[hits[i].Clause.ID], i)
	}
	// The label without its document, where that names one hit only.
	bare := map[string][]int{}
	for i, h := range hits {
		k := normText(CiteTag(h.Clause, "", false))
		bare[k] = append(bare[k], i)
	}
	for k, is := range bare {
		if len(is) == 1 {
			add(k, is[0])
			add(strings.TrimPrefix(k, "§"), is[0])
		}
	}
	return c
}

// splitParts splits a bracket's content into its labels.
func splitParts(body string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(body, func(r rune) bool { return strings.ContainsRune(",，、;；", r) }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parts returns the labels that a bracket opened by open and holding body
// (normalised) names, or ok false when it is not a citation (a parenthesis
// that holds words, a year, a book title...).
func (c *citer) parts(open rune, body string) (parts []string, ok bool) {
	parts = splitParts(body)
	if alwaysCite[open] {
		return parts, len(parts) > 0
	}
	for _, p := range parts {
		if c.labelLike(p, parenLike[open]) {
			return parts, true
		}
	}
	return nil, false
}

// labelLike reports whether p, inside brackets that do not always cite
// (paren: those in which a plain number is no label), looks like a clause
// label.
func (c *citer) labelLike(p string, paren bool) bool {
	n := normText(p)
	if paren && plainNumber.MatchString(n) {
		return false // an enumeration or a year
	}
	if _, ok := c.known[n]; ok {
		return true
	}
	return strings.Contains(n, "§") || labelCore.MatchString(p) || dottedNumber.MatchString(n) ||
		plainNumber.MatchString(n) || articleWord.MatchString(n)
}

// cited is one label an answer cites: the hit it names, or -1.
type cited struct {
	label string
	hit   int
}

// resolve names the hits a part cites: the part itself when it is a label,
// else each label inside it ("参见§2.3").
func (c *citer) resolve(p string) []cited {
	if i, ok := c.known[normText(p)]; ok {
		return []cited{{p, i}}
	}
	cores := labelCore.FindAllStringIndex(p, -1)
	if len(cores) == 0 {
		return []cited{{p, -1}}
	}
	var out []cited
	for _, m := range cores {
		k := p[m[0]:m[1]]
		out = append(out, cited{k, c.core(k, p[:m[0]])})
	}
	return out
}

// core is the hit that label k names, or -1; before is the text before it,
// which may name the document ("《数据安全法》第十九条").
func (c *citer) core(k, before string) int {
	if i, ok := c.known[normText(k)]; ok {
		return i
	}
	var id string
	if m := englishPart.FindStringSubmatch(k); m != nil {
		id = m[2] // "Article 19-1" is 19-1, "Section 2.3" 2.3
	} else if r, ok := ParseRef(strings.ReplaceAll(k, "條", "条")); ok && (strings.HasPrefix(k, "§") || strings.HasPrefix(k, "第")) {
		id = r.ID()
	}
	cands := c.byID[id]
	if len(cands) == 1 {
		return cands[0]
	}
	// Several documents have this clause: the one named just before.
	b := normText(strings.NewReplacer("《", "", "》", "", "<", "", ">", "").Replace(before))
	for _, i := range cands {
		if t := normText(ShortTitle(c.hits[i].DocTitle)); t != "" && strings.HasSuffix(b, t) {
			return i
		}
	}
	return -1
}

// notSay are phrases of a sentence saying that the documents do not answer,
// normalised as by normText: such a sentence needs no citation.
var notSay = func() []string {
	var out []string
	for _, p := range notSayPhrases {
		out = append(out, normText(p))
	}
	return out
}()

var notSayPhrases = []string{
	"文档中没有", "文件中没有", "文档没有", "文件没有", "文档中未", "文件中未", "文档未", "文件未",
	"条款中没有", "所给条款", "没有相关内容", "没有找到相关",
	"documents do not", "documents don't", "document does not", "document doesn't",
	"clauses do not", "clauses don't", "documents say nothing", "not in the documents", "documents provided do not",
}

// notSayRE finds the phrases of notSay in a normalised sentence.
var notSayRE = func() *regexp.Regexp {
	var alts []string
	for _, p := range notSayPhrases {
		alts = append(alts, regexp.QuoteMeta(p))
	}
	return regexp.MustCompile(`(?i)` + strings.Join(alts, "|"))
}()

// saysNotFound reports whether s says that the documents do not answer.
func saysNotFound(s string) bool {
	n := normText(s)
	for _, p := range notSay {
		if strings.Contains(n, p) {
			return true
		}
	}
	return false
}

// hasLetter reports whether s has a letter (CJK included): a sentence
// without one ("1.", "**") is formatting, not a claim.
func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// quoteRE finds quotes: 「…」, 『…』, “…”, ‘…’ and "…".
var quoteRE = regexp.MustCompile(`「([^「」\n]+)」|『([^『』\n]+)』|“([^“”\n]+)”|‘([^‘’\n]+)’|"([^"\n]+)"`)

// Why a sentence was dropped (Drop.Reason).
const (
	DropNoCitation   = "no citation"        // it cites nothing and does not say the documents do not say
	DropUnknownLabel = "unknown label"      // it cites only clauses that were not retrieved
	DropQuote        = "quote not found"    // it cites nothing and quotes words no retrieved clause has
	DropLink         = "unsupported link"   // a link or masked link its clauses do not have
	DropEmail        = "unsupported e-mail" // an e-mail address its clauses do not have
	DropNumber       = "unsupported number" // a number its clauses do not have
	DropDate         = "unsupported date"
	DropAmount       = "unsupported amount"
	DropWords        = "unsupported words" // too few of its words are in its clauses
)

// CheckAnswer checks a generated answer to question q against the clauses
// it was given (hits), sentence by sentence:
//   - Every label-like token (a label in any bracket, a bare §2.3, an
//     article number such as 第十九条 in prose), found after normalising
//     width and spaces, must be one of theirs: unknown labels are removed,
//     and a sentence whose labels are all unknown is dropped. A sentence
//     that cites nothing is dropped too, unless it says that the documents
//     do not say (文档中没有…).
//   - A quote must occur in a clause its sentence cites (whitespace and
//     punctuation width normalised), otherwise it is replaced by that
//     clause's own words; a quote in a sentence that cites nothing must occur
//     in some retrieved clause, or the sentence is dropped. Words quoted
//     from a clause are shown as they are, its own cross-references included.
//   - What the sentence says must be in the clauses it cites: every link,
//     e-mail address, number, date and amount, and at least minSupport of
//     its other words. Masked links [text](url) are written as text (url).
//
// The answer cites the kept clauses in order of first citation.
func CheckAnswer(q, text string, hits []Hit) (Answer, CitationCheck) {
	ck := newChecker(q, hits)
	ck.feed(text, true)
	return ck.result()
}

// checker checks an answer as it arrives: each sentence once, when it is
// complete and the citations after it are known.
type checker struct {
	q          string
	ct         *citer
	pools      []*pool                  // per hit, when first needed
	clauseNorm map[*index.Clause]string // normText of the hits' texts, when first needed
	qpool      *pool                    // the question, when first needed
	chk        CitationCheck
	cites      []Citation
	cited      map[int]bool
	unique     map[string]bool // labels already in chk.Dropped
	out        strings.Builder // the checked text so far
	units      int             // sentences checked, for tests
	min        float64         // minSupport, but for the tests that fit it

	text    string // all of the answer fed so far
	seg     segmenter
	spans   []Sentence // complete sentences not yet taken
	start   int        // where the sentence being judged starts
	sentEnd int        // where it ends, citations after it aside; -1 while it is not complete
	lead    int        // citations after it are known up to here
	sp      int        // spaces after lead are skipped up to here
	scan    int        // a bracket or § reference after them is scanned up to here
}

func newChecker(q string, hits []Hit) *checker {
	return &checker{q: q, ct: newCiter(hits), pools: make([]*pool, len(hits)), clauseNorm: map[*index.Clause]string{}, cited: map[int]bool{},
		unique: map[string]bool{}, chk: CitationCheck{Kept: []string{}}, sentEnd: -1, min: minSupport}
}

// feed takes text, the answer so far (it extends what was fed before), and
// checks the sentences it completes; final: the answer is whole.
func (ck *checker) feed(text string, final bool) {
	ck.text = text
	ck.spans = ck.seg.feed(text, final, ck.spans)
	for {
		if ck.sentEnd < 0 {
			// Take the next sentence; citations already given to the
			// sentence before may cover part or all of it.
			for len(ck.spans) > 0 && ck.spans[0].End <= ck.start {
				ck.spans = ck.spans[1:]
			}
			if len(ck.spans) == 0 {
				break
			}
			ck.sentEnd = ck.spans[0].End
			ck.spans = ck.spans[1:]
			ck.lead, ck.sp, ck.scan = ck.sentEnd, ck.sentEnd, ck.sentEnd
		}
		end, ok := ck.citationsAfter(final)
		if !ok {
			break
		}
		ck.unit(text[ck.start:end])
		ck.start, ck.sentEnd = end, -1
	}
	if final && ck.start < len(text) {
		ck.unit(text[ck.start:])
		ck.start = len(text)
	}
}

// citationsAfter reads the citations written after the sentence (spaces, then
// brackets that cite or § references, as in "…举行。〔§2.3〕"), from ck.lead
// on, and returns where the sentence with them ends, or ok false when what
// follows may still turn out to be a citation.
func (ck *checker) citationsAfter(final bool) (end int, ok bool) {
	t := ck.text
	for {
		p := max(ck.lead, ck.sp)
		for p < len(t) {
			if !final && !utf8.FullRuneInString(t[p:]) {
				break
			}
			r, n := utf8.DecodeRuneInString(t[p:])
			if r == '\n' || !unicode.IsSpace(r) && !hidden(r) {
				break
			}
			p += n
		}
		ck.sp = p
		if p == len(t) || !final && !utf8.FullRuneInString(t[p:]) {
			if final {
				return ck.lead, true
			}
			return 0, false
		}
		r, n := utf8.DecodeRuneInString(t[p:])
		open := foldBracket[r]
		switch {
		case labelBrackets[open] != 0:
			// Up to its closer on the same line, with no second opener.
			from := max(ck.scan, p+n)
			closeAt, closeLen := -1, 0
			for from < len(t) {
				if !final && !utf8.FullRuneInString(t[from:]) {
					break
				}
				r2, n2 := utf8.DecodeRuneInString(t[from:])
				if r2 == '\n' || foldBracket[r2] == open {
					return ck.lead, true // not a citation
				}
				from += n2
				if foldBracket[r2] == labelBrackets[open] {
					closeAt, closeLen = from, n2
					break
				}
			}
			if closeAt < 0 {
				if !final {
					ck.scan = from
					return 0, false
				}
				return ck.lead, true
			}
			if _, cite := ck.ct.parts(open, normalize(t[p+n:closeAt-closeLen]).s); !cite {
				return ck.lead, true
			}
			ck.lead, ck.sp, ck.scan = closeAt, closeAt, closeAt
		case r == '§':
			q := max(ck.scan, p+n)
			for q < len(t) {
				if !final && !utf8.FullRuneInString(t[q:]) {
					ck.scan = q
					return 0, false
				}
				r2, n2 := utf8.DecodeRuneInString(t[q:])
				if !(unicode.IsDigit(r2) || isCNNumeral(r2) || r2 == '.' || r2 == '．' || r2 != '\n' && (unicode.IsSpace(r2) || hidden(r2))) {
					break
				}
				q += n2
			}
			if q == len(t) && !final {
				ck.scan = q
				return 0, false
			}
			// The reference itself, without the dots and spaces after it.
			v := normalize(t[p:q])
			m := bareRE.FindStringIndex(v.s)
			if m == nil || m[0] != 0 {
				return ck.lead, true
			}
			_, e := v.orig(m[0], m[1])
			ck.lead, ck.sp, ck.scan = p+e, p+e, p+e
		default:
			return ck.lead, true
		}
	}
}

// edit replaces [i, j) of a sentence (original offsets) with s.
type edit struct {
	i, j int
	s    string
}

// span is a part [i, j) of a normalised sentence.
type span struct{ i, j int }

// inside reports whether x lies within one of in, which are apart and in
// order.
func inside(x span, in []span) bool {
	k, _ := slices.BinarySearchFunc(in, x.i, func(s span, i int) int { return s.i - i })
	if k < len(in) && in[k].i == x.i {
		return x.j <= in[k].j
	}
	return k > 0 && x.j <= in[k-1].j
}

// bracketPairs pairs the brackets of s (normalised) line by line, skipping
// the positions in skip; pairs are in order of their openers.
func bracketPairs(s string, skip map[int]bool) []span {
	var out []span
	type open struct {
		at    int
		close rune
	}
	var stack []open
	for i, r := range s {
		if r == '\n' {
			stack = stack[:0]
			continue
		}
		if skip[i] {
			continue
		}
		if c, ok := labelBrackets[r]; ok && c != r {
			stack = append(stack, open{i, c})
			continue
		}
		// The opener is among the innermost few, or the closer is stray.
		for k := len(stack) - 1; k >= max(0, len(stack)-64); k-- {
			if stack[k].close == r {
				out = append(out, span{stack[k].at, i + utf8.RuneLen(r)})
				stack = stack[:k]
				break
			}
		}
	}
	slices.SortFunc(out, func(a, b span) int { return a.i - b.i })
	return out
}

// scanned is what scanSentence found in a sentence: its citations and quotes, and
// the edits that rewrite them.
type scanned struct {
	v             normView
	edits         []edit
	masked        bool   // it had masked links
	quotes, inner []span // quotes, and what they hold
	words         []span // quotes of a retrieved clause's words
	tokens        []span // citations and bare labels
	valid         []int  // the hits cited
	nCites        int    // labels cited, known or not
	unknown       []string
}

// sub replaces [i, j) of the normalised sentence with with.
func (sc *scanned) sub(i, j int, with string) {
	oi, oj := sc.v.orig(i, j)
	sc.edits = append(sc.edits, edit{oi, oj, with})
}

// scanSentence finds the citations of a sentence (normalised first): brackets that
// cite, outermost first, and bare labels, outside quotes of a retrieved
// clause's words; and masked links, which it writes as text (url).
func (ck *checker) scanSentence(raw string) *scanned {
	sc := &scanned{v: normalize(raw)}
	s := sc.v.s
	// Bidi controls, which can show a text in another order than it is
	// matched in (‮条九十九第‬ shows as 第九十九条), are left out.
	for i, r := range raw {
		if isBidi(r) {
			sc.edits = append(sc.edits, edit{i, i + utf8.RuneLen(r), ""})
		}
	}

	// Masked links become text (url); their brackets are no citation.
	skip := map[int]bool{}
	for _, m := range maskedLink.FindAllStringSubmatchIndex(s, -1) {
		sc.sub(m[0], m[0]+1, "")
		sc.sub(m[3], m[4], " (")
		sc.sub(m[5], m[1], ")")
		skip[m[0]], skip[m[3]], skip[m[3]+1], skip[m[1]-1] = true, true, true, true
		sc.masked = true
	}

	pairs := bracketPairs(s, skip)
	// Quotes (one that a bracket crosses is no quote). Labels inside a
	// quote of some retrieved clause's words are those words.
	ms := quoteRE.FindAllStringSubmatchIndex(s, -1)
	crossed := make([]bool, len(ms))
	if len(ms) > 0 {
		// The quote around each byte (quotes do not overlap), and each
		// bracket pair with one end in a quote and the other outside.
		at := make([]int32, len(s)+1)
		for k, m := range ms {
			for i := m[0]; i < m[1]; i++ {
				at[i] = int32(k + 1)
			}
		}
		for _, p := range pairs {
			if a, b := at[p.i], at[p.j-1]; a != b {
				for _, q := range []int32{a, b} {
					if q > 0 {
						crossed[q-1] = true
					}
				}
			}
		}
	}
	for k, m := range ms {
		q := span{m[0], m[1]}
		if crossed[k] {
			continue
		}
		sc.quotes = append(sc.quotes, q)
		for k := 2; k < len(m); k += 2 {
			if m[k] >= 0 {
				in := span{m[k], m[k+1]}
				sc.inner = append(sc.inner, in)
				if nq := normText(s[in.i:in.j]); slices.ContainsFunc(ck.ct.hits, func(h Hit) bool { return ck.quotable(h, nq) }) {
					sc.words = append(sc.words, q)
				}
			}
		}
	}

	take := func(cs []cited) []string {
		var keep []string
		for _, c := range cs {
			sc.nCites++
			if c.hit < 0 {
				sc.unknown = append(sc.unknown, c.label)
				continue
			}
			sc.valid = append(sc.valid, c.hit)
			if l := ck.ct.labels[c.hit]; !slices.Contains(keep, l) {
				keep = append(keep, l)
			}
		}
		return keep
	}
	covered := 0
	for _, p := range pairs {
		if p.i < covered || inside(p, sc.words) {
			continue
		}
		open, n := utf8.DecodeRuneInString(s[p.i:])
		_, cn := utf8.DecodeLastRuneInString(s[:p.j])
		parts, ok := ck.ct.parts(open, s[p.i+n:p.j-cn])
		if !ok {
			continue
		}
		var cs []cited
		for _, part := range parts {
			cs = append(cs, ck.ct.resolve(part)...)
		}
		keep := take(cs)
		with := ""
		if len(keep) > 0 {
			with = "〔" + strings.Join(keep, "、") + "〕"
		}
		sc.sub(p.i, p.j, with)
		sc.tokens = append(sc.tokens, p)
		covered = p.j
	}
	cites := slices.Clone(sc.tokens) // apart and in order, as are words
	for _, m := range bareRE.FindAllStringIndex(s, -1) {
		b := span{m[0], m[1]}
		if inside(b, cites) || inside(b, sc.words) {
			continue
		}
		k := s[b.i:b.j]
		i := ck.ct.core(k, s[max(0, b.i-120):b.i])
		keep := take([]cited{{k, i}})
		switch {
		case strings.HasPrefix(k, "§") && len(keep) > 0:
			sc.sub(b.i, b.j, "〔"+keep[0]+"〕") // a citation
		case len(keep) == 0:
			sc.sub(b.i, b.j, "")
		}
		// A known article number in prose stays as written.
		sc.tokens = append(sc.tokens, b)
	}
	slices.SortFunc(sc.tokens, func(a, b span) int { return a.i - b.i })
	return sc
}

// unit checks one sentence (with the citations after it) and adds what is
// kept to the answer.
func (ck *checker) unit(raw string) {
	ck.units++
	sc := ck.scanSentence(raw)
	s, quotes, inner, tokens := sc.v.s, sc.quotes, sc.inner, sc.tokens
	valid, nCites, unknown := sc.valid, sc.nCites, sc.unknown
	sub := sc.sub
	blanks := slices.Clone(tokens) // left out of what the sentence claims
	body := blankSpans(s, blanks)

	drop := func(reason, detail string) {
		for _, l := range unknown {
			ck.dropLabel(l)
		}
		if t := strings.TrimSpace(raw); t != "" && hasLetter(body) {
			ck.chk.DroppedSentences = append(ck.chk.DroppedSentences, t)
			ck.chk.Drops = append(ck.chk.Drops, Drop{Sentence: t, Reason: reason, Detail: detail})
		}
	}
	notFound := false
	switch {
	case nCites > 0 && len(valid) == 0:
		drop(DropUnknownLabel, strings.Join(unknown, "、"))
		return
	case nCites == 0 && !hasLetter(body):
		ck.keep(raw, sc, nil)
		return
	case nCites == 0 && !saysNotFound(body):
		drop(DropNoCitation, "")
		return
	case nCites == 0:
		notFound = true
	}
	for _, l := range unknown {
		ck.dropLabel(l)
	}

	// The clauses the sentence may draw on.
	var pools []*pool
	var poolHits []int
	if notFound {
		for i := range ck.ct.hits {
			poolHits = append(poolHits, i)
		}
	} else {
		for _, i := range valid {
			if !slices.Contains(poolHits, i) {
				poolHits = append(poolHits, i)
			}
		}
	}
	for _, i := range poolHits {
		pools = append(pools, ck.pool(i))
	}
	// An answer restates its question: the question's words count as
	// support, its numbers and links do not — but in a sentence saying the
	// documents do not say it (文档中没有提到第四次会晤), which claims
	// nothing of them.
	wordPools := append(slices.Clip(pools), ck.questionPool())
	if notFound {
		pools = wordPools
	}

	// Quotes must be the clauses' words.
	var fixes []QuoteFix
	for k, q := range quotes {
		if inside(q, tokens) {
			continue
		}
		in := inner[k]
		quote := s[in.i:in.j]
		nq := normText(quote)
		if slices.ContainsFunc(poolHits, func(i int) bool { return ck.quotable(ck.ct.hits[i], nq) }) {
			blanks = append(blanks, q)
			continue
		}
		if notFound {
			drop(DropQuote, quote)
			return
		}
		c := ck.ct.hits[valid[0]].Clause
		with := clauseWords(c.Text, quote)
		fixes = append(fixes, QuoteFix{Label: ck.ct.labels[valid[0]], Quote: quote, With: with})
		sub(in.i, in.j, with)
		blanks = append(blanks, q)
	}
	body = blankSpans(s, blanks)
	if m := listMarker.FindStringIndex(body); m != nil {
		body = blank(body, m[0], m[1])
	}

	// Links, addresses, numbers, dates and amounts must be the clauses'.
	if reason, detail := unsupportedFact(&body, pools); reason != "" {
		drop(reason, detail)
		return
	}
	// And so must most of the rest: the sentence, and each of its phrases
	// (a claim added to a supported sentence after a comma is judged on
	// its own, not diluted by the rest). A sentence saying that
	// the documents do not say something names what they lack: it may, if
	// it is short.
	if notFound {
		body = notSayRE.ReplaceAllStringFunc(body, func(m string) string { return strings.Repeat(" ", len(m)) })
	}
	unsupported := func(piece string) (float64, bool) {
		held, n := coverage(piece, wordPools)
		share := 1.0
		if n > 0 {
			share = float64(held) / float64(n)
		}
		if notFound && n <= maxNotFoundContent {
			return share, false
		}
		return share, share < ck.min && n-held >= minUnsupported
	}
	if share, bad := unsupported(body); bad {
		drop(DropWords, fmt.Sprintf("%.2f of its words are in the clauses it cites, below %.2f", share, ck.min))
		return
	}
	for _, part := range strings.FieldsFunc(body, func(r rune) bool { return strings.ContainsRune(partStops, r) }) {
		if share, bad := unsupported(part); bad {
			drop(DropWords, fmt.Sprintf("%.2f of the words of %q are in the clauses it cites, below %.2f", share, strings.TrimSpace(part), ck.min))
			return
		}
	}
	if !ck.keep(raw, sc, valid) {
		drop(DropUnknownLabel, "what was left once labels were removed")
		return
	}
	ck.chk.ReplacedQuotes = append(ck.chk.ReplacedQuotes, fixes...)
}

// maxNotFoundContent is the most content (as coverage counts it) a
// sentence saying that the documents do not say may have beyond that
// phrase without being supported: "文档中没有提到论坛的地点" names what is
// missing; a longer one must be supported like any other sentence.
const maxNotFoundContent = 8

// partStops end the phrases of a sentence that are judged on their own.
const partStops = "。！？!?；;，,：:\n"

// minUnsupported is how much of a sentence or phrase (characters and
// words, as coverage counts them) must be missing from its clauses for it
// to fail: two characters are one word put another way (各方 → 各国), three
// a claim (请转账).
const minUnsupported = 3

// unsupportedFact blanks the links and e-mail addresses of *body and
// reports the first link, address, number, date or amount that no pool
// has.
func unsupportedFact(body *string, pools []*pool) (reason, detail string) {
	inPools := func(x string) bool {
		n := normText(x)
		return slices.ContainsFunc(pools, func(p *pool) bool { return strings.Contains(p.normed, n) })
	}
	var emails, urls [][]int
	if strings.Contains(*body, "@") {
		emails = emailRE.FindAllStringIndex(*body, -1)
	}
	for _, m := range emails {
		if e := (*body)[m[0]:m[1]]; !inPools(e) {
			return DropEmail, e
		}
		*body = blank(*body, m[0], m[1])
	}
	if strings.ContainsAny(*body, ".:") { // every link has one
		urls = urlRE.FindAllStringIndex(*body, -1)
	}
	for _, m := range urls {
		u := trimURL((*body)[m[0]:m[1]])
		if !inPools(u) {
			return DropLink, u
		}
		*body = blank(*body, m[0], m[0]+len(u))
	}
	f := extractFacts(arabicNumbers(*body), false)
	any := func(ok func(p *pool) bool) bool { return slices.ContainsFunc(pools, ok) }
	for a := range f.amounts {
		if !any(func(p *pool) bool { return p.facts.amounts[a] }) {
			return DropAmount, a
		}
	}
	for _, d := range f.dates {
		if !any(func(p *pool) bool { return p.facts.supportsDate(d) }) {
			return DropDate, fmt.Sprintf("%04d-%02d-%02d", d.y, d.m, d.d)
		}
	}
	for n := range f.numbers {
		if !any(func(p *pool) bool { return p.facts.numbers[n] }) {
			return DropNumber, n
		}
	}
	return "", ""
}

// blankSpans is s with each span replaced by spaces.
func blankSpans(s string, spans []span) string {
	b := []byte(s)
	for _, sp := range spans {
		for k := sp.i; k < sp.j; k++ {
			b[k] = ' '
		}
	}
	return string(b)
}

// pool is what hit i offers a sentence that cites it: its text, heading and
// document title.
func (ck *checker) pool(i int) *pool {
	if ck.pools[i] == nil {
		h := ck.ct.hits[i]
		ck.pools[i] = newPool(h.Clause.Text, h.Clause.Heading, h.DocTitle, ShortTitle(h.DocTitle))
	}
	return ck.pools[i]
}

// quotable reports whether nq, a quote normalised by normText, is words of
// h's clause.
func (ck *checker) quotable(h Hit, nq string) bool {
	n, ok := ck.clauseNorm[h.Clause]
	if !ok {
		n = normText(h.Clause.Text)
		ck.clauseNorm[h.Clause] = n
	}
	return strings.Contains(n, nq)
}

// questionPool is what the question offers a sentence saying the documents
// do not say.
func (ck *checker) questionPool() *pool {
	if ck.qpool == nil {
		ck.qpool = newPool(ck.q)
	}
	return ck.qpool
}

func (ck *checker) dropLabel(l string) {
	if !ck.unique[l] {
		ck.unique[l] = true
		ck.chk.Dropped = append(ck.chk.Dropped, l)
	}
}

// keep adds raw, with sc's edits, to the answer, citing the hits in
// valid. When something was taken out (an unknown label, a masked link's
// brackets), what is left is scanned again: a label or masked link that
// the removal joined together ("第九十〔§9.9〕九条") keeps the sentence
// out, and keep reports false.
func (ck *checker) keep(raw string, sc *scanned, valid []int) bool {
	edits := sc.edits
	slices.SortFunc(edits, func(a, b edit) int {
		if a.i != b.i {
			return a.i - b.i
		}
		return b.j - a.j // the longer first: the shorter is inside it
	})
	var b strings.Builder
	pos := 0
	for _, e := range edits {
		if e.i < pos {
			continue // inside an earlier edit
		}
		b.WriteString(raw[pos:e.i])
		b.WriteString(e.s)
		pos = e.j
	}
	b.WriteString(raw[pos:])
	out := b.String()
	if len(sc.unknown) > 0 || sc.masked {
		if again := ck.scanSentence(out); len(again.unknown) > 0 || again.masked {
			return false
		}
	}
	ck.out.WriteString(out)
	for _, i := range valid {
		if ck.cited[i] {
			continue
		}
		ck.cited[i] = true
		l := ck.ct.labels[i]
		ck.chk.Kept = append(ck.chk.Kept, l)
		h := ck.ct.hits[i]
		c := h.Clause
		ck.cites = append(ck.cites, Citation{
			Doc: c.Doc, Section: c.ID, Label: c.Label, Heading: c.Heading, Text: c.Text,
			Score: h.Score, DocTitle: h.DocTitle, Tag: l,
		})
	}
	return true
}

// shown is the checked text so far.
func (ck *checker) shown() string { return strings.TrimSpace(ck.out.String()) }

func (ck *checker) result() (Answer, CitationCheck) {
	ans := Answer{Mode: ModeGenerated, Citations: ck.cites, Text: ck.shown(), Found: len(ck.chk.Kept) > 0}
	if ans.Citations == nil {
		ans.Citations = []Citation{}
	}
	return ans, ck.chk
}

// clauseWords is what replaces a misquote: the clause whole when short,
// else its sentence that shares the most with the quote.
func clauseWords(text, quote string) string {
	var qt []relTerm
	index.Terms(quote, func(k uint64) { qt = append(qt, relTerm{key: k, weight: 1}) })
	return bestSentences(text, qt)
}

// punctFold maps punctuation to one form, after width folding.
var punctFold = strings.NewReplacer(
	"。", ".", "、", ",", "“", "", "”", "", "‘", "", "’", "", "\"", "", "'", "",
	"「", "", "」", "", "『", "", "』", "", "《", "<", "》", ">", "—", "-", "–", "-", "…", "...",
)

// normText folds width (full-width letters, digits and punctuation to
// ASCII), unifies punctuation, drops whitespace and lower-cases, so that a
// quote matches its clause however the model spaced or punctuated it.
func normText(s string) string {
	s = punctFold.Replace(width.Fold.String(s))
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) || hidden(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(asciiDigit(r)))
	}
	return b.String()
}
