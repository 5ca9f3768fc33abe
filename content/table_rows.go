package content

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// maxSortCache bounds the sort orders kept per table.
const maxSortCache = 4

type sortCache struct {
	mu    sync.Mutex
	perms map[int]*permEntry
	order []int    // column indexes, oldest first
	pos   []rowPos // CSV only, once a sort has read every row
}

// rowPos is where a CSV row starts, recorded by the first sort so that sorted pages
// read each of their rows directly.
type rowPos struct {
	off  int64
	line int32
}

func (c *sortCache) positions() []rowPos {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pos
}

func (c *sortCache) setPositions(p []rowPos) {
	c.mu.Lock()
	c.pos = p
	c.mu.Unlock()
}

type permEntry struct {
	done   chan struct{}
	perm   []int32 // row indexes in ascending order, empty cells last
	nValid int     // rows with a value, at the start of perm
	err    error
}

// RowQuery selects a page of rows.
type RowQuery struct {
	Offset int  // rows to skip (in the chosen order)
	Limit  int  // rows to return; <= 0 means 50
	SortBy int  // column index to sort by; -1 for file order
	Desc   bool // descending order (empty cells stay last either way)
}

// Rows returns a page of rows: q.Limit rows (50 when <= 0) after q.Offset, in file
// order or sorted by column q.SortBy (numbers numerically, dates by time, text in
// Vietnamese order; empty and unparseable cells last). A page past the end is empty,
// not an error. Sorting the first time computes and caches the order of the rows, not
// the rows. The error wraps ErrStale if the file changed since Load; it is ctx.Err()
// if ctx ends, or a read error. SortBy out of range is an error.
func (t *Table) Rows(ctx context.Context, q RowQuery) ([]Row, error) {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	if q.Offset < 0 {
		q.Offset = 0
	}
	if q.Offset >= t.RowCount {
		return []Row{}, nil
	}
	end := min(q.Offset+q.Limit, t.RowCount)
	var want []int
	if q.SortBy < 0 {
		if !q.Desc {
			want = make([]int, 0, end-q.Offset)
			for i := q.Offset; i < end; i++ {
				want = append(want, i)
			}
		} else {
			for i := q.Offset; i < end; i++ {
				want = append(want, t.RowCount-1-i)
			}
		}
	} else {
		if q.SortBy >= len(t.Columns) {
			return nil, fmt.Errorf("content: table %s: no column %d", t.File, q.SortBy)
		}
		pe, err := t.sortOrder(ctx, q.SortBy)
		if err != nil {
			return nil, err
		}
		for i := q.Offset; i < end; i++ {
			want = append(want, permAt(pe, i, q.Desc))
		}
	}
	sorted := append([]int(nil), want...)
	sort.Ints(sorted)
	got := make(map[int]Row, len(want))
	err := t.read(ctx, sorted, func(idx, line int, _ int64, cells []string) error {
		got[idx] = t.makeRow(idx+1, line, cells)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]Row, 0, len(want))
	for _, i := range want {
		if r, ok := got[i]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// permAt is the row index at position i of the order, ascending or descending; empty
// cells come last in both.
func permAt(pe *permEntry, i int, desc bool) int {
	if !desc || i >= pe.nValid {
		return int(pe.perm[i])
	}
	return int(pe.perm[pe.nValid-1-i])
}

// sortOrder returns the cached order of rows by column col, computing it once;
// concurrent callers wait for the first.
func (t *Table) sortOrder(ctx context.Context, col int) (*permEntry, error) {
	c := t.src.cache
	c.mu.Lock()
	pe, ok := c.perms[col]
	if !ok {
		pe = &permEntry{done: make(chan struct{})}
		c.perms[col] = pe
		c.order = append(c.order, col)
		for len(c.order) > maxSortCache {
			delete(c.perms, c.order[0])
			c.order = c.order[1:]
		}
	}
	c.mu.Unlock()
	if ok {
		select {
		case <-pe.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if pe.err != nil {
			return nil, pe.err
		}
		return pe, nil
	}
	pe.perm, pe.nValid, pe.err = t.buildOrder(ctx, col)
	if pe.err != nil {
		c.mu.Lock()
		if c.perms[col] == pe {
			delete(c.perms, col)
			for i, o := range c.order {
				if o == col {
					c.order = append(c.order[:i], c.order[i+1:]...)
					break
				}
			}
		}
		c.mu.Unlock()
	}
	close(pe.done)
	if pe.err != nil {
		return nil, pe.err
	}
	return pe, nil
}

func (t *Table) buildOrder(ctx context.Context, col int) ([]int32, int, error) {
	typ := t.Columns[col].Type
	n := t.RowCount
	valid := make([]bool, n)
	var nums []float64
	var keys [][]byte
	var cbuf collate.Buffer
	var coll *collate.Collator
	switch typ {
	case TypeInteger, TypeDecimal, TypeMoney, TypeDate:
		nums = make([]float64, n)
	default:
		keys = make([][]byte, n)
		coll = collate.New(language.Vietnamese)
	}
	var pos []rowPos
	if t.Format == "csv" && t.src.cache.positions() == nil {
		pos = make([]rowPos, n)
	}
	err := t.read(ctx, nil, func(idx, line int, off int64, cells []string) error {
		if idx < len(pos) {
			pos[idx] = rowPos{off: off, line: int32(line)}
		}
		if idx >= n || col >= len(cells) {
			return nil
		}
		v := t.value(col, cleanString(cells[col]))
		if !v.OK || strings.TrimSpace(v.Raw) == "" {
			return nil
		}
		valid[idx] = true
		switch {
		case keys != nil:
			keys[idx] = coll.KeyFromString(&cbuf, strings.TrimSpace(v.Raw))
		case typ == TypeDate:
			nums[idx] = float64(v.Time.Unix())
		default:
			nums[idx] = v.Num
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	if pos != nil {
		t.src.cache.setPositions(pos)
	}
	perm := make([]int32, 0, n)
	var invalid []int32
	for i := 0; i < n; i++ {
		if valid[i] {
			perm = append(perm, int32(i))
		} else {
			invalid = append(invalid, int32(i))
		}
	}
	nValid := len(perm)
	sort.SliceStable(perm, func(a, b int) bool {
		i, j := perm[a], perm[b]
		if keys != nil {
			return bytes.Compare(keys[i], keys[j]) < 0
		}
		x, y := nums[i], nums[j]
		if math.IsNaN(x) || math.IsNaN(y) {
			return !math.IsNaN(x) && math.IsNaN(y)
		}
		return x < y
	})
	return append(perm, invalid...), nValid, nil
}
