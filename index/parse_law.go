package index

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// cnNumeral matches a number in Chinese numerals or (full-width) digits.
const cnNumeral = `[0-9０-９〇零○一二三四五六七八九十百千两]+`

var (
	// reArticle opens a law article: 第十九条, 第十九条之一, and the
	// typo 第一百二十八 条.
	reArticle = regexp.MustCompile(`^第(` + cnNumeral + `)([ \t\x{3000}]*)([条條])(?:之(` + cnNumeral + `))?`)
	// reLawHeading is a 编, 分编, 章 or 节 heading: 第二章 劳动合同的订立.
	reLawHeading = regexp.MustCompile(`^第(` + cnNumeral + `)(编|分编|章|节|編|分編|節)(?:[ \t\x{3000}]*(.*))?$`)
)

// Limits for law headings, in runes.
const (
	maxLawHeadingRunes   = 40 // a 第N章 line longer than this is body text
	maxHeadingContinuity = 20 // a chapter title's second line is at most this long
	maxTOCEntryRunes     = 40 // a table of contents line is at most this long
)

// article is a parsed 第N条 line.
type article struct {
	id    string // "19", "19-1"
	label string // "第十九条", "第十九条之一"
}

// matchArticle reports whether a paragraph opens an article.
func matchArticle(s string) (article, bool) {
	if !strings.HasPrefix(s, "第") {
		return article{}, false
	}
	m := reArticle.FindStringSubmatchIndex(s)
	if m == nil {
		return article{}, false
	}
	// The number must stand alone: "第十九条 …", not "第三条的规定".
	if rest := s[m[1]:]; m[5] == m[4] && rest != "" {
		if r, _ := utf8.DecodeRuneInString(rest); !isBlankRune(r) {
			return article{}, false
		}
	}
	n, ok := ParseNumber(s[m[2]:m[3]])
	if !ok || n <= 0 {
		return article{}, false
	}
	a := article{id: strconv.Itoa(n), label: "第" + s[m[2]:m[3]] + s[m[6]:m[7]]} // 条, or 條 as a traditional text writes it
	if m[8] >= 0 {
		sub, ok := ParseNumber(s[m[8]:m[9]])
		if !ok || sub <= 0 {
			return article{}, false
		}
		a.id += "-" + strconv.Itoa(sub)
		a.label += "之" + s[m[8]:m[9]]
	}
	return a, true
}

// lawHeadingRank returns 1 for a 编 heading, 2 for 分编, 3 for 章, 4 for 节
// and 0 for anything else.
func lawHeadingRank(s string) int {
	if !strings.HasPrefix(s, "第") || utf8.RuneCountInString(s) > maxLawHeadingRunes || strings.Contains(s, "。") {
		return 0
	}
	m := reLawHeading.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	return map[string]int{"编": 1, "分编": 2, "章": 3, "节": 4, "編": 1, "分編": 2, "節": 4}[m[2]]
}

// lawHeading is one level of the heading path above an article.
type lawHeading struct {
	level int // Markdown level, or 100 + rank for a plain 第N章 line
	rank  int // lawHeadingRank
	text  string
}

// lawParser splits a law into articles.
type lawParser struct {
	b        *clauseBuilder
	path     []lawHeading
	cur      *article // the open article
	lines    []string // its paragraphs
	heading  string   // its heading
	articles int      // articles seen so far
	// fresh is set right after a 章/节 heading, whose title may continue on
	// the next line.
	fresh bool
}

// parseLaw splits a law into clauses: one per article with all its
// paragraphs and items, id = the article number. Text outside articles (a
// preamble such as 宪法's 序言, appendices) becomes clauses 0.n.
func parseLaw(paras []para, b *clauseBuilder) {
	p := &lawParser{b: b}
	toc := tocSkipper{}
	for _, pr := range paras {
		if toc.skip(pr) {
			continue
		}
		p.feed(pr)
	}
	p.flush()
}

func (p *lawParser) feed(pr para) {
	rank := lawHeadingRank(pr.text)
	if pr.level > 0 || rank > 0 {
		p.flush()
		level := pr.level
		if level == 0 {
			level = 100 + rank
		}
		p.push(lawHeading{level: level, rank: rank, text: collapseSpaces(pr.text)})
		p.fresh = rank > 0
		return
	}
	if a, ok := matchArticle(pr.text); ok {
		p.flush()
		p.cur, p.lines, p.heading = &a, []string{pr.text}, p.headingText()
		p.articles++
		p.fresh = false
		return
	}
	if p.cur != nil {
		p.lines = append(p.lines, pr.text)
		return
	}
	if p.fresh && len(p.path) > 0 && utf8.RuneCountInString(pr.text) <= maxHeadingContinuity && !hasPunct(pr.text) {
		// 第四章 犯罪嫌疑人、被告人逃匿、死亡案件 / 违法所得的没收程序
		p.path[len(p.path)-1].text += pr.text
		p.fresh = false
		return
	}
	p.fresh = false
	p.b.addOrphan(p.articles == 0, p.headingText(), pr.text)
}

// push adds a heading to the path, replacing the headings at its level and
// below.
func (p *lawParser) push(h lawHeading) {
	for len(p.path) > 0 {
		top := p.path[len(p.path)-1]
		var nested bool
		if top.rank > 0 && h.rank > 0 {
			nested = top.rank < h.rank
		} else {
			nested = top.level < h.level
		}
		if nested {
			break
		}
		p.path = p.path[:len(p.path)-1]
	}
	p.path = append(p.path, h)
}

// headingText is the heading path: "第二章 劳动合同的订立 第一节 一般规定".
func (p *lawParser) headingText() string {
	parts := make([]string, len(p.path))
	for i, h := range p.path {
		parts[i] = h.text
	}
	return strings.Join(parts, " ")
}

// flush emits the open article.
func (p *lawParser) flush() {
	if p.cur == nil {
		return
	}
	p.b.add(p.cur.id, p.cur.label, p.heading, p.lines)
	p.cur, p.lines = nil, nil
}

// tocSkipper drops a table of contents: the lines after 目录 up to the
// repetition of its first entry (where the body starts), an article, a
// sentence or a long paragraph.
type tocSkipper struct {
	in    bool
	first string
}

func (t *tocSkipper) skip(pr para) bool {
	norm := strings.Join(strings.FieldsFunc(pr.text, isBlankRune), "")
	if !t.in {
		if norm == "目录" {
			t.in, t.first = true, ""
			return true
		}
		return false
	}
	if _, ok := matchArticle(pr.text); ok || utf8.RuneCountInString(norm) > maxTOCEntryRunes || endsSentence(norm) || norm == t.first {
		t.in = false
		return false
	}
	if t.first == "" {
		t.first = norm
	}
	return true
}
