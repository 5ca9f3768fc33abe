package publish

import "slices"

// Sequence alignment for DiffText and DiffTable: elements are uint64 (token
// ids, row hashes); the result is the matched index pairs, increasing in
// both sequences. Small inputs get Myers' O(ND) algorithm, which finds a
// shortest edit script; large ones are first cut at anchors — elements that
// occur once in each sequence, kept in a longest increasing run (patience
// diff) — and the pieces between anchors are aligned the same way. All the
// work is counted against a budget: once spent, what is left unaligned is
// reported as removed and added, never a wrong match.

type pair struct{ a, b int }

// aligner holds the work budget of one diff, in element comparisons.
type aligner struct {
	budget int
}

// myersMax bounds the size (n+m) of the inputs given to Myers directly, and
// myersMaxD the number of edits it looks for (its memory grows with D²).
const (
	myersMax  = 4096
	myersMaxD = 1024
)

// align appends to out the matched pairs of a and b, whose indexes start at
// ao and bo in the whole sequences.
func (al *aligner) align(a, b []uint64, ao, bo int, out []pair) []pair {
	// Common prefix and suffix.
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		out = append(out, pair{ao + p, bo + p})
		p++
	}
	a, b, ao, bo = a[p:], b[p:], ao+p, bo+p
	q := 0
	for q < len(a) && q < len(b) && a[len(a)-1-q] == b[len(b)-1-q] {
		q++
	}
	sa, sb := ao+len(a)-q, bo+len(b)-q // where the common suffix starts
	suffix := func(out []pair) []pair {
		for i := range q {
			out = append(out, pair{sa + i, sb + i})
		}
		return out
	}
	a, b = a[:len(a)-q], b[:len(b)-q]
	al.budget -= p + q
	if len(a) == 0 || len(b) == 0 || al.budget <= 0 {
		return suffix(out)
	}
	n := len(a) + len(b)
	if n <= myersMax {
		if d := min(myersMaxD, al.budget/n); d > 0 {
			if ps, ok := al.myers(a, b, d); ok {
				for _, m := range ps {
					out = append(out, pair{ao + m.a, bo + m.b})
				}
				return suffix(out)
			}
		}
	}
	anchors := al.anchors(a, b)
	if len(anchors) == 0 {
		if n > myersMax {
			// No element is unique on both sides (repeated tokens, duplicate
			// rows): Myers with whatever the budget allows.
			if d := min(myersMaxD, al.budget/n); d > 0 {
				if ps, ok := al.myers(a, b, d); ok {
					for _, m := range ps {
						out = append(out, pair{ao + m.a, bo + m.b})
					}
				}
			}
		}
		return suffix(out)
	}
	i, j := 0, 0
	for _, m := range anchors {
		out = al.align(a[i:m.a], b[j:m.b], ao+i, bo+j, out)
		out = append(out, pair{ao + m.a, bo + m.b})
		i, j = m.a+1, m.b+1
	}
	out = al.align(a[i:], b[j:], ao+i, bo+j, out)
	return suffix(out)
}

// anchors returns the elements that occur exactly once in a and once in b,
// as pairs, keeping the longest run increasing in both (patience sorting).
func (al *aligner) anchors(a, b []uint64) []pair {
	al.budget -= len(a) + len(b)
	type seen struct {
		na, nb int
		ia, ib int
	}
	m := make(map[uint64]*seen, len(a))
	for i, x := range a {
		s := m[x]
		if s == nil {
			s = &seen{}
			m[x] = s
		}
		s.na++
		s.ia = i
	}
	for j, x := range b {
		if s := m[x]; s != nil {
			s.nb++
			s.ib = j
		}
	}
	var cand []pair // unique on both sides, in a's order
	for i, x := range a {
		if s := m[x]; s.na == 1 && s.nb == 1 {
			cand = append(cand, pair{i, s.ib})
		}
	}
	if len(cand) == 0 {
		return nil
	}
	// Longest increasing subsequence of cand[*].b.
	tails := []int{} // tails[k]: index in cand of the smallest tail of a run of length k+1
	prev := make([]int, len(cand))
	for k, c := range cand {
		lo, hi := 0, len(tails)
		for lo < hi {
			mid := (lo + hi) / 2
			if cand[tails[mid]].b < c.b {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		prev[k] = -1
		if lo > 0 {
			prev[k] = tails[lo-1]
		}
		if lo == len(tails) {
			tails = append(tails, k)
		} else {
			tails[lo] = k
		}
	}
	out := make([]pair, len(tails))
	for k, i := len(tails)-1, tails[len(tails)-1]; k >= 0; k, i = k-1, prev[i] {
		out[k] = cand[i]
	}
	return out
}

// myers finds a shortest edit script of a and b with at most maxD edits and
// returns its matched pairs; ok is false when more edits are needed. The
// work done is taken from the budget.
func (al *aligner) myers(a, b []uint64, maxD int) (pairs []pair, ok bool) {
	n, m := len(a), len(b)
	maxD = min(maxD, n+m)
	off := maxD + 1
	v := make([]int32, 2*maxD+3)
	// trace[d] is v[-d-1 .. d+1] before step d.
	var trace [][]int32
	work := 0
	defer func() { al.budget -= work }()
	for d := 0; d <= maxD; d++ {
		trace = append(trace, slices.Clone(v[off-d-1:off+d+2]))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				x = int(v[off+k+1])
			} else {
				x = int(v[off+k-1]) + 1
			}
			y := x - k
			x0 := x
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			work += 1 + x - x0
			v[off+k] = int32(x)
			if x >= n && y >= m {
				return backtrack(trace, n, m), true
			}
		}
	}
	return nil, false
}

// backtrack walks the trace of myers back from (n, m) and returns the
// diagonal moves in order.
func backtrack(trace [][]int32, n, m int) []pair {
	var out []pair
	x, y := n, m
	for d := len(trace) - 1; d >= 0; d-- {
		v := trace[d]
		at := func(k int) int { return int(v[k+d+1]) }
		k := x - y
		var pk int
		if k == -d || k != d && at(k-1) < at(k+1) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := at(pk)
		py := px - pk
		if d == 0 {
			px, py = 0, 0
		}
		for x > px && y > py {
			x--
			y--
			out = append(out, pair{x, y})
		}
		x, y = px, py
	}
	slices.Reverse(out)
	return out
}
