package index

import (
	"reflect"
	"testing"
)

func TestTerms(t *testing.T) {
	kinds := func(s string) (uni, bi, words int) {
		Terms(s, func(k uint64) {
			switch KindOf(k) {
			case Unigram:
				uni++
			case Bigram:
				bi++
			case Word:
				words++
			}
		})
		return
	}
	tests := []struct {
		in             string
		uni, bi, words int
	}{
		{"中亚", 2, 1, 0},
		{"各方欢迎中国—中亚天然气管道D线建设。", 16, 13, 1}, // the dash breaks the run: 各方欢迎中国 | 中亚天然气管道 | D | 线建设
		{"IT产业园", 3, 2, 1},
		{"2022年6月8日", 3, 0, 3},
		{"", 0, 0, 0},
		{"  ，。！", 0, 0, 0},
	}
	for _, tt := range tests {
		uni, bi, words := kinds(tt.in)
		if uni != tt.uni || bi != tt.bi || words != tt.words {
			t.Errorf("Terms(%q): %d unigrams, %d bigrams, %d words; want %d, %d, %d", tt.in, uni, bi, words, tt.uni, tt.bi, tt.words)
		}
	}
}

func TestTerms_foldsWidthAndCase(t *testing.T) {
	collect := func(s string) []uint64 {
		var out []uint64
		Terms(s, func(k uint64) { out = append(out, k) })
		return out
	}
	if got, want := collect("ＩＴ产业园２０２２"), collect("it产业园2022"); !reflect.DeepEqual(got, want) {
		t.Errorf("full-width and upper case not folded: %x vs %x", got, want)
	}
	if reflect.DeepEqual(collect("中国"), collect("国中")) {
		t.Error("bigram keys ignore character order")
	}
}

func TestPairRunes(t *testing.T) {
	var keys []uint64
	Terms("城市", func(k uint64) { keys = append(keys, k) })
	if len(keys) != 3 || KindOf(keys[2]) != Bigram {
		t.Fatalf("terms of 城市: %x", keys)
	}
	if a, b := PairRunes(keys[2]); a != '城' || b != '市' {
		t.Errorf("PairRunes(%x) = %q %q, want 城 市", keys[2], a, b)
	}
}
