package discordfake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Gateway close codes the fake uses.
const (
	CloseUnknownError         = 4000
	CloseUnknownOpcode        = 4001
	CloseDecodeError          = 4002
	CloseNotAuthenticated     = 4003
	CloseAuthenticationFailed = 4004
	CloseAlreadyAuthenticated = 4005
	CloseInvalidShard         = 4010
	CloseShardingRequired     = 4011
	CloseInvalidAPIVersion    = 4012
)

// Identify is what the client sent in an IDENTIFY (op 2), without the token.
type Identify struct {
	Intents        int               `json:"intents"`
	Properties     map[string]string `json:"properties"`
	Compress       bool              `json:"compress"`
	LargeThreshold int               `json:"large_threshold"`
	Shard          *[2]int           `json:"shard"`
	Presence       json.RawMessage   `json:"presence"`
}

// gwPayload is a gateway frame.
type gwPayload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s"`
	T  *string         `json:"t"`
}

// gwSession is a gateway session (survives reconnects via RESUME).
type gwSession struct {
	id      string
	seq     int64
	events  []gwPayload // every dispatch, for replay on RESUME
	conn    *gwConn     // nil while disconnected
	intents int
	shard   [2]int // shard id, shard count
}

// gwConn is one websocket connection.
type gwConn struct {
	s       *Server
	ws      *websocket.Conn
	writeMu sync.Mutex
	session *gwSession // guarded by s.mu
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// serveGateway runs one gateway connection.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{s: s, ws: ws}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ws.Close()
		return
	}
	s.conns[c] = struct{}{}
	s.notifyLocked()
	s.mu.Unlock()
	defer c.gone()

	if v := r.URL.Query().Get("v"); v != "" && v != "9" {
		c.closeWith(CloseInvalidAPIVersion, "Invalid API version.")
		return
	}
	if enc := r.URL.Query().Get("encoding"); enc != "" && enc != "json" {
		c.closeWith(CloseDecodeError, "Error while decoding payload.")
		return
	}
	hello, _ := json.Marshal(map[string]any{"heartbeat_interval": s.cfg.heartbeatInterval.Milliseconds()})
	if c.write(gwPayload{Op: 10, D: hello}) != nil {
		return
	}
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var p gwPayload
		if err := json.Unmarshal(msg, &p); err != nil {
			c.closeWith(CloseDecodeError, "Error while decoding payload.")
			return
		}
		if !c.handle(p) {
			return
		}
	}
}

// gone unregisters a finished connection.
func (c *gwConn) gone() {
	c.ws.Close()
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
	if c.session != nil && c.session.conn == c {
		c.session.conn = nil
	}
	s.notifyLocked()
}

// write sends one frame.
func (c *gwConn) write(v any) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(c.s.cfg.ioTimeout))
	return c.ws.WriteJSON(v)
}

// closeWith sends a close frame and closes the connection.
func (c *gwConn) closeWith(code int, reason string) {
	c.writeMu.Lock()
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
	c.writeMu.Unlock()
	c.ws.Close()
}

// abort closes the TCP connection without a close frame.
func (c *gwConn) abort() { c.ws.NetConn().Close() }

// handle processes one client frame; false ends the connection.
func (c *gwConn) handle(p gwPayload) bool {
	s := c.s
	switch p.Op {
	case 1: // HEARTBEAT
		s.mu.Lock()
		s.heartbeats++
		s.notifyLocked()
		s.mu.Unlock()
		return c.write(gwPayload{Op: 11}) == nil
	case 2: // IDENTIFY
		return c.identify(p.D)
	case 6: // RESUME
		return c.resume(p.D)
	case 3, 4, 8: // presence, voice state, request guild members: accepted, ignored
		if c.sessionOf() == nil {
			c.closeWith(CloseNotAuthenticated, "Not authenticated.")
			return false
		}
		return true
	default:
		c.closeWith(CloseUnknownOpcode, "Unknown opcode.")
		return false
	}
}

func (c *gwConn) sessionOf() *gwSession {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.session
}

// tokenOK accepts the token with or without the "Bot " prefix.
func (s *Server) tokenOK(tok string) bool {
	return strings.TrimPrefix(tok, "Bot ") == s.cfg.token && tok != ""
}

func (c *gwConn) identify(raw json.RawMessage) bool {
	s := c.s
	var d struct {
		Identify
		Token string `json:"token"`
	}
	if json.Unmarshal(raw, &d) != nil {
		c.closeWith(CloseDecodeError, "Error while decoding payload.")
		return false
	}
	if c.sessionOf() != nil {
		c.closeWith(CloseAlreadyAuthenticated, "Already authenticated.")
		return false
	}
	if !s.tokenOK(d.Token) {
		c.closeWith(CloseAuthenticationFailed, "Authentication failed.")
		return false
	}

	shard := shardOf(d.Shard)
	if shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1] {
		c.closeWith(CloseInvalidShard, "Invalid shard.")
		return false
	}
	if shard[1] < s.cfg.minShards {
		c.closeWith(CloseShardingRequired, "Sharding required.")
		return false
	}

	s.dispatchMu.Lock()
	defer s.dispatchMu.Unlock()
	sess := &gwSession{id: randomHex(16), conn: c, intents: d.Intents, shard: shard}
	ready, _ := json.Marshal(map[string]any{
		"v":                  9,
		"user":               s.bot,
		"guilds":             []any{},
		"private_channels":   []any{},
		"session_id":         sess.id,
		"session_type":       "normal",
		"resume_gateway_url": "ws://" + s.base.Host + gatewayPath,
		"shard":              shard,
		"application":        map[string]any{"id": s.cfg.appID, "flags": 0},
	})
	s.mu.Lock()
	s.identify = append(s.identify, d.Identify)
	if old := s.shards[shard]; old != nil && old.conn != nil && old.conn != c {
		// A new session for a shard replaces the one that held it; Discord
		// would keep both (and send both every event), which no bot wants.
		old.conn.session = nil
	}
	s.sessions[sess.id] = sess
	s.shards[shard] = sess
	s.current = sess
	c.session = sess
	p := sess.nextLocked("READY", ready)
	s.mu.Unlock()

	if c.write(p) != nil {
		return false
	}
	s.mu.Lock()
	s.identifies++
	s.notifyLocked()
	s.mu.Unlock()
	return true
}

func shardOf(sh *[2]int) [2]int {
	if sh == nil {
		return [2]int{0, 1}
	}
	return *sh
}

func (c *gwConn) resume(raw json.RawMessage) bool {
	s := c.s
	var d struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if json.Unmarshal(raw, &d) != nil {
		c.closeWith(CloseDecodeError, "Error while decoding payload.")
		return false
	}
	if !s.tokenOK(d.Token) {
		c.closeWith(CloseAuthenticationFailed, "Authentication failed.")
		return false
	}

	s.dispatchMu.Lock()
	defer s.dispatchMu.Unlock()
	s.mu.Lock()
	sess := s.sessions[d.SessionID]
	if sess == nil || s.shards[sess.shard] != sess || d.Seq > sess.seq {
		s.mu.Unlock()
		// INVALID_SESSION, not resumable: the client must IDENTIFY again.
		return c.write(gwPayload{Op: 9, D: json.RawMessage("false")}) == nil
	}
	if sess.conn != nil && sess.conn != c {
		sess.conn.session = nil
		go sess.conn.abort()
	}
	sess.conn = c
	c.session = sess
	var replay []gwPayload
	for _, e := range sess.events {
		if *e.S > d.Seq {
			replay = append(replay, e)
		}
	}
	resumed := sess.nextLocked("RESUMED", json.RawMessage(`{}`))
	s.mu.Unlock()

	for _, p := range replay {
		if c.write(p) != nil {
			return false
		}
	}
	if c.write(resumed) != nil {
		return false
	}
	s.mu.Lock()
	s.resumes++
	s.notifyLocked()
	s.mu.Unlock()
	return true
}

// nextLocked makes the session's next dispatch frame and logs it.
func (sess *gwSession) nextLocked(eventType string, data json.RawMessage) gwPayload {
	sess.seq++
	seq := sess.seq
	p := gwPayload{Op: 0, D: data, S: &seq, T: &eventType}
	sess.events = append(sess.events, p)
	return p
}

// Dispatch sends an event (op 0) to the gateway session of the shard that
// Discord routes it to — by its guild_id, (guild_id >> 22) % shard count;
// events without one go to shard 0 — and returns its sequence number there.
// If the client is disconnected, the event is kept and replayed when it
// RESUMEs. data is encoded as JSON (a json.RawMessage is sent as is). It
// reports an error on the test and returns 0 if no session has identified
// yet, and returns 0 if no session holds the event's shard.
func (s *Server) Dispatch(eventType string, data any) int64 {
	raw, err := json.Marshal(data)
	if err != nil {
		s.tb.Errorf("discordfake: Dispatch(%s): encode: %v", eventType, err)
		return 0
	}
	s.mu.Lock()
	none := len(s.sessions) == 0
	s.mu.Unlock()
	if none {
		s.tb.Errorf("discordfake: Dispatch(%s) before any gateway session identified", eventType)
		return 0
	}
	return s.deliver(eventType, guildOf(raw), func(int) (any, bool) { return json.RawMessage(raw), true })
}

// Identifies returns how many IDENTIFYs were answered with READY.
func (s *Server) Identifies() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.identifies
}

// Resumes returns how many RESUMEs were answered with RESUMED.
func (s *Server) Resumes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.resumes
}

// Heartbeats returns how many heartbeats (op 1) clients sent.
func (s *Server) Heartbeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.heartbeats
}

// IdentifyPayloads returns every IDENTIFY the fake accepted, oldest first.
func (s *Server) IdentifyPayloads() []Identify {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Identify(nil), s.identify...)
}

// Connected reports whether the current session has a live connection.
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connectedLocked()
}

func (s *Server) connectedLocked() bool {
	return s.current != nil && s.current.conn != nil
}

// Ready blocks until a client has identified and its session is connected,
// or ctx ends.
func (s *Server) Ready(ctx context.Context) error {
	return s.waitCond(ctx, func() bool { return s.identifies > 0 && s.connectedLocked() })
}

// WaitIdentified is Ready with a timeout that fails tb. Call it from the
// test goroutine.
func (s *Server) WaitIdentified(tb testing.TB, timeout time.Duration) {
	tb.Helper()
	s.waitTB(tb, timeout, "IDENTIFY", func() bool { return s.identifies > 0 && s.connectedLocked() })
}

// WaitResumes waits until at least n RESUMEs succeeded and the session is
// connected, failing tb after timeout. Call it from the test goroutine.
func (s *Server) WaitResumes(tb testing.TB, n int, timeout time.Duration) {
	tb.Helper()
	s.waitTB(tb, timeout, "RESUME", func() bool { return s.resumes >= n && s.connectedLocked() })
}

// WaitDisconnected waits until the current session has no connection,
// failing tb after timeout. Call it from the test goroutine.
func (s *Server) WaitDisconnected(tb testing.TB, timeout time.Duration) {
	tb.Helper()
	s.waitTB(tb, timeout, "the gateway to disconnect", func() bool { return !s.connectedLocked() })
}

// currentConn returns the current session's connection, reporting an error
// on the test if there is none.
func (s *Server) currentConn(what string) *gwConn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.connectedLocked() {
		s.tb.Errorf("discordfake: %s: no connected gateway session", what)
		return nil
	}
	return s.current.conn
}

// DropConnection cuts the current gateway connection without a close frame
// (as a network failure would). The session stays resumable: discordgo
// reconnects and sends RESUME, and events dispatched meanwhile are replayed.
// Note that discordgo's reconnect path calls Session.Close, which sleeps 1 s.
func (s *Server) DropConnection() {
	if c := s.currentConn("DropConnection"); c != nil {
		c.abort()
	}
}

// CloseConnection closes the current gateway connection with a close frame
// carrying code (e.g. 4000, resumable) and reason. discordgo v0.29.0 ignores
// the code and always reconnects.
func (s *Server) CloseConnection(code int, reason string) {
	if c := s.currentConn("CloseConnection"); c != nil {
		c.closeWith(code, reason)
	}
}

// RequestReconnect sends op 7 RECONNECT on the current connection; the
// client should reconnect and RESUME.
func (s *Server) RequestReconnect() {
	if c := s.currentConn("RequestReconnect"); c != nil {
		_ = c.write(gwPayload{Op: 7, D: json.RawMessage("null")})
	}
}

// SessionID returns the current gateway session id ("" before IDENTIFY).
func (s *Server) SessionID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return ""
	}
	return s.current.id
}

// Intents returns the intents of the current session's IDENTIFY.
func (s *Server) Intents() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return 0
	}
	return s.current.intents
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
