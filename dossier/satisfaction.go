package dossier

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/congkhai/congkhai/tables"
)

// Levels counts answers per level of satisfaction: [0] very unsatisfied, [1]
// unsatisfied, [2] neutral, [3] satisfied, [4] very satisfied. A rating of n
// stars (1–5) on the portal is level n-1.
type Levels [5]int

// Total is the number of answers.
func (l Levels) Total() int { return l[0] + l[1] + l[2] + l[3] + l[4] }

// Satisfied is the number of satisfied and very satisfied answers.
func (l Levels) Satisfied() int { return l[3] + l[4] }

// Rate is the share of satisfied and very satisfied answers, in percent; ok
// is false without answers. It is the measure of the 766 index's component
// and of SIPAS ("tỷ lệ hài lòng").
func (l Levels) Rate() (float64, bool) { return share(l.Satisfied(), l.Total()) }

// Plus adds two counts.
func (l Levels) Plus(o Levels) Levels {
	for i := range l {
		l[i] += o[i]
	}
	return l
}

// SatRow is one row of a satisfaction export: the answers of a month, for an
// agency, from a source (a rating device, a survey).
type SatRow struct {
	Agency string
	Month  Period
	Source string
	Levels Levels
	Line   int
}

// SatBatch is what ImportSatisfaction read from one file.
type SatBatch struct {
	File     string
	Rows     []SatRow
	Problems []Problem
}

var satLevels = [5]Field{FieldVeryUnsat, FieldUnsat, FieldNeutral, FieldSat, FieldVerySat}

// ImportSatisfaction reads a satisfaction export: one row per month (and
// agency, when a column names it), with the number of answers at each level
// (at least "Hài lòng" and one other level). Rows whose month does not read
// or whose counts are not whole numbers are left out and reported by line.
func ImportSatisfaction(ctx context.Context, name string, r io.ReaderAt, size int64, opts ImportOptions) (*SatBatch, error) {
	needed := func(m columnMap) bool {
		levels := 0
		for _, f := range satLevels {
			if m.has(f) {
				levels++
			}
		}
		return m.has(FieldMonth) && m.has(FieldSat) && levels >= 2
	}
	me, err := openMapped(ctx, name, r, size, opts, satisfactionFields, needed)
	if err != nil {
		return nil, err
	}
	srcs := me.srcs
	b := &SatBatch{File: name}
	ps := &rowProblems{file: name, list: me.ps}
	checkDeclared(opts.Fields, satisfactionFields, ps.add)
	for si, src := range srcs {
		m := me.maps[si]
		if !needed(m) {
			ps.add(0, len(srcs) > 1, "no column for the month, or fewer than two levels of satisfaction (Rất hài lòng, Hài lòng, Bình thường, Không hài lòng, Rất không hài lòng): name them under fields: in index.md")
			continue
		}
		for {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			row, ok := src.next()
			if !ok {
				break
			}
			c, _ := m.cell(row, FieldMonth)
			month, ok := monthOf(c)
			if !ok {
				if row.Role != tables.RoleData || strings.TrimSpace(c.Raw) == "" {
					continue // a total row
				}
				ps.row(row.Line, "column %q: %q is not a month (write 03/2026 or 2026-03): the row is left out", m.heading[FieldMonth], c.Raw)
				continue
			}
			sr := SatRow{Agency: opts.Agency, Month: month, Source: m.text(row, FieldSource), Line: row.Line}
			bad := false
			for i, f := range satLevels {
				c, ok := m.cell(row, f)
				if !ok || strings.TrimSpace(c.Raw) == "" {
					continue
				}
				n, ok := count(c)
				if !ok {
					ps.row(row.Line, "column %q: %q is not a number of answers: the row is left out", m.heading[f], c.Raw)
					bad = true
					break
				}
				sr.Levels[i] = n
			}
			if bad {
				continue
			}
			if c, ok := m.cell(row, FieldSatTotal); ok && strings.TrimSpace(c.Raw) != "" {
				if n, ok := count(c); ok && n != sr.Levels.Total() {
					ps.row(row.Line, "the total %d is not the sum of the levels (%d): the levels are read", n, sr.Levels.Total())
				}
			}
			if s := m.text(row, FieldAgency); s != "" {
				if opts.Agencies != nil {
					if slug, ok := opts.Agencies(s); ok {
						sr.Agency = slug
					} else {
						ps.row(row.Line, "column %q: %q is not an agency of the portal: counted as %s's", m.heading[FieldAgency], s, opts.Agency)
					}
				}
			}
			b.Rows = append(b.Rows, sr)
		}
		if err := src.err(); err != nil {
			ps.add(0, false, "the file stops being readable: %v (the rows before are read)", err)
		}
	}
	b.Problems = ps.done()
	return b, nil
}

func count(c tables.Cell) (int, bool) {
	if c.OK && c.Num >= 0 && c.Num == float64(int64(c.Num)) && c.Num < 1e9 {
		return int(c.Num), true
	}
	s := strings.NewReplacer(".", "", ",", "", " ", "").Replace(strings.TrimSpace(c.Raw))
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}

// monthOf reads a month: "03/2026", "3/2026", "2026-03", "Tháng 3/2026",
// "Tháng 3 năm 2026", "T3/2026", or a date (its month).
func monthOf(c tables.Cell) (Period, bool) {
	if c.OK && !c.Time.IsZero() {
		return PeriodOf(Month, DayOf(c.Time)), true
	}
	var nums []string
	for _, w := range strings.Fields(fold(c.Raw)) {
		switch w {
		case "thang", "t", "nam", "ky":
			continue
		}
		w = strings.TrimPrefix(w, "t")
		if _, err := strconv.Atoi(w); err != nil {
			return Period{}, false
		}
		nums = append(nums, w)
	}
	if len(nums) == 2 {
		mo, y := nums[0], nums[1]
		if len(mo) == 4 {
			mo, y = y, mo
		}
		mi, _ := strconv.Atoi(mo)
		yi, _ := strconv.Atoi(y)
		if len(y) == 4 && len(mo) <= 2 && mi >= 1 && mi <= 12 && yi >= 1990 && yi <= 2100 {
			return Period{Month, yi, mi}, true
		}
		return Period{}, false
	}
	if d, ok := cellDay(tables.Cell{Raw: c.Raw}); ok {
		return PeriodOf(Month, d), true
	}
	return Period{}, false
}

// Satisfaction holds the imported satisfaction results by agency and month.
type Satisfaction struct {
	by map[string]map[Period]Levels // agency → month → answers
}

// NewSatisfaction sums the rows of batches.
func NewSatisfaction(batches []*SatBatch) *Satisfaction {
	s := &Satisfaction{by: map[string]map[Period]Levels{}}
	for _, b := range batches {
		for _, r := range b.Rows {
			m := s.by[r.Agency]
			if m == nil {
				m = map[Period]Levels{}
				s.by[r.Agency] = m
			}
			m[r.Month] = m[r.Month].Plus(r.Levels)
		}
	}
	return s
}

// Imported returns the answers imported for agency ("" for every agency) over
// p (a month, or the months of a quarter or year).
func (s *Satisfaction) Imported(agency string, p Period) Levels {
	var out Levels
	if s == nil {
		return out
	}
	for a, months := range s.by {
		if agency != "" && a != agency {
			continue
		}
		for m, l := range months {
			if p.Contains(m.First()) {
				out = out.Plus(l)
			}
		}
	}
	return out
}

// Agencies returns the agencies with imported results.
func (s *Satisfaction) Agencies() []string {
	seen := map[string]bool{}
	if s != nil {
		for a := range s.by {
			seen[a] = true
		}
	}
	return sortedKeys(seen)
}

// Ratings are the portal's own ratings of answers to feedback: agency →
// month ("2026-03") → answers per level.
type Ratings map[string]map[string]Levels

// Of returns the ratings of agency ("" for every agency) over p.
func (r Ratings) Of(agency string, p Period) Levels {
	var out Levels
	for a, months := range r {
		if agency != "" && a != agency {
			continue
		}
		for m, l := range months {
			if mp, ok := ParsePeriod(m); ok && p.Contains(mp.First()) {
				out = out.Plus(l)
			}
		}
	}
	return out
}
