package discordfake

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// APIPrefix is the path prefix of every REST route (discordgo's APIVersion 9).
const APIPrefix = "/api/v9"

// gatewayPath is where the websocket gateway is served. It ends in a slash
// because discordgo appends one to whatever /gateway returns.
const gatewayPath = "/gateway-ws/"

// discordEpoch is the first millisecond of 2015, the snowflake epoch.
const discordEpoch = 1420070400000

// Option configures a Server.
type Option func(*config)

type config struct {
	token             string
	appID             string
	botID             string
	botName           string
	heartbeatInterval time.Duration
	ioTimeout         time.Duration
	ackDeadline       time.Duration
	strictMentions    bool
	shards            int // GET /gateway/bot's recommended shard count
	minShards         int // fewer shards than this are refused (close 4011)
	maxConcurrency    int // GET /gateway/bot's session_start_limit.max_concurrency
}

// WithToken sets the valid bot token (without the "Bot " prefix); the
// default is "test-token".
func WithToken(token string) Option { return func(c *config) { c.token = token } }

// WithApplicationID sets the application id; the default is
// "1100000000000000001".
func WithApplicationID(id string) Option { return func(c *config) { c.appID = id } }

// WithBotUser sets the bot user's id and username; the default is
// "1100000000000000002" / "qabot".
func WithBotUser(id, username string) Option {
	return func(c *config) { c.botID, c.botName = id, username }
}

// WithHeartbeatInterval sets the heartbeat_interval sent in HELLO; the
// default is Discord's usual 41.25 s.
func WithHeartbeatInterval(d time.Duration) Option {
	return func(c *config) { c.heartbeatInterval = d }
}

// WithStrictMentions makes every message the bot creates or edits (channel
// messages, interaction responses, follow-ups, webhook edits) fail with 400
// unless it carries allowed_mentions with an empty parse list — a test
// policy, not Discord's: it proves no reply can ever ping anyone.
func WithStrictMentions() Option {
	return func(c *config) { c.strictMentions = true }
}

// WithAckDeadline sets how long after DispatchInteraction the initial
// callback is accepted; later callbacks get 404 Unknown interaction, as
// on Discord. The default is Discord's 3 s; 0 disables the check.
func WithAckDeadline(d time.Duration) Option {
	return func(c *config) { c.ackDeadline = d }
}

// WithShards sets the shard count GET /gateway/bot recommends (default 1).
func WithShards(n int) Option { return func(c *config) { c.shards = n } }

// WithMinShards makes an IDENTIFY with fewer than n shards fail with close
// 4011 "Sharding required", as Discord does for a bot in too many guilds
// for one connection (2,500 per shard).
func WithMinShards(n int) Option { return func(c *config) { c.minShards = n } }

// WithMaxConcurrency sets session_start_limit.max_concurrency in GET
// /gateway/bot: how many shards may identify at once (default 1).
func WithMaxConcurrency(n int) Option { return func(c *config) { c.maxConcurrency = n } }

// Server is a fake Discord REST API and gateway. Create it with New; it is
// closed automatically when the test ends. All methods are safe for
// concurrent use.
type Server struct {
	tb   testing.TB
	cfg  config
	http *httptest.Server
	base *url.URL
	mux  *http.ServeMux
	bot  User

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every state change
	nextID   int64
	requests []Request
	faults   []fault

	// REST state.
	commands     map[string][]*ApplicationCommand // scope ("" = global, else guild id) → commands
	interactions map[string]*interactionState     // interaction id → state
	byToken      map[string]*interactionState     // interaction token → state
	messages     map[string]*Message              // message id → message
	channels     map[string]*Channel              // channel id → channel
	members      map[string]*Member               // guild id + "/" + user id → member
	roles        map[string][]Role                // guild id → roles
	files        map[string][]byte                // CDN path → bytes of an attachment

	// Gateway state.
	dispatchMu sync.Mutex // orders sequence assignment with delivery
	conns      map[*gwConn]struct{}
	sessions   map[string]*gwSession
	shards     map[[2]int]*gwSession // [shard id, shard count] → the session that holds it
	current    *gwSession            // the session identified last
	deliveries []Delivery
	identifies int
	resumes    int
	heartbeats int
	identify   []Identify
	closed     bool
}

// New starts a fake Discord on 127.0.0.1 and registers its shutdown with
// tb.Cleanup.
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	cfg := config{
		token:             "test-token",
		appID:             "1100000000000000001",
		botID:             "1100000000000000002",
		botName:           "qabot",
		heartbeatInterval: 41250 * time.Millisecond,
		ioTimeout:         5 * time.Second,
		ackDeadline:       3 * time.Second,
		shards:            1,
		maxConcurrency:    1,
	}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		tb:           tb,
		cfg:          cfg,
		changed:      make(chan struct{}),
		nextID:       1,
		commands:     map[string][]*ApplicationCommand{},
		interactions: map[string]*interactionState{},
		byToken:      map[string]*interactionState{},
		messages:     map[string]*Message{},
		channels:     map[string]*Channel{},
		members:      map[string]*Member{},
		roles:        map[string][]Role{},
		files:        map[string][]byte{},
		conns:        map[*gwConn]struct{}{},
		sessions:     map[string]*gwSession{},
		shards:       map[[2]int]*gwSession{},
	}
	s.bot = User{
		ID:            cfg.botID,
		Username:      cfg.botName,
		Discriminator: "0",
		Bot:           true,
	}
	s.mux = http.NewServeMux()
	s.routes()
	root := http.NewServeMux()
	root.HandleFunc(gatewayPath, s.serveGateway)
	root.HandleFunc("GET /attachments/", s.serveAttachment)
	root.Handle("/", http.HandlerFunc(s.serveREST))
	s.http = httptest.NewServer(root)
	u, err := url.Parse(s.http.URL)
	if err != nil {
		tb.Fatalf("discordfake: parse server URL: %v", err)
	}
	s.base = u
	tb.Cleanup(s.close)
	return s
}

// close shuts the gateway connections and the HTTP server.
func (s *Server) close() {
	s.mu.Lock()
	s.closed = true
	conns := make([]*gwConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.abort()
	}
	s.http.CloseClientConnections()
	s.http.Close()
}

// URL returns the fake's base URL, e.g. "http://127.0.0.1:41234" (no
// trailing slash). REST routes live under URL()+APIPrefix.
func (s *Server) URL() string { return s.http.URL }

// GatewayURL returns the ws:// URL the fake's /gateway route hands out.
func (s *Server) GatewayURL() string {
	return "ws://" + s.base.Host + gatewayPath
}

// Token returns the valid bot token (without the "Bot " prefix).
func (s *Server) Token() string { return s.cfg.token }

// ApplicationID returns the application id.
func (s *Server) ApplicationID() string { return s.cfg.appID }

// BotUser returns the bot user returned by GET /users/@me and READY.
func (s *Server) BotUser() User { return s.bot }

// Client returns an http.Client whose transport sends every request for
// discord.com, discordapp.com, discordapp.net and discord.gg (and their
// subdomains, e.g. cdn.discordapp.com) to the fake, keeping path and query.
// Requests for the fake's own address pass through; any other host is
// refused with an error, so a test never reaches the real network.
func (s *Server) Client() *http.Client {
	return &http.Client{
		Transport: &rewriteTransport{base: s.base, next: s.http.Client().Transport},
		Timeout:   30 * time.Second,
	}
}

// rewriteTransport points Discord hosts at base.
type rewriteTransport struct {
	base *url.URL
	next http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *rewriteTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	host := r.URL.Hostname()
	if r.URL.Host != t.base.Host && !isDiscordHost(host) {
		return nil, fmt.Errorf("discordfake: refusing request to non-Discord host %q", r.URL.Host)
	}
	r2 := r.Clone(r.Context())
	r2.URL.Scheme = t.base.Scheme
	r2.URL.Host = t.base.Host
	r2.Host = t.base.Host
	return t.next.RoundTrip(r2)
}

func isDiscordHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, d := range []string{"discord.com", "discordapp.com", "discordapp.net", "discord.gg", "discord.media"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// newID returns a fresh snowflake string. Callers must hold s.mu.
func (s *Server) newIDLocked() string {
	n := s.nextID
	s.nextID++
	ms := time.Now().UnixMilli() - discordEpoch
	return strconv.FormatInt(ms<<22|n&0x3fffff, 10)
}

// NewID returns a fresh snowflake id, unique within this Server.
func (s *Server) NewID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newIDLocked()
}

// notifyLocked wakes every waiter. Callers must hold s.mu.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitCond blocks until cond (called with s.mu held) is true or ctx ends.
func (s *Server) waitCond(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok := cond()
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// waitTB is waitCond with a timeout that fails tb.
func (s *Server) waitTB(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := s.waitCond(ctx, cond); err != nil {
		tb.Fatalf("discordfake: timed out after %v waiting for %s", timeout, what)
	}
}
