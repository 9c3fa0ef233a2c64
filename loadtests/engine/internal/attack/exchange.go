package attack

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"sync"
	"time"

	"busybench/engine/internal/outcome"
)

// answer is what one HTTP attempt came to.
type answer struct {
	status     int
	class      string
	ttfb       time.Duration // from the request's start
	ttft       time.Duration
	itl        []time.Duration
	tokens     int
	retryAfter time.Duration
	// prompt and cached: the usage's prompt tokens and those read from the context cache; text:
	// the answer's text, kept for a session's turn only (its next turn sends it back).
	prompt, cached int
	text           []byte
}

var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// The most of an error body read before the connection goes back to the pool.
const drainLimit = 64 << 10

// PriorityHeader carries a request's class (P0..P3) to the proxies that queue by it.
const PriorityHeader = "X-Priority"

// exchange sends one attempt and reads its answer whole. `start` is when the request (not
// this attempt) began: a user waits from there, retries included. A request without a
// priority class sends no x-priority header.
func (e *Engine) exchange(ctx context.Context, r *request, body []byte, start time.Time) answer {
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	var a answer
	trace := &httptrace.ClientTrace{GotFirstResponseByte: func() { a.ttfb = time.Since(start) }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodPost, e.url,
		bytes.NewReader(body))
	if err != nil {
		a.class = outcome.Network
		return a
	}
	req.Header.Set("Content-Type", "application/json")
	if e.api == "anthropic" {
		req.Header.Set("X-Api-Key", r.key)
		req.Header.Set("Anthropic-Version", "2023-06-01")
	} else {
		req.Header.Set("Authorization", "Bearer "+r.key)
	}
	if r.stream {
		req.Header.Set("Accept", "text/event-stream")
	}
	if r.priority != "" {
		req.Header[PriorityHeader] = []string{r.priority}
	}
	res, err := e.client.Do(req)
	if err != nil {
		a.class = outcome.OfError(err)
		return a
	}
	defer res.Body.Close()
	a.status = res.StatusCode
	if a.class = outcome.OfStatus(res.StatusCode, res.Header); a.class != "" {
		if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil && s >= 0 {
			a.retryAfter = time.Duration(s) * time.Second
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, drainLimit))
		return a
	}
	if r.stream {
		e.readStream(res.Body, start, r.place != nil, &a)
		return a
	}
	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer func() { buf.Reset(); bodyBuffers.Put(buf) }()
	if _, err := buf.ReadFrom(res.Body); err != nil {
		a.class = cutShort(err)
		return a
	}
	var d outcome.Detail
	if e.api == "anthropic" {
		d = outcome.AnthropicDetail(buf.Bytes(), r.place != nil)
	} else {
		d = outcome.BodyDetail(buf.Bytes(), r.place != nil)
	}
	a.class, a.tokens, a.prompt, a.cached, a.text = d.Class, d.Tokens, d.Prompt, d.Cached, d.Text
	return a
}

// cutShort classifies a 200 whose body could not be read to its end.
func cutShort(err error) string {
	if outcome.OfError(err) == outcome.Timeout {
		return outcome.Timeout
	}
	return outcome.Truncated
}

var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 16<<10) }}

// readStream reads SSE line by line as it arrives: the time to first token is the first frame
// that carries content or reasoning (not the first byte, not a keep-alive comment), and every
// gap between token frames is kept.
func (e *Engine) readStream(body io.Reader, start time.Time, keep bool, a *answer) {
	r := readers.Get().(*bufio.Reader)
	r.Reset(body)
	defer func() { r.Reset(nil); readers.Put(r) }()
	s := outcome.Stream{Anthropic: e.api == "anthropic", Keep: keep}
	var last time.Time
	var long []byte
	for {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than the buffer: gather it whole.
			long = append(long, line...)
			continue
		}
		if long != nil {
			line = append(long, line...)
			long = nil
		}
		if len(line) > 0 && s.Line(bytes.TrimRight(line, "\r\n")) {
			now := time.Now()
			if last.IsZero() {
				a.ttft = now.Sub(start)
			} else {
				a.itl = append(a.itl, now.Sub(last))
			}
			last = now
		}
		if err != nil {
			a.tokens, a.prompt, a.cached, a.text = s.Tokens, s.Prompt, s.Cached, s.Text
			a.class = s.Class()
			if !errors.Is(err, io.EOF) && a.class == outcome.Truncated {
				a.class = cutShort(err)
			}
			return
		}
	}
}
