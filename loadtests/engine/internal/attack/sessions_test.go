package attack

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"busybench/engine/internal/plan"
)

func TestArrivalsFallToConversationsInTurn(t *testing.T) {
	ss := newSessions(3, 2)
	for k, want := range []place{{0, 0, 0}, {1, 0, 0}, {2, 0, 0}, {0, 0, 1}, {1, 0, 1}, {2, 0, 1}, {0, 1, 0}, {1, 1, 0}} {
		if got := ss.placeOf(uint64(k)); got != want {
			t.Errorf("arrival %d: %+v, want %+v", k, got, want)
		}
	}
	if a, b := ss.id(place{2, 0, 1}), ss.id(place{2, 1, 0}); a == b {
		t.Errorf("two conversations of a slot share the id %d", a)
	}
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// chatServer answers each request with a text made from its last message (quotes, a newline
// and non-ASCII included, so the answer sent back must be escaped as JSON), and keeps every
// request's messages; fail decides which requests get a 503.
func chatServer(t *testing.T, fail func([]chatMessage) bool) (*httptest.Server, func() [][]chatMessage) {
	t.Helper()
	var mu sync.Mutex
	var seen [][]chatMessage
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body struct {
			Messages []chatMessage `json:"messages"`
			Stream   bool          `json:"stream"`
		}
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Errorf("a body that is not JSON: %v", err)
		}
		mu.Lock()
		seen = append(seen, body.Messages)
		mu.Unlock()
		if fail(body.Messages) {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		reply := replyTo(body.Messages)
		prompt, cached := 10*len(body.Messages), 5*len(body.Messages)
		if body.Stream {
			// The answer in two deltas, then the usage frame.
			w.Header().Set("Content-Type", "text/event-stream")
			for _, part := range []string{reply[:5], reply[5:]} {
				d, _ := json.Marshal(part)
				fmt.Fprintf(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":%s}}]}\n\n", d)
			}
			fmt.Fprintf(w, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n")
			fmt.Fprintf(w, "data: {\"choices\":[],\"usage\":{\"completion_tokens\":3,\"prompt_tokens\":%d,\"prompt_cache_hit_tokens\":%d}}\n\ndata: [DONE]\n\n", prompt, cached)
			return
		}
		answer, _ := json.Marshal(reply)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],"usage":{"completion_tokens":3,"prompt_tokens":%d,"prompt_cache_hit_tokens":%d}}`,
			answer, prompt, cached)
	}))
	t.Cleanup(srv.Close)
	return srv, func() [][]chatMessage { mu.Lock(); defer mu.Unlock(); return slices.Clone(seen) }
}

func replyTo(m []chatMessage) string {
	last := m[len(m)-1].Content
	return fmt.Sprintf("re \"%s\"\n… %d", last[:min(len(last), 12)], len(m))
}

func sessionPlan(target string, count, turns int) *plan.Plan {
	// 20 arrivals over 0.4 s: 4 conversations of 3 turns, then new ones in the same slots.
	p := testPlan(target, 50, 400, 0.5)
	p.Mix.Sessions = &plan.Sessions{Count: count, Turns: turns}
	p.Mix.PromptChars = []int{60, 300}
	return p
}

// Each turn sends every earlier exchange of its conversation as the client saw it (the
// answer byte for byte), then its own prompt: a turn's messages begin with the whole of the
// previous turn's.
func TestATurnSendsTheConversationSoFar(t *testing.T) {
	srv, seen := chatServer(t, func([]chatMessage) bool { return false })
	e, lines := runEngine(t, sessionPlan(srv.URL, 4, 3))
	bodies := seen()
	if len(bodies) != 20 {
		t.Fatalf("%d requests, want 20", len(bodies))
	}
	byTurn := map[int]int{}
	for _, m := range bodies {
		if len(m)%2 != 1 {
			t.Fatalf("%d messages: a conversation ends on the user's turn", len(m))
		}
		for i := 1; i < len(m); i += 2 {
			if m[i-1].Role != "user" || m[i].Role != "assistant" {
				t.Fatalf("roles %s, %s at %d", m[i-1].Role, m[i].Role, i)
			}
			if want := replyTo(m[:i]); m[i].Content != want {
				t.Fatalf("assistant message %q, the answer was %q", m[i].Content, want)
			}
		}
		byTurn[len(m)/2]++
		if len(m) > 1 && !slices.ContainsFunc(bodies, func(prev []chatMessage) bool {
			return slices.Equal(prev, m[:len(m)-2])
		}) {
			t.Fatalf("turn %d does not begin with an earlier request's messages", len(m)/2)
		}
	}
	// 20 arrivals over 4 slots of 3 turns: turns 0, 1, 2 of the first conversations, then
	// turns 0 and 1 of the next.
	if want := map[int]int{0: 8, 1: 8, 2: 4}; !maps.Equal(byTurn, want) {
		t.Errorf("requests by history length %v, want %v", byTurn, want)
	}
	if n := *e.TurnsShort(); n != 0 {
		t.Errorf("%d turns went short, every answer was back", n)
	}
	for _, l := range lines {
		if l["type"] != "req" {
			continue
		}
		turn, history := l["turn"].(float64), l["history"].(float64)
		if turn != history || l["cached"].(float64) != 5*(2*history+1) || l["prompt"].(float64) != 10*(2*history+1) {
			t.Errorf("line %v: turn, history and usage disagree with what was sent", l)
		}
	}
}

// A turn whose earlier answer failed goes without that exchange, and the run counts it. Every
// one-message request fails: every conversation's first turn, then each later turn, which
// then goes alone too.
func TestAFailedAnswerIsLeftOutAndCounted(t *testing.T) {
	srv, seen := chatServer(t, func(m []chatMessage) bool { return len(m) == 1 })
	e, _ := runEngine(t, sessionPlan(srv.URL, 4, 3))
	bodies := seen()
	if len(bodies) != 20 {
		t.Fatalf("%d requests, want 20", len(bodies))
	}
	for _, m := range bodies {
		if len(m) != 1 {
			t.Fatalf("%d messages: a failed turn was sent back", len(m))
		}
	}
	// 20 arrivals over 4 slots of 3 turns: 8 first turns, 12 later ones, all short.
	if n := *e.TurnsShort(); n != 12 {
		t.Errorf("%d turns counted short, want 12", n)
	}
}
