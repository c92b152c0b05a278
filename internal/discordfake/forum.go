package discordfake

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"
	"unicode/utf8"
)

// Forum channels (type 15) hold posts: each post is a public thread of the
// forum, owned by its author, whose starter message has the thread's id.
// Discord sends THREAD_CREATE (to sessions with the GUILDS intent) and then
// the starter message's MESSAGE_CREATE. A post's tags (applied_tags) are
// ids of the forum's available_tags, at most 5, changed with PATCH
// /channels/{thread}.

// maxAppliedTags is how many tags Discord lets a post carry.
const maxAppliedTags = 5

// ForumPostSpec describes a new post in a forum channel.
type ForumPostSpec struct {
	// Place's ChannelID is the forum's id; the forum must be known
	// (AddChannel with Type ChannelGuildForum).
	Place
	Title       string
	Content     string
	AppliedTags []string
	Attachments []Attachment
}

// NewForumPost creates a post: its thread and its starter message, whose id
// is the thread's. Dispatch them with DispatchForumPost.
func (s *Server) NewForumPost(spec ForumPostSpec) (Channel, *Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	forum := s.channels[spec.ChannelID]
	if forum == nil || forum.Type != ChannelGuildForum {
		s.tb.Errorf("discordfake: NewForumPost: channel %q is not a known forum", spec.ChannelID)
		return Channel{}, nil
	}
	p := spec.Place
	p.GuildID = forum.GuildID
	guildID, _, member, u := s.resolveLocked(&p)
	id := s.newIDLocked()
	now := discordTime(time.Now())
	th := &Channel{
		ID: id, Type: ChannelPublicThread, GuildID: guildID, Name: spec.Title,
		ParentID: strPtr(forum.ID), OwnerID: u.ID, LastMessageID: strPtr(id),
		MessageCount: ptr(0), MemberCount: ptr(1), TotalMessageSent: ptr(0),
		ThreadMetadata: &ThreadMetadata{AutoArchiveDuration: 4320, ArchiveTimestamp: now},
		AppliedTags:    append([]string{}, spec.AppliedTags...),
	}
	s.channels[id] = th
	m := &Message{
		ID: id, ChannelID: id, GuildID: guildID, Author: u, Content: spec.Content, Timestamp: now,
		Mentions: []*User{}, MentionRoles: []string{}, Attachments: attachmentsJSON(spec.Attachments),
		Embeds: []json.RawMessage{}, Components: []json.RawMessage{},
	}
	if member != nil {
		mm := *member
		mm.User, mm.Permissions = nil, ""
		m.Member = &mm
	}
	s.messages[id] = copyMessage(m)
	return *th, m
}

// DispatchForumPost sends what Discord sends for a new post: THREAD_CREATE
// (newly_created) to the sessions with the GUILDS intent, then the starter
// message's MESSAGE_CREATE under DispatchMessageCreate's intent rules. It
// returns the sequence number of the MESSAGE_CREATE (0 if not sent).
func (s *Server) DispatchForumPost(thread Channel, starter *Message) int64 {
	ev := struct {
		Channel
		NewlyCreated bool `json:"newly_created"`
	}{thread, true}
	s.deliver("THREAD_CREATE", thread.GuildID, func(intents int) (any, bool) { return ev, intents&intentGuilds != 0 })
	return s.dispatchMessage("MESSAGE_CREATE", starter)
}

// EditMessage changes a user's message's content, as its author would, and
// returns it; send the MESSAGE_UPDATE with DispatchMessageUpdate.
func (s *Server) EditMessage(id, content string) *Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.messages[id]
	if m == nil {
		s.tb.Errorf("discordfake: EditMessage: unknown message %s", id)
		return nil
	}
	m.Content = content
	m.EditedTimestamp = strPtr(discordTime(time.Now()))
	return copyMessage(m)
}

// DispatchMessageUpdate sends a MESSAGE_UPDATE with m (the whole message, as
// Discord sends it), under DispatchMessageCreate's intent rules.
func (s *Server) DispatchMessageUpdate(m *Message) int64 {
	return s.dispatchMessage("MESSAGE_UPDATE", m)
}

// attachmentsJSON is the attachments field of a message.
func attachmentsJSON(as []Attachment) []json.RawMessage {
	out := []json.RawMessage{}
	for _, a := range as {
		b, _ := json.Marshal(a)
		out = append(out, b)
	}
	return out
}

// editChannel is PATCH /channels/{channel}: a thread's name, tags
// (applied_tags, ids of its forum's available tags) and archived/locked
// flags; a channel's name. Threads get THREAD_UPDATE, others
// CHANNEL_UPDATE.
func (s *Server) editChannel(c *call) apiResult {
	var b struct {
		Name        *string   `json:"name"`
		AppliedTags *[]string `json:"applied_tags"`
		Archived    *bool     `json:"archived"`
		Locked      *bool     `json:"locked"`
	}
	if e := c.decode(&b); e != nil {
		return *e
	}
	if b.Name != nil {
		if n := utf8.RuneCountInString(*b.Name); n < 1 || n > 100 {
			return formError("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
		}
	}
	s.mu.Lock()
	ch := s.channels[c.param("channel")]
	if ch == nil {
		s.mu.Unlock()
		return unknownChannel()
	}
	thread := ch.Type == ChannelPublicThread
	if b.AppliedTags != nil {
		var forum *Channel
		if thread && ch.ParentID != nil {
			forum = s.channels[*ch.ParentID]
		}
		if forum == nil || forum.Type != ChannelGuildForum {
			s.mu.Unlock()
			return formError("applied_tags", "BASE_TYPE_INVALID", "Only posts in a forum channel have tags.")
		}
		if len(*b.AppliedTags) > maxAppliedTags {
			s.mu.Unlock()
			return formError("applied_tags", "BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.")
		}
		for _, id := range *b.AppliedTags {
			if !slices.ContainsFunc(forum.AvailableTags, func(t ForumTag) bool { return t.ID == id }) {
				s.mu.Unlock()
				return formError("applied_tags", "CHANNEL_INVALID_FORUM_TAG", "A tag is not one of the forum's tags.")
			}
		}
		ch.AppliedTags = append([]string{}, *b.AppliedTags...)
	}
	if b.Name != nil {
		ch.Name = *b.Name
	}
	if md := ch.ThreadMetadata; md != nil {
		if b.Archived != nil {
			md.Archived = *b.Archived
		}
		if b.Locked != nil {
			md.Locked = *b.Locked
		}
	}
	out := *ch
	if md := ch.ThreadMetadata; md != nil {
		out.ThreadMetadata = ptr(*md)
	}
	s.mu.Unlock()
	ev := "CHANNEL_UPDATE"
	if thread {
		ev = "THREAD_UPDATE"
	}
	s.deliver(ev, out.GuildID, func(intents int) (any, bool) { return out, intents&intentGuilds != 0 })
	return apiResult{http.StatusOK, out}
}
