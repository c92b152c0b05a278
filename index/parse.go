package index

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Document formats, as reported in Document.Format: which numbering scheme
// Parse used to split a document into clauses.
const (
	FormatStatement  = "statement"  // 一、 headings over plain paragraphs: clause k.n
	FormatLaw        = "law"        // 第N条 articles: clause N
	FormatNumbered   = "numbered"   // 一、/（一）/1./1.1 outlines: clause k.m
	FormatMarkdown   = "markdown"   // unnumbered Markdown headings: clause k.n
	FormatParagraphs = "paragraphs" // no numbering: clause n
)

// infoEnd ends the metadata header of the law corpus files.
const infoEnd = "<!-- INFO END -->"

// Limits for telling titles and headings from body text, in runes.
const (
	maxTitleRunes    = 60
	maxDatelineRunes = 40
)

var (
	reMarkdownHeading = regexp.MustCompile(`^(#{1,6})[ \t\x{3000}]+(.*?)[ \t#]*$`)
	reHTMLComment     = regexp.MustCompile(`^<!--.*-->$`)
	// reTableRule is the rule under a Markdown table's header: |---|:--|.
	reTableRule = regexp.MustCompile(`^\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*:?-*:?[ \t]*$`)
	// reDateline is a closing news-agency dateline: （新华社努尔苏丹6月8日电）.
	reDateline = regexp.MustCompile(`^[（(][^（()）]*(?:新华社|电)[^（()）]*[）)]$`)
	// reKeepTogether is a number token that a run of ideographic spaces
	// separates from its own text (第一章　　总则), not from a new paragraph.
	reKeepTogether = regexp.MustCompile(`^第[^\s\x{3000}]{1,12}[编章节条編節條]$`)
)

// para is one paragraph of a document.
type para struct {
	text  string // the paragraph, trimmed; a heading's text without its # marks
	level int    // Markdown heading level, 0 for body text
}

// Parse splits a document's text into clauses on the document's own
// numbering: law articles (第十九条 → "19"), Chinese and English outlines
// (三、 → "3", 三（一） → "3.1", 1.1 → "1.1"), paragraphs under 一、 headings
// or Markdown headings (the third paragraph of section 二 → "2.3"), or plain
// paragraphs ("1", "2", …). id becomes Document.ID and every Clause.Doc.
// Parse fills Title, Dateline, Version, Format and Clauses; clause ids are unique
// within the document. It fails, wrapping ErrEmpty, only when the text holds
// no clause at all.
func Parse(id, text string) (Document, error) {
	doc := Document{ID: id}
	var paras []para
	header := ""
	if h, body, ok := strings.Cut(text, infoEnd); ok {
		header = h
		doc.Title = headerTitle(header)
		paras = splitParagraphs(body)
	} else {
		paras = splitParagraphs(text)
		doc.Title, paras = leadingTitle(paras)
	}
	if n := len(paras); n > 0 && paras[n-1].level == 0 && isDateline(paras[n-1].text) {
		doc.Dateline = paras[n-1].text
		paras = paras[:n-1]
	}
	if doc.Title == "" {
		doc.Title = id
	}
	doc.Version = documentVersion(id, header)

	b := &clauseBuilder{doc: id, zh: hasHan(text)}
	switch sniffFormat(paras) {
	case FormatLaw:
		doc.Format = FormatLaw
		parseLaw(paras, b)
	case FormatNumbered:
		doc.Format = parseOutline(paras, b)
	case FormatMarkdown:
		doc.Format = FormatMarkdown
		parseMarkdown(paras, b)
	default:
		doc.Format = FormatParagraphs
		parsePlain(paras, b)
	}
	if len(b.clauses) == 0 && doc.Title != id {
		// A document that is nothing but its title still says something.
		b.add("1", "¶1", "", []string{doc.Title})
		doc.Format = FormatParagraphs
	}
	if len(b.clauses) == 0 {
		return Document{}, fmt.Errorf("%w: no text to split into clauses", ErrEmpty)
	}
	doc.Clauses = b.clauses
	return doc, nil
}

// sniffFormat picks the numbering scheme that structures the paragraphs.
func sniffFormat(paras []para) string {
	articles, headings, numberedHeadings := 0, 0, 0
	for _, p := range paras {
		if p.level > 0 {
			headings++
			if _, ok := classifyOutline(p.text, true); ok || lawHeadingRank(p.text) > 0 {
				numberedHeadings++
			}
			continue
		}
		if _, ok := matchArticle(p.text); ok {
			articles++
		}
	}
	switch {
	case articles > 0:
		return FormatLaw
	case headings > 0 && 2*numberedHeadings < headings:
		return FormatMarkdown
	}
	if top, _ := outlineKinds(paras); top != kindNone {
		return FormatNumbered
	}
	if headings > 0 {
		return FormatMarkdown
	}
	return FormatParagraphs
}

// headerTitle returns the title in a metadata header: its # lines joined
// (民法典 files have "# 中华人民共和国民法典" and "# 总则"), or else its
// first line.
func headerTitle(header string) string {
	var titles []string
	first := ""
	for _, p := range splitParagraphs(header) {
		if first == "" {
			first = p.text
		}
		if p.level == 1 {
			titles = append(titles, p.text)
		}
	}
	if len(titles) > 0 {
		return strings.Join(titles, " ")
	}
	return first
}

// leadingTitle takes the title off the front of a document without a
// metadata header: a leading Markdown heading that is the only one of the
// top level, or a short first line that is not itself numbered.
func leadingTitle(paras []para) (string, []para) {
	if len(paras) == 0 {
		return "", paras
	}
	first := paras[0]
	if first.level > 0 {
		for _, p := range paras[1:] {
			if p.level > 0 && p.level <= first.level {
				return "", paras
			}
		}
		return first.text, paras[1:]
	}
	if len(paras) > 1 && looksLikeTitle(first.text) {
		return first.text, paras[1:]
	}
	return "", paras
}

// looksLikeTitle reports whether a first line is a title: short, not a
// sentence and not the start of the numbering.
func looksLikeTitle(s string) bool {
	if utf8.RuneCountInString(s) > maxTitleRunes || endsSentence(s) {
		return false
	}
	if _, ok := matchArticle(s); ok {
		return false
	}
	if _, ok := classifyOutline(s, false); ok {
		return false
	}
	return lawHeadingRank(s) == 0
}

// isDateline reports whether a closing paragraph is a dateline.
func isDateline(s string) bool {
	return utf8.RuneCountInString(s) <= maxDatelineRunes && reDateline.MatchString(s)
}

// splitParagraphs splits text into trimmed, non-empty paragraphs: on line
// breaks and on runs of two or more ideographic spaces (U+3000), the
// paragraph indent of text copied from Chinese web pages. HTML comment lines
// and Markdown table rules are dropped; Markdown headings are recognised.
func splitParagraphs(text string) []para {
	var out []para
	for line := range strings.SplitSeq(text, "\n") {
		for _, seg := range splitIdeographicRuns(line) {
			seg = strings.TrimFunc(seg, isBlankRune)
			if seg == "" || reHTMLComment.MatchString(seg) || reTableRule.MatchString(seg) {
				continue
			}
			p := para{text: seg}
			if seg[0] == '#' {
				if m := reMarkdownHeading.FindStringSubmatch(seg); m != nil && m[2] != "" {
					p = para{text: collapseSpaces(m[2]), level: len(m[1])}
				}
			}
			out = append(out, p)
		}
	}
	return out
}

const ideographicRun = "\u3000\u3000"

// splitIdeographicRuns splits a line on runs of two or more U+3000, except
// after a bare number token such as 第一章.
func splitIdeographicRuns(line string) []string {
	if !strings.Contains(line, ideographicRun) {
		return []string{line}
	}
	var out []string
	start, from := 0, 0
	for {
		i := strings.Index(line[from:], ideographicRun)
		if i < 0 {
			break
		}
		i += from
		end := i
		for strings.HasPrefix(line[end:], "\u3000") {
			end += len("\u3000")
		}
		if reKeepTogether.MatchString(strings.TrimFunc(line[start:i], isBlankRune)) {
			from = end
			continue
		}
		out = append(out, line[start:i])
		start, from = end, end
	}
	return append(out, line[start:])
}

// collapseSpaces trims s and turns every run of whitespace into one space.
func collapseSpaces(s string) string {
	return strings.Join(strings.FieldsFunc(s, isBlankRune), " ")
}

// endsSentence reports whether s ends with sentence or clause punctuation.
func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune("。；;：:，,！!？?.", r)
}

// hasPunct reports whether s holds any punctuation.
func hasPunct(s string) bool {
	return strings.ContainsFunc(s, unicode.IsPunct)
}

// hasHan reports whether s holds Chinese characters.
func hasHan(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
}

// clauseBuilder collects a document's clauses, making ids unique.
type clauseBuilder struct {
	doc     string
	zh      bool // the document is Chinese: labels say 序言 and 附
	clauses []Clause
	used    map[string]int
	orphans int // unnumbered paragraphs numbered 0.n so far
}

// add appends a clause of the given lines; empty clauses are skipped. An id
// that is already taken gets a suffix: the second "19" becomes "19~2".
func (b *clauseBuilder) add(id, label, heading string, lines []string) {
	text := strings.TrimFunc(strings.Join(lines, "\n"), isBlankRune)
	if text == "" {
		return
	}
	if b.used == nil {
		b.used = make(map[string]int)
	}
	base := id
	for n := b.used[base] + 1; b.used[id] > 0; n++ {
		id = base + "~" + strconv.Itoa(n)
	}
	b.used[id]++
	if id != base {
		b.used[base]++
	}
	b.clauses = append(b.clauses, Clause{
		Doc:     b.doc,
		ID:      id,
		Label:   label,
		Heading: heading,
		Text:    text,
		Hash:    ContentHash(b.doc, id, heading, text),
	})
}

// addOrphan adds an unnumbered paragraph outside the numbering as clause
// 0.n: the preamble before the numbering starts (label 序言.n) or an
// appendix after it (label 附.n).
func (b *clauseBuilder) addOrphan(beforeNumbering bool, heading, text string) {
	b.orphans++
	id := "0." + strconv.Itoa(b.orphans)
	label := id
	if b.zh {
		if beforeNumbering {
			label = "序言." + strconv.Itoa(b.orphans)
		} else {
			label = "附." + strconv.Itoa(b.orphans)
		}
	}
	if heading == "" && beforeNumbering && b.zh {
		heading = "序言"
	}
	b.add(id, label, heading, []string{text})
}
