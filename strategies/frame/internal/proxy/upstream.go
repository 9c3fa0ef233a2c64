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

// node is one upstream: a fasthttp HostClient (its own keep-alive pool) and the counts of what
// was sent to it.
type node struct {
	url    string
	client *fasthttp.HostClient
	// inFlight: attempts sent and not yet answered whole (a stream counts until its end).
	inFlight atomic.Int64
	// slots carry the attempts that can be called off (calloff.go).
	slots *slots
}

func newNode(raw string) (*node, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	return &node{
		url:   raw,
		slots: &slots{addr: u.Host},
		client: &fasthttp.HostClient{
			Addr: u.Host,
			// Enough for any burst at these rates (5 000 req/s at 170 ms is ~850 at once);
			// past it a request waits for a connection rather than failing. Bounded so three
			// nodes and their clients stay inside the process's descriptors (20 000 here).
			MaxConns:            4096,
			MaxConnWaitTimeout:  30 * time.Second,
			MaxIdleConnDuration: 30 * time.Second,
			// A stream is read as it comes; a whole answer is read by us (answer.cut).
			StreamResponseBody:       true,
			DisablePathNormalizing:   true,
			NoDefaultUserAgentHeader: true,
		},
	}, nil
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
	a, waited := s.attempt(n, n.client, s.request(n, r, false), nil)
	s.waited += waited
	return a
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
	req.Header.SetHost(n.client.Addr)
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

// Start sends to node i in the background on a connection no other request shares (a slot,
// calloff.go), so that calling it off closes that connection and the node stops the work (a
// hedge that lost). Its wait is not the request's: the strategy tells its own with Waited.
func (s *sender) Start(i int, r *strategy.Request) (<-chan strategy.Answer, func()) {
	n := s.nodes[i]
	sl, t := n.slots.take()
	req := s.request(n, r, true) // now, while the client's request is still this handler's
	out := make(chan strategy.Answer, 1)
	go func() {
		a, _ := s.attempt(n, sl.client, req, func() bool { return sl.calledOff(t) })
		// The slot is free again once the node is done with the answer: now for a whole or
		// failed one, at its end for a stream.
		if a.release == nil {
			n.slots.give(sl, t)
		} else {
			done := a.release
			a.release = func() { done(); n.slots.give(sl, t) }
		}
		out <- a
	}()
	return out, func() { sl.callOff(t) }
}

// attempt sends a node's request (released here) through client and returns its answer (a
// whole one read here, a stream still flowing) and the time spent waiting on the node.
// calledOff, when given, says whether a failure was the strategy calling it off (counted 499
// "cancelled", as the Node frame counts it) rather than the node unreachable (502).
func (s *sender) attempt(n *node, client *fasthttp.HostClient, req *fasthttp.Request, calledOff func() bool) (*answer, time.Duration) {
	resp := fasthttp.AcquireResponse()
	n.inFlight.Add(1)
	start := time.Now()
	err := client.Do(req, resp)
	waited := time.Since(start)
	fasthttp.ReleaseRequest(req)
	if err != nil {
		n.inFlight.Add(-1)
		fasthttp.ReleaseResponse(resp)
		if calledOff != nil && calledOff() {
			s.metrics.attempt(n.url, 499)
			return localError(499, "cancelled", "cancelled by the strategy: "+err.Error()), waited
		}
		s.metrics.attempt(n.url, 502)
		return localError(502, "bad_gateway", "upstream "+n.url+" unreachable: "+err.Error()), waited
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
