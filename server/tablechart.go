package server

import (
	"context"
	"errors"
	"strings"

	"github.com/congkhai/congkhai/chart"
	"github.com/congkhai/congkhai/content"
)

// maxChartSeries bounds the numeric columns a chart draws.
const maxChartSeries = 2

// tableChart is what a table's chart shows: the column naming the bars, the
// numeric columns drawn, and which rows.
type tableChart struct {
	label   int
	columns []int
	allRows bool
}

// chartPlan decides whether a table gets a chart and what it shows. index.md
// decides when it says (chart: false, or label, columns, rows); otherwise a
// table of a budget, land price or compensation dataset with a label column
// and amounts gets a bar chart of its top-level rows and its first two money
// columns (the estimate beside the outturn, the first price positions).
func chartPlan(d *content.Dataset, t *content.Table) (tableChart, bool) {
	decl := t.Chart
	if decl != nil && decl.Off {
		return tableChart{}, false
	}
	p := tableChart{label: t.LabelColumn}
	if decl != nil && decl.Label != "" {
		p.label = columnIndex(t, decl.Label)
	}
	if p.label < 0 {
		for i, c := range t.Columns {
			if c.Type == content.TypeText {
				p.label = i
				break
			}
		}
	}
	if p.label < 0 {
		return p, false
	}
	if decl != nil && len(decl.Columns) > 0 {
		for _, name := range decl.Columns {
			if i := columnIndex(t, name); i >= 0 && t.Columns[i].Type.Numeric() && len(p.columns) < 4 {
				p.columns = append(p.columns, i)
			}
		}
		p.allRows = decl.Rows == "all"
		return p, len(p.columns) > 0
	}
	auto := decl != nil // chart: true, or a mapping without columns
	switch d.Category {
	case content.CatBudget, content.CatLandPrice, content.CatCompensation:
		auto = true
	}
	if !auto {
		return p, false
	}
	p.columns = autoColumns(t)
	if decl != nil {
		p.allRows = decl.Rows == "all"
	}
	return p, len(p.columns) > 0
}

// autoColumns picks the money columns a chart compares: under a header of
// several rows, the first money column of each of the first groups (the
// estimate of one year beside the outturn of the last, "Tổng thu NSNN" each);
// otherwise the first money columns (VT1, VT2 of a price table).
func autoColumns(t *content.Table) []int {
	var first []int
	seen := map[string]bool{}
	for i, c := range t.Columns {
		if c.Type != content.TypeMoney || len(c.Path) < 2 || seen[c.Path[0]] {
			continue
		}
		seen[c.Path[0]] = true
		first = append(first, i)
	}
	if len(first) >= 2 {
		return first[:min(len(first), maxChartSeries)]
	}
	var out []int
	for i, c := range t.Columns {
		if c.Type == content.TypeMoney && len(out) < maxChartSeries {
			out = append(out, i)
		}
	}
	return out
}

// columnIndex finds a column by its heading or its title; -1 when none.
func columnIndex(t *content.Table, name string) int {
	name = strings.TrimSpace(name)
	for i, c := range t.Columns {
		if c.Name == name || c.Title == name {
			return i
		}
	}
	return -1
}

// chartFlatRows is how many rows of a flat table its chart shows.
const chartFlatRows = 30

// errNoChart means the table has no chart, or no rows to draw.
var errNoChart = errors.New("server: no chart")

// renderChart draws a table's chart. Top-level rows are the rows of the
// shallowest level below the totals (the groups I, II of a budget form; every
// row of a flat table); at most chart's bar limit are drawn, the rest named
// under it.
func renderChart(ctx context.Context, d *content.Dataset, t *content.Table, lang string, standalone bool) (chart.Chart, error) {
	p, ok := chartPlan(d, t)
	if !ok {
		return chart.Chart{}, errNoChart
	}
	type item struct {
		label  string
		values []float64
		level  int
		role   content.RowRole
	}
	var items []item
	err := t.Each(ctx, func(r content.Row) error {
		// Totals, and "Cộng" lines summing the group above, would be drawn twice.
		if r.Role == content.RoleTotal || p.label >= len(r.Cells) ||
			r.Role == content.RoleSubtotal && strings.HasPrefix(content.Fold(strings.ToLower(r.Label)), "cong") {
			return nil
		}
		label := strings.TrimSpace(r.Cells[p.label].Raw)
		if label == "" {
			label = r.Label
		}
		it := item{label: label, level: r.Level, role: r.Role}
		have := false
		for _, c := range p.columns {
			v := 0.0
			if c < len(r.Cells) && r.Cells[c].OK {
				v, have = r.Cells[c].Num, true
			}
			it.values = append(it.values, v)
		}
		if have && label != "" {
			items = append(items, it)
		}
		// A flat table's top-level rows are all its rows: the chart shows the
		// first ones (the page says how many of how many).
		if !t.Structured && len(items) >= chartFlatRows {
			return errStopRows
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStopRows) {
		return chart.Chart{}, err
	}
	if !p.allRows && t.Structured && len(items) > 0 {
		top := items[0].level
		for _, it := range items {
			top = min(top, it.level)
		}
		kept := items[:0]
		for _, it := range items {
			if it.level == top {
				kept = append(kept, it)
			}
		}
		items = kept
	}
	if len(items) == 0 {
		return chart.Chart{}, errNoChart
	}
	spec := chart.Spec{ID: "chart-" + t.Name, Title: t.Title, TableID: "bang-du-lieu", Standalone: standalone}
	if lang == "en" {
		spec.Lang = chart.English
	}
	for _, c := range p.columns {
		col := t.Columns[c]
		spec.Series = append(spec.Series, chart.Series{Name: col.Title})
		if spec.Unit == "" {
			spec.Unit = col.Unit
		}
	}
	if spec.Unit == "" {
		spec.Unit = t.Unit
	}
	for _, it := range items {
		spec.Labels = append(spec.Labels, it.label)
		for k := range p.columns {
			spec.Series[k].Values = append(spec.Series[k].Values, it.values[k])
		}
	}
	return chart.Bar(spec)
}

var errStopRows = errors.New("server: enough rows")
