package content

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// maxSortCache bounds the sort orders kept per table.
const maxSortCache = 4

// permKey names a sort order: a column, ascending or descending.
type permKey struct {
	col  int
	desc bool
}

type sortCache struct {
	mu    sync.Mutex
	perms map[permKey]*permEntry
	order []permKey // oldest first
}

type permEntry struct {
	done chan struct{}
	perm []int32 // row indexes in the order
	err  error
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
// Vietnamese order; empty and unparseable cells last).
//
// A structured table (groups, subtotals, totals, nested rows) keeps its shape
// when sorted: a row moves with the rows nested under it, rows are sorted among
// the rows of the same group and level only, and the group, subtotal and total
// rows, which split a group into runs, stay where they are. A reader sorting a
// budget form by its estimate sees the items of each group in that order, under
// their group, with the totals in place. A flat table is sorted as a whole.
//
// A page past the end is empty, not an error. Sorting the first time computes and
// caches the order of the rows, not the rows. The error wraps ErrStale if a CSV
// file changed since Load; it is ctx.Err() if ctx ends, or a read error. SortBy out
// of range is an error.
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
		for i := q.Offset; i < end; i++ {
			if q.Desc {
				want = append(want, t.RowCount-1-i)
			} else {
				want = append(want, i)
			}
		}
	} else {
		if q.SortBy >= len(t.Columns) {
			return nil, fmt.Errorf("content: table %s: no column %d", t.ID, q.SortBy)
		}
		pe, err := t.sortOrder(ctx, permKey{q.SortBy, q.Desc})
		if err != nil {
			return nil, err
		}
		for i := q.Offset; i < end; i++ {
			want = append(want, int(pe.perm[i]))
		}
	}
	sorted := append([]int(nil), want...)
	sort.Ints(sorted)
	got := make(map[int]Row, len(want))
	err := t.read(ctx, sorted, func(r Row) error {
		got[r.N-1] = r
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

// sortOrder returns the cached order of rows for k, computing it once;
// concurrent callers wait for the first.
func (t *Table) sortOrder(ctx context.Context, k permKey) (*permEntry, error) {
	c := t.src.cache
	c.mu.Lock()
	pe, ok := c.perms[k]
	if !ok {
		pe = &permEntry{done: make(chan struct{})}
		c.perms[k] = pe
		c.order = append(c.order, k)
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
	pe.perm, pe.err = t.buildOrder(ctx, k)
	if pe.err != nil {
		c.mu.Lock()
		if c.perms[k] == pe {
			delete(c.perms, k)
			c.order = slices.DeleteFunc(c.order, func(o permKey) bool { return o == k })
		}
		c.mu.Unlock()
	}
	close(pe.done)
	if pe.err != nil {
		return nil, pe.err
	}
	return pe, nil
}

// sortKey is what a row is sorted by: a number, or a collation key for text.
type sortKey struct {
	valid bool
	num   float64
	text  []byte
}

// buildOrder reads every row once and returns their indexes in the order k asks.
func (t *Table) buildOrder(ctx context.Context, k permKey) ([]int32, error) {
	typ := t.Columns[k.col].Type
	n := t.RowCount
	keys := make([]sortKey, n)
	roles := make([]RowRole, 0, n)
	levels := make([]int, 0, n)
	var cbuf collate.Buffer
	var coll *collate.Collator
	if !typ.Numeric() && typ != TypeDate {
		coll = collate.New(language.Vietnamese)
	}
	err := t.read(ctx, nil, func(r Row) error {
		i := r.N - 1
		roles = append(roles, r.Role)
		levels = append(levels, r.Level)
		if i >= n || k.col >= len(r.Cells) {
			return nil
		}
		v := r.Cells[k.col]
		if !v.OK || strings.TrimSpace(v.Raw) == "" {
			return nil
		}
		key := &keys[i]
		key.valid = true
		switch {
		case coll != nil:
			key.text = coll.KeyFromString(&cbuf, strings.TrimSpace(v.Raw))
		case typ == TypeDate:
			key.num = float64(v.Time.Unix())
		default:
			key.num = v.Num
		}
		if math.IsNaN(key.num) {
			key.valid = false
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	less := func(a, b int32) int {
		x, y := keys[a], keys[b]
		if x.valid != y.valid { // empty cells last, either way
			if x.valid {
				return -1
			}
			return 1
		}
		if !x.valid {
			return 0
		}
		var c int
		if coll != nil {
			c = bytes.Compare(x.text, y.text)
		} else {
			c = cmp.Compare(x.num, y.num)
		}
		if k.desc {
			c = -c
		}
		return c
	}
	perm := make([]int32, 0, n)
	if len(roles) < n { // the file ended early: keep what was read
		n = len(roles)
	}
	if !t.Structured {
		for i := range n {
			perm = append(perm, int32(i))
		}
		slices.SortStableFunc(perm, less)
		return perm, nil
	}
	sortOutline(roles[:n], levels[:n], less, &perm)
	return perm, nil
}

// sortOutline appends to out the rows of a structured table in sorted order,
// keeping its shape (see Table.Rows). A block is a row with the rows nested
// under it (a deeper level, until a row of its level or shallower); the
// children of a block, and the top-level rows, are sorted among themselves
// block by block, in runs between group, subtotal and total rows, which stay
// in place.
func sortOutline(roles []RowRole, levels []int, less func(a, b int32) int, out *[]int32) {
	// blocks returns the blocks of rows [from, to): their head rows.
	var emit func(from, to int)
	emit = func(from, to int) {
		var heads []int
		for i := from; i < to; {
			heads = append(heads, i)
			j := i + 1
			for j < to && levels[j] > levels[i] {
				j++
			}
			i = j
		}
		end := func(h int) int {
			j := h + 1
			for j < to && levels[j] > levels[h] {
				j++
			}
			return j
		}
		// Runs of data blocks between the fixed ones.
		for a := 0; a < len(heads); {
			if roles[heads[a]] != RoleData {
				h := heads[a]
				*out = append(*out, int32(h))
				emit(h+1, end(h))
				a++
				continue
			}
			b := a
			for b < len(heads) && roles[heads[b]] == RoleData {
				b++
			}
			run := append([]int(nil), heads[a:b]...)
			slices.SortStableFunc(run, func(x, y int) int { return less(int32(x), int32(y)) })
			for _, h := range run {
				*out = append(*out, int32(h))
				emit(h+1, end(h))
			}
			a = b
		}
	}
	emit(0, len(roles))
}
