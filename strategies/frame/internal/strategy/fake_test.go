package strategy

import (
	"sync"
	"testing"
	"time"
)

// fakeAnswer is an answer of the fake nodes; a held one (a stream under way) runs its OnDone
// callbacks only when the test finishes it.
type fakeAnswer struct {
	status     int
	retryAfter time.Duration
	node       int
	req        *Request
	held       bool
	discarded  bool
	mu         sync.Mutex
	done       []func()
	local      string
	body       []byte
	header     []Field
	made       bool
}

func (a *fakeAnswer) Status() int               { return a.status }
func (a *fakeAnswer) RetryAfter() time.Duration { return a.retryAfter }
func (a *fakeAnswer) Discard() {
	a.discarded = true
	a.finish()
}

func (a *fakeAnswer) OnDone(f func()) {
	a.mu.Lock()
	if !a.held {
		a.mu.Unlock()
		f()
		return
	}
	a.done = append(a.done, f)
	a.mu.Unlock()
}

// Whole is a fake node's answer (not a local or made one): its header and body as the test set them.
func (a *fakeAnswer) Whole() ([]Field, []byte, bool) {
	return a.header, a.body, a.local == "" && !a.made
}

// finish ends a held answer: the node is done with it.
func (a *fakeAnswer) finish() {
	a.mu.Lock()
	done := a.done
	a.done, a.held = nil, false
	a.mu.Unlock()
	for _, f := range done {
		f()
	}
}

// fakeSender is the frame for a strategy under test: nodes that answer from a script of
// statuses (the last one repeats; or by node), every attempt and local answer recorded.
type fakeSender struct {
	mu         sync.Mutex
	statuses   []int
	byNode     map[int]int
	nodes      int
	retryAfter time.Duration
	// hold: answers stay under way (held) until the test finishes them.
	hold bool
	// gate: when set, every attempt waits for it to be closed before answering.
	gate        chan struct{}
	outstanding []int64
	// delays: how long node i takes to answer an attempt Started on it.
	delays    map[int]time.Duration
	calledOff []int
	// body is every node answer's body (the cache's tests).
	body   []byte
	sent   []*fakeAnswer
	locals []string
	slept  []time.Duration
	waited time.Duration
}

func (s *fakeSender) Send(r *Request) Answer {
	s.mu.Lock()
	node := len(s.sent) % max(1, s.nodes)
	s.mu.Unlock()
	return s.SendTo(node, r)
}

func (s *fakeSender) SendTo(i int, r *Request) Answer {
	s.mu.Lock()
	if s.outstanding == nil {
		s.outstanding = make([]int64, max(1, s.nodes))
	}
	st := 200
	if len(s.statuses) > 0 {
		st = s.statuses[min(len(s.sent), len(s.statuses)-1)]
	}
	if v, ok := s.byNode[i]; ok {
		st = v
	}
	a := &fakeAnswer{status: st, retryAfter: s.retryAfter, node: i, req: r, held: s.hold, body: s.body}
	s.sent = append(s.sent, a)
	gate := s.gate
	s.mu.Unlock()
	if gate != nil {
		<-gate
	}
	return a
}

func (s *fakeSender) Nodes() int { return max(1, s.nodes) }

func (s *fakeSender) Next() int { return 0 }

// Start answers in the background after delays[node] (0 when not given); calling it off makes
// the answer a 499 at once and is recorded.
func (s *fakeSender) Start(i int, r *Request) (<-chan Answer, func()) {
	out := make(chan Answer, 1)
	off := make(chan struct{})
	var once sync.Once
	go func() {
		select {
		case <-time.After(s.delays[i]):
			out <- s.SendTo(i, r)
		case <-off:
			s.mu.Lock()
			s.calledOff = append(s.calledOff, i)
			s.mu.Unlock()
			out <- &fakeAnswer{status: 499, retryAfter: -1, node: i}
		}
	}()
	return out, func() { once.Do(func() { close(off) }) }
}

func (s *fakeSender) Outstanding(i int) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.outstanding == nil {
		return 0
	}
	return s.outstanding[i]
}

func (s *fakeSender) Local(reason string, status int, code, _ string) Answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.locals = append(s.locals, reason)
	return &fakeAnswer{status: status, retryAfter: -1, local: code}
}

func (s *fakeSender) Made(reason string, status int, header []Field, body []byte) Answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.locals = append(s.locals, reason)
	return &fakeAnswer{status: status, retryAfter: -1, header: header, body: body, made: true}
}

func (s *fakeSender) Sleep(d time.Duration) {
	s.mu.Lock()
	s.slept = append(s.slept, d)
	s.mu.Unlock()
}

func (s *fakeSender) Waited(d time.Duration) {
	s.mu.Lock()
	s.waited += d
	s.mu.Unlock()
}

func (s *fakeSender) attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sent)
}

var present = &Request{}

// eventually waits up to 2 s for cond, then fails the test saying what did not happen.
func eventually(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal(what)
		}
	}
}
