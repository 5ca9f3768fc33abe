package publish

import (
	"hash/maphash"
	"strconv"
)

// Table is a table's content for DiffTable: the header and the rows as text,
// as the content folder's CSV or XLSX file gives them.
type Table struct {
	Columns []string
	Rows    [][]string // a row shorter than Columns has empty cells; cells past the header are ignored
	// Key names the column that identifies a row (a code, an id), when the
	// dataset declares one. It is used when both tables have it with
	// non-empty values that are unique in each; otherwise rows are matched
	// by content and position.
	Key string
}

// TableDiff is what changed between two versions of a table. Rows are
// indexes into the Rows of the old (A) or new (B) table.
type TableDiff struct {
	Key            string   // the key column rows were matched by; "" when by content
	AddedColumns   []string // in the new table only, in its order
	RemovedColumns []string // in the old table only, in its order
	Added          []int    // rows of the new table not in the old, ascending
	Removed        []int    // rows of the old table not in the new, ascending
	Changed        []RowChange
	Unchanged      int // rows matched with no cell changed
}

// RowChange is a row present in both tables with cells changed (in the
// columns both have).
type RowChange struct {
	A, B  int
	Cells []CellChange
}

// CellChange is one changed cell.
type CellChange struct {
	Column   string
	Old, New string
}

// Empty reports whether the tables have the same columns and the same cells
// (rows matched by content may have moved).
func (d *TableDiff) Empty() bool {
	return len(d.AddedColumns) == 0 && len(d.RemovedColumns) == 0 && len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Changed) == 0
}

// tableBudget bounds the row comparisons of one DiffTable.
const tableBudget = 50_000_000

// pairWindow is how far DiffTable looks among the added rows of a changed
// stretch for the counterpart of a removed row.
const pairWindow = 16

// DiffTable compares two versions of a table. Columns are matched by name
// (a repeated name by its occurrence); cells are compared in the columns
// both tables have, so an added column is reported once, not in every row.
// Rows are matched by the key column when there is a usable one (see Table),
// else by their content: an alignment of the rows' hashes (as DiffText's
// words), after which, in each stretch between matched rows, a removed row
// and an added row with at least half of their cells equal are taken for
// one changed row. The work is bounded: two versions of a 50,000-row table
// take a few tens of milliseconds.
func DiffTable(a, b Table) TableDiff {
	var d TableDiff
	ka, kb := columnKeys(a.Columns), columnKeys(b.Columns)
	ia, ib := indexOf(ka), indexOf(kb)
	var common []int // pairs of column indexes, flattened: a, b, a, b...
	var names []string
	for j, k := range kb {
		if i, ok := ia[k]; ok {
			common = append(common, i, j)
			names = append(names, b.Columns[j])
		} else {
			d.AddedColumns = append(d.AddedColumns, b.Columns[j])
		}
	}
	for i, k := range ka {
		if _, ok := ib[k]; !ok {
			d.RemovedColumns = append(d.RemovedColumns, a.Columns[i])
		}
	}
	cell := func(row []string, i int) string {
		if i < len(row) {
			return row[i]
		}
		return ""
	}
	compare := func(i, j int) (cells []CellChange, same int) {
		ra, rb := a.Rows[i], b.Rows[j]
		for c := 0; c < len(common); c += 2 {
			o, n := cell(ra, common[c]), cell(rb, common[c+1])
			if o == n {
				same++
			} else {
				cells = append(cells, CellChange{Column: names[c/2], Old: o, New: n})
			}
		}
		return cells, same
	}
	match := func(i, j int) {
		if cells, _ := compare(i, j); len(cells) > 0 {
			d.Changed = append(d.Changed, RowChange{A: i, B: j, Cells: cells})
		} else {
			d.Unchanged++
		}
	}

	key := b.Key
	if key == "" {
		key = a.Key
	}
	if kcol := keyColumns(key, ia, ib); kcol != nil {
		if byA, ok := uniqueValues(a.Rows, kcol[0]); ok {
			if byB, ok := uniqueValues(b.Rows, kcol[1]); ok {
				d.Key = key
				for j, row := range b.Rows {
					if i, ok := byA[cell(row, kcol[1])]; ok {
						match(i, j)
					} else {
						d.Added = append(d.Added, j)
					}
				}
				for i, row := range a.Rows {
					if _, ok := byB[cell(row, kcol[0])]; !ok {
						d.Removed = append(d.Removed, i)
					}
				}
				return d
			}
		}
	}

	// By content: hash each row's common cells.
	seed := maphash.MakeSeed()
	hashRows := func(rows [][]string, side int) []uint64 {
		out := make([]uint64, len(rows))
		var h maphash.Hash
		h.SetSeed(seed)
		for r, row := range rows {
			h.Reset()
			for c := side; c < len(common); c += 2 {
				v := cell(row, common[c])
				h.WriteString(strconv.Itoa(len(v)))
				h.WriteByte(':')
				h.WriteString(v)
			}
			out[r] = h.Sum64()
		}
		return out
	}
	ha, hb := hashRows(a.Rows, 0), hashRows(b.Rows, 1)
	al := &aligner{budget: tableBudget}
	pairs := al.align(ha, hb, 0, 0, nil)
	i, j := 0, 0
	for _, p := range append(pairs, pair{len(a.Rows), len(b.Rows)}) {
		// The stretch a[i:p.a], b[j:p.b] is unmatched: pair similar rows.
		next := j
		for ; i < p.a; i++ {
			found := -1
			for k := next; k < min(p.b, next+pairWindow); k++ {
				if cells, same := compare(i, k); 2*same >= len(common)/2 && same > 0 || len(cells) == 0 {
					found = k
					break
				}
			}
			if found < 0 {
				d.Removed = append(d.Removed, i)
				continue
			}
			for ; next < found; next++ {
				d.Added = append(d.Added, next)
			}
			match(i, found)
			next = found + 1
		}
		for ; next < p.b; next++ {
			d.Added = append(d.Added, next)
		}
		if p.a < len(a.Rows) {
			match(p.a, p.b)
		}
		i, j = p.a+1, p.b+1
	}
	return d
}

// columnKeys names columns by their name and occurrence, so that a repeated
// name matches its counterpart.
func columnKeys(cols []string) []string {
	seen := map[string]int{}
	out := make([]string, len(cols))
	for i, c := range cols {
		seen[c]++
		out[i] = c + "\x00" + strconv.Itoa(seen[c])
	}
	return out
}

func indexOf(keys []string) map[string]int {
	m := make(map[string]int, len(keys))
	for i, k := range keys {
		m[k] = i
	}
	return m
}

// keyColumns returns the indexes of the key column in a and b, or nil.
func keyColumns(key string, ia, ib map[string]int) []int {
	if key == "" {
		return nil
	}
	i, ok1 := ia[key+"\x001"]
	j, ok2 := ib[key+"\x001"]
	if !ok1 || !ok2 {
		return nil
	}
	return []int{i, j}
}

// uniqueValues maps each row's value in column c to the row; ok is false if
// a value is empty or repeated.
func uniqueValues(rows [][]string, c int) (map[string]int, bool) {
	m := make(map[string]int, len(rows))
	for r, row := range rows {
		v := ""
		if c < len(row) {
			v = row[c]
		}
		if _, dup := m[v]; dup || v == "" {
			return nil, false
		}
		m[v] = r
	}
	return m, true
}
