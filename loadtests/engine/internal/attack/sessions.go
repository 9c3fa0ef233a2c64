package attack

import (
	"sync"
	"sync/atomic"
)

// sessions holds a session run's conversations. Arrivals keep the plan's times (an open
// model: a turn is sent when it is due, whatever the server does); arrival k is a turn of the
// conversation in slot k mod count, which starts afresh every `turns` of its arrivals. A turn
// sends the conversation as its client has it: every earlier turn whose answer came back, with
// that answer, in order. A turn due while an earlier one has no answer (not back yet, or
// failed) goes without that exchange, as a chat client shows only what was answered; the run
// counts those turns, since a turn gap shorter than the latency makes conversations thinner
// than planned.
type sessions struct {
	turns int
	slots []slot
	// short counts the turns sent while an earlier turn of their conversation had no answer.
	short atomic.Uint64
}

type slot struct {
	mu sync.Mutex
	// conv is the conversation under way in the slot (its arrivals' k / (count·turns)).
	conv uint64
	// past holds its turns by number; a turn never sent (dropped at the in-flight cap) has
	// prompt 0.
	past []turn
}

// turn is one exchange of a conversation: the prompt is rebuilt from its size and source, the
// answer is kept as the JSON string sent back (nil while there is none).
type turn struct {
	prompt int
	own    uint64
	answer []byte
}

// place is where an arrival falls: its slot, the slot's conversation and the turn in it.
type place struct {
	slot int
	conv uint64
	turn int
}

func newSessions(count, turns int) *sessions {
	return &sessions{turns: turns, slots: make([]slot, count)}
}

func (ss *sessions) placeOf(k uint64) place {
	n := uint64(len(ss.slots))
	round := k / n
	return place{slot: int(k % n), conv: round / uint64(ss.turns), turn: int(round % uint64(ss.turns))}
}

// id is the conversation's own number, unique in the run.
func (ss *sessions) id(p place) uint64 { return p.conv*uint64(len(ss.slots)) + uint64(p.slot) }

// begin records the turn's prompt and returns the exchanges it sends before it. Requests run
// concurrently, so a slot's turns may begin out of order: turns are kept by number, and an
// arrival of a conversation the slot has already left sends its prompt alone.
func (ss *sessions) begin(p place, prompt int, own uint64) []turn {
	s := &ss.slots[p.slot]
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case p.conv < s.conv:
		return nil
	case p.conv > s.conv || s.past == nil:
		s.conv = p.conv
		s.past = make([]turn, 0, ss.turns)
	}
	for len(s.past) <= p.turn {
		s.past = append(s.past, turn{})
	}
	s.past[p.turn] = turn{prompt: prompt, own: own}
	var history []turn
	short := false
	for _, t := range s.past[:p.turn] {
		switch {
		case t.answer != nil:
			history = append(history, t)
		case t.prompt > 0:
			short = true
		}
	}
	if short {
		ss.short.Add(1)
	}
	return history
}

// end keeps a turn's answer (a quoted JSON string), or nothing when it failed.
func (ss *sessions) end(p place, answer []byte) {
	if answer == nil {
		return
	}
	s := &ss.slots[p.slot]
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conv == p.conv && p.turn < len(s.past) {
		s.past[p.turn].answer = answer
	}
}
