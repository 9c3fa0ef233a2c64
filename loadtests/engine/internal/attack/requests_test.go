package attack

import (
	"encoding/json"
	"math"
	"testing"

	"busybench/engine/internal/plan"
)

func share(x float64) *float64 { return &x }

func thinkingMix(t *testing.T, thinking *float64) *mix {
	t.Helper()
	x, err := newMix(plan.Mix{StreamRatio: 0.3, Models: map[string]float64{"deepseek-v4-flash": 0.8, "deepseek-v4-pro": 0.2},
		PromptChars: []int{200, 800, 3000}, MaxTokens: 64, Keys: []string{"sk-a"}, Thinking: thinking}, 42)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// thinkingOf is the thinking type a body asks for, "" when it sends no thinking field.
func thinkingOf(t *testing.T, kind requestKind) string {
	t.Helper()
	var body struct {
		Thinking *struct {
			Type string `json:"type"`
		} `json:"thinking"`
	}
	if err := json.Unmarshal(kind.body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Thinking == nil {
		return ""
	}
	return body.Thinking.Type
}

func TestThinkingShareIsDrawnPerRequest(t *testing.T) {
	const n = 10_000
	for _, tc := range []struct {
		name     string
		thinking *float64
		want     map[string]float64 // thinking type → share of requests
	}{
		{"a share", share(0.3), map[string]float64{"enabled": 0.3, "disabled": 0.7}},
		{"none", share(0), map[string]float64{"disabled": 1}},
		{"all", share(1), map[string]float64{"enabled": 1}},
		{"null: the model's default", nil, map[string]float64{"": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := thinkingMix(t, tc.thinking)
			got := map[string]float64{}
			for k := uint64(0); k < n; k++ {
				kind, _ := x.pick(k)
				got[thinkingOf(t, kind)]++
			}
			for typ := range got {
				got[typ] /= n
			}
			for typ, want := range tc.want {
				if math.Abs(got[typ]-want) > 0.01 {
					t.Errorf("thinking %q in %.4f of requests, want %v", typ, got[typ], want)
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("thinking types sent %v, want only %v", got, tc.want)
			}
		})
	}
}

// Thinking is a draw of its own: adding it, or changing its share, leaves every request's
// model, stream and prompt as they were.
func TestThinkingShareChangesNoOtherDraw(t *testing.T) {
	withoutThinking := func(kind requestKind) string {
		var body map[string]any
		if err := json.Unmarshal(kind.body, &body); err != nil {
			t.Fatal(err)
		}
		delete(body, "thinking")
		raw, _ := json.Marshal(body)
		return string(raw)
	}
	base := thinkingMix(t, nil)
	for _, s := range []float64{0, 0.3, 0.9, 1} {
		x := thinkingMix(t, share(s))
		for k := uint64(0); k < 10_000; k++ {
			want, _ := base.pick(k)
			got, _ := x.pick(k)
			if got.model != want.model || got.stream != want.stream {
				t.Fatalf("share %v, request %d: %s stream=%v, want %s stream=%v", s, k, got.model, got.stream,
					want.model, want.stream)
			}
			if withoutThinking(got) != withoutThinking(want) {
				t.Fatalf("share %v, request %d: prompt changed", s, k)
			}
		}
	}
}
