package search

// Health is what an index reports about itself, for health checks and
// benchmarks.
type Health struct {
	// Fallbacks counts the searches that bleve's search answered because
	// bleve's internals were not what this package reads (internals.go):
	// the answers are the same, but common words cost what they cost bleve
	// (seconds over a million documents). Zero unless bleve was upgraded
	// past what this package knows.
	Fallbacks uint64
}

// Health returns the index's figures. It never fails, also after Close.
func (ix *Index) Health() Health {
	return Health{Fallbacks: ix.internals.fallbacks.Load()}
}
