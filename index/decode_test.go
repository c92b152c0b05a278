package index

import (
	"errors"
	"math/rand/v2"
	"os"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// utf16Bytes encodes s as UTF-16 with a byte order mark.
func utf16Bytes(s string, bigEndian bool) []byte {
	var out []byte
	for _, u := range append([]uint16{0xFEFF}, utf16.Encode([]rune(s))...) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

func gbkBytes(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecode(t *testing.T) {
	const zh = "第一条　为了保护劳动者的合法权益，制定本法。\n第二条 本法自公布之日起施行。"
	random := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(0x80 + rng.IntN(0x80)) // high bytes only: no NUL, not UTF-8
	}
	for _, tc := range []struct {
		name    string
		data    []byte
		want    string
		enc     string
		wantErr error
	}{
		{"utf-8", []byte(zh), zh, "utf-8", nil},
		{"ascii", []byte("1. Scope\n"), "1. Scope\n", "utf-8", nil},
		{"utf-8 bom", append([]byte{0xEF, 0xBB, 0xBF}, zh...), zh, "utf-8-bom", nil},
		{"crlf", []byte("一、总则\r\n正文\r旧式换行\r\n"), "一、总则\n正文\n旧式换行\n", "utf-8", nil},
		{"utf-16le", utf16Bytes(zh, false), zh, "utf-16le", nil},
		{"utf-16be", utf16Bytes("一、总则\r\n正文", true), "一、总则\n正文", "utf-16be", nil},
		{"gbk", gbkBytes(t, zh), zh, "gb18030", nil},
		{"gbk crlf", gbkBytes(t, "标题\r\n（一）正文。"), "标题\n（一）正文。", "gb18030", nil},
		{"empty", nil, "", "", ErrEmpty},
		{"whitespace", []byte(" \t\r\n\u3000\u200b\n"), "", "", ErrEmpty},
		{"bom only", []byte{0xEF, 0xBB, 0xBF}, "", "", ErrEmpty},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"), "", "", ErrBinary},
		{"nul bytes", []byte("abc\x00def\x00"), "", "", ErrBinary},
		{"utf-16 without bom", utf16Bytes("hello", false)[2:], "", "", ErrBinary},
		{"control characters", []byte("\x01\x02\x03\x04\x05\x06\x07\x08abc\x0e\x0f\x10\x11"), "", "", ErrBinary},
		{"random bytes", random, "", "", ErrUndecodable},
		{"truncated gbk", gbkBytes(t, "中文")[:3], "", "", ErrUndecodable},
		{"odd utf-16", append(utf16Bytes("ab", false), 'c'), "", "", ErrUndecodable},
		{"bad utf-8 after bom", []byte{0xEF, 0xBB, 0xBF, 0xFF, 0xFE, 0x41}, "", "", ErrUndecodable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text, enc, err := Decode(tc.data)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Decode() error = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode() error = %v", err)
			}
			if text != tc.want || enc != tc.enc {
				t.Errorf("Decode() = %q, %q; want %q, %q", text, enc, tc.want, tc.enc)
			}
		})
	}
}

func TestDecodeGBKFixture(t *testing.T) {
	data, err := os.ReadFile("testdata/gbk-communique.txt")
	if err != nil {
		t.Fatal(err)
	}
	text, enc, err := Decode(data)
	if err != nil || enc != "gb18030" {
		t.Fatalf("Decode() = %q, %v", enc, err)
	}
	if want := "中国—东盟农业合作会议新闻公报\n"; text[:len(want)] != want {
		t.Errorf("text starts %q, want %q", text[:len(want)], want)
	}
}
