package publish

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// checkPairs fails unless pairs are matches of equal elements, increasing in
// both sequences.
func checkPairs(t *testing.T, a, b []uint64, pairs []pair) {
	t.Helper()
	for i, p := range pairs {
		if p.a < 0 || p.a >= len(a) || p.b < 0 || p.b >= len(b) || a[p.a] != b[p.b] {
			t.Fatalf("pair %d %+v does not match equal elements", i, p)
		}
		if i > 0 && (p.a <= pairs[i-1].a || p.b <= pairs[i-1].b) {
			t.Fatalf("pair %d %+v after %+v", i, p, pairs[i-1])
		}
	}
}

// TestAlign: sequences of every size, few or many repeated elements, a few
// edits or a great many, with the budget or without: the pairs are always a
// valid alignment, and a few edits of a long sequence leave few elements
// unmatched.
func TestAlign(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	tests := []struct {
		name     string
		n        int
		alphabet int // distinct elements (small: many repeats)
		edits    int
		budget   int
		maxLost  int // unmatched elements of a allowed (-1: any)
	}{
		{"small", 50, 10, 5, tableBudget, 5},
		{"Myers size", 2000, 1 << 30, 20, tableBudget, 20},
		{"patience size, unique", 50_000, 1 << 30, 50, tableBudget, 50},
		{"patience size, repeats", 20_000, 50, 20, tableBudget, 200},
		{"everything changed", 20_000, 1 << 30, 40_000, tableBudget, -1},
		{"tiny budget", 20_000, 1 << 30, 50, 1000, -1},
		{"no budget", 100, 10, 5, 0, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := make([]uint64, tt.n)
			for i := range a {
				a[i] = r.Uint64N(uint64(tt.alphabet))
			}
			b := slices.Clone(a)
			for range tt.edits {
				i := r.IntN(len(b) + 1)
				switch r.IntN(3) {
				case 0:
					b = slices.Insert(b, i, r.Uint64N(uint64(tt.alphabet)))
				case 1:
					if i < len(b) {
						b = slices.Delete(b, i, i+1)
					}
				default:
					if i < len(b) {
						b[i] = r.Uint64N(uint64(tt.alphabet))
					}
				}
			}
			al := &aligner{budget: tt.budget}
			pairs := al.align(a, b, 0, 0, nil)
			checkPairs(t, a, b, pairs)
			if lost := len(a) - len(pairs); tt.maxLost >= 0 && lost > tt.maxLost {
				t.Errorf("%d of %d elements unmatched after %d edits", lost, len(a), tt.edits)
			}
		})
	}
}
