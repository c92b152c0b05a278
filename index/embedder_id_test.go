package index

import "testing"

func TestEmbedderID_stringAndParse(t *testing.T) {
	for _, c := range []struct {
		id   EmbedderID
		text string
	}{
		{LocalEmbedder().EmbedderID, "local/hashed-ngrams-v1/256"},
		{EmbedderID{Provider: "openai", Host: "127.0.0.1:8080", Model: "bge-m3", Dims: 1024}, "openai@127.0.0.1:8080/bge-m3/1024"},
		{EmbedderID{Provider: "openai", Host: "api.example.com", Model: "BAAI/bge-m3", Dims: 3}, "openai@api.example.com/BAAI/bge-m3/3"},
	} {
		if got := c.id.String(); got != c.text {
			t.Errorf("String(%+v) = %q, want %q", c.id, got, c.text)
		}
		if got, err := ParseEmbedderID(c.text); err != nil || got != c.id {
			t.Errorf("ParseEmbedderID(%q) = %+v, %v; want %+v", c.text, got, err, c.id)
		}
		if (Embedder{EmbedderID: c.id}).ID() != c.text {
			t.Errorf("Embedder.ID of %+v", c.id)
		}
	}
	for _, bad := range []string{"", "local", "local/256", "local/m/0", "local/m/x", "/m/3", "openai@/m/3", "local//3"} {
		if id, err := ParseEmbedderID(bad); err == nil {
			t.Errorf("ParseEmbedderID(%q) = %+v, want an error", bad, id)
		}
	}
}
