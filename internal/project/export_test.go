package project

// ComputeStats adds up the figures of ps from scratch, for tests that
// compare them with the incrementally kept ones.
func ComputeStats(ps []Project) Stats { return computeStats(ps) }

// NewFigures returns the incrementally kept figures of ps.
func NewFigures(ps []Project) *aggregates {
	var a aggregates
	for i := range ps {
		a.add(&ps[i], 1)
	}
	return &a
}

// Add adds p n times (-1 takes it away).
func (a *aggregates) Add(p *Project, n int64) { a.add(p, n) }

// Stats rolls the figures up.
func (a *aggregates) Stats() Stats { return a.stats() }
