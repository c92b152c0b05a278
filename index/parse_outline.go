package index

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// outlineKind is a style of outline numbering, from the highest level down.
type outlineKind int

const (
	kindNone   outlineKind = iota
	kindA                  // 一、
	kindB                  // （一）
	kindC                  // 1. 1、 1．
	kindD                  // （1）
	kindDotted             // 1.1, 1.1.1
)

// maxHeadingRunes is the longest text after an outline number that still
// reads as a heading rather than as a clause.
const maxHeadingRunes = 30

const cnDigitsOnly = `[〇零○一二三四五六七八九十百两]+`

var (
	reOutlineA      = regexp.MustCompile(`^(` + cnDigitsOnly + `)、[ \t\x{3000}]*(.*)$`)
	reOutlineB      = regexp.MustCompile(`^[（(](` + cnDigitsOnly + `)[）)][ \t\x{3000}]*(.*)$`)
	reOutlineC      = regexp.MustCompile(`^([0-9０-９]{1,3})([.．、]?)([ \t\x{3000}]*)(.*)$`)
	reOutlineD      = regexp.MustCompile(`^[（(]([0-9０-９]{1,3})[）)][ \t\x{3000}]*(.*)$`)
	reOutlineDotted = regexp.MustCompile(`^([0-9０-９]{1,3}(?:[.．][0-9０-９]{1,3})+)[.．]?(?:[ \t\x{3000}]+(.*))?$`)
)

// outlineItem is a paragraph that starts with an outline number.
type outlineItem struct {
	kind outlineKind
	num  int    // its value (kinds A–D)
	mark string // the number as written: "三", "1.2"
	rest string // the text after the number
}

// id is the item's canonical id piece: "3", or "1.2" for dotted numbers.
func (it outlineItem) id() string {
	if it.kind == kindDotted {
		return it.mark
	}
	return strconv.Itoa(it.num)
}

// label is how the document writes the number: "三", "（一）", "1", "1.2".
func (it outlineItem) label() string {
	switch it.kind {
	case kindA:
		return it.mark
	case kindB, kindD:
		return "（" + it.mark + "）"
	}
	return it.id()
}

// classifyOutline reports whether a paragraph starts with an outline number.
// A heading may omit the dot after a plain number ("1 Introduction").
func classifyOutline(s string, heading bool) (outlineItem, bool) {
	if s == "" {
		return outlineItem{}, false
	}
	r, _ := utf8.DecodeRuneInString(s)
	switch {
	case r == '（' || r == '(':
		if m := reOutlineB.FindStringSubmatch(s); m != nil {
			return cnItem(kindB, m[1], m[2])
		}
		if m := reOutlineD.FindStringSubmatch(s); m != nil {
			return cnItem(kindD, NormalizeDigits(m[1]), m[2])
		}
	case (r >= '0' && r <= '9') || (r >= '０' && r <= '９'):
		if m := reOutlineDotted.FindStringSubmatch(s); m != nil {
			parts := strings.FieldsFunc(NormalizeDigits(m[1]), func(r rune) bool { return r == '.' })
			for i, p := range parts {
				n, _ := strconv.Atoi(p)
				parts[i] = strconv.Itoa(n)
			}
			return outlineItem{kind: kindDotted, mark: strings.Join(parts, "."), rest: m[2]}, true
		}
		if m := reOutlineC.FindStringSubmatch(s); m != nil {
			dot, space, rest := m[2], m[3], m[4]
			if dot == "" && (!heading || space == "" || rest == "") {
				return outlineItem{}, false
			}
			if r, _ := utf8.DecodeRuneInString(rest); (r >= '0' && r <= '9') || (r >= '０' && r <= '９') {
				return outlineItem{}, false // 1.5倍
			}
			return cnItem(kindC, NormalizeDigits(m[1]), rest)
		}
	default:
		if _, ok := cnDigits[r]; ok || r == '十' || r == '百' {
			if m := reOutlineA.FindStringSubmatch(s); m != nil {
				return cnItem(kindA, m[1], m[2])
			}
		}
	}
	return outlineItem{}, false
}

func cnItem(kind outlineKind, mark, rest string) (outlineItem, bool) {
	n, ok := ParseNumber(mark)
	if !ok {
		return outlineItem{}, false
	}
	return outlineItem{kind: kind, num: n, mark: mark, rest: rest}, true
}

// outlineKinds picks the numbering levels of a document: the top level
// (sections) and the level below it (clauses). Each must occur at least
// twice. Documents with dotted numbers (1.1) use them for clauses under
// plain numbers (1.).
func outlineKinds(paras []para) (top, sub outlineKind) {
	var counts [kindDotted + 1]int
	for _, p := range paras {
		if it, ok := classifyOutline(p.text, p.level > 0); ok {
			counts[it.kind]++
		}
	}
	if counts[kindDotted] >= 2 {
		if counts[kindC] >= 1 {
			return kindC, kindDotted
		}
		return kindDotted, kindNone
	}
	for k := kindA; k <= kindD; k++ {
		if counts[k] < 2 {
			continue
		}
		if top == kindNone {
			top = k
			continue
		}
		return top, k
	}
	return top, kindNone
}

// outlineSection is a top-level part of an outline document.
type outlineSection struct {
	item      outlineItem
	numbered  bool     // false for the preamble and unnumbered Markdown sections
	isHeading bool     // the numbered line is a heading, not a clause
	line      string   // the numbered line as written
	heading   string   // the heading its clauses carry
	context   string   // the unnumbered Markdown heading above it
	intro     []string // paragraphs before the first sub-item
	subs      []outlineSub
}

// outlineSub is a second-level item with its following paragraphs.
type outlineSub struct {
	item  outlineItem
	lines []string
}

// parseOutline splits an outline document and returns its format:
// FormatStatement for 一、 headings over plain paragraphs, else
// FormatNumbered.
func parseOutline(paras []para, b *clauseBuilder) string {
	top, sub := outlineKinds(paras)
	cur := &outlineSection{}
	sections := []*outlineSection{cur}
	context := "" // the last unnumbered Markdown heading
	for _, p := range paras {
		it, ok := classifyOutline(p.text, p.level > 0)
		switch {
		case ok && it.kind == top:
			cur = &outlineSection{item: it, numbered: true, line: p.text, heading: context, context: context}
			if p.level > 0 || isHeadingText(it.rest) {
				cur.isHeading, cur.heading = true, it.rest
			}
			sections = append(sections, cur)
		case ok && sub != kindNone && it.kind == sub:
			cur.subs = append(cur.subs, outlineSub{item: it, lines: []string{p.text}})
		case p.level > 0:
			context = p.text
			cur = &outlineSection{heading: p.text}
			sections = append(sections, cur)
		case len(cur.subs) > 0:
			last := &cur.subs[len(cur.subs)-1]
			last.lines = append(last.lines, p.text)
		default:
			cur.intro = append(cur.intro, p.text)
		}
	}

	// A statement has 一、 headings over paragraphs; a list of short
	// 一、 items (headings without a body) is a numbered list.
	format := FormatNumbered
	if top == kindA && sub == kindNone && len(sections) > 2 {
		format = FormatStatement
		bodies := 0
		for _, s := range sections {
			if s.numbered && !s.isHeading {
				format = FormatNumbered
			}
			if s.numbered && len(s.intro) > 0 {
				bodies++
			}
		}
		if bodies == 0 {
			format = FormatNumbered
		}
	}

	started := false
	for _, s := range sections {
		if !s.numbered {
			for _, t := range s.intro {
				b.addOrphan(!started, s.heading, t)
			}
			for _, sb := range s.subs {
				b.add(subID("0", sb.item), sb.item.label(), s.heading, sb.lines)
			}
			continue
		}
		started = true
		id, label := s.item.id(), s.item.label()
		switch {
		case s.isHeading && len(s.subs) == 0 && len(s.intro) == 0:
			// A heading with nothing under it is a short item of its own
			// (一、携带身份证): the item is the clause.
			b.add(id, label, s.context, []string{s.line})
		case s.isHeading && len(s.subs) == 0:
			for n, t := range s.intro {
				pos := strconv.Itoa(n + 1)
				b.add(id+"."+pos, label+"."+pos, s.heading, []string{t})
			}
		case s.isHeading:
			b.add(id, label, s.heading, s.intro)
		default:
			b.add(id, label, s.heading, append([]string{s.line}, s.intro...))
		}
		for _, sb := range s.subs {
			b.add(subID(id, sb.item), subLabel(label, sb.item), s.heading, sb.lines)
		}
	}
	return format
}

// subID is a sub-item's id under section id: "3.1"; dotted numbers are
// already complete.
func subID(section string, it outlineItem) string {
	if it.kind == kindDotted {
		return it.mark
	}
	return section + "." + it.id()
}

// subLabel is a sub-item's label under section label: 三（一）, 三.1, 1.2.
func subLabel(section string, it outlineItem) string {
	l := it.label()
	switch {
	case it.kind == kindDotted:
		return l
	case strings.HasPrefix(l, "（") || strings.HasSuffix(section, "）"):
		return section + l
	}
	return section + "." + l
}

// isHeadingText reports whether the text after an outline number is a
// heading (政治外交合作, Introduction) rather than a clause.
func isHeadingText(s string) bool {
	return s != "" && utf8.RuneCountInString(s) <= maxHeadingRunes && !endsSentence(s) && !strings.ContainsAny(s, "。；")
}
