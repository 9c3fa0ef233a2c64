package report

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"busybench/engine/internal/plan"
	"busybench/engine/internal/sla"
)

// StepPlan is a step as the results file's first line lists it.
type StepPlan struct {
	Step       int     `json:"step"`
	TargetRate float64 `json:"targetRate"`
	StartMs    float64 `json:"startMs"`
	EndMs      float64 `json:"endMs"`
	Scheduled  uint64  `json:"scheduled"`
}

// RunLine is the results file's first line: who wrote it and what it planned.
func RunLine(p *plan.Plan, runner, segment string, started time.Time, scheduled map[int]uint64) []byte {
	steps := make([]StepPlan, 0, len(p.Profile.Steps))
	for _, st := range p.Profile.Steps {
		steps = append(steps, StepPlan{st.Index, st.TargetRate, st.StartMs, st.EndMs, scheduled[st.Index]})
	}
	// A struct, not a map: "type" comes first, as in every line.
	raw, _ := json.Marshal(struct {
		Type      string     `json:"type"`
		Version   int        `json:"version"`
		Engine    string     `json:"engine"`
		Runner    string     `json:"runner"`
		Segment   string     `json:"segment"`
		Target    string     `json:"target"`
		Profile   string     `json:"profile"`
		StartedAt int64      `json:"startedAt"`
		Steps     []StepPlan `json:"steps"`
	}{"run", 1, "busybench-engine", runner, segment, Redacted(p.Target), p.Profile.Name, started.UnixMilli(), steps})
	return raw
}

type endStep struct {
	Step       int     `json:"step"`
	TargetRate float64 `json:"targetRate"`
	Scheduled  uint64  `json:"scheduled"`
	Sent       uint64  `json:"sent"`
	Dropped    uint64  `json:"dropped"`
	Late       uint64  `json:"late"`
	LateP99Ms  float64 `json:"lateP99Ms"`
}

// EndLine is the last line: per step what was sent, dropped and late, and the verdict.
func EndLine(s Summary, exitCode int) []byte {
	steps := make([]endStep, 0, len(s.Steps))
	for _, f := range s.Steps {
		steps = append(steps, endStep{f.Step, f.TargetRate, f.Scheduled, f.Requests, f.Dropped, f.Late, f.LateP99Ms})
	}
	raw, _ := json.Marshal(struct {
		Type        string    `json:"type"`
		T           float64   `json:"t"`
		Segment     string    `json:"segment"`
		Steps       []endStep `json:"steps"`
		ExitCode    int       `json:"exitCode"`
		Breaches    []string  `json:"breaches"`
		Interrupted bool      `json:"interrupted"`
		// Why the arrivals ended early (--stop-when-saturated), for the collector's report.
		StoppedSaturated string `json:"stoppedSaturated,omitempty"`
	}{"end", float64(time.Now().UnixMicro()) / 1000, s.Segment, steps, exitCode, s.Breaches, s.Interrupted, s.StoppedSaturated})
	return raw
}

// Progress is one line for the terminal while the run goes on.
func Progress(elapsed, total time.Duration, run *sla.Run, inFlight int64) string {
	var cur *sla.Figures
	var sent, dropped, late uint64
	okN := 0.0
	for _, st := range run.Steps {
		f := st.Figures()
		sent += f.Requests
		dropped += f.Dropped
		late += f.Late
		if f.SuccessRate != nil {
			okN += *f.SuccessRate * float64(f.Requests)
		}
		if f.Requests > 0 || f.Dropped > 0 {
			cur = &f
		}
	}
	line := fmt.Sprintf("busybench-engine %s/%s", elapsed.Truncate(time.Second), total.Truncate(time.Second))
	if cur != nil {
		line += fmt.Sprintf(", step %d (%s req/s)", cur.Step, strconv.FormatFloat(cur.TargetRate, 'f', -1, 64))
	}
	success := "-"
	if sent > 0 {
		success = fmt.Sprintf("%.2f%%", okN/float64(sent)*100)
	}
	return fmt.Sprintf("%s: done %d, ok %s, in flight %d, dropped %d, late %d", line, sent, success, inFlight, dropped, late)
}
