package bot

import "sync"

// maxIDs bounds an idSet: it remembers at least the last maxIDs ids.
const maxIDs = 10000

// idSet is a bounded set of ids: of the events handled (so that an event
// a gateway delivers twice is answered once), of ask-channel questions
// left without an answer (so that an edit of one gets it).
type idSet struct {
	mu       sync.Mutex
	cur, old map[string]struct{} // when cur is full it becomes old
}

// add adds id and reports whether it was not there yet.
func (s *idSet) add(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.cur[id]; ok {
		return false
	}
	if _, ok := s.old[id]; ok {
		return false
	}
	if s.cur == nil || len(s.cur) >= maxIDs {
		s.old, s.cur = s.cur, make(map[string]struct{})
	}
	s.cur[id] = struct{}{}
	return true
}

// take removes id and reports whether it was there.
func (s *idSet) take(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, inCur := s.cur[id]
	_, inOld := s.old[id]
	delete(s.cur, id)
	delete(s.old, id)
	return inCur || inOld
}
