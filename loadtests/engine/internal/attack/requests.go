package attack

import (
	"encoding/json"
	"fmt"
	"sort"

	"busybench/engine/internal/plan"
)

// words make prompts of a given size; the text matters little, its length does (prompt tokens).
var words = []string{"the", "busy", "server", "answers", "every", "prompt", "with", "tokens", "while", "the",
	"queue", "grows", "and", "the", "limit", "holds"}

func promptOf(chars, salt int) string {
	text := fmt.Sprintf("Request %d:", salt)
	for i := 0; len(text) < chars; i++ {
		text += " " + words[(i*7+salt)%len(words)]
	}
	return text
}

// requestKind is one prepared request body: everything a request varies in but its key.
type requestKind struct {
	model  string
	stream bool
	body   []byte
}

// mix draws each request's kind from the plan's mix, the same way for the same seed and
// arrival index, whichever segment sends it.
type mix struct {
	streamRatio float64
	models      []string
	cumWeight   []float64
	prompts     int
	bodies      map[string][]requestKind // model → [thinks][stream][prompt] flattened
	keys        []string
	seed        uint64
	// Share of requests that think; nil: no thinking field, every body the same.
	thinking *float64
	// Priority classes with a positive weight, most urgent first, and their cumulative shares;
	// empty: no x-priority header.
	classes   []string
	cumShares []float64
}

func newMix(m plan.Mix, seed uint64) (*mix, error) {
	x := &mix{streamRatio: m.StreamRatio, prompts: len(m.PromptChars), bodies: map[string][]requestKind{},
		keys: m.Keys, seed: seed, thinking: m.Thinking}
	for name := range m.Models {
		x.models = append(x.models, name)
	}
	sort.Strings(x.models) // map order is random; draws must not be
	total := 0.0
	for _, name := range x.models {
		total += m.Models[name]
		x.cumWeight = append(x.cumWeight, total)
	}
	for i := range x.cumWeight {
		x.cumWeight[i] /= total
	}
	x.classes, x.cumShares = priorityShares(m.Priority)
	thinks := []bool{false}
	if m.Thinking != nil {
		thinks = []bool{false, true}
	}
	for _, model := range x.models {
		for _, think := range thinks {
			for _, stream := range []bool{false, true} {
				for i, chars := range m.PromptChars {
					body := map[string]any{
						"model":      model,
						"messages":   []map[string]string{{"role": "user", "content": promptOf(chars, i)}},
						"max_tokens": m.MaxTokens,
						"stream":     stream,
					}
					if stream {
						body["stream_options"] = map[string]bool{"include_usage": true}
					}
					if m.Thinking != nil {
						body["thinking"] = map[string]string{"type": thinkingType(think)}
					}
					raw, err := json.Marshal(body)
					if err != nil {
						return nil, err
					}
					x.bodies[model] = append(x.bodies[model], requestKind{model: model, stream: stream, body: raw})
				}
			}
		}
	}
	return x, nil
}

func thinkingType(think bool) string {
	if think {
		return "enabled"
	}
	return "disabled"
}

// splitmix64: a cheap, well-mixed hash of (seed, arrival, draw).
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func unit(seed, k, draw uint64) float64 {
	return float64(splitmix(seed^splitmix(k*4+draw))>>11) / (1 << 53)
}

// prioritySalt sets the class draw apart from unit's: k*4+draw stays below 2^60 for any run
// (2^58 arrivals), while k^prioritySalt has the top bits 0xd, so no arrival's class draw is
// another draw of any arrival. (A fifth draw in unit, k*4+4, would be arrival k+1's draw 0.)
const prioritySalt uint64 = 0xd1b54a32d192ed03

// priorityUnit is arrival k's class draw in [0, 1). The k6 scripts compute the same number
// (loadtests/priority.ts; shared vectors in contract/priority-vectors.json), so both engines
// give arrival k the same class.
func priorityUnit(seed, k uint64) float64 {
	return float64(splitmix(seed^splitmix(k^prioritySalt))>>11) / (1 << 53)
}

// priorityShares orders the classes with a positive weight, most urgent first, with their
// cumulative normalised shares (the last one is 1, whatever the rounding).
func priorityShares(weights map[string]float64) ([]string, []float64) {
	total := 0.0
	for _, c := range plan.PriorityClasses {
		total += max(weights[c], 0)
	}
	if total <= 0 {
		return nil, nil
	}
	var classes []string
	var cum []float64
	run := 0.0
	for _, c := range plan.PriorityClasses {
		if w := weights[c]; w > 0 {
			run += w
			classes = append(classes, c)
			cum = append(cum, run/total)
		}
	}
	cum[len(cum)-1] = 1
	return classes, cum
}

// priorityOf is arrival k's class, "" when the mix has none.
func (x *mix) priorityOf(k uint64) string {
	if len(x.classes) == 0 {
		return ""
	}
	u := priorityUnit(x.seed, k)
	for i, c := range x.cumShares {
		if u < c {
			return x.classes[i]
		}
	}
	return x.classes[len(x.classes)-1]
}

// pick returns arrival k's request kind and key.
func (x *mix) pick(k uint64) (requestKind, string) {
	stream := unit(x.seed, k, 0) < x.streamRatio
	u := unit(x.seed, k, 1)
	model := x.models[len(x.models)-1]
	for i, c := range x.cumWeight {
		if u < c {
			model = x.models[i]
			break
		}
	}
	prompt := int(unit(x.seed, k, 2) * float64(x.prompts))
	if prompt >= x.prompts {
		prompt = x.prompts - 1
	}
	idx := prompt
	if stream {
		idx += x.prompts
	}
	// A draw of its own (3: the last slot unit's k*4+draw has), so a share of thinking changes no
	// request's stream, model or prompt.
	if x.thinking != nil && unit(x.seed, k, 3) < *x.thinking {
		idx += 2 * x.prompts
	}
	return x.bodies[model][idx], x.keys[k%uint64(len(x.keys))]
}
