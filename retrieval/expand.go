package retrieval

import "strings"

// legalPhrasing maps how people ask about a law to how Chinese statutes say
// it: every law opens with "为了……，制定本法" rather than naming its
// 立法目的, and defines terms with "本法所称……是指" or "……是……". A question
// using the left-hand words also searches for the right-hand ones. These
// are conventions of Chinese legislative drafting, not of any one law.
// A clause that has one of a phrasing's cores says what was asked in the
// question's words (the answer check counts the asked words as present).
//
// Where statutes never use the asked words (replace), they are also taken
// out of the query: clauses that happen to use them ("立法" in 立法法)
// would outrank the one that answers.
var legalPhrasing = []struct {
	asked   []string
	said    string
	cores   []string
	replace bool
}{
	{[]string{"立法目的", "立法宗旨", "为什么制定"}, "为了 制定本", []string{"制定本"}, true},
	{[]string{"定义", "含义", "指的是", "什么意思"}, "本法所称 是指", []string{"是指"}, false},
	{[]string{"举证责任"}, "不能证明 过错 承担", []string{"不能证明"}, false},
	{[]string{"罚多少", "罚款多少", "怎么处罚", "如何处罚"}, "处 罚款 以下", []string{"罚款"}, false},
	// Every law ends "本法自……起施行"; people ask when it takes effect.
	{[]string{"开始施行", "施行", "生效", "实施日期", "起效"}, "自 起施行", []string{"起施行"}, true},
	// "由……负责解释" is how a law names who interprets it.
	{[]string{"谁解释", "解释权", "由谁解释"}, "负责解释", []string{"负责解释"}, false},
	// Limits are written "不得超过", "以下" / "不得少于", "以上".
	{[]string{"最长", "最多", "最高", "上限", "最晚"}, "不得超过 以下 以内", nil, false},
	{[]string{"最短", "最少", "最低", "下限", "至少"}, "不得少于 不得低于 以上", nil, false},
	// Statements give positions with 认为/强调/主张; people ask what the
	// parties think. (No core: that a clause states a position does not
	// make it the position asked about.)
	{[]string{"如何看待", "怎么看待", "看待", "怎么看", "看法", "态度", "立场", "观点"}, "认为 强调 主张", nil, true},
	// Who is in charge: "……主管部门" / "……负责……工作".
	{[]string{"谁负责", "由谁负责", "哪个部门", "什么部门", "谁管", "谁主管"}, "主管部门 负责 工作", []string{"主管部门", "负责"}, false},
}

// coveredPhrasing blanks out of q the asked words of every phrasing whose
// core the clause text has: "立法目的" over "为了……，制定本法" is answered.
func coveredPhrasing(q, text string) string {
	for _, p := range legalPhrasing {
		core := false
		for _, c := range p.cores {
			core = core || strings.Contains(text, c)
		}
		if !core {
			continue
		}
		for _, a := range p.asked {
			q = strings.ReplaceAll(q, a, " ")
		}
	}
	return q
}

// expandQuery adds statute phrasing to a question that asks in everyday
// words (see legalPhrasing).
func expandQuery(q string) string {
	var extra []string
	for _, p := range legalPhrasing {
		matched := false
		for _, a := range p.asked {
			if strings.Contains(q, a) {
				matched = true
				if p.replace {
					q = strings.ReplaceAll(q, a, " ")
				}
			}
		}
		if matched {
			extra = append(extra, p.said)
		}
	}
	if extra == nil {
		return q
	}
	return q + " " + strings.Join(extra, " ")
}
