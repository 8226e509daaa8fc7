package obstacle

// ComputeStats computes the figures from scratch, for tests to compare
// Stats with.
var ComputeStats = (*Store).computeStats
