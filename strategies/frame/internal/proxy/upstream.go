package proxy

import (
	"bytes"
	"errors"
	"io"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"

	"busybench/frame/internal/strategy"
)

// node is one upstream: its slots (kept-alive connections, one attempt at a time each:
// calloff.go) and the counts of what was sent to it.
type node struct {
	url  string
	host string
	// inFlight: attempts sent and not yet answered whole (a stream counts until its end).
	inFlight atomic.Int64
	slots    *slots
}

func newNode(raw string) (*node, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	return &node{url: raw, host: u.Host, slots: newSlots(u.Host, maxSlots)}, nil
}

// pool is the nodes, taken in turn (round robin), and the counts of what was sent.
type pool struct {
	nodes   []*node
	turn    atomic.Uint64
	metrics *metrics
}

// sender is the strategies' Sender for one request: every attempt counted, and the time the
// request spent waiting (on nodes, between retries) added up, which is not the frame's own work.
type sender struct {
	*pool
	// client: whether the request's client is still there (hangup.go).
	client *clientWatch
	// drop: the headers besides the hop-by-hop ones that this request does not send on (those
	// its Connection header names; the test controls unless forwarded).
	drop   []string
	waited time.Duration
}

var eventStream = []byte("text/event-stream")

func (s *sender) Send(r *strategy.Request) strategy.Answer { return s.SendTo(s.Next(), r) }

func (s *sender) Nodes() int { return len(s.nodes) }

func (s *sender) Outstanding(i int) int64 { return s.nodes[i].inFlight.Load() }

func (s *sender) SendTo(i int, r *strategy.Request) strategy.Answer {
	n := s.nodes[i]
	t, waited, refused := s.slotFor(n)
	s.waited += waited
	if refused != nil {
		return refused
	}
	a, waited := s.attempt(n, t, s.request(n, r, false))
	s.waited += waited
	n.slots.giveAfter(a, t)
	return a
}

// slotFor takes a slot of node n for an attempt that the client's hang-up calls off, and says how
// long it waited for one; or, when no attempt is sent, its answer: the client gone (499) or no
// slot free in time (502).
func (s *sender) slotFor(n *node) (*ticket, time.Duration, *answer) {
	if s.client.isGone() {
		return nil, 0, s.clientClosed(n)
	}
	t, waited, err := n.slots.take()
	if err != nil {
		return nil, waited, s.unreachable(n, err)
	}
	s.client.whenGone(t)
	return t, waited, nil
}

// clientClosed is the answer of an attempt not sent, or stopped, because the client hung up:
// counted 499 for the node, read by nobody.
func (s *sender) clientClosed(n *node) *answer {
	s.metrics.attempt(n.url, 499)
	return localError(499, "client_closed", "the client closed the request")
}

// unreachable is the 502 of an attempt that could not reach its node.
func (s *sender) unreachable(n *node, err error) *answer {
	s.metrics.attempt(n.url, 502)
	return localError(502, "bad_gateway", "upstream "+n.url+" unreachable: "+err.Error())
}

// request is the node's copy of a client's request: the client's headers less this hop's, the
// strategy's own set, and the body. An attempt that may outlive its handler (own) gets a copy
// of the body: fasthttp reuses the client's request for the next one on its connection once
// the handler has returned.
func (s *sender) request(n *node, r *strategy.Request, own bool) *fasthttp.Request {
	req := fasthttp.AcquireRequest()
	r.Header.CopyTo(&req.Header)
	dropHop(&req.Header, s.drop)
	for _, f := range r.Set {
		req.Header.Set(f.Name, f.Value)
	}
	req.Header.SetHost(n.host)
	if own {
		req.SetBody(r.Body)
	} else {
		req.SetBodyRaw(r.Body)
	}
	return req
}

// Next is the next node in turn (the round robin Send takes).
func (s *sender) Next() int { return int(s.turn.Add(1) % uint64(len(s.nodes))) }

// errCalledOff is the error of an attempt its strategy called off before it was answered.
var errCalledOff = errors.New("called off by the strategy")

// Start sends to node i in the background, so that calling it off (a hedge that lost) closes
// its slot's connection and the node stops the work. Its wait is not the request's: the
// strategy tells its own with Waited.
func (s *sender) Start(i int, r *strategy.Request) (<-chan strategy.Answer, func()) {
	n := s.nodes[i]
	out := make(chan strategy.Answer, 1)
	t, _, refused := s.slotFor(n)
	if refused != nil {
		out <- refused
		return out, func() {}
	}
	req := s.request(n, r, true) // now, while the client's request is still this handler's
	go func() {
		a, _ := s.attempt(n, t, req)
		n.slots.giveAfter(a, t)
		out <- a
	}()
	return out, t.callOff
}

// attempt sends a node's request (released here) on the ticket's slot and returns its answer (a
// whole one read here, a stream still flowing) and the time spent waiting on the node. A failure
// of an attempt called off is counted 499 (the client gone, or "cancelled" by the strategy, as
// the Node frame counts them), any other 502 (the node unreachable).
func (s *sender) attempt(n *node, t *ticket, req *fasthttp.Request) (*answer, time.Duration) {
	resp := fasthttp.AcquireResponse()
	n.inFlight.Add(1)
	start := time.Now()
	err := t.slot.client.Do(req, resp)
	waited := time.Since(start)
	fasthttp.ReleaseRequest(req)
	if err != nil {
		n.inFlight.Add(-1)
		fasthttp.ReleaseResponse(resp)
		if t.calledOff() {
			if s.client.isGone() {
				return s.clientClosed(n), waited
			}
			s.metrics.attempt(n.url, 499)
			return localError(499, "cancelled", "cancelled by the strategy: "+err.Error()), waited
		}
		return s.unreachable(n, err), waited
	}
	status := resp.StatusCode()
	s.metrics.attempt(n.url, status)
	a := &answer{status: status, resp: resp, release: func() { n.inFlight.Add(-1) }}
	if bytes.HasPrefix(resp.Header.ContentType(), eventStream) {
		a.stream = true
		return a, waited
	}
	// A whole answer, read here: into a buffer of the node's length when it says one.
	declared := resp.Header.ContentLength()
	start = time.Now()
	if declared >= 0 {
		a.body = make([]byte, declared)
		var got int
		got, err = io.ReadFull(resp.BodyStream(), a.body)
		a.body = a.body[:got]
	} else {
		a.body, err = io.ReadAll(resp.BodyStream())
	}
	waited += time.Since(start)
	_ = resp.CloseBodyStream()
	n.inFlight.Add(-1)
	a.release = nil
	if err != nil {
		a.cut, a.declared = true, declared
	}
	return a, waited
}

func (s *sender) Local(reason string, status int, code, message string) strategy.Answer {
	s.metrics.local(reason)
	return localError(status, code, message)
}

func (s *sender) Made(reason string, status int, header []strategy.Field, body []byte) strategy.Answer {
	s.metrics.local(reason)
	return &answer{status: status, body: body, header: header}
}

// Sleep waits between attempts, counted as waiting.
func (s *sender) Sleep(d time.Duration) {
	if d > 0 {
		time.Sleep(d)
		s.waited += d
	}
}

// Waited counts time a request spent in a strategy's queue.
func (s *sender) Waited(d time.Duration) { s.waited += d }
