package llm

import (
	"context"
	"errors"
	"io"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	"github.com/qabot/qabot/retrieval"
)

// Generator writes answers through the endpoint's streaming chat
// completions. It implements retrieval.Generator.
type Generator struct {
	c *client
}

var _ retrieval.Generator = (*Generator)(nil)

// NewGenerator returns a generator for cfg. Timeout bounds a whole answer,
// stream included; a request that fails before any text arrived is retried
// like embeddings (429, 5xx, timeouts), but only once unless Retries says
// otherwise: someone is waiting, and the extractive answer is the fallback.
func NewGenerator(cfg Config) (*Generator, error) {
	if cfg.Model == "" {
		return nil, errors.New("chat endpoint: no model given")
	}
	if cfg.Retries == 0 {
		cfg.Retries = 1
	}
	return &Generator{c: newClient(cfg, "chat")}, nil
}

// Host is the endpoint's host.
func (g *Generator) Host() string { return g.c.cfg.Host() }

// Model is the chat model.
func (g *Generator) Model() string { return g.c.cfg.Model }

// Generate streams the model's answer to msgs, at most MaxTokens long,
// calling onDelta (when not nil) with each piece of text, and returns the
// whole text.
func (g *Generator) Generate(ctx context.Context, msgs []retrieval.Message, onDelta func(string)) (string, error) {
	// max_tokens rather than max_completion_tokens: Ollama, vLLM, LM Studio
	// and Azure's API versions all take it (OpenAI's o-series models do not).
	req := openai.ChatCompletionRequest{Model: g.c.cfg.Model, Stream: true, Temperature: 0.1, MaxTokens: g.c.cfg.maxTokens()}
	for _, m := range msgs {
		req.Messages = append(req.Messages, openai.ChatCompletionMessage{Role: m.Role, Content: m.Content})
	}
	var text strings.Builder
	err := g.c.do(ctx, func(ctx context.Context) error {
		text.Reset()
		stream, err := g.c.api.CreateChatCompletionStream(ctx, req)
		if err != nil {
			return err
		}
		defer stream.Close()
		for {
			resp, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				if text.Len() > 0 {
					// Text was shown already: do not start over.
					return &streamBroken{err}
				}
				return err
			}
			for _, ch := range resp.Choices {
				if d := ch.Delta.Content; d != "" {
					text.WriteString(d)
					if onDelta != nil {
						onDelta(d)
					}
				}
			}
		}
	})
	if err != nil {
		return "", err
	}
	return text.String(), nil
}

// streamBroken is a stream that failed after text arrived; it is not
// retried.
type streamBroken struct{ err error }

func (e *streamBroken) Error() string { return "the answer stream broke off: " + e.err.Error() }
func (e *streamBroken) Unwrap() error { return e.err }
