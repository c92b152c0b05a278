// Package bot serves qabot on Discord: the /ask and /section slash commands,
// answered from a retrieval.Engine. It is the only package that imports
// discordgo.
package bot
