package tables

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// render writes what a file became, for golden files and for reading: per table its
// title, unit, layout, guesses, columns, the roles, levels and values of its first
// rows, its notes and problems.
func render(name string, wb *Workbook, maxRows int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "file %s (%s): %d table(s)\n", name, wb.Format, len(wb.Tables))
	for _, s := range wb.Skipped {
		fmt.Fprintf(&b, "skipped %q: %s\n", s.Sheet, s.Reason)
	}
	for _, t := range wb.Tables {
		renderTable(&b, t, maxRows)
	}
	return b.String()
}

func renderTable(b *strings.Builder, t *Table, maxRows int) {
	fmt.Fprintf(b, "\n== table %q (sheet %q)\n", t.Name, t.Sheet)
	fmt.Fprintf(b, "title: %s\n", t.Title)
	fmt.Fprintf(b, "unit: %s\n", t.Unit)
	fmt.Fprintf(b, "skip_rows %d, header_rows %d, number_row %d, data_line %d, marker %d, labels %v, bold_rows %v, section_rows %v\n",
		t.SkipRows, t.HeaderRows, t.NumberRow, t.DataLine, t.MarkerColumn, t.LabelColumns, t.BoldRows, t.SectionRows)
	for _, g := range t.Guesses {
		fmt.Fprintf(b, "guess %s=%s (%.1f): %s\n", g.Field, g.Value, g.Confidence, g.Reason)
	}
	for i, c := range t.Columns {
		extra := ""
		if c.Unit != "" {
			extra += " unit=" + strconv.Quote(c.Unit)
		}
		if c.Number != "" {
			extra += " number=" + strconv.Quote(c.Number)
		}
		if c.Style != "" {
			extra += " style=" + string(c.Style)
		}
		if c.Format != "" {
			extra += " format=" + strconv.Quote(c.Format)
		}
		if c.Places >= 0 {
			extra += " places=" + strconv.Itoa(c.Places)
		}
		fmt.Fprintf(b, "col %d [%s] %q%s (index %d)\n", i+1, c.Type, c.Name, extra, c.Index)
	}
	roles := map[Role]int{}
	for _, r := range t.Rows {
		roles[r.Role]++
	}
	var rs []string
	for r, n := range roles {
		rs = append(rs, fmt.Sprintf("%s %d", r, n))
	}
	sort.Strings(rs)
	fmt.Fprintf(b, "rows %d: %s\n", len(t.Rows), strings.Join(rs, ", "))
	for i, r := range t.Rows {
		if i >= maxRows {
			break
		}
		var cells []string
		for k, c := range r.Cells {
			s := c.Raw
			if t.Columns[k].Type.Numeric() && c.OK {
				s = formatNumber(c.Num)
			}
			if t.Columns[k].Type == Date && c.OK {
				s = c.Time.Format("2006-01-02")
			}
			if !c.OK && c.Raw != "" {
				s = "!" + s
			}
			cells = append(cells, shorten(squash(s), 40))
		}
		bold := ""
		if r.Bold {
			bold = " bold"
		}
		fmt.Fprintf(b, "  %d %s L%d m=%q%s %q: %s\n", r.Line, r.Role, r.Level, r.Marker, bold, shorten(r.Label, 40), strings.Join(cells, " | "))
	}
	// The last rows too: totals and groups often close a table.
	if len(t.Rows) > maxRows {
		from := max(maxRows, len(t.Rows)-3)
		if from > maxRows {
			fmt.Fprintf(b, "  …\n")
		}
		for _, r := range t.Rows[from:] {
			fmt.Fprintf(b, "  %d %s L%d m=%q %q\n", r.Line, r.Role, r.Level, r.Marker, shorten(r.Label, 40))
		}
	}
	for _, n := range t.Notes {
		fmt.Fprintf(b, "note %s line %d: %s\n", n.Kind, n.Line, shorten(n.Text, 100))
	}
	for _, p := range t.Problems {
		fmt.Fprintf(b, "problem %s\n", p)
	}
}
