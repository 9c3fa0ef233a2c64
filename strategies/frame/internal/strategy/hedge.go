package strategy

import "time"

// Hedge is the Node frame's `hedge` ("The Tail at Scale"): if no answer has come after Delay, the
// same request goes to another node too, up to MaxHedges more, one Delay apart; the first answer
// that is not busy wins (or the last one, when every attempt was busy) and the others are called
// off: their connections closed, so the nodes stop their work. Each attempt goes to a node not
// tried yet for the request, starting at the next in turn.
type Hedge struct {
	Delay     time.Duration
	MaxHedges int
}

func (*Hedge) Name() string                      { return "hedge" }
func (*Hedge) Gauges() map[string]func() float64 { return nil }

type hedged struct {
	answer Answer
	k      int
}

func (h *Hedge) Handle(r *Request, s Sender) Answer {
	first, nodes := s.Next(), s.Nodes()
	results := make(chan hedged, h.MaxHedges+1)
	var callOff []func()
	launch := func() {
		k := len(callOff)
		ch, off := s.Start((first+k)%nodes, r)
		callOff = append(callOff, off)
		go func() { results <- hedged{<-ch, k} }()
	}
	waiting := time.Now()
	defer func() { s.Waited(time.Since(waiting)) }()
	launch()
	pending := 1
	timer := time.NewTimer(h.Delay)
	defer timer.Stop()
	var lastBad Answer
	for {
		select {
		case <-timer.C:
			launch()
			pending++
			if len(callOff) <= h.MaxHedges {
				timer.Reset(h.Delay)
			}
		case got := <-results:
			pending--
			if Retryable(got.answer.Status()) && pending > 0 {
				// A busy answer while another attempt is still out: wait for that one.
				if lastBad != nil {
					lastBad.Discard()
				}
				lastBad = got.answer
				continue
			}
			for k, off := range callOff {
				if k != got.k {
					off()
				}
			}
			if lastBad != nil {
				lastBad.Discard()
			}
			// The attempts called off still answer (a 499, or what had come): thrown away.
			go func(left int) {
				for range left {
					(<-results).answer.Discard()
				}
			}(pending)
			return got.answer
		}
	}
}
