package outcome

import (
	"strings"
	"testing"
)

func TestAnthropicBodies(t *testing.T) {
	for body, want := range map[string]string{
		`{"type":"message","content":[],"stop_reason":"end_turn","usage":{"output_tokens":5}}`:   OK,
		`{"type":"message","content":[],"stop_reason":"max_tokens","usage":{"output_tokens":5}}`: OK,
		`{"type":"message","content":[],"stop_reason":"refusal","usage":{"output_tokens":1}}`:    Filtered,
		`{"type":"message","content":[],"stop_reason":null}`:                                     Truncated,
		`{"type":"error","error":{"type":"overloaded_error"}}`:                                   Malformed,
		`{"type":"message","content":[`:                                                          Malformed,
		``:                                                                                       Truncated,
	} {
		if got, _ := AnthropicBody([]byte(body)); got != want {
			t.Errorf("%s: %s, want %s", body, got, want)
		}
	}
	if _, tokens := AnthropicBody([]byte(`{"type":"message","stop_reason":"end_turn","usage":{"output_tokens":17}}`)); tokens != 17 {
		t.Errorf("output tokens read as %d", tokens)
	}
}

func anthropicStream(t *testing.T, text string) (*Stream, int) {
	t.Helper()
	s := &Stream{Anthropic: true}
	tokens := 0
	for _, line := range strings.Split(text, "\n") {
		if s.Line([]byte(line)) {
			tokens++
		}
	}
	return s, tokens
}

const (
	start    = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"output_tokens\":0}}}\n\n"
	delta    = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"hi\"}}\n\n"
	thinking = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hm\"}}\n\n"
	stop     = "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":3}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
)

func TestAnthropicStreams(t *testing.T) {
	s, tokens := anthropicStream(t, start+thinking+delta+delta+stop)
	if s.Class() != OK || tokens != 3 || s.Tokens != 3 {
		t.Errorf("a whole stream: %s, %d token frames, %d tokens", s.Class(), tokens, s.Tokens)
	}
	if s, _ := anthropicStream(t, start+delta); s.Class() != Truncated {
		t.Errorf("no message_stop: %s", s.Class())
	}
	if s, _ := anthropicStream(t, start+delta+"event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}\n\n"); s.Class() != Aborted {
		t.Errorf("an error event: %s", s.Class())
	}
	if s, _ := anthropicStream(t, start+"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\n\n"+stop); s.Class() != Malformed {
		t.Errorf("a cut event: %s", s.Class())
	}
	refusal := strings.Replace(stop, "end_turn", "refusal", 1)
	if s, _ := anthropicStream(t, start+delta+refusal); s.Class() != Filtered {
		t.Errorf("a refusal: %s", s.Class())
	}
}
