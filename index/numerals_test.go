package index

import "testing"

func TestParseNumber(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"19", 19, true},
		{"１９", 19, true},
		{"0", 0, true},
		{"一", 1, true},
		{"十", 10, true},
		{"十九", 19, true},
		{"二十", 20, true},
		{"二十一", 21, true},
		{"一百", 100, true},
		{"一百一十", 110, true},
		{"一百零五", 105, true},
		{"一百二十三", 123, true},
		{"一千二百六十", 1260, true},
		{"一千零一十", 1010, true},
		{"一万零五", 10005, true},
		{"十万", 100000, true},
		{"一亿二千万", 120000000, true},
		{"两", 2, true},
		{"两百", 200, true},
		{"〇", 0, true},
		{"零", 0, true},
		{"廿", 20, true},
		{"廿一", 21, true},
		{"贰拾叁", 23, true},
		{"二〇二二", 2022, true},
		{"一八四○", 1840, true},
		{" 十九 ", 19, true},
		{"", 0, false},
		{"十十", 0, false},
		{"百十", 0, false},
		{"一二十", 0, false},
		{"abc", 0, false},
		{"19a", 0, false},
		{"第十九", 0, false},
		{"万", 0, false},
	} {
		got, ok := ParseNumber(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseNumber(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestChineseNumber(t *testing.T) {
	for _, tc := range []struct {
		in   int
		want string
	}{
		{0, "零"},
		{1, "一"},
		{2, "二"},
		{10, "十"},
		{11, "十一"},
		{19, "十九"},
		{20, "二十"},
		{101, "一百零一"},
		{110, "一百一十"},
		{111, "一百一十一"},
		{1005, "一千零五"},
		{1260, "一千二百六十"},
		{10000, "一万"},
		{10005, "一万零五"},
		{100000, "十万"},
		{120000000, "一亿二千万"},
		{-3, "负三"},
	} {
		if got := ChineseNumber(tc.in); got != tc.want {
			t.Errorf("ChineseNumber(%d) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for n := 0; n <= 20000; n++ {
		if got, ok := ParseNumber(ChineseNumber(n)); !ok || got != n {
			t.Fatalf("ParseNumber(ChineseNumber(%d) = %q) = %d, %v", n, ChineseNumber(n), got, ok)
		}
	}
}

func TestNormalizeDigits(t *testing.T) {
	for in, want := range map[string]string{
		"１９":        "19",
		"２．３":       "2.3",
		"ＡＢｃ１":      "ABc1",
		"第１９条（一）":   "第19条（一）",
		"ascii 1.2": "ascii 1.2",
		"，、。":       "，、。",
	} {
		if got := NormalizeDigits(in); got != want {
			t.Errorf("NormalizeDigits(%q) = %q, want %q", in, got, want)
		}
	}
}
