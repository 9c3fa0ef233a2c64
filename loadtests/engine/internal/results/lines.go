package results

import (
	"strconv"
	"time"
)

// Request is one request's line: what the client saw.
type Request struct {
	// Sent is when the request started; Late how far behind its due time that was.
	Sent     time.Time
	Late     time.Duration
	Step     int
	Rate     float64
	Stream   bool
	Status   int
	Outcome  string
	Latency  time.Duration
	TTFB     time.Duration // 0: no response came
	TTFT     time.Duration // 0: no token frame (streams only)
	ITL      []time.Duration
	Tokens   int
	Attempts int
	// Priority is the request's class (P0..P3) as sent in x-priority; "" when it had none.
	Priority string
	// User is the user_id sent; "" when none was.
	User string
	// Session: a session run's turn; nil in other runs.
	Session *Turn
}

// Turn is where a request falls in a session run, and what the server's usage said of it.
type Turn struct {
	Conversation uint64
	Turn         int
	// History: the earlier exchanges sent before its prompt (fewer than Turn when answers were
	// missing).
	History int
	// Prompt and Cached: the prompt's tokens and those read from the context cache, as the
	// answer's usage gave them (0 without one).
	Prompt, Cached int
}

func ms(b []byte, d time.Duration) []byte {
	return strconv.AppendFloat(b, float64(d)/float64(time.Millisecond), 'f', 3, 64)
}

func epochMs(b []byte, t time.Time) []byte {
	return strconv.AppendFloat(b, float64(t.UnixMicro())/1000, 'f', 3, 64)
}

// AppendJSON writes the request as one JSON object. Hand-built: at thousands of requests a
// second, reflection-based encoding would cost the engine more than the request itself.
func (r *Request) AppendJSON(b []byte) []byte {
	b = append(b, `{"type":"req","t":`...)
	b = epochMs(b, r.Sent)
	b = append(b, `,"step":`...)
	b = strconv.AppendInt(b, int64(r.Step), 10)
	b = append(b, `,"rate":`...)
	b = strconv.AppendFloat(b, r.Rate, 'f', -1, 64)
	b = append(b, `,"stream":`...)
	b = strconv.AppendBool(b, r.Stream)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(r.Status), 10)
	b = append(b, `,"outcome":"`...)
	b = append(b, r.Outcome...)
	b = append(b, `","ms":`...)
	b = ms(b, r.Latency)
	if r.TTFB > 0 {
		b = append(b, `,"ttfb":`...)
		b = ms(b, r.TTFB)
	}
	if r.TTFT > 0 {
		b = append(b, `,"ttft":`...)
		b = ms(b, r.TTFT)
	}
	if len(r.ITL) > 0 {
		b = append(b, `,"itl":[`...)
		for i, gap := range r.ITL {
			if i > 0 {
				b = append(b, ',')
			}
			b = ms(b, gap)
		}
		b = append(b, ']')
	}
	if r.Tokens > 0 {
		b = append(b, `,"tokens":`...)
		b = strconv.AppendInt(b, int64(r.Tokens), 10)
	}
	b = append(b, `,"late":`...)
	b = ms(b, r.Late)
	b = append(b, `,"attempts":`...)
	b = strconv.AppendInt(b, int64(r.Attempts), 10)
	if r.Priority != "" {
		// One of P0..P3 (the plan is checked): no escaping needed.
		b = append(b, `,"prio":"`...)
		b = append(b, r.Priority...)
		b = append(b, '"')
	}
	if r.User != "" {
		// A user_id as the plan or trace gives it: [A-Za-z0-9_-] (checked), no escaping needed.
		b = append(b, `,"user":"`...)
		b = append(b, r.User...)
		b = append(b, '"')
	}
	if t := r.Session; t != nil {
		b = append(b, `,"conv":`...)
		b = strconv.AppendUint(b, t.Conversation, 10)
		b = append(b, `,"turn":`...)
		b = strconv.AppendInt(b, int64(t.Turn), 10)
		b = append(b, `,"history":`...)
		b = strconv.AppendInt(b, int64(t.History), 10)
		b = append(b, `,"prompt":`...)
		b = strconv.AppendInt(b, int64(t.Prompt), 10)
		b = append(b, `,"cached":`...)
		b = strconv.AppendInt(b, int64(t.Cached), 10)
	}
	return append(b, '}')
}

// AppendDropped writes arrivals that were not sent because the in-flight cap was reached.
func AppendDropped(b []byte, at time.Time, step int, rate float64, n int) []byte {
	b = append(b, `{"type":"dropped","t":`...)
	b = epochMs(b, at)
	b = append(b, `,"step":`...)
	b = strconv.AppendInt(b, int64(step), 10)
	b = append(b, `,"rate":`...)
	b = strconv.AppendFloat(b, rate, 'f', -1, 64)
	b = append(b, `,"n":`...)
	b = strconv.AppendInt(b, int64(n), 10)
	return append(b, '}')
}
