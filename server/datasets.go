package server

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/content"
)

const rowsPerPage = 50

// tableView is the dataset page's table: one page of rows of the selected table.
type tableView struct {
	Dataset     *content.Dataset
	Agency      *content.Agency
	Table       *content.Table
	Rows        []content.Row
	From, To    int
	SortBy      int
	Desc        bool
	RowProblems bool
	Chart       template.HTML // the table's chart, inline SVG; "" when none
	ChartFirst  int           // a flat table's chart shows its first ChartFirst rows
	base        url.Values
	path        string

	// On is the day asked with ?ngay= (zero for the current dataset), and
	// Version the number of the version in force then (history.go).
	On      time.Time
	Version int
}

// Numeric reports whether column i holds numbers (right-aligned).
func (t *tableView) Numeric(i int) bool {
	return t.Table != nil && i < len(t.Table.Columns) && t.Table.Columns[i].Type.Numeric()
}

// Cell formats a cell for its column: numbers the Vietnamese way with the
// decimals the file shows, percentages with their sign, dates dd/mm/yyyy.
func (t *tableView) Cell(i int, v content.Value) string {
	if !v.OK || t.Table == nil || i >= len(t.Table.Columns) {
		return v.Raw
	}
	return formatValue(t.Table.Columns[i], v)
}

// formatValue writes a typed value as a Vietnamese reader expects it.
func formatValue(c content.Column, v content.Value) string {
	switch c.Type {
	case content.TypeInteger, content.TypeMoney, content.TypeDecimal, content.TypePercent:
		var s string
		switch {
		case c.Places >= 0 && c.Places <= 6 && (c.Places > 0 || v.Num == float64(int64(v.Num))):
			s = formatNumber(v.Num, c.Places)
		case v.Num == float64(int64(v.Num)):
			s = formatNumber(v.Num, 0)
		default:
			s = formatDecimal(v.Num)
		}
		if c.Type == content.TypePercent {
			s += " %"
		}
		return s
	case content.TypeDate:
		return formatDate(v.Time)
	}
	return v.Raw
}

// IsLabel reports whether column i holds the rows' labels: its cells are the
// rows' headers.
func (t *tableView) IsLabel(i int) bool { return t.Table != nil && i == t.Table.LabelColumn }

// RowClass is a row's class: its role (totals, subtotals, groups stand out)
// and its level (indented).
func (t *tableView) RowClass(r content.Row) string {
	c := ""
	if r.Role != "" && r.Role != content.RoleData {
		c = "row-" + string(r.Role)
	}
	if r.Level > 0 {
		c += " lvl-" + strconv.Itoa(min(r.Level, 6))
	}
	return strings.TrimSpace(c)
}

// headCell is a cell of the table's header: a heading over one column or, in
// a header of several rows, over the columns it spans.
type headCell struct {
	Text             string
	Col              int // the column it heads, -1 for a heading over several
	Colspan, Rowspan int
}

// Headers lays out the table's header as the file has it: a heading spanning
// several columns ("Dự toán năm 2025") over the headings of its columns
// ("Tổng thu NSNN", "Thu NSĐP"). A column whose title is declared in index.md
// has one heading over all rows.
func (t *tableView) Headers() [][]headCell {
	cols := t.Table.Columns
	depth := 1
	paths := make([][]string, len(cols))
	for i, c := range cols {
		paths[i] = []string{c.Title}
		if len(c.Path) > 1 && c.Title == c.Name {
			paths[i] = c.Path
		}
		depth = max(depth, len(paths[i]))
	}
	rows := make([][]headCell, depth)
	for level := 0; level < depth; level++ {
		for i := 0; i < len(cols); {
			p := paths[i]
			switch {
			case level >= len(p):
				i++ // covered by a cell above spanning down
				continue
			case level == len(p)-1:
				rows[level] = append(rows[level], headCell{Text: p[level], Col: i, Colspan: 1, Rowspan: depth - level})
				i++
				continue
			}
			// A heading over the following columns that share this part.
			j := i + 1
			for j < len(cols) && len(paths[j]) > level+1 && slicesEqual(paths[j][:level+1], p[:level+1]) {
				j++
			}
			rows[level] = append(rows[level], headCell{Text: p[level], Col: -1, Colspan: j - i, Rowspan: 1})
			i = j
		}
	}
	return rows
}

// HeaderDepth is the number of header rows.
func (t *tableView) HeaderDepth() int { return len(t.Headers()) }

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Footnotes and Signatures are the table's notes.
func (t *tableView) Footnotes() []content.Note  { return t.notes(false) }
func (t *tableView) Signatures() []content.Note { return t.notes(true) }

func (t *tableView) notes(sig bool) []content.Note {
	var out []content.Note
	for _, n := range t.Table.Notes {
		if n.Signature == sig {
			out = append(out, n)
		}
	}
	return out
}

// SortURL is the link on column i's header: ascending first, then descending.
func (t *tableView) SortURL(i int) template.URL {
	q := url.Values{}
	for k, vs := range t.base {
		q[k] = vs
	}
	q.Set("sx", strconv.Itoa(i))
	if t.SortBy == i && !t.Desc {
		q.Set("giam", "1")
	} else {
		q.Del("giam")
	}
	q.Del("trang")
	return template.URL("?" + q.Encode() + "#bang")
}

func (s *Server) dataset(c echo.Context, d *content.Dataset) error {
	return s.page(c, "dataset", func(v *view) error {
		a := v.Agency(d.Agency)
		if a == nil {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		v.Title = d.Title
		v.Feeds = feedLinks("/"+d.Path, d.Title)
		v.Alternates = v.DatasetLinks(d)
		v.Description = d.Summary
		tv := &tableView{Dataset: d, Agency: a, SortBy: -1, base: url.Values{}, path: d.Path}
		setOn(c, tv)
		if len(d.Tables) > 0 {
			tv.Table = d.Tables[0]
			if name := c.QueryParam("bang"); name != "" {
				tv.Table = nil
				for _, t := range d.Tables {
					if t.Name == name {
						tv.Table = t
					}
				}
				if tv.Table == nil {
					return echo.NewHTTPError(http.StatusNotFound)
				}
				tv.base.Set("bang", name)
			}
		}
		if t := tv.Table; t != nil {
			if sx := c.QueryParam("sx"); sx != "" {
				i, err := strconv.Atoi(sx)
				if err != nil || i < 0 || i >= len(t.Columns) {
					return echo.NewHTTPError(http.StatusBadRequest, "invalid sort column")
				}
				tv.SortBy = i
				tv.Desc = c.QueryParam("giam") == "1"
				tv.base.Set("sx", sx)
				if tv.Desc {
					tv.base.Set("giam", "1")
				}
			}
			pages := max(1, (t.RowCount+rowsPerPage-1)/rowsPerPage)
			n := pageParam(c)
			if n > pages {
				return echo.NewHTTPError(http.StatusNotFound)
			}
			v.Page, v.Pages = n, pages
			rows, err := t.Rows(c.Request().Context(), content.RowQuery{Offset: (n - 1) * rowsPerPage, Limit: rowsPerPage, SortBy: tv.SortBy, Desc: tv.Desc})
			if err != nil {
				return fmt.Errorf("server: rows of %s: %w", t.File, err)
			}
			tv.Rows = rows
			tv.From = (n-1)*rowsPerPage + 1
			tv.To = tv.From + len(rows) - 1
			if len(rows) == 0 {
				tv.From = 0
			}
			for _, pr := range v.snap.Problems {
				if pr.Path == t.File && !pr.Guess {
					tv.RowProblems = true
					break
				}
			}
			if ch, err := renderChart(c.Request().Context(), d, t, v.Lang, false); err == nil {
				tv.Chart = ch.HTML()
				if !t.Structured && t.RowCount > chartFlatRows {
					tv.ChartFirst = chartFlatRows
				}
			} else if !errors.Is(err, errNoChart) {
				return fmt.Errorf("server: chart of %s: %w", t.ID, err)
			}
			base := tv.base
			v.pageURL = func(n int) string {
				q := url.Values{}
				for k, vs := range base {
					q[k] = vs
				}
				q.Set("trang", strconv.Itoa(n))
				return "?" + q.Encode() + "#bang"
			}
		}
		v.Data = tv
		return nil
	})
}

// csvCell is a cell of a CSV download. A text that a spreadsheet would run as a
// formula (it starts with = + - @, a tab or a carriage return: "=HYPERLINK(…)")
// is prefixed with an apostrophe, as OWASP recommends against CSV injection;
// numbers ("-1.250", "+5") and a lone dash (an empty cell in official forms)
// are left as they are.
func csvCell(v content.Value) string {
	raw := v.Raw
	if raw == "" || !strings.ContainsRune("=+-@\t\r", rune(raw[0])) {
		return raw
	}
	if raw == "-" || raw == "+" || plainNumber(raw) {
		return raw
	}
	return "'" + raw
}

// plainNumber tells whether s is a signed number written with digits and the
// separators . , and spaces only ("-1.250,5", "+84").
func plainNumber(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case (r == '-' || r == '+') && i == 0, r == '.', r == ',', r == ' ':
		default:
			return false
		}
	}
	return digits > 0
}

// filePath is the URL path of a file of the content folder, each segment
// escaped: agencies name files as they like ("Bảng giá đất 2024 (bản cuối).xlsx").
func filePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return "/" + strings.Join(parts, "/")
}

// file serves an attachment or image from the content folder. Anything a browser
// could run (HTML, SVG, ...) is sent as a download under a sandboxing policy, so a
// file put in the folder cannot script the portal's origin. Only a regular file
// that the load listed is served: the portal reads the folder through a
// content.Dir, which refuses a file replaced by a symbolic link since (as gone:
// 404), and what is opened is checked to be a regular file still (a folder put
// in its place is not listed).
func (s *Server) file(c echo.Context, f *content.File) error {
	fh, err := s.deps.Portal.Content().Open(f.Path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		return fmt.Errorf("server: open %s: %w", f.Path, err)
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return fmt.Errorf("server: stat %s: %w", f.Path, err)
	}
	if !info.Mode().IsRegular() {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	rs, ok := fh.(io.ReadSeeker)
	if !ok {
		return fmt.Errorf("server: %s is not seekable", f.Path)
	}
	h := c.Response().Header()
	typ := f.Type
	if typ == "" {
		typ = "application/octet-stream"
	}
	h.Set(echo.HeaderContentType, typ)
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
	if !inlineSafe(typ) {
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, path.Base(f.Path)))
	}
	h.Set("Cache-Control", "public, max-age=300")
	http.ServeContent(c.Response(), c.Request(), path.Base(f.Path), f.ModTime, rs)
	return nil
}

func inlineSafe(typ string) bool {
	switch strings.TrimSpace(strings.Split(typ, ";")[0]) {
	case "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain", "text/csv":
		return true
	}
	return false
}
