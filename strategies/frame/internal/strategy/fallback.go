package strategy

import (
	"encoding/json"
	"strconv"
	"time"
)

// Fallback is the Node frame's `fallback`: when the node is busy (429/5xx, unreachable), the
// client gets a well-formed completion saying so instead of an error, marked by
// system_fingerprint "busybench-fallback" and the header x-busybench-fallback: 1. It turns errors
// into successes in the client's eyes: what it buys is availability, not answers.
type Fallback struct {
	Message string
}

func (*Fallback) Name() string                      { return "fallback" }
func (*Fallback) Gauges() map[string]func() float64 { return nil }

func (f *Fallback) Handle(r *Request, s Sender) Answer {
	answer := s.Send(r)
	if !Retryable(answer.Status()) {
		return answer
	}
	answer.Discard()
	stream, model := readRequest(r.Body)
	header, body := degraded(stream, model, f.Message, time.Now())
	return s.Made("fallback", 200, header, body)
}

// readRequest reads what the degraded answer needs from the body, as JSON.parse would: the
// top-level "stream" and "model" members (the last of each where a key repeats).
func readRequest(body []byte) (stream bool, model string) {
	model = "deepseek-v4-flash"
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return false, model
	}
	stream = string(top["stream"]) == "true"
	var m string
	if json.Unmarshal(top["model"], &m) == nil {
		model = m
	}
	return stream, model
}

type completion struct {
	ID                string   `json:"id"`
	Created           int64    `json:"created"`
	Model             string   `json:"model"`
	SystemFingerprint string   `json:"system_fingerprint"`
	Object            string   `json:"object"`
	Choices           []choice `json:"choices"`
	Usage             *usage   `json:"usage,omitempty"`
}

type choice struct {
	Index        int       `json:"index"`
	Message      *message  `json:"message,omitempty"`
	Delta        *message  `json:"delta,omitempty"`
	Logprobs     *struct{} `json:"logprobs"`
	FinishReason *string   `json:"finish_reason"`
}

type message struct {
	Role    string `json:"role,omitempty"`
	Content string `json:"content,omitempty"`
}

type usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// degraded is the fallback completion, whole or as a stream of two chunks and [DONE].
func degraded(stream bool, model, content string, now time.Time) ([]Field, []byte) {
	stop := "stop"
	base := completion{
		ID: "fallback-" + strconv.FormatInt(now.UnixMilli(), 10), Created: now.Unix(),
		Model: model, SystemFingerprint: "busybench-fallback",
	}
	said := &message{Role: "assistant", Content: content}
	if !stream {
		base.Object = "chat.completion"
		base.Choices = []choice{{Message: said, FinishReason: &stop}}
		base.Usage = &usage{}
		body, _ := json.Marshal(base)
		return []Field{{"X-Busybench-Fallback", "1"}, {"Content-Type", "application/json"}}, body
	}
	base.Object = "chat.completion.chunk"
	var out []byte
	for _, c := range []choice{{Delta: said}, {Delta: &message{}, FinishReason: &stop}} {
		base.Choices = []choice{c}
		chunk, _ := json.Marshal(base)
		out = append(append(append(out, "data: "...), chunk...), "\n\n"...)
	}
	out = append(out, "data: [DONE]\n\n"...)
	return []Field{{"X-Busybench-Fallback", "1"}, {"Content-Type", "text/event-stream; charset=utf-8"}}, out
}
