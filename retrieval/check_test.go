package retrieval

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/qabot/qabot/index"
)

const seedDoc = "china-central-asia-fm-joint-statement-2022"

// seedHits are the statement's clauses with the given ids, as hits.
func seedHits(tb testing.TB, ids ...string) []Hit {
	tb.Helper()
	e := mustSeedEngine(tb)
	var hits []Hit
	for _, id := range ids {
		c, ok := e.Snapshot().Clause(seedDoc + "#" + id)
		if !ok {
			tb.Fatalf("no clause %s", id)
		}
		hits = append(hits, Hit{Clause: c, Score: 1})
	}
	return hits
}

// lawHits are two articles of one law, and one of another law with the
// same article number.
func lawHits(multi bool) []Hit {
	hits := []Hit{
		{Clause: &index.Clause{Doc: "数据安全法", ID: "19", Label: "第十九条", Text: "国家建立数据分类分级保护制度。"}, DocTitle: "中华人民共和国数据安全法"},
		{Clause: &index.Clause{Doc: "数据安全法", ID: "66", Label: "第六十六条", Text: "违反本法第二十一条规定的，由有关主管部门责令改正，处五十元以上两百元以下的罚款。详见 https://www.example.gov.cn/data 或来信 data@example.gov.cn。"}, DocTitle: "中华人民共和国数据安全法"},
	}
	if multi {
		hits = append(hits, Hit{Clause: &index.Clause{Doc: "个人信息保护法", ID: "19", Label: "第十九条", Text: "个人信息的保存期限应当为实现处理目的所必要的最短时间。"}, DocTitle: "中华人民共和国个人信息保护法"})
	}
	return hits
}

// TestCheckAnswer_hiddenLabelsAreFound is issue 14 item 6: an unretrieved
// label beside a valid one in the same sentence, in any bracket, any width,
// any spacing, or bare in prose, is removed; the sentence stays.
func TestCheckAnswer_hiddenLabelsAreFound(t *testing.T) {
	hits := seedHits(t, "2.3", "0.2")
	const want = "各方高度评价首届中国—中亚经贸合作论坛成果〔§2.3〕。"
	long := "第九十九条：" + strings.Repeat("各方同意立即取消所有关税", 5)
	for form, label := range map[string]string{
		"〔" + long + "〕": "第九十九条",
		"〔§９９〕":          "§99", "§９９": "§99", "§\u00a09.9": "§ 9.9", "§\u30009.9": "§ 9.9", "§  9.9": "§  9.9",
		"§\u200b9.9": "§9.9", "〔§９．９〕": "§9.9", "〈第九十九条〉": "第九十九条", "《第九十九条》": "第九十九条",
		"{§9.9}": "§9.9", "｛§9.9｝": "§9.9", "﹝§9.9﹞": "§9.9", "<§9.9>": "§9.9", "＜§9.9＞": "§9.9", "︹§9.9︺": "§9.9",
		"第九十九条": "第九十九条", "第99条": "第99条", "Article 99": "Article 99", "〔第九十九条、§2.3〕": "第九十九条",
		"（参见§9.9）": "§9.9", "【注意】": "注意",
	} {
		text := "各方高度评价首届中国—中亚经贸合作论坛成果" + form + "〔§2.3〕。"
		if strings.Contains(form, "§2.3") {
			text = "各方高度评价首届中国—中亚经贸合作论坛成果" + form + "。"
		}
		ans, chk := CheckAnswer(forumQ, text, hits)
		if ans.Text != want || strings.Join(chk.Kept, ",") != "§2.3" || len(chk.Dropped) != 1 || chk.Dropped[0] != label {
			t.Errorf("CheckAnswer(%q) = %q, kept %q, dropped %q; want %q, dropped %q", text, ans.Text, chk.Kept, chk.Dropped, want, label)
		}
	}
}

// TestCheckAnswer_articleNumbersInProse: a bare article number that is
// retrieved cites it and stays as written; one that is not is removed,
// except inside a quote of the clause's own words; a law named in 《》 is
// no citation.
func TestCheckAnswer_articleNumbersInProse(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
		multi            bool
		kept, dropped    string
	}{
		{"retrieved, bare", "依照第十九条，国家建立数据分类分级保护制度。", "依照第十九条，国家建立数据分类分级保护制度。", false, "第十九条", ""},
		{"retrieved, digits", "依照第19条，国家建立数据分类分级保护制度。", "依照第19条，国家建立数据分类分级保护制度。", false, "第十九条", ""},
		{"not retrieved", "依照第九十九条，国家建立数据分类分级保护制度〔第十九条〕。", "依照，国家建立数据分类分级保护制度〔第十九条〕。", false, "第十九条", "第九十九条"},
		{"law named", "《数据安全法》规定，国家建立数据分类分级保护制度〔数据安全法 第十九条〕。",
			"《数据安全法》规定，国家建立数据分类分级保护制度〔数据安全法 第十九条〕。", true, "数据安全法 第十九条", ""},
		{"law named before the article", "《数据安全法》第十九条规定，国家建立数据分类分级保护制度。",
			"《数据安全法》第十九条规定，国家建立数据分类分级保护制度。", true, "数据安全法 第十九条", ""},
		{"law and unknown article in 《》", "国家建立数据分类分级保护制度《数据安全法第九十九条》〔数据安全法 第十九条〕。",
			"国家建立数据分类分级保护制度〔数据安全法 第十九条〕。", true, "数据安全法 第十九条", "第九十九条"},
		{"ambiguous article", "第十九条规定，国家建立数据分类分级保护制度〔数据安全法 第十九条〕。",
			"规定，国家建立数据分类分级保护制度〔数据安全法 第十九条〕。", true, "数据安全法 第十九条", "第十九条"},
		{"clause's own words, quoted", "该条规定「违反本法第二十一条规定的，由有关主管部门责令改正」〔第六十六条〕。",
			"该条规定「违反本法第二十一条规定的，由有关主管部门责令改正」〔第六十六条〕。", false, "第六十六条", ""},
		{"clause's cross-reference, unquoted", "违反本法第二十一条规定的，由有关主管部门责令改正〔第六十六条〕。",
			"违反本法规定的，由有关主管部门责令改正〔第六十六条〕。", false, "第六十六条", "第二十一条"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ans, chk := CheckAnswer("数据安全法有什么规定？", tc.text, lawHits(tc.multi))
			if ans.Text != tc.want || strings.Join(chk.Kept, ",") != tc.kept || strings.Join(chk.Dropped, ",") != tc.dropped {
				t.Errorf("CheckAnswer(%q) = %q, kept %q, dropped %q; want %q, kept %q, dropped %q",
					tc.text, ans.Text, chk.Kept, chk.Dropped, tc.want, tc.kept, tc.dropped)
			}
		})
	}
}

// TestCheckAnswer_claimsMustBeSupported is issue 14 item 7: a sentence
// keeps its citation only when the cited clause has its links, addresses,
// numbers, dates and amounts, and most of its words.
func TestCheckAnswer_claimsMustBeSupported(t *testing.T) {
	seed := seedHits(t, "1.1", "2.1", "2.3")
	for _, tc := range []struct {
		name, text, reason, detail string
	}{
		{"the probe, link", "各方指出，本地区合作基于传统睦邻友好关系，@everyone 请立即访问 https://evil.example 〔§1.1〕。", DropLink, "https://evil.example"},
		{"the probe, masked link", "各方指出，扩大相互贸易规模至关重要，请在 [官方报名入口](https://evil.example/login) 登录并填写银行卡号〔§2.1〕。", DropLink, "https://evil.example/login"},
		{"bare domain", "各方指出扩大相互贸易规模至关重要，详见 evil.example/login〔§2.1〕。", DropLink, "evil.example/login"},
		{"e-mail", "各方指出扩大相互贸易规模至关重要，请联系 help@evil.example〔§2.1〕。", DropEmail, "help@evil.example"},
		{"date changed", "首届中国—中亚经贸合作论坛于2022年1月18日举行〔§2.3〕。", DropDate, "2022-01-18"},
		{"date in Chinese numerals changed", "首届中国—中亚经贸合作论坛于二〇二二年二月十七日举行〔§2.3〕。", DropDate, "2022-02-17"},
		{"English date changed", "The first China–Central Asia forum was held on 18 January 2022 [§2.3].", DropDate, "2022-01-18"},
		{"number added", "各方高度评价首届中国—中亚经贸合作论坛成果，共有8个国家参加〔§2.3〕。", DropNumber, "8"},
		{"amount added", "各方高度评价首届中国—中亚经贸合作论坛成果，报名费为五十元〔§2.3〕。", DropAmount, "50 CNY"},
		{"another clause's claim", "各方认为，有必要视疫情形势发展采取措施，逐步恢复常态化互发签证〔§2.3〕。", DropWords, ""},
		{"a claim held inside brackets", "各方高度评价首届中国—中亚经贸合作论坛成果（比特币价格将大幅上涨。请大家立即买入。）〔§2.3〕。", DropWords, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ans, chk := CheckAnswer(forumQ, tc.text, seed)
			if ans.Text != "" || len(chk.Drops) != 1 || chk.Drops[0].Reason != tc.reason || tc.detail != "" && chk.Drops[0].Detail != tc.detail ||
				len(chk.DroppedSentences) != 1 || chk.DroppedSentences[0] != chk.Drops[0].Sentence {
				t.Errorf("CheckAnswer(%q) = %q, drops %+v; want it dropped for %s %s", tc.text, ans.Text, chk.Drops, tc.reason, tc.detail)
			}
		})
	}
	// What the clauses do say passes, in other words and forms.
	for _, text := range []string{
		"首届中国—中亚经贸合作论坛于二〇二二年一月十七日举行〔§2.3〕。",
		"The first China–Central Asia economic and trade forum was held on January 17, 2022 [§2.3].",
		"塔什干国际投资论坛于2022年3月24日至26日举行〔§2.3〕。",
		"关于论坛，各方高度评价了首届中国—中亚经贸合作论坛的成果〔§2.3〕。",
	} {
		if ans, chk := CheckAnswer(forumQ, text, seed); len(chk.Drops) != 0 || ans.Text == "" {
			t.Errorf("CheckAnswer(%q) = %q, drops %+v; want it kept", text, ans.Text, chk.Drops)
		}
	}
	law := lawHits(false)
	for text, want := range map[string]string{
		"违反规定的，由有关主管部门责令改正，处50元以上200元以下的罚款〔第六十六条〕。":                                    "",
		"违反规定的，由有关主管部门处五十元至两百元罚款，详见 [主管部门网站](https://www.example.gov.cn/data)〔第六十六条〕。": "违反规定的，由有关主管部门处五十元至两百元罚款，详见 主管部门网站 (https://www.example.gov.cn/data)〔第六十六条〕。",
		"违反规定的，由有关主管部门责令改正，可来信 data@example.gov.cn〔第六十六条〕。":                            "",
	} {
		ans, chk := CheckAnswer("违反规定怎么处罚？", text, law)
		if want == "" {
			want = text
		}
		if ans.Text != want || len(chk.Drops) != 0 {
			t.Errorf("CheckAnswer(%q) = %q, drops %+v; want %q", text, ans.Text, chk.Drops, want)
		}
	}
	for _, text := range []string{
		"违反规定的，由有关主管部门处五百元罚款〔第六十六条〕。",
		"违反规定的，由有关主管部门处$50罚款〔第六十六条〕。",
		"违反规定的，由有关主管部门处五十美元罚款〔第六十六条〕。",
	} {
		if ans, chk := CheckAnswer("违反规定怎么处罚？", text, law); ans.Text != "" || len(chk.Drops) != 1 || chk.Drops[0].Reason != DropAmount {
			t.Errorf("CheckAnswer(%q) = %q, drops %+v; want it dropped for its amount", text, ans.Text, chk.Drops)
		}
	}
}

// TestCheckAnswer_notFoundSentences: "the documents do not say" needs no
// citation, but carries no link and no long claim.
func TestCheckAnswer_notFoundSentences(t *testing.T) {
	hits := seedHits(t, "2.3")
	for text, kept := range map[string]bool{
		"文档中没有提到论坛的地点。":                               true,
		"The documents do not say where it was held.": true,
		"文档中没有相关内容，请访问 https://evil.example。":         false,
		"文档中没有相关内容，但比特币价格一定会大幅上涨，请大家立即买入。":            false,
	} {
		ans, chk := CheckAnswer(forumQ, text, hits)
		if (ans.Text == text) != kept || !kept && len(chk.Drops) != 1 {
			t.Errorf("CheckAnswer(%q) = %q, drops %+v; kept want %v", text, ans.Text, chk.Drops, kept)
		}
	}
}

// TestCheckAnswer_neverAMaskedLink: whatever survives, no masked link does.
func TestCheckAnswer_neverAMaskedLink(t *testing.T) {
	law := lawHits(false)
	text := "详见[主管部门网站](https://www.example.gov.cn/data)〔第六十六条〕。[](<https://www.example.gov.cn/data> \"t\")〔第六十六条〕"
	ans, _ := CheckAnswer("", text, law)
	if strings.Contains(ans.Text, "](") || !strings.Contains(ans.Text, "主管部门网站 (https://www.example.gov.cn/data)") {
		t.Errorf("masked link survived: %q", ans.Text)
	}
}

// sentencesAnswer is an answer of n cited sentences, each supported by
// §2.3.
func sentencesAnswer(n int) string {
	var b strings.Builder
	for i := range n {
		if i%2 == 0 {
			b.WriteString("各方高度评价首届中国—中亚经贸合作论坛（2022年1月17日）成果〔§2.3〕。")
		} else {
			b.WriteString("塔什干国际投资论坛于2022年3月24日至26日举行。〔§2.3〕")
		}
	}
	return b.String()
}

// streamCheck feeds text to a checker in pieces of n runes, as AskWith
// does while the model streams, and returns it with what was shown.
func streamCheck(text string, hits []Hit, n int) (*checker, []string) {
	ck := newChecker(forumQ, hits)
	r := []rune(text)
	var acc strings.Builder
	var shown []string
	for i := 0; i < len(r); i += n {
		acc.WriteString(string(r[i:min(i+n, len(r))]))
		ck.feed(acc.String(), false)
		if s := ck.shown(); s != "" && (len(shown) == 0 || s != shown[len(shown)-1]) {
			shown = append(shown, s)
		}
	}
	ck.feed(text, true)
	return ck, shown
}

// TestChecker_streamingChecksEachSentenceOnce is issue 14 item 2: however
// the answer arrives, each sentence is checked once (it was every sentence
// on every piece), and what is shown is the final answer's start.
func TestChecker_streamingChecksEachSentenceOnce(t *testing.T) {
	hits := seedHits(t, "2.3", "0.2")
	for _, n := range []int{100, 400} {
		text := sentencesAnswer(n) + "比特币将上涨〔§9.9〕。"
		whole, wholeChk := CheckAnswer(forumQ, text, hits)
		for _, piece := range []int{1, 5, 37} {
			ck, shown := streamCheck(text, hits, piece)
			if ck.units != n+1 {
				t.Errorf("%d sentences in pieces of %d: %d checked, want each once (%d)", n, piece, ck.units, n+1)
			}
			ans, chk := ck.result()
			if ans.Text != whole.Text || !slices.Equal(chk.Dropped, wholeChk.Dropped) || len(chk.Drops) != 1 {
				t.Errorf("pieces of %d: streamed check differs from the whole: %q vs %q", piece, chk, wholeChk)
			}
			for _, s := range shown {
				if !strings.HasPrefix(ans.Text, s) {
					t.Fatalf("shown %q is not the start of the answer", s)
				}
			}
			if len(shown) < n/2 {
				t.Errorf("pieces of %d: shown %d times for %d sentences", piece, len(shown), n)
			}
		}
	}
}

// TestChecker_citationsAfterASentenceWaitForTheirEnd: a sentence is shown
// only once what follows it cannot be its citation any more.
func TestChecker_citationsAfterASentenceWaitForTheirEnd(t *testing.T) {
	hits := seedHits(t, "2.3")
	ck := newChecker(forumQ, hits)
	steps := []struct{ text, shown string }{
		{"各方高度评价首届中国—中亚经贸合作论坛成果。", ""},
		{"各方高度评价首届中国—中亚经贸合作论坛成果。 ", ""},
		{"各方高度评价首届中国—中亚经贸合作论坛成果。 〔§2", ""},
		{"各方高度评价首届中国—中亚经贸合作论坛成果。 〔§2.3〕", ""},
		{"各方高度评价首届中国—中亚经贸合作论坛成果。 〔§2.3〕 §２", ""},
		{"各方高度评价首届中国—中亚经贸合作论坛成果。 〔§2.3〕 §２.3", ""},
		{"各方高度评价首届中国—中亚经贸合作论坛成果。 〔§2.3〕 §２.3塔", "各方高度评价首届中国—中亚经贸合作论坛成果。 〔§2.3〕 〔§2.3〕"},
	}
	for _, s := range steps {
		ck.feed(s.text, false)
		if got := ck.shown(); got != s.shown {
			t.Errorf("after %q shown %q, want %q", s.text, got, s.shown)
		}
	}
}

func benchCheck(b *testing.B, stream bool) {
	hits := seedHits(b, "2.3", "0.2", "7.2")
	text := sentencesAnswer(3000)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		var ans Answer
		if stream {
			ck, _ := streamCheck(text, hits, 5)
			ans, _ = ck.result()
		} else {
			ans, _ = CheckAnswer(forumQ, text, hits)
		}
		if len(ans.Citations) != 1 {
			b.Fatal(fmt.Sprintf("%d citations", len(ans.Citations)))
		}
	}
}

// BenchmarkCheckAnswer_3000 checks an answer of 3,000 cited sentences
// whole; BenchmarkCheckAnswer_3000_streamed as it arrives in pieces of five
// characters, as the bot shows it (target for both: < 0.5 s).
func BenchmarkCheckAnswer_3000(b *testing.B)          { benchCheck(b, false) }
func BenchmarkCheckAnswer_3000_streamed(b *testing.B) { benchCheck(b, true) }

// TestAskWith_streamedAnswerIsTheCheckedAnswer: AskWith's partials and its
// answer are the check's, for a model that streams.
func TestAskWith_streamedAnswerIsTheCheckedAnswer(t *testing.T) {
	e := mustSeedEngine(t)
	text := sentencesAnswer(20) + "比特币将上涨〔§2.3〕。"
	var partials []string
	ans, err := e.AskWith(context.Background(), forumQ, 3, &scripted{reply: func(string) string { return text }}, func(s string) { partials = append(partials, s) })
	if err != nil {
		t.Fatal(err)
	}
	hits, _ := e.Search(context.Background(), forumQ, 3)
	want, _ := CheckAnswer(forumQ, text, hits)
	if ans.Text != want.Text || len(partials) < 10 || partials[len(partials)-1] != want.Text || ans.Check == nil || len(ans.Check.Drops) != 1 {
		t.Errorf("answer %q after %d partials, want %q", ans.Text, len(partials), want.Text)
	}
}

// BenchmarkCheckAnswer_hostile checks single sentences shaped to be costly
// (about 10,000 characters each): quotes and brackets interleaved, openers
// never closed, stray closers, § signs, labels.
func BenchmarkCheckAnswer_hostile(b *testing.B) {
	hits := seedHits(b, "2.3", "0.2", "7.2")
	for name, text := range map[string]string{
		"quotes and brackets": strings.Repeat("「各方」（§2.3）", 1000),
		"openers":             strings.Repeat("（〔【", 1700) + strings.Repeat("〕", 1700),
		"section signs":       strings.Repeat("§", 5000) + "〔§2.3〕",
		"labels":              strings.Repeat("〔§9.9〕〔§2.3〕", 700),
		"numbers":             strings.Repeat("二〇二二年一月十七日，", 1000) + "〔§2.3〕",
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				CheckAnswer(forumQ, text, hits)
			}
		})
	}
}
