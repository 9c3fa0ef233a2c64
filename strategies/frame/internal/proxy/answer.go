package proxy

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"busybench/frame/internal/strategy"
)

// answer is what the frame sends back: a node's answer (whole, cut, or a stream still flowing)
// or one the frame made itself.
type answer struct {
	status int
	// resp is a node's answer: its header, and for a stream its body still to be read.
	resp *fasthttp.Response
	// stream: the body is read from resp as it flows (text/event-stream).
	stream bool
	// body is a whole (or cut) answer's bytes.
	body []byte
	// cut: the node's answer broke off before its declared length; the client gets what came
	// and then the cut, never an answer that looks whole. declared is the node's length.
	cut      bool
	declared int
	// local: the frame's own error answer (no resp); its error code.
	local string
	// header: the headers of an answer a strategy made that is not an error (fallback's).
	header []strategy.Field
	// release runs once, when the node's part is done with (its in-flight count).
	release func()
}

func (a *answer) Status() int { return a.status }

func (a *answer) RetryAfter() time.Duration {
	if a.resp == nil {
		return -1
	}
	v := string(a.resp.Header.Peek("Retry-After"))
	if v == "" {
		return -1
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second))
	}
	if at, err := time.Parse(time.RFC1123, v); err == nil {
		return max(0, time.Until(at))
	}
	return -1
}

// OnDone runs f when the node is done with the answer: now for a whole or local one (read
// already), at the release of a stream (its end, or its discard).
func (a *answer) OnDone(f func()) {
	if a.release == nil {
		f()
		return
	}
	before := a.release
	a.release = func() { before(); f() }
}

// Whole is a node's answer read whole: its headers less this hop's and its length, which whoever
// sends it again redoes (names lower-cased), and its body; not a stream, a cut answer or one the
// frame or a strategy made.
func (a *answer) Whole() ([]strategy.Field, []byte, bool) {
	if a.resp == nil || a.stream || a.cut {
		return nil, nil, false
	}
	drop := named(a.resp.Header.Peek("Connection"))
	var header []strategy.Field
	for k, v := range a.resp.Header.All() {
		name := strings.ToLower(string(k))
		same := func(h string) bool { return strings.EqualFold(h, name) }
		if !slices.ContainsFunc(hop, same) && !slices.ContainsFunc(drop, same) {
			header = append(header, strategy.Field{Name: name, Value: string(v)})
		}
	}
	return header, a.body, true
}

// Discard releases the node's answer (a stream's connection closed if it was not read to its end).
func (a *answer) Discard() {
	if a.resp == nil {
		return
	}
	if a.stream {
		_ = a.resp.CloseBodyStream()
	}
	fasthttp.ReleaseResponse(a.resp)
	a.resp = nil
	if a.release != nil {
		a.release()
		a.release = nil
	}
}

// deepSeekError is the API's error shape, members in its order.
type deepSeekError struct {
	Error errorBody `json:"error"`
}

type errorBody struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    string  `json:"code"`
}

// localError is an answer the frame makes itself, DeepSeek-shaped ({error: {message, type,
// param, code}}), marked with x-busybench-strategy-error so it is told apart from a node's.
func localError(status int, code, message string) *answer {
	typ := "invalid_request_error"
	if status == 429 {
		typ = "rate_limit_error"
	} else if status >= 500 {
		typ = "service_unavailable_error"
	}
	body, _ := json.Marshal(deepSeekError{Error: errorBody{Message: message, Type: typ, Code: code}})
	return &answer{status: status, body: body, local: code}
}
