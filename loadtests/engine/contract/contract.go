// Package contract holds what the Go engine and the TypeScript side both read: the list of
// request outcomes, the classifier's shared test vectors, the priority draw's and the SLA
// judge's. The JSON
// files are the one definition; this package only embeds them.
package contract

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed outcomes.json
var outcomesJSON []byte

//go:embed classify-vectors.json
var VectorsJSON []byte

// PriorityVectorsJSON: the priority class draw for given seeds and arrivals, which the Go engine
// and the k6 scripts must both reproduce exactly.
//
//go:embed priority-vectors.json
var PriorityVectorsJSON []byte

// SLAVectorsJSON: SLAs judged on one step of requests, with the lines that must break; the
// engine's judge and the kit's (common/sla/verdict.ts) are both held to them.
//
//go:embed sla-vectors.json
var SLAVectorsJSON []byte

// Outcome is one class a request ends in: "ok" or an error class.
type Outcome struct {
	Name    string `json:"name"`
	Meaning string `json:"meaning"`
}

var outcomes = mustOutcomes()

func mustOutcomes() []Outcome {
	var doc struct {
		Outcomes []Outcome `json:"outcomes"`
	}
	if err := json.Unmarshal(outcomesJSON, &doc); err != nil || len(doc.Outcomes) == 0 {
		panic(fmt.Sprintf("contract: outcomes.json is unreadable: %v", err))
	}
	return doc.Outcomes
}

// Outcomes lists every outcome, "ok" first, in the file's order.
func Outcomes() []Outcome { return outcomes }

// Known reports whether name is one of the outcomes.
func Known(name string) bool {
	for _, o := range outcomes {
		if o.Name == name {
			return true
		}
	}
	return false
}

// TokenVectorsJSON: texts and the tokens the mock counts in them (its tokenizer's rule), which
// the engine's prompt builder must reproduce, so a trace row is sent at its own size.
//
//go:embed token-vectors.json
var TokenVectorsJSON []byte
