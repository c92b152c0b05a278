package retrieval

import (
	"strings"
	"unicode"

	"github.com/qabot/qabot/index"
)

// questionRunes is how many characters of a clause a sample question quotes.
const questionRunes = 12

// SampleQuestions returns up to n questions drawn from the documents' own
// text (a snapshot's Docs), for measuring query latency when no gold set is
// at hand: evenly spaced clauses (so the same documents always give the same
// questions, in qabot bench and in the peers it is compared with), each turned into
// its document's short title, the last part of its heading and a run of its
// words. They are not gold questions; they only make the queries look like
// the corpus.
func SampleQuestions(docs []index.Document, n int) []string {
	total := 0
	for _, d := range docs {
		total += len(d.Clauses)
	}
	if n <= 0 || total == 0 {
		return nil
	}
	step := max(1, total/n)
	var out []string
	i := 0
	for di := range docs {
		d := &docs[di]
		for ci := range d.Clauses {
			if i%step == 0 && len(out) < n {
				out = append(out, sampleQuestion(ShortTitle(d.Title), &d.Clauses[ci]))
			}
			i++
		}
	}
	return out
}

func sampleQuestion(title string, c *index.Clause) string {
	text := strings.TrimSpace(strings.TrimPrefix(c.Text, c.Label))
	r := []rune(text)
	// Start a little into the clause, at the beginning of a phrase, so that
	// the question does not simply repeat the clause's opening words.
	start := 0
	for j := min(len(r)/3, 40); j < len(r)-questionRunes; j++ {
		if unicode.IsPunct(r[j]) {
			start = j + 1
			break
		}
	}
	end := min(len(r), start+questionRunes)
	head := c.Heading
	if k := strings.LastIndexByte(head, ' '); k >= 0 {
		head = head[k+1:]
	}
	q := strings.TrimSpace(title + " " + head + " " + string(r[start:end]))
	return strings.Join(strings.Fields(q), " ")
}
