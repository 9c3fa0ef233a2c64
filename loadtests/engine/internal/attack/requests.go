package attack

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"

	"busybench/engine/internal/plan"
	"busybench/engine/internal/schedule"
	"busybench/engine/internal/tokens"
	"busybench/engine/internal/trace"
)

// request is one arrival's request, drawn when it is due; its body is built as it is sent, so
// no run's worth of bodies is ever held (a trace's prompt can be 126 000 tokens).
type request struct {
	model  string
	stream bool
	// think: -1 sends no thinking field, 0 disabled, 1 enabled.
	think     int8
	maxTokens int
	// The prompt: tokens as the mock counts them, the prefix blocks it shares, and the source
	// of its own words (distinct per request unless the request repeats another's body).
	prompt   int
	blocks   []uint64
	own      uint64
	user     string
	priority string
	key      string
	// A session's turn: where it falls, and the earlier exchanges it sends before its prompt.
	place   *place
	history []turn
}

// mix draws each request from the plan's mix, the same way for the same seed and arrival
// index, whichever segment sends it.
type mix struct {
	streamRatio float64
	models      []string
	cumWeight   []float64
	// Prompt sizes in tokens as the mock counts them, from the plan's sizes in characters.
	prompts   []int
	maxTokens int
	keys      []string
	seed      uint64
	// Share of requests that think; nil: no thinking field.
	thinking *float64
	// Priority classes with a positive weight, most urgent first, and their cumulative shares;
	// empty: no x-priority header.
	classes   []string
	cumShares []float64
	// Users: their cumulative shares (nil: no user_id); reuse: the share of repeated bodies.
	userCum []float64
	reuse   float64
	// sessions: nil unless the plan has conversations.
	sessions *sessions
}

func newMix(m plan.Mix, seed uint64) (*mix, error) {
	x := &mix{streamRatio: m.StreamRatio, maxTokens: m.MaxTokens, keys: m.Keys, seed: seed,
		thinking: m.Thinking, reuse: m.ReuseShare}
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
	for _, chars := range m.PromptChars {
		// The engine's words are five letters and a space: one token per six characters.
		x.prompts = append(x.prompts, tokens.MessageOverhead+max(1, chars/(tokens.WordLen+1)))
	}
	x.classes, x.cumShares = priorityShares(m.Priority)
	if m.Users != nil {
		x.userCum = userShares(m.Users.Count, m.Users.Zipf)
	}
	if m.Sessions != nil {
		x.sessions = newSessions(m.Sessions.Count, m.Sessions.Turns)
	}
	return x, nil
}

// userShares are the cumulative shares of users 0..n-1: equal, or Zipf's 1/(i+1)^s.
func userShares(n int, s float64) []float64 {
	cum := make([]float64, n)
	total := 0.0
	for i := range cum {
		total += math.Pow(float64(i+1), -s)
		cum[i] = total
	}
	for i := range cum {
		cum[i] /= total
	}
	cum[n-1] = 1
	return cum
}

// splitmix64: a cheap, well-mixed hash of (seed, arrival, draw).
func splitmix(x uint64) uint64 { return tokens.Mix(x) }

func unit(seed, k, draw uint64) float64 {
	return float64(splitmix(seed^splitmix(k*4+draw))>>11) / (1 << 53)
}

// Salts of the draws added after unit's four: k^salt has top bits no arrival index reaches
// (below 2^58), each salt's its own, so no draw of any arrival is another draw of any arrival.
const (
	// prioritySalt: unit's k*4+draw stays below 2^60 for any run, k^prioritySalt has the top
	// bits 0xd. (A fifth draw in unit, k*4+4, would be arrival k+1's draw 0.)
	prioritySalt uint64 = 0xd1b54a32d192ed03
	reuseSalt    uint64 = 0xa54ff53a5f1d36f1
	lagSalt      uint64 = 0xb7e151628aed2a6b
	userSalt     uint64 = 0xc6a4a7935bd1e995
	ownSalt      uint64 = 0xe3779b97f4a7c15f
	// convSalt seeds a conversation's own draws (its model, thinking and user).
	convSalt uint64 = 0x9b05688c2b3e6c1f
)

func saltedUnit(seed, k, salt uint64) float64 {
	return float64(splitmix(seed^splitmix(k^salt))>>11) / (1 << 53)
}

// priorityUnit is arrival k's class draw in [0, 1). The k6 scripts compute the same number
// (loadtests/priority.ts; shared vectors in contract/priority-vectors.json), so both engines
// give arrival k the same class.
func priorityUnit(seed, k uint64) float64 { return saltedUnit(seed, k, prioritySalt) }

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
	return x.classes[search(x.cumShares, priorityUnit(x.seed, k))]
}

// search is the first index whose cumulative share is above u (the last one, whatever the
// rounding).
func search(cum []float64, u float64) int {
	return min(sort.Search(len(cum), func(i int) bool { return u < cum[i] }), len(cum)-1)
}

// Repeats reach back this many arrivals at least, and less than twice as many: far enough
// that the earlier request was sent (and, at any rate a cache is tried at, answered) first.
const reuseLag = 16

// origin is the arrival whose body arrival k sends: k itself, or with the reuse share an
// earlier one (and that one's origin), so a repeat is byte for byte an earlier request.
func (x *mix) origin(k uint64) uint64 {
	for x.reuse > 0 && k >= 2*reuseLag && saltedUnit(x.seed, k, reuseSalt) < x.reuse {
		k -= reuseLag + uint64(saltedUnit(x.seed, k, lagSalt)*reuseLag)
	}
	return k
}

// userOf is arrival k's user_id, "" when the mix has no users.
func (x *mix) userOf(k uint64) string {
	if x.userCum == nil {
		return ""
	}
	return "user-" + strconv.Itoa(search(x.userCum, saltedUnit(x.seed, k, userSalt)))
}

// pick draws the request of arrival h: from its trace row when it has one, else from the mix.
func (x *mix) pick(h schedule.Hit) request {
	k := h.Index
	if h.Row != nil {
		return x.fromRow(k, h.Row)
	}
	if x.sessions != nil {
		return x.turnOf(k)
	}
	root := x.origin(k)
	r := request{
		stream:    unit(x.seed, root, 0) < x.streamRatio,
		model:     x.models[search(x.cumWeight, unit(x.seed, root, 1))],
		prompt:    x.prompts[min(int(unit(x.seed, root, 2)*float64(len(x.prompts))), len(x.prompts)-1)],
		maxTokens: x.maxTokens,
		think:     x.thinkOf(root),
		own:       splitmix(x.seed ^ splitmix(root^ownSalt)),
		user:      x.userOf(root),
		priority:  x.priorityOf(k),
		key:       x.keys[k%uint64(len(x.keys))],
	}
	return r
}

// turnOf is arrival k as a turn of its conversation: the conversation keeps its model,
// thinking, user and key (an account's context cache serves it); each turn draws its own
// prompt size, stream and class. Its history is read when it is sent (Engine.request).
func (x *mix) turnOf(k uint64) request {
	p := x.sessions.placeOf(k)
	conv := x.sessions.id(p)
	cs := x.seed ^ convSalt
	r := request{
		stream:    unit(x.seed, k, 0) < x.streamRatio,
		model:     x.models[search(x.cumWeight, unit(cs, conv, 1))],
		prompt:    x.prompts[min(int(unit(x.seed, k, 2)*float64(len(x.prompts))), len(x.prompts)-1)],
		maxTokens: x.maxTokens,
		think:     -1,
		own:       splitmix(x.seed ^ splitmix(k^ownSalt)),
		user:      x.userOf(conv ^ convSalt),
		priority:  x.priorityOf(k),
		key:       x.keys[uint64(p.slot)%uint64(len(x.keys))],
		place:     &p,
	}
	if x.thinking != nil {
		r.think = 0
		if unit(cs, conv, 3) < *x.thinking {
			r.think = 1
		}
	}
	return r
}

// thinkOf: a draw of its own (3: the last slot unit's k*4+draw has), so a share of thinking
// changes no request's stream, model or prompt.
func (x *mix) thinkOf(k uint64) int8 {
	if x.thinking == nil {
		return -1
	}
	if unit(x.seed, k, 3) < *x.thinking {
		return 1
	}
	return 0
}

// fromRow is a trace row's request: its sizes, blocks and, where the row has them, its user,
// model, stream and class; the mix draws the rest. Every row is its own request (no reuse).
func (x *mix) fromRow(k uint64, row *trace.Row) request {
	r := request{
		stream:    unit(x.seed, k, 0) < x.streamRatio,
		model:     x.models[search(x.cumWeight, unit(x.seed, k, 1))],
		prompt:    max(row.Prompt, tokens.MinPrompt),
		blocks:    row.Blocks,
		maxTokens: max(row.Output, 1),
		think:     x.thinkOf(k),
		own:       splitmix(x.seed ^ splitmix(k^ownSalt)),
		user:      x.userOf(k),
		priority:  x.priorityOf(k),
		key:       x.keys[k%uint64(len(x.keys))],
	}
	if row.Model != "" {
		r.model = row.Model
	}
	if row.Stream != nil {
		r.stream = *row.Stream
	}
	if row.User != "" {
		r.user = row.User
	}
	if row.Priority != "" {
		r.priority = row.Priority
	}
	return r
}

// appendString writes a JSON string; the engine's own strings (model names, user ids) are
// checked to need no escaping, but a plan's model name is quoted properly all the same.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// body is the request's JSON in the plan's API format. Hand-built: a prompt of 100 000 tokens
// is written once, straight into the buffer that is sent.
func (r request) body(api string) []byte {
	size := 256 + r.prompt*(tokens.WordLen+1)
	for _, t := range r.history {
		size += 64 + t.prompt*(tokens.WordLen+1) + len(t.answer)
	}
	b := make([]byte, 0, size)
	b = append(b, `{"model":`...)
	b = appendString(b, r.model)
	if api == "anthropic" {
		b = append(b, `,"max_tokens":`...)
		b = strconv.AppendInt(b, int64(r.maxTokens), 10)
	}
	b = append(b, `,"messages":[`...)
	for _, t := range r.history {
		b = append(b, `{"role":"user","content":"`...)
		b = tokens.AppendPrompt(b, t.prompt, nil, trace.BlockTokens, t.own)
		b = append(b, `"},{"role":"assistant","content":`...)
		b = append(b, t.answer...)
		b = append(b, `},`...)
	}
	b = append(b, `{"role":"user","content":"`...)
	b = tokens.AppendPrompt(b, r.prompt, r.blocks, trace.BlockTokens, r.own)
	b = append(b, `"}],"stream":`...)
	b = strconv.AppendBool(b, r.stream)
	if api != "anthropic" {
		b = append(b, `,"max_tokens":`...)
		b = strconv.AppendInt(b, int64(r.maxTokens), 10)
		if r.stream {
			b = append(b, `,"stream_options":{"include_usage":true}`...)
		}
	}
	if r.think >= 0 {
		b = append(b, `,"thinking":{"type":"`...)
		b = append(b, thinkingType(r.think == 1)...)
		b = append(b, `"}`...)
	}
	if r.user != "" {
		if api == "anthropic" {
			b = append(b, `,"metadata":{"user_id":`...)
			b = appendString(b, r.user)
			b = append(b, '}')
		} else {
			b = append(b, `,"user_id":`...)
			b = appendString(b, r.user)
		}
	}
	return append(b, '}')
}

func thinkingType(think bool) string {
	if think {
		return "enabled"
	}
	return "disabled"
}
