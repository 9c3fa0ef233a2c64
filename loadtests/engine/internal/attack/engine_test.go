package attack

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"busybench/engine/internal/plan"
	"busybench/engine/internal/results"
	"busybench/engine/internal/schedule"
)

func testPlan(target string, rate float64, ms float64, stream float64) *plan.Plan {
	return &plan.Plan{Version: 1, Target: target,
		Profile: plan.Profile{Name: "smoke",
			Phases: []plan.Phase{{Step: 0, TargetRate: rate, FromRate: rate, ToRate: rate, DurationMs: ms}},
			Steps:  []plan.Step{{Index: 0, StartMs: 0, EndMs: ms, TargetRate: rate}}},
		Mix: plan.Mix{StreamRatio: stream, Models: map[string]float64{"deepseek-v4-flash": 1}, PromptChars: []int{50},
			MaxTokens: 8, Keys: []string{"sk-a", "sk-b"}},
		SLA:         plan.SLA{SuccessRate: 0.99, LatencyMs: map[string]float64{"p99": 800}},
		MaxInFlight: 1000, TimeoutMs: 5000, RetryBaseMs: 1, Seed: 7}
}

func writeAnswer(w http.ResponseWriter, finish string) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":%q}],"usage":{"completion_tokens":1}}`, finish)
}

func runEngine(t *testing.T, p *plan.Plan) (*Engine, []map[string]any) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "results.json")
	out, err := results.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(p, schedule.Whole, out)
	if err != nil {
		t.Fatal(err)
	}
	e.Attack(context.Background(), context.Background())
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(path)
	defer f.Close()
	var lines []map[string]any
	for sc := bufio.NewScanner(f); sc.Scan(); {
		var l map[string]any
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	return e, lines
}

// Open model: a server that stops answering does not slow the arrivals down. With a cap of 20
// in flight, the rest of the schedule is dropped (counted), never sent late.
func TestArrivalsKeepTheirScheduleWhenTheServerStalls(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		writeAnswer(w, "stop")
	}))
	defer srv.Close()
	defer close(release)
	p := testPlan(srv.URL, 200, 1000, 0)
	p.MaxInFlight = 20
	go func() { time.Sleep(1500 * time.Millisecond); release <- struct{}{} }()
	go func() {
		time.Sleep(1600 * time.Millisecond)
		for i := 0; i < 19; i++ {
			release <- struct{}{}
		}
	}()
	e, lines := runEngine(t, p)
	f := e.Run.Step(0).Figures()
	if f.Requests != 20 || f.Dropped != 180 {
		t.Fatalf("sent %d, dropped %d; want 20 sent (the cap) and 180 dropped", f.Requests, f.Dropped)
	}
	dropped := 0.0
	for _, l := range lines {
		if l["type"] == "dropped" {
			dropped += l["n"].(float64)
		}
	}
	if dropped != 180 {
		t.Errorf("results hold %v dropped, want 180", dropped)
	}
	// The stalled requests' latency counts from their send: the first waited ~1.5 s.
	if *f.P99Ms < 1400 {
		t.Errorf("p99 %v ms: the stall does not show", *f.P99Ms)
	}
}

// Time to first token is the first frame with content, after keep-alive comments and the role
// frame; every gap between token frames is kept.
func TestStreamTimingReadsTokenFrames(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fl := w.(http.Flusher)
		fmt.Fprint(w, ": keep-alive\n\n")
		fl.Flush()
		time.Sleep(60 * time.Millisecond)
		fmt.Fprint(w, `data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}`+"\n\n")
		fl.Flush()
		time.Sleep(40 * time.Millisecond)
		for i := 0; i < 3; i++ {
			fmt.Fprint(w, `data: {"choices":[{"index":0,"delta":{"content":"a"}}]}`+"\n\n")
			fl.Flush()
			time.Sleep(20 * time.Millisecond)
		}
		fmt.Fprint(w, `data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"completion_tokens":3}}`+"\n\ndata: [DONE]\n\n")
	}))
	defer srv.Close()
	e, lines := runEngine(t, testPlan(srv.URL, 5, 1000, 1))
	f := e.Run.Step(0).Figures()
	if f.Requests != 5 || *f.SuccessRate != 1 {
		t.Fatalf("requests %d success %v", f.Requests, *f.SuccessRate)
	}
	if *f.TTFTP50Ms < 95 || *f.TTFTP50Ms > 150 {
		t.Errorf("ttft p50 %v ms, want ~100 (not the keep-alive's ~0, not the role frame's ~60)", *f.TTFTP50Ms)
	}
	for _, l := range lines {
		if l["type"] != "req" {
			continue
		}
		itl := l["itl"].([]any)
		if len(itl) != 2 || itl[0].(float64) < 15 || l["ttfb"].(float64) > 50 || l["tokens"].(float64) != 3 {
			t.Errorf("line %v: want 2 gaps of ~20 ms, an early first byte and 3 tokens", l)
		}
	}
}

// Client retries: one request, several attempts, the whole wait counted.
func TestRetriesCountAttemptsAndTheWholeWait(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1)%3 != 0 {
			w.WriteHeader(503)
			return
		}
		writeAnswer(w, "stop")
	}))
	defer srv.Close()
	p := testPlan(srv.URL, 10, 500, 0)
	p.Retries = 2
	e, _ := runEngine(t, p)
	f := e.Run.Step(0).Figures()
	if f.Requests != 5 || f.Attempts != 15 || *f.SuccessRate != 1 || calls.Load() != 15 {
		t.Errorf("requests %d attempts %d success %v calls %d", f.Requests, f.Attempts, *f.SuccessRate, calls.Load())
	}
}

func TestOutcomesOfWholeAndBrokenAnswers(t *testing.T) {
	for _, tc := range []struct {
		finish, header, want string
	}{{"stop", "", "ok"}, {"content_filter", "", "filtered"}, {"stop", "1", "degraded"}} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tc.header != "" {
				w.Header().Set("x-busybench-fallback", tc.header)
			}
			writeAnswer(w, tc.finish)
		}))
		e, _ := runEngine(t, testPlan(srv.URL, 10, 300, 0))
		srv.Close()
		f := e.Run.Step(0).Figures()
		// 10 req/s for 300 ms: three arrivals. Without them every rate below would hold on nothing.
		if f.Requests != 3 {
			t.Fatalf("%+v: %d requests, want 3", tc, f.Requests)
		}
		if tc.want == "ok" && (*f.SuccessRate != 1 || len(f.Errors) != 0) ||
			tc.want != "ok" && (f.Errors[tc.want] != f.Requests || *f.SuccessRate != 0) {
			t.Errorf("%+v: success %v, errors %v", tc, *f.SuccessRate, f.Errors)
		}
	}
}

// Each request carries its drawn class in x-priority, and its results line says the same: a
// server failing every P3 request fails exactly the lines marked P3; the per-class SLA line
// breaks for P3 alone, while the overall line holds.
func TestPriorityHeaderMatchesTheLineAndItsClassIsJudged(t *testing.T) {
	var seen sync.Map // class → requests the server saw with it
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		class := r.Header.Get("x-priority")
		n, _ := seen.LoadOrStore(class, new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
		if class == "P3" {
			w.WriteHeader(503)
			return
		}
		writeAnswer(w, "stop")
	}))
	defer srv.Close()
	p := testPlan(srv.URL, 200, 1000, 0)
	p.Mix.Priority = map[string]float64{"P0": 0.1, "P1": 0.3, "P2": 0.4, "P3": 0.2}
	one, zero := 1.0, 0.0
	p.SLA.SuccessRate = 0
	p.SLA.Classes = map[string]plan.ClassSLA{"P0": {SuccessRate: &one}, "P3": {SuccessRate: &one},
		"P2": {ErrorRates: map[string]float64{"503": zero}}}
	e, lines := runEngine(t, p)
	byClass := map[string]int64{}
	for _, l := range lines {
		if l["type"] != "req" {
			continue
		}
		class, _ := l["prio"].(string)
		byClass[class]++
		if want := map[bool]string{true: "503", false: "ok"}[class == "P3"]; l["outcome"] != want {
			t.Errorf("a %q line ended %v, want %s: the header and the line disagree", class, l["outcome"], want)
		}
	}
	for _, c := range []string{"P0", "P1", "P2", "P3"} {
		n, _ := seen.Load(c)
		if n == nil || n.(*atomic.Int64).Load() != byClass[c] || byClass[c] == 0 {
			t.Errorf("class %s: %v lines, the server saw %v", c, byClass[c], n)
		}
	}
	if byClass[""] != 0 {
		t.Errorf("%d lines without a class", byClass[""])
	}
	var broken []string
	for _, l := range e.Run.Finish() {
		broken = append(broken, l.String())
	}
	want := "P3 success rate >= 1 broken at step 0 (200 req/s): measured 0"
	if len(broken) != 1 || broken[0] != want {
		t.Errorf("breaches %q, want only %q", broken, want)
	}
	f := e.Run.Step(0).Figures()
	if c := f.Classes["P3"]; c.Requests != uint64(byClass["P3"]) || c.Errors["503"] != c.Requests || *c.SuccessRate != 0 {
		t.Errorf("P3 figures %+v", c)
	}
	if c := f.Classes["P1"]; c.Requests != uint64(byClass["P1"]) || *c.SuccessRate != 1 || c.P50Ms == nil {
		t.Errorf("P1 figures %+v", c)
	}
}

// A plan without classes sends no x-priority header and writes no prio field.
func TestNoPriorityNoHeader(t *testing.T) {
	var withHeader atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := r.Header["X-Priority"]; ok {
			withHeader.Add(1)
		}
		writeAnswer(w, "stop")
	}))
	defer srv.Close()
	e, lines := runEngine(t, testPlan(srv.URL, 50, 400, 0.5))
	for _, l := range lines {
		if _, ok := l["prio"]; ok {
			t.Fatalf("line %v has a prio field", l)
		}
	}
	if f := e.Run.Step(0).Figures(); withHeader.Load() != 0 || f.Requests == 0 || f.Classes != nil {
		t.Errorf("%d of %d requests sent x-priority; classes %v", withHeader.Load(), f.Requests, f.Classes)
	}
}
