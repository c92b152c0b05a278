// Package bot serves qabot on Discord: the slash commands /ask, /section,
// /sources, /upload and /reindex, questions that mention the bot (answered
// in a thread, with follow-ups there), ask channels and forums answered on
// their own, and the buttons under answers; over one gateway connection or
// several shards. It answers from a Library (retrieval.Library in
// production, possibly a read-only replica) and is the only package that
// imports discordgo.
//
// Where things are: the command table (commands.go) names every command
// and component with its handler, one file per command or concern (ask.go,
// section.go, sources.go, upload.go, admin.go for /reindex and who may run
// it, buttons.go, feedback.go, mentions.go, askchannels.go, forum.go for
// the buttons under a post's answer); shards.go connects the gateway
// shards, once.go keeps each event answered once; router.go routes an
// interaction to its handler and words.go is where errors become words
// for the user; reply.go sends, split.go and format.go make the messages
// within Discord's limits (limits.go); discord.go is the REST seam the
// tests record.
package bot
