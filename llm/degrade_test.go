package llm

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/qabot/qabot/retrieval"
)

func TestAsk_embeddingEndpointDownFallsBackToWords(t *testing.T) {
	var down atomic.Bool
	f := &fakeEmbeddings{fail: func(n int, w http.ResponseWriter) bool {
		if down.Load() {
			http.Error(w, `{"error":{"message":"down"}}`, http.StatusBadGateway)
			return true
		}
		return false
	}}
	srv := newEmbedServer(t, f)
	cfg := fastConfig(srv.URL)
	cfg.Retries = 1
	emb, err := NewEmbedder(context.Background(), EmbedConfig{Config: cfg, Dims: 3})
	if err != nil {
		t.Fatal(err)
	}
	e := seedEngine(t, emb)
	down.Store(true)
	if _, err := e.Search(context.Background(), forumQ, 3); err == nil {
		t.Error("Search hid the embedding failure")
	}
	ans, err := e.Ask(context.Background(), forumQ, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Found || ans.Citations[0].Section != "2.3" || !strings.Contains(ans.Degraded, "HTTP 502") || ans.Notice != retrieval.NoticeEmbedFailed {
		t.Errorf("answer %+v, want §2.3 found lexically with a notice", ans)
	}
	chat := &fakeChat{reply: func(string) string { return "论坛于2022年1月17日举行〔§2.3〕。" }}
	g := newChat(t, chat, nil)
	ans, err = e.AskWith(context.Background(), forumQ, 3, g, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Mode != retrieval.ModeGenerated || !strings.Contains(ans.Degraded, "HTTP 502") || ans.Citations[0].Section != "2.3" {
		t.Errorf("generated answer %+v", ans)
	}
}
