package retrieval

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/qabot/qabot/index"
)

// deferral turns deferToReferenced on (a switch for measuring it).
var deferral = true

// deferTop is how many of the best hits a clause the best one refers to
// must be among for deferToReferenced to put it first.
const deferTop = 5

// minKeyRun is the fewest characters of the question's key phrase (the
// longest run of its characters the best clause has) that a deferral
// rests on: shorter runs are words that any clause may use.
const minKeyRun = 4

// reRefBefore is the end of the text before a phrase that a reference
// introduces: 根据本法第四条规定|列入反制清单, 本法第二十一条所称|重要数据.
// The number is the article the phrase is defined in.
var reRefBefore = regexp.MustCompile(`本(?:法|条例|规定|办法)第([〇零一二三四五六七八九十百千两0-9０-９]+)[条條](?:第[一二三四五六七八九十]+款)?(?:规定|所列|所称|所规定|确定)?的?$`)

// reRefAny is any reference that reRefBefore could end with.
var reRefAny = regexp.MustCompile(`本(?:法|条例|规定|办法)第[〇零一二三四五六七八九十百千两0-9０-９]+[条條]`)

// deferToReferenced puts first the article that the best hit defers to
// for what the question asks about. Laws name a thing in the article
// that defines it and then refer to it by number: 第五条 reads "除根据本法
// 第四条规定列入反制清单的个人、组织以外……（一）列入反制清单个人的配偶…",
// and its repeats of 列入反制清单 outscore 第四条, which says who is listed.
// When the question's key phrase (its longest run of characters the best
// clause has, minKeyRun or more) first appears in the best clause right
// after a reference to another article of the same document (本法第四条
// 规定, no punctuation between), and that article is among the deferTop
// best hits and has the phrase too, that article goes first: the best
// clause is about what follows from it, the article is where the phrase
// is said. (A reference to 第四条之一 is not followed.) The cost is one
// pass of the question against the best clause, and only when that clause
// refers to another article.
func deferToReferenced(q string, hits []Hit) {
	if !deferral || len(hits) < 2 || !isArticle(hits[0].Clause) {
		return
	}
	top := hits[0].Clause
	text := stripLabel(top.Text, top.Label)
	if !reRefAny.MatchString(text) {
		return // most articles refer to none: the run below is not worked out
	}
	key := longestSharedRun(stripQuestionWords(q), text)
	if utf8.RuneCountInString(key) < minKeyRun {
		return
	}
	at := strings.Index(text, key)
	if at < 0 {
		return
	}
	before := text[:at]
	if i := strings.LastIndexFunc(before, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) }); i >= 0 {
		before = before[i:]
	}
	m := reRefBefore.FindStringSubmatch(before)
	if m == nil {
		return
	}
	n, ok := index.ParseNumber(m[1])
	if !ok {
		return
	}
	id := strconv.Itoa(n)
	for i := 1; i < min(len(hits), deferTop); i++ {
		c := hits[i].Clause
		if c.Doc == top.Doc && c.ID == id && strings.Contains(c.Text, key) {
			// The scores stay where they are: the article referred to
			// takes the first place and its score (what the question
			// matched is attributed to it), and the hits stay in score
			// order.
			var scores [deferTop]float64
			for j := range i + 1 {
				scores[j] = hits[j].Score
			}
			h := hits[i]
			copy(hits[1:i+1], hits[:i])
			hits[0] = h
			for j := range i + 1 {
				hits[j].Score = scores[j]
			}
			return
		}
	}
}

// longestSharedRun is the longest run of characters that q and text
// share (the first such run of q when several are as long).
func longestSharedRun(q, text string) string {
	qr, tr := []rune(q), []rune(text)
	prev, cur := make([]int, len(tr)+1), make([]int, len(tr)+1)
	best, end := 0, 0
	for i := range qr {
		for j := range tr {
			if qr[i] == tr[j] && !unicode.IsSpace(qr[i]) && !unicode.IsPunct(qr[i]) {
				cur[j+1] = prev[j] + 1
				if cur[j+1] > best {
					best, end = cur[j+1], i+1
				}
			} else {
				cur[j+1] = 0
			}
		}
		prev, cur = cur, prev
	}
	return string(qr[end-best : end])
}
