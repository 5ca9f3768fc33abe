package search

import (
	"runtime"
	"testing"
)

// TestScoreFree: score arrays come back zeroed and as long as asked, the
// shortest free ones that are long enough are reused, and the free list
// keeps no more than its bound.
func TestScoreFree(t *testing.T) {
	scoreFree.Lock()
	saved, savedHeld := scoreFree.list, scoreFree.held
	scoreFree.list, scoreFree.held = nil, 0
	scoreFree.Unlock()
	defer func() {
		scoreFree.Lock()
		scoreFree.list, scoreFree.held = saved, savedHeld
		scoreFree.Unlock()
	}()

	zero := func(sc *segScores, n int) {
		t.Helper()
		if len(sc.total) != n || len(sc.tok) != n || len(sc.seen) != n || len(sc.pos) != 0 || len(sc.touch) != 0 {
			t.Fatalf("lengths %d %d %d %d %d, want %d and empty lists", len(sc.total), len(sc.tok), len(sc.seen), len(sc.pos), len(sc.touch), n)
		}
		for d := range n {
			if sc.total[d] != 0 || sc.tok[d] != 0 || sc.seen[d] != 0 {
				t.Fatalf("entry %d not zero", d)
			}
		}
	}
	use := func(sc *segScores) {
		for _, d := range []uint32{0, 3, uint32(len(sc.total) - 1)} {
			sc.add(d, 1.5)
			if sc.seen[d] == 0 {
				sc.touch = append(sc.touch, d)
			}
			sc.seen[d]++
			sc.tok[d] += 2
		}
	}

	small, big := getScores(100), getScores(1000)
	zero(small, 100)
	zero(big, 1000)
	use(small)
	use(big)
	putScores(big)
	putScores(small)
	tests := []struct {
		n       int
		wantCap int // 0: new arrays
	}{
		{50, 100},   // the shortest long enough: small's
		{100, 1000}, // small is taken: big's
		{100, 0},    // none left
	}
	var got []*segScores
	for _, tt := range tests {
		sc := getScores(tt.n)
		zero(sc, tt.n)
		switch {
		case tt.wantCap > 0 && cap(sc.total) != tt.wantCap:
			t.Errorf("getScores(%d): cap %d, want the free arrays of cap %d", tt.n, cap(sc.total), tt.wantCap)
		case tt.wantCap == 0 && cap(sc.total) != tt.n:
			t.Errorf("getScores(%d): cap %d, want new arrays", tt.n, cap(sc.total))
		}
		use(sc)
		got = append(got, sc)
	}
	for _, sc := range got {
		putScores(sc)
	}

	// The bound: arrays past it are dropped, not kept.
	limit := heldScoresPerCPU * runtime.GOMAXPROCS(0)
	n := limit / 9 / 3
	for range 5 {
		putScores(&segScores{total: make([]float32, n), tok: make([]float32, n), seen: make([]uint8, n)})
	}
	scoreFree.Lock()
	held := scoreFree.held
	scoreFree.Unlock()
	if held > limit {
		t.Errorf("the free list keeps %d bytes, more than its bound %d", held, limit)
	}
}
