package bot

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// command is one slash command: what Discord is told of it, who may run
// it, its handler and, for options that autocomplete, its completer. The
// table of them (commands.go) is all there is to adding a command.
type command struct {
	def *discordgo.ApplicationCommand
	// admin, when set, limits the command to server managers and the admin
	// role; it says what they may do, for the refusal ("reindex the
	// documents").
	admin string
	// writes marks a command that changes the documents: a read-only
	// replica refuses it.
	writes   bool
	run      func(b *Bot, ctx context.Context, r *request, o options) error
	complete func(b *Bot, o options) []*discordgo.ApplicationCommandOptionChoice
}

// component is the handler of the buttons and menus whose custom ids start
// with prefix; arg is the rest of the id, values what a menu chose.
type component struct {
	prefix string
	run    func(b *Bot, ctx context.Context, r *request, arg string, values []string) error
}

// options are a command's options by name.
type options map[string]*discordgo.ApplicationCommandInteractionDataOption

func optionsOf(data discordgo.ApplicationCommandInteractionData) options {
	o := options{}
	for _, opt := range data.Options {
		o[opt.Name] = opt
	}
	return o
}

// str is a string option's value, "" when absent.
func (o options) str(name string) string {
	if opt, ok := o[name]; ok {
		if s, ok := opt.Value.(string); ok {
			return s
		}
	}
	return ""
}

// boolean is a boolean option's value, false when absent.
func (o options) boolean(name string) bool {
	if opt, ok := o[name]; ok {
		if v, ok := opt.Value.(bool); ok {
			return v
		}
	}
	return false
}

// focused is the option being typed in an autocomplete interaction.
func (o options) focused() string {
	for name, opt := range o {
		if opt.Focused {
			return name
		}
	}
	return ""
}

// interaction routes an interaction to its handler by command name or
// custom-id prefix, and words any error it returns for the user.
func (b *Bot) interaction(ctx context.Context, r *request) error {
	switch r.i.Type {
	case discordgo.InteractionApplicationCommand:
		data := r.i.ApplicationCommandData()
		c, ok := b.command(data.Name)
		if !ok {
			return tell("I don't know this command any more; Discord may still be showing an old list.")
		}
		if c.admin != "" && !b.isAdmin(r.i) {
			return tell("Sorry, only server managers can %s.", c.admin)
		}
		if c.writes && b.opts.ReadOnly {
			return tell(errReadOnly, c.admin)
		}
		return c.run(b, ctx, r, optionsOf(data))
	case discordgo.InteractionApplicationCommandAutocomplete:
		data := r.i.ApplicationCommandData()
		var choices []*discordgo.ApplicationCommandOptionChoice
		if c, ok := b.command(data.Name); ok && c.complete != nil {
			choices = c.complete(b, optionsOf(data))
		}
		if choices == nil {
			choices = []*discordgo.ApplicationCommandOptionChoice{} // Discord wants a list, if empty
		}
		return r.d.respond(r.i, &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: choices[:min(len(choices), maxChoices)]},
		})
	case discordgo.InteractionMessageComponent:
		data := r.i.MessageComponentData()
		for _, c := range components {
			if arg, ok := strings.CutPrefix(data.CustomID, c.prefix); ok {
				return c.run(b, ctx, r, arg, data.Values)
			}
		}
		return errStale
	}
	return nil
}

func (b *Bot) command(name string) (command, bool) {
	for _, c := range commands {
		if c.def.Name == name {
			return c, true
		}
	}
	return command{}, false
}

// onInteraction serves one interaction: guarded, and an error's words go
// to its user (an autocomplete's only to the log: it has no one to tell).
func (b *Bot) onInteraction(ctx context.Context, i *discordgo.Interaction) {
	if !b.seen.add("interaction/" + i.ID) {
		return // delivered again: answered once
	}
	r := &request{d: b.d, i: i}
	what := "interaction"
	if i.Type == discordgo.InteractionApplicationCommand || i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		what = "/" + i.ApplicationCommandData().Name
	}
	b.guard(ctx, func(ctx context.Context) error { return b.interaction(ctx, r) }, func(err error) {
		msg := b.words(what, err)
		if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
			return
		}
		if err := r.say(msg, true); err != nil {
			b.log.Error("could not tell the user", "interaction", i.ID, "err", err)
		}
	})
}

// onMessage serves one message (edit: its edit): guarded, and an error's
// words go to its author when the message was meant for the bot.
func (b *Bot) onMessage(ctx context.Context, m *discordgo.Message, edit bool) {
	meant := false
	b.guard(ctx, func(ctx context.Context) error {
		var err error
		meant, err = b.message(ctx, m, edit)
		return err
	}, func(err error) {
		msg := b.words("message", err)
		if b.notForMe(m) == "" && (meant || mentions(m, b.botID)) {
			b.replyTo(m, msg)
		}
	})
}

// guard runs one handler: counted as in flight and bounded in time; an
// error it returns, or a panic in it, goes to onErr instead of killing
// the bot. At shutdown new work is turned away.
func (b *Bot) guard(ctx context.Context, fn func(context.Context) error, onErr func(error)) {
	b.mu.Lock()
	if b.closing {
		b.mu.Unlock()
		onErr(errRestarting)
		return
	}
	b.inflight.Add(1)
	b.mu.Unlock()
	defer b.inflight.Done()
	defer func() {
		if p := recover(); p != nil {
			onErr(fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
		}
	}()
	ctx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	if err := fn(ctx); err != nil {
		onErr(err)
	}
}
