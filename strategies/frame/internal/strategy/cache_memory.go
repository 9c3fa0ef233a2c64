package strategy

import (
	"container/list"
	"sync"
	"time"
)

// MemoryStore keeps answers in the frame for TTL, at most Max, the oldest evicted first: the
// Node frame's MemoryStore (cache-store.ts). Nothing to start and nothing that can fail; shared
// by nobody.
type MemoryStore struct {
	TTL time.Duration
	Max int
	Now func() time.Time

	mu      sync.Mutex
	entries map[string]*list.Element
	// order is the entries oldest first (a re-stored answer moves to the young end).
	order list.List
}

type memoryEntry struct {
	key    string
	at     time.Time
	answer *StoredAnswer
}

// Size is the number of answers kept (expired ones until they are asked for or evicted).
func (m *MemoryStore) Size() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return float64(len(m.entries))
}

func (m *MemoryStore) Get(key string) (*StoredAnswer, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	if !ok {
		return nil, nil
	}
	entry := e.Value.(*memoryEntry)
	if m.Now().Sub(entry.at) < m.TTL {
		return entry.answer, nil
	}
	m.order.Remove(e)
	delete(m.entries, key)
	return nil, nil
}

func (m *MemoryStore) Set(key string, a *StoredAnswer) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.entries == nil {
		m.entries = map[string]*list.Element{}
	}
	if e, ok := m.entries[key]; ok {
		m.order.Remove(e)
	}
	m.entries[key] = m.order.PushBack(&memoryEntry{key: key, at: m.Now(), answer: a})
	if len(m.entries) > m.Max {
		oldest := m.order.Front()
		m.order.Remove(oldest)
		delete(m.entries, oldest.Value.(*memoryEntry).key)
	}
	return nil
}

func (m *MemoryStore) Start() error { return nil }

func (m *MemoryStore) Close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries = nil
	m.order.Init()
}
