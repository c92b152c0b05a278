package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// Custom ids of the buttons under the answer to a forum post.
const (
	postPrefix   = "post:"
	postAnswered = "answered"
	postHelp     = "help"
)

// maxAppliedTags is how many tags Discord lets a forum post carry.
const maxAppliedTags = 5

// postButtons are the "✅ Answered" / "Still need help" pair.
func postButtons() discordgo.MessageComponent {
	return discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Answered", Emoji: &discordgo.ComponentEmoji{Name: "✅"}, Style: discordgo.SuccessButton, CustomID: postPrefix + postAnswered},
		discordgo.Button{Label: "Still need help", Style: discordgo.SecondaryButton, CustomID: postPrefix + postHelp},
	}}
}

// postButton answers the buttons under a post's answer, pressed by the
// post's author or a manager: "Still need help" adds the help tag
// (Options.ForumHelpTag) to the post, so that people see it needs a human;
// "Answered" takes it off again.
func (b *Bot) postButton(_ context.Context, r *request, arg string, _ []string) error {
	if arg != postAnswered && arg != postHelp {
		return errStale
	}
	post, err := b.d.channel(r.i.ChannelID)
	if err != nil {
		return fmt.Errorf("post button: %w", err)
	}
	if !post.IsThread() {
		return errStale
	}
	if r.user() != post.OwnerID && !b.isAdmin(r.i) {
		return tell("Only the post's author or a server manager can mark it.")
	}
	tag, name, err := b.helpTag(post.ParentID)
	if err != nil {
		return err
	}
	has := tag != "" && slices.Contains(post.AppliedTags, tag)
	switch {
	case arg == postAnswered && has:
		tags := slices.DeleteFunc(slices.Clone(post.AppliedTags), func(t string) bool { return t == tag })
		if err := b.d.editChannel(post.ID, &discordgo.ChannelEdit{AppliedTags: &tags}); err != nil {
			return fmt.Errorf("untag the post: %w", err)
		}
		return r.say(fmt.Sprintf("Thanks! Marked as answered; the “%s” tag is off.", name), true)
	case arg == postAnswered:
		return r.say("Thanks! Marked as answered.", true)
	case tag == "":
		return r.say("Noted. This server has no help tag set up, so the post is not tagged; someone may still have a look.", true)
	case has:
		return r.say(fmt.Sprintf("This post is tagged “%s” already.", name), true)
	case len(post.AppliedTags) >= maxAppliedTags:
		return tell("This post has %d tags already, Discord's limit; remove one and press again.", maxAppliedTags)
	}
	tags := append(slices.Clone(post.AppliedTags), tag)
	if err := b.d.editChannel(post.ID, &discordgo.ChannelEdit{AppliedTags: &tags}); err != nil {
		return fmt.Errorf("tag the post: %w", err)
	}
	return r.say(fmt.Sprintf("Tagged “%s”, so that people see this post needs a human.", name), true)
}

// helpTag is the id and name of the forum's help tag: the tag whose id or
// name (in any case) is Options.ForumHelpTag; "" when none is configured.
func (b *Bot) helpTag(forumID string) (id, name string, err error) {
	want := strings.TrimSpace(b.opts.ForumHelpTag)
	if want == "" {
		return "", "", nil
	}
	forum, err := b.d.channel(forumID)
	if err != nil {
		return "", "", fmt.Errorf("post button: %w", err)
	}
	var names []string
	for _, t := range forum.AvailableTags {
		if t.ID == want || strings.EqualFold(t.Name, want) {
			return t.ID, t.Name, nil
		}
		names = append(names, t.Name)
	}
	b.log.Warn("QABOT_FORUM_HELP_TAG names no tag of the forum", "tag", want, "forum", forumID, "tags", strings.Join(names, ", "))
	return "", "", tell("This forum has no “%s” tag; a server manager can add it (or set the tag I use).", clipped(want))
}
