package strategy

// Passthrough is the baseline: round robin over the nodes, once, whatever comes back.
type Passthrough struct{}

func (Passthrough) Name() string                       { return "passthrough" }
func (Passthrough) Handle(r *Request, s Sender) Answer { return s.Send(r) }
func (Passthrough) Gauges() map[string]func() float64  { return nil }
