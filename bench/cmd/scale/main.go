// Command scale makes larger corpora out of a documents folder and measures
// what qabot holds in memory while it serves one:
//
//	scale gen --docs DIR --out DIR --times N
//	scale serve-rss --data DIR --docs DIR [--questions FILE.jsonl]
//	scale row …            (one CSV line of scale.sh)
//	scale plot --csv FILE --out PNG
//
// gen writes N copies of every document under DIR/copy-01 … (the first is
// the folder as it is): each copy gives every document a distinct title
// (…·第2辑) and shuffles its articles' texts among its article numbers, so
// that terms, lengths and the law format stay those of real documents while
// no two copies are the same. The corpora are generated, not committed.
//
// serve-rss opens the index in DATA as qabot serve does (the query files
// read, not mapped), answers the questions, syncs once with nothing changed,
// and prints the peak RSS as JSON.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/qabot/qabot/index"
	"github.com/qabot/qabot/retrieval"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New("usage: scale gen|serve-rss|row|plot …")
	}
	switch args[0] {
	case "gen":
		fs := flag.NewFlagSet("gen", flag.ContinueOnError)
		docs := fs.String("docs", "", "documents folder")
		out := fs.String("out", "", "folder to write the copies in (must not exist)")
		times := fs.Int("times", 1, "number of copies")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *docs == "" || *out == "" || *times < 1 {
			fs.Usage()
			return errors.New("need --docs, --out and --times ≥ 1")
		}
		return generate(*docs, *out, *times)
	case "serve-rss":
		fs := flag.NewFlagSet("serve-rss", flag.ContinueOnError)
		data := fs.String("data", "", "qabot data folder (the index is DATA/index)")
		docs := fs.String("docs", "", "documents folder the index was built from")
		questions := fs.String("questions", "", "gold set; default: questions drawn from the documents")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return serveRSS(ctx, *data, *docs, *questions)
	case "row":
		return row(args[1:])
	case "plot":
		return plot(args[1:])
	}
	return fmt.Errorf("unknown command %q", args[0])
}

// article is a line that opens an article: 第十九条, 第十九条之一.
var article = regexp.MustCompile(`^(第[零〇一二三四五六七八九十百千]+条(?:之[一二三四五六七八九十]+)?)[ 　]`)

// generate writes times copies of every document file under docs.
func generate(docs, out string, times int) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s exists", out)
	}
	return filepath.WalkDir(docs, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !index.IsDocumentFile(p) {
			return err
		}
		rel, err := filepath.Rel(docs, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for k := 1; k <= times; k++ {
			text := string(data)
			if k > 1 {
				text = variant(text, rel, k)
			}
			dst := filepath.Join(out, fmt.Sprintf("copy-%02d", k), rel)
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(dst, []byte(text), 0o644); err != nil {
				return err
			}
		}
		return nil
	})
}

// variant is copy k of a document: its title (the first "# " line) made
// distinct, its articles' texts shuffled among its article numbers (with a
// seed of the file and k, so every run writes the same corpus).
func variant(text, rel string, k int) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "# ") {
			lines[i] = l + "·第" + index.ChineseNumber(k) + "辑"
			break
		}
	}
	// An article is its opening line and the lines up to the next article
	// or heading.
	type span struct{ start, end int }
	var arts []span
	for i := 0; i < len(lines); i++ {
		if !article.MatchString(lines[i]) {
			continue
		}
		j := i + 1
		for j < len(lines) && !article.MatchString(lines[j]) && !strings.HasPrefix(lines[j], "#") {
			j++
		}
		arts = append(arts, span{i, j})
		i = j - 1
	}
	if len(arts) < 2 {
		return strings.Join(lines, "\n")
	}
	// Each article's text moves; the blank lines after it stay.
	bodies := make([][]string, len(arts))
	labels := make([]string, len(arts))
	for i, a := range arts {
		m := article.FindStringSubmatch(lines[a.start])
		labels[i] = m[1]
		last := a.end
		for last > a.start+1 && strings.TrimSpace(lines[last-1]) == "" {
			last--
		}
		bodies[i] = append([]string{strings.TrimLeft(lines[a.start][len(m[1]):], " 　")}, lines[a.start+1:last]...)
		arts[i].end = last
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%d", rel, k)
	rng := rand.New(rand.NewPCG(h.Sum64(), uint64(k)))
	rng.Shuffle(len(bodies), func(i, j int) { bodies[i], bodies[j] = bodies[j], bodies[i] })
	var out []string
	prev := 0
	for i, a := range arts {
		out = append(out, lines[prev:a.start]...)
		out = append(out, labels[i]+" "+bodies[i][0])
		out = append(out, bodies[i][1:]...)
		prev = a.end
	}
	out = append(out, lines[prev:]...)
	return strings.Join(out, "\n")
}

// serveRSS measures what serve holds: open (read), answer, a no-op sync.
func serveRSS(ctx context.Context, data, docs, questions string) error {
	m := &index.Manager{Store: index.NewStore(filepath.Join(data, "index")), DocsDir: docs,
		Options: index.BuildOptions{Embedder: index.LocalEmbedder()}}
	start := time.Now()
	snap, rebuilt, err := m.Open(ctx)
	if err != nil {
		return err
	}
	if rebuilt != "" {
		return fmt.Errorf("the index was rebuilt (%s): build it first with qabot index", rebuilt)
	}
	eng := retrieval.NewEngine(snap, index.LocalEmbedder())
	open := time.Since(start)
	openRSS := peakRSSMB()
	var qs []string
	if questions != "" {
		f, err := os.Open(questions)
		if err != nil {
			return err
		}
		gold, err := retrieval.ReadGold(f)
		f.Close()
		if err != nil {
			return err
		}
		for _, g := range gold {
			qs = append(qs, g.Q)
		}
	} else {
		qs = retrieval.SampleQuestions(snap.Docs, 300)
	}
	for i := range max(len(qs), 300) {
		if _, err := eng.Ask(ctx, qs[i%len(qs)], 3); err != nil {
			return err
		}
	}
	if _, rep, err := m.Sync(ctx, eng.Snapshot()); err != nil || rep.Changed() {
		return fmt.Errorf("sync with nothing changed: %v (changed %v)", err, rep.Changed())
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"clauses": snap.NumClauses(), "open_seconds": open.Seconds(), "open_rss_mb": openRSS,
		"peak_rss_mb": peakRSSMB(), "questions": max(len(qs), 300),
	})
}

func peakRSSMB() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024
}
