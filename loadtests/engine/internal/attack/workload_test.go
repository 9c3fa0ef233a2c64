package attack

import (
	"encoding/json"
	"math"
	"strconv"
	"testing"

	"busybench/engine/internal/plan"
	"busybench/engine/internal/schedule"
	"busybench/engine/internal/tokens"
	"busybench/engine/internal/trace"
)

func workloadMix(t *testing.T, users *plan.Users, reuse float64) *mix {
	t.Helper()
	x, err := newMix(plan.Mix{StreamRatio: 0.3, Models: map[string]float64{"deepseek-v4-flash": 1},
		PromptChars: []int{200, 800}, MaxTokens: 16, Keys: []string{"sk-a"}, Thinking: share(0),
		Users: users, ReuseShare: reuse}, 9)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func TestBodiesAreDistinctUnlessAShareRepeats(t *testing.T) {
	x := workloadMix(t, nil, 0)
	seen := map[string]bool{}
	for k := uint64(0); k < 5000; k++ {
		b := string(x.pick(schedule.Hit{Index: k}).body("openai"))
		if seen[b] {
			t.Fatalf("arrival %d repeats an earlier body with no reuse asked", k)
		}
		seen[b] = true
	}
	const n, p = 20_000, 0.3
	x = workloadMix(t, nil, p)
	bodies := map[uint64]string{}
	repeats := 0.0
	for k := uint64(0); k < n; k++ {
		r := x.pick(schedule.Hit{Index: k})
		bodies[k] = string(r.body("openai"))
		if o := x.origin(k); o != k {
			if o >= k || k-o < reuseLag {
				t.Fatalf("arrival %d repeats %d: not far enough back", k, o)
			}
			if bodies[k] != bodies[o] {
				t.Fatalf("arrival %d repeats %d, but its body differs", k, o)
			}
			repeats++
		}
	}
	if got := repeats / n; math.Abs(got-p) > 4*math.Sqrt(p*(1-p)/n) {
		t.Errorf("%.4f of requests repeat an earlier body, want %v", got, p)
	}
}

func TestZipfUsersFitTheirLaw(t *testing.T) {
	const n, users, s = 20_000, 100, 1.1
	x := workloadMix(t, &plan.Users{Count: users, Zipf: s}, 0)
	counts := map[string]float64{}
	for k := uint64(0); k < n; k++ {
		var body struct {
			UserID string `json:"user_id"`
		}
		if err := json.Unmarshal(x.pick(schedule.Hit{Index: k}).body("openai"), &body); err != nil {
			t.Fatal(err)
		}
		counts[body.UserID]++
	}
	total := 0.0
	for i := 1; i <= users; i++ {
		total += math.Pow(float64(i), -s)
	}
	chi := 0.0
	for i := 0; i < users; i++ {
		e := n * math.Pow(float64(i+1), -s) / total
		o := counts["user-"+strconv.Itoa(i)]
		chi += (o - e) * (o - e) / e
	}
	// Chi-square with 99 degrees of freedom: 134.6 at the 1 % level.
	if chi > 134.6 {
		t.Errorf("chi-square %.1f over 100 users, above the 1 %% critical value 134.6", chi)
	}
	if counts["user-0"] < 4*counts["user-9"] {
		t.Errorf("the heaviest user sent %v, the tenth %v: not Zipf's law", counts["user-0"], counts["user-9"])
	}
}

func TestATraceRowIsSentAtItsSizes(t *testing.T) {
	x := workloadMix(t, nil, 0.5)
	stream := true
	row := &trace.Row{Prompt: 1300, Output: 77, Blocks: []uint64{0, 5}, User: "alice", Model: "deepseek-v4-pro", Stream: &stream}
	r := x.pick(schedule.Hit{Index: 40, Row: row})
	var body struct {
		Model     string `json:"model"`
		MaxTokens int    `json:"max_tokens"`
		Stream    bool   `json:"stream"`
		UserID    string `json:"user_id"`
		Messages  []struct {
			Content string `json:"content"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(r.body("openai"), &body); err != nil {
		t.Fatal(err)
	}
	if body.Model != "deepseek-v4-pro" || body.MaxTokens != 77 || !body.Stream || body.UserID != "alice" {
		t.Errorf("row sent as %+v", body)
	}
	if got := tokens.Count(body.Messages[0].Content) + tokens.MessageOverhead; got != 1300 {
		t.Errorf("a 1 300-token row reaches the mock as %d tokens", got)
	}
	// A row below the smallest prompt goes at that minimum.
	small := x.pick(schedule.Hit{Index: 41, Row: &trace.Row{Prompt: 2, Output: 1}})
	if small.prompt != tokens.MinPrompt {
		t.Errorf("a 2-token row is sent at %d tokens, want %d", small.prompt, tokens.MinPrompt)
	}
	// The Anthropic format carries the same request.
	var msg struct {
		MaxTokens int `json:"max_tokens"`
		Metadata  struct {
			UserID string `json:"user_id"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(r.body("anthropic"), &msg); err != nil || msg.MaxTokens != 77 || msg.Metadata.UserID != "alice" {
		t.Errorf("anthropic body %+v (%v)", msg, err)
	}
}
