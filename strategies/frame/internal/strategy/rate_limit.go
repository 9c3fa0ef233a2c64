package strategy

import (
	"sync"
	"sync/atomic"
	"time"
)

// RateLimit is the Node frame's `rate-limit`: a client-side limit by one of two algorithms,
//   - token bucket (default): at most RPS a second on average, bursts of Burst;
//   - sliding log: at most RPS (whole) sends in any 1-second window, wherever it starts: the log
//     of send times is the truth, so a burst never passes more than the limit in a second.
//
// A request waits up to MaxWait for its turn (in order of arrival), else gets 429 here, not from
// the API: it keeps a client under the API's limit instead of learning it from 429s.
type RateLimit struct {
	Limiter Limiter
	waiting atomic.Int64
}

// Limiter admits a request: at once, after its turn, or not at all (its wait would pass MaxWait).
type Limiter interface {
	// Take waits for the request's turn (told to s as waiting); false: refused at once.
	Take(s Sender) bool
	// Level is what the limiter holds now, for its gauge: tokens left, or sends in the last second.
	Level() float64
	// Gauge is the gauge's name.
	Gauge() string
	// Refusal says what ran out, for the 429's message.
	Refusal() string
}

func (*RateLimit) Name() string { return "rate-limit" }

func (l *RateLimit) Gauges() map[string]func() float64 {
	return map[string]func() float64{l.Limiter.Gauge(): func() float64 { return l.Limiter.Level() }}
}

func (l *RateLimit) QueueLength() float64 { return float64(l.waiting.Load()) }

func (l *RateLimit) Handle(r *Request, s Sender) Answer {
	l.waiting.Add(1)
	ok := l.Limiter.Take(s)
	l.waiting.Add(-1)
	if !ok {
		return s.Local("rate_limited", 429, "client_rate_limited", "Rate Limit Reached: client-side "+l.Limiter.Refusal())
	}
	return s.Send(r)
}

// TokenBucket holds Burst tokens, refilled at RPS a second; a request takes one, or reserves the
// next one to come (requests that wait queue in order).
type TokenBucket struct {
	RPS, Burst float64
	MaxWait    time.Duration

	mu       sync.Mutex
	tokens   float64
	last     time.Time
	nextFree time.Time
	started  bool
}

func (b *TokenBucket) Gauge() string   { return "rate_limit_tokens" }
func (b *TokenBucket) Refusal() string { return "token bucket empty" }

func (b *TokenBucket) refill(now time.Time) {
	if !b.started {
		b.tokens, b.last, b.started = b.Burst, now, true
	}
	b.tokens = min(b.Burst, b.tokens+now.Sub(b.last).Seconds()*b.RPS)
	b.last = now
}

func (b *TokenBucket) Take(s Sender) bool {
	wait, ok := b.admit(time.Now())
	if ok && wait > 0 {
		s.Sleep(wait)
	}
	return ok
}

// admit is the wait before the request may go, or false when it would pass MaxWait.
func (b *TokenBucket) admit(now time.Time) (time.Duration, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(now)
	if b.tokens >= 1 && !b.nextFree.After(now) {
		b.tokens--
		return 0, true
	}
	at := b.nextFree
	if at.Before(now) {
		at = now
	}
	at = at.Add(time.Duration(float64(time.Second) / b.RPS))
	if at.Sub(now) > b.MaxWait {
		return 0, false
	}
	b.nextFree = at
	return at.Sub(now), true
}

func (b *TokenBucket) Level() float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.refill(time.Now())
	return b.tokens
}

// SlidingLog is the send times of the last second and the requests waiting their turn, in
// order. A request is sent only when fewer than Limit sends lie in the second before it, checked
// at the moment it is sent: a late timer never lets two sends a second apart share a window.
type SlidingLog struct {
	Limit   int
	MaxWait time.Duration
	// Now is the clock (time.Now; tests give their own).
	Now func() time.Time

	mu sync.Mutex
	// log: send times, oldest first, from head on (a queue without moving the slice each time).
	log     []time.Time
	head    int
	waiting []chan struct{}
	timer   *time.Timer
}

func (l *SlidingLog) Gauge() string   { return "rate_limit_window_sends" }
func (l *SlidingLog) Refusal() string { return "sliding log full" }

func (l *SlidingLog) prune(now time.Time) {
	for l.head < len(l.log) && !l.log[l.head].After(now.Add(-time.Second)) {
		l.head++
	}
	if l.head > 1024 && l.head*2 > len(l.log) {
		l.log = append(l.log[:0], l.log[l.head:]...)
		l.head = 0
	}
}

func (l *SlidingLog) inWindow() int { return len(l.log) - l.head }

// slot is when the i-th waiting request from now (0: the next) may be sent, were no timer late.
func (l *SlidingLog) slot(i int, now time.Time) time.Time {
	n := l.inWindow() + i
	if n < l.Limit {
		return now
	}
	// The send it must follow by a second: an entry of the log, or one of the waits before it.
	k := n - l.Limit
	if k < l.inWindow() {
		return l.log[l.head+k].Add(time.Second)
	}
	return l.slot(k-l.inWindow(), now).Add(time.Second)
}

func (l *SlidingLog) Take(s Sender) bool {
	l.mu.Lock()
	now := l.Now()
	l.prune(now)
	if len(l.waiting) == 0 && l.inWindow() < l.Limit {
		l.log = append(l.log, now)
		l.mu.Unlock()
		return true
	}
	if l.slot(len(l.waiting), now).Sub(now) > l.MaxWait {
		l.mu.Unlock()
		return false
	}
	turn := make(chan struct{})
	l.waiting = append(l.waiting, turn)
	if l.timer == nil {
		l.timer = time.AfterFunc(l.log[l.head].Add(time.Second).Sub(now), l.pump)
	}
	l.mu.Unlock()
	<-turn
	s.Waited(l.Now().Sub(now))
	return true
}

// pump sends the waiting requests the window has room for now, and wakes again for the next.
func (l *SlidingLog) pump() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.timer = nil
	now := l.Now()
	l.prune(now)
	for len(l.waiting) > 0 && l.inWindow() < l.Limit {
		l.log = append(l.log, now)
		close(l.waiting[0])
		l.waiting = l.waiting[1:]
	}
	if len(l.waiting) > 0 {
		l.timer = time.AfterFunc(l.log[l.head].Add(time.Second).Sub(now), l.pump)
	}
}

func (l *SlidingLog) Level() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(l.Now())
	return float64(l.inWindow())
}
