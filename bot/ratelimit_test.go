package bot

import (
	"testing"
	"time"
)

func TestLimiterSlidingWindow(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(2, func() time.Time { return now })
	if !l.allow("a") || !l.allow("a") || l.allow("a") {
		t.Fatal("want 2 allowed then refused")
	}
	if !l.allow("b") {
		t.Error("limit is per user")
	}
	now = now.Add(30 * time.Second)
	if l.allow("a") {
		t.Error("still inside the window")
	}
	now = now.Add(31 * time.Second)
	if !l.allow("a") {
		t.Error("window slid; want allowed")
	}
}
