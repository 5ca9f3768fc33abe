package search

// Health is what an index reports about itself, for health checks and
// benchmarks.
type Health struct {
	// Repaired says why OpenOrRebuild threw away the index it found and
	// started an empty one ("" when it opened the index as it was), e.g.
	// "segment 000000000007.zap is damaged: …". The caller re-indexes.
	Repaired string
	// Damaged says why the index must be rebuilt at the next start ("" when
	// it need not): a search panicked (damage.go).
	Damaged string
	// Checked is what Open read to compare the segments' checksums
	// (check.go).
	Checked CheckFigures
	// Fallbacks counts the searches that bleve's search answered because
	// bleve's internals were not what this package reads (internals.go):
	// the answers are the same, but common words cost what they cost bleve
	// (seconds over a million documents). Zero unless bleve was upgraded
	// past what this package knows.
	Fallbacks uint64
}

// Health returns the index's figures. It never fails, also after Close.
func (ix *Index) Health() Health {
	ix.damage.mu.Lock()
	damaged := ix.damage.reason
	ix.damage.mu.Unlock()
	return Health{
		Repaired:  ix.repaired,
		Damaged:   damaged,
		Checked:   ix.checked,
		Fallbacks: ix.internals.fallbacks.Load(),
	}
}
