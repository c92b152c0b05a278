package retrieval

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/internal/pairfreq"
)

// MaxQuestionRunes is the longest question accepted.
const MaxQuestionRunes = 1000

// Errors for questions that are not asked.
var (
	ErrEmptyQuestion   = errors.New("the question is empty")
	ErrQuestionTooLong = fmt.Errorf("the question is longer than %d characters", MaxQuestionRunes)
)

// Mode names how an answer was made.
const ModeExtractive = "extractive"

// Citation is a clause an answer rests on. Its JSON shape is part of qabot's
// command line.
type Citation struct {
	Doc      string  `json:"doc"`
	Section  string  `json:"section"`
	Label    string  `json:"label"`
	Heading  string  `json:"heading"`
	Text     string  `json:"text"`
	Score    float64 `json:"score"`
	DocTitle string  `json:"doc_title"`
	Tag      string  `json:"tag"` // as written in the answer, e.g. "§2.3"
}

// Answer is the reply to a question.
type Answer struct {
	Question string `json:"question"`
	Text     string `json:"answer"`
	Found    bool   `json:"found"`
	Mode     string `json:"mode"`
	Notice   Notice `json:"notice,omitempty"` // a code: cmd and bot word it
	// Searched are the Chinese terms an English question was searched
	// with, for the notice.
	Searched []string `json:"-"`
	// Degraded is the error of a model or embedding endpoint that the
	// answer was made without (the notice says so in general terms).
	Degraded  string     `json:"degraded,omitempty"`
	Citations []Citation `json:"citations"`
	// Check is what the citation check did to a generated answer (or why
	// the extractive answer was shown instead); nil for plain Ask.
	Check *CitationCheck `json:"check,omitempty"`
	// Closest are the existing sections nearest to one the question names
	// but no document has.
	Closest []string `json:"closest,omitempty"`
}

// The answer when nothing matches.
const (
	notFoundZH = "文档中没有找到与这个问题相关的内容。"
	notFoundEN = "The documents do not say anything that matches this question."
)

// maxQuoted is how many clauses an extractive answer quotes at most.
const maxQuoted = 3

// CheckQuestion trims q and rejects empty and over-long questions.
func CheckQuestion(q string) (string, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return "", ErrEmptyQuestion
	}
	if utf8.RuneCountInString(q) > MaxQuestionRunes {
		return "", ErrQuestionTooLong
	}
	return q, nil
}

// Ask answers q from the clauses retrieved for it (k of them), quoting each
// clause it uses with its citation. Every citation in the answer is a
// retrieved clause.
func (e *Engine) Ask(ctx context.Context, q string, k int) (Answer, error) {
	return e.ask(ctx, "", q, k)
}

// AskFollowUp answers q, asked after earlier in one conversation: the
// clauses are retrieved for both together, and a clause answers when it
// answers both together or the earlier question, and holds some of q's own
// terms ("那第二个论坛是什么时间？" after a question on the forums of §2.3;
// not "怎么做红烧肉？"). The combined question is cut to MaxQuestionRunes,
// the earlier part first.
func (e *Engine) AskFollowUp(ctx context.Context, earlier, q string, k int) (Answer, error) {
	return e.ask(ctx, earlier, q, k)
}

func (e *Engine) ask(ctx context.Context, earlier, q string, k int) (Answer, error) {
	q, err := CheckQuestion(q)
	if err != nil {
		return Answer{}, err
	}
	if err := ctx.Err(); err != nil {
		return Answer{}, fmt.Errorf("ask: %w", err)
	}
	st := e.cur.Load()
	ans, err := e.askIn(ctx, st, st.inDocumentsScript(earlier), st.inDocumentsScript(q), k)
	if err != nil {
		return Answer{}, err
	}
	ans.Question = q // as asked, whatever script it was searched in
	return ans, nil
}

// askIn is ask over st, the question in the documents' script.
func (e *Engine) askIn(ctx context.Context, st *state, earlier, q string, k int) (Answer, error) {
	if cs, missing, amb := st.resolveRefs(q); len(cs) > 0 {
		return e.extractive(st, q, refHits(st, cs), true, "", ""), nil
	} else if len(missing) > 0 {
		return st.noSuchSection(q, missing[0]), nil
	} else if len(amb) > 0 && onlyRefs(q) {
		return st.whichDocument(q, amb[0]), nil
	}
	earlier = strings.TrimSpace(earlier)
	if room := MaxQuestionRunes - utf8.RuneCountInString(q) - 1; room > 0 {
		earlier = string([]rune(earlier)[:min(utf8.RuneCountInString(earlier), room)])
	} else {
		earlier = ""
	}
	both := strings.TrimSpace(earlier + " " + q)
	hits, notice, degraded, err := e.searchAnswering(ctx, both, max(k, maxQuoted))
	if err != nil {
		return Answer{}, fmt.Errorf("ask: %w", err)
	}
	if earlier == "" {
		return e.extractive(st, q, hits, false, notice, degraded), nil
	}
	ans := e.extractiveWith(st, both, hits, notice, degraded, func(hits []Hit, i int) bool {
		if st.lex.relevance(st.lex.relevanceTerms(q), hits[i].Clause) == 0 {
			return false
		}
		return abstainModel.answers(st.evidenceFor(both, hits, i)) || abstainModel.answers(st.evidenceFor(earlier, hits, i))
	})
	ans.Question = q
	return ans, nil
}

// noSuchSection is the answer to a question that names a section no
// document has (§9.1, 第九十九条): not found, naming the closest ones, never
// text from elsewhere.
func (st *state) noSuchSection(q string, r Ref) Answer {
	closest := st.closest(r, st.docsMatching(""))
	ans := Answer{Question: q, Mode: ModeExtractive, Citations: []Citation{}, Closest: closest}
	label := r.Label()
	if index.HasCJK(q) {
		ans.Text = "文档中没有" + label + "。"
		if len(closest) > 0 {
			ans.Text += "最接近的：" + strings.Join(closest, "、") + "。"
		}
	} else {
		ans.Text = "The documents have no " + label + "."
		if len(closest) > 0 {
			ans.Text += " Closest: " + strings.Join(closest, ", ") + "."
		}
	}
	return ans
}

// refHits are the clauses a question names, as hits.
func refHits(st *state, cs []*index.Clause) []Hit {
	hits := make([]Hit, len(cs))
	for i, c := range cs {
		hits[i] = Hit{Clause: c, Score: 1, DocTitle: st.title(c.Doc)}
	}
	return hits
}

// extractive is Ask's answer from the hits retrieved for q (at least
// maxQuoted of them, unless fewer exist), or from the clauses q names
// (named): those are quoted whole.
func (e *Engine) extractive(st *state, q string, hits []Hit, named bool, notice Notice, degraded string) Answer {
	if named {
		ans := e.newAnswer(st, q)
		ans.Notice = "" // the sections asked for, whatever the question's language
		return compose(ans, hits, nil, asksAny, len(st.titles) > 1)
	}
	return e.extractiveWith(st, q, hits, notice, degraded, func(hits []Hit, i int) bool {
		return abstainModel.answers(st.evidenceFor(q, hits, i))
	})
}

// extractiveWith is extractive's answer from retrieved hits, where
// answers tells whether hit i answers the question.
func (e *Engine) extractiveWith(st *state, q string, hits []Hit, notice Notice, degraded string, answers func([]Hit, int) bool) Answer {
	ans := e.newAnswer(st, q)
	english := !index.HasCJK(q)
	if notice != "" {
		ans.Notice, ans.Degraded = notice, degraded
	}
	// An English question over Chinese documents is answered through its
	// renderings (crosslang.go): they pick the sentences, and a clause
	// answers when it has enough of them.
	cq := st.crossLanguage(q) // nil unless English over Chinese documents
	qt := st.lex.relevanceTerms(q)
	excerptQ := q
	if cq != nil {
		qt, excerptQ = cq.relevanceTerms(st.lex), cq.lexical
		answers = func(hits []Hit, i int) bool { return st.lex.relevance(qt, hits[i].Clause) >= minCrossRelevance }
	}
	var use []Hit
	if len(hits) > 0 && answers(hits, 0) {
		// The best clause answers; a further one is quoted when it answers
		// too, about as well.
		first := st.lex.relevance(qt, hits[0].Clause)
		use = append(use, hits[0])
		for i := 1; i < len(hits) && len(use) < maxQuoted; i++ {
			if quotedAlready(use, hits[i]) {
				continue // another version or copy, in the same words
			}
			if st.lex.relevance(qt, hits[i].Clause) >= furtherShare*first && answers(hits, i) {
				use = append(use, hits[i])
			}
		}
	}
	if len(use) == 0 {
		ans.Text = notFoundZH
		if english {
			ans.Text = notFoundEN
		}
		ans.Notice, ans.Searched = cq.notice(ans.Notice, false)
		return ans
	}
	ans.Notice, ans.Searched = cq.notice(ans.Notice, true)
	formFirst(use, asksOf(q), q)
	return compose(ans, use, func(c *index.Clause) []relTerm { return st.lex.excerptTerms(excerptQ, c) }, asksOf(q), len(st.titles) > 1)
}

// formFirst moves to the front the first of the quoted clauses that has
// the form the question asks for — a date, a number, a place, not counting
// references such as 第十六条; a person named with their office, for a
// question for whoever holds one — when the best-ranked one lacks it: of
// two clauses that both answer 罚多少钱, the one with the amount is the
// answer, the other its context.
func formFirst(use []Hit, a asks, q string) {
	has := func(h Hit) bool {
		return !lacksForm(a, q, reArticleRef.ReplaceAllString(stripLabel(h.Clause.Text, h.Clause.Label), " "))
	}
	person := a == asksPerson && reAsksOffice.MatchString(q)
	if person {
		has = func(h Hit) bool { return namesOfficeHolder(stripLabel(h.Clause.Text, h.Clause.Label)) }
	}
	if len(use) < 2 || (a != asksTime && a != asksNumber && a != asksPlace && !person) || has(use[0]) {
		return
	}
	for i := 1; i < len(use); i++ {
		if has(use[i]) {
			h := use[i]
			copy(use[1:i+1], use[:i])
			use[0] = h
			return
		}
	}
}

// reAsksOffice is a question for whoever holds an office, the office next
// to the question word (哪位领导人, 校长是谁), which a person named with
// their office answers (namesOfficeHolder). A question that only mentions
// an office (谁参加了青年领导人研修交流营) or asks for a person by a
// relation (魏玩是谁的妻子) asks for a name, which no office announces: it
// moves nothing.
var reAsksOffice = regexp.MustCompile(`(?:哪一?位|哪个|什么)(?:` + offices + `)|(?:` + offices + `)(?:是|为)(?:谁|哪一?位)|谁(?:是|担任)(?:` + offices + `)`)

const offices = `领导人|官员|部长|外长|主席|总统|总理|首相|大使|书记|省长|市长|院长|校长|局长|主任|会长|董事长|总裁|负责人`

// reOfficeName is an office followed by what may be its holder's name,
// two to four characters up to a pause (外交部长王毅、).
var reOfficeName = regexp.MustCompile(`(?:部长|外长|主席|总统|总理|首相|大使|书记|省长|市长|院长|校长|局长|主任|会长|董事长|总裁|教授|博士|导演|作家|将军|国王|皇帝|太守)([\p{Han}·]{2,4})(?:[、，。；（(]|$)`)

// notName are characters that end the name of a body or a scheme, not of a
// person (志愿大使计划, 主席团, 大使馆, 校长负责制).
const notName = "计划制团馆会部处组员委"

// namesOfficeHolder reports whether text names a person with their office
// (外交部长王毅、). An office word alone is not enough: 青年志愿大使计划 and
// 青年领导人研修交流营 name programmes, not people.
func namesOfficeHolder(text string) bool {
	for _, m := range reOfficeName.FindAllStringSubmatch(text, 20) {
		if !strings.ContainsAny(m[1], notName) {
			return true
		}
	}
	return false
}

// reArticleRef is a reference to a part of a law (第十六条, 第二款, 第三项):
// a number that names, not one that counts.
var reArticleRef = regexp.MustCompile(`第[〇零一二三四五六七八九十百千两0-9０-９]+[编章节条款项目]`)

// quotedAlready reports whether one of use says word for word what h
// says (its number aside): a law's other version, or a copy.
func quotedAlready(use []Hit, h Hit) bool {
	text := strings.Join(strings.Fields(stripLabel(h.Clause.Text, h.Clause.Label)), "")
	for _, u := range use {
		if strings.Join(strings.Fields(stripLabel(u.Clause.Text, u.Clause.Label)), "") == text {
			return true
		}
	}
	return false
}

// newAnswer starts the answer to q, with the cross-language notice where
// it applies.
func (e *Engine) newAnswer(st *state, q string) Answer {
	ans := Answer{Question: q, Mode: ModeExtractive, Citations: []Citation{}}
	if !index.HasCJK(q) && st.hasCJK() {
		ans.Notice = NoticeCrossLanguage
		if e.embedder.Provider != index.LocalProvider {
			ans.Notice = NoticeCrossLanguageExtractive
		}
	}
	return ans
}

// compose writes the extractive answer: from each clause the sentence that
// best matches the question (the whole clause when it is short), each
// followed by its citation.
// With several documents indexed (multiDoc), each citation names its
// document as well as the clause.
func compose(ans Answer, hits []Hit, qt func(*index.Clause) []relTerm, a asks, multiDoc bool) Answer {
	var b strings.Builder
	for _, h := range hits {
		c := h.Clause
		tag := CiteTag(c, h.DocTitle, multiDoc)
		quote := c.Text
		if qt != nil {
			quote = excerpt(ans.Question, stripLabel(c.Text, c.Label), qt(c), a, !isArticle(c))
		}
		b.WriteString(quote)
		fmt.Fprintf(&b, "〔%s〕\n", tag)
		ans.Citations = append(ans.Citations, Citation{
			Doc: c.Doc, Section: c.ID, Label: c.Label, Heading: c.Heading, Text: c.Text,
			Score: h.Score, DocTitle: h.DocTitle, Tag: tag,
		})
	}
	ans.Text = strings.TrimSpace(b.String())
	ans.Found = true
	return ans
}

// CiteTag is how an answer cites c: "§2.3" for dotted ids, the document's
// own label for articles ("第十九条"), with the document's short title in
// front when several documents are indexed.
func CiteTag(c *index.Clause, docTitle string, withDoc bool) string {
	tag := "§" + c.ID
	if strings.HasPrefix(c.Label, "第") {
		tag = c.Label
	}
	if withDoc {
		tag = ShortTitle(docTitle) + " " + tag
	}
	return tag
}

// bestSentences returns the part of text that best answers a question
// with terms qt (see excerpt).
func bestSentences(text string, qt []relTerm) string { return excerpt("", text, qt, asksAny, true) }

// isArticle reports whether c is a law's article (第十九条).
func isArticle(c *index.Clause) bool {
	n := strings.SplitN(c.Label, "之", 2)[0]
	return strings.HasPrefix(c.Label, "第") && (strings.HasSuffix(n, "条") || strings.HasSuffix(n, "條"))
}

// maxRefs is how many distinct references of one question are looked up;
// a question that lists more is not asking for them.
const maxRefs = 8

// resolveRefs returns the clauses that references written in the question
// name, when they name clauses of exactly one document (the one the question
// names, if several have them), and the references no document has.
func (st *state) resolveRefs(q string) (found []*index.Clause, missing []Ref, ambiguous []ambiguousRef) {
	var boost []float64
	boosted := false
	seen := map[string]bool{}
	for _, r := range FindRefs(q) {
		if seen[r.ID()] {
			continue
		}
		if seen[r.ID()] = true; len(seen) > maxRefs {
			break
		}
		var hits [][]*index.Clause
		var docs []int
		for i := range st.snap.Docs {
			if cs := lookup(&st.snap.Docs[i], r); len(cs) > 0 {
				hits = append(hits, cs)
				docs = append(docs, i)
			}
		}
		if len(hits) == 0 {
			missing = append(missing, r)
			continue
		}
		if len(hits) > 1 {
			hits, docs = st.newestVersions(hits, docs)
		}
		if len(hits) > 1 {
			if !boosted {
				boost, _ = st.docBoost(q)
				boosted = true
			}
			var named [][]*index.Clause
			for j, d := range docs {
				if boost != nil && boost[d] > 0 {
					named = append(named, hits[j])
				}
			}
			if len(named) == 0 {
				ambiguous = append(ambiguous, ambiguousRef{r, hits})
			}
			hits = named
		}
		if len(hits) == 1 {
			found = append(found, hits[0]...)
		}
	}
	return found, missing, ambiguous
}

// newestVersions keeps, of the documents that are versions of one law,
// the newest (hits and docs are parallel: clauses per document ordinal).
func (st *state) newestVersions(hits [][]*index.Clause, docs []int) ([][]*index.Clause, []int) {
	var h [][]*index.Clause
	var d []int
	for j, i := range docs {
		if !st.older[i] {
			h, d = append(h, hits[j]), append(d, i)
		}
	}
	return h, d
}

// ambiguousRef is a reference several documents have, none of them named.
type ambiguousRef struct {
	ref  Ref
	hits [][]*index.Clause // per document
}

// askFillers are the words of a question that asks for a section and
// nothing else ("第十九条规定了什么？").
var askFillers = strings.NewReplacer("规定了", " ", "规定", " ", "内容", " ", "讲了", " ", "说了", " ", "写了", " ",
	"是什么", " ", "条文", " ", "原文", " ", "全文", " ", "具体", " ", "讲", " ", "说", " ", "了", " ", "的", " ", "是", " ",
	"what", " ", "does", " ", "say", " ", "says", " ", "is", " ", "in", " ", "of", " ", "the", " ")

// onlyRefs reports whether q asks for the sections it names and nothing
// else.
func onlyRefs(q string) bool {
	rest := reRefInText.ReplaceAllString(q, " ")
	rest = askFillers.Replace(strings.ToLower(stripQuestionWords(askPhrases.Replace(rest))))
	for _, r := range rest {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// whichDocument is the answer to a question that names only a section
// several documents have: name one, with the first few as examples.
func (st *state) whichDocument(q string, a ambiguousRef) Answer {
	ans := Answer{Question: q, Mode: ModeExtractive, Citations: []Citation{}}
	for _, cs := range a.hits {
		if len(ans.Closest) == 5 {
			break
		}
		if len(cs) > 0 {
			ans.Closest = append(ans.Closest, CiteTag(cs[0], st.title(cs[0].Doc), true))
		}
	}
	label := a.ref.Label()
	if index.HasCJK(q) {
		ans.Text = fmt.Sprintf("%s在%d份文档中都有，请指明是哪一份，例如：〔%s〕。", label, len(a.hits), strings.Join(ans.Closest, "〕、〔"))
	} else {
		ans.Text = fmt.Sprintf("%d documents have a %s; say which, e.g. 〔%s〕.", len(a.hits), label, strings.Join(ans.Closest, "〕, 〔"))
	}
	return ans
}

// title is a document's title as citations show it (see displayTitle).
func (st *state) title(docID string) string {
	if i, ok := st.docIdx[docID]; ok {
		return st.displayTitle(i)
	}
	return docID
}

func (st *state) hasCJK() bool {
	for _, d := range st.snap.Docs {
		if len(d.Clauses) > 0 && index.HasCJK(d.Clauses[0].Text) {
			return true
		}
	}
	return false
}

// relTerm is a question term with the weight it carries in relevance.
type relTerm struct {
	key    uint64
	weight float64
	alt    []uint64 // other keys that count as the term (an English word's other renderings)
}

// questionWords are the parts of a Chinese question that ask rather than
// say; they are left out when judging whether a clause is relevant.
var questionWords = []string{
	"为什么", "什么样", "什么", "怎么样", "怎么", "怎样", "哪些", "哪个", "哪位", "哪一", "哪里", "如何",
	"多少", "是否", "有何", "有哪", "吗", "呢", "请问", "说了", "提到", "方面", "有关", "关于",
}

// askPhrases are whole question phrases that say nothing of the subject;
// relevance leaves them out (retrieval keeps their 年, 天: they match dates).
var askPhrases = strings.NewReplacer("什么时候", " ", "什么时间", " ", "什么地方", " ", "多长时间", " ", "几点", " ",
	"怎么看待", " ", "如何看待", " ", "看待", " ", "怎么看", " ", "打算", " ", "怎么做", " ", "如何做", " ", "说了什么", " ")

// reAskWord is a question word with the measure word that follows it
// (哪座, 哪所, 几个, 什么样的), blanked out like questionWords.
var reAskWord = regexp.MustCompile(`哪[一-龥]?|几[个名位种条项次年天月岁]?|何[时地处人种]?|谁`)

// stripQuestionWords blanks out the words of q that ask rather than say.
func stripQuestionWords(q string) string {
	for _, w := range questionWords {
		q = strings.ReplaceAll(q, w, " ")
	}
	return reAskWord.ReplaceAllString(q, " ")
}

// englishStopWords are left out of English questions, unless written in
// capitals (IT, D).
var englishStopWords = map[string]bool{
	"a": true, "an": true, "the": true, "what": true, "which": true, "who": true, "whom": true, "how": true,
	"why": true, "when": true, "where": true, "is": true, "are": true, "was": true, "were": true, "be": true,
	"do": true, "does": true, "did": true, "say": true, "says": true, "said": true, "about": true, "of": true,
	"in": true, "on": true, "at": true, "to": true, "for": true, "and": true, "or": true, "it": true,
	"this": true, "that": true, "with": true, "by": true, "from": true, "as": true, "statement": true,
	"document": true, "planned": true, "there": true, "their": true, "they": true, "parties": true,
}

// relevanceTerms returns the terms of q that say something: question words
// and English stop words removed, single characters only when q has no
// character pairs, each weighted by its inverse document frequency (terms
// no clause has count as the rarest).
func (lx *Lexical) relevanceTerms(q string) []relTerm {
	q = stripQuestionWords(askPhrases.Replace(q))
	q = strings.Join(strings.FieldsFunc(q, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
	var words []string
	for _, f := range strings.Fields(q) {
		if index.HasCJK(f) || !englishStopWords[f] && !englishStopWords[strings.ToLower(f)] || strings.ToUpper(f) == f {
			words = append(words, f)
		}
	}
	text := strings.Join(words, " ")
	terms := queryTerms(text)
	straddle := lx.straddlingPairs(text)
	hasPairs := false
	for _, t := range terms {
		if index.KindOf(t) != index.Unigram {
			hasPairs = true
		}
	}
	// A question without CJK over CJK documents can only be matched on the
	// Latin words and numbers the documents contain; words no clause has
	// are not held against it.
	crossLanguage := !index.HasCJK(q)
	maxIDF := lx.idf(0)
	var out []relTerm
	for _, t := range terms {
		if hasPairs && index.KindOf(t) == index.Unigram || index.KindOf(t) == index.Bigram && spansParticle(t) {
			continue
		}
		df := len(lx.postingsOf(t))
		if df == 0 && (crossLanguage || straddle[t]) {
			continue
		}
		// A character pair weighs by how rare it is in official writing at
		// large, not in these documents: a small library lacks (or has
		// once) every word it has no use for, and 职务, 城市 or 是在 are
		// everyday words where 乌克 or 红烧 are not. Other terms weigh by
		// their rarity here.
		w := lx.idf(df) / maxIDF
		if index.KindOf(t) == index.Bigram {
			if p, ok := pairfreq.Pair(index.PairRunes(t)); ok {
				w = pairfreq.Default().Rarity(p)
				if df == 0 {
					// Missing here, it weighs by how surprising that is:
					// 共识 is written with common characters, 红烧 not.
					w = pairfreq.Default().Surprise(index.PairRunes(t))
				}
			}
		}
		out = append(out, relTerm{key: t, weight: w})
	}
	return out
}

// straddlingPairs returns the character pairs of text that no clause has
// but that share a character with a neighbouring pair some clause has: in
// "各方在咸海问题上", 方在, 在咸 and 海问 straddle the words 各方, 咸海 and
// 问题, which the documents have; they are not words the documents lack.
func (lx *Lexical) straddlingPairs(text string) map[uint64]bool {
	out := map[uint64]bool{}
	var run []uint64 // the pairs of the current run of CJK characters
	var prev rune = -1
	flush := func() {
		for j, k := range run {
			if lx.seenPair(k) {
				continue
			}
			if j > 0 && lx.seenPair(run[j-1]) || j+1 < len(run) && lx.seenPair(run[j+1]) {
				out[k] = true
			}
		}
		run = run[:0]
	}
	for _, r := range text {
		if !index.HasCJK(string(r)) {
			flush()
			prev = -1
			continue
		}
		if prev >= 0 {
			var last uint64
			index.Terms(string([]rune{prev, r}), func(k uint64) { last = k })
			run = append(run, last)
		}
		prev = r
	}
	flush()
	return out
}

// seenPair reports whether some clause has pair k (a particle pair counts
// as unseen: it is no word).
func (lx *Lexical) seenPair(k uint64) bool {
	return !spansParticle(k) && len(lx.postingsOf(k)) > 0
}

// particles are characters that end or join words rather than make them
// (的, 了, 是, 吗…): a pair with one ("毅的", "务是") spans two words, and
// says nothing of either.
const particles = "的了是吗呢吧啊着"

func spansParticle(pair uint64) bool {
	a, b := index.PairRunes(pair)
	return strings.ContainsRune(particles, a) || strings.ContainsRune(particles, b)
}

// excerptTerms returns the terms of q that pick an excerpt's sentences:
// question words left out, every term the documents have (character pairs
// and, at termWeight's lower weight, single characters) weighted by its
// inverse document frequency.
func (lx *Lexical) excerptTerms(q string, c *index.Clause) []relTerm {
	var out []relTerm
	doc := int32(-1)
	if ord, ok := lx.ordOf(c); ok && len(lx.docs) > 1 {
		doc = lx.docOf[ord]
	}
	for _, t := range queryTerms(expandQuery(stripQuestionWords(q))) {
		ps := lx.postingsOf(t)
		if len(ps) == 0 {
			continue
		}
		w := lx.idf(len(ps)) * termWeight(t)
		if doc >= 0 {
			// The document's clauses are consecutive ordinals, and postings
			// are in clause order.
			lo := int32(sort.Search(len(lx.docOf), func(i int) bool { return lx.docOf[i] >= doc }))
			hi := int32(sort.Search(len(lx.docOf), func(i int) bool { return lx.docOf[i] > doc }))
			in := sort.Search(len(ps), func(i int) bool { return ps[i].Clause >= hi }) -
				sort.Search(len(ps), func(i int) bool { return ps[i].Clause >= lo })
			w *= 1 - topicDiscount*float64(in)/float64(len(ps))
		}
		out = append(out, relTerm{key: t, weight: w})
	}
	return out
}

// topicDiscount is how much less a question term counts in picking a
// clause's sentences when all its occurrences are in that clause's
// document: such terms (the subject's name) brought retrieval to the
// document, and say little about which of its sentences answers.
var topicDiscount = 0.95

// relevance is the weighted share of the question's terms that clause c
// (with its title and heading) contains.
func (lx *Lexical) relevance(qt []relTerm, c *index.Clause) float64 {
	ord, ok := lx.ordOf(c)
	if !ok {
		return 0
	}
	var have, total float64
	for _, t := range qt {
		total += t.weight
		if lx.has(t.key, ord) || slices.ContainsFunc(t.alt, func(k uint64) bool { return lx.has(k, ord) }) {
			have += t.weight
		}
	}
	if total == 0 {
		return 0
	}
	return have / total
}

// has reports whether clause ord contains term t; postings are in clause
// order.
func (lx *Lexical) has(t uint64, ord int32) bool {
	ps := lx.postingsOf(t)
	lo, hi := 0, len(ps)
	for lo < hi {
		m := (lo + hi) / 2
		if ps[m].Clause < ord {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(ps) && ps[lo].Clause == ord
}

// minCrossRelevance is the share of an English question's content words
// whose renderings a clause must have to answer it (English questions are
// not weighed by abstainModel: its signals are Chinese ones). Measured on
// seed-dev-en, developed on one half and held out on the other (README).
const minCrossRelevance = 0.3

// furtherShare is the least relevance, relative to the first clause's,
// of a further clause an answer quotes.
var furtherShare = 0.8
