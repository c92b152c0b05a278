package retrieval

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/qabot/qabot/index"
)

// excerptEngine indexes one law-like document and a second one, so that
// term weights are those of a small library.
func excerptEngine(t *testing.T) *Engine {
	t.Helper()
	fsys := fstest.MapFS{
		"保护令办法.md": {Data: []byte("# 保护令办法\n\n" +
			"第一条 为了保护家庭成员的人身安全，制定本办法。\n\n" +
			"第二条 人身安全保护令可以包括下列措施：\n（一）禁止被申请人实施家庭暴力；\n（二）禁止被申请人骚扰、跟踪、接触申请人；\n（三）责令被申请人迁出申请人住所；\n（四）保护申请人人身安全的其他措施。\n\n" +
			"第三条 被申请人违反人身安全保护令，尚不构成犯罪的，由人民法院给予训诫，可以根据情节轻重处以一千元以下罚款；情节严重的，处十五日以下拘留。\n\n" +
			"第四条 本办法由市人民政府负责解释。本办法的具体应用问题，由市司法局会同有关部门研究提出意见。该意见应当向社会公布，公布时间不得晚于施行前三十日。\n\n" +
			"第五条 本办法自2023年7月1日起施行。\n")},
		"园林条例.md": {Data: []byte("# 园林条例\n\n" +
			"第一条 为了加强城市园林绿化管理，改善生态环境，制定本条例。\n\n" +
			"第二条 城市园林的规划、建设和管理，适用本条例。园林主管部门负责本市园林绿化的监督管理工作。各区人民政府负责本辖区的园林绿化工作，并接受市园林主管部门的指导。\n\n" +
			"第三条 公园应当于每日上午六时开放。公园的门票价格为每人十元。儿童、老人凭证免票入园。公园的管理机构设在市中心的人民广场东侧。\n")},
	}
	e, _ := engineFor(t, index.LocalEmbedder(), "", fsys)
	return e
}

func TestAsk_excerpt(t *testing.T) {
	e := excerptEngine(t)
	for _, tc := range []struct {
		name, q   string
		want      []string // all in the answer
		notWant   []string // none in the answer
		citeFirst string
	}{
		{"a list keeps its items", "人身安全保护令可以包括哪些措施？",
			[]string{"下列措施", "（一）禁止被申请人实施家庭暴力", "（四）保护申请人人身安全的其他措施"}, nil, "保护令办法 第二条"},
		{"a part keeps what completes it", "违反人身安全保护令罚款多少？",
			[]string{"尚不构成犯罪的", "一千元以下罚款"}, nil, "保护令办法 第三条"},
		{"a sentence that refers back keeps its antecedent", "该意见应当在什么时候公布？",
			[]string{"由市司法局会同有关部门研究提出意见", "不得晚于施行前三十日"}, nil, "保护令办法 第四条"},
		{"a time question gets the time", "公园每日几点开放？",
			[]string{"上午六时"}, nil, "园林条例 第三条"},
		{"a place question gets the place", "公园的管理机构在哪里？",
			[]string{"人民广场东侧"}, nil, "园林条例 第三条"},
		{"the label is not quoted twice", "本办法什么时候施行？",
			[]string{"本办法自2023年7月1日起施行。〔保护令办法 第五条〕"}, []string{"第五条 本办法"}, "保护令办法 第五条"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ans, err := e.Ask(context.Background(), tc.q, 5)
			if err != nil {
				t.Fatal(err)
			}
			if !ans.Found || len(ans.Citations) == 0 || ans.Citations[0].Tag != tc.citeFirst {
				t.Fatalf("answer %q (found %v), citations %+v; want %s first", ans.Text, ans.Found, ans.Citations, tc.citeFirst)
			}
			for _, w := range tc.want {
				if !strings.Contains(ans.Text, w) {
					t.Errorf("answer %q lacks %q", ans.Text, w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(ans.Text, w) {
					t.Errorf("answer %q has %q", ans.Text, w)
				}
			}
		})
	}
}

func TestAskFollowUp(t *testing.T) {
	e := mustSeedEngine(t)
	ctx := context.Background()
	earlier := "首届中国—中亚经贸合作论坛是什么时候举行的？"
	follow := "那第二个论坛是什么时间？"
	if ans, err := e.Ask(ctx, follow, 5); err != nil || ans.Found {
		t.Fatalf("the follow-up alone: %+v, %v; want not found (it needs the earlier question)", ans, err)
	}
	ans, err := e.AskFollowUp(ctx, earlier, follow, 5)
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Found || ans.Citations[0].Section != "2.3" || ans.Question != follow {
		t.Errorf("follow-up answer %+v, want §2.3 cited for the follow-up", ans)
	}
	// Context does not make an off-topic follow-up answerable.
	ans, err = e.AskFollowUp(ctx, earlier, "怎么做红烧肉？", 5)
	if err != nil || ans.Found {
		t.Errorf("off-topic follow-up: %+v, %v; want not found", ans, err)
	}
}
