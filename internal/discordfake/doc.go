// Package discordfake is an in-process fake of Discord for tests: the REST
// API (under /api/v9, the version discordgo v0.29.0 speaks) and the websocket
// gateway, both served by an httptest server on 127.0.0.1.
//
// The real discordgo client talks to it unchanged. discordgo's endpoints are
// package-level https://discord.com/... strings, so the fake is reached by
// giving the session the fake's [Server.Client], whose transport rewrites
// every request for discord.com, discordapp.com (and their subdomains such as
// cdn.discordapp.com) to the fake's scheme and host, keeping path and query.
// discordgo then learns the gateway address from GET /api/v9/gateway, which
// the fake answers with its own ws:// URL:
//
//	fake := discordfake.New(t)
//	s, _ := discordgo.New("Bot " + fake.Token())
//	s.Client = fake.Client()
//	s.Open() // HELLO, IDENTIFY, READY against the fake
//
// Every REST request is recorded ([Server.Requests], [Server.WaitFor]);
// unknown routes answer 404 and are recorded too ([Server.UnknownRequests]).
// Faults can be injected per route ([Server.FailNext], [Server.RateLimitNext]).
// Gateway events are pushed with [Server.Dispatch] and the builders
// ([Server.NewSlashCommand], [Server.NewAutocomplete], [Server.NewComponent],
// [Server.NewMessage]), which produce the JSON real Discord sends: snake_case
// fields, snowflakes as strings, member permissions as a decimal string.
// [Server.DropConnection] cuts the websocket so the client resumes; events
// dispatched while it is away are replayed on RESUME, as Discord does.
//
// Several gateway sessions may hold one token at once, each identified as
// its own shard [id, count]: an event goes only to the session of shard
// (guild_id >> 22) % count ([ShardOf]; direct messages to shard 0), as on
// Discord; [Server.Deliveries] says which shard got what. GET /gateway/bot
// recommends [WithShards] shards. Forum channels (type 15) hold posts
// ([Server.NewForumPost], [Server.DispatchForumPost]) whose tags the bot
// may change (PATCH /channels/{id}); users' edits arrive as MESSAGE_UPDATE
// ([Server.EditMessage], [Server.DispatchMessageUpdate]).
//
// The package imports testing and is meant only for _test.go files.
package discordfake
