// Package outcome decides what a request ended in, by the rules of contract/outcomes.json:
// a success only when the answer is whole and real (status 200, every frame well-formed, a
// normal finish, [DONE] when streaming, not a strategy's fallback); anything else is one class.
package outcome

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
)

const (
	OK        = "ok"
	R429      = "429"
	R503      = "503"
	R5xx      = "5xx"
	R4xx      = "4xx"
	Timeout   = "timeout"
	Network   = "network"
	Truncated = "truncated"
	Malformed = "malformed"
	Aborted   = "aborted"
	Filtered  = "filtered"
	Degraded  = "degraded"
)

// FallbackHeader marks a strategy's stand-in answer (the fallback strategy sets it).
const FallbackHeader = "X-Busybench-Fallback"

// OfStatus classifies a response by its status and headers alone; "" means the body decides.
func OfStatus(status int, header http.Header) string {
	switch {
	case status == 429:
		return R429
	case status == 503:
		return R503
	case status >= 500:
		return R5xx
	case status >= 400:
		return R4xx
	case status != 200:
		return Malformed
	case header.Get(FallbackHeader) == "1":
		return Degraded
	}
	return ""
}

// OfError classifies a request that got no whole answer because of a transport error.
func OfError(err error) string {
	var ne interface{ Timeout() bool }
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout()) {
		return Timeout
	}
	return Network
}

// ofFinish maps a finish_reason to an outcome.
func ofFinish(reason string) string {
	switch reason {
	case "stop", "length", "tool_calls":
		return OK
	case "insufficient_system_resource":
		return Aborted
	case "content_filter":
		return Filtered
	}
	return Truncated
}

type message struct {
	Content          *string `json:"content"`
	ReasoningContent *string `json:"reasoning_content"`
}

func (m *message) carriesToken() bool {
	return m != nil && ((m.Content != nil && *m.Content != "") || (m.ReasoningContent != nil && *m.ReasoningContent != ""))
}

type usage struct {
	CompletionTokens int `json:"completion_tokens"`
	PromptTokens     int `json:"prompt_tokens"`
	CacheHitTokens   int `json:"prompt_cache_hit_tokens"`
}

// Detail is what a whole answer tells beyond its class: its token counts and, when kept, its
// text, which a conversation's next turn sends back (the content only: DeepSeek answers 400 to
// a reasoning_content sent back).
type Detail struct {
	Class string
	// Tokens: completion tokens; Prompt: prompt tokens; Cached: those read from the context cache.
	Tokens, Prompt, Cached int
	Text                   []byte
}

type completion struct {
	Choices []struct {
		Message      *message `json:"message"`
		Delta        *message `json:"delta"`
		FinishReason *string  `json:"finish_reason"`
	} `json:"choices"`
	Usage *usage `json:"usage"`
}

// Body classifies a whole non-streaming 200 answer; tokens are the completion tokens reported.
func Body(body []byte) (class string, tokens int) {
	d := BodyDetail(body, false)
	return d.Class, d.Tokens
}

// BodyDetail classifies a whole non-streaming 200 answer and reads its usage (and its text when
// keep is set).
func BodyDetail(body []byte, keep bool) (d Detail) {
	if len(bytes.TrimSpace(body)) == 0 {
		// An empty 200: what a held request gets when the hold times out.
		d.Class = Truncated
		return d
	}
	var c completion
	if err := json.Unmarshal(body, &c); err != nil || len(c.Choices) == 0 {
		d.Class = Malformed
		return d
	}
	if c.Usage != nil {
		d.Tokens, d.Prompt, d.Cached = c.Usage.CompletionTokens, c.Usage.PromptTokens, c.Usage.CacheHitTokens
	}
	reason := ""
	if c.Choices[0].FinishReason != nil {
		reason = *c.Choices[0].FinishReason
	}
	if m := c.Choices[0].Message; keep && m != nil && m.Content != nil {
		d.Text = []byte(*m.Content)
	}
	d.Class = ofFinish(reason)
	return d
}

// Stream follows an SSE answer line by line.
type Stream struct {
	// Anthropic: the stream is Anthropic's Messages events (anthropic.go), not chunks.
	Anthropic bool
	done      bool
	malformed bool
	aborted   bool
	finish    string
	// Tokens: completion tokens from the usage frame; Prompt and Cached: prompt tokens and
	// those read from the context cache.
	Tokens, Prompt, Cached int
	// Keep: gather the answer's text (its content deltas) in Text.
	Keep bool
	Text []byte
}

var (
	dataPrefix = []byte("data:")
	doneMarker = []byte("[DONE]")
)

// Line takes one line of the stream (without its line ending) and reports whether it was a
// token frame: one whose delta carries content or reasoning. Comments (": keep-alive"),
// blank lines and other fields are not.
func (s *Stream) Line(line []byte) (token bool) {
	if !bytes.HasPrefix(line, dataPrefix) {
		return false
	}
	data := bytes.TrimSpace(line[len(dataPrefix):])
	if s.Anthropic {
		return s.anthropicLine(data)
	}
	if bytes.Equal(data, doneMarker) {
		s.done = true
		return false
	}
	var c completion
	if err := json.Unmarshal(data, &c); err != nil {
		s.malformed = true
		return false
	}
	if c.Usage != nil {
		s.Tokens, s.Prompt, s.Cached = c.Usage.CompletionTokens, c.Usage.PromptTokens, c.Usage.CacheHitTokens
	}
	for i := range c.Choices {
		ch := &c.Choices[i]
		if ch.FinishReason != nil && *ch.FinishReason != "" {
			s.finish = *ch.FinishReason
		}
		if ch.Delta.carriesToken() {
			token = true
			if s.Keep && ch.Delta.Content != nil {
				s.Text = append(s.Text, *ch.Delta.Content...)
			}
		}
	}
	return token
}

// Class is the stream's outcome once it has ended (or been cut).
func (s *Stream) Class() string {
	switch {
	case s.malformed:
		return Malformed
	case s.aborted:
		return Aborted
	case !s.done:
		return Truncated
	case s.Anthropic:
		return ofStopReason(s.finish)
	}
	return ofFinish(s.finish)
}
