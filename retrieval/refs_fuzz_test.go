package retrieval

import "testing"

// FuzzParseRef: any text parses or not without panicking, and a reference
// that parses reads back from its own label and from its citation form.
func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"2.3", "§2.3", "二.3", "〔§0.1〕", "序言.2", "第十九条之一", "19条", "三（一）", "第二部分第3段", "¶1", "〔数据安全法 第三条〕", "§", "〔〕", "第条"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if doc, r, ok := ParseCitation(s); ok {
			if r.ID() == "" {
				t.Fatalf("ParseCitation(%q) gave an empty id", s)
			}
			_ = doc
		}
		r, ok := ParseRef(s)
		if !ok {
			return
		}
		if len(r.Path) > 0 && r.Path[0] == 0 {
			return // the preamble's 0.n is written 序言.n in Chinese documents
		}
		for _, form := range []string{r.Label(), "〔" + r.Label() + "〕", r.ID()} {
			back, ok := ParseRef(form)
			if !ok || back.ID() != r.ID() {
				t.Fatalf("ParseRef(%q) = %q, but its form %q reads back as %q, %v", s, r.ID(), form, back.ID(), ok)
			}
		}
	})
}
