package strategy

import "sync/atomic"

// KeyPool is the Node frame's `key-pool`: each request goes out with the next key of the pool,
// whatever key the client sent. Against DeepSeek's per-account concurrency, keys of one account
// share one ceiling, so rotating them raises nothing; keys of several accounts do.
type KeyPool struct {
	Keys []string
	turn atomic.Uint64
}

func (*KeyPool) Name() string                      { return "key-pool" }
func (*KeyPool) Gauges() map[string]func() float64 { return nil }

func (k *KeyPool) Handle(r *Request, s Sender) Answer {
	key := k.Keys[(k.turn.Add(1)-1)%uint64(len(k.Keys))]
	return s.Send(r.With("Authorization", "Bearer "+key))
}
