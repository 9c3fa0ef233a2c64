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
