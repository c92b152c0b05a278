package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Sharding is which of the bot's gateway shards a process runs. Discord
// sends each guild's events to shard (guild_id >> 22) % count only, and
// requires sharding from 2,500 guilds; several processes may each run
// their own shards of one bot.
type Sharding struct {
	// Auto asks Discord for the shard count it recommends (GET
	// /gateway/bot) and runs every shard in this process.
	Auto bool
	// ID of Count is the one shard this process runs; a Count of 0 or 1
	// is one connection, unsharded.
	ID, Count int
}

// ParseSharding reads "I/N" (shard I of N, 0 ≤ I < N) or "auto"; "" is
// unsharded.
func ParseSharding(s string) (Sharding, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return Sharding{}, nil
	case strings.EqualFold(s, "auto"):
		return Sharding{Auto: true}, nil
	}
	i, n, ok := strings.Cut(s, "/")
	id, err1 := strconv.Atoi(strings.TrimSpace(i))
	count, err2 := strconv.Atoi(strings.TrimSpace(n))
	if !ok || err1 != nil || err2 != nil || count < 1 || id < 0 || id >= count {
		return Sharding{}, fmt.Errorf("a shard is I/N with 0 ≤ I < N (e.g. 0/2, 1/2) or auto, not %q", s)
	}
	return Sharding{ID: id, Count: count}, nil
}

func (s Sharding) String() string {
	if s.Auto {
		return "auto"
	}
	return fmt.Sprintf("%d/%d", s.ID, max(s.Count, 1))
}

// identifyEvery is how long Discord wants between identifies of shards
// with the same rate-limit key (shard id % max_concurrency).
const identifyEvery = 5 * time.Second

// shardPlan is what a process runs: its shard ids of count, how many may
// identify at once, and how many rounds of identifyEvery it waits first.
type shardPlan struct {
	ids         []int
	count       int
	concurrency int
	rounds      int
}

// plan asks Discord for the recommended count when the sharding is auto,
// and for max_concurrency when this process runs one shard of several:
// shard I, started with the others, waits I / max_concurrency rounds, so
// that shards of one rate-limit key (I % max_concurrency) identify five
// seconds apart, as Discord requires, without the processes talking.
func (b *Bot) plan() (shardPlan, error) {
	sh := b.opts.Shard
	if !sh.Auto {
		p := shardPlan{ids: []int{sh.ID}, count: max(sh.Count, 1), concurrency: 1}
		if p.count > 1 && sh.ID > 0 {
			gb, err := b.s.GatewayBot()
			if err != nil {
				b.log.Warn("GET /gateway/bot failed; identifying at once", "err", redact(err.Error(), b.s.Token))
				return p, nil
			}
			p.rounds = sh.ID / max(gb.SessionStartLimit.MaxConcurrency, 1)
		}
		return p, nil
	}
	gb, err := b.s.GatewayBot()
	if err != nil {
		return shardPlan{}, fmt.Errorf("asking Discord for its recommended shard count (GET /gateway/bot): %s", redact(err.Error(), b.s.Token))
	}
	p := shardPlan{count: max(gb.Shards, 1), concurrency: max(gb.SessionStartLimit.MaxConcurrency, 1)}
	for id := range p.count {
		p.ids = append(p.ids, id)
	}
	if gb.SessionStartLimit.Total > 0 && gb.SessionStartLimit.Remaining < p.count {
		b.log.Warn("Discord allows fewer identifies today than there are shards; some may not connect",
			"remaining", gb.SessionStartLimit.Remaining, "shards", p.count)
	}
	return p, nil
}

// String names the plan's shards, e.g. "1/2" or "0-3/4".
func (p shardPlan) String() string {
	if len(p.ids) > 1 && p.ids[len(p.ids)-1]-p.ids[0] == len(p.ids)-1 {
		return fmt.Sprintf("%d-%d/%d", p.ids[0], p.ids[len(p.ids)-1], p.count)
	}
	var ids []string
	for _, id := range p.ids {
		ids = append(ids, strconv.Itoa(id))
	}
	return strings.Join(ids, ",") + "/" + strconv.Itoa(p.count)
}

// registers reports whether this process registers the slash commands:
// the one that runs shard 0, so that they are registered once, not once
// per shard.
func (p shardPlan) registers() bool { return slices.Contains(p.ids, 0) }

// sessions makes a session per shard of the plan, the first being b.s;
// the others share its token, HTTP client and settings.
func (b *Bot) sessions(p shardPlan) ([]*discordgo.Session, error) {
	out := make([]*discordgo.Session, len(p.ids))
	for n, id := range p.ids {
		s := b.s
		if n > 0 {
			var err error
			if s, err = discordgo.New(b.s.Token); err != nil {
				return nil, errors.New("creating a Discord session failed")
			}
			s.Client, s.LogLevel, s.UserAgent = b.s.Client, b.s.LogLevel, b.s.UserAgent
		}
		s.ShardID, s.ShardCount = id, p.count
		s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages
		if !b.opts.NoMessageContent {
			s.Identify.Intents |= discordgo.IntentsMessageContent
		}
		out[n] = s
	}
	return out, nil
}

// errStopped is open's answer when ctx ended while it waited its turn.
var errStopped = errors.New("stopped before connecting")

// open connects each session in turn (Open returns once Discord said
// READY), at most p.concurrency in a row before waiting identifyEvery, as
// Discord asks; on failure the ones opened are closed again.
func (b *Bot) open(ctx context.Context, p shardPlan, ss []*discordgo.Session) error {
	if p.rounds > 0 {
		b.log.Info("waiting for the shards before this one to identify", "shard", ss[0].ShardID, "seconds", p.rounds*int(identifyEvery/time.Second))
	}
	turn := func() bool {
		select {
		case <-b.identifyWait():
			return true
		case <-ctx.Done():
			return false
		}
	}
	for range p.rounds {
		if !turn() {
			return errStopped
		}
	}
	for n, s := range ss {
		if n > 0 && n%p.concurrency == 0 && !turn() {
			for _, o := range ss[:n] {
				_ = o.Close()
			}
			return errStopped
		}
		if err := s.Open(); err != nil {
			for _, o := range ss[:n] {
				_ = o.Close()
			}
			return openError(err, s)
		}
	}
	return nil
}

// openError words what Discord's gateway refused.
func openError(err error, s *discordgo.Session) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "4014"):
		return errors.New("discord refused the Message Content intent (close 4014): enable it in the developer portal (Bot → Privileged Gateway Intents), or set QABOT_MESSAGE_CONTENT=off to run without follow-ups in threads")
	case strings.Contains(msg, "4011"):
		return errors.New("discord requires sharding for this bot (close 4011: it is in too many servers for one connection): run with --shard auto, or --shard I/N in each of N processes")
	case strings.Contains(msg, "4010"):
		return fmt.Errorf("discord refused shard %d/%d (close 4010)", s.ShardID, s.ShardCount)
	}
	return fmt.Errorf("connecting shard %d/%d to the gateway: %s", s.ShardID, max(s.ShardCount, 1), redact(msg, s.Token))
}
