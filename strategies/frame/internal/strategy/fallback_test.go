package strategy

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestFallbackAnswersABusyNodeWithADegradedCompletion(t *testing.T) {
	f := &Fallback{Message: "busy, sorry"}
	s := &fakeSender{statuses: []int{503}}
	r := &Request{Body: []byte(`{"model":"deepseek-v4-pro","messages":[{"role":"user","content":"\"stream\": true"}]}`)}
	a := f.Handle(r, s).(*fakeAnswer)
	if a.status != 200 || s.locals[0] != "fallback" || !s.sent[0].discarded {
		t.Fatalf("%d, locals %v; want a made 200 counted as fallback, the 503 discarded", a.status, s.locals)
	}
	var c struct {
		SystemFingerprint string `json:"system_fingerprint"`
		Object            string
		Choices           []struct {
			Message      struct{ Role, Content string }
			FinishReason string `json:"finish_reason"`
		}
	}
	if err := json.Unmarshal(a.body, &c); err != nil {
		t.Fatal(err)
	}
	if c.SystemFingerprint != "busybench-fallback" || c.Object != "chat.completion" ||
		c.Choices[0].Message.Content != "busy, sorry" || c.Choices[0].FinishReason != "stop" {
		t.Fatalf("body %s", a.body)
	}
	if !strings.Contains(string(a.body), `"model":"deepseek-v4-pro"`) {
		t.Fatalf("the request's model is not in %s", a.body)
	}
	if a.header[0] != (Field{"X-Busybench-Fallback", "1"}) {
		t.Fatalf("headers %v, want x-busybench-fallback: 1", a.header)
	}
}

func TestFallbackStreamsWhenTheRequestAskedForAStream(t *testing.T) {
	f := &Fallback{Message: "busy"}
	s := &fakeSender{statuses: []int{429}}
	a := f.Handle(&Request{Body: []byte(`{"stream":false,"model":"m","stream":true}`)}, s).(*fakeAnswer)
	text := string(a.body)
	if !strings.HasPrefix(text, "data: {") || !strings.HasSuffix(text, "data: [DONE]\n\n") ||
		strings.Count(text, "chat.completion.chunk") != 2 || a.header[1].Value != "text/event-stream; charset=utf-8" {
		t.Fatalf("stream %q, headers %v", text, a.header)
	}
}

func TestFallbackPassesAnAnswerThatIsNotBusy(t *testing.T) {
	f := &Fallback{Message: "busy"}
	for _, st := range []int{200, 400, 401} {
		s := &fakeSender{statuses: []int{st}}
		if a := f.Handle(&Request{}, s); a.Status() != st || len(s.locals) != 0 {
			t.Fatalf("%d came back as %d, locals %v", st, a.Status(), s.locals)
		}
	}
	// A body that is not a JSON object: no stream, the default model.
	if stream, model := readRequest([]byte(`[1]`)); stream || model != "deepseek-v4-flash" {
		t.Fatalf("%v %q", stream, model)
	}
	_, body := degraded(false, "m", "x", time.Unix(5, 0))
	if !strings.Contains(string(body), `"id":"fallback-5000","created":5`) {
		t.Fatalf("%s", body)
	}
}
