package retrieval

import (
	"reflect"
	"strings"
	"testing"
)

func sentenceTexts(text string) []string {
	var out []string
	for _, s := range Sentences(text) {
		out = append(out, text[s.Start:s.End])
	}
	return out
}

func TestSentences(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"full stops", "甲。乙！丙？丁", []string{"甲。", "乙！", "丙？", "丁"}},
		{"parts", "违反本法；处罚款。", []string{"违反本法；", "处罚款。"}},
		{"lines", "一、甲\n二、乙", []string{"一、甲\n", "二、乙"}},
		{"dotted number", "见2.3条. Then more", []string{"见2.3条.", " Then more"}},
		{"inside citation", "各方〔§2.3。〕同意。", []string{"各方〔§2.3。〕同意。"}},
		{"inside quote", "他说：「好。走吧」然后离开。", []string{"他说：「好。走吧」然后离开。"}},
		{"quote ends sentence", "他说：“好。”她笑了。", []string{"他说：“好。”", "她笑了。"}},
		{"ascii quote", `He said "stop. now" and left.`, []string{`He said "stop. now" and left.`}},
		{"unclosed bracket ends at line", "（未闭合。\n下一句。", []string{"（未闭合。\n", "下一句。"}},
		{"repeated marks", "真的吗？！好。", []string{"真的吗？！", "好。"}},
		{"citation after stop", "甲。〔§1.1〕乙。", []string{"甲。", "〔§1.1〕乙。"}},
		{"empty", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := sentenceTexts(tc.text)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Sentences(%q) = %q, want %q", tc.text, got, tc.want)
			}
			if j := strings.Join(got, ""); j != tc.text {
				t.Errorf("joined %q, want the text %q", j, tc.text)
			}
		})
	}
}

func TestSentences_stops(t *testing.T) {
	got := Sentences("甲；乙。丙\n丁")
	want := []Stop{StopPart, StopFull, StopLine, StopNone}
	for i, s := range got {
		if i >= len(want) || s.Stop != want[i] {
			t.Fatalf("stops = %v, want %v", got, want)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d sentences, want %d", len(got), len(want))
	}
}

func FuzzSentences(f *testing.F) {
	for _, s := range []string{"甲。乙", "「。」", "(((", "a. b", "“好。”", "\n\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		ss := Sentences(text)
		pos := 0
		for _, s := range ss {
			if s.Start != pos || s.End <= s.Start {
				t.Fatalf("spans %v do not tile %q", ss, text)
			}
			pos = s.End
		}
		if pos != len(text) {
			t.Fatalf("spans end at %d of %d", pos, len(text))
		}
	})
}
