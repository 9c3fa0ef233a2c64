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
	// Set are headers an attempt sends in place of the client's (key-pool's key).
	Set []Field
}

// Field is one header.
type Field struct{ Name, Value string }

// With is the request with one more header set in place of the client's.
func (r *Request) With(name, value string) *Request {
	c := *r
	c.Set = append(append([]Field(nil), r.Set...), Field{name, value})
	return &c
}

// Answer is what goes back to the client: an upstream's answer or one the frame made itself.
type Answer interface {
	Status() int
	// RetryAfter is the answer's Retry-After as a wait, or -1 when it has none.
	RetryAfter() time.Duration
	// Discard releases an answer that will not be sent (a retried one).
	Discard()
	// OnDone runs f once, when the node is done with the answer, as the node counts the
	// request: at once for a whole or local answer, at its end (or discard) for a stream. The
	// bulkhead and the priority queue hold their slot until then.
	OnDone(f func())
	// Whole is a node's answer read whole (not a stream, not cut, not one a strategy made): its
	// end-to-end headers, names lower-cased, and its body; ok false for any other answer. What
	// the cache may store.
	Whole() (header []Field, body []byte, ok bool)
}

// Sender sends requests to the nodes and makes local answers; every attempt is counted on
// /metrics by node and status, every local answer by reason.
type Sender interface {
	// Send sends to the next node (round robin), or inside a chain to the next link. Once the
	// client has hung up, no attempt is sent (each answers a 499, counted) and those under way
	// are stopped: a strategy need not look.
	Send(r *Request) Answer
	// SendTo sends to node i (0 ≤ i < Nodes()): the strategies that pick the node themselves.
	SendTo(i int, r *Request) Answer
	Nodes() int
	// Next is the next node in turn (what Send would take), for a strategy that goes on from it.
	Next() int
	// Start sends to node i in the background: its answer comes on the channel once; calling
	// the function calls the attempt off (its connection closed, the node stops; counted 499).
	// Its wait is not told as the request's: the strategy tells its own with Waited.
	Start(i int, r *Request) (<-chan Answer, func())
	// Outstanding is node i's attempts sent from here and not answered whole yet.
	Outstanding(i int) int64
	// Local is an answer the strategy makes itself, DeepSeek-shaped, counted by reason.
	Local(reason string, status int, code, message string) Answer
	// Made is a whole answer the strategy makes itself that is not an error (fallback's
	// degraded completion), counted by reason.
	Made(reason string, status int, header []Field, body []byte) Answer
	// Sleep waits d (between attempts); Waited counts d spent waiting (in a strategy's queue).
	// Neither is the frame's own work: its cost metric leaves them out.
	Sleep(d time.Duration)
	Waited(d time.Duration)
}

// Strategy is one reference strategy.
type Strategy interface {
	Name() string
	Handle(r *Request, s Sender) Answer
	// Gauges are the strategy's own state, exported as busybench_strategy_<name>.
	Gauges() map[string]func() float64
}

// Queuer is a strategy with a queue of its own: its length is busybench_strategy_queue_length
// (0 for the others), the one name an SLA's queue line reads whatever the strategy.
type Queuer interface {
	QueueLength() float64
}

// Counter is a count a strategy keeps, exported as busybench_strategy_<Name> with its labels.
type Counter struct {
	Name, Help string
	Labels     map[string]string
	Read       func() float64
}

// Counted is a strategy with counters of its own (cache's hits, misses and store errors).
type Counted interface {
	Counters() []Counter
}

// Starter is a strategy with parts of its own that start before the frame listens and close
// after it (cache's Redis connection): a part that cannot start is a setup error.
type Starter interface {
	Start() error
	Close()
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
