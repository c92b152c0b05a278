package retrieval

import (
	"reflect"
	"testing"
)

// feedPieces cuts text with a segmenter fed in pieces of n bytes (runes may
// be cut in two), then ends it.
func feedPieces(text string, n int) []Sentence {
	var s segmenter
	var out []Sentence
	for end := n; end < len(text); end += n {
		out = s.feed(text[:end], false, out)
	}
	return s.feed(text, true, out)
}

// TestSegmenter_piecesGiveSentences: a text fed bit by bit, as a streamed
// answer arrives, is cut exactly as Sentences cuts it whole.
func TestSegmenter_piecesGiveSentences(t *testing.T) {
	for _, text := range []string{
		"甲。乙！丙？丁", "违反本法；处罚款。", "一、甲\n二、乙", "见2.3条. Then more", "各方〔§2.3。〕同意。",
		"他说：“好。”她笑了。", `He said "stop. now" and left.`, "（未闭合。\n下一句。", "真的吗？！好。",
		"甲。〔§1.1〕乙。", "It ends with 2.", "So. ", "再见？！！…", "",
	} {
		want := Sentences(text)
		for n := 1; n <= len(text)+1; n++ {
			if got := feedPieces(text, n); !reflect.DeepEqual(got, want) {
				t.Errorf("%q fed %d bytes at a time: %v, want %v", text, n, got, want)
			}
		}
	}
}

func FuzzSegmenter_pieces(f *testing.F) {
	for _, s := range []string{"甲。乙", "「。」", "2.3. x", "a. b", "“好。”", "？！？"} {
		f.Add(s, uint8(1))
	}
	f.Fuzz(func(t *testing.T, text string, n uint8) {
		if n == 0 {
			return
		}
		if got, want := feedPieces(text, int(n)), Sentences(text); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q fed %d bytes at a time: %v, want %v", text, n, got, want)
		}
	})
}
