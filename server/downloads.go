package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/opendata"
)

// download streams a table in a format of its own: /tai-ve/<agency>/<dataset>/<table>.csv,
// .json, or .svg (its chart).
//
// CSV and JSON carry the cleaned table: one column per heading (flattened, the
// file's title rows, unit caption and column-number row left out), its rows in
// the file's order without the notes, numbers as plain machine values (911100,
// 4.55, 12.5 for 12,5 %), dates as 2006-01-02, text as written. A structured table
// adds each row's role (data, group, subtotal, total) and outline level as the
// last two columns, "_role" and "_level". CSV is UTF-8; ?bom=1 starts it with a
// byte order mark, which Excel needs to read UTF-8. JSON is an array of objects
// whose keys follow the columns' order. The file as published is the dataset's
// own file, linked from its page.
func (s *Server) download(c echo.Context) error {
	snap := s.deps.Portal.Snapshot()
	p := c.Param("agency") + "/" + c.Param("dataset")
	d, ok := snap.Site.Dataset(p)
	tomb, gone := snap.Tombstone(p)
	if (ok || gone) && c.QueryParam("ngay") != "" {
		// The table as in force on a date (history.go).
		var err error
		if d, _, _, err = s.datasetAt(c, p); err != nil {
			return err
		}
		ok = true
	}
	if !ok {
		if gone {
			return s.gone(c, tomb)
		}
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
	if t == nil || (ext != ".csv" && ext != ".json" && ext != ".svg") {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	bom := ext == ".csv" && c.QueryParam("bom") == "1"
	h := c.Response().Header()
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s%s"`, d.Slug, t.Name, ext))
	h.Set("Cache-Control", "no-cache")
	tag := `"` + t.Hash[:min(24, len(t.Hash))] + ext
	if bom {
		tag += "-bom"
	}
	// The cleaned table depends on index.md's declarations too.
	h.Set("ETag", tag+"-"+d.Hash[:min(8, len(d.Hash))]+`"`)
	if etagMatch(c.Request().Header.Get("If-None-Match"), h.Get("ETag")) {
		return c.NoContent(http.StatusNotModified)
	}
	ctx := c.Request().Context()
	switch ext {
	case ".svg":
		ch, err := renderChart(ctx, d, t, s.lang(c), true)
		if err != nil {
			return echo.NewHTTPError(http.StatusNotFound)
		}
		// An SVG file of the portal's own making, served as a download under
		// the sandboxing policy like every file.
		h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
		return c.Blob(http.StatusOK, "image/svg+xml", ch.SVG)
	case ".csv":
		return s.downloadCSV(c, t, bom)
	}
	return s.downloadJSON(c, t)
}

func (s *Server) downloadCSV(c echo.Context, t *content.Table, bom bool) error {
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if bom {
		io.WriteString(w, "\uFEFF")
	}
	cw := csv.NewWriter(w)
	header := opendata.ColumnKeys(t)
	if t.Structured {
		header = append(header, "_role", "_level")
	}
	cw.Write(header)
	rec := make([]string, len(header))
	err := t.Each(c.Request().Context(), func(r content.Row) error {
		for i := range t.Columns {
			rec[i] = ""
			if i < len(r.Cells) {
				v, num := opendata.PlainValue(t.Columns[i], r.Cells[i])
				if !num {
					v = csvCell(content.Value{Raw: v})
				}
				rec[i] = v
			}
		}
		if t.Structured {
			rec[len(t.Columns)], rec[len(t.Columns)+1] = string(r.Role), strconv.Itoa(r.Level)
		}
		return cw.Write(rec)
	})
	cw.Flush()
	return s.streamErr(c, t, err)
}

func (s *Server) downloadJSON(c echo.Context, t *content.Table) error {
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	w.WriteHeader(http.StatusOK)
	keys := opendata.ColumnKeys(t)
	quoted := make([][]byte, len(keys))
	for i, k := range keys {
		quoted[i], _ = json.Marshal(k)
	}
	io.WriteString(w, "[")
	var b bytes.Buffer
	first := true
	err := t.Each(c.Request().Context(), func(r content.Row) error {
		b.Reset()
		if !first {
			b.WriteString(",\n")
		}
		first = false
		b.WriteByte('{')
		for i, col := range t.Columns {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(quoted[i])
			b.WriteByte(':')
			var v content.Value
			if i < len(r.Cells) {
				v = r.Cells[i]
			}
			switch s, num := opendata.PlainValue(col, v); {
			case num:
				b.WriteString(s)
			case s == "":
				b.WriteString("null")
			default:
				q, _ := json.Marshal(s)
				b.Write(q)
			}
		}
		if t.Structured {
			fmt.Fprintf(&b, `,"_role":%q,"_level":%d`, r.Role, r.Level)
		}
		b.WriteByte('}')
		_, err := w.Write(b.Bytes())
		return err
	})
	io.WriteString(w, "]\n")
	return s.streamErr(c, t, err)
}

// streamErr logs an error met after the response has started; the status is
// already sent, so the client sees a truncated file rather than an error page.
func (s *Server) streamErr(c echo.Context, t *content.Table, err error) error {
	if err != nil {
		s.log.Error("table download interrupted", "table", t.ID, "err", err, "request_id", requestID(c))
	}
	return nil
}
