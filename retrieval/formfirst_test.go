package retrieval

import (
	"testing"

	"github.com/qabot/qabot/index"
)

// TestFormFirst: of the clauses quoted, one with the form the question asks
// for goes first when the best-ranked one lacks it; a reference such as
// 第十六条 is not the number a 多少 asks for, and nothing moves when the
// first has the form or the question asks for none.
func TestFormFirst(t *testing.T) {
	hit := func(id, text string) Hit {
		return Hit{Clause: &index.Clause{Doc: "d", ID: id, Label: "第" + id + "条", Text: text}}
	}
	duty := hit("9", "第九条 禁止吸烟场所所在单位应当履行下列义务：（六）对不听劝阻的吸烟者，依照本条例第十六条向监管部门举报。")
	fine := hit("19", "第十九条 个人在禁止吸烟场所吸烟且不听劝阻的，由有关部门责令改正，并处以五十元以上两百元以下的罚款。")
	dated := hit("30", "第三十条 本条例自2010年3月1日起施行。")
	// A question for whoever holds an office is answered by the clause
	// that names one, not by one that uses the office in a programme's name.
	programme := hit("1", "第一条 吸引青年人广泛参与，包括文化遗产保护青年志愿大使计划和“未来之桥”青年领导人研修交流营。")
	named := hit("2", "第二条 会晤在努尔苏丹举行，国务委员兼外交部长王毅、吉尔吉斯共和国外交部长库鲁巴耶夫出席。")
	order := func(use []Hit) string {
		s := ""
		for _, h := range use {
			s += h.Clause.ID + " "
		}
		return s
	}
	for _, text := range []string{"青年志愿大使计划。", "主席团成员、", "实行校长负责制。", "大使馆工作人员、", "青年领导人研修交流营。"} {
		if namesOfficeHolder(text) {
			t.Errorf("namesOfficeHolder(%q): a body or a scheme taken for a person", text)
		}
	}
	for _, text := range []string{"外交部长王毅、", "校长阮爱馨。", "由总统普京（"} {
		if !namesOfficeHolder(text) {
			t.Errorf("namesOfficeHolder(%q) = false", text)
		}
	}
	for _, c := range []struct {
		q    string
		use  []Hit
		want string
	}{
		{"在禁烟场所吸烟不听劝阻罚多少钱？", []Hit{duty, fine}, "19 9 "},
		{"在禁烟场所吸烟不听劝阻罚多少钱？", []Hit{duty, dated, fine}, "19 9 30 "},
		{"在禁烟场所吸烟不听劝阻罚多少钱？", []Hit{fine, duty}, "19 9 "},
		{"本条例什么时候施行？", []Hit{duty, fine, dated}, "30 9 19 "},
		{"不听劝阻怎么办？", []Hit{duty, fine}, "9 19 "},
		{"在禁烟场所吸烟罚多少钱？", []Hit{duty}, "9 "},
		{"出席会晤的是哪位领导人？", []Hit{programme, named}, "2 1 "},
		{"谁主持了会晤？", []Hit{programme, named}, "1 2 "},         // asks for a name, not an office holder
		{"出席会晤的是哪位领导人？", []Hit{named, programme}, "2 1 "},    // the first names one already
		{"谁参加了青年领导人研修交流营？", []Hit{programme, named}, "1 2 "}, // mentions an office, asks for no holder
		{"基金会现任董事会主席是谁？", []Hit{programme, named}, "2 1 "},
	} {
		use := append([]Hit(nil), c.use...)
		formFirst(use, asksOf(c.q), c.q)
		if got := order(use); got != c.want {
			t.Errorf("%s over %s: %s, want %s", c.q, order(c.use), got, c.want)
		}
	}
}
