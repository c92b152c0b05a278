package bot

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/qabot/qabot/retrieval"
)

const (
	announce   = "1300000000000000009"
	docKeepers = "1400000000000000001"
)

func TestReindex(t *testing.T) {
	lib := newTestLibrary(t, nil)
	h := newHarness(t, lib, Options{AnnounceChannel: announce})
	// An ordinary member is refused, ephemerally, and nothing is synced.
	if text, eph := h.reply(slash(t, "reindex")); !eph || !strings.Contains(text, "only server managers can reindex") {
		t.Errorf("member: %q", text)
	}
	// A member with Manage Server gets a deferred reply edited with counts.
	calls := h.run(admin(slash(t, "reindex")))
	if len(calls) != 2 || calls[0].Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || !calls[0].Ephemeral ||
		!strings.Contains(calls[1].Content, "documents 0 added, 0 changed, 0 removed, 1 unchanged") {
		t.Errorf("admin: %+v", calls)
	}
	if len(h.rec.sent("send")) != 0 {
		t.Error("a sync that changed nothing was announced")
	}
	// A new file is indexed, announced, and its skipped neighbour named.
	docs := lib.DocsDir()
	writeDoc(t, filepath.Join(docs, "控烟条例.md"), smokingRules)
	writeDoc(t, filepath.Join(docs, "bad.txt"), "\x7fELF\x00\x00\x01\x02")
	if text, _ := h.reply(admin(slash(t, "reindex"))); !strings.Contains(text, "1 added") || !strings.Contains(text, "skipped") || !strings.Contains(text, "bad.txt") {
		t.Errorf("after adding files: %q", text)
	}
	ann := h.rec.sent("send")
	if len(ann) != 1 || ann[0].Channel != announce || !strings.Contains(ann[0].Content, "📚 Documents updated: documents 1 added") {
		t.Errorf("announcement %+v", ann)
	}
	if !strings.Contains(h.logs.String(), "msg=synced") || !strings.Contains(h.logs.String(), "msg=skipped") {
		t.Errorf("the sync is not logged:\n%s", h.logs.String())
	}
	// A failed sync gets a trace id.
	lib.sync = func(context.Context) (retrieval.SyncReport, error) {
		return retrieval.SyncReport{}, errors.New("disk on fire")
	}
	if text, _ := h.reply(admin(slash(t, "reindex"))); !strings.Contains(text, "trace ") || !strings.Contains(h.logs.String(), "disk on fire") {
		t.Errorf("failed sync: %q", text)
	}
}

func TestAdminRole(t *testing.T) {
	withRoles := func(i *discordgo.Interaction, roles ...string) *discordgo.Interaction {
		i.Member.Roles = roles
		return i
	}
	// By id: no look-up needed, and a role of the same name does not count.
	h := newHarness(t, nil, Options{AdminRole: docKeepers})
	h.rec.roles[payload(t, "command").GuildID] = []*discordgo.Role{{ID: docKeepers, Name: "Doc keepers"}, {ID: "1400000000000000002", Name: docKeepers}}
	if calls := h.run(withRoles(slash(t, "reindex"), docKeepers)); calls[0].Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("the admin role (by id) was refused: %+v", calls)
	}
	if text, _ := h.reply(withRoles(slash(t, "reindex"), "1400000000000000002")); !strings.Contains(text, "only server managers") {
		t.Errorf("a role named like the id: %q", text)
	}
	// With an admin role the commands are shown to everyone (the bot checks).
	for _, def := range h.b.definitions() {
		if def.DefaultMemberPermissions != nil {
			t.Errorf("/%s limited to %d with an admin role configured", def.Name, *def.DefaultMemberPermissions)
		}
	}
	if defs := newHarness(t, nil, Options{}).b.definitions(); defs[3].DefaultMemberPermissions == nil || *defs[3].DefaultMemberPermissions != discordgo.PermissionManageGuild {
		t.Errorf("without an admin role /%s is shown to everyone", defs[3].Name)
	}

	// By name: trusted while only one role has it, with a warning.
	h = newHarness(t, nil, Options{AdminRole: "Doc keepers"})
	guild := payload(t, "command").GuildID
	h.rec.roles[guild] = []*discordgo.Role{{ID: docKeepers, Name: "Doc keepers"}}
	if calls := h.run(withRoles(slash(t, "reindex"), docKeepers)); calls[0].Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("the unique role name was refused: %+v", calls)
	}
	if !strings.Contains(h.logs.String(), "set its id instead") || !strings.Contains(h.logs.String(), docKeepers) {
		t.Errorf("no warning about the name:\n%s", h.logs.String())
	}
	// Someone makes a second role of that name: neither is trusted.
	h.rec.roles[guild] = append(h.rec.roles[guild], &discordgo.Role{ID: "1400000000000000003", Name: "Doc keepers"})
	for _, role := range []string{docKeepers, "1400000000000000003"} {
		if text, _ := h.reply(withRoles(slash(t, "reindex"), role)); !strings.Contains(text, "only server managers") {
			t.Errorf("role %s of a name two roles have: %q", role, text)
		}
	}
	if !strings.Contains(h.logs.String(), "names several roles") {
		t.Errorf("no warning about the duplicate name:\n%s", h.logs.String())
	}
	// Roles that cannot be looked up admit no one.
	h.rec.failNext("roles", errors.New("HTTP 403 Forbidden"))
	if text, _ := h.reply(withRoles(slash(t, "reindex"), docKeepers)); !strings.Contains(text, "only server managers") {
		t.Errorf("without the roles: %q", text)
	}
	// Outside a guild there are no roles.
	dm := slash(t, "reindex")
	dm.Member, dm.User, dm.GuildID = nil, &discordgo.User{ID: "1200000000000000003"}, ""
	if text, _ := h.reply(dm); !strings.Contains(text, "only server managers") {
		t.Errorf("in a DM: %q", text)
	}
}

const smokingRules = `# 测试市控烟条例

第一条 为了减少烟草烟雾危害，制定本条例。

第二条 室内公共场所禁止吸烟。

第三条 在禁止吸烟场所吸烟且不听劝阻的，处五十元以上二百元以下罚款。
`

func writeDoc(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// uploadOf is the recorded /upload of name, its bytes served at its URL.
func uploadOf(t *testing.T, h *harness, name string, data []byte, size int, replace bool) *discordgo.Interaction {
	t.Helper()
	i := admin(payload(t, "upload"))
	d := i.ApplicationCommandData()
	for _, att := range d.Resolved.Attachments {
		att.Filename, att.Size = name, size
		if data != nil {
			att.URL += "?" + i.ID // one download per upload
			h.rec.downloads[att.URL] = data
		}
	}
	if replace {
		d.Options = append(d.Options, opt("replace", true))
	}
	i.Data = d
	return i
}

func TestUpload(t *testing.T) {
	lib := newTestLibrary(t, nil)
	h := newHarness(t, lib, Options{UploadLimit: 1 << 20})
	up := func(name string, data []byte, size int, replace bool) string {
		t.Helper()
		text, eph := h.reply(uploadOf(t, h, name, data, size, replace))
		if !eph {
			t.Errorf("upload %s: the reply is public", name)
		}
		return text
	}
	member := payload(t, "upload")
	if text, _ := h.reply(member); !strings.Contains(text, "only server managers can add documents") {
		t.Errorf("member: %q", text)
	}
	if got := up("../../控烟条例.md", []byte(smokingRules), len(smokingRules), false); !strings.Contains(got, "Added **测试市控烟条例** as 控烟条例.md: 3 clauses (第一条, 第二条, 第三条)") || !strings.Contains(got, "1 added") {
		t.Errorf("upload: %q", got)
	}
	if saved, err := os.ReadFile(filepath.Join(lib.DocsDir(), "控烟条例.md")); err != nil || string(saved) != smokingRules {
		t.Errorf("saved %q, %v", saved, err)
	}
	if text, _ := h.reply(slash(t, "ask", opt("question", "在禁烟场所吸烟不听劝阻罚多少钱？"))); !strings.Contains(text, "五十元以上二百元以下") {
		t.Errorf("answer after the upload: %q", text)
	}
	changed := strings.Replace(smokingRules, "五十元以上二百元以下", "一百元以上五百元以下", 1)
	for _, c := range []struct {
		name    string
		data    []byte
		size    int
		replace bool
		want    string
	}{
		{"控烟条例.md", []byte(changed), 10, false, "already indexed (测试市控烟条例). Run /upload again with replace: True"},
		{"china-central-asia-fm-joint-statement-2022.md", []byte(changed), 10, false, "already indexed"},
		{"控烟条例.txt", []byte(changed), 10, true, "already exists as 控烟条例.md, with another extension"},
		{"big.md", nil, 2 << 20, false, "is 2.0 MB; the limit is 1.0 MB"},
		{"liar.md", make([]byte, 2<<20), 10, false, "larger than the limit of 1.0 MB"},
		{"empty.md", []byte{}, 0, false, "it is empty"},
		{"binary.txt", []byte{0x7f, 'E', 'L', 'F', 0, 0, 1, 2, 0, 0, 0, 0}, 12, false, "binary file"},
		{"tool.exe", []byte("MZ"), 2, false, "attach a .txt or .md file"},
		{"gone.md", nil, 10, false, "trace "}, // the attachment cannot be downloaded
		{"控烟条例.md", []byte(changed), len(changed), true, "1 changed"},
	} {
		if got := up(c.name, c.data, c.size, c.replace); !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	for _, name := range []string{"big.md", "liar.md", "empty.md", "binary.txt", "tool.exe", "控烟条例.txt"} {
		if _, err := os.Stat(filepath.Join(lib.DocsDir(), name)); err == nil {
			t.Errorf("%s was saved", name)
		}
	}
	none := admin(payload(t, "upload"))
	d := none.ApplicationCommandData()
	d.Options = nil
	none.Data = d
	if text, _ := h.reply(none); !strings.Contains(text, "Attach a .txt or .md file") {
		t.Errorf("no attachment: %q", text)
	}
	// Saved, but the sync failed: the user is told both.
	lib.add = func(ctx context.Context, name string, data []byte, o retrieval.AddOptions) (retrieval.Added, error) {
		return retrieval.Added{File: "另一条例.md"}, &retrieval.AddError{Reason: retrieval.AddNotIndexed, Name: name, Err: errors.New("disk on fire")}
	}
	if got := up("另一条例.md", []byte("# 另一条例\n\n第一条 另一份文件。\n"), 30, false); !strings.Contains(got, "Saved 另一条例.md, but indexing failed") || !strings.Contains(got, "trace ") {
		t.Errorf("sync failure: %q", got)
	}
}
