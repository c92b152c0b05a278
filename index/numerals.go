package index

import (
	"strconv"
	"strings"

	"golang.org/x/text/width"
)

// cnDigits maps the Chinese digit characters (including the financial forms
// and the circle used as zero in years such as 一八四○) to their values.
var cnDigits = map[rune]int{
	'〇': 0, '零': 0, '○': 0,
	'一': 1, '壹': 1,
	'二': 2, '两': 2, '贰': 2,
	'三': 3, '叁': 3,
	'四': 4, '肆': 4,
	'五': 5, '伍': 5,
	'六': 6, '陆': 6,
	'七': 7, '柒': 7,
	'八': 8, '捌': 8,
	'九': 9, '玖': 9,
}

// cnUnits maps the Chinese units below 万 to their values.
var cnUnits = map[rune]int{
	'十': 10, '拾': 10,
	'百': 100, '佰': 100,
	'千': 1000, '仟': 1000,
}

// cnShorthand expands the contracted tens 廿 (20) and 卅 (30).
var cnShorthand = strings.NewReplacer("廿", "二十", "卅", "三十")

// ParseNumber parses a number written in Arabic digits (ASCII or full-width)
// or in Chinese numerals: "19", "１９", "十九", "一百二十三", "两", "〇", "廿一",
// and digit-by-digit forms such as "二〇二二". It reports false for anything
// else, including the empty string.
func ParseNumber(s string) (int, bool) {
	s = strings.TrimSpace(NormalizeDigits(s))
	if s == "" {
		return 0, false
	}
	if s[0] >= '0' && s[0] <= '9' {
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
		}
		n, err := strconv.Atoi(s)
		return n, err == nil
	}
	s = cnShorthand.Replace(s)
	if n, ok := parseCNDigitString(s); ok {
		return n, true
	}
	return parseCNUnits(s)
}

// parseCNDigitString parses numbers written digit by digit without units
// ("二〇二二", "一九"), which only makes sense for two or more digits.
func parseCNDigitString(s string) (int, bool) {
	n, count := 0, 0
	for _, r := range s {
		d, ok := cnDigits[r]
		if !ok {
			return 0, false
		}
		if count > 9 {
			return 0, false
		}
		n = n*10 + d
		count++
	}
	return n, count >= 1
}

// parseCNUnits parses numbers with units: 十, 百, 千, 万 and 亿.
func parseCNUnits(s string) (int, bool) {
	total := 0   // completed 亿 part
	section := 0 // completed 万 part within the current 亿
	small := 0   // value below 万 being built
	digit := -1  // pending digit, -1 if none
	lastUnit := 10000
	sawAny := false
	for _, r := range s {
		if d, ok := cnDigits[r]; ok {
			if digit > 0 {
				return 0, false // two digits in a row ("一二十")
			}
			digit = d
			sawAny = true
			continue
		}
		if u, ok := cnUnits[r]; ok {
			if u >= lastUnit {
				return 0, false // units must decrease: "十百" is not a number
			}
			switch {
			case digit > 0:
				small += digit * u
			case digit == 0:
				return 0, false
			case u == 10 && small == 0:
				small += 10 // leading 十 means 一十
			default:
				return 0, false
			}
			digit, lastUnit, sawAny = -1, u, true
			continue
		}
		switch r {
		case '万', '萬':
			if digit > 0 {
				small += digit
			}
			if small == 0 && section == 0 {
				return 0, false
			}
			section = (section + small) * 10000
			small, digit, lastUnit = 0, -1, 10000
		case '亿', '億':
			if digit > 0 {
				small += digit
			}
			v := section + small
			if v == 0 {
				return 0, false
			}
			total = (total + v) * 100000000
			section, small, digit, lastUnit = 0, 0, -1, 10000
		default:
			return 0, false
		}
		sawAny = true
	}
	if !sawAny {
		return 0, false
	}
	if digit > 0 {
		small += digit
	}
	return total + section + small, true
}

// cnDigitChars are the digits ChineseNumber writes.
var cnDigitChars = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// ChineseNumber writes n in Chinese numerals the way official documents
// number their parts: 19 → "十九", 10 → "十", 110 → "一百一十", 1005 → "一千零五".
func ChineseNumber(n int) string {
	if n < 0 {
		return "负" + ChineseNumber(-n)
	}
	if n == 0 {
		return cnDigitChars[0]
	}
	var b strings.Builder
	writeCNGroups(&b, n)
	return b.String()
}

// writeCNGroups writes n > 0 as groups of four digits with 亿 and 万.
func writeCNGroups(b *strings.Builder, n int) {
	const yi, wan = 100000000, 10000
	if n >= yi {
		writeCNGroups(b, n/yi)
		b.WriteString("亿")
		n %= yi
		if n == 0 {
			return
		}
		if n < 10000000 {
			b.WriteString("零")
		}
	}
	if n >= wan {
		writeCNBelowWan(b, n/wan)
		b.WriteString("万")
		n %= wan
		if n == 0 {
			return
		}
		if n < 1000 {
			b.WriteString("零")
		}
	}
	writeCNBelowWan(b, n)
}

// writeCNBelowWan writes 0 < n < 10000, with 零 for inner gaps. At the
// very start of a number 10–19 are written 十… rather than 一十….
func writeCNBelowWan(b *strings.Builder, n int) {
	if b.Len() == 0 && n >= 10 && n < 20 {
		b.WriteString("十")
		if n > 10 {
			b.WriteString(cnDigitChars[n-10])
		}
		return
	}
	units := []string{"千", "百", "十", ""}
	divs := []int{1000, 100, 10, 1}
	started, gap := false, false
	for i, d := range divs {
		v := n / d % 10
		if v == 0 {
			gap = started
			continue
		}
		if gap {
			b.WriteString("零")
			gap = false
		}
		b.WriteString(cnDigitChars[v])
		b.WriteString(units[i])
		started = true
	}
}

// NormalizeDigits converts full-width digits, Latin letters and the
// full-width full stop (．) to their ASCII forms; everything else is kept.
func NormalizeDigits(s string) string {
	if !strings.ContainsFunc(s, isFullWidthAlnum) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isFullWidthAlnum(r) {
			if n := width.LookupRune(r).Narrow(); n != 0 {
				return n
			}
		}
		return r
	}, s)
}

func isFullWidthAlnum(r rune) bool {
	return r == '．' || (r >= '０' && r <= '９') || (r >= 'Ａ' && r <= 'Ｚ') || (r >= 'ａ' && r <= 'ｚ')
}
