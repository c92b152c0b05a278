package discordfake

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"
)

// Sharding, as Discord does it: a bot may hold several gateway sessions
// at once, each identified as shard [id, count]; an event of a guild goes
// to the session of shard (guild_id >> 22) % count only, and events of no
// guild (direct messages) to shard 0. Each shard's session is resumable on
// its own; a new IDENTIFY for a shard replaces the session that held it.

// ShardOf is the shard, of count, that Discord sends guildID's events to:
// (guild_id >> 22) % count. An empty or malformed id (a direct message)
// maps to shard 0.
func ShardOf(guildID string, count int) int {
	if count <= 1 {
		return 0
	}
	id, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil {
		return 0
	}
	return int((id >> 22) % uint64(count))
}

// NewGuildID returns a fresh guild id whose events Discord routes to shard
// of count.
func (s *Server) NewGuildID(shard, count int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		id := s.newIDLocked()
		if ShardOf(id, count) == shard {
			return id
		}
	}
}

// Delivery is one event the fake sent (or queued for replay) to a shard's
// session.
type Delivery struct {
	Type    string // e.g. "MESSAGE_CREATE"
	ID      string // the payload's id: the message's, the interaction's, the thread's
	GuildID string // the payload's guild_id, "" for none
	Shard   [2]int // the receiving session's [shard id, shard count]
	Seq     int64  // the sequence number in that session
}

// Deliveries returns every event dispatched so far with the shard it went
// to, oldest first (READY and RESUMED left out).
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// guildOf reads the top-level guild_id of an event's payload.
func guildOf(raw json.RawMessage) string {
	var v struct {
		GuildID string `json:"guild_id"`
	}
	_ = json.Unmarshal(raw, &v)
	return v.GuildID
}

func idOf(raw json.RawMessage) string {
	var v struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(raw, &v)
	return v.ID
}

// routeLocked returns the sessions that receive an event of guildID: the
// current holder of each shard whose [id, count] owns the guild, in shard
// order. Callers must hold s.mu.
func (s *Server) routeLocked(guildID string) []*gwSession {
	var out []*gwSession
	for key, sess := range s.shards {
		if ShardOf(guildID, key[1]) == key[0] {
			out = append(out, sess)
		}
	}
	slices.SortFunc(out, func(a, b *gwSession) int {
		if a.shard[1] != b.shard[1] {
			return a.shard[1] - b.shard[1]
		}
		return a.shard[0] - b.shard[0]
	})
	return out
}

// deliver sends an event of guildID to the sessions Discord routes it to.
// build makes the payload for a session's intents (it runs with s.mu held
// and must not lock it); ok false leaves that session out. It returns the
// sequence number in the first session that got it, 0 if none did.
func (s *Server) deliver(eventType, guildID string, build func(intents int) (any, bool)) int64 {
	type send struct {
		conn *gwConn
		p    gwPayload
	}
	s.dispatchMu.Lock()
	defer s.dispatchMu.Unlock()
	s.mu.Lock()
	var sends []send
	var first int64
	for _, sess := range s.routeLocked(guildID) {
		v, ok := build(sess.intents)
		if !ok {
			continue
		}
		raw, err := json.Marshal(v)
		if err != nil {
			s.tb.Errorf("discordfake: %s: encode: %v", eventType, err)
			continue
		}
		p := sess.nextLocked(eventType, raw)
		s.deliveries = append(s.deliveries, Delivery{Type: eventType, ID: idOf(raw), GuildID: guildID, Shard: sess.shard, Seq: *p.S})
		sends = append(sends, send{sess.conn, p})
		if first == 0 {
			first = *p.S
		}
	}
	if len(sends) == 0 && len(s.sessions) > 0 {
		s.tb.Logf("discordfake: %s of guild %q reached no shard's session", eventType, guildID)
	}
	s.notifyLocked()
	s.mu.Unlock()
	for _, x := range sends {
		// A failed write kills the connection; the event is replayed on
		// RESUME.
		if x.conn != nil && x.conn.write(x.p) != nil {
			x.conn.abort()
		}
	}
	return first
}

// ShardConnected reports whether shard id of count has a session with a
// live connection.
func (s *Server) ShardConnected(id, count int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shardConnectedLocked(id, count)
}

func (s *Server) shardConnectedLocked(id, count int) bool {
	sess := s.shards[[2]int{id, count}]
	return sess != nil && sess.conn != nil
}

// WaitShard waits until shard id of count has identified and is connected,
// failing tb after timeout. Call it from the test goroutine.
func (s *Server) WaitShard(tb testing.TB, id, count int, timeout time.Duration) {
	tb.Helper()
	s.waitTB(tb, timeout, fmt.Sprintf("shard %d/%d to connect", id, count), func() bool { return s.shardConnectedLocked(id, count) })
}

// WaitShardDisconnected waits until shard id of count has no connection,
// failing tb after timeout. Call it from the test goroutine.
func (s *Server) WaitShardDisconnected(tb testing.TB, id, count int, timeout time.Duration) {
	tb.Helper()
	s.waitTB(tb, timeout, fmt.Sprintf("shard %d/%d to disconnect", id, count), func() bool { return !s.shardConnectedLocked(id, count) })
}

// ShardSessionID is the id of the session holding shard id of count ("" for
// none).
func (s *Server) ShardSessionID(id, count int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sess := s.shards[[2]int{id, count}]; sess != nil {
		return sess.id
	}
	return ""
}

// DropShard cuts the connection of shard id of count without a close frame,
// as DropConnection does for the current session; the shard's session stays
// resumable and events for its guilds are replayed on RESUME.
func (s *Server) DropShard(id, count int) {
	s.mu.Lock()
	sess := s.shards[[2]int{id, count}]
	var c *gwConn
	if sess != nil {
		c = sess.conn
	}
	s.mu.Unlock()
	if c == nil {
		s.tb.Errorf("discordfake: DropShard(%d, %d): no connected session", id, count)
		return
	}
	c.abort()
}
