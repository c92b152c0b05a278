package bot

import (
	"sync"
	"time"
)

// DefaultRateLimit is the number of questions a user may ask per minute
// when Options.RateLimit is zero.
const DefaultRateLimit = 5

// rateWindow is the sliding window of the per-user rate limit.
const rateWindow = time.Minute

// limiter is a per-user sliding-window rate limiter.
type limiter struct {
	mu   sync.Mutex
	max  int
	now  func() time.Time
	seen map[string][]time.Time
}

func newLimiter(max int, now func() time.Time) *limiter {
	if max <= 0 {
		max = DefaultRateLimit
	}
	if now == nil {
		now = time.Now
	}
	return &limiter{max: max, now: now, seen: map[string][]time.Time{}}
}

// allow records a question by user and reports whether it is within the
// limit; refused questions are not recorded.
func (l *limiter) allow(user string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	cut := t.Add(-rateWindow)
	ts := l.seen[user]
	k := 0
	for _, x := range ts {
		if x.After(cut) {
			ts[k] = x
			k++
		}
	}
	ts = ts[:k]
	if len(ts) >= l.max {
		l.seen[user] = ts
		return false
	}
	l.seen[user] = append(ts, t)
	// Forget idle users now and then so the map stays small.
	if len(l.seen) > 10000 {
		for u, v := range l.seen {
			if len(v) == 0 || !v[len(v)-1].After(cut) {
				delete(l.seen, u)
			}
		}
	}
	return true
}

const rateMessage = "You're asking questions a little fast — please wait a minute and try again."
