package limits

import "sync"

// Counts are how many of something each key holds at once (requests,
// streams), each key capped. A key holding nothing is forgotten.
type Counts struct {
	max int // per key; 0 or less is no cap

	mu sync.Mutex
	m  map[string]int
}

// NewCounts caps each key at max.
func NewCounts(max int) *Counts { return &Counts{max: max, m: map[string]int{}} }

// Acquire takes one for key, unless key holds max already.
func (c *Counts) Acquire(key string) bool {
	if c == nil || c.max <= 0 {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m[key] >= c.max {
		return false
	}
	c.m[key]++
	return true
}

// Release gives back one that Acquire took for key.
func (c *Counts) Release(key string) {
	if c == nil || c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m[key] <= 1 {
		delete(c.m, key)
		return
	}
	c.m[key]--
}

// Held returns what key holds now.
func (c *Counts) Held(key string) int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[key]
}

// Budget is a number of bytes that may be held at once, by each key and
// by all keys together.
type Budget struct {
	perKey, total int64 // 0 or less is no cap

	mu   sync.Mutex
	used int64
	m    map[string]int64
}

// NewBudget caps each key at perKey bytes and every key together at total.
func NewBudget(perKey, total int64) *Budget {
	return &Budget{perKey: perKey, total: total, m: map[string]int64{}}
}

// Over says which cap a reservation would break.
type Over int

const (
	Within    Over = iota // reserved
	OverKey               // the key's own cap: the client should slow down
	OverTotal             // the cap of all keys: the server is busy
)

// Reserve takes n bytes for key, or nothing if that would break a cap.
func (b *Budget) Reserve(key string, n int64) Over {
	if b == nil {
		return Within
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.perKey > 0 && b.m[key]+n > b.perKey {
		return OverKey
	}
	if b.total > 0 && b.used+n > b.total {
		return OverTotal
	}
	b.m[key] += n
	b.used += n
	return Within
}

// Release gives back n bytes Reserve took for key.
func (b *Budget) Release(key string, n int64) {
	if b == nil || n == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= n
	if b.m[key] <= n {
		delete(b.m, key)
		return
	}
	b.m[key] -= n
}

// Used returns the bytes key holds and the bytes all keys hold.
func (b *Budget) Used(key string) (int64, int64) {
	if b == nil {
		return 0, 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.m[key], b.used
}

// PerKey returns the cap of one key (0: none).
func (b *Budget) PerKey() int64 {
	if b == nil {
		return 0
	}
	return b.perKey
}
