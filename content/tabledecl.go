package content

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/congkhai/congkhai/msg"
	"github.com/congkhai/congkhai/tables"
)

// TableDecl is what index.md's `tables:` list declares about the tables of one
// file, or of one sheet of a workbook (docs/content.md). Every field but File is
// optional; a field left out is detected.
type TableDecl struct {
	File       string   // the file in the dataset's folder, as named ("Bảng giá đất 2024.xlsx")
	Sheet      string   // a sheet of the workbook; empty: the whole file
	Sheets     []string // the sheets to publish, in this order (file entries only)
	Name       string   // the table's name in URLs
	Title      string   // the table's title
	HeaderRows *int     // header rows, the column-number row excluded
	SkipRows   *int     // rows above the header (titles, unit caption)
	Unit       string   // the unit of the numeric columns that have none
	Numbers    string   // "vi" (1.234,5) or "en" (1,234.5)
	Exclude    bool     // leave the file or sheet out
	Chart      *ChartDecl
	Line       int // of the entry in index.md
}

// ChartDecl is a table's `chart:` in index.md: `chart: false` leaves the chart
// out; a mapping chooses what it shows.
type ChartDecl struct {
	Off     bool
	Label   string   // the heading of the column that names the bars
	Columns []string // the headings of the numeric columns drawn (at most 4)
	Rows    string   // "top" (the top-level rows, the default) or "all"
}

// UnmarshalYAML reads `chart: false`, `chart: true` or a mapping.
func (c *ChartDecl) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		b, err := strconv.ParseBool(n.Value)
		if err != nil {
			return msg.Errorf("chart must be true, false or a mapping (label, columns, rows)")
		}
		c.Off = !b
		return nil
	}
	var m struct {
		Label   string   `yaml:"label"`
		Columns []string `yaml:"columns"`
		Rows    string   `yaml:"rows"`
	}
	if err := n.Decode(&m); err != nil {
		return err
	}
	c.Label, c.Columns, c.Rows = strings.TrimSpace(m.Label), m.Columns, strings.TrimSpace(m.Rows)
	return nil
}

// tableDeclYAML is one entry as written (chart decoded by ChartDecl).
type tableDeclYAML struct {
	File       string     `yaml:"file"`
	Sheet      string     `yaml:"sheet"`
	Sheets     []string   `yaml:"sheets"`
	Name       string     `yaml:"name"`
	Title      string     `yaml:"title"`
	HeaderRows *int       `yaml:"header_rows"`
	SkipRows   *int       `yaml:"skip_rows"`
	Unit       string     `yaml:"unit"`
	Numbers    string     `yaml:"numbers"`
	Exclude    bool       `yaml:"exclude"`
	Chart      *ChartDecl `yaml:"chart"`
}

// checkTableDecls cleans the entries and reports what is wrong with them.
func checkTableDecls(in []tableDeclYAML, line func(keys ...any) int, ps *problems) []TableDecl {
	var out []TableDecl
	seen := map[string]int{}
	for i, e := range in {
		d := TableDecl{File: strings.TrimSpace(e.File), Sheet: strings.TrimSpace(e.Sheet), Name: strings.TrimSpace(e.Name),
			Title: strings.Join(strings.Fields(e.Title), " "), HeaderRows: e.HeaderRows, SkipRows: e.SkipRows,
			Unit: strings.TrimSpace(e.Unit), Numbers: strings.ToLower(strings.TrimSpace(e.Numbers)), Exclude: e.Exclude,
			Chart: e.Chart, Line: line("tables", i)}
		for _, s := range e.Sheets {
			if s = strings.TrimSpace(s); s != "" {
				d.Sheets = append(d.Sheets, s)
			}
		}
		switch {
		case d.File == "":
			ps.add(d.Line, "a table entry needs the file it is about: file: \"bang-gia.xlsx\"")
			continue
		case strings.Contains(d.File, "/"):
			ps.add(d.Line, "file %q: name a file of the dataset's own folder, without a folder", d.File)
			continue
		}
		if _, ok := tables.FormatOf(d.File); !ok {
			ps.add(d.Line, "file %q is not a table: .csv, .xlsx, .xls or .ods", d.File)
			continue
		}
		if d.Sheet != "" && len(d.Sheets) > 0 {
			ps.add(line("tables", i, "sheets"), "sheets: belongs to the file's own entry, not to a sheet's")
			d.Sheets = nil
		}
		if d.Name != "" && !validSlug(d.Name) {
			ps.add(line("tables", i, "name"), "name %q must be lower-case ASCII letters, digits and hyphens (e.g. %q)", d.Name, Slugify(d.Name))
			d.Name = ""
		}
		if d.Numbers != "" && d.Numbers != "vi" && d.Numbers != "en" {
			ps.add(line("tables", i, "numbers"), "numbers must be vi (1.234.567,5) or en (1,234,567.5)")
			d.Numbers = ""
		}
		for _, n := range []*int{d.HeaderRows, d.SkipRows} {
			if n != nil && (*n < 0 || *n > 50) {
				ps.add(d.Line, "header_rows and skip_rows count rows: 0 to 50")
				d.HeaderRows, d.SkipRows = nil, nil
				break
			}
		}
		if d.Chart != nil && d.Chart.Rows != "" && d.Chart.Rows != "top" && d.Chart.Rows != "all" {
			ps.add(line("tables", i, "chart"), "chart rows must be top or all")
			d.Chart.Rows = ""
		}
		key := d.File + "\x00" + d.Sheet
		if prev, dup := seen[key]; dup {
			ps.add(d.Line, "%s is declared twice (line %d)", declLabel(d), prev)
			continue
		}
		seen[key] = d.Line
		out = append(out, d)
	}
	return out
}

func declLabel(d TableDecl) string {
	if d.Sheet != "" {
		return fmt.Sprintf("sheet %q of %q", d.Sheet, d.File)
	}
	return fmt.Sprintf("file %q", d.File)
}

// fileDecls is what the entries say about one file: its own entry and its
// sheets'.
type fileDecls struct {
	file   *TableDecl
	sheets map[string]*TableDecl
	order  []string // sheets with entries, in index.md's order
}

// declsFor gathers the entries about the file named name.
func declsFor(all []TableDecl, name string) fileDecls {
	fd := fileDecls{sheets: map[string]*TableDecl{}}
	for i := range all {
		d := &all[i]
		if d.File != name {
			continue
		}
		if d.Sheet == "" {
			fd.file = d
		} else {
			fd.sheets[d.Sheet] = d
			fd.order = append(fd.order, d.Sheet)
		}
	}
	return fd
}

// signature changes whenever what the entries say about the file changes, so
// that a file scanned under other declarations is scanned again.
func (fd fileDecls) signature() string {
	var b strings.Builder
	write := func(d *TableDecl) {
		if d == nil {
			return
		}
		fmt.Fprintf(&b, "%q|%q|%q|%q|%q|%v|%q|%s|%s|%s\n", d.Sheet, d.Sheets, d.Name, d.Title, d.Unit, d.Exclude, d.Numbers,
			intp(d.HeaderRows), intp(d.SkipRows), chartSig(d.Chart))
	}
	write(fd.file)
	for _, s := range fd.order {
		write(fd.sheets[s])
	}
	return b.String()
}

func intp(p *int) string {
	if p == nil {
		return "-"
	}
	return strconv.Itoa(*p)
}

func chartSig(c *ChartDecl) string {
	if c == nil {
		return "-"
	}
	return fmt.Sprintf("%v|%q|%q|%q", c.Off, c.Label, c.Columns, c.Rows)
}

// declared turns an entry's layout fields into the reader's.
func (d *TableDecl) declared() (tables.Declared, bool) {
	if d == nil {
		return tables.Declared{}, false
	}
	out := tables.Declared{SkipRows: d.SkipRows, HeaderRows: d.HeaderRows, Unit: d.Unit, Numbers: tables.NumberStyle(d.Numbers)}
	return out, d.SkipRows != nil || d.HeaderRows != nil || d.Unit != "" || d.Numbers != ""
}

// readOptions are the reader's options for the file: its declared layout, the
// sheets to leave out, and, when sheets are chosen or declared one by one, the
// sheets to read in order (visible lists the workbook's visible sheets in
// order, from a first read, when only some sheets are declared).
func (fd fileDecls) readOptions(visible []string) tables.Options {
	opts := tables.Options{}
	if d, ok := fd.file.declared(); ok {
		opts.Declared = d
	}
	for _, s := range fd.order {
		if fd.sheets[s].Exclude {
			opts.Exclude = append(opts.Exclude, s)
		}
	}
	var names []string
	switch {
	case fd.file != nil && len(fd.file.Sheets) > 0:
		names = fd.file.Sheets
	case fd.perSheetLayout():
		names = visible
	}
	for _, s := range names {
		if sd := fd.sheets[s]; sd != nil && sd.Exclude {
			continue
		}
		so := tables.SheetOptions{Sheet: s, Declared: opts.Declared}
		if d, ok := fd.sheets[s].declared(); ok {
			so.Declared = d
		}
		opts.Sheets = append(opts.Sheets, so)
	}
	return opts
}

// perSheetLayout tells whether a sheet's entry declares its own layout, which
// the reader takes only for sheets it is told to read by name.
func (fd fileDecls) perSheetLayout() bool {
	return slices.ContainsFunc(fd.order, func(s string) bool { _, ok := fd.sheets[s].declared(); return ok })
}
