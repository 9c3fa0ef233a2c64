package plan

import (
	"errors"
	"strings"
	"testing"
)

const validPlan = `{"version": 1, "target": "http://127.0.0.1:8000", "allowRemote": false,
  "profile": {"name": "smoke", "abortOnBreach": false,
    "phases": [{"step": 0, "targetRate": 5, "fromRate": 5, "toRate": 5, "durationMs": 10000}],
    "steps": [{"index": 0, "startMs": 0, "endMs": 10000, "targetRate": 5}]},
  "mix": {"streamRatio": 0.3, "models": {"deepseek-v4-flash": 1}, "promptChars": [200], "maxTokens": 64,
    "keys": ["sk-busybench"], "thinking": THINKING},
  "sla": {"name": "default", "successRate": 0.99, "latencyMs": {"p99": 800}, "ttftMs": {}, "errorRates": {},
    "maxDroppedIterations": 0},
  "maxInFlight": 1000, "timeoutMs": 60000, "retries": 0, "retryBaseMs": 100, "seed": 1}`

func TestThinkingIsAShareOrNull(t *testing.T) {
	for _, tc := range []struct {
		thinking string
		want     *float64 // nil: no field sent
		problem  string   // "": the plan is valid
	}{
		{"null", nil, ""},
		{"0", ptr(0), ""},
		{"0.3", ptr(0.3), ""},
		{"1", ptr(1), ""},
		{"1.5", nil, "mix.thinking must be a share between 0 and 1, or null"},
		{"-0.1", nil, "mix.thinking must be a share between 0 and 1, or null"},
		{`"enabled"`, nil, "cannot unmarshal string"},
	} {
		t.Run(tc.thinking, func(t *testing.T) {
			p, err := Parse([]byte(strings.Replace(validPlan, "THINKING", tc.thinking, 1)))
			if tc.problem != "" {
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.problem) {
					t.Fatalf("error %v, want one that says %q", err, tc.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := p.Mix.Thinking
			if (got == nil) != (tc.want == nil) || (got != nil && *got != *tc.want) {
				t.Errorf("thinking %v, want %v", deref(got), deref(tc.want))
			}
		})
	}
}

func TestEveryProblemIsNamedAtOnce(t *testing.T) {
	raw := strings.Replace(validPlan, "THINKING", "2", 1)
	raw = strings.Replace(raw, `"streamRatio": 0.3`, `"streamRatio": 3`, 1)
	_, err := Parse([]byte(raw))
	for _, want := range []string{"mix.streamRatio", "mix.thinking"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %s", err, want)
		}
	}
}

func ptr(x float64) *float64 { return &x }

func deref(x *float64) any {
	if x == nil {
		return nil
	}
	return *x
}

func TestPriorityMixAndClassLines(t *testing.T) {
	for _, tc := range []struct {
		name, from, to string
		problem        string // "": the plan is valid
	}{
		{"no priority field at all (a plan from before)", `, "thinking": THINKING`, `, "thinking": null`, ""},
		{"null: no classes", `"thinking": THINKING`, `"thinking": null, "priority": null`, ""},
		{"shares", `"thinking": THINKING`, `"thinking": null, "priority": {"P0": 0.1, "P1": 0.3, "P2": 0.4, "P3": 0.2}`, ""},
		{"a class left out", `"thinking": THINKING`, `"thinking": null, "priority": {"P0": 1, "P3": 3}`, ""},
		{"not a class", `"thinking": THINKING`, `"thinking": null, "priority": {"P4": 1}`,
			`mix.priority: "P4" is not a priority class`},
		{"a negative weight", `"thinking": THINKING`, `"thinking": null, "priority": {"P0": -1, "P1": 2}`,
			`mix.priority: "P0" has a negative weight`},
		{"nothing to draw", `"thinking": THINKING`, `"thinking": null, "priority": {"P0": 0}`,
			"mix.priority needs a class with a positive weight"},
		{"class lines", `"maxDroppedIterations": 0}`,
			`"maxDroppedIterations": 0, "classes": {"P0": {"successRate": 0.999, "latencyMs": {"p99": 800}}, "P3": {"successRate": 0.5}}}`, ""},
		{"a class line for no class", `"maxDroppedIterations": 0}`,
			`"maxDroppedIterations": 0, "classes": {"urgent": {"successRate": 0.999}}}`, `sla.classes: "urgent" is not a priority class`},
		{"a bad class line", `"maxDroppedIterations": 0}`,
			`"maxDroppedIterations": 0, "classes": {"P1": {"successRate": 2, "latencyMs": {"99": 1}, "errorRates": {"ok": 0.1}}}}`,
			`sla.classes.P1.successRate must be within 0..1; sla.classes.P1.latencyMs: "99" is not a percentile like p99 (0 < N <= 100) nor avg; sla.classes.P1.errorRates: "ok" is not an error class`},
		{"a percentile no histogram has", `"latencyMs": {"p99": 800}`, `"latencyMs": {"p0": 800, "p100.5": 1}`,
			`"p0" is not a percentile like p99 (0 < N <= 100)`},
		{"an unknown field in a class line", `"maxDroppedIterations": 0}`,
			`"maxDroppedIterations": 0, "classes": {"P1": {"success": 1}}}`, `unknown field "success"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := strings.Replace(validPlan, tc.from, tc.to, 1)
			raw = strings.Replace(raw, "THINKING", "null", 1)
			p, err := Parse([]byte(raw))
			if tc.problem == "" {
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(tc.to, `"priority": {`) != (p.Mix.Priority != nil) {
					t.Errorf("priority %v from %s", p.Mix.Priority, tc.to)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.problem) {
				t.Fatalf("error %v, want one that says %q", err, tc.problem)
			}
		})
	}
}

func TestSessionsAreBoundedAndTakeNoOtherRepeats(t *testing.T) {
	for _, tc := range []struct{ name, sessions, problem string }{
		{"valid", `"sessions": {"count": 100, "turns": 4}`, ""},
		{"no conversations", `"sessions": {"count": 0, "turns": 4}`, "mix.sessions: count must be within"},
		{"too many turns", `"sessions": {"count": 10, "turns": 1000}`, "mix.sessions: count must be within"},
		{"with a reuse share", `"sessions": {"count": 10, "turns": 4}, "reuseShare": 0.2`, "does not go with a trace or mix.reuseShare"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := strings.Replace(validPlan, `"thinking": THINKING`, `"thinking": null, `+tc.sessions, 1)
			p, err := Parse([]byte(raw))
			if tc.problem == "" {
				if err != nil || p.Mix.Sessions == nil || p.Mix.Sessions.Turns != 4 {
					t.Fatalf("error %v, sessions %+v", err, p.Mix.Sessions)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.problem) {
				t.Fatalf("error %v, want one that says %q", err, tc.problem)
			}
		})
	}
}

// The queue line rides in the plan (the collector judges it): a whole number >= 1, or absent.
func TestQueueLineIsCarried(t *testing.T) {
	base := strings.Replace(validPlan, "THINKING", "null", 1)
	with := func(v string) string {
		return strings.Replace(base, `"maxDroppedIterations": 0}`, `"maxDroppedIterations": 0, "queueLength": `+v+`}`, 1)
	}
	p, err := Parse([]byte(with("500")))
	if err != nil || p.SLA.QueueLength == nil || *p.SLA.QueueLength != 500 {
		t.Fatalf("queueLength 500: %v, %v", err, p)
	}
	if p, err := Parse([]byte(base)); err != nil || p.SLA.QueueLength != nil {
		t.Fatalf("no queueLength: %v", err)
	}
	if _, err := Parse([]byte(with("0"))); err == nil || !strings.Contains(err.Error(), "sla.queueLength") {
		t.Errorf("queueLength 0: %v", err)
	}
	if _, err := Parse([]byte(with("2.5"))); err == nil {
		t.Error("queueLength 2.5 accepted")
	}
}
