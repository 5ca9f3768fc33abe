package opendata

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/congkhai/congkhai/content"
)

// ColumnKeys are a table's column names as its CSV header and JSON keys
// write them (the server's downloads): the headings, never empty ("Cột N"
// for a column without one), made unique by a number.
func ColumnKeys(t *content.Table) []string {
	keys := make([]string, len(t.Columns))
	seen := map[string]int{}
	for i, c := range t.Columns {
		k := c.Name
		if k == "" {
			k = "Cột " + strconv.Itoa(i+1)
		}
		if n := seen[k]; n > 0 {
			seen[k] = n + 1
			k += " (" + strconv.Itoa(n+1) + ")"
		} else {
			seen[k] = 1
		}
		keys[i] = k
	}
	return keys
}

// PlainValue is a cell as the downloads write it: a number without grouping
// (num is then true), a date in ISO form, else its text; "" for no value.
func PlainValue(c content.Column, v content.Value) (s string, num bool) {
	switch {
	case v.OK && c.Type.Numeric():
		return strconv.FormatFloat(v.Num, 'f', -1, 64), true
	case v.OK && c.Type == content.TypeDate:
		return v.Time.Format("2006-01-02"), false
	case (c.Type.Numeric() || c.Type == content.TypeDate) && nilMark(v.Raw):
		return "", false
	}
	return v.Raw, false
}

// nilMark reports what official forms write for "no value".
func nilMark(s string) bool {
	switch strings.TrimSpace(s) {
	case "", "-", "–", "—", "..", "...", "x", "X":
		return true
	}
	return false
}

// DatastoreField is a field of datastore_search.
type DatastoreField struct {
	ID   string     `json:"id"`
	Type string     `json:"type"`
	Info *FieldInfo `json:"info,omitempty"`
}

// FieldInfo is CKAN's data dictionary entry of a field.
type FieldInfo struct {
	Label string `json:"label"`
	Notes string `json:"notes"`
}

// datastoreType is a column's type as the DataStore names it.
func datastoreType(t content.ColumnType) string {
	switch t {
	case content.TypeInteger:
		return "int"
	case content.TypeDecimal, content.TypeMoney, content.TypePercent:
		return "numeric"
	case content.TypeDate:
		return "date"
	}
	return "text"
}

// DatastoreFields are every field of a table as datastore_search lists them:
// _id (the row's number in the file's order), one per column, and the row's
// role and level for a structured table.
func DatastoreFields(t *content.Table) []DatastoreField {
	keys := ColumnKeys(t)
	out := []DatastoreField{{ID: "_id", Type: "int"}}
	for i, c := range t.Columns {
		out = append(out, DatastoreField{ID: keys[i], Type: datastoreType(c.Type), Info: &FieldInfo{Label: c.Title, Notes: columnNotes(t, c)}})
	}
	if t.Structured {
		out = append(out,
			DatastoreField{ID: "_role", Type: "text", Info: &FieldInfo{Label: "Loại dòng", Notes: "data, group (nhóm), subtotal (cộng nhóm) hoặc total (tổng cộng)"}},
			DatastoreField{ID: "_level", Type: "int", Info: &FieldInfo{Label: "Cấp", Notes: "cấp của dòng trong dàn ý của biểu (0: tổng và nhóm cao nhất)"}})
	}
	return out
}

// unitOf is a column's unit: its own, else the table's for a numeric column
// other than a count.
func unitOf(t *content.Table, c content.Column) string {
	if c.Unit != "" {
		return c.Unit
	}
	if c.Type == content.TypeMoney || c.Type == content.TypeDecimal {
		return strings.TrimSpace(trimUnitCaption(t.Unit))
	}
	return ""
}

// trimUnitCaption drops "Đơn vị tính:" and similar from a unit caption.
func trimUnitCaption(s string) string {
	for _, p := range []string{"Đơn vị tính:", "Đơn vị:", "ĐVT:", "Đvt:"} {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(s), p); ok {
			return rest
		}
	}
	return s
}

// columnNotes describes a column for data dictionaries: its description, its
// unit and how its values are written.
func columnNotes(t *content.Table, c content.Column) string {
	var parts []string
	if c.Description != "" {
		parts = append(parts, strings.TrimSuffix(c.Description, "."))
	}
	if u := unitOf(t, c); u != "" {
		parts = append(parts, "Đơn vị: "+u)
	}
	if c.Type == content.TypePercent {
		parts = append(parts, "phần trăm: 12.5 là 12,5 %")
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, ". ") + "."
}

// Cell is a value of a record.
type Cell struct {
	Text string // the value as the CSV download writes it
	Num  bool   // a JSON number
	Null bool   // no value
}

// Record is a row as datastore_search returns it, its cells in the order of
// the result's fields.
type Record []Cell

// DatastoreQuery is a datastore_search once read.
type DatastoreQuery struct {
	Q       string            // words every returned row holds in some field
	QFields map[string]string // words per field (q given as a dictionary)
	Filters map[string][]string
	Fields  []string // the fields to return; nil: all
	Sort    *SortKey // nil: the file's order
	Offset  int
	Limit   int
	Total   bool // count the matching rows
	// MaxScan bounds the rows read by one query with a filter or q; a
	// table with more rows answers ErrTooLarge.
	MaxScan int
}

// DatastoreResult is a page of rows.
type DatastoreResult struct {
	Fields  []DatastoreField
	Records []Record
	Total   int // when asked: the matching rows; -1 when not counted
}

// ErrTooLarge is returned when a filter or q would read more rows than
// DatastoreQuery.MaxScan.
var ErrTooLarge = errors.New("table too large to filter")

// FieldError is a parameter naming a field the table does not have, or
// otherwise invalid: CKAN's "Validation Error" {param: [message]}.
type FieldError struct{ Param, Msg string }

func (e *FieldError) Error() string { return e.Param + ": " + e.Msg }

// Datastore answers datastore_search over a table. Errors: *FieldError for
// a parameter to correct, ErrTooLarge, ctx.Err() or a read error of the
// table (wrapping content.ErrStale when its file changed).
func Datastore(ctx context.Context, t *content.Table, q DatastoreQuery) (DatastoreResult, error) {
	all := DatastoreFields(t)
	index := map[string]int{}
	for i, f := range all {
		index[f.ID] = i
	}
	sel := make([]int, 0, len(all))
	if q.Fields == nil {
		for i := range all {
			sel = append(sel, i)
		}
	} else {
		for _, f := range q.Fields {
			i, ok := index[f]
			if !ok {
				return DatastoreResult{}, &FieldError{"fields", fmt.Sprintf("field %q not in table", f)}
			}
			sel = append(sel, i)
		}
	}
	res := DatastoreResult{Total: -1}
	for _, i := range sel {
		res.Fields = append(res.Fields, all[i])
	}
	m, err := newMatcher(t, all, index, q)
	if err != nil {
		return res, err
	}
	sortCol, desc := -1, false
	if q.Sort != nil {
		i, ok := index[q.Sort.Field]
		if !ok {
			return res, &FieldError{"sort", fmt.Sprintf("field %q not in table", q.Sort.Field)}
		}
		if i > len(t.Columns) { // _role, _level
			return res, &FieldError{"sort", fmt.Sprintf("cannot sort by %q", q.Sort.Field)}
		}
		sortCol, desc = i-1, q.Sort.Desc // _id is -1: the file's order
	}
	record := func(r content.Row) Record {
		rec := make(Record, len(sel))
		for k, i := range sel {
			rec[k] = cellOf(t, r, i)
		}
		return rec
	}
	if m == nil {
		if q.Limit > 0 {
			rows, err := t.Rows(ctx, content.RowQuery{Offset: q.Offset, Limit: q.Limit, SortBy: sortCol, Desc: desc})
			if err != nil {
				return res, err
			}
			for _, r := range rows {
				res.Records = append(res.Records, record(r))
			}
		}
		if q.Total {
			res.Total = t.RowCount
		}
		return res, nil
	}
	if q.MaxScan > 0 && t.RowCount > q.MaxScan {
		return res, fmt.Errorf("%w: %d rows, filters and q read at most %d", ErrTooLarge, t.RowCount, q.MaxScan)
	}
	matched := 0
	stop := errors.New("enough")
	visit := func(r content.Row) error {
		if !m.match(r) {
			return nil
		}
		if matched >= q.Offset && matched < q.Offset+q.Limit {
			res.Records = append(res.Records, record(r))
		}
		matched++
		if !q.Total && matched >= q.Offset+q.Limit {
			return stop
		}
		return nil
	}
	if sortCol < 0 && !desc {
		err = t.Each(ctx, visit)
	} else {
		const chunk = 2048
		for off := 0; off < t.RowCount && err == nil; off += chunk {
			var rows []content.Row
			rows, err = t.Rows(ctx, content.RowQuery{Offset: off, Limit: chunk, SortBy: sortCol, Desc: desc})
			for _, r := range rows {
				if err = visit(r); err != nil {
					break
				}
			}
		}
	}
	if err != nil && !errors.Is(err, stop) {
		return res, err
	}
	if q.Total {
		res.Total = matched
	}
	return res, nil
}

// cellOf is field i (of DatastoreFields) of a row.
func cellOf(t *content.Table, r content.Row, i int) Cell {
	switch {
	case i == 0:
		return Cell{Text: strconv.Itoa(r.N), Num: true}
	case i <= len(t.Columns):
		c := i - 1
		var v content.Value
		if c < len(r.Cells) {
			v = r.Cells[c]
		}
		s, num := PlainValue(t.Columns[c], v)
		return Cell{Text: s, Num: num, Null: s == ""}
	case i == len(t.Columns)+1:
		return Cell{Text: string(r.Role)}
	}
	return Cell{Text: strconv.Itoa(r.Level), Num: true}
}

// matcher tests rows against a query's filters and words.
type matcher struct {
	t       *content.Table
	filters []fieldFilter
	words   []string         // in any field, folded
	fwords  map[int][]string // per field, folded
}

type fieldFilter struct {
	field  int
	values []string
	nums   []float64 // the values that are numbers, for numeric fields
}

// newMatcher returns nil when the query neither filters nor searches.
func newMatcher(t *content.Table, all []DatastoreField, index map[string]int, q DatastoreQuery) (*matcher, error) {
	m := &matcher{t: t}
	keys := make([]string, 0, len(q.Filters))
	for k := range q.Filters {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		i, ok := index[k]
		if !ok {
			return nil, &FieldError{"filters", fmt.Sprintf("field %q not in table", k)}
		}
		ff := fieldFilter{field: i, values: q.Filters[k]}
		if all[i].Type != "text" && all[i].Type != "date" {
			for _, v := range ff.values {
				if n, err := strconv.ParseFloat(v, 64); err == nil {
					ff.nums = append(ff.nums, n)
				}
			}
		}
		m.filters = append(m.filters, ff)
	}
	m.words = foldWords(q.Q)
	for k, v := range q.QFields {
		i, ok := index[k]
		if !ok {
			return nil, &FieldError{"q", fmt.Sprintf("field %q not in table", k)}
		}
		if m.fwords == nil {
			m.fwords = map[int][]string{}
		}
		m.fwords[i] = append(m.fwords[i], foldWords(v)...)
	}
	if len(m.filters) == 0 && len(m.words) == 0 && len(m.fwords) == 0 {
		return nil, nil
	}
	return m, nil
}

func foldWords(s string) []string { return strings.FieldsFunc(content.Fold(s), notWordRune) }

func (m *matcher) match(r content.Row) bool {
	for _, f := range m.filters {
		c := cellOf(m.t, r, f.field)
		ok := false
		if c.Num && len(f.nums) > 0 {
			if n, err := strconv.ParseFloat(c.Text, 64); err == nil {
				for _, x := range f.nums {
					if n == x || math.Abs(n-x) < 1e-9*math.Max(1, math.Abs(x)) {
						ok = true
					}
				}
			}
		}
		if !ok && slices.Contains(f.values, c.Text) {
			ok = true
		}
		if !ok {
			return false
		}
	}
	if len(m.words) > 0 {
		var all []string
		for i := 1; i <= len(m.t.Columns); i++ {
			all = append(all, foldWords(cellOf(m.t, r, i).Text)...)
		}
		for _, w := range m.words {
			if !slices.Contains(all, w) {
				return false
			}
		}
	}
	for i, ws := range m.fwords {
		have := foldWords(cellOf(m.t, r, i).Text)
		for _, w := range ws {
			if !slices.Contains(have, w) {
				return false
			}
		}
	}
	return true
}
