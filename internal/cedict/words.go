package cedict

import (
	"strings"
	"unicode"
)

// Words cuts English text into lower-case words: runs of letters and
// digits; hyphens, slashes and other punctuation separate words
// ("Confidence-Building" → confidence, building), and a possessive "'s" or
// a trailing apostrophe is dropped ("ministers'" → ministers). The table's
// keys and the questions looked up in it are cut alike.
func Words(s string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)),
			r >= 0x80 && unicode.In(r, unicode.Latin) && unicode.IsLetter(r):
			b.WriteRune(unicode.ToLower(r))
		case (r == '\'' || r == '’') && b.Len() > 0:
			// "state's" → state; "don't" → dont (such words are stop words
			// anyway); "ministers'" → ministers.
			if i+1 < len(rs) && (rs[i+1] == 's' || rs[i+1] == 'S') && (i+2 == len(rs) || !unicode.IsLetter(rs[i+2])) {
				i++
			}
		default:
			flush()
		}
	}
	flush()
	return out
}

// stopWords are English function words: never looked up alone, and never
// the first or last word of a phrase that is ("belt and road" is a phrase,
// "the road" is not).
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the and or nor but if then than so as of in on at to for from by with
		without into onto upon about above below over under between among through during before after since until
		within across against along around behind beyond toward towards via per
		is are was were be been being am do does did done doing have has had having will would shall should
		can could may might must ought
		i me my mine we us our ours you your yours he him his she her hers it its they them their theirs
		this that these those there here who whom whose which what when where why how
		not no yes all any each every some such own same other another more most much many few less least
		very too also just only even still yet again ever both either neither
		s t`) {
		stopWords[w] = true
	}
}

// IsStopWord reports whether w (lower case) is an English function word.
func IsStopWord(w string) bool { return stopWords[w] }
