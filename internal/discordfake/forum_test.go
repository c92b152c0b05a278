package discordfake_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/internal/discordfake"
)

func TestForumPost_threadThenStarterMessage(t *testing.T) {
	t.Parallel()
	fake := discordfake.New(t)
	const forumID = "1300000000000000100"
	fake.AddChannel(discordfake.Channel{ID: forumID, Type: discordfake.ChannelGuildForum, GuildID: discordfake.DefaultGuildID, Name: "help",
		AvailableTags: []discordfake.ForumTag{{ID: "1300000000000000101", Name: "Needs help"}, {ID: "1300000000000000102", Name: "Solved"}}})
	threads := make(chan *discordgo.Channel, 4)
	msgs := make(chan *discordgo.Message, 4)
	edits := make(chan *discordgo.Message, 4)
	s := openSession(t, fake, discordgo.IntentsGuilds|discordgo.IntentsGuildMessages|discordgo.IntentMessageContent,
		func(_ *discordgo.Session, c *discordgo.ThreadCreate) { threads <- c.Channel },
		func(_ *discordgo.Session, c *discordgo.ThreadUpdate) { threads <- c.Channel },
		func(_ *discordgo.Session, m *discordgo.MessageCreate) { msgs <- m.Message },
		func(_ *discordgo.Session, m *discordgo.MessageUpdate) { edits <- m.Message },
	)

	th, starter := fake.NewForumPost(discordfake.ForumPostSpec{Place: discordfake.Place{ChannelID: forumID}, Title: "How do I reset my key?", Content: "I lost it."})
	fake.DispatchForumPost(th, starter)
	got := recv(t, threads, "THREAD_CREATE")
	if got.ID != th.ID || got.ParentID != forumID || got.Type != discordgo.ChannelTypeGuildPublicThread || got.OwnerID != discordfake.DefaultUserID || got.Name != "How do I reset my key?" {
		t.Errorf("THREAD_CREATE %+v", got)
	}
	m := recv(t, msgs, "the starter message")
	if m.ID != th.ID || m.ChannelID != th.ID || m.Content != "I lost it." {
		t.Errorf("starter message %+v", m)
	}
	forum, err := s.Channel(forumID)
	if err != nil || forum.Type != discordgo.ChannelTypeGuildForum || len(forum.AvailableTags) != 2 || forum.AvailableTags[0].Name != "Needs help" {
		t.Errorf("GET forum %+v, %v", forum, err)
	}

	// Tags: the forum's, at most 5; THREAD_UPDATE follows.
	tags := []string{"1300000000000000101"}
	if ch, err := s.ChannelEditComplex(th.ID, &discordgo.ChannelEdit{AppliedTags: &tags}); err != nil || len(ch.AppliedTags) != 1 {
		t.Fatalf("tagging: %+v, %v", ch, err)
	}
	if up := recv(t, threads, "THREAD_UPDATE"); len(up.AppliedTags) != 1 || up.AppliedTags[0] != tags[0] {
		t.Errorf("THREAD_UPDATE %+v", up)
	}
	if c, _ := fake.Channel(th.ID); len(c.AppliedTags) != 1 {
		t.Errorf("fake thread tags %v", c.AppliedTags)
	}
	bad := []string{"999"}
	_, err = s.ChannelEditComplex(th.ID, &discordgo.ChannelEdit{AppliedTags: &bad})
	var rerr *discordgo.RESTError
	if !errors.As(err, &rerr) || rerr.Response.StatusCode != http.StatusBadRequest {
		t.Errorf("an unknown tag: %v", err)
	}
	if _, err := s.ChannelEditComplex(forumID, &discordgo.ChannelEdit{AppliedTags: &tags}); err == nil {
		t.Error("tags on the forum itself were accepted")
	}

	// An edit arrives as MESSAGE_UPDATE with the new text.
	fake.DispatchMessageUpdate(fake.EditMessage(starter.ID, "I lost it, and my backup."))
	if e := recv(t, edits, "MESSAGE_UPDATE"); e.ID != starter.ID || e.Content != "I lost it, and my backup." || e.EditedTimestamp == nil {
		t.Errorf("MESSAGE_UPDATE %+v", e)
	}
	noUnknown(t, fake)
}

func TestNewMessage_systemBotsAndAttachments(t *testing.T) {
	t.Parallel()
	fake := discordfake.New(t)
	msgs := make(chan *discordgo.Message, 4)
	openSession(t, fake, discordgo.IntentsGuildMessages|discordgo.IntentMessageContent, func(_ *discordgo.Session, m *discordgo.MessageCreate) { msgs <- m.Message })
	att := fake.NewAttachment("shot.png", "image/png", []byte("png"))
	fake.DispatchMessageCreate(fake.NewMessage(discordfake.MessageSpec{Type: 7, Attachments: []discordfake.Attachment{*att},
		Place: discordfake.Place{User: &discordfake.User{ID: "55", Username: "other", Bot: true}}}))
	m := recv(t, msgs, "the message")
	if m.Type != discordgo.MessageTypeGuildMemberJoin || !m.Author.Bot || len(m.Attachments) != 1 || m.Attachments[0].Filename != "shot.png" {
		t.Errorf("message %+v, author %+v, attachments %+v", m, m.Author, m.Attachments)
	}
}
