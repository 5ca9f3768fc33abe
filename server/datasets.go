package server

import (
	"encoding/csv"
	"encoding/json"
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
	base        url.Values
	path        string
}

// Numeric reports whether column i holds numbers (right-aligned).
func (t *tableView) Numeric(i int) bool {
	if t.Table == nil || i >= len(t.Table.Columns) {
		return false
	}
	switch t.Table.Columns[i].Type {
	case content.TypeInteger, content.TypeDecimal, content.TypeMoney:
		return true
	}
	return false
}

// Cell formats a cell for its column: numbers the Vietnamese way, dates dd/mm/yyyy.
func (t *tableView) Cell(i int, v content.Value) string {
	if !v.OK || t.Table == nil || i >= len(t.Table.Columns) {
		return v.Raw
	}
	switch t.Table.Columns[i].Type {
	case content.TypeInteger, content.TypeMoney:
		if v.Num == float64(int64(v.Num)) {
			return formatNumber(v.Num, 0)
		}
		return formatDecimal(v.Num)
	case content.TypeDecimal:
		return formatDecimal(v.Num)
	case content.TypeDate:
		return formatDate(v.Time)
	}
	return v.Raw
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
		v.Description = d.Summary
		tv := &tableView{Dataset: d, Agency: a, SortBy: -1, base: url.Values{}, path: d.Path}
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
				if pr.Path == t.File {
					tv.RowProblems = true
					break
				}
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

// download streams a table converted to CSV or JSON: /tai-ve/<agency>/<dataset>/<table>.csv|.json.
func (s *Server) download(c echo.Context) error {
	snap := s.deps.Portal.Snapshot()
	d, ok := snap.Site.Dataset(c.Param("agency") + "/" + c.Param("dataset"))
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	file := c.Param("file")
	ext := path.Ext(file)
	name := strings.TrimSuffix(file, ext)
	var t *content.Table
	for _, tt := range d.Tables {
		if tt.Name == name {
			t = tt
		}
	}
	if t == nil || (ext != ".csv" && ext != ".json") {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s%s"`, d.Slug, t.Name, ext))
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", `"`+t.Hash[:min(24, len(t.Hash))]+ext+`"`)
	if etagMatch(c.Request().Header.Get("If-None-Match"), h.Get("ETag")) {
		return c.NoContent(http.StatusNotModified)
	}
	ctx := c.Request().Context()
	w := c.Response()
	if ext == ".csv" {
		h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "\uFEFF") // Excel needs the BOM to read UTF-8
		cw := csv.NewWriter(w)
		header := make([]string, len(t.Columns))
		for i, col := range t.Columns {
			header[i] = col.Name
		}
		cw.Write(header)
		err := t.Each(ctx, func(r content.Row) error {
			rec := make([]string, len(r.Cells))
			for i, v := range r.Cells {
				rec[i] = csvCell(v)
			}
			return cw.Write(rec)
		})
		cw.Flush()
		return s.streamErr(c, t, err)
	}
	h.Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, "[")
	first := true
	err := t.Each(ctx, func(r content.Row) error {
		obj := make(map[string]any, len(r.Cells))
		for i, v := range r.Cells {
			if i >= len(t.Columns) {
				break
			}
			obj[t.Columns[i].Name] = jsonValue(t.Columns[i].Type, v)
		}
		b, err := json.Marshal(obj)
		if err != nil {
			return err
		}
		if !first {
			io.WriteString(w, ",\n")
		}
		first = false
		_, err = w.Write(b)
		return err
	})
	io.WriteString(w, "]\n")
	return s.streamErr(c, t, err)
}

// streamErr logs an error met after the response has started; the status is
// already sent, so the client sees a truncated file rather than an error page.
func (s *Server) streamErr(c echo.Context, t *content.Table, err error) error {
	if err != nil {
		s.log.Error("table download interrupted", "file", t.File, "err", err, "request_id", requestID(c))
	}
	return nil
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

func jsonValue(typ content.ColumnType, v content.Value) any {
	if !v.OK {
		if v.Raw == "" {
			return nil
		}
		return v.Raw
	}
	switch typ {
	case content.TypeInteger, content.TypeDecimal, content.TypeMoney:
		return v.Num
	case content.TypeDate:
		return v.Time.Format("2006-01-02")
	}
	return v.Raw
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
