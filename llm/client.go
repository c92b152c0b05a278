package llm

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"
)

// Config is how to reach one endpoint.
type Config struct {
	BaseURL     string        // e.g. "http://localhost:11434/v1"; "" means OpenAI's
	APIKey      string        // may be empty (Ollama); never logged nor put in errors
	Model       string        // model name
	Timeout     time.Duration // per request (embeddings) or per answer (chat); 0 means 60 s
	Concurrency int           // requests in flight; 0 means 2
	Retries     int           // retries after the first attempt; 0 means 4, negative none
	BaseDelay   time.Duration // first backoff; 0 means 500 ms
	MaxDelay    time.Duration // longest wait between attempts; a longer Retry-After gives up; 0 means 30 s
	HTTPClient  *http.Client  // base client (its transport is wrapped); nil for a default one
	MaxTokens   int           // chat: the longest answer, in tokens (sent as max_tokens); 0 means DefaultMaxTokens
	// Azure selects Azure OpenAI's API: BaseURL is the resource endpoint
	// (https://NAME.openai.azure.com), Model the deployment name, the key
	// goes in an api-key header, and APIVersion (default
	// DefaultAzureAPIVersion) in the query.
	Azure      bool
	APIVersion string
}

// DefaultAzureAPIVersion is the Azure OpenAI API version used when none is
// configured.
const DefaultAzureAPIVersion = "2024-10-21"

// DefaultMaxTokens bounds a chat answer: an answer is brief (the prompt
// says so), and a model that runs on costs tokens and check time; 1,024
// tokens are some 1,500 Chinese characters.
const DefaultMaxTokens = 1024

func (c Config) maxTokens() int {
	if c.MaxTokens > 0 {
		return c.MaxTokens
	}
	return DefaultMaxTokens
}

// DefaultBaseURL is OpenAI's API.
const DefaultBaseURL = "https://api.openai.com/v1"

func (c Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 60 * time.Second
}

func (c Config) concurrency() int {
	if c.Concurrency > 0 {
		return c.Concurrency
	}
	return 2
}

func (c Config) retries() int {
	switch {
	case c.Retries < 0:
		return 0
	case c.Retries == 0:
		return 4
	}
	return c.Retries
}

func (c Config) baseDelay() time.Duration {
	if c.BaseDelay > 0 {
		return c.BaseDelay
	}
	return 500 * time.Millisecond
}

func (c Config) maxDelay() time.Duration {
	if c.MaxDelay > 0 {
		return c.MaxDelay
	}
	return 30 * time.Second
}

func (c Config) baseURL() string {
	if c.BaseURL == "" {
		return DefaultBaseURL
	}
	return strings.TrimRight(c.BaseURL, "/")
}

// Host is the endpoint's host (and port), as errors and the index name it.
func (c Config) Host() string {
	u, err := url.Parse(c.baseURL())
	if err != nil || u.Host == "" {
		return c.baseURL()
	}
	return u.Host
}

// client is a go-openai client with retries, a bound on requests in flight,
// and a transport that reads Retry-After (go-openai drops the headers of
// failed responses).
type client struct {
	cfg  Config
	api  *openai.Client
	sem  chan struct{}
	op   string // "embeddings", "chat"
	wait func(ctx context.Context, d time.Duration) error
}

func newClient(cfg Config, op string) *client {
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = cfg.baseURL()
	if cfg.Azure {
		oc = openai.DefaultAzureConfig(cfg.APIKey, cfg.baseURL())
		oc.APIVersion = cfg.APIVersion
		if oc.APIVersion == "" {
			oc.APIVersion = DefaultAzureAPIVersion
		}
		// The model is the deployment's name, as the user wrote it.
		oc.AzureModelMapperFunc = func(model string) string { return model }
	}
	base := http.DefaultTransport
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		*hc = *cfg.HTTPClient
		if cfg.HTTPClient.Transport != nil {
			base = cfg.HTTPClient.Transport
		}
	}
	hc.Transport = retryAfterTransport{base}
	oc.HTTPClient = hc
	return &client{cfg: cfg, api: openai.NewClientWithConfig(oc), sem: make(chan struct{}, cfg.concurrency()), op: op, wait: sleep}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// retryAfterKey marks a request context with where to store the response's
// Retry-After.
type retryAfterKey struct{}

type retryAfterTransport struct{ base http.RoundTripper }

func (t retryAfterTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err == nil && resp.StatusCode >= 400 {
		if p, ok := req.Context().Value(retryAfterKey{}).(*time.Duration); ok {
			*p = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		}
	}
	return resp, err
}

// parseRetryAfter reads a Retry-After value: seconds, or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// Error is a request that failed for good. Its message names the endpoint's
// host and the HTTP status, never the API key.
type Error struct {
	Op       string // "embeddings", "chat"
	Host     string
	Status   int // HTTP status; 0 when none came back
	Message  string
	Attempts int
	// RetryAfter is set when the server asked to wait longer than MaxDelay
	// before retrying, which is why the request was given up.
	RetryAfter, MaxDelay time.Duration
	Err                  error
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s request to %s failed", e.Op, e.Host)
	if e.Status > 0 {
		fmt.Fprintf(&b, ": HTTP %d %s", e.Status, http.StatusText(e.Status))
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "; gave up: Retry-After asks to wait %s, more than the %s allowed", e.RetryAfter.Round(time.Millisecond), e.MaxDelay)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Timeout reports whether the request timed out.
func (e *Error) Timeout() bool { return errors.Is(e.Err, context.DeadlineExceeded) }

// do runs call with retries: 429, 5xx and timeouts are retried with
// exponential backoff and jitter, waiting at least what Retry-After asks.
// When Retry-After asks for longer than MaxDelay, do gives up at once rather
// than retry early. Each attempt has the configured timeout and holds one of
// the Concurrency slots; backoff does not. An error because ctx ended
// satisfies errors.Is with ctx.Err().
func (c *client) do(ctx context.Context, call func(ctx context.Context) error) error {
	attempts := 1 + c.cfg.retries()
	var err error
	for a := 1; ; a++ {
		select {
		case c.sem <- struct{}{}:
		case <-ctx.Done():
			if a == 1 {
				return c.fail(ctx.Err(), 0)
			}
			return c.failCtx(err, a-1, ctx.Err())
		}
		var retryAfter time.Duration
		actx, cancel := context.WithTimeout(context.WithValue(ctx, retryAfterKey{}, &retryAfter), c.cfg.timeout())
		err = call(actx)
		cancel()
		<-c.sem
		if err == nil {
			return nil
		}
		if cerr := ctx.Err(); cerr != nil {
			return c.failCtx(err, a, cerr)
		}
		if a == attempts || !retryable(err) {
			return c.fail(err, a)
		}
		if retryAfter > c.cfg.maxDelay() {
			e := c.fail(err, a).(*Error)
			e.RetryAfter, e.MaxDelay = retryAfter, c.cfg.maxDelay()
			return e
		}
		if werr := c.wait(ctx, c.backoff(a, retryAfter)); werr != nil {
			return c.failCtx(err, a, werr)
		}
	}
}

// failCtx is fail for an attempt that ended with ctx: the error matches
// both err and cerr.
func (c *client) failCtx(err error, attempts int, cerr error) error {
	e := c.fail(err, attempts).(*Error)
	if !errors.Is(err, cerr) {
		e.Err = errors.Join(err, cerr)
	}
	return e
}

// backoff is the wait before attempt a+1: base·2^(a-1), jittered into
// [½, 1] of that, at least Retry-After, at most MaxDelay.
func (c *client) backoff(a int, retryAfter time.Duration) time.Duration {
	d := c.cfg.baseDelay() << min(a-1, 20)
	d = d/2 + rand.N(d/2+1)
	d = max(d, retryAfter)
	return min(d, c.cfg.maxDelay())
}

// retryable reports whether err is worth another attempt.
func retryable(err error) bool {
	var sb *streamBroken
	if errors.As(err, &sb) {
		return false
	}
	if s := status(err); s != 0 {
		return s == http.StatusTooManyRequests || s == http.StatusRequestTimeout || s >= 500
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func status(err error) int {
	var ae *openai.APIError
	if errors.As(err, &ae) {
		return ae.HTTPStatusCode
	}
	var re *openai.RequestError
	if errors.As(err, &re) {
		return re.HTTPStatusCode
	}
	return 0
}

// fail turns err into an *Error whose message holds no secret.
func (c *client) fail(err error, attempts int) error {
	e := &Error{Op: c.op, Host: c.cfg.Host(), Status: status(err), Attempts: attempts, Err: err}
	var ae *openai.APIError
	var re *openai.RequestError
	switch {
	case errors.As(err, &ae):
		e.Message = ae.Message
	case errors.As(err, &re):
		e.Message = strings.TrimSpace(string(re.Body))
	case errors.Is(err, context.DeadlineExceeded):
		e.Message = fmt.Sprintf("timed out after %s", c.cfg.timeout())
	default:
		e.Message = err.Error()
	}
	// Redact before cutting: a key straddling the cut would leak in part.
	e.Message = cut(c.redact(e.Message), maxMessage)
	return e
}

// maxMessage is the longest server message (in bytes) an error keeps.
const maxMessage = 200

// cut shortens s to at most n bytes on a rune boundary, marking the cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}

// redact removes the API key (and any URL credentials) from s: servers
// sometimes echo a rejected key.
func (c *client) redact(s string) string {
	if k := c.cfg.APIKey; len(k) >= 4 {
		s = strings.ReplaceAll(s, k, "[redacted]")
	}
	return s
}
