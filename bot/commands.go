package bot

import (
	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/retrieval"
)

// commands are the slash commands the bot registers and serves. To add
// one, add it here with its handler (a file of its own); nothing else
// routes.
var commands = []command{
	{
		def: &discordgo.ApplicationCommand{
			Name:        "ask",
			Description: "Ask a question about the documents; the answer cites its sections",
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: "question",
				Description: "Your question", Required: true, MaxLength: retrieval.MaxQuestionRunes,
			}},
		},
		run: (*Bot).ask,
	},
	{
		def: &discordgo.ApplicationCommand{
			Name:        "section",
			Description: "Show a section or clause word for word",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "ref", Description: "Reference, e.g. 2.3, 第二部分, 第十九条", Required: true, Autocomplete: true},
				{Type: discordgo.ApplicationCommandOptionString, Name: "doc", Description: "Document (part of its id or title)", Autocomplete: true},
			},
		},
		run:      (*Bot).section,
		complete: (*Bot).completeSection,
	},
	{
		def: &discordgo.ApplicationCommand{Name: "sources", Description: "List the indexed documents"},
		run: (*Bot).sources,
	},
	{
		def: &discordgo.ApplicationCommand{
			Name:                     "upload",
			Description:              "Add a document (.txt or .md) and index it (server managers only)",
			DefaultMemberPermissions: &manageServer,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Description: "The document, UTF-8, UTF-16 or GBK text or Markdown", Required: true},
				{Type: discordgo.ApplicationCommandOptionBoolean, Name: "replace", Description: "Overwrite a document of the same name"},
			},
		},
		admin:  "add documents",
		writes: true,
		run:    (*Bot).upload,
	},
	{
		def: &discordgo.ApplicationCommand{
			Name:                     "reindex",
			Description:              "Re-read the documents and update the index (server managers only)",
			DefaultMemberPermissions: &manageServer,
		},
		admin:  "reindex the documents",
		writes: true,
		run:    (*Bot).reindex,
	},
}

var manageServer int64 = discordgo.PermissionManageGuild

// components are the buttons and menus the bot's messages carry, by the
// prefix of their custom ids.
var components = []component{
	{showPrefix, (*Bot).show},
	{showDigestPrefix, (*Bot).showDigest},
	{votePrefix, (*Bot).vote},
	{sectionPrefix, (*Bot).pickDocument},
	{postPrefix, (*Bot).postButton},
}

// definitions are the commands to register. The admin commands are shown
// only to members with Manage Server, unless an admin role is configured:
// then everyone sees them and the bot checks the role itself.
func (b *Bot) definitions() []*discordgo.ApplicationCommand {
	out := make([]*discordgo.ApplicationCommand, len(commands))
	for n, c := range commands {
		def := *c.def
		if def.DefaultMemberPermissions != nil && b.opts.AdminRole != "" {
			def.DefaultMemberPermissions = nil
		}
		out[n] = &def
	}
	return out
}
