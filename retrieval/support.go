package retrieval

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/qabot/qabot/index"
)

// This file is the second half of the citation check: whether the clauses
// a sentence cites support what it says. Hard facts — links, e-mail
// addresses, numbers, dates and amounts — must each occur in a cited clause;
// the sentence's other words must mostly occur there (minSupport).

// minSupport is the share of a sentence's content characters (and Latin
// words) that must occur in the clauses it cites, each as part of a
// character pair the clauses hold (see coverage). Fitted on the dev sets
// with honest and adversarial fake answers (support_eval_test.go), each
// half of the questions measured with the value fitted on the other.
const minSupport = 0.6

// normView is a text normalised for matching — NFKC (full-width letters,
// digits and brackets to ASCII, compatibility forms folded), every space
// but a line break as ' ', format characters (zero-width spaces, bidi
// controls) dropped — with the offset in the original of each of its bytes
// (at[len(s)] is the original's length), so that what is found in s can be
// edited in the original.
type normView struct {
	s  string
	at []int
}

func normalize(text string) normView {
	b := make([]byte, 0, len(text))
	at := make([]int, 0, len(text)+1)
	var it norm.Iter
	it.InitString(norm.NFKC, text)
	for !it.Done() {
		from := it.Pos()
		seg := it.Next()
		for len(seg) > 0 {
			r, n := utf8.DecodeRune(seg)
			seg = seg[n:]
			switch {
			case r == '\n':
			case unicode.IsSpace(r):
				r = ' '
			case hidden(r):
				continue
			}
			r = asciiDigit(r)
			start := len(b)
			b = utf8.AppendRune(b, r)
			for range len(b) - start {
				at = append(at, from)
			}
		}
	}
	at = append(at, len(text))
	return normView{s: string(b), at: at}
}

// hidden reports whether r is left out of matching: format characters
// (zero-width, bidi controls), combining marks (§́9.9 is §9.9 to a reader)
// and Markdown's emphasis and escapes (§**9.9**, §9\.9 show as §9.9).
func hidden(r rune) bool {
	return strings.ContainsRune("*_~`|\\", r) || unicode.In(r, unicode.Cf, unicode.Mn)
}

// isBidi reports whether r is a bidirectional control.
func isBidi(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069
}

// asciiDigit maps a decimal digit of any script (٩, ९, ９) to ASCII.
func asciiDigit(r rune) rune {
	if r < 0x80 || !unicode.IsDigit(r) {
		return r
	}
	for _, rg := range unicode.Nd.R16 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi && rg.Stride == 1 {
			return '0' + (r-lo)%10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi && rg.Stride == 1 {
			return '0' + (r-lo)%10
		}
	}
	return r
}

// orig maps the span [i, j) of v.s to the original text.
func (v normView) orig(i, j int) (int, int) { return v.at[i], v.at[j] }

var (
	emailRE = regexp.MustCompile(`(?i)[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}`)
	// urlRE finds links: with a scheme, www., or a bare domain with a
	// letter top-level domain ("evil.example/login").
	urlRE = regexp.MustCompile(`(?i)\b(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>"'` + "`" + `()\[\]{}「」『』“”‘’《》〈〉【】〔〕，。；：！？、]+` +
		`|\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,24}\b(?:[/?#][^\s<>"'()\[\]{}「」『』“”‘’《》〈〉【】〔〕，。；：！？、]*)?`)
)

// trimURL drops the punctuation that ends a sentence rather than a link.
func trimURL(u string) string { return strings.TrimRight(u, ".,;:!?'\"") }

// cnNumerals are the characters of Chinese numbers.
const cnNumerals = "〇零一二三四五六七八九十百千万亿两"

func isCNNumeral(r rune) bool { return strings.ContainsRune(cnNumerals, r) }

// measureWords follow a number: a single numeral before one of them is a
// number (三年, 五国), elsewhere a word (三农, 十分, 千方百计).
const measureWords = "年月日号天时秒周个条款项章节次名人位元角倍岁届国种类件户家部批层级期季度米克吨里斤亩成轮代页册本份场"

// cnNumberAt reports whether the run rs[i:j] of Chinese numerals is a
// number. 一 alone is not (一个, 一项, 统一, 进一步): as a number it is
// not checked.
func cnNumberAt(rs []rune, i, j int) bool {
	if j-i >= 2 {
		return true
	}
	prev, next := rune(0), rune(0)
	if i > 0 {
		prev = rs[i-1]
	}
	if j < len(rs) {
		next = rs[j]
	}
	if prev == '之' && i >= 2 && rs[i-2] == '分' {
		return true // 三分之二, 百分之五
	}
	if rs[i] == '一' {
		return false
	}
	if prev == '第' || strings.ContainsRune(measureWords, next) {
		return true
	}
	// 二至三年, 两、三个
	if strings.ContainsRune("至到或、~-—", next) && j+1 < len(rs) && (isCNNumeral(rs[j+1]) || unicode.IsDigit(rs[j+1])) {
		return true
	}
	return false
}

// arabicNumbers rewrites the Chinese numbers of s (ASCII digits already, as
// after normalize) in digits: "二〇二二年六月八日" → "2022年6月8日",
// "五十万元" → "500000元", "百分之五" → "5%". Words that only contain
// numerals (统一, 十分) stay as they are.
func arabicNumbers(s string) string {
	if !strings.ContainsAny(s, cnNumerals) {
		return s
	}
	s = strings.ReplaceAll(s, "百分之", "%")
	rs := []rune(s)
	var b strings.Builder
	for i := 0; i < len(rs); {
		if !isCNNumeral(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && isCNNumeral(rs[j]) {
			j++
		}
		pct := i > 0 && rs[i-1] == '%'
		n, ok := index.ParseNumber(string(rs[i:j]))
		if ok && (pct || cnNumberAt(rs, i, j)) {
			if pct {
				// "%五" came from 百分之五: the number goes before it.
				str := b.String()
				b.Reset()
				b.WriteString(str[:len(str)-1])
				writeNum(&b, rs, j, strconv.Itoa(n))
				b.WriteByte('%')
			} else {
				writeNum(&b, rs, j, strconv.Itoa(n))
			}
		} else {
			b.WriteString(string(rs[i:j]))
		}
		i = j
	}
	return b.String()
}

// writeNum writes digits, apart from any digits around them.
func writeNum(b *strings.Builder, rs []rune, next int, digits string) {
	if s := b.String(); s != "" {
		if r, _ := utf8.DecodeLastRuneInString(s); r >= '0' && r <= '9' {
			b.WriteByte(' ')
		}
	}
	b.WriteString(digits)
	if next < len(rs) && rs[next] >= '0' && rs[next] <= '9' {
		b.WriteByte(' ')
	}
}

var months = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
	"jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
	"oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

const monthRE = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`

// dateREs find dates, each with the order of its year, month and day
// groups ("ymd", "md", "dmy", ...).
// need is what a text must hold for the pattern to match (a quick test
// before the regular expression): one of its characters, or with latin an
// ASCII letter.
var dateREs = []struct {
	re    *regexp.Regexp
	order string
	need  string
	latin bool
}{
	{regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]`), "ymd", "年", false},
	{regexp.MustCompile(`\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b`), "ymd", "-/.", false},
	{regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + monthRE + `,?\s+(\d{4})\b`), "dmy", "", true},
	{regexp.MustCompile(`(?i)\b` + monthRE + `\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`), "mdy", "", true},
	{regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月`), "ym", "年", false},
	{regexp.MustCompile(`(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]`), "md", "月", false},
	{regexp.MustCompile(`(?i)\b` + monthRE + `\s+(\d{4})\b`), "my", "", true},
	{regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + monthRE + `\b`), "dm", "", true},
	{regexp.MustCompile(`(?i)\b` + monthRE + `\s+(\d{1,2})(?:st|nd|rd|th)?\b`), "md", "", true},
}

// amountNeed is what each of amountREs needs (as dateREs' need).
var amountNeed = []struct {
	need  string
	latin bool
}{{"元块币镑布", false}, {"¥$€£", false}, {"", true}}

// mayMatch is the quick test of need and latin on s.
func mayMatch(s, need string, latin bool) bool {
	if latin {
		return strings.IndexFunc(s, func(r rune) bool { return r < utf8.RuneSelf && unicode.IsLetter(r) }) >= 0
	}
	return strings.ContainsAny(s, need)
}

// date is a date as written: 0 for a part left out.
type date struct{ y, m, d int }

var (
	amountREs = []*regexp.Regexp{
		regexp.MustCompile(`(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万|亿|千)?\s*(美元|美金|欧元|英镑|日元|港元|港币|卢布|韩元|人民币|元|块)`),
		regexp.MustCompile(`(?i)([¥$€£])\s*(\d+(?:,\d{3})*(?:\.\d+)?)\s*(万|亿|千|thousand|million|billion|k|m|bn)?\b`),
		regexp.MustCompile(`(?i)\b(\d+(?:,\d{3})*(?:\.\d+)?)\s*(thousand|million|billion)?\s*(yuan|rmb|cny|dollars?|usd|euros?|eur|pounds?|gbp)\b`),
	}
	numberRE = regexp.MustCompile(`\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`)
)

var currencies = map[string]string{
	"元": "CNY", "人民币": "CNY", "块": "CNY", "yuan": "CNY", "rmb": "CNY", "cny": "CNY", "¥": "CNY",
	"美元": "USD", "美金": "USD", "$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD",
	"欧元": "EUR", "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
	"英镑": "GBP", "£": "GBP", "gbp": "GBP", "pound": "GBP", "pounds": "GBP",
	"日元": "JPY", "港元": "HKD", "港币": "HKD", "卢布": "RUB", "韩元": "KRW",
}

var scales = map[string]float64{
	"": 1, "千": 1e3, "万": 1e4, "亿": 1e8, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9,
}

// numValue is the canonical form of a number as written, times scale.
func numValue(s string, scale float64) (string, bool) {
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil {
		return "", false
	}
	return strconv.FormatFloat(f*scale, 'f', -1, 64), true
}

// scaleAfter is the 万 or 亿 right after a number at s[i:], if any.
func scaleAfter(s string, i int) float64 {
	rest := strings.TrimLeft(s[i:], " ")
	switch {
	case strings.HasPrefix(rest, "万"):
		return 1e4
	case strings.HasPrefix(rest, "亿"):
		return 1e8
	}
	return 1
}

// facts are the numbers, dates and amounts of a text.
type facts struct {
	numbers map[string]bool // canonical values, 万 and 亿 applied
	dates   []date
	amounts map[string]bool // "value currency"
}

// blank replaces s[i:j] by spaces.
func blank(s string, i, j int) string { return s[:i] + strings.Repeat(" ", j-i) + s[j:] }

// extractFacts finds the facts of s (normalised, Chinese numbers in
// digits). With all, the numbers include those inside dates and amounts
// (what a clause offers); otherwise dates and amounts are taken out before
// numbers are read (what a sentence claims).
func extractFacts(s string, all bool) facts {
	f := facts{numbers: map[string]bool{}, amounts: map[string]bool{}}
	if strings.IndexFunc(s, func(r rune) bool { return r >= '0' && r <= '9' }) < 0 {
		return f // every fact has a digit
	}
	rest := s
	for k, re := range amountREs {
		if !mayMatch(rest, amountNeed[k].need, amountNeed[k].latin) {
			continue
		}
		for _, m := range re.FindAllStringSubmatchIndex(rest, -1) {
			g := func(k int) string {
				if m[2*k] < 0 {
					return ""
				}
				return rest[m[2*k]:m[2*k+1]]
			}
			var num, scale, cur string
			switch re {
			case amountREs[0]:
				num, scale, cur = g(1), g(2), g(3)
			case amountREs[1]:
				cur, num, scale = g(1), g(2), strings.ToLower(g(3))
			default:
				num, scale, cur = g(1), strings.ToLower(g(2)), strings.ToLower(g(3))
			}
			if v, ok := numValue(num, scales[scale]); ok {
				f.amounts[v+" "+currencies[cur]] = true
			}
			if !all {
				rest = blank(rest, m[0], m[1])
			}
		}
	}
	for _, dr := range dateREs {
		if !mayMatch(rest, dr.need, dr.latin) {
			continue
		}
		for _, m := range dr.re.FindAllStringSubmatchIndex(rest, -1) {
			var d date
			for k, part := range dr.order {
				v := rest[m[2*k+2]:m[2*k+3]]
				n, err := strconv.Atoi(v)
				if err != nil {
					n = months[strings.ToLower(strings.TrimSuffix(v, "."))]
				}
				switch part {
				case 'y':
					d.y = n
				case 'm':
					d.m = n
				case 'd':
					d.d = n
				}
			}
			if d.m >= 1 && d.m <= 12 && d.d <= 31 {
				f.dates = append(f.dates, d)
				if !all {
					rest = blank(rest, m[0], m[1])
				}
			}
		}
	}
	src := rest
	if all {
		src = s
	}
	for _, m := range numberRE.FindAllStringIndex(src, -1) {
		if v, ok := numValue(src[m[0]:m[1]], scaleAfter(src, m[1])); ok {
			f.numbers[v] = true
		}
		if all { // "5万" offers 5 as well as 50000
			if v, ok := numValue(src[m[0]:m[1]], 1); ok {
				f.numbers[v] = true
			}
		}
	}
	return f
}

// supportsDate reports whether clause facts c hold date d: its month, and
// its day and year when given, match a date of c (the year may also be a
// number of c when c's date has none).
func (c facts) supportsDate(d date) bool {
	for _, cd := range c.dates {
		if d.m == cd.m && (d.d == 0 || d.d == cd.d) && (d.y == 0 || d.y == cd.y || cd.y == 0 && c.numbers[strconv.Itoa(d.y)]) {
			return true
		}
	}
	return false
}

// stopChars carry no claim of their own; they count neither way in
// coverage.
const stopChars = "的了着过是在和与及或等对于为将被把从以而之其也都就又并且由向这那些该此所则即如若但因乃亦已还再很更均皆仍每凡们个"

// framing are the words of an answer's frame (根据…规定, 关于…的问题) and of
// the question it answers; they are taken out before coverage.
var framing = strings.NewReplacer(func() []string {
	var out []string
	for _, w := range []string{
		"为什么", "什么样", "什么", "怎么样", "怎么", "怎样", "哪些", "哪个", "哪位", "哪里", "哪一", "如何", "多少", "多久", "是否", "有何", "有哪",
		"根据", "依据", "按照", "规定", "条款", "本条", "该条", "此条", "文件", "文档", "声明", "指出", "提到", "写明", "明确", "说明",
		"答案", "回答", "问题", "关于", "方面", "具体", "来说", "总之", "综上", "因此", "所以", "其中", "此外", "另外", "同时", "首先", "其次", "最后",
		"也就是说", "简言之", "吗", "呢", "说", "称", "写道", "载明", "表明", "认为", "提出",
	} {
		out = append(out, w, strings.Repeat(" ", len(w)))
	}
	return out
}()...)

// latinStop are English words that carry no claim of their own.
var latinStop = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the of to in on at for and or is are was were be been being by with as that this these
		those it its from which who whom what when where how why will shall should would can could may might must do does did
		has have had there their they them he she his her we our you your i me my not no so such than then also into about
		under over between within according says say said states stated provides provided document documents clause clauses
		statement article section paragraph answer question`) {
		latinStop[w] = true
	}
}

// pool is what a set of clauses offers a sentence: their character pairs,
// characters, Latin words, facts, and their text normalised for links.
type pool struct {
	pairs  map[[2]rune]bool
	chars  map[rune]bool
	words  map[string]bool
	facts  facts
	normed string // normText of the texts
}

func newPool(texts ...string) *pool {
	p := &pool{pairs: map[[2]rune]bool{}, chars: map[rune]bool{}, words: map[string]bool{}}
	var all strings.Builder
	for _, t := range texts {
		all.WriteString(t)
		all.WriteString("\n")
	}
	s := normalize(all.String()).s
	p.normed = normText(s)
	p.facts = extractFacts(arabicNumbers(s), true)
	var prev rune = -1
	word := strings.Builder{}
	letters := false
	flush := func() {
		if word.Len() > 0 && letters { // numbers are facts, not words
			p.words[word.String()] = true
		}
		word.Reset()
		letters = false
	}
	for _, r := range s {
		switch {
		case isHan(r):
			flush()
			p.chars[r] = true
			if prev >= 0 {
				p.pairs[[2]rune{prev, r}] = true
			}
			prev = r
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			prev = -1
			letters = letters || unicode.IsLetter(r)
			word.WriteRune(unicode.ToLower(r))
		default:
			prev = -1
			flush()
		}
	}
	flush()
	return p
}

// isHan reports whether r is written without spaces between words (as
// index.HasCJK sees it).
func isHan(r rune) bool {
	return r >= 0x2E80 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

// coverage is how much of the content of s (normalised, numbers, links and
// citations blanked) that the pools hold: a Han character counts as held
// when a pair it forms with a neighbour is in a pool (or, standing alone,
// the character is); a Latin word when a pool has it. Stop characters,
// numerals, framing words and English stop words do not count. Han
// characters count only when a pool has Han text, Latin words only when a
// pool has Latin words: across languages there is nothing to compare.
// held of total counted are in the pools.
func coverage(s string, pools []*pool) (held, total int) {
	s = framing.Replace(s)
	hanPools, latinPools := false, false
	for _, p := range pools {
		hanPools = hanPools || len(p.chars) > 0
		latinPools = latinPools || len(p.words) > 0
	}
	has := func(f func(*pool) bool) bool {
		for _, p := range pools {
			if f(p) {
				return true
			}
		}
		return false
	}
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case isHan(r):
			i++
			if !hanPools || strings.ContainsRune(stopChars, r) || isCNNumeral(r) {
				continue
			}
			total++
			left := i-2 >= 0 && isHan(rs[i-2])
			right := i < len(rs) && isHan(rs[i])
			switch {
			case left && has(func(p *pool) bool { return p.pairs[[2]rune{rs[i-2], r}] }),
				right && has(func(p *pool) bool { return p.pairs[[2]rune{r, rs[i]}] }),
				!left && !right && has(func(p *pool) bool { return p.chars[r] }):
				held++
			}
		case unicode.IsLetter(r):
			j := i
			for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j])) && !isHan(rs[j]) {
				j++
			}
			w := strings.ToLower(string(rs[i:j]))
			i = j
			if !latinPools || latinStop[w] || utf8.RuneCountInString(w) < 2 {
				continue
			}
			total++
			if has(func(p *pool) bool { return p.words[w] }) {
				held++
			}
		default:
			i++
		}
	}
	return held, total
}
