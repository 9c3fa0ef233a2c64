package sla

import (
	"encoding/json"
	"sort"
	"testing"
	"time"

	"busybench/engine/contract"
	"busybench/engine/internal/plan"
)

type slaVector struct {
	Name   string   `json:"name"`
	SLA    plan.SLA `json:"sla"`
	Groups []struct {
		N       int     `json:"n"`
		Outcome string  `json:"outcome"`
		Ms      float64 `json:"ms"`
		TTFT    float64 `json:"ttft"`
		Prio    string  `json:"prio"`
	} `json:"groups"`
	Broken []string `json:"broken"`
}

// The engine judges the shared vectors as the kit does (test/common/sla/vectors.test.ts).
func TestSharedSLAVectors(t *testing.T) {
	var file struct {
		Cases []slaVector `json:"cases"`
	}
	if err := json.Unmarshal(contract.SLAVectorsJSON, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) == 0 {
		t.Fatal("no vectors")
	}
	ms := func(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }
	for _, c := range file.Cases {
		r := NewRun(c.SLA, []plan.Step{{Index: 0, TargetRate: 10}}, map[int]uint64{0: 0})
		for _, g := range c.Groups {
			for range g.N {
				r.Step(0).Record(Result{Sent: time.Now(), Outcome: g.Outcome, Latency: ms(g.Ms), TTFT: ms(g.TTFT),
					Attempts: 1, Priority: g.Prio})
			}
		}
		broken := []string{}
		for _, l := range r.JudgeStep(r.Step(0)) {
			if !l.OK {
				broken = append(broken, l.Text)
			}
		}
		// The queue line is the collector's: the engine names it as such and judges it not.
		theirs := map[string]bool{}
		for _, l := range CollectorLines(c.SLA) {
			theirs[l] = true
		}
		if c.SLA.QueueLength != nil && len(theirs) == 0 {
			t.Errorf("%s: the queue line is not named as the collector's", c.Name)
		}
		want := []string{}
		for _, b := range c.Broken {
			if !theirs[b] {
				want = append(want, b)
			}
		}
		sort.Strings(broken)
		sort.Strings(want)
		if len(broken) != len(want) {
			t.Errorf("%s: broken %v, want %v", c.Name, broken, want)
			continue
		}
		for i := range want {
			if broken[i] != want[i] {
				t.Errorf("%s: broken %v, want %v", c.Name, broken, want)
				break
			}
		}
	}
}
