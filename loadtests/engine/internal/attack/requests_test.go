package attack

import (
	"encoding/json"
	"math"
	"testing"

	"busybench/engine/contract"
	"busybench/engine/internal/plan"
	"busybench/engine/internal/schedule"
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
func thinkingOf(t *testing.T, r request) string {
	t.Helper()
	var body struct {
		Thinking *struct {
			Type string `json:"type"`
		} `json:"thinking"`
	}
	if err := json.Unmarshal(r.body("openai"), &body); err != nil {
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
				got[thinkingOf(t, x.pick(schedule.Hit{Index: k}))]++
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
	withoutThinking := func(r request) string {
		var body map[string]any
		if err := json.Unmarshal(r.body("openai"), &body); err != nil {
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
			want := base.pick(schedule.Hit{Index: k})
			got := x.pick(schedule.Hit{Index: k})
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

func priorityMix(t *testing.T, priority map[string]float64) *mix {
	t.Helper()
	x, err := newMix(plan.Mix{StreamRatio: 0.3, Models: map[string]float64{"deepseek-v4-flash": 0.8, "deepseek-v4-pro": 0.2},
		PromptChars: []int{200, 800, 3000}, MaxTokens: 64, Keys: []string{"sk-a"}, Thinking: share(0.3),
		Priority: priority}, 42)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestPriorityClassesAreDrawnWithTheirShares(t *testing.T) {
	const n = 20_000
	for _, tc := range []struct {
		name     string
		priority map[string]float64
		want     map[string]float64 // class → share of requests ("": no header)
	}{
		{"the ops guide's mix", map[string]float64{"P0": 0.1, "P1": 0.3, "P2": 0.4, "P3": 0.2},
			map[string]float64{"P0": 0.1, "P1": 0.3, "P2": 0.4, "P3": 0.2}},
		{"weights, not shares", map[string]float64{"P0": 1, "P3": 3}, map[string]float64{"P0": 0.25, "P3": 0.75}},
		{"a class at 0 is never drawn", map[string]float64{"P1": 0.5, "P2": 0, "P3": 0.5},
			map[string]float64{"P1": 0.5, "P3": 0.5}},
		{"one class", map[string]float64{"P2": 1}, map[string]float64{"P2": 1}},
		{"null: no classes", nil, map[string]float64{"": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := priorityMix(t, tc.priority)
			got := map[string]float64{}
			for k := uint64(0); k < n; k++ {
				got[x.priorityOf(k)]++
			}
			for c := range got {
				got[c] /= n
			}
			for c, want := range tc.want {
				// 4 standard deviations of a binomial share at n = 20 000: at most 0.014.
				if math.Abs(got[c]-want) > 4*math.Sqrt(want*(1-want)/n)+1e-9 {
					t.Errorf("class %q in %.4f of requests, want %v", c, got[c], want)
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("classes drawn %v, want only %v", got, tc.want)
			}
		})
	}
}

// The class is a draw of its own: adding classes, or changing their shares, leaves every
// request's model, stream, prompt and thinking as they were (the same body, byte for byte).
func TestPriorityDrawChangesNoOtherDraw(t *testing.T) {
	base := priorityMix(t, nil)
	mixes := []map[string]float64{
		{"P0": 0.1, "P1": 0.3, "P2": 0.4, "P3": 0.2},
		{"P0": 0.9, "P3": 0.1},
		{"P3": 1},
	}
	classOf := make([][]string, len(mixes))
	for i, shares := range mixes {
		x := priorityMix(t, shares)
		for k := uint64(0); k < 10_000; k++ {
			want := base.pick(schedule.Hit{Index: k})
			got := x.pick(schedule.Hit{Index: k})
			if string(got.body("openai")) != string(want.body("openai")) || got.stream != want.stream || got.key != want.key {
				t.Fatalf("shares %v, request %d: the body or key changed with the classes", shares, k)
			}
			classOf[i] = append(classOf[i], x.priorityOf(k))
		}
	}
	// And the class is not one of the other draws in disguise: a request that streams is as
	// likely P0 as one that does not (P0 is 10 % of either, within 4 standard deviations).
	var p0Streams, streams, p0Plain, plain float64
	for k := uint64(0); k < 10_000; k++ {
		isP0 := classOf[0][k] == "P0"
		if base.pick(schedule.Hit{Index: k}).stream {
			streams++
			if isP0 {
				p0Streams++
			}
		} else {
			plain++
			if isP0 {
				p0Plain++
			}
		}
	}
	for _, share := range []float64{p0Streams / streams, p0Plain / plain} {
		if math.Abs(share-0.1) > 4*math.Sqrt(0.1*0.9/3000) {
			t.Errorf("P0 in %.4f of streams and %.4f of the others, want 0.1 in both", p0Streams/streams, p0Plain/plain)
		}
	}
}

// The draw is not unit's fifth: arrival k's class draw is none of arrival k's or k+1's other
// draws (k*4+4 would have been arrival k+1's draw 0).
func TestPriorityDrawIsNotAnotherDraw(t *testing.T) {
	for k := uint64(0); k < 100_000; k++ {
		u := priorityUnit(7, k)
		for d := uint64(0); d < 4; d++ {
			if u == unit(7, k, d) || u == unit(7, k+1, d) {
				t.Fatalf("arrival %d: class draw %v equals draw %d of arrival %d or %d", k, u, d, k, k+1)
			}
		}
	}
}

// The k6 scripts draw the same classes (loadtests/priority.ts): both read these vectors.
func TestPriorityDrawMatchesTheSharedVectors(t *testing.T) {
	var doc struct {
		Vectors []struct {
			Seed    uint64             `json:"seed"`
			Arrival uint64             `json:"arrival"`
			Unit    float64            `json:"unit"`
			Shares  map[string]float64 `json:"shares"`
			Class   string             `json:"class"`
		} `json:"vectors"`
	}
	if err := json.Unmarshal(contract.PriorityVectorsJSON, &doc); err != nil || len(doc.Vectors) == 0 {
		t.Fatalf("priority-vectors.json: %v", err)
	}
	for _, v := range doc.Vectors {
		if u := priorityUnit(v.Seed, v.Arrival); u != v.Unit {
			t.Errorf("seed %d arrival %d: draw %v, want %v", v.Seed, v.Arrival, u, v.Unit)
		}
		x := &mix{seed: v.Seed}
		x.classes, x.cumShares = priorityShares(v.Shares)
		if c := x.priorityOf(v.Arrival); c != v.Class {
			t.Errorf("seed %d arrival %d shares %v: class %s, want %s", v.Seed, v.Arrival, v.Shares, c, v.Class)
		}
	}
}
