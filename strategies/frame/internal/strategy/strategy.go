// Package strategy holds the reference strategies the Go frame runs, each a policy over the
// frame's one operation (send a request to a node and get its answer), so that the frame's hot
// path (sockets, parsing, writing) is the same for every strategy and costs what it costs once.
package strategy

import (
	"time"

	"github.com/valyala/fasthttp"
)

// Request is a client's request as the frame hands it to a strategy: its body read whole.
type Request struct {
	Method []byte
	// URI is the request target, a path (the frame refuses anything else before this).
	URI []byte
	// Header is the client's header as read; each attempt sends it on less this hop's headers
	// (hop-by-hop, those its Connection header names) and, unless forwarded, the test controls.
	Header *fasthttp.RequestHeader
	Body   []byte
	// Gone says whether the client hung up: a strategy sends no further attempt for it.
	Gone func() bool
}

// Answer is what goes back to the client: an upstream's answer or one the frame made itself.
type Answer interface {
	Status() int
	// RetryAfter is the answer's Retry-After as a wait, or -1 when it has none.
	RetryAfter() time.Duration
	// Discard releases an answer that will not be sent (a retried one).
	Discard()
}

// Sender sends a request to the next node (round robin) and returns its answer; every attempt
// is counted on /metrics by node and status.
type Sender interface {
	Send(r *Request) Answer
	// Local is an answer the strategy makes itself, DeepSeek-shaped, counted by reason.
	Local(status int, code, message string) Answer
}

// Strategy is one reference strategy.
type Strategy interface {
	Name() string
	Handle(r *Request, s Sender) Answer
	// Gauges are the strategy's own state, exported as busybench_strategy_<name>.
	Gauges() map[string]func() float64
}

// Retryable are the statuses a busy node answers: per-account concurrency (429), overloaded
// (503), and the gateway's own 500/502/504.
func Retryable(status int) bool {
	switch status {
	case 429, 500, 502, 503, 504:
		return true
	}
	return false
}
