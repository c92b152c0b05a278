package retrieval

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/qabot/qabot/index"
)

// citeBrackets are the brackets a citation may stand in. The first four
// hold citations whatever they say; square brackets and parentheses only
// when what they hold looks like a label (see labelLike).
var citeBrackets = [][2]rune{{'〔', '〕'}, {'【', '】'}, {'〖', '〗'}, {'〘', '〙'}, {'［', '］'}, {'[', ']'}, {'（', '）'}, {'(', ')'}}

// alwaysCite is how many of citeBrackets hold citations whatever they say.
const alwaysCite = 4

// bareSection is a § reference outside brackets: "§9.9", "§ 2".
const bareSection = `§\s?\d+(?:\.\d+)*`

// labelCore finds what names a clause inside a longer text: "§2.3",
// "第十九条".
var labelCore = regexp.MustCompile(bareSection + `|第[〇零一二三四五六七八九十百千两0-9０-９]+[条款项章节]`)

var (
	dottedNumber = regexp.MustCompile(`^\d+(?:\.\d+)+$`)
	plainNumber  = regexp.MustCompile(`^\d+$`)
	articleWord  = regexp.MustCompile(`(?i)^(?:art(?:icle)?|sec(?:tion)?|clause|para(?:graph)?)\.?\d`)
)

// citeREs caches citeRE by the longest bracket content it matches.
var citeREs sync.Map // int → *regexp.Regexp

// citeRE finds label-like tokens: any of citeBrackets holding at most n
// characters (no line break), or a bare § reference.
func citeRE(n int) *regexp.Regexp {
	if re, ok := citeREs.Load(n); ok {
		return re.(*regexp.Regexp)
	}
	var alts []string
	for _, b := range citeBrackets {
		o, c := regexp.QuoteMeta(string(b[0])), regexp.QuoteMeta(string(b[1]))
		alts = append(alts, fmt.Sprintf(`%s[^%s%s\n]{1,%d}%s`, o, o, c, n, c))
	}
	re := regexp.MustCompile(strings.Join(append(alts, bareSection), "|"))
	citeREs.Store(n, re)
	return re
}

// citer finds and resolves the citations of one answer.
type citer struct {
	re     *regexp.Regexp
	labels []string       // the hits' labels
	known  map[string]int // normalised label (and its variants) → hit
}

func newCiter(hits []Hit) *citer {
	c := &citer{labels: labels(hits), known: map[string]int{}}
	add := func(l string, i int) {
		if k := normText(l); k != "" {
			if _, dup := c.known[k]; !dup {
				c.known[k] = i
			}
		}
	}
	longest := 0
	for i, l := range c.labels {
		longest = max(longest, utf8.RuneCountInString(l))
		add(l, i)
		add(attrEscape(l), i)
		if rest, ok := strings.CutPrefix(l, "§"); ok {
			add(rest, i)
		}
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
	// Room for a few labels in one bracket, each a little longer than the
	// longest label (spacing, "参见", a document's name).
	c.re = citeRE(min(4*(longest+8), 1000))
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

// parts returns the labels a token found by c.re names, or ok false when it
// is not a citation (a parenthesis that holds words, a year...).
func (c *citer) parts(m string) (parts []string, ok bool) {
	open, n := utf8.DecodeRuneInString(m)
	if open == '§' {
		return []string{m}, true
	}
	_, cn := utf8.DecodeLastRuneInString(m)
	parts = splitParts(m[n : len(m)-cn])
	for i, b := range citeBrackets {
		if b[0] != open {
			continue
		}
		if i < alwaysCite {
			return parts, len(parts) > 0
		}
		paren := open == '(' || open == '（'
		for _, p := range parts {
			if c.labelLike(p, paren) {
				return parts, true
			}
		}
		return nil, false
	}
	return nil, false
}

// labelLike reports whether p, inside square brackets or (paren)
// parentheses, looks like a clause label.
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
	cores := labelCore.FindAllString(p, -1)
	if len(cores) == 0 {
		return []cited{{p, -1}}
	}
	var out []cited
	for _, k := range cores {
		i, ok := c.known[normText(k)]
		if !ok {
			i = -1
		}
		out = append(out, cited{k, i})
	}
	return out
}

// isCite reports whether m, found by c.re, is a citation.
func (c *citer) isCite(m string) bool {
	_, ok := c.parts(m)
	return ok
}

// notSay are phrases of a sentence saying that the documents do not answer,
// normalised as by normText: such a sentence needs no citation.
var notSay = func() []string {
	var out []string
	for _, p := range []string{
		"文档中没有", "文件中没有", "文档没有", "文件没有", "文档中未", "文件中未", "文档未", "文件未",
		"条款中没有", "所给条款", "没有相关内容", "没有找到相关",
		"documents do not", "documents don't", "document does not", "document doesn't",
		"clauses do not", "clauses don't", "documents say nothing", "not in the documents", "documents provided do not",
	} {
		out = append(out, normText(p))
	}
	return out
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

// CheckAnswer checks a generated answer against the clauses it was given
// (hits). Every label-like token (a label in any bracket, full-width ones
// included, or a bare §2.3) must be one of theirs: unknown labels are
// removed, and a sentence whose labels are all unknown is dropped. A
// sentence that cites nothing is dropped too, unless it says that the
// documents do not say (文档中没有…). A quote must occur in a clause its
// sentence cites (whitespace and punctuation width normalised), otherwise it
// is replaced by that clause's own words; a quote in a sentence that cites
// nothing must occur in some retrieved clause, or the sentence is dropped.
// The answer cites the kept clauses in order of first citation.
func CheckAnswer(text string, hits []Hit) (Answer, CitationCheck) {
	chk := CitationCheck{Kept: []string{}}
	ct := newCiter(hits)
	ls := ct.labels
	ans := Answer{Mode: ModeGenerated, Citations: []Citation{}}
	cited := map[int]bool{}
	dropped := map[string]bool{}
	var out strings.Builder
	for _, seg := range splitAnswer(text, ct) {
		var valid []int
		nCites := 0
		seg = ct.re.ReplaceAllStringFunc(seg, func(m string) string {
			parts, ok := ct.parts(m)
			if !ok {
				return m
			}
			var keep []string
			for _, p := range parts {
				for _, c := range ct.resolve(p) {
					nCites++
					if c.hit < 0 {
						if !dropped[c.label] {
							dropped[c.label] = true
							chk.Dropped = append(chk.Dropped, c.label)
						}
						continue
					}
					valid = append(valid, c.hit)
					if !slices.Contains(keep, ls[c.hit]) {
						keep = append(keep, ls[c.hit])
					}
				}
			}
			if len(keep) == 0 {
				return ""
			}
			return "〔" + strings.Join(keep, "、") + "〕"
		})
		if (nCites > 0 && len(valid) == 0) || (nCites == 0 && hasLetter(seg) && !saysNotFound(seg)) {
			if t := strings.TrimSpace(seg); t != "" {
				chk.DroppedSentences = append(chk.DroppedSentences, t)
			}
			continue
		}
		drop := false
		seg = quoteRE.ReplaceAllStringFunc(seg, func(m string) string {
			sub := quoteRE.FindStringSubmatch(m)
			quote := strings.Join(sub[1:], "")
			nq := normText(quote)
			pool := valid
			if len(pool) == 0 {
				for i := range hits {
					pool = append(pool, i)
				}
			}
			for _, i := range pool {
				if strings.Contains(normText(hits[i].Clause.Text), nq) {
					return m
				}
			}
			if len(valid) == 0 {
				drop = true
				return m
			}
			c := hits[valid[0]].Clause
			with := clauseWords(c.Text, quote)
			chk.ReplacedQuotes = append(chk.ReplacedQuotes, QuoteFix{Label: ls[valid[0]], Quote: quote, With: with})
			op, _ := utf8.DecodeRuneInString(m)
			cl, _ := utf8.DecodeLastRuneInString(m)
			return string(op) + with + string(cl)
		})
		if drop {
			chk.DroppedSentences = append(chk.DroppedSentences, strings.TrimSpace(seg))
			continue
		}
		for _, i := range valid {
			if !cited[i] {
				cited[i] = true
				chk.Kept = append(chk.Kept, ls[i])
				h := hits[i]
				c := h.Clause
				ans.Citations = append(ans.Citations, Citation{
					Doc: c.Doc, Section: c.ID, Label: c.Label, Heading: c.Heading, Text: c.Text,
					Score: h.Score, DocTitle: h.DocTitle, Tag: ls[i],
				})
			}
		}
		out.WriteString(seg)
	}
	ans.Text = strings.TrimSpace(out.String())
	ans.Found = len(chk.Kept) > 0
	return ans, chk
}

// clauseWords is what replaces a misquote: the clause whole when short,
// else its sentence that shares the most with the quote.
func clauseWords(text, quote string) string {
	var qt []relTerm
	index.Terms(quote, func(k uint64) { qt = append(qt, relTerm{key: k, weight: 1}) })
	return bestSentences(text, qt)
}

// maxQuoteRunes is the longest a quote runs: an opening mark with no closing
// one within it (or before the line ends) does not open a quote, so that
// an unclosed 「 cannot make the rest of the answer one sentence.
const maxQuoteRunes = 300

// quoteCloser is the closing mark of each opening quote mark.
var quoteCloser = map[rune]rune{'「': '」', '『': '』', '“': '”', '‘': '’', '"': '"'}

// quoteSpans maps the byte offset of each opening quote mark of text that
// is closed (on the same line, within maxQuoteRunes) to the offset just
// after its closing mark.
func quoteSpans(text string) map[int]int {
	spans := map[int]int{}
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		cl, ok := quoteCloser[r]
		if !ok {
			i += n
			continue
		}
		depth, runes, end := 1, 0, -1
		for j := i + n; j < len(text) && runes < maxQuoteRunes; {
			s, sn := utf8.DecodeRuneInString(text[j:])
			j += sn
			runes++
			if s == '\n' {
				break
			}
			if s == cl {
				depth--
			} else if s == r {
				depth++
			}
			if depth == 0 {
				end = j
				break
			}
		}
		if end < 0 {
			i += n // not a quote
			continue
		}
		spans[i] = end
		i = end
	}
	return spans
}

// splitAnswer cuts an answer into sentences, each keeping its end
// punctuation, the citations that follow it, and the whitespace before it;
// joined, they are the text. A sentence does not end inside a quote.
func splitAnswer(text string, ct *citer) []string {
	var out []string
	spans := quoteSpans(text)
	start := 0
	for i := 0; i < len(text); {
		if end, ok := spans[i]; ok {
			i = end
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		end := -1
		switch {
		case strings.ContainsRune("。！？!?；;\n", r):
			end = i + n
		case r == '.' && (i+n == len(text) || unicode.IsSpace(rune(text[i+n]))):
			end = i + n
		}
		if end < 0 {
			i += n
			continue
		}
		// Citations right after the end belong to this sentence.
		for {
			rest := text[end:]
			trim := strings.TrimLeft(rest, " \t")
			loc := ct.re.FindStringIndex(trim)
			if loc == nil || loc[0] != 0 || !ct.isCite(trim[:loc[1]]) {
				break
			}
			end += len(rest) - len(trim) + loc[1]
		}
		out = append(out, text[start:end])
		start, i = end, end
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
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
		if unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
