package tables

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
)

// odsBook is an OpenDocument spreadsheet: content.xml holds every sheet, so it is
// read once at open, within the limits.
type odsBook struct {
	sheets []*sheet
	infos  []sheetInfo
}

func (b *odsBook) list() []sheetInfo { return b.infos }

func (b *odsBook) read(i int, _ *readState) (*sheet, error) { return b.sheets[i], nil }

// odsStyle is what a cell, column or table style says.
type odsStyle struct {
	parent    string
	dataStyle string
	bold      bool
	boldSet   bool
	hidden    bool // table style: display="false"
}

type odsStyles struct {
	styles map[string]*odsStyle  // by style:name, named and automatic
	data   map[string]*numFormat // number styles by name
	maps   map[string]string     // a data style's first conditional style (value()>0)
	cache  formatCache
}

// resolve follows parents for a cell style's data style and weight.
func (s *odsStyles) resolve(name string) (f *numFormat, bold bool) {
	boldSet := false
	for depth := 0; name != "" && depth < 8; depth++ {
		st, ok := s.styles[name]
		if !ok {
			break
		}
		if f == nil && st.dataStyle != "" {
			f = s.data[st.dataStyle]
			// An accounting format is a text style mapping numbers to number styles.
			if m, ok := s.maps[st.dataStyle]; ok && (f == nil || f.class == fmtText) {
				if mf, ok := s.data[m]; ok {
					f = mf
				}
			}
		}
		if !boldSet && st.boldSet {
			bold, boldSet = st.bold, true
		}
		name = st.parent
	}
	return f, bold
}

func openODS(ra io.ReaderAt, size int64, st *readState) (*odsBook, error) {
	zb, err := openZip(ra, size, st.lim)
	if err != nil {
		return nil, err
	}
	if zb.find("content.xml") == nil {
		if zb.find("xl/workbook.xml") != nil || zb.find("[Content_Types].xml") != nil {
			return nil, errFormat("this is an Office Open XML workbook, not .ods: name it .xlsx")
		}
		return nil, errFormat("no content.xml in the archive: not an .ods file")
	}
	if zb.find("META-INF/manifest.xml") != nil {
		if m, err := zb.readAll("META-INF/manifest.xml"); err == nil && bytes.Contains(m, []byte("encryption-data")) {
			return nil, errFormat("the spreadsheet is protected by a password: remove the password and save it again")
		}
	}
	sty := &odsStyles{styles: map[string]*odsStyle{}, data: map[string]*numFormat{}, maps: map[string]string{}, cache: formatCache{}}
	if zb.find("styles.xml") != nil {
		if err := sty.read(zb, "styles.xml", nil); err != nil {
			return nil, err
		}
	}
	b := &odsBook{}
	if err := sty.read(zb, "content.xml", func(d *xml.Decoder, se xml.StartElement) error {
		return b.readTable(d, se, sty, st)
	}); err != nil {
		return nil, err
	}
	for _, sh := range b.sheets {
		b.infos = append(b.infos, sheetInfo{name: sh.name, hidden: sh.hidden})
	}
	return b, nil
}

// read scans a part for styles and hands each table:table element to onTable.
func (s *odsStyles) read(zb *zipBook, p string, onTable func(*xml.Decoder, xml.StartElement) error) error {
	rc, err := zb.open(p)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xmlDecoder(rc)
	var cur *odsStyle
	var curData *numFormat
	var dataCode strings.Builder
	dataName := ""
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return xmlErr(p, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "style":
				if len(s.styles) > 1<<16 {
					return errLimit("more than %d styles", 1<<16)
				}
				cur = &odsStyle{parent: attr(t, "parent-style-name"), dataStyle: attr(t, "data-style-name")}
				s.styles[attr(t, "name")] = cur
			case "text-properties":
				if cur != nil {
					if w := attr(t, "font-weight"); w != "" {
						cur.boldSet = true
						cur.bold = w == "bold" || w == "700" || w == "800" || w == "900"
					}
				}
			case "table-properties":
				if cur != nil && attr(t, "display") == "false" {
					cur.hidden = true
				}
			case "number-style", "percentage-style", "currency-style", "date-style", "time-style", "text-style", "boolean-style":
				dataName = attr(t, "name")
				curData = &numFormat{decimals: -1}
				dataCode.Reset()
				switch t.Name.Local {
				case "number-style":
					curData.class = fmtNumber
				case "percentage-style":
					curData.class = fmtPercent
				case "currency-style":
					curData.class = fmtCurrency
				case "date-style":
					curData.class = fmtDate
				case "time-style":
					curData.class = fmtTime
				case "text-style":
					curData.class = fmtText
				}
			case "number":
				if curData != nil {
					if dp, err := strconv.Atoi(attr(t, "decimal-places")); err == nil && dp >= 0 && dp < 32 {
						curData.decimals = dp
					} else if curData.decimals < 0 {
						curData.decimals = 0
					}
					if g := attr(t, "grouping"); g == "true" {
						dataCode.WriteString("#,##")
					}
					dataCode.WriteString("0")
					if curData.decimals > 0 {
						dataCode.WriteString("." + strings.Repeat("0", curData.decimals))
					}
					if mi, err := strconv.Atoi(attr(t, "min-integer-digits")); err == nil && mi > 1 && curData.decimals == 0 && attr(t, "grouping") != "true" {
						curData.zeroPad = mi
					}
				}
			case "currency-symbol":
				if curData != nil {
					curData.class = fmtCurrency
				}
			case "map":
				if curData != nil && dataName != "" {
					if _, ok := s.maps[dataName]; !ok && len(s.maps) < 1<<16 {
						s.maps[dataName] = attr(t, "apply-style-name")
					}
				}
			case "table":
				if onTable != nil {
					if err := onTable(d, t); err != nil {
						return err
					}
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "style":
				cur = nil
			case "number-style", "percentage-style", "currency-style", "date-style", "time-style", "text-style", "boolean-style":
				if curData != nil && dataName != "" && len(s.data) < 1<<16 {
					curData.code = dataCode.String()
					if curData.class == fmtPercent {
						curData.code += "%"
					}
					s.data[dataName] = curData
				}
				curData, dataName = nil, ""
			}
		}
	}
}

// readTable reads one table:table element into a sheet, expanding repeated rows and
// cells only where they hold values, within the limits.
func (b *odsBook) readTable(d *xml.Decoder, se xml.StartElement, sty *odsStyles, st *readState) error {
	if len(b.sheets) >= st.lim.MaxSheets {
		return errLimit("more than %d sheets", st.lim.MaxSheets)
	}
	sh := &sheet{name: clean(attr(se, "name"))}
	if ts, ok := sty.styles[attr(se, "style-name")]; ok && ts.hidden {
		sh.hidden = true
	}
	b.sheets = append(b.sheets, sh)
	var (
		row, col    int
		colDefaults []string // default cell style by column, up to the last one set
		rowRepeat   int
		rowCells    []odsPlaced
		rowHidden   bool
		merges      []rect
		inCell      bool
		cell        odsCell
		text        strings.Builder
		paragraphs  int
		depthSkip   int
	)
	for {
		tok, err := d.RawToken()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return errFormat("content.xml ends inside table %q", sh.name)
			}
			return xmlErr("content.xml", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depthSkip > 0 {
				depthSkip++
				continue
			}
			switch t.Name.Local {
			case "table-column":
				n := repeat(attr(t, "number-columns-repeated"))
				hidden := attr(t, "visibility") == "collapse"
				def := attr(t, "default-cell-style-name")
				for k := 0; k < n; k++ {
					c := len(colDefaults)
					if c >= st.lim.MaxColumns {
						break
					}
					colDefaults = append(colDefaults, def)
					if hidden {
						if sh.hiddenCols == nil {
							sh.hiddenCols = map[int]bool{}
						}
						sh.hiddenCols[c] = true
					}
				}
			case "table-row":
				rowRepeat = repeat(attr(t, "number-rows-repeated"))
				v := attr(t, "visibility")
				rowHidden = v == "collapse" || v == "filter"
				rowCells = rowCells[:0]
				col = 0
			case "table-cell", "covered-table-cell":
				inCell = true
				paragraphs = 0
				text.Reset()
				cell = odsCell{
					covered:   t.Name.Local == "covered-table-cell",
					repeat:    repeat(attr(t, "number-columns-repeated")),
					valueType: attr(t, "value-type"),
					value:     attr(t, "value"),
					date:      attr(t, "date-value"),
					boolean:   attr(t, "boolean-value"),
					str:       attr(t, "string-value"),
					style:     attr(t, "style-name"),
				}
				cs, _ := strconv.Atoi(attr(t, "number-columns-spanned"))
				rs, _ := strconv.Atoi(attr(t, "number-rows-spanned"))
				cell.spanC, cell.spanR = max(cs, 1), max(rs, 1)
			case "p", "h":
				if inCell {
					if paragraphs > 0 {
						text.WriteByte('\n')
					}
					paragraphs++
				}
			case "s":
				if inCell {
					n := repeat(attr(t, "c"))
					text.WriteString(strings.Repeat(" ", min(n, 64)))
				}
			case "tab":
				if inCell {
					text.WriteByte('\t')
				}
			case "line-break":
				if inCell {
					text.WriteByte('\n')
				}
			case "annotation", "note", "shapes", "named-expressions", "forms", "scenario":
				depthSkip = 1
			}
		case xml.CharData:
			if inCell && depthSkip == 0 {
				if text.Len()+len(t) > st.lim.MaxCellBytes {
					return errLimit("a cell of more than %d bytes in sheet %q", st.lim.MaxCellBytes, sh.name)
				}
				text.Write(t)
			}
		case xml.EndElement:
			if depthSkip > 0 {
				depthSkip--
				continue
			}
			switch t.Name.Local {
			case "table-cell", "covered-table-cell":
				inCell = false
				cell.text = text.String()
				style := cell.style
				if style == "" && col < len(colDefaults) {
					style = colDefaults[col]
				}
				x, err := cell.xcell(sty, style, st)
				if err != nil {
					return err
				}
				if x.kind != kEmpty {
					if col+cell.repeat > st.lim.MaxColumns {
						return errLimit("sheet %q has a value in column %d (limit %d columns)", sh.name, col+cell.repeat, st.lim.MaxColumns)
					}
					for k := 0; k < cell.repeat; k++ {
						rowCells = append(rowCells, odsPlaced{col + k, x})
					}
				}
				if (cell.spanC > 1 || cell.spanR > 1) && !cell.covered {
					if len(merges) >= st.lim.MaxMerges {
						return errLimit("more than %d merged ranges in sheet %q", st.lim.MaxMerges, sh.name)
					}
					merges = append(merges, rect{row, col, row + cell.spanR - 1, col + cell.spanC - 1})
				}
				col += cell.repeat
				if col > 1<<20 {
					return errFormat("sheet %q: a row longer than a sheet can be", sh.name)
				}
			case "table-row":
				if len(rowCells) > 0 {
					if rowRepeat > st.lim.MaxRowsExpanded {
						return errLimit("sheet %q repeats a row with values %d times (limit %d)", sh.name, rowRepeat, st.lim.MaxRowsExpanded)
					}
					for k := 0; k < rowRepeat; k++ {
						for _, pc := range rowCells {
							if err := st.addCell(); err != nil {
								return err
							}
							sh.set(row+k, pc.col, pc.x)
						}
						if rowHidden {
							if sh.hiddenRows == nil {
								sh.hiddenRows = map[int]bool{}
							}
							sh.hiddenRows[row+k] = true
						}
					}
				}
				row += rowRepeat
				if row > 1<<21 {
					return errFormat("sheet %q: more rows than a sheet can have", sh.name)
				}
			case "table":
				var err error
				sh.merges, err = normalizeMerges(merges, st.lim.MaxMerges)
				return err
			}
		}
	}
}

type odsPlaced struct {
	col int
	x   xcell
}

type odsCell struct {
	covered                     bool
	repeat                      int
	spanC, spanR                int
	valueType, value, date, str string
	boolean, style, text        string
}

func (c *odsCell) xcell(sty *odsStyles, style string, st *readState) (xcell, error) {
	var x xcell
	if c.covered {
		return x, nil
	}
	x.f, x.bold = sty.resolve(style)
	switch c.valueType {
	case "float", "currency", "percentage":
		v, err := strconv.ParseFloat(strings.TrimSpace(c.value), 64)
		if err != nil {
			break
		}
		x.kind, x.num = kNum, v
		if c.valueType == "percentage" && (x.f == nil || x.f.class != fmtPercent) {
			x.f = sty.cache.get("0%")
		}
		if c.valueType == "currency" && (x.f == nil || x.f.class != fmtCurrency) {
			x.f = sty.cache.get(`#,##0 "₫"`)
		}
		return x, nil
	case "date":
		t, err := parseODSDate(c.date)
		if err != nil {
			break
		}
		x.kind, x.num = kNum, excelSerial(t)
		if x.f == nil || x.f.class != fmtDate {
			x.f = sty.cache.get("yyyy-mm-dd")
		}
		return x, nil
	case "boolean":
		x.kind = kBool
		if c.boolean == "true" {
			x.num = 1
		}
		return x, nil
	}
	s := c.text
	if s == "" {
		s = c.str
	}
	if s == "" {
		return x, nil
	}
	if err := st.addText(len(s)); err != nil {
		return x, err
	}
	x.kind, x.text = kText, clean(s)
	if strings.HasPrefix(x.text, "#") && strings.HasSuffix(x.text, "!") && c.valueType == "" {
		x.kind = kErr
	}
	return x, nil
}

func repeat(s string) int {
	if s == "" {
		return 1
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 1
	}
	return min(n, 1<<21)
}

func parseODSDate(s string) (time.Time, error) {
	for _, l := range []string{"2006-01-02", "2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02T15:04"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errFormat("bad date %q", s)
}

// excelSerial is the 1900-system serial of a date, so that every reader hands dates
// on the same way.
func excelSerial(t time.Time) float64 {
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	d := t.Sub(base).Hours() / 24
	if d < 61 {
		d--
	}
	return d
}
