package discordfake

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Request is one REST request the fake received.
type Request struct {
	// Time is when the request arrived.
	Time time.Time
	// Method is the HTTP method.
	Method string
	// Path is the URL path, e.g. "/api/v9/channels/123/messages".
	Path string
	// Query is the raw query string, e.g. "wait=true".
	Query string
	// Route is the matched route pattern, e.g.
	// "POST /api/v9/channels/{channel}/messages"; empty for unknown routes.
	Route string
	// Header holds the request headers without Authorization.
	Header http.Header
	// Authorized reports whether Authorization was "Bot <valid token>".
	Authorized bool
	// Body is the JSON body; for multipart/form-data requests, the
	// payload_json part. Nil when there was no body.
	Body json.RawMessage
	// Files holds the file parts of a multipart/form-data request.
	Files []File
	// Status is the HTTP status the fake answered with.
	Status int
	// Injected reports whether the answer came from FailNext/RateLimitNext.
	Injected bool
}

// File is one uploaded file of a multipart request.
type File struct {
	Field       string // form field name, e.g. "files[0]"
	Name        string // file name
	ContentType string
	Data        []byte
}

// Decode unmarshals the request's JSON body into v.
func (r Request) Decode(v any) error {
	if len(r.Body) == 0 {
		return fmt.Errorf("discordfake: %s %s has no body", r.Method, r.Path)
	}
	return json.Unmarshal(r.Body, v)
}

// String describes the request briefly.
func (r Request) String() string {
	s := r.Method + " " + r.Path
	if r.Query != "" {
		s += "?" + r.Query
	}
	return fmt.Sprintf("%s -> %d %s", s, r.Status, r.Body)
}

// Matching returns a predicate for WaitFor and Filter that matches requests
// with the given method ("" for any) whose Path matches pattern in the sense
// of path.Match ("*" matches one path segment). A pattern not starting with
// "/api/" is taken relative to APIPrefix, so "/channels/*/messages" and
// "/api/v9/channels/*/messages" are the same.
func Matching(method, pattern string) func(Request) bool {
	pattern = fullPath(pattern)
	return func(r Request) bool {
		if method != "" && !strings.EqualFold(method, r.Method) {
			return false
		}
		ok, _ := path.Match(pattern, r.Path)
		return ok
	}
}

func fullPath(p string) string {
	if strings.HasPrefix(p, "/api/") {
		return p
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return APIPrefix + p
}

// Requests returns a copy of every REST request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Filter returns the recorded requests for which match is true.
func (s *Server) Filter(match func(Request) bool) []Request {
	var out []Request
	for _, r := range s.Requests() {
		if match(r) {
			out = append(out, r)
		}
	}
	return out
}

// UnknownRequests returns the recorded requests that matched no route.
func (s *Server) UnknownRequests() []Request {
	return s.Filter(func(r Request) bool { return r.Route == "" })
}

// WaitFor returns the first recorded request (already received or still
// to come) for which match is true, failing tb if none arrives within
// timeout. Call it from the test goroutine.
func (s *Server) WaitFor(tb testing.TB, match func(Request) bool, timeout time.Duration) Request {
	tb.Helper()
	return s.WaitForCount(tb, match, 1, timeout)[0]
}

// WaitForCount is WaitFor for the first n requests for which match is
// true: it returns them once they have all arrived.
func (s *Server) WaitForCount(tb testing.TB, match func(Request) bool, n int, timeout time.Duration) []Request {
	tb.Helper()
	var found []Request
	s.waitTB(tb, timeout, fmt.Sprintf("%d matching REST request(s)", n), func() bool {
		found = found[:0]
		for _, r := range s.requests {
			if match(r) {
				if found = append(found, r); len(found) == n {
					return true
				}
			}
		}
		return false
	})
	return found
}

// fault is an injected answer for the next matching request.
type fault struct {
	method string
	prefix string
	status int
	body   string
	header http.Header
}

// FailNext makes the next request with the given method ("" for any) whose
// path starts with pathPrefix (relative to APIPrefix unless it starts with
// "/api/") answer status with body instead of being handled. An empty body
// becomes {"message": "<status text>", "code": 0}. Faults queue up and each
// is used once.
func (s *Server) FailNext(method, pathPrefix string, status int, body string) {
	if body == "" {
		b, _ := json.Marshal(map[string]any{"message": fmt.Sprintf("%d: %s", status, http.StatusText(status)), "code": 0})
		body = string(b)
	}
	s.addFault(fault{method: method, prefix: fullPath(pathPrefix), status: status, body: body})
}

// RateLimitNext makes the next matching request (as for FailNext) answer
// 429 with Discord's body and headers for a per-route limit lasting
// retryAfter. discordgo sleeps retry_after and retries.
func (s *Server) RateLimitNext(method, pathPrefix string, retryAfter time.Duration) {
	secs := retryAfter.Seconds()
	b, _ := json.Marshal(map[string]any{"message": "You are being rate limited.", "retry_after": secs, "global": false})
	h := http.Header{}
	h.Set("Retry-After", strconv.Itoa(int(retryAfter.Round(time.Second)/time.Second)))
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", "fake-bucket")
	h.Set("X-RateLimit-Scope", "user")
	s.addFault(fault{method: method, prefix: fullPath(pathPrefix), status: http.StatusTooManyRequests, body: string(b), header: h})
}

func (s *Server) addFault(f fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// takeFaultLocked removes and returns the first fault matching r.
func (s *Server) takeFaultLocked(method, p string) (fault, bool) {
	for i, f := range s.faults {
		if (f.method == "" || strings.EqualFold(f.method, method)) && strings.HasPrefix(p, f.prefix) {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			return f, true
		}
	}
	return fault{}, false
}

// apiResult is what a route handler answers: a status and a value to
// encode as JSON (nil for no body).
type apiResult struct {
	status int
	body   any
}

func ok(body any) apiResult { return apiResult{http.StatusOK, body} }

func noContent() apiResult { return apiResult{status: http.StatusNoContent} }

// apiError is Discord's JSON error body.
func apiError(status, code int, message string) apiResult {
	return apiResult{status, map[string]any{"message": message, "code": code}}
}

// formError is Discord's 400 Invalid Form Body for one field.
func formError(field, code, message string) apiResult {
	return apiResult{http.StatusBadRequest, map[string]any{
		"message": "Invalid Form Body",
		"code":    50035,
		"errors": map[string]any{
			field: map[string]any{"_errors": []map[string]string{{"code": code, "message": message}}},
		},
	}}
}

var errUnauthorized = apiError(http.StatusUnauthorized, 0, "401: Unauthorized")

// call is one request being handled.
type call struct {
	r    *http.Request
	rec  *Request
	body json.RawMessage
}

func (c *call) param(name string) string { return c.r.PathValue(name) }

// decode unmarshals the body into v; an invalid body is a 400 error.
func (c *call) decode(v any) *apiResult {
	if len(c.body) == 0 {
		r := apiError(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return &r
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		r := apiError(http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return &r
	}
	return nil
}

// handlerKey is the context key under which serveREST passes the call.
type handlerKey struct{}

// handle registers a route. auth routes require "Bot <token>".
func (s *Server) handle(pattern string, auth bool, fn func(*call) apiResult) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		c := r.Context().Value(handlerKey{}).(*call)
		c.r = r
		var res apiResult
		if auth && !c.rec.Authorized {
			res = errUnauthorized
		} else {
			res = fn(c)
		}
		w.(*resultWriter).res = res
	})
}

// resultWriter carries a handler's apiResult back to serveREST; handlers
// never write to it directly.
type resultWriter struct {
	header http.Header
	res    apiResult
}

func (w *resultWriter) Header() http.Header         { return w.header }
func (w *resultWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *resultWriter) WriteHeader(int)             {}

// serveREST records the request, applies faults, routes it and answers.
func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	rec := Request{
		Time:       time.Now(),
		Method:     r.Method,
		Path:       r.URL.Path,
		Query:      r.URL.RawQuery,
		Header:     r.Header.Clone(),
		Authorized: r.Header.Get("Authorization") == "Bot "+s.cfg.token,
	}
	rec.Header.Del("Authorization")
	rec.Body, rec.Files = parseBody(r.Header.Get("Content-Type"), raw)

	var pattern string
	if r.URL.Path == path.Clean(r.URL.Path) {
		_, pattern = s.mux.Handler(r)
	}
	rec.Route = pattern

	s.mu.Lock()
	f, faulted := s.takeFaultLocked(r.Method, r.URL.Path)
	s.mu.Unlock()

	var res apiResult
	var extra http.Header
	switch {
	case faulted:
		rec.Injected = true
		res = apiResult{status: f.status, body: json.RawMessage(f.body)}
		extra = f.header
	case pattern == "":
		res = apiError(http.StatusNotFound, 0, "404: Not Found")
	default:
		c := &call{rec: &rec, body: rec.Body}
		rw := &resultWriter{header: http.Header{}}
		s.mux.ServeHTTP(rw, r.WithContext(context.WithValue(r.Context(), handlerKey{}, c)))
		res = rw.res
		if res.status == 0 { // the mux answered itself (e.g. a redirect)
			rec.Route = ""
			res = apiError(http.StatusNotFound, 0, "404: Not Found")
		}
	}
	var body []byte
	if res.body != nil {
		var err error
		if body, err = json.Marshal(res.body); err != nil {
			res = apiError(http.StatusInternalServerError, 0, "discordfake: encode response: "+err.Error())
			body, _ = json.Marshal(res.body)
		}
	}
	if res.status == 0 {
		res.status = http.StatusOK
	}
	rec.Status = res.status

	// Record before answering, so a client that has its response can see
	// its request in the log.
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.notifyLocked()
	s.mu.Unlock()

	for k, v := range extra {
		w.Header()[k] = v
	}
	if body != nil {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(res.status)
	if body != nil {
		_, _ = w.Write(body)
	}
}

// parseBody returns the JSON body (payload_json for multipart) and files.
func parseBody(contentType string, raw []byte) (json.RawMessage, []File) {
	if len(raw) == 0 {
		return nil, nil
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" {
		return json.RawMessage(raw), nil
	}
	var body json.RawMessage
	var files []File
	mr := multipart.NewReader(bytes.NewReader(raw), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		data, _ := io.ReadAll(p)
		if p.FormName() == "payload_json" {
			body = data
			continue
		}
		files = append(files, File{Field: p.FormName(), Name: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: data})
	}
	return body, files
}
