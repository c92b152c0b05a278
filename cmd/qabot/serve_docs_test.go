package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/qabot/qabot/internal/discordfake"
)

const announceChannel = "1300000000000000009"

const smokingRules = `# 测试市控烟条例

第一条 为了减少烟草烟雾危害，制定本条例。

第二条 室内公共场所禁止吸烟。

第三条 在禁止吸烟场所吸烟且不听劝阻的，处五十元以上二百元以下罚款。
`

func TestServe_watchesDocuments(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	fake.AddChannel(discordfake.Channel{ID: announceChannel, GuildID: discordfake.DefaultGuildID, Type: 0, Name: "docs"})
	dir := t.TempDir()
	errb, _ := startServeIn(t, fake, dir, map[string]string{"QABOT_ANNOUNCE_CHANNEL": announceChannel, "QABOT_WATCH_DEBOUNCE": "150ms"})

	// A document dropped into the folder is indexed and announced, without
	// a restart; answers cite it with its short title.
	writeFile(t, filepath.Join(dir, "docs", "控烟条例.md"), smokingRules)
	ann := waitMessages(t, fake, announceChannel, 1)
	if !strings.Contains(ann[0].Content, "1 added") || !strings.Contains(ann[0].Content, "3 embedded") {
		t.Errorf("announcement: %q", ann[0].Content)
	}
	m := waitAnswer(t, fake, askSlash(fake, "在禁烟场所吸烟不听劝阻罚多少钱？", ""))
	if !strings.Contains(m.Content, "五十元以上二百元以下") || !strings.Contains(m.Content, "第三条") {
		t.Errorf("answer: %q", m.Content)
	}

	// An edit re-embeds only the changed clause.
	writeFile(t, filepath.Join(dir, "docs", "控烟条例.md"), strings.Replace(smokingRules, "室内公共场所", "室内公共场所和公共交通工具内", 1))
	ann = waitMessages(t, fake, announceChannel, 2)
	if !strings.Contains(ann[1].Content, "1 changed") || !strings.Contains(ann[1].Content, "clauses 1 embedded,") {
		t.Errorf("announcement after an edit: %q", ann[1].Content)
	}

	// A deleted document disappears from answers and /section.
	if err := os.Remove(filepath.Join(dir, "docs", "控烟条例.md")); err != nil {
		t.Fatal(err)
	}
	ann = waitMessages(t, fake, announceChannel, 3)
	if !strings.Contains(ann[2].Content, "1 removed") {
		t.Errorf("announcement after removal: %q", ann[2].Content)
	}
	sec := fake.NewSlashCommand(discordfake.CommandSpec{Name: "section", Options: []discordfake.CommandOption{
		{Name: "ref", Type: discordfake.OptionString, Value: "第三条"}, {Name: "doc", Type: discordfake.OptionString, Value: "控烟条例"},
	}})
	fake.DispatchInteraction(sec)
	if body := callback(t, fake, sec); body.Data.Flags&64 == 0 || strings.Contains(body.Data.Content, "罚款") {
		t.Errorf("/section of a removed document: %+v", body)
	}
	if !strings.Contains(errb.String(), "msg=synced") {
		t.Errorf("no sync log line:\n%s", errb.String())
	}
}

func TestServe_upload(t *testing.T) {
	fake := discordfake.New(t, discordfake.WithStrictMentions())
	dir := t.TempDir()
	startServeIn(t, fake, dir, map[string]string{"QABOT_UPLOAD_MB": "1"})
	const admin = "311385246816" // default | MANAGE_GUILD

	upload := func(perms, name string, data []byte, replace bool, size int) callbackBody {
		t.Helper()
		att := fake.NewAttachment(name, "text/plain", data)
		if size > 0 {
			att.Size = size
		}
		opts := []discordfake.CommandOption{{Name: "file", Type: discordfake.OptionAttachment, Value: att.ID}}
		if replace {
			opts = append(opts, discordfake.CommandOption{Name: "replace", Type: discordfake.OptionBoolean, Value: true})
		}
		in := fake.NewSlashCommand(discordfake.CommandSpec{
			Name: "upload", Place: discordfake.Place{Permissions: perms}, Options: opts,
			Resolved: &discordfake.Resolved{Attachments: map[string]*discordfake.Attachment{att.ID: att}},
		})
		fake.DispatchInteraction(in)
		body := callback(t, fake, in)
		if body.Type == 5 { // deferred: the result is the edit
			fake.WaitFor(t, discordfake.Matching("PATCH", "/webhooks/*/"+in.Token+"/messages/@original"), serveWait)
			_, m := fake.Response(in.ID)
			body.Data.Content, body.Data.Flags = m.Content, m.Flags
		}
		return body
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(smokingRules))
	if err != nil {
		t.Fatal(err)
	}

	if got := upload(discordfake.DefaultMemberPermissions, "控烟条例.md", gbk, false, 0); !strings.Contains(got.Data.Content, "only server managers") {
		t.Errorf("non-admin upload: %q", got.Data.Content)
	}
	got := upload(admin, "../../控烟条例.md", gbk, false, 0)
	if got.Data.Flags&64 == 0 || !strings.Contains(got.Data.Content, "测试市控烟条例") || !strings.Contains(got.Data.Content, "3 clauses (第一条, 第二条, 第三条)") {
		t.Errorf("upload reply: %q", got.Data.Content)
	}
	saved, err := os.ReadFile(filepath.Join(dir, "docs", "控烟条例.md"))
	if err != nil || string(saved) != smokingRules {
		t.Errorf("saved file (GBK → UTF-8): %q, %v", saved, err)
	}
	m := waitAnswer(t, fake, askSlash(fake, "在禁烟场所吸烟不听劝阻罚多少钱？", ""))
	if !strings.Contains(m.Content, "五十元以上二百元以下") {
		t.Errorf("answer after upload: %q", m.Content)
	}

	// A refusal is worded for the user, and nothing is saved.
	if got := upload(admin, "binary.txt", []byte{0x7f, 'E', 'L', 'F', 0, 0, 1, 2, 0, 0, 0, 0}, false, 0); !strings.Contains(got.Data.Content, "binary") {
		t.Errorf("binary upload: %q", got.Data.Content)
	}
	if _, err := os.Stat(filepath.Join(dir, "docs", "binary.txt")); err == nil {
		t.Error("binary.txt was saved")
	}
	for _, r := range fake.UnknownRequests() {
		t.Errorf("unknown route requested: %s", r)
	}
}
