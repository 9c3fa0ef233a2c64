package proxy

import (
	"bytes"
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
}

func newNode(raw string) (*node, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	return &node{
		url: raw,
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

func (s *sender) Send(r *strategy.Request) strategy.Answer {
	return s.SendTo(int(s.turn.Add(1)%uint64(len(s.nodes))), r)
}

func (s *sender) Nodes() int { return len(s.nodes) }

func (s *sender) Outstanding(i int) int64 { return s.nodes[i].inFlight.Load() }

func (s *sender) SendTo(i int, r *strategy.Request) strategy.Answer {
	n := s.nodes[i]
	req := fasthttp.AcquireRequest()
	r.Header.CopyTo(&req.Header)
	dropHop(&req.Header, s.drop)
	for _, f := range r.Set {
		req.Header.Set(f.Name, f.Value)
	}
	req.Header.SetHost(n.client.Addr)
	req.SetBodyRaw(r.Body)
	resp := fasthttp.AcquireResponse()
	n.inFlight.Add(1)
	start := time.Now()
	err := n.client.Do(req, resp)
	s.waited += time.Since(start)
	fasthttp.ReleaseRequest(req)
	if err != nil {
		n.inFlight.Add(-1)
		fasthttp.ReleaseResponse(resp)
		s.metrics.attempt(n.url, 502)
		return localError(502, "bad_gateway", "upstream "+n.url+" unreachable: "+err.Error())
	}
	status := resp.StatusCode()
	s.metrics.attempt(n.url, status)
	a := &answer{status: status, resp: resp, release: func() { n.inFlight.Add(-1) }}
	if bytes.HasPrefix(resp.Header.ContentType(), eventStream) {
		a.stream = true
		return a
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
	s.waited += time.Since(start)
	_ = resp.CloseBodyStream()
	n.inFlight.Add(-1)
	a.release = nil
	if err != nil {
		a.cut, a.declared = true, declared
	}
	return a
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
