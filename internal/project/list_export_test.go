package project

import "sort"

// LoadForBenchmark fills the read model with ps as a load from the
// database would, and marks it loaded and followed, so that List answers
// from memory without asking the database (benchmarks at scale without
// inserting 73,500 projects first).
func (s *Store) LoadForBenchmark(ps []Project) {
	ptrs := make([]*Project, len(ps))
	for i := range ps {
		ptrs[i] = &ps[i]
	}
	sort.Slice(ptrs, func(i, j int) bool { return ptrs[i].Code < ptrs[j].Code })
	s.f.m.replaceAll(ptrs, 0)
	s.f.readyOnce.Do(func() { close(s.f.ready) })
	s.f.following.Store(true)
}
