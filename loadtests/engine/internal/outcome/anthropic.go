package outcome

import (
	"bytes"
	"encoding/json"
)

// Anthropic's format, as DeepSeek serves it under /anthropic: the same rules (whole and real,
// a normal stop, message_stop when streaming), read from its stop reasons and events.

// ofStopReason maps an Anthropic stop_reason to an outcome, as ofFinish maps finish_reason.
func ofStopReason(reason string) string {
	switch reason {
	case "end_turn", "max_tokens", "tool_use", "stop_sequence":
		return OK
	case "refusal":
		return Filtered
	}
	return Truncated
}

// anthropicUsage: input_tokens are the uncached prompt tokens, cache_read_input_tokens the rest.
type anthropicUsage struct {
	OutputTokens int `json:"output_tokens"`
	InputTokens  int `json:"input_tokens"`
	CacheRead    int `json:"cache_read_input_tokens"`
}

type anthropicMessage struct {
	Type       string          `json:"type"`
	StopReason *string         `json:"stop_reason"`
	Usage      *anthropicUsage `json:"usage"`
	Content    []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"content"`
}

// AnthropicBody classifies a whole non-streaming 200 Messages answer.
func AnthropicBody(body []byte) (class string, tokens int) {
	d := AnthropicDetail(body, false)
	return d.Class, d.Tokens
}

// AnthropicDetail classifies a whole non-streaming 200 Messages answer and reads its usage (and
// its text blocks when keep is set).
func AnthropicDetail(body []byte, keep bool) (d Detail) {
	if len(bytes.TrimSpace(body)) == 0 {
		d.Class = Truncated
		return d
	}
	var m anthropicMessage
	if err := json.Unmarshal(body, &m); err != nil || m.Type != "message" {
		d.Class = Malformed
		return d
	}
	if m.Usage != nil {
		d.Tokens, d.Prompt, d.Cached = m.Usage.OutputTokens, m.Usage.InputTokens+m.Usage.CacheRead, m.Usage.CacheRead
	}
	if keep {
		for _, c := range m.Content {
			if c.Type == "text" {
				d.Text = append(d.Text, c.Text...)
			}
		}
	}
	if m.StopReason == nil {
		d.Class = Truncated
		return d
	}
	d.Class = ofStopReason(*m.StopReason)
	return d
}

type anthropicEvent struct {
	Type  string `json:"type"`
	Delta *struct {
		Type       string  `json:"type"`
		Text       string  `json:"text"`
		Thinking   string  `json:"thinking"`
		StopReason *string `json:"stop_reason"`
	} `json:"delta"`
	Usage *anthropicUsage `json:"usage"`
	// Message: message_start's, whose usage holds the prompt's tokens.
	Message *struct {
		Usage *anthropicUsage `json:"usage"`
	} `json:"message"`
	Error *struct {
		Type string `json:"type"`
	} `json:"error"`
}

// anthropicLine reads one event's data: a text or thinking delta is a token; message_delta
// brings the stop reason and the output tokens; message_stop ends the stream whole; an error
// event (overloaded mid-stream: DeepSeek's insufficient resources) aborts it.
func (s *Stream) anthropicLine(data []byte) (token bool) {
	var ev anthropicEvent
	if err := json.Unmarshal(data, &ev); err != nil {
		s.malformed = true
		return false
	}
	switch ev.Type {
	case "message_start":
		if ev.Message != nil && ev.Message.Usage != nil {
			u := ev.Message.Usage
			s.Prompt, s.Cached = u.InputTokens+u.CacheRead, u.CacheRead
		}
	case "content_block_delta":
		if s.Keep && ev.Delta != nil {
			s.Text = append(s.Text, ev.Delta.Text...)
		}
		return ev.Delta != nil && (ev.Delta.Text != "" || ev.Delta.Thinking != "")
	case "message_delta":
		if ev.Delta != nil && ev.Delta.StopReason != nil {
			s.finish = *ev.Delta.StopReason
		}
		if ev.Usage != nil {
			s.Tokens = ev.Usage.OutputTokens
		}
	case "message_stop":
		s.done = true
	case "error":
		s.aborted = true
	}
	return false
}
