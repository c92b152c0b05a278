package llm

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"
)

func TestFail_redactsBeforeCuttingOnARuneBoundary(t *testing.T) {
	c := newClient(Config{APIKey: testKey, Model: "m"}, "chat")
	// The key starts 10 bytes before the 200-byte cut: cut first, its
	// first 10 bytes would be left in the message.
	body := strings.Repeat("a", 190) + testKey + " trailing"
	err := c.fail(&openai.RequestError{HTTPStatusCode: 502, Body: []byte(body), Err: errors.New("bad gateway")}, 1)
	msg := err.Error()
	if strings.Contains(msg, testKey[:10]) || !strings.Contains(msg, "[redacted]") {
		t.Errorf("message %q leaks part of the key", msg)
	}
	// A multi-byte rune straddling the cut is not split.
	body = strings.Repeat("a", 199) + strings.Repeat("字", 10)
	err = c.fail(&openai.RequestError{HTTPStatusCode: 502, Body: []byte(body), Err: errors.New("bad gateway")}, 1)
	var e *Error
	if !errors.As(err, &e) || !utf8.ValidString(e.Message) || len(e.Message) > maxMessage+len("…") || !strings.HasSuffix(e.Message, "…") {
		t.Errorf("message %q: want valid UTF-8, at most %d bytes and marked as cut", e.Message, maxMessage)
	}
}
