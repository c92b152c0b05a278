package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/llm"
)

// modelEnv is the optional model endpoint, from the environment. Embeddings
// and chat are independent: either may be set alone.
type modelEnv struct {
	EmbedURL, EmbedModel string
	ChatURL, ChatModel   string
	APIKey               string // never logged nor printed
	Timeout              time.Duration
	Concurrency          int
	EmbedBatch           int
	ChatMaxTokens        int    // QABOT_CHAT_MAX_TOKENS: the longest answer
	Azure                bool   // QABOT_API_TYPE=azure
	APIVersion           string // QABOT_API_VERSION, for Azure
}

func (m modelEnv) embedding() bool { return m.EmbedURL != "" || m.EmbedModel != "" }
func (m modelEnv) chat() bool      { return m.ChatURL != "" || m.ChatModel != "" }

// readModelEnv reads QABOT_EMBED_URL, QABOT_EMBED_MODEL, QABOT_CHAT_URL,
// QABOT_CHAT_MODEL, QABOT_API_KEY (else OPENAI_API_KEY),
// QABOT_MODEL_TIMEOUT, QABOT_MODEL_CONCURRENCY, QABOT_EMBED_BATCH and
// QABOT_CHAT_MAX_TOKENS.
func readModelEnv(getenv func(string) string) (modelEnv, error) {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	m := modelEnv{
		EmbedURL: get("QABOT_EMBED_URL"), EmbedModel: get("QABOT_EMBED_MODEL"),
		ChatURL: get("QABOT_CHAT_URL"), ChatModel: get("QABOT_CHAT_MODEL"),
		APIKey: get("QABOT_API_KEY"),
	}
	if m.APIKey == "" {
		m.APIKey = get("OPENAI_API_KEY")
	}
	switch t := strings.ToLower(get("QABOT_API_TYPE")); t {
	case "", "openai":
	case "azure":
		m.Azure, m.APIVersion = true, get("QABOT_API_VERSION")
		if (m.embedding() && m.EmbedURL == "") || (m.chat() && m.ChatURL == "") {
			return m, fmt.Errorf("QABOT_API_TYPE=azure needs the resource endpoint in QABOT_EMBED_URL / QABOT_CHAT_URL (https://NAME.openai.azure.com) and the deployment names in QABOT_EMBED_MODEL / QABOT_CHAT_MODEL")
		}
	default:
		return m, fmt.Errorf("QABOT_API_TYPE must be openai or azure, got %q", t)
	}
	if m.EmbedURL != "" && m.EmbedModel == "" {
		return m, fmt.Errorf("QABOT_EMBED_URL is set but QABOT_EMBED_MODEL is not (e.g. bge-m3, text-embedding-3-small)")
	}
	if m.ChatURL != "" && m.ChatModel == "" {
		return m, fmt.Errorf("QABOT_CHAT_URL is set but QABOT_CHAT_MODEL is not (e.g. qwen2.5, gpt-4o-mini)")
	}
	if v := get("QABOT_MODEL_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return m, fmt.Errorf("QABOT_MODEL_TIMEOUT must be a positive duration such as 30s, got %q", v)
		}
		m.Timeout = d
	}
	for _, s := range []struct {
		name string
		dst  *int
	}{{"QABOT_MODEL_CONCURRENCY", &m.Concurrency}, {"QABOT_EMBED_BATCH", &m.EmbedBatch}, {"QABOT_CHAT_MAX_TOKENS", &m.ChatMaxTokens}} {
		if v := get(s.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				return m, fmt.Errorf("%s must be a positive number, got %q", s.name, v)
			}
			*s.dst = n
		}
	}
	return m, nil
}

func (m modelEnv) config(url, model string) llm.Config {
	return llm.Config{BaseURL: url, APIKey: m.APIKey, Model: model, Timeout: m.Timeout, Concurrency: m.Concurrency,
		Azure: m.Azure, APIVersion: m.APIVersion}
}

// A question's embedding has its own, small budget: someone is waiting, and
// when the endpoint fails the answer falls back to matching words. Indexing
// keeps the larger one (QABOT_MODEL_TIMEOUT, 4 retries).
const (
	questionTimeout  = 10 * time.Second // or QABOT_MODEL_TIMEOUT when shorter
	questionRetries  = 1
	questionMaxDelay = 2 * time.Second // a longer Retry-After gives up
)

// questionConfig is ec with the question budget: the same endpoint and
// model, so the same index.Embedder identity, with dims known.
func (m modelEnv) questionConfig(ec llm.EmbedConfig, dims int) llm.EmbedConfig {
	qc := ec
	qc.Timeout = questionTimeout
	if m.Timeout > 0 && m.Timeout < qc.Timeout {
		qc.Timeout = m.Timeout
	}
	qc.Retries, qc.MaxDelay, qc.Dims = questionRetries, questionMaxDelay, dims
	return qc
}

// setupModels reads the model endpoint settings and fills in c.embedder
// (nil: the local embedder), c.questionEmbedder (the same embedder, with a
// budget for questions) and c.Generator (nil: extractive answers). The
// embedding dimensions are taken from the index when it was built by the
// same endpoint and model, else learned from one request.
func (c *config) setupModels(ctx context.Context, getenv func(string) string) error {
	m, err := readModelEnv(getenv)
	if err != nil {
		return err
	}
	c.batch, c.concurrency = m.EmbedBatch, m.Concurrency
	if c.batch == 0 {
		c.batch = llm.DefaultEmbedBatch
	}
	if c.concurrency == 0 {
		c.concurrency = 2 // llm's default
	}
	if m.embedding() {
		ec := llm.EmbedConfig{Config: m.config(m.EmbedURL, m.EmbedModel), BatchSize: m.EmbedBatch}
		ec.Dims = indexedDims(filepath.Join(c.Data, "index"), index.EmbedderID{Provider: llm.EmbedderName, Host: ec.Host(), Model: ec.Model})
		emb, err := llm.NewEmbedder(ctx, ec)
		if err != nil {
			return fmt.Errorf("embedding endpoint: %w", err)
		}
		c.embedder = &emb
		qemb, err := llm.NewEmbedder(ctx, m.questionConfig(ec, emb.Dims))
		if err != nil {
			return fmt.Errorf("embedding endpoint: %w", err)
		}
		c.questionEmbedder = &qemb
	}
	if m.chat() {
		cc := m.config(m.ChatURL, m.ChatModel)
		cc.MaxTokens = m.ChatMaxTokens
		gen, err := llm.NewGenerator(cc)
		if err != nil {
			return err
		}
		c.Generator = gen
	}
	return nil
}

// indexedDims is the vector length recorded in the index in dir when the
// same provider, host and model built it, else 0.
func indexedDims(dir string, want index.EmbedderID) int {
	man, err := index.NewStore(dir).LoadManifest()
	if err != nil {
		return 0
	}
	got, err := index.ParseEmbedderID(man.Embedder)
	if err != nil || got.Provider != want.Provider || got.Host != want.Host || got.Model != want.Model {
		return 0
	}
	return got.Dims
}
