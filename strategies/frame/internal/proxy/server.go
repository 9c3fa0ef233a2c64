// Package proxy is the Go frame: the HTTP proxy a strategy runs in, on fasthttp (issue 28: a
// Node frame costs 2.4 × nginx's CPU a request and cannot hold 4 000 req/s beside the mock on
// one core; this one costs about 1.2 ×; strategies/README.md has the figures). It keeps the
// Node frame's contract: the mock's test controls not forwarded, hop-by-hop headers dropped,
// bodies over 16 MiB refused, answers forwarded byte for byte (a cut answer cut for the client
// too), streams passed on as they flow, DeepSeek-shaped local errors, the same /metrics.
package proxy

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/valyala/fasthttp"

	"busybench/frame/internal/strategy"
)

// BodyLimit is the largest request body forwarded: past it, a DeepSeek-shaped 413 at once.
const BodyLimit = 16 * 1024 * 1024

// A client has HeadersTimeout to send its request's headers, then RequestTimeout to send the rest
// (common/listener-timeouts.ts, every listener's): a client that trickles its headers is answered
// 408 and hung up on, as by the Node frame, and never holds a connection for ever.
const (
	HeadersTimeout = 10 * time.Second
	RequestTimeout = 300 * time.Second
)

// KeepAlive is longer than any client's idle timeout we know of (the Node frame's reason, in
// proxy-server.ts): a server that closes first races the client's next request.
const KeepAlive = 75 * time.Second

// Options are the frame's own settings.
type Options struct {
	// TestControls forwards the mock's admin API and fault headers (off: refused, dropped).
	TestControls bool
}

// Frame is a strategy behind a listener.
type Frame struct {
	strategy strategy.Strategy
	pool     *pool
	metrics  *metrics
	opts     Options
	server   *fasthttp.Server
	hangups  *hangups
}

// New puts a strategy in front of the nodes (base URLs).
func New(s strategy.Strategy, upstreams []string, o Options) (*Frame, error) {
	m := newMetrics(s)
	p := &pool{metrics: m}
	for _, u := range upstreams {
		n, err := newNode(u)
		if err != nil {
			return nil, err
		}
		p.nodes = append(p.nodes, n)
	}
	h, err := newHangups()
	if err != nil {
		return nil, err
	}
	f := &Frame{strategy: s, pool: p, metrics: m, opts: o, hangups: h}
	f.server = &fasthttp.Server{
		Handler:      f.handle,
		ErrorHandler: f.refuseUnreadable,
		// A client has so long to send its headers, then its body (never a deadline on the
		// answer); an idle keep-alive connection is kept KeepAlive.
		ReadTimeout: HeadersTimeout,
		HeaderReceived: func(*fasthttp.RequestHeader) fasthttp.RequestConfig {
			return fasthttp.RequestConfig{ReadTimeout: RequestTimeout}
		},
		IdleTimeout:                  KeepAlive,
		MaxRequestBodySize:           BodyLimit,
		ReadBufferSize:               16 * 1024, // headers up to 16 KiB, as Node's default
		NoDefaultServerHeader:        true,
		NoDefaultDate:                true,
		NoDefaultContentType:         true,
		DisablePreParseMultipartForm: true,
		CloseOnShutdown:              true,
		// An idle keep-alive connection gives its buffers back (16 KiB read, 4 KiB write): after
		// a burst, thousands of open idle connections otherwise hold them until they close. At
		// 3 000 req/s: RSS 34–110 MB against 52–240, lower in each of 3 alternating rounds, CPU a
		// request no higher.
		ReduceMemoryUsage: true,
	}
	return f, nil
}

// Serve answers on the listener until Shutdown.
func (f *Frame) Serve(ln net.Listener) error {
	return f.server.Serve(watchingListener{patientListener{ln}, f.hangups})
}

// Shutdown stops taking requests, closes idle connections, lets answers under way finish until
// the context's deadline, then returns (the process exits and closes what is left).
func (f *Frame) Shutdown(ctx context.Context) error { return f.server.ShutdownWithContext(ctx) }

var metricsPath = []byte("/metrics")

func (f *Frame) handle(ctx *fasthttp.RequestCtx) {
	if ctx.IsGet() && bytes.Equal(ctx.Request.Header.RequestURI(), metricsPath) {
		f.serveMetrics(ctx)
		return
	}
	start := time.Now()
	f.metrics.inFlight.Add(1)
	uri := ctx.Request.Header.RequestURI()
	if refused := refusedTarget(uri, f.opts.TestControls); refused != nil {
		ctx.SetConnectionClose()
		f.write(ctx, refused)
		return
	}
	client := watchOf(ctx.Conn())
	s := &sender{pool: f.pool, client: client, drop: f.dropFor(named(ctx.Request.Header.Peek("Connection")))}
	req := &strategy.Request{
		Method: ctx.Method(),
		URI:    uri,
		Header: &ctx.Request.Header,
		Body:   ctx.Request.Body(),
	}
	a := f.strategy.Handle(req, s).(*answer)
	client.requestDone()
	f.write(ctx, a)
	f.metrics.own.Observe((time.Since(start) - s.waited).Seconds())
}

// dropFor is what a request does not send on besides the hop-by-hop headers: the names its
// Connection header gave, and the fault headers unless test controls are forwarded. The usual
// request names none, and gets the one list built at the start (no allocation per request).
func (f *Frame) dropFor(named []string) []string {
	if f.opts.TestControls {
		return named
	}
	if len(named) == 0 {
		return faultHeaders
	}
	return append(named, faultHeaders...)
}

// write sends an answer: whole in one write, cut as it came, or a stream frame by frame. The
// node's headers go on less this hop's (and those its Connection header names).
func (f *Frame) write(ctx *fasthttp.RequestCtx, a *answer) {
	f.metrics.responded(a.status)
	if a.resp != nil {
		a.resp.Header.CopyTo(&ctx.Response.Header)
		dropHop(&ctx.Response.Header, named(a.resp.Header.Peek("Connection")))
	} else if a.local != "" {
		ctx.Response.Header.SetContentType("application/json")
		ctx.Response.Header.Set("X-Busybench-Strategy-Error", a.local)
	} else {
		for _, h := range a.header {
			ctx.Response.Header.Set(h.Name, h.Value)
		}
	}
	ctx.SetStatusCode(a.status)
	switch {
	case a.stream:
		f.stream(ctx, a)
	case a.cut:
		f.metrics.inFlight.Add(-1)
		cut(ctx, a)
		a.Discard()
	default:
		f.metrics.inFlight.Add(-1)
		ctx.SetBody(a.body)
		a.Discard()
	}
}

// stream passes a streaming answer on as it flows, flushed chunk by chunk. An upstream stream
// that breaks off is cut for the client too (the connection closed, no last chunk); a client that
// hangs up stops the upstream stream (its connection closed).
func (f *Frame) stream(ctx *fasthttp.RequestCtx, a *answer) {
	conn := ctx.Conn()
	ctx.SetBodyStreamWriter(func(w *bufio.Writer) {
		defer func() {
			a.Discard()
			f.metrics.inFlight.Add(-1)
		}()
		body := a.resp.BodyStream()
		held := streamBuffers.Get().(*[]byte)
		defer streamBuffers.Put(held)
		buf := *held
		for {
			n, err := body.Read(buf)
			if n > 0 {
				if _, werr := w.Write(buf[:n]); werr != nil {
					return
				}
				if w.Flush() != nil {
					return
				}
			}
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				// Closing the socket before the server writes the last chunk: the client reads
				// a stream that broke off, never one that ended as if whole.
				_ = conn.Close()
				return
			}
		}
	})
}

// streamBuffers are the buffers a stream is read into on its way through, reused: one of 16 KiB
// allocated and cleared for each stream was a few per cent of the frame's CPU at 2 000 streams/s
// (the profile's memclr) and most of its garbage.
var streamBuffers = sync.Pool{New: func() any { b := make([]byte, 16*1024); return &b }}

// cut sends what came of a cut answer under the node's own length, then closes the connection:
// the client sees fewer bytes than announced, as the Node frame does.
func cut(ctx *fasthttp.RequestCtx, a *answer) {
	var head bytes.Buffer
	fmt.Fprintf(&head, "HTTP/1.1 %d %s\r\n", a.status, fasthttp.StatusMessage(a.status))
	for k, v := range ctx.Response.Header.All() {
		if !bytes.EqualFold(k, []byte("Content-Length")) && !bytes.EqualFold(k, []byte("Connection")) {
			fmt.Fprintf(&head, "%s: %s\r\n", k, v)
		}
	}
	if a.declared >= 0 {
		fmt.Fprintf(&head, "Content-Length: %d\r\n", a.declared)
	}
	head.WriteString("Connection: close\r\n\r\n")
	head.Write(a.body)
	ctx.HijackSetNoResponse(true)
	ctx.Hijack(func(c net.Conn) {
		_, _ = c.Write(head.Bytes())
	})
}

// refuseUnreadable answers a request fasthttp could not read: a body over the limit (413), one
// not sent in time (408) or a malformed request (400), DeepSeek-shaped; the connection is closed
// after it.
func (f *Frame) refuseUnreadable(ctx *fasthttp.RequestCtx, err error) {
	var a *answer
	var netErr net.Error
	if errors.Is(err, fasthttp.ErrBodyTooLarge) {
		a = localError(413, "body_too_large", "Request body is too large: the limit is "+strconv.Itoa(BodyLimit)+" bytes")
	} else if errors.As(err, &netErr) && netErr.Timeout() {
		a = localError(408, "request_timeout", "Request timeout: the headers must come within "+HeadersTimeout.String()+" and the whole request within "+RequestTimeout.String())
	} else {
		a = localError(400, "invalid_request_error", "Malformed request: "+err.Error())
	}
	f.metrics.inFlight.Add(1)
	ctx.SetConnectionClose()
	f.write(ctx, a)
}

func (f *Frame) serveMetrics(ctx *fasthttp.RequestCtx) {
	families, err := f.metrics.registry.Gather()
	if err != nil {
		ctx.Error("metrics failed: "+err.Error()+"\n", 500)
		return
	}
	format := expfmt.NewFormat(expfmt.TypeTextPlain)
	ctx.SetContentType(string(format))
	enc := expfmt.NewEncoder(ctx, format)
	for _, mf := range families {
		if err := enc.Encode(mf); err != nil {
			return
		}
	}
}
