package cedict

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"github.com/qabot/qabot/internal/clip"
	"io"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxKeyWords is the longest sense kept as a key, in words.
const maxKeyWords = 4

// maxHeadword is the longest headword kept, in characters.
const maxHeadword = 8

// Generate reads CC-CEDICT from r and returns the gzipped table (see
// ./gen, which writes it to table.gz).
//
// For every entry it keeps the simplified headword (Chinese characters
// only, at most eight) and, for each of its English senses, the sense's
// words (Words) as a key when they are at most four: a sense is a phrase
// to look up, not a description. Senses of registers official documents
// do not use (literary, dialect, slang, Taiwan, …) and cross-references
// (variant of, see, CL:, surname) are left out. Each headword carries the
// position of the sense among its entry's senses (0 = first), its prior,
// and whether the sense is a verb's ("to hold"). The output is sorted and
// gzipped without a time stamp, so the same dictionary always gives the
// same table. The table is derived from CC-CEDICT and stays under
// CC BY-SA 4.0.
func Generate(r io.Reader) ([]byte, error) {
	type cand struct {
		zh    string
		prior int
		verb  bool
	}
	keys := map[string][]cand{}
	var version string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			if v, ok := strings.CutPrefix(line, "#! date="); ok {
				version = v
			}
			continue
		}
		zh, proper, senses, ok := parseLine(line)
		if !ok || proper && utf8.RuneCountInString(zh) == 1 {
			// One character standing for a name (法 France, 美 USA, a
			// surname): never what an English question's word means.
			continue
		}
		seen := map[string]bool{}
		pos := 0
		target := zh
		for _, s := range senses {
			// "abbr. for 衛生|卫生, hygiene/health": the senses after it are
			// the full word's.
			if ref, rest, ok := abbreviation(s); ok {
				target, s = ref, rest
			}
			key, ok := senseKey(s)
			if !ok {
				continue
			}
			if !seen[target+" "+key] {
				seen[target+" "+key] = true
				verb := strings.HasPrefix(strings.TrimSpace(dropBrackets(s)), "to ")
				keys[key] = append(keys[key], cand{target, min(pos, 9), verb})
			}
			pos++
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	var text bytes.Buffer
	fmt.Fprintf(&text, "# qabot English-Chinese table derived from CC-CEDICT (MDBG, https://cc-cedict.org/), version %s.\n", version)
	text.WriteString("# Licence: Creative Commons Attribution-ShareAlike 4.0 (https://creativecommons.org/licenses/by-sa/4.0/).\n")
	text.WriteString("# Lines: English key TAB headwords, each followed by its sense position (0 = first sense), and v for a verb sense (\"to ...\").\n")
	for _, k := range names {
		cs := keys[k]
		// Best prior first; among equals, the dictionary's order; one
		// headword once (an entry listed under several readings).
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].prior < cs[j].prior })
		text.WriteString(k)
		text.WriteByte('\t')
		done := map[string]bool{}
		first := true
		for _, c := range cs {
			if done[c.zh] {
				continue
			}
			done[c.zh] = true
			if !first {
				text.WriteByte(' ')
			}
			first = false
			fmt.Fprintf(&text, "%s%d", c.zh, c.prior)
			if c.verb {
				text.WriteByte('v')
			}
		}
		text.WriteByte('\n')
	}
	var z bytes.Buffer
	zw, err := gzip.NewWriterLevel(&z, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(text.Bytes()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return z.Bytes(), nil
}

// parseLine splits "TRAD SIMP [pinyin] /sense/sense/" into the simplified
// headword and the senses (a "/" sense may hold several, split on "; ").
// Headwords that are not all Chinese characters, or too long, are skipped.
func parseLine(line string) (zh string, proper bool, senses []string, ok bool) {
	f := strings.SplitN(line, " ", 3)
	if len(f) < 3 {
		return "", false, nil, false
	}
	zh = f[1]
	if n := utf8.RuneCountInString(zh); n == 0 || n > maxHeadword {
		return "", false, nil, false
	}
	for _, r := range zh {
		if !unicode.Is(unicode.Han, r) {
			return "", false, nil, false
		}
	}
	rest := f[2]
	i := strings.Index(rest, "] /")
	if i < 0 {
		return "", false, nil, false
	}
	// Pinyin in capitals marks a proper noun (Fa3 for 法, France).
	proper = len(rest) > 1 && rest[0] == '[' && 'A' <= rest[1] && rest[1] <= 'Z'
	for _, s := range strings.Split(strings.Trim(rest[i+3:], "/ "), "/") {
		for _, p := range strings.Split(s, "; ") {
			if p = strings.TrimSpace(p); p != "" {
				senses = append(senses, p)
			}
		}
	}
	return zh, proper, senses, len(senses) > 0
}

// abbreviation splits "abbr. for 衛生|卫生[wei4 sheng1], health" into the
// simplified word abbreviated (卫生) and the sense that follows ("health",
// possibly empty).
func abbreviation(s string) (ref, rest string, ok bool) {
	r, found := strings.CutPrefix(s, "abbr. for ")
	if !found {
		return "", "", false
	}
	end := strings.IndexAny(r, ",[ ")
	if end < 0 {
		end = len(r)
	}
	ref = r[:end]
	if i := strings.LastIndexByte(ref, '|'); i >= 0 {
		ref = ref[i+1:]
	}
	if ref == "" || utf8.RuneCountInString(ref) > maxHeadword || strings.ContainsFunc(ref, func(c rune) bool { return !unicode.Is(unicode.Han, c) }) {
		return "", "", false
	}
	if i := strings.Index(r, ", "); i >= 0 {
		rest = strings.TrimSpace(r[i+2:])
	}
	return ref, rest, true
}

// skipTags mark senses of registers or kinds official documents do not
// use, and cross-references; a sense holding one is left out.
var skipTags = []string{
	"(literary)", "(lit.)", "(idiom)", "(coll.)", "(Tw)", "(HK)", "(dialect)", "(slang)", "(old)", "(onom.)",
	"(archaic)", "(Internet slang)", "(derog.)", "(vulgar)", "(Cantonese)", "(bird species of China)", "(in Taiwan)",
	"(Taiwan", "(Hong Kong", "(old usage)", "(Tw, HK)", "(euphemism)", "(Hokkien)", "(Wu dialect)", "(Classical",
	"(loanword from Japanese)", "(old)",
}

var skipPrefixes = []string{
	"variant of", "old variant of", "see ", "see also", "cl:", "surname ", "used in ", "japanese variant",
	"also written", "also pr.", "pr. ", "erhua variant", "abbr. for", "abbr. of", "same as", "(surname)",
	"used as", "interchangeable with", "classifier for", "unofficial variant", "Japanese", "Korean variant",
}

// senseKey turns a sense into a key: its first comma-separated part, with
// bracketed remarks, "to " (verbs), articles and placeholders (sb, sth,
// one's) removed, cut into words; false when the sense is left out or
// longer than maxKeyWords.
func senseKey(s string) (string, bool) {
	low := strings.ToLower(s)
	for _, t := range skipTags {
		if strings.Contains(s, t) {
			return "", false
		}
	}
	for _, p := range skipPrefixes {
		if strings.HasPrefix(low, strings.ToLower(p)) {
			return "", false
		}
	}
	s = dropBrackets(s)
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return "", false // refers to other headwords
		}
	}
	// "e.g." and "i.e." introduce examples or glosses: the rest is no key.
	for _, ex := range []string{"e.g.", "i.e.", "lit."} {
		if i := strings.Index(s, ex); i >= 0 {
			s = s[:i]
		}
	}
	if i := strings.IndexAny(s, ",:"); i >= 0 {
		s = s[:i]
	}
	s = strings.NewReplacer("one's ", " ", "sb's ", " ", "sth's ", " ").Replace(s)
	words := Words(s)
	for len(words) > 0 && (words[0] == "to" || words[0] == "a" || words[0] == "an" || words[0] == "the") {
		words = words[1:]
	}
	kept := words[:0]
	for _, w := range words {
		switch w {
		case "sb", "sth", "oneself", "etc", "esp":
			continue
		}
		kept = append(kept, w)
	}
	words = kept
	if len(words) == 0 || len(words) > maxKeyWords {
		return "", false
	}
	if len(words) == 1 && IsStopWord(words[0]) {
		return "", false
	}
	if IsStopWord(words[0]) && len(words) > 1 || IsStopWord(words[len(words)-1]) && len(words) > 1 {
		// "by means of", "in order to": function phrases, no content.
		allStop := true
		for _, w := range words {
			allStop = allStop && IsStopWord(w)
		}
		if allStop {
			return "", false
		}
	}
	return strings.Join(words, " "), true
}

// dropBrackets removes (…) and […] remarks, nested or not.
func dropBrackets(s string) string { return clip.Unbracketed(s, "([", ")]") }
