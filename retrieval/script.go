package retrieval

import (
	"strings"
	"sync"

	"github.com/longbridgeapp/opencc"

	"github.com/qabot/qabot/index"
)

// A question written in traditional characters (怎麼做, 數據安全法) over
// documents in simplified ones is searched for, and its excerpts chosen, in
// the simplified form: character pairs only match as the documents write
// them. OpenCC's conversion (github.com/longbridgeapp/opencc, its phrase
// tables as well as its characters: 乾隆 stays, 乾燥 becomes 干燥) is loaded
// on the first Chinese question, about 3 ms.

// t2s is OpenCC's traditional-to-simplified converter, made once.
var t2s = sync.OnceValues(func() (*opencc.OpenCC, error) { return opencc.New("t2s") })

// inDocumentsScript returns q in simplified characters when it is written
// in traditional ones that no document has, or that the documents use less
// than their simplified forms (by the document frequency of the characters
// that differ); else q unchanged: a library of traditional documents keeps
// traditional questions.
func (st *state) inDocumentsScript(q string) string {
	if !index.HasCJK(q) {
		return q
	}
	cc, err := t2s()
	if err != nil {
		return q // the tables are embedded in the binary; a test holds them
	}
	s, err := cc.Convert(q)
	if err != nil || s == q {
		return q
	}
	trad, simp := 0, 0
	for _, r := range q {
		if !strings.ContainsRune(s, r) {
			_, df := st.lex.termKey(string(r))
			trad += df
		}
	}
	for _, r := range s {
		if !strings.ContainsRune(q, r) {
			_, df := st.lex.termKey(string(r))
			simp += df
		}
	}
	if simp > trad || trad == 0 {
		return s
	}
	return q
}
