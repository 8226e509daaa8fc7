package main

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"
)

// reservoirSize bounds the latencies kept per recorder: beyond it a
// uniform sample of all answers is kept (Vitter's algorithm R), so memory
// stays bounded however long the run.
const reservoirSize = 100_000

// recorder counts the answers of one route, class or the whole run.
// Latencies are of answered requests only (first byte sent to last byte
// read); transport errors are counted apart.
type recorder struct {
	mu        sync.Mutex
	limit     int
	answered  int64
	max       time.Duration
	samples   []time.Duration
	rng       *rand.Rand
	status    map[int]int64
	transport map[string]int64
}

func newRecorder(limit int) *recorder {
	return &recorder{limit: limit, rng: rand.New(rand.NewPCG(1, uint64(limit))),
		status: map[int]int64{}, transport: map[string]int64{}}
}

// answer records one answer with its status and latency.
func (r *recorder) answer(status int, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.answered++
	r.status[status]++
	if d > r.max {
		r.max = d
	}
	if len(r.samples) < r.limit {
		r.samples = append(r.samples, d)
	} else if i := r.rng.Int64N(r.answered); i < int64(r.limit) {
		r.samples[i] = d
	}
}

// fail records a request that got no answer.
func (r *recorder) fail(kind string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.transport[kind]++
}

// percentile is the nearest-rank p-th percentile (0 < p <= 100) of
// sorted; zero when there is none.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// Summary is one line of the report. Latencies are in milliseconds.
type Summary struct {
	Name     string  `json:"name"`
	Class    string  `json:"class,omitempty"`
	Requests int64   `json:"requests"`
	RPS      float64 `json:"rps"`
	P50      float64 `json:"p50_ms"`
	P95      float64 `json:"p95_ms"`
	P99      float64 `json:"p99_ms"`
	Max      float64 `json:"max_ms"`
	// Status counts the answers by HTTP status.
	Status map[string]int64 `json:"status"`
	// Transport counts requests that got no answer, by kind.
	Transport map[string]int64 `json:"transport_errors,omitempty"`
}

// summary freezes the recorder's counts over a run of elapsed.
func (r *recorder) summary(name, class string, elapsed time.Duration) Summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	sorted := slices.Clone(r.samples)
	slices.Sort(sorted)
	s := Summary{Name: name, Class: class, Requests: r.answered, Status: map[string]int64{},
		P50: ms(percentile(sorted, 50)), P95: ms(percentile(sorted, 95)), P99: ms(percentile(sorted, 99)), Max: ms(r.max)}
	for code, n := range r.status {
		s.Status[strconv.Itoa(code)] = n
	}
	for kind, n := range r.transport {
		if s.Transport == nil {
			s.Transport = map[string]int64{}
		}
		s.Transport[kind] = n
		s.Requests += n
	}
	if elapsed > 0 {
		s.RPS = float64(s.Requests) / elapsed.Seconds()
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// serverErrors counts the 5xx answers and the requests without an answer.
func (s Summary) serverErrors() int64 {
	var n int64
	for code, c := range s.Status {
		if len(code) == 3 && code[0] == '5' {
			n += c
		}
	}
	for _, c := range s.Transport {
		n += c
	}
	return n
}
