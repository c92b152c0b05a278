package retrieval

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/qabot/qabot/index"
)

// Ref is a parsed section reference: an article (第十九条, 19条) or a dotted
// path (2.3, §2.3, 二.3, 第二部分第3段; a single number is a whole section,
// or the clause with that id when the document numbers clauses plainly).
type Ref struct {
	Article int   // > 0 for an article reference
	Sub     int   // the 之一 of 第十九条之一
	Path    []int // dotted path otherwise
}

// ID is the canonical clause id the reference names.
func (r Ref) ID() string {
	if r.Article > 0 {
		id := strconv.Itoa(r.Article)
		if r.Sub > 0 {
			id += "-" + strconv.Itoa(r.Sub)
		}
		return id
	}
	parts := make([]string, len(r.Path))
	for i, n := range r.Path {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ".")
}

// Label is how a reference is written back to a user: §2.3 for a path,
// 第十九条 for an article.
func (r Ref) Label() string {
	if r.Article > 0 {
		l := "第" + index.ChineseNumber(r.Article) + "条"
		if r.Sub > 0 {
			l += "之" + index.ChineseNumber(r.Sub)
		}
		return l
	}
	return "§" + r.ID()
}

const numChars = `[0-9〇零一二三四五六七八九十百千两]+`

var (
	reArticleID = regexp.MustCompile(`^([0-9]{1,4})-([0-9]{1,3})$`)
	reArticle   = regexp.MustCompile(`^第?(` + numChars + `)条(?:之(` + numChars + `))?$`)
	rePart      = regexp.MustCompile(`^第(` + numChars + `)(?:部分|章|节|编|段|款|项)(?:第?(` + numChars + `)(?:段|款|项|条|节)?)?$`)
	reDotted    = regexp.MustCompile(`^(` + numChars + `)(?:[.、](` + numChars + `))*$`)
	reParenSub  = regexp.MustCompile(`^(` + numChars + `)[（(](` + numChars + `)[）)]$`)
)

// ParseRef parses a reference as a user types it: "2.3", "§2.3", "二.3",
// "２.３", "2", "二", "第二部分", "第二部分第3段", "三（一）", "第十九条",
// "19条", "第十九条之一", the preamble's "0.1", "序言", "序言.1", "¶1", and
// every citation qabot prints, brackets and all ("〔§2.3〕"). A document's
// title in front is not a reference: see ParseCitation.
func ParseRef(s string) (Ref, bool) {
	s = traditionalParts.Replace(index.NormalizeDigits(strings.TrimSpace(s)))
	s = trimBrackets(strings.TrimRight(s, ".。，,、;；:：!！?？ ")) // "2.3." ends a sentence
	s = strings.TrimLeft(s, "§¶ ")
	s = strings.ReplaceAll(s, " ", "")
	if s == "" {
		return Ref{}, false
	}
	// The preamble and appendix paragraphs are clauses 0.n, labelled
	// 序言.n and 附.n.
	for _, p := range []string{"序言", "附录", "附"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			rest = strings.TrimLeft(rest, ".、．第")
			rest = strings.TrimRight(rest, "段")
			if rest == "" {
				return Ref{Path: []int{0}}, true
			}
			if n, ok := index.ParseNumber(rest); ok && n > 0 && n < 10000 {
				return Ref{Path: []int{0, n}}, true
			}
			return Ref{}, false
		}
	}
	if rest, ok := strings.CutPrefix(s, "0."); ok {
		if n, ok := index.ParseNumber(rest); ok && n > 0 && n < 10000 {
			return Ref{Path: []int{0, n}}, true
		}
		return Ref{}, false
	}
	if s == "0" {
		return Ref{Path: []int{0}}, true
	}
	// No document numbers its parts into the ten thousands.
	num := func(t string) (int, bool) {
		n, ok := index.ParseNumber(t)
		return n, ok && n > 0 && n < 10000
	}
	if m := reArticleID.FindStringSubmatch(s); m != nil {
		// The id qabot's JSON gives 第十九条之一: "19-1".
		a, _ := strconv.Atoi(m[1])
		sub, _ := strconv.Atoi(m[2])
		if a > 0 && sub > 0 {
			return Ref{Article: a, Sub: sub}, true
		}
		return Ref{}, false
	}
	if m := reArticle.FindStringSubmatch(s); m != nil {
		a, ok := num(m[1])
		if !ok {
			return Ref{}, false
		}
		r := Ref{Article: a}
		if m[2] != "" {
			if r.Sub, ok = num(m[2]); !ok {
				return Ref{}, false
			}
		}
		return r, true
	}
	if m := rePart.FindStringSubmatch(s); m != nil {
		return pathRef(num, m[1], m[2])
	}
	if m := reParenSub.FindStringSubmatch(s); m != nil {
		return pathRef(num, m[1], m[2])
	}
	if reDotted.MatchString(s) {
		return pathRef(num, strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '、' })...)
	}
	return Ref{}, false
}

// trimBrackets drops the brackets a citation is printed in: 〔§2.3〕,
// [§2.3], 【第十九条】.
func trimBrackets(s string) string {
	for _, b := range [][2]string{{"〔", "〕"}, {"[", "]"}, {"［", "］"}, {"【", "】"}, {"〖", "〗"}} {
		if strings.HasPrefix(s, b[0]) && strings.HasSuffix(s, b[1]) {
			return strings.TrimSpace(s[len(b[0]) : len(s)-len(b[1])])
		}
	}
	return s
}

// ParseCitation parses a reference that may name its document in front,
// as qabot's citations do with several documents indexed: "〔数据安全法
// 第三条〕", "慈善法(2023) 第十九条", "TRIAL_199 §1". doc is the name in
// front ("" when there is none); ref the rest, as ParseRef reads it.
func ParseCitation(s string) (doc string, ref Ref, ok bool) {
	s = trimBrackets(strings.TrimSpace(s))
	if r, ok := ParseRef(s); ok {
		return "", r, true
	}
	i := strings.LastIndexAny(s, " \u3000")
	if i < 0 {
		return "", Ref{}, false
	}
	r, ok := ParseRef(s[i:])
	if !ok {
		return "", Ref{}, false
	}
	return strings.TrimSpace(s[:i]), r, true
}

func pathRef(num func(string) (int, bool), parts ...string) (Ref, bool) {
	var r Ref
	for _, p := range parts {
		if p == "" {
			continue
		}
		n, ok := num(p)
		if !ok {
			return Ref{}, false
		}
		r.Path = append(r.Path, n)
	}
	return r, len(r.Path) > 0
}

// reRefInText finds references inside a question: §2.3, 二.3, 第二部分第3段,
// 第十九条, and in English section 2.3, article 19, part 2.
var reRefInText = regexp.MustCompile(`§\s*[0-9０-９]+(?:[.．][0-9０-９]+)*|` +
	`第` + numChars + `(?:部分|章|节)(?:第` + numChars + `(?:段|款|项|条))?|` +
	`第` + numChars + `条(?:之` + numChars + `)?|` +
	`[一二三四五六七八九十]+[.．][0-9０-９]+|` +
	`(?i)\b(?:section|sec\.|clause|paragraph|para\.|article|art\.|part)\s*[0-9]+(?:\.[0-9]+)*\b`)

// reEnglishRefWord is the word an English reference opens with.
var reEnglishRefWord = regexp.MustCompile(`^(?i:section|sec\.|clause|paragraph|para\.|article|art\.|part)\s*`)

// traditionalParts writes the parts of a text as simplified characters
// name them: 第十九條 is 第十九条, 第二節 第二节.
var traditionalParts = strings.NewReplacer("條", "条", "節", "节", "編", "编")

// FindRefs returns the section references written inside a question.
func FindRefs(q string) []Ref {
	var out []Ref
	for _, m := range reRefInText.FindAllString(traditionalParts.Replace(q), -1) {
		m = reEnglishRefWord.ReplaceAllString(m, "")
		if r, ok := ParseRef(strings.ReplaceAll(m, "．", ".")); ok {
			out = append(out, r)
		}
	}
	return out
}
