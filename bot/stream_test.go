package bot

import (
	"fmt"
	"testing"
	"time"
)

// tick is a streamer's wait that the test releases.
type tick chan time.Time

func (t tick) wait() <-chan time.Time { return t }

func TestStreamer_editsTheLatestOncePerTick(t *testing.T) {
	edits := make(chan string)
	release := make(tick)
	st := newStreamer(func(s string) { edits <- s }, release.wait)
	st.update("0")
	if got := <-edits; got != "0" {
		t.Fatalf("first edit %q", got)
	}
	// While the streamer waits for its tick, updates pile up without
	// blocking; only the latest is edited in when the tick comes.
	for n := 1; n <= 50; n++ {
		st.update(fmt.Sprint(n))
	}
	select {
	case got := <-edits:
		t.Fatalf("edit %q before the tick", got)
	default:
	}
	release <- time.Time{}
	if got := <-edits; got != "50" {
		t.Errorf("edit after the tick %q, want the latest text", got)
	}
	// No update since: a tick brings no edit.
	release <- time.Time{}
	st.update("51")
	if got := <-edits; got != "51" {
		t.Errorf("edit %q", got)
	}
	st.stop()
}

func TestStreamer_stopWaitsForTheEditInProgress(t *testing.T) {
	entered, finish := make(chan struct{}), make(chan struct{})
	finished := false
	st := newStreamer(func(string) {
		close(entered)
		<-finish
		finished = true
	}, make(tick).wait)
	st.update("x")
	<-entered
	stopped := make(chan struct{})
	go func() { st.stop(); close(stopped) }()
	close(finish)
	<-stopped
	if !finished {
		t.Error("stop returned while an edit was in progress: the final answer could be overwritten")
	}
}
