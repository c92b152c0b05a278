package index

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSafeName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"规定.md", "规定.md"},
		{"../../etc/cron.d/x.txt", "x.txt"},
		{`C:\Users\me\条例.TXT`, "条例.TXT"},
		{"..hidden.md", "hidden.md"},
		{"a<b>|c?.txt", "a_b__c_.txt"},
		{"tab\there.md", "tab_here.md"},
		// Invisible format characters go: a right-to-left override
		// would show "rep\u202eexe.md" as "repdm.exe".
		{"rep\u202eexe.md", "repexe.md"},
		{"规\u200b定\u200d\ufeff.md", "规定.md"},
		{"\u2066a\u2069\u200e.txt", "a.txt"},
	} {
		got, err := SafeName(c.in)
		if err != nil || got != c.want {
			t.Errorf("SafeName(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "x.exe", ".md", "../", "folder/", "..", strings.Repeat("长", 80) + ".md", "\u200b.md"} {
		if got, err := SafeName(bad); !errors.Is(err, ErrBadName) {
			t.Errorf("SafeName(%q) = %q, %v; want ErrBadName", bad, got, err)
		}
	}
}

func TestAddFile(t *testing.T) {
	dir := t.TempDir()
	synced := 0
	syncFolder = func(d string) error {
		if d == dir {
			synced++
		}
		return syncDir(d)
	}
	defer func() { syncFolder = syncDir }()
	law := "# 测试条例\n\n第一条 为了测试上传，制定本条例。\n\n第二条 上传的文件应当可以检索。\n"

	path, doc, err := AddFile(dir, "../测试条例.md", []byte(law), 0, false)
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(dir, "测试条例.md") || doc.ID != "测试条例" || len(doc.Clauses) != 2 || doc.Clauses[0].Label != "第一条" {
		t.Fatalf("path %s, doc %+v", path, doc)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("written file: %v %v", info, err)
	}
	if synced != 1 {
		t.Errorf("folder synced %d times after the upload, want 1", synced)
	}

	// No overwrite without replace, the original kept.
	if _, _, err := AddFile(dir, "测试条例.md", []byte(law+"第三条 改动。\n"), 0, false); !errors.Is(err, ErrExists) {
		t.Errorf("second upload: %v", err)
	}
	if _, _, err := AddFile(dir, "测试条例.txt", []byte(law), 0, false); !errors.Is(err, ErrExists) {
		t.Errorf("same id, other extension: %v", err)
	}
	for _, name := range []string{"测试条例.MD", "测试条例.Markdown"} {
		for _, replace := range []bool{false, true} {
			if _, _, err := AddFile(dir, name, []byte(law), 0, replace); !errors.Is(err, ErrExists) {
				t.Errorf("%s (replace %v) beside 测试条例.md: %v, want ErrExists", name, replace, err)
			}
		}
	}
	if b, _ := os.ReadFile(path); string(b) != law {
		t.Error("a refused upload changed the file")
	}
	if _, doc, err := AddFile(dir, "测试条例.md", []byte(law+"\n第三条 改动。\n"), 0, true); err != nil || len(doc.Clauses) != 3 {
		t.Errorf("replace: %v", err)
	}

	// GBK is saved as UTF-8.
	gbk := gbkBytes(t, "通知\n\n一、各单位应当遵守本通知。\n")
	p2, _, err := AddFile(dir, "通知.txt", gbk, 0, false)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p2); !strings.Contains(string(b), "各单位应当遵守") {
		t.Errorf("GBK upload saved as %q", b)
	}

	// Bad input: nothing written.
	for name, c := range map[string]struct {
		data []byte
		max  int64
		want error
	}{
		"empty.txt":  {nil, 0, ErrEmpty},
		"binary.txt": {[]byte{0x7f, 'E', 'L', 'F', 0, 0, 1, 2, 0, 0, 0, 0}, 0, ErrBinary},
		"large.txt":  {[]byte(strings.Repeat("长", 100)), 100, ErrTooLarge},
	} {
		if _, _, err := AddFile(dir, name, c.data, c.max, false); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s was written", name)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("folder holds %d entries (temporary files left?)", len(entries))
	}
}
