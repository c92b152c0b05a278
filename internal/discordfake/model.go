package discordfake

import (
	"encoding/json"
	"time"
)

// Interaction types as Discord numbers them.
const (
	InteractionPing                           = 1
	InteractionApplicationCommand             = 2
	InteractionMessageComponent               = 3
	InteractionApplicationCommandAutocomplete = 4
	InteractionModalSubmit                    = 5
)

// Application command option types as Discord numbers them.
const (
	OptionSubCommand      = 1
	OptionSubCommandGroup = 2
	OptionString          = 3
	OptionInteger         = 4
	OptionBoolean         = 5
	OptionUser            = 6
	OptionChannel         = 7
	OptionRole            = 8
	OptionMentionable     = 9
	OptionNumber          = 10
	OptionAttachment      = 11
)

// Channel types used by the fake.
const (
	ChannelGuildText    = 0
	ChannelDM           = 1
	ChannelPublicThread = 11
	ChannelGuildForum   = 15
)

// Component types.
const (
	ComponentActionRow  = 1
	ComponentButton     = 2
	ComponentStringMenu = 3
)

// User is a Discord user object.
type User struct {
	ID            string  `json:"id"`
	Username      string  `json:"username"`
	GlobalName    *string `json:"global_name"`
	Discriminator string  `json:"discriminator"`
	Avatar        *string `json:"avatar"`
	Bot           bool    `json:"bot,omitempty"`
	PublicFlags   int     `json:"public_flags"`
	// Member is set on users in a MESSAGE_CREATE's mentions (partial member).
	Member *Member `json:"member,omitempty"`
}

// Member is a Discord guild member object. Permissions is the member's
// permission bit set in the channel, as a decimal string (only present in
// interactions).
type Member struct {
	User        *User    `json:"user,omitempty"`
	Nick        *string  `json:"nick"`
	Avatar      *string  `json:"avatar"`
	Roles       []string `json:"roles"`
	JoinedAt    string   `json:"joined_at"`
	Deaf        bool     `json:"deaf"`
	Mute        bool     `json:"mute"`
	Flags       int      `json:"flags"`
	Pending     bool     `json:"pending"`
	Permissions string   `json:"permissions,omitempty"`
}

// Role is a Discord role object. Permissions is a decimal string.
type Role struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Color       int    `json:"color"`
	Hoist       bool   `json:"hoist"`
	Position    int    `json:"position"`
	Permissions string `json:"permissions"`
	Managed     bool   `json:"managed"`
	Mentionable bool   `json:"mentionable"`
	Flags       int    `json:"flags"`
}

// ThreadMetadata is the thread_metadata of a thread channel.
type ThreadMetadata struct {
	Archived            bool   `json:"archived"`
	AutoArchiveDuration int    `json:"auto_archive_duration"`
	ArchiveTimestamp    string `json:"archive_timestamp"`
	Locked              bool   `json:"locked"`
	Invitable           *bool  `json:"invitable,omitempty"`
}

// Channel is a Discord channel object (guild text channel or thread).
type Channel struct {
	ID               string          `json:"id"`
	Type             int             `json:"type"`
	GuildID          string          `json:"guild_id,omitempty"`
	Name             string          `json:"name,omitempty"`
	ParentID         *string         `json:"parent_id,omitempty"`
	OwnerID          string          `json:"owner_id,omitempty"`
	Position         int             `json:"position,omitempty"`
	Topic            *string         `json:"topic,omitempty"`
	NSFW             bool            `json:"nsfw,omitempty"`
	LastMessageID    *string         `json:"last_message_id,omitempty"`
	RateLimitPerUser int             `json:"rate_limit_per_user"`
	Flags            int             `json:"flags"`
	Permissions      string          `json:"permissions,omitempty"`
	MessageCount     *int            `json:"message_count,omitempty"`
	MemberCount      *int            `json:"member_count,omitempty"`
	ThreadMetadata   *ThreadMetadata `json:"thread_metadata,omitempty"`
	TotalMessageSent *int            `json:"total_message_sent,omitempty"`
	// AvailableTags are a forum channel's tags; AppliedTags the ids of
	// those applied to one of its posts (a thread).
	AvailableTags []ForumTag `json:"available_tags,omitempty"`
	AppliedTags   []string   `json:"applied_tags,omitempty"`
}

// ForumTag is a tag of a forum channel.
type ForumTag struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Moderated bool    `json:"moderated"`
	EmojiID   *string `json:"emoji_id"`
	EmojiName *string `json:"emoji_name"`
}

// MessageReference is the message_reference of a reply.
type MessageReference struct {
	Type            int    `json:"type"`
	MessageID       string `json:"message_id,omitempty"`
	ChannelID       string `json:"channel_id,omitempty"`
	GuildID         string `json:"guild_id,omitempty"`
	FailIfNotExists *bool  `json:"fail_if_not_exists,omitempty"`
}

// MessageInteractionMetadata is the interaction_metadata of an interaction
// response message.
type MessageInteractionMetadata struct {
	ID   string `json:"id"`
	Type int    `json:"type"`
	User *User  `json:"user"`
	Name string `json:"name,omitempty"`
}

// Message is a Discord message object. Embeds and Components are kept as
// raw JSON, exactly as the client sent them.
type Message struct {
	ID                  string                      `json:"id"`
	Type                int                         `json:"type"`
	ChannelID           string                      `json:"channel_id"`
	GuildID             string                      `json:"guild_id,omitempty"`
	Author              *User                       `json:"author"`
	Member              *Member                     `json:"member,omitempty"`
	Content             string                      `json:"content"`
	Timestamp           string                      `json:"timestamp"`
	EditedTimestamp     *string                     `json:"edited_timestamp"`
	TTS                 bool                        `json:"tts"`
	MentionEveryone     bool                        `json:"mention_everyone"`
	Mentions            []*User                     `json:"mentions"`
	MentionRoles        []string                    `json:"mention_roles"`
	Attachments         []json.RawMessage           `json:"attachments"`
	Embeds              []json.RawMessage           `json:"embeds"`
	Components          []json.RawMessage           `json:"components"`
	Pinned              bool                        `json:"pinned"`
	Flags               int                         `json:"flags"`
	WebhookID           string                      `json:"webhook_id,omitempty"`
	ApplicationID       string                      `json:"application_id,omitempty"`
	MessageReference    *MessageReference           `json:"message_reference,omitempty"`
	ReferencedMessage   *Message                    `json:"referenced_message,omitempty"`
	InteractionMetadata *MessageInteractionMetadata `json:"interaction_metadata,omitempty"`
	Thread              *Channel                    `json:"thread,omitempty"`
	Nonce               json.RawMessage             `json:"nonce,omitempty"`
}

// CommandOption is an option value in an interaction's data.options (and
// nested options of subcommands). Value is a string, a number or a bool as
// Discord sends it; snowflake options (user, channel, role) carry the id
// string. Focused marks the option being typed in an autocomplete.
type CommandOption struct {
	Name    string          `json:"name"`
	Type    int             `json:"type"`
	Value   any             `json:"value,omitempty"`
	Options []CommandOption `json:"options,omitempty"`
	Focused bool            `json:"focused,omitempty"`
}

// Resolved is the resolved map of an interaction's data.
type Resolved struct {
	Users    map[string]*User    `json:"users,omitempty"`
	Members  map[string]*Member  `json:"members,omitempty"`
	Roles    map[string]*Role    `json:"roles,omitempty"`
	Channels map[string]*Channel `json:"channels,omitempty"`
	// Attachments are the files of attachment options, by id.
	Attachments map[string]*Attachment `json:"attachments,omitempty"`
}

// Attachment is an uploaded file as Discord describes it.
type Attachment struct {
	ID          string `json:"id"`
	Filename    string `json:"filename"`
	Size        int    `json:"size"`
	URL         string `json:"url"`
	ProxyURL    string `json:"proxy_url"`
	ContentType string `json:"content_type,omitempty"`
}

// InteractionData is an interaction's data: the command fields for
// APPLICATION_COMMAND and autocomplete interactions, the component fields
// (CustomID, ComponentType, Values) for MESSAGE_COMPONENT ones.
type InteractionData struct {
	ID            string          `json:"id,omitempty"`
	Name          string          `json:"name,omitempty"`
	Type          int             `json:"type,omitempty"`
	GuildID       string          `json:"guild_id,omitempty"`
	Options       []CommandOption `json:"options,omitempty"`
	Resolved      *Resolved       `json:"resolved,omitempty"`
	TargetID      string          `json:"target_id,omitempty"`
	CustomID      string          `json:"custom_id,omitempty"`
	ComponentType int             `json:"component_type,omitempty"`
	Values        []string        `json:"values,omitempty"`
}

// Interaction is the payload of an INTERACTION_CREATE event. The builders
// fill it with a fresh ID and Token; it can be adjusted before dispatching.
type Interaction struct {
	ID                           string            `json:"id"`
	ApplicationID                string            `json:"application_id"`
	Type                         int               `json:"type"`
	Data                         *InteractionData  `json:"data,omitempty"`
	GuildID                      string            `json:"guild_id,omitempty"`
	Channel                      *Channel          `json:"channel,omitempty"`
	ChannelID                    string            `json:"channel_id,omitempty"`
	Member                       *Member           `json:"member,omitempty"`
	User                         *User             `json:"user,omitempty"`
	Token                        string            `json:"token"`
	Version                      int               `json:"version"`
	Message                      *Message          `json:"message,omitempty"`
	AppPermissions               string            `json:"app_permissions"`
	Locale                       string            `json:"locale,omitempty"`
	GuildLocale                  string            `json:"guild_locale,omitempty"`
	Entitlements                 []json.RawMessage `json:"entitlements"`
	AuthorizingIntegrationOwners map[string]string `json:"authorizing_integration_owners"`
	Context                      int               `json:"context"`
}

// ApplicationCommand is an application command as the fake stores and
// returns it; fields the fake does not interpret are kept in Raw.
type ApplicationCommand struct {
	ID            string `json:"id"`
	ApplicationID string `json:"application_id"`
	GuildID       string `json:"guild_id,omitempty"`
	Name          string `json:"name"`
	Type          int    `json:"type"`
	Version       string `json:"version"`
	// Raw is the command as the client last sent it.
	Raw json.RawMessage `json:"-"`
}

// MarshalJSON returns the client's command JSON with the server-assigned
// fields (id, application_id, guild_id, type, version) set.
func (c ApplicationCommand) MarshalJSON() ([]byte, error) {
	m := map[string]any{}
	if len(c.Raw) > 0 {
		if err := json.Unmarshal(c.Raw, &m); err != nil {
			return nil, err
		}
	}
	m["id"] = c.ID
	m["application_id"] = c.ApplicationID
	if c.GuildID != "" {
		m["guild_id"] = c.GuildID
	}
	m["name"] = c.Name
	m["type"] = c.Type
	m["version"] = c.Version
	if _, ok := m["description"]; !ok {
		m["description"] = ""
	}
	if _, ok := m["default_member_permissions"]; !ok {
		m["default_member_permissions"] = nil
	}
	if _, ok := m["nsfw"]; !ok {
		m["nsfw"] = false
	}
	return json.Marshal(m)
}

// discordTime formats t the way Discord does (ISO 8601 with microseconds).
func discordTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000+00:00")
}

func strPtr(s string) *string { return &s }
