package bot

import (
	"sync"
	"time"
)

// streamer shows a generated answer as it grows: it edits the reply with
// the latest text, then waits for wait's channel before the next edit, all
// from its own goroutine, so that a slow or rate-limited Discord never
// holds up reading the model's stream.
type streamer struct {
	edit func(string)
	wait func() <-chan time.Time

	mu     sync.Mutex
	latest string
	wake   chan struct{} // has a value when latest is newer than the last edit
	done   chan struct{} // closed by stop
	exited chan struct{} // closed when the goroutine has returned
}

// every is a streamer's wait for edits at most once per d.
func every(d time.Duration) func() <-chan time.Time {
	return func() <-chan time.Time { return time.After(d) }
}

func newStreamer(edit func(string), wait func() <-chan time.Time) *streamer {
	s := &streamer{
		edit: edit, wait: wait,
		wake: make(chan struct{}, 1), done: make(chan struct{}), exited: make(chan struct{}),
	}
	go s.run()
	return s
}

// update records the text so far; it never blocks.
func (s *streamer) update(text string) {
	s.mu.Lock()
	s.latest = text
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// stop ends the streaming and waits for an edit in progress, so that an
// edit made after stop (the final answer) is the last one.
func (s *streamer) stop() {
	close(s.done)
	<-s.exited
}

func (s *streamer) run() {
	defer close(s.exited)
	for {
		select {
		case <-s.done:
			return
		case <-s.wake:
		}
		s.mu.Lock()
		text := s.latest
		s.mu.Unlock()
		s.edit(text)
		select {
		case <-s.done:
			return
		case <-s.wait():
		}
	}
}
