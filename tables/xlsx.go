package tables

import (
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
)

// sheetInfo is a sheet as a workbook lists it, before it is read.
type sheetInfo struct {
	name     string
	hidden   bool
	notCells bool // chart or macro sheet
}

// book is an open workbook of any format: its sheet list, and each sheet read on
// demand so that skipped sheets cost nothing.
type book interface {
	list() []sheetInfo
	read(i int, st *readState) (*sheet, error)
}

// readState is shared by the sheets of one workbook: the cell budget and the limits.
type readState struct {
	lim   Limits
	cells int // non-empty cells held so far
	text  int64
}

func (st *readState) addCell() error {
	st.cells++
	if st.cells > st.lim.MaxCells {
		return errLimit("more than %d non-empty cells", st.lim.MaxCells)
	}
	return nil
}

func (st *readState) addText(n int) error {
	if n > st.lim.MaxCellBytes {
		return errLimit("a cell of %d bytes (limit %d)", n, st.lim.MaxCellBytes)
	}
	st.text += int64(n)
	if st.text > st.lim.MaxStrings {
		return errLimit("more than %d bytes of text", st.lim.MaxStrings)
	}
	return nil
}

// xlsxBook reads an Office Open XML workbook part by part: the workbook, its
// relationships, shared strings and styles, then each sheet streamed.
type xlsxBook struct {
	zb       *zipBook
	sheets   []sheetInfo
	parts    []string // sheet part paths, by sheet
	date1904 bool
	sst      []string
	sstRead  bool
	sstPart  string
	xfs      []xlsxXF
	fmts     formatCache
	vni      int
}

type xlsxXF struct {
	f      *numFormat
	bold   bool
	legacy legacyFont
}

const (
	relOfficeDoc  = "/officeDocument"
	relWorksheet  = "/worksheet"
	relSST        = "/sharedStrings"
	relStyles     = "/styles"
	contentStrict = "purl.oclc.org"
)

func openXLSX(ra io.ReaderAt, size int64, lim Limits) (*xlsxBook, error) {
	zb, err := openZip(ra, size, lim)
	if err != nil {
		return nil, err
	}
	if zb.find("EncryptedPackage") != nil {
		return nil, errFormat("the workbook is protected by a password")
	}
	wbPart := "xl/workbook.xml"
	rootRels, err := zb.rels("")
	if err != nil {
		return nil, err
	}
	for _, r := range rootRels {
		if strings.HasSuffix(r.Type, relOfficeDoc) {
			wbPart = r.Target
		}
	}
	if zb.find(wbPart) == nil {
		if zb.find("content.xml") != nil {
			return nil, errFormat("this is an OpenDocument spreadsheet, not .xlsx: name it .ods")
		}
		return nil, errFormat("no workbook part in the archive: not an .xlsx file")
	}
	b := &xlsxBook{zb: zb, fmts: formatCache{}}
	wbRels, err := zb.rels(wbPart)
	if err != nil {
		return nil, err
	}
	byID := map[string]rel{}
	stylesPart := ""
	for _, r := range wbRels {
		byID[r.ID] = r
		switch {
		case strings.HasSuffix(r.Type, relSST):
			b.sstPart = r.Target
		case strings.HasSuffix(r.Type, relStyles):
			stylesPart = r.Target
		}
	}
	if err := b.readWorkbook(wbPart, byID, lim); err != nil {
		return nil, err
	}
	if stylesPart != "" && zb.find(stylesPart) != nil {
		if err := b.readStyles(stylesPart); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func (b *xlsxBook) list() []sheetInfo { return b.sheets }

func (b *xlsxBook) readWorkbook(p string, byID map[string]rel, lim Limits) error {
	rc, err := b.zb.open(p)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xmlDecoder(rc)
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return xmlErr(p, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "workbookPr":
			v := attr(se, "date1904")
			b.date1904 = v == "1" || v == "true"
		case "sheet":
			if len(b.sheets) >= lim.MaxSheets {
				return errLimit("more than %d sheets", lim.MaxSheets)
			}
			state := attr(se, "state")
			r, ok := byID[attr(se, "id")]
			info := sheetInfo{name: clean(attr(se, "name")), hidden: state == "hidden" || state == "veryHidden"}
			part := ""
			if !ok || !strings.HasSuffix(r.Type, relWorksheet) || b.zb.find(r.Target) == nil {
				info.notCells = true
			} else {
				part = r.Target
			}
			b.sheets = append(b.sheets, info)
			b.parts = append(b.parts, part)
		}
	}
	return nil
}

func (b *xlsxBook) readStyles(p string) error {
	rc, err := b.zb.open(p)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xmlDecoder(rc)
	custom := map[int]string{}
	var fontsBold []bool
	var fontsLegacy []legacyFont
	var xfs [][2]int // numFmtId, fontId
	section := ""
	inFont := false
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return xmlErr(p, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "numFmts", "fonts", "cellXfs", "cellStyleXfs", "dxfs":
				section = t.Name.Local
			case "numFmt":
				if section == "numFmts" {
					if id, err := strconv.Atoi(attr(t, "numFmtId")); err == nil && len(custom) < 4096 {
						custom[id] = attr(t, "formatCode")
					}
				}
			case "font":
				if section == "fonts" && len(fontsBold) < 1<<16 {
					fontsBold = append(fontsBold, false)
					fontsLegacy = append(fontsLegacy, legacyNone)
					inFont = true
				}
			case "b":
				if inFont && section == "fonts" && len(fontsBold) > 0 {
					v := attr(t, "val")
					fontsBold[len(fontsBold)-1] = v == "" || v == "1" || v == "true"
				}
			case "name":
				if inFont && section == "fonts" && len(fontsLegacy) > 0 {
					fontsLegacy[len(fontsLegacy)-1] = legacyFontOf(attr(t, "val"))
				}
			case "xf":
				if section == "cellXfs" && len(xfs) < 1<<16 {
					nf, _ := strconv.Atoi(attr(t, "numFmtId"))
					fo, _ := strconv.Atoi(attr(t, "fontId"))
					xfs = append(xfs, [2]int{nf, fo})
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "font":
				inFont = false
			case "numFmts", "fonts", "cellXfs", "cellStyleXfs", "dxfs":
				section = ""
			}
		}
	}
	b.xfs = make([]xlsxXF, len(xfs))
	for i, x := range xfs {
		code, ok := custom[x[0]]
		if !ok {
			code = builtinFormats[x[0]]
		}
		var f *numFormat
		if code != "" && code != "General" {
			f = b.fmts.get(code)
		}
		xf := xlsxXF{f: f}
		if x[1] >= 0 && x[1] < len(fontsBold) {
			xf.bold, xf.legacy = fontsBold[x[1]], fontsLegacy[x[1]]
		}
		b.xfs[i] = xf
	}
	return nil
}

// readSST reads the shared strings once, on the first sheet that needs them.
func (b *xlsxBook) readSST(st *readState) error {
	if b.sstRead || b.sstPart == "" || b.zb.find(b.sstPart) == nil {
		b.sstRead = true
		return nil
	}
	b.sstRead = true
	rc, err := b.zb.open(b.sstPart)
	if err != nil {
		return err
	}
	defer rc.Close()
	sc := newXScanner(rc, st.lim.MaxCellBytes+4096)
	var cur []byte
	inSI, inT, skip := false, false, 0
	for {
		tok, err := sc.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return xmlErr(b.sstPart, err)
		}
		switch tok.kind {
		case xStart:
			switch string(tok.name) {
			case "sst":
				if n, err := strconv.Atoi(string(tok.attr("uniqueCount"))); err == nil && n > 0 {
					b.sst = make([]string, 0, min(n, 1<<16))
				}
			case "si":
				inSI, cur = true, cur[:0]
			case "rPh", "phoneticPr":
				skip++
			case "t":
				inT = inSI && skip == 0
			}
		case xEnd:
			switch string(tok.name) {
			case "si":
				inSI = false
				if err := st.addText(len(cur)); err != nil {
					return err
				}
				b.sst = append(b.sst, clean(string(cur)))
			case "rPh", "phoneticPr":
				skip--
			case "t":
				inT = false
			}
		case xText:
			if inT {
				if len(cur)+len(tok.text) > st.lim.MaxCellBytes {
					return errLimit("a shared string of more than %d bytes", st.lim.MaxCellBytes)
				}
				cur = append(cur, tok.text...)
			}
		}
	}
	return nil
}

func (b *xlsxBook) read(i int, st *readState) (*sheet, error) {
	info := b.sheets[i]
	sh := &sheet{name: info.name, hidden: info.hidden, notCells: info.notCells, date1904: b.date1904}
	if info.notCells {
		return sh, nil
	}
	if err := b.readSST(st); err != nil {
		return nil, err
	}
	p := b.parts[i]
	rc, err := b.zb.open(p)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	sc := newXScanner(rc, st.lim.MaxCellBytes+4096)
	var (
		row, col    = -1, -1
		inSheetData bool
		c           xlsxCellState
		merges      []rect
		textBuf     []byte
		inV, inT    bool
		in          bool
	)
	for {
		tok, err := sc.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, xmlErr(p, err)
		}
		switch tok.kind {
		case xStart:
			switch string(tok.name) {
			case "sheetData":
				inSheetData = true
			case "row":
				if !inSheetData {
					continue
				}
				if r, err := strconv.Atoi(string(tok.attr("r"))); err == nil && r > 0 {
					row = r - 1
				} else {
					row++
				}
				if row > 1<<20 {
					return nil, errFormat("row %d is beyond the last row a sheet can have", row+1)
				}
				col = -1
				if h := string(tok.attr("hidden")); h == "1" || h == "true" {
					if sh.hiddenRows == nil {
						sh.hiddenRows = map[int]bool{}
					}
					sh.hiddenRows[row] = true
				}
			case "c":
				if !inSheetData || row < 0 {
					continue
				}
				if ref := tok.attr("r"); len(ref) > 0 {
					cc, rr, ok := parseRef(string(ref))
					if !ok {
						return nil, errFormat("%s: bad cell reference %q", p, ref)
					}
					col, row = cc, rr
				} else {
					col++
				}
				sty, _ := strconv.Atoi(string(tok.attr("s")))
				c = xlsxCellState{t: string(tok.attr("t")), s: sty}
				in = true
				textBuf = textBuf[:0]
			case "v":
				inV = in
				textBuf = textBuf[:0]
			case "t":
				inT = in && c.t == "inlineStr"
			case "rPh":
				inT = false
			case "col":
				if h := string(tok.attr("hidden")); !inSheetData && (h == "1" || h == "true") {
					lo, _ := strconv.Atoi(string(tok.attr("min")))
					hi, _ := strconv.Atoi(string(tok.attr("max")))
					if lo >= 1 && hi >= lo {
						if sh.hiddenCols == nil {
							sh.hiddenCols = map[int]bool{}
						}
						for k := lo - 1; k < hi && k < st.lim.MaxColumns; k++ {
							sh.hiddenCols[k] = true
						}
					}
				}
			case "mergeCell":
				if len(merges) >= st.lim.MaxMerges {
					return nil, errLimit("more than %d merged ranges in sheet %q", st.lim.MaxMerges, info.name)
				}
				if m, ok := parseRange(string(tok.attr("ref"))); ok {
					merges = append(merges, m)
				}
			}
		case xText:
			if inV || inT {
				if len(textBuf)+len(tok.text) > st.lim.MaxCellBytes {
					return nil, errLimit("a cell of more than %d bytes in sheet %q", st.lim.MaxCellBytes, info.name)
				}
				textBuf = append(textBuf, tok.text...)
			}
		case xEnd:
			switch string(tok.name) {
			case "sheetData":
				inSheetData = false
			case "v":
				if inV {
					c.v, c.hasV = string(textBuf), true
				}
				inV = false
			case "t":
				if inT {
					c.is += string(textBuf)
					textBuf = textBuf[:0]
				}
				inT = false
			case "c":
				if !in {
					continue
				}
				in = false
				x, err := b.cell(&c, st)
				if err != nil {
					return nil, err
				}
				if x.kind == kEmpty {
					continue
				}
				if col >= st.lim.MaxColumns {
					return nil, errLimit("sheet %q has a value in column %d (limit %d columns)", info.name, col+1, st.lim.MaxColumns)
				}
				if err := st.addCell(); err != nil {
					return nil, err
				}
				sh.set(row, col, x)
			}
		}
	}
	sh.merges, err = normalizeMerges(merges, st.lim.MaxMerges)
	sh.vni, b.vni = b.vni, 0
	return sh, err
}

type xlsxCellState struct {
	t, v, is string
	hasV     bool
	s        int
}

func (b *xlsxBook) cell(c *xlsxCellState, st *readState) (x xcell, err error) {
	legacy := legacyNone
	if c.s >= 0 && c.s < len(b.xfs) {
		x.f, x.bold, legacy = b.xfs[c.s].f, b.xfs[c.s].bold, b.xfs[c.s].legacy
	}
	defer func() {
		if legacy != legacyNone && x.kind == kText {
			if legacy == legacyVNI && hasLatin1High(x.text) {
				b.vni++
			}
			x.text = legacy.decode(x.text)
		}
	}()
	switch c.t {
	case "s":
		if !c.hasV {
			return x, nil
		}
		i, err := strconv.Atoi(strings.TrimSpace(c.v))
		if err != nil || i < 0 || i >= len(b.sst) {
			return x, errFormat("a cell refers to shared string %q, which does not exist", c.v)
		}
		x.kind, x.text = kText, b.sst[i]
	case "inlineStr":
		if err := st.addText(len(c.is)); err != nil {
			return x, err
		}
		x.kind, x.text = kText, clean(c.is)
	case "str":
		if err := st.addText(len(c.v)); err != nil {
			return x, err
		}
		x.kind, x.text = kText, clean(c.v)
	case "b":
		if c.hasV {
			x.kind, x.num = kBool, 0
			if strings.TrimSpace(c.v) == "1" || strings.EqualFold(strings.TrimSpace(c.v), "true") {
				x.num = 1
			}
		}
	case "e":
		x.kind, x.text = kErr, strings.TrimSpace(c.v)
	case "d":
		// ISO 8601 date stored as text (strict OOXML); kept as text, read as a date.
		x.kind, x.text = kText, strings.TrimSpace(c.v)
	default:
		if !c.hasV || strings.TrimSpace(c.v) == "" {
			return x, nil
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(c.v), 64)
		if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			x.kind, x.text = kText, clean(c.v)
			return x, nil
		}
		x.kind, x.num = kNum, v
	}
	if x.kind == kText && x.text == "" {
		x.kind = kEmpty
	}
	return x, nil
}

func xmlErr(p string, err error) error {
	var le *limitError
	if errors.As(err, &le) {
		return err
	}
	var fe *formatError
	if errors.As(err, &fe) && !errors.Is(err, errXML) {
		return err
	}
	return errFormat("%s: broken XML (%v)", p, err)
}

// parseRef reads a cell reference ("B12", "$B$12") as 0-based column and row.
func parseRef(s string) (col, row int, ok bool) {
	s = strings.ReplaceAll(s, "$", "")
	i := 0
	for i < len(s) && (s[i] >= 'A' && s[i] <= 'Z' || s[i] >= 'a' && s[i] <= 'z') {
		c := int(s[i]|0x20) - 'a' + 1
		col = col*26 + c
		i++
		if col > 1<<20 {
			return 0, 0, false
		}
	}
	if i == 0 || i == len(s) || i > 3 {
		return 0, 0, false
	}
	r, err := strconv.Atoi(s[i:])
	if err != nil || r < 1 || r > 1<<20 {
		return 0, 0, false
	}
	return col - 1, r - 1, true
}

// parseRange reads "A1:C3" (or "A1") as a 0-based rectangle.
func parseRange(s string) (rect, bool) {
	a, b, found := strings.Cut(s, ":")
	if !found {
		b = a
	}
	c0, r0, ok1 := parseRef(a)
	c1, r1, ok2 := parseRef(b)
	if !ok1 || !ok2 {
		return rect{}, false
	}
	if r1 < r0 {
		r0, r1 = r1, r0
	}
	if c1 < c0 {
		c0, c1 = c1, c0
	}
	return rect{r0, c0, r1, c1}, true
}
