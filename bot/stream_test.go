package bot

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestStreamer_throttlesAndKeepsTheLatest(t *testing.T) {
	var mu sync.Mutex
	var texts []string
	var at []time.Time
	st := newStreamer(func(s string) {
		mu.Lock()
		texts, at = append(texts, s), append(at, time.Now())
		mu.Unlock()
		time.Sleep(30 * time.Millisecond) // a slow Discord
	}, 100*time.Millisecond)
	start := time.Now()
	for n := range 50 {
		st.update(fmt.Sprint(n)) // never blocks on the slow edits
		time.Sleep(5 * time.Millisecond)
	}
	if blocked := time.Since(start); blocked > 50*5*time.Millisecond+200*time.Millisecond {
		t.Errorf("updates took %s: they waited for the edits", blocked)
	}
	time.Sleep(250 * time.Millisecond)
	st.stop()
	mu.Lock()
	defer mu.Unlock()
	if len(texts) < 2 || len(texts) > 6 {
		t.Errorf("%d edits for 50 updates over ~250 ms at one per 100 ms: %q", len(texts), texts)
	}
	for n := 1; n < len(at); n++ {
		if gap := at[n].Sub(at[n-1]); gap < 100*time.Millisecond {
			t.Errorf("edits %d and %d only %s apart", n-1, n, gap)
		}
	}
	if texts[len(texts)-1] != "49" {
		t.Errorf("last edit %q, want the latest text", texts[len(texts)-1])
	}
}

func TestStreamer_stopWaitsForTheEditInProgress(t *testing.T) {
	var finished bool
	var mu sync.Mutex
	entered := make(chan struct{})
	st := newStreamer(func(string) {
		close(entered)
		time.Sleep(100 * time.Millisecond)
		mu.Lock()
		finished = true
		mu.Unlock()
	}, time.Second)
	st.update("x")
	<-entered
	st.stop()
	mu.Lock()
	defer mu.Unlock()
	if !finished {
		t.Error("stop returned while an edit was in progress: the final answer could be overwritten")
	}
}
