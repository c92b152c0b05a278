package retrieval

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/qabot/qabot/index"
)

// citeRE finds citations: 〔…〕 and 【…】, and […] or (…) that start with §.
var citeRE = regexp.MustCompile(`〔([^〔〕\n]{1,80})〕|【([^【】\n]{1,80})】|\[(§[^\[\]\n]{1,40})\]|[（(](§[^（）()\n]{1,40})[）)]`)

// quoteRE finds quotes: 「…」, 『…』 and “…”.
var quoteRE = regexp.MustCompile(`「([^「」]+)」|『([^『』]+)』|“([^“”]+)”`)

// CheckAnswer checks a generated answer against the clauses it was given
// (hits). Every cited label must be one of theirs: unknown labels are
// removed, and a sentence whose labels are all unknown is dropped. A quote
// must occur in a clause its sentence cites (whitespace and punctuation width
// normalised), otherwise it is replaced by that clause's own words; a quote
// in a sentence that cites nothing must occur in some retrieved clause, or
// the sentence is dropped. The answer cites the kept clauses in order of
// first citation.
func CheckAnswer(text string, hits []Hit) (Answer, CitationCheck) {
	chk := CitationCheck{Kept: []string{}}
	ls := labels(hits)
	known := map[string]int{}
	for i, l := range ls {
		known[normText(l)] = i
		if rest, ok := strings.CutPrefix(l, "§"); ok {
			if _, dup := known[normText(rest)]; !dup {
				known[normText(rest)] = i
			}
		}
	}
	ans := Answer{Mode: ModeGenerated, Citations: []Citation{}}
	cited := map[int]bool{}
	dropped := map[string]bool{}
	var out strings.Builder
	for _, seg := range splitAnswer(text) {
		var valid []int
		nCites := 0
		seg = citeRE.ReplaceAllStringFunc(seg, func(m string) string {
			inner := citeRE.FindStringSubmatch(m)
			body := inner[1] + inner[2] + inner[3] + inner[4]
			var keep []string
			for _, part := range strings.FieldsFunc(body, func(r rune) bool { return strings.ContainsRune(",，、;；", r) }) {
				part = strings.TrimSpace(part)
				if part == "" {
					continue
				}
				nCites++
				i, ok := known[normText(part)]
				if !ok {
					if !dropped[part] {
						dropped[part] = true
						chk.Dropped = append(chk.Dropped, part)
					}
					continue
				}
				valid = append(valid, i)
				keep = append(keep, ls[i])
			}
			if len(keep) == 0 {
				return ""
			}
			return "〔" + strings.Join(keep, "、") + "〕"
		})
		if nCites > 0 && len(valid) == 0 {
			chk.DroppedSentences = append(chk.DroppedSentences, strings.TrimSpace(seg))
			continue
		}
		drop := false
		seg = quoteRE.ReplaceAllStringFunc(seg, func(m string) string {
			sub := quoteRE.FindStringSubmatch(m)
			quote := sub[1] + sub[2] + sub[3]
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
			op, cl := "「", "」"
			if strings.HasPrefix(m, "“") {
				op, cl = "“", "”"
			} else if strings.HasPrefix(m, "『") {
				op, cl = "『", "』"
			}
			return op + with + cl
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
	index.Terms(quote, func(k uint64) { qt = append(qt, relTerm{k, 1}) })
	return bestSentences(text, qt)
}

// splitAnswer cuts an answer into sentences, each keeping its end
// punctuation, the citations that follow it, and the whitespace before it;
// joined, they are the text.
func splitAnswer(text string) []string {
	var out []string
	start, depth := 0, 0
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		end := -1
		switch {
		case r == '「' || r == '『' || r == '“':
			depth++
		case (r == '」' || r == '』' || r == '”') && depth > 0:
			depth--
		case depth > 0:
			// Inside a quote: a sentence does not end here.
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
			loc := citeRE.FindStringIndex(trim)
			if loc == nil || loc[0] != 0 {
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
