package retrieval

import (
	"regexp"
	"strings"
	"testing"

	"github.com/qabot/qabot/index"
)

// fuzzHits are the clauses a fuzzed answer was given: §2.3 and 第十九条 of
// one document. Nothing in them names clause 9.9 or article 99.
var fuzzHits = []Hit{
	{Clause: &index.Clause{Doc: "d", ID: "2.3", Label: "二.3", Text: "各方高度评价首届中国—中亚经贸合作论坛（2022年1月17日）成果，详见 https://example.gov.cn/forum。"}, DocTitle: "声明"},
	{Clause: &index.Clause{Doc: "d", ID: "19", Label: "第十九条", Text: "国家建立数据分类分级保护制度，违反本法第二十一条规定的，处五十元以上两百元以下的罚款。"}, DocTitle: "声明"},
}

// unretrieved finds, in a normalised answer, what a reader takes for a
// citation of a clause that was not retrieved: §9.9, §99 or article 99 in
// any form, and article 21 outside a quote of 第十九条's own words.
var unretrieved = regexp.MustCompile(`§ *(?:9 *\. *9|99|九十九|九\.九)|第 *(?:99|九十九|九九) *[条條]|第 *(?:9|九) *部分 *第 *(?:9|九) *段|` +
	`(?i:(?:art(?:icle)?|sec(?:tion)?|clause|para(?:graph)?)\.? *(?:99|9\.9))|[\[【〔〖〘] *(?:9\.9|99) *[\]】〕〗〙]`)

// articleOutsideQuotes finds 第二十一条 (named by 第十九条's text) outside
// quotes.
var articleOutsideQuotes = regexp.MustCompile(`第 *(?:21|二十一) *条`)

// FuzzCheckAnswer holds the check's invariants for any answer: no label
// outside the retrieved set survives (in any width, spacing, bracket, or
// joined together by what the check removed); every citation is a
// retrieved clause; no masked link is left; streamed in pieces the answer
// is the same.
func FuzzCheckAnswer(f *testing.F) {
	for _, s := range []string{
		"论坛于2022年1月17日举行〔§2.3〕。比特币将上涨〔§9.9〕。",
		"各方高度评价首届中国—中亚经贸合作论坛成果〔第九十九条：" + strings.Repeat("很长", 40) + "〕〔§2.3〕。",
		"各方高度评价论坛成果§９.９〔§2.3〕。", "各方高度评价论坛成果§\u00a09.9〔§2.3〕。", "各方高度评价论坛成果§\u30009.9、§  9.9〔§2.3〕。",
		"各方高度评价论坛成果〈第九十九条〉《第九十九条》{§9.9}〔§2.3〕。", "国家建立数据分类分级保护制度，详见第九十九条。",
		"《数据安全法》第十九条规定，国家建立数据分类分级保护制度。", "国家建立数据分类分级保护制度第九十〔§9.9〕九条〔第十九条〕。",
		"各方高度评价论坛成果§〔§9.9〕99〔§2.3〕。", "[论坛](〔§9.9〕https://example.gov.cn/forum)〔§2.3〕", "[论坛]〔§9.9〕(https://example.gov.cn/forum)〔§2.3〕",
		"该条规定「违反本法第二十一条规定的」〔第十九条〕。", "「论坛于2022年1月17日举行〔§2.3〕。比特币将上涨〔§9.9〕。",
		"各方高度评价论坛成果。 〔§2.3〕 §9.9", "文档中没有相关内容〔§9.9〕。", "§\u200b9.9 各方〔§2.3〕", "Article 99 says so [§2.3].",
		"国家建立数据分类分级保护制度\u202e条九十九第\u202c〔第十九条〕。", "各方高度评价论坛成果§\u03019.9〔§2.3〕。", "各方高度评价论坛成果§**9.9**〔§2.3〕。",
		"各方高度评价论坛成果§9\\.9〔§2.3〕。", "各方高度评价论坛成果§٩.٩〔§2.3〕。", "国家建立数据分类分级保护制度第九十九條〔第十九条〕。",
		"Section 9.9 and clause 99 say so [§2.3].", "声明第九部分第9段说，各方高度评价论坛成果〔§2.3〕。", "国家建立数据分类分级保护制度，见第 九十九 条〔第十九条〕。",
	} {
		f.Add(s, uint8(5))
	}
	f.Fuzz(func(t *testing.T, text string, piece uint8) {
		ans, chk := CheckAnswer("论坛是什么时候举行的？", text, fuzzHits)
		out := normalize(ans.Text).s
		if m := unretrieved.FindString(arabicNumbers(out)); m != "" {
			t.Fatalf("CheckAnswer(%q) = %q: an unretrieved label %q survived", text, ans.Text, m)
		}
		if bare := quoteRE.ReplaceAllString(out, ""); articleOutsideQuotes.MatchString(arabicNumbers(bare)) {
			t.Fatalf("CheckAnswer(%q) = %q: 第二十一条 survived outside a quote", text, ans.Text)
		}
		if strings.IndexFunc(ans.Text, isBidi) >= 0 {
			t.Fatalf("CheckAnswer(%q) = %q: a bidi control survived", text, ans.Text)
		}
		if maskedLink.MatchString(out) {
			t.Fatalf("CheckAnswer(%q) = %q: a masked link survived", text, ans.Text)
		}
		for _, c := range ans.Citations {
			if c.Section != "2.3" && c.Section != "19" {
				t.Fatalf("CheckAnswer(%q) cites %q", text, c.Section)
			}
		}
		if ans.Found != (len(chk.Kept) > 0) || len(chk.Drops) != len(chk.DroppedSentences) {
			t.Fatalf("CheckAnswer(%q): check %+v", text, chk)
		}
		if piece > 0 && len(text) < 4000 {
			ck := newChecker("论坛是什么时候举行的？", fuzzHits)
			for end := int(piece); end < len(text); end += int(piece) {
				ck.feed(text[:end], false)
				if s := ck.shown(); !strings.HasPrefix(ans.Text, s) {
					t.Fatalf("CheckAnswer(%q): shown %q while streaming, answer %q", text, s, ans.Text)
				}
			}
			ck.feed(text, true)
			if got, _ := ck.result(); got.Text != ans.Text {
				t.Fatalf("CheckAnswer(%q) = %q whole, %q streamed in pieces of %d", text, ans.Text, got.Text, piece)
			}
		}
	})
}
