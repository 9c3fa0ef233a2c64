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

type anthropicUsage struct {
	OutputTokens int `json:"output_tokens"`
}

type anthropicMessage struct {
	Type       string          `json:"type"`
	StopReason *string         `json:"stop_reason"`
	Usage      *anthropicUsage `json:"usage"`
}

// AnthropicBody classifies a whole non-streaming 200 Messages answer.
func AnthropicBody(body []byte) (class string, tokens int) {
	if len(bytes.TrimSpace(body)) == 0 {
		return Truncated, 0
	}
	var m anthropicMessage
	if err := json.Unmarshal(body, &m); err != nil || m.Type != "message" {
		return Malformed, 0
	}
	if m.Usage != nil {
		tokens = m.Usage.OutputTokens
	}
	if m.StopReason == nil {
		return Truncated, tokens
	}
	return ofStopReason(*m.StopReason), tokens
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
	case "content_block_delta":
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
