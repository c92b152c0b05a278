package retrieval

import (
	"context"
	"os"
	"strings"
	"testing"
)

func TestZZEv(t *testing.T) {
	qs := os.Getenv("EVQ")
	if qs == "" {
		t.Skip()
	}
	e := mustSeedEngine(t)
	for _, q := range strings.Split(qs, "|") {
		ans, _ := e.Ask(context.Background(), q, 5)
		c := "-"
		if ans.Found {
			c = ans.Citations[0].Tag
		}
		t.Logf("%-6s %s", c, q)
	}
}
