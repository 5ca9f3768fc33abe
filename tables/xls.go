package tables

import (
	"encoding/binary"
	"io"
	"math"
	"strings"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"
)

// BIFF8 record types read (MS-XLS 2.3).
const (
	recFormula    = 0x0006
	recEOF        = 0x000A
	recDateMode   = 0x0022
	recFilePass   = 0x002F
	recFont       = 0x0031
	recContinue   = 0x003C
	recColInfo    = 0x007D
	recBoundSheet = 0x0085
	recMulRK      = 0x00BD
	recXF         = 0x00E0
	recMerged     = 0x00E5
	recSST        = 0x00FC
	recLabelSST   = 0x00FD
	recRString    = 0x00D6
	recNumber     = 0x0203
	recLabel      = 0x0204
	recBoolErr    = 0x0205
	recString     = 0x0207
	recRow        = 0x0208
	recRK         = 0x027E
	recFormat     = 0x041E
	recBOF        = 0x0809
)

// xlsBook is an Excel 97–2003 workbook: the Workbook stream of a compound file,
// its globals parsed at open and each sheet's records parsed on demand.
type xlsBook struct {
	data     []byte // the Workbook stream
	sheets   []sheetInfo
	offsets  []int
	date1904 bool
	sst      []string
	sstRuns  map[int][]fontRun // formatting runs of the shared strings that have them
	fonts    []xlsFont
	xfs      []xlsXF
	fmts     map[int]*numFormat
	cache    formatCache
	vni      int // text cells in a VNI font, which are not decoded
}

type xlsFont struct {
	bold   bool
	legacy legacyFont
}

type xlsXF struct {
	font int
	f    *numFormat
}

// openXLS reads the compound file and the workbook globals. Any panic of the
// container reader is recovered by the caller (Read).
func openXLS(ra io.ReaderAt, size int64, lim Limits) (*xlsBook, error) {
	doc, err := mscfb.New(ra)
	if err != nil {
		return nil, errFormat("not a readable Excel 97–2003 file (%v)", err)
	}
	var wb *mscfb.File
	for f, err := doc.Next(); err == nil; f, err = doc.Next() {
		switch f.Name {
		case "Workbook":
			wb = f
		case "Book":
			if wb == nil {
				return nil, errFormat("an Excel 5.0/95 workbook, which is not read: open it in Excel or LibreOffice and save it as .xlsx")
			}
		case "EncryptedPackage", "EncryptionInfo":
			return nil, errFormat("the workbook is protected by a password: remove the password and save it again")
		}
	}
	if wb == nil {
		return nil, errFormat("no Workbook stream: not an Excel 97–2003 workbook")
	}
	if wb.Size > size || wb.Size > lim.MaxBytes {
		return nil, errFormat("the Workbook stream claims %d bytes in a file of %d", wb.Size, size)
	}
	data := make([]byte, wb.Size)
	if _, err := io.ReadFull(wb, data); err != nil {
		return nil, errFormat("the Workbook stream cannot be read (%v)", err)
	}
	b := &xlsBook{data: data, fmts: map[int]*numFormat{}, cache: formatCache{}}
	if err := b.globals(lim); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *xlsBook) list() []sheetInfo { return b.sheets }

// record reads the record at off: its type, body and the offset of the next one.
func (b *xlsBook) record(off int) (typ int, body []byte, next int, ok bool) {
	if off+4 > len(b.data) {
		return 0, nil, 0, false
	}
	typ = int(binary.LittleEndian.Uint16(b.data[off:]))
	n := int(binary.LittleEndian.Uint16(b.data[off+2:]))
	if off+4+n > len(b.data) {
		return 0, nil, 0, false
	}
	return typ, b.data[off+4 : off+4+n], off + 4 + n, true
}

func (b *xlsBook) globals(lim Limits) error {
	typ, body, off, ok := b.record(0)
	if !ok || typ != recBOF || len(body) < 4 {
		return errFormat("the Workbook stream does not start with a BOF record: not an Excel 97–2003 workbook")
	}
	if v := binary.LittleEndian.Uint16(body); v != 0x0600 {
		return errFormat("BIFF version %#04x is not Excel 97–2003: open it in Excel or LibreOffice and save it as .xlsx", v)
	}
	customFmt := map[int]string{}
	var xfRaw [][2]int
	var sstParts [][]byte
	inSST := false
	for {
		typ, body, next, ok := b.record(off)
		if !ok {
			return errFormat("the workbook globals end before their EOF record")
		}
		off = next
		if typ != recContinue {
			inSST = false
		}
		switch typ {
		case recEOF:
			goto done
		case recFilePass:
			return errFormat("the workbook is protected by a password: remove the password and save it again")
		case recDateMode:
			b.date1904 = len(body) >= 2 && binary.LittleEndian.Uint16(body) == 1
		case recFont:
			if len(body) < 16 || len(b.fonts) > 1<<15 {
				continue
			}
			name, _ := shortString(body[14:])
			b.fonts = append(b.fonts, xlsFont{
				bold:   binary.LittleEndian.Uint16(body[6:]) >= 700,
				legacy: legacyFontOf(name),
			})
		case recFormat:
			if len(body) < 5 || len(customFmt) > 4096 {
				continue
			}
			id := int(binary.LittleEndian.Uint16(body))
			s, _ := unicodeString(body[2:])
			customFmt[id] = s
		case recXF:
			if len(body) < 6 || len(xfRaw) > 1<<16 {
				continue
			}
			xfRaw = append(xfRaw, [2]int{int(binary.LittleEndian.Uint16(body)), int(binary.LittleEndian.Uint16(body[2:]))})
		case recBoundSheet:
			if len(body) < 8 {
				continue
			}
			if len(b.sheets) >= lim.MaxSheets {
				return errLimit("more than %d sheets", lim.MaxSheets)
			}
			pos := int(binary.LittleEndian.Uint32(body))
			state := body[4] & 3
			kind := body[5]
			name, _ := shortString(body[6:])
			b.sheets = append(b.sheets, sheetInfo{name: clean(name), hidden: state != 0, notCells: kind != 0})
			b.offsets = append(b.offsets, pos)
		case recSST:
			sstParts = [][]byte{body}
			inSST = true
		case recContinue:
			if inSST {
				sstParts = append(sstParts, body)
			}
		}
	}
done:
	for _, x := range xfRaw {
		font := x[0]
		if font >= 4 {
			font-- // font index 4 does not exist in BIFF
		}
		code, ok := customFmt[x[1]]
		if !ok {
			code = builtinFormats[x[1]]
		}
		var f *numFormat
		if code != "" && code != "General" {
			f = b.cache.get(code)
		}
		b.xfs = append(b.xfs, xlsXF{font: font, f: f})
	}
	if len(sstParts) > 0 {
		sst, runs, err := readBIFFSST(sstParts, lim)
		if err != nil {
			return err
		}
		b.sst, b.sstRuns = sst, runs
	}
	return nil
}

// segReader reads across an SST record and its CONTINUE records.
type segReader struct {
	segs [][]byte
	i    int // current segment
	pos  int
}

func (r *segReader) need() bool {
	for r.i < len(r.segs) && r.pos >= len(r.segs[r.i]) {
		r.i++
		r.pos = 0
	}
	return r.i < len(r.segs)
}

func (r *segReader) bytes(n int) ([]byte, bool) {
	if n <= 0 {
		return nil, true
	}
	if !r.need() {
		return nil, false
	}
	seg := r.segs[r.i]
	if r.pos+n <= len(seg) {
		out := seg[r.pos : r.pos+n]
		r.pos += n
		return out, true
	}
	out := make([]byte, 0, n)
	for len(out) < n {
		if !r.need() {
			return nil, false
		}
		seg := r.segs[r.i]
		k := min(n-len(out), len(seg)-r.pos)
		out = append(out, seg[r.pos:r.pos+k]...)
		r.pos += k
	}
	return out, true
}

func (r *segReader) skip(n int) bool {
	for n > 0 {
		if !r.need() {
			return false
		}
		k := min(n, len(r.segs[r.i])-r.pos)
		r.pos += k
		n -= k
	}
	return true
}

// chars reads n characters; at each segment boundary a CONTINUE record starts with
// a new flag byte telling whether the rest is compressed (Latin-1) or UTF-16.
func (r *segReader) chars(n int, high bool) (string, bool) {
	var u []uint16
	var sb strings.Builder
	for n > 0 {
		if r.i >= len(r.segs) {
			return "", false
		}
		seg := r.segs[r.i]
		if r.pos >= len(seg) {
			r.i++
			if r.i >= len(r.segs) || len(r.segs[r.i]) == 0 {
				return "", false
			}
			high = r.segs[r.i][0]&1 == 1
			r.pos = 1
			continue
		}
		if high {
			k := min(n, (len(seg)-r.pos)/2)
			if k == 0 {
				return "", false // half a character at the end of a record
			}
			u = u[:0]
			for j := 0; j < k; j++ {
				u = append(u, binary.LittleEndian.Uint16(seg[r.pos+2*j:]))
			}
			sb.WriteString(string(utf16.Decode(u)))
			r.pos += 2 * k
			n -= k
		} else {
			k := min(n, len(seg)-r.pos)
			for _, c := range seg[r.pos : r.pos+k] {
				sb.WriteRune(rune(c))
			}
			r.pos += k
			n -= k
		}
	}
	return sb.String(), true
}

// readBIFFSST reads the shared string table (MS-XLS 2.4.265) from the SST record and
// its CONTINUE records. Text is kept as stored: legacy fonts are decoded per cell.
func readBIFFSST(segs [][]byte, lim Limits) ([]string, map[int][]fontRun, error) {
	if len(segs[0]) < 8 {
		return nil, nil, errFormat("the shared string table is truncated")
	}
	var allRuns map[int][]fontRun
	unique := int(binary.LittleEndian.Uint32(segs[0][4:]))
	r := &segReader{segs: segs, pos: 8}
	out := make([]string, 0, min(unique, 1<<16))
	var total int64
	for len(out) < unique {
		h, ok := r.bytes(3)
		if !ok {
			break // fewer strings than announced: keep what is there
		}
		cch := int(binary.LittleEndian.Uint16(h))
		flags := h[2]
		runs, ext := 0, 0
		if flags&0x08 != 0 {
			b, ok := r.bytes(2)
			if !ok {
				break
			}
			runs = int(binary.LittleEndian.Uint16(b))
		}
		if flags&0x04 != 0 {
			b, ok := r.bytes(4)
			if !ok {
				break
			}
			ext = int(binary.LittleEndian.Uint32(b))
			if ext < 0 || ext > 1<<24 {
				return nil, nil, errFormat("the shared string table is corrupt")
			}
		}
		if cch*2 > lim.MaxCellBytes*2 {
			return nil, nil, errLimit("a shared string of %d characters (limit %d bytes)", cch, lim.MaxCellBytes)
		}
		s, ok := r.chars(cch, flags&1 == 1)
		if !ok {
			return nil, nil, errFormat("the shared string table is truncated")
		}
		total += int64(len(s))
		if total > lim.MaxStrings {
			return nil, nil, errLimit("more than %d bytes of shared strings", lim.MaxStrings)
		}
		out = append(out, s)
		if runs > 0 {
			// Formatting runs: where each font starts (a legacy font may cover part of
			// the text only).
			rb, ok := r.bytes(4 * runs)
			if !ok {
				break
			}
			fr := make([]fontRun, 0, runs)
			for k := 0; k < runs; k++ {
				fo := int(binary.LittleEndian.Uint16(rb[4*k+2:]))
				if fo >= 4 {
					fo--
				}
				fr = append(fr, fontRun{at: int(binary.LittleEndian.Uint16(rb[4*k:])), font: fo})
			}
			if allRuns == nil {
				allRuns = map[int][]fontRun{}
			}
			allRuns[len(out)-1] = fr
		}
		if !r.skip(ext) {
			if len(out) < unique {
				break
			}
		}
	}
	return out, allRuns, nil
}

// fontRun is where a font starts in a rich string, in characters.
type fontRun struct{ at, font int }

// shortString reads a ShortXLUnicodeString: a one-byte length, flags, characters.
func shortString(b []byte) (string, int) {
	if len(b) < 2 {
		return "", len(b)
	}
	n := int(b[0])
	return charsAt(b[2:], n, b[1]&1 == 1, 2)
}

// unicodeString reads an XLUnicodeString: a two-byte length, flags, characters.
func unicodeString(b []byte) (string, int) {
	if len(b) < 3 {
		return "", len(b)
	}
	n := int(binary.LittleEndian.Uint16(b))
	return charsAt(b[3:], n, b[2]&1 == 1, 3)
}

func charsAt(b []byte, n int, high bool, head int) (string, int) {
	if high {
		n = min(n, len(b)/2)
		u := make([]uint16, n)
		for i := range u {
			u[i] = binary.LittleEndian.Uint16(b[2*i:])
		}
		return string(utf16.Decode(u)), head + 2*n
	}
	n = min(n, len(b))
	var sb strings.Builder
	for _, c := range b[:n] {
		sb.WriteRune(rune(c))
	}
	return sb.String(), head + n
}

// rk decodes an RK number (MS-XLS 2.5.217).
func rk(v uint32) float64 {
	var f float64
	if v&2 != 0 {
		f = float64(int32(v) >> 2)
	} else {
		f = math.Float64frombits(uint64(v&0xFFFFFFFC) << 32)
	}
	if v&1 != 0 {
		f /= 100
	}
	return f
}

var biffErrors = map[byte]string{0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA"}

func (b *xlsBook) read(i int, st *readState) (*sheet, error) {
	info := b.sheets[i]
	sh := &sheet{name: info.name, hidden: info.hidden, notCells: info.notCells, date1904: b.date1904}
	if info.notCells {
		return sh, nil
	}
	off := b.offsets[i]
	typ, _, next, ok := b.record(off)
	if !ok || typ != recBOF {
		return nil, errFormat("sheet %q does not start where the workbook says", info.name)
	}
	off = next
	depth := 0 // BOF/EOF pairs of embedded charts inside the sheet
	var merges []rect
	pendingFormula := -1 // row<<16|col of a FORMULA waiting for its STRING record
	pendingXF := 0
	for {
		typ, body, next, ok := b.record(off)
		if !ok {
			break // a truncated sheet keeps what was read
		}
		off = next
		if depth > 0 {
			switch typ {
			case recBOF:
				depth++
			case recEOF:
				depth--
			}
			continue
		}
		var (
			r, c int
			x    xcell
			have bool
		)
		switch typ {
		case recBOF:
			depth++
			continue
		case recEOF:
			sh.merges, _ = normalizeMerges(merges, st.lim.MaxMerges)
			sh.vni, b.vni = b.vni, 0
			return sh, nil
		case recRow:
			if len(body) >= 16 && binary.LittleEndian.Uint16(body[12:])&0x20 != 0 {
				if sh.hiddenRows == nil {
					sh.hiddenRows = map[int]bool{}
				}
				sh.hiddenRows[int(binary.LittleEndian.Uint16(body))] = true
			}
			continue
		case recColInfo:
			if len(body) >= 10 && binary.LittleEndian.Uint16(body[8:])&1 != 0 {
				lo, hi := int(binary.LittleEndian.Uint16(body)), int(binary.LittleEndian.Uint16(body[2:]))
				for k := lo; k <= hi && k < 256; k++ {
					if sh.hiddenCols == nil {
						sh.hiddenCols = map[int]bool{}
					}
					sh.hiddenCols[k] = true
				}
			}
			continue
		case recMerged:
			if len(body) < 2 {
				continue
			}
			n := int(binary.LittleEndian.Uint16(body))
			for k := 0; k < n && 2+8*k+8 <= len(body); k++ {
				p := body[2+8*k:]
				if len(merges) >= st.lim.MaxMerges {
					return nil, errLimit("more than %d merged ranges in sheet %q", st.lim.MaxMerges, info.name)
				}
				merges = append(merges, rect{
					r0: int(binary.LittleEndian.Uint16(p)), r1: int(binary.LittleEndian.Uint16(p[2:])),
					c0: int(binary.LittleEndian.Uint16(p[4:])), c1: int(binary.LittleEndian.Uint16(p[6:])),
				})
			}
			continue
		case recLabelSST:
			if len(body) < 10 {
				continue
			}
			r, c = cellPos(body)
			k := int(binary.LittleEndian.Uint32(body[6:]))
			if k < 0 || k >= len(b.sst) {
				continue
			}
			if runs, ok := b.sstRuns[k]; ok {
				x, have = b.richText(b.sst[k], runs, int(binary.LittleEndian.Uint16(body[4:]))), true
			} else {
				x, have = b.text(b.sst[k], body), true
			}
		case recLabel, recRString:
			if len(body) < 9 {
				continue
			}
			r, c = cellPos(body)
			s, _ := unicodeString(body[6:])
			if err := st.addText(len(s)); err != nil {
				return nil, err
			}
			x, have = b.text(s, body), true
		case recNumber:
			if len(body) < 14 {
				continue
			}
			r, c = cellPos(body)
			x, have = b.number(math.Float64frombits(binary.LittleEndian.Uint64(body[6:])), body), true
		case recRK:
			if len(body) < 10 {
				continue
			}
			r, c = cellPos(body)
			x, have = b.number(rk(binary.LittleEndian.Uint32(body[6:])), body), true
		case recMulRK:
			if len(body) < 6 {
				continue
			}
			r = int(binary.LittleEndian.Uint16(body))
			c0 := int(binary.LittleEndian.Uint16(body[2:]))
			for k := 0; 4+6*k+6 <= len(body)-2; k++ {
				p := body[4+6*k:]
				xf := binary.LittleEndian.Uint16(p)
				v := rk(binary.LittleEndian.Uint32(p[2:]))
				if err := b.put(sh, st, r, c0+k, b.numberXF(v, int(xf))); err != nil {
					return nil, err
				}
			}
			continue
		case recBoolErr:
			if len(body) < 8 {
				continue
			}
			r, c = cellPos(body)
			x = b.style(body)
			if body[7] == 1 {
				x.kind, x.text = kErr, biffErrors[body[6]]
			} else {
				x.kind, x.num = kBool, float64(body[6]&1)
			}
			have = true
		case recFormula:
			if len(body) < 20 {
				continue
			}
			r, c = cellPos(body)
			val := body[6:14]
			x = b.style(body)
			if binary.LittleEndian.Uint16(val[6:]) == 0xFFFF {
				switch val[0] {
				case 0: // the cached string follows in a STRING record
					pendingFormula, pendingXF = r<<16|c, int(binary.LittleEndian.Uint16(body[4:]))
					continue
				case 1:
					x.kind, x.num = kBool, float64(val[2]&1)
				case 2:
					x.kind, x.text = kErr, biffErrors[val[2]]
				default:
					continue
				}
			} else {
				v := math.Float64frombits(binary.LittleEndian.Uint64(val))
				if math.IsNaN(v) || math.IsInf(v, 0) {
					continue
				}
				x.kind, x.num = kNum, v
			}
			have = true
		case recString:
			if pendingFormula < 0 {
				continue
			}
			r, c = pendingFormula>>16, pendingFormula&0xFFFF
			pendingFormula = -1
			s, _ := unicodeString(body)
			if err := st.addText(len(s)); err != nil {
				return nil, err
			}
			x = b.textXF(s, pendingXF)
			have = true
		default:
			continue
		}
		if have {
			if err := b.put(sh, st, r, c, x); err != nil {
				return nil, err
			}
		}
	}
	sh.merges, _ = normalizeMerges(merges, st.lim.MaxMerges)
	sh.vni, b.vni = b.vni, 0
	return sh, nil
}

func (b *xlsBook) put(sh *sheet, st *readState, r, c int, x xcell) error {
	if x.kind == kEmpty || x.kind == kText && x.text == "" {
		return nil
	}
	if c >= st.lim.MaxColumns {
		return errLimit("sheet %q has a value in column %d (limit %d columns)", sh.name, c+1, st.lim.MaxColumns)
	}
	if err := st.addCell(); err != nil {
		return err
	}
	sh.set(r, c, x)
	return nil
}

func cellPos(body []byte) (r, c int) {
	return int(binary.LittleEndian.Uint16(body)), int(binary.LittleEndian.Uint16(body[2:]))
}

func (b *xlsBook) style(body []byte) xcell {
	return b.styleXF(int(binary.LittleEndian.Uint16(body[4:])))
}

func (b *xlsBook) styleXF(xf int) xcell {
	var x xcell
	if xf >= 0 && xf < len(b.xfs) {
		x.f = b.xfs[xf].f
		if fo := b.xfs[xf].font; fo >= 0 && fo < len(b.fonts) {
			x.bold = b.fonts[fo].bold
		}
	}
	return x
}

func (b *xlsBook) text(s string, body []byte) xcell {
	return b.textXF(s, int(binary.LittleEndian.Uint16(body[4:])))
}

// textXF makes a text cell, decoding text a legacy Vietnamese font (TCVN3, VNI)
// displays as Vietnamese although it is stored as Latin-1.
func (b *xlsBook) textXF(s string, xf int) xcell {
	x := b.styleXF(xf)
	if xf >= 0 && xf < len(b.xfs) {
		if fo := b.xfs[xf].font; fo >= 0 && fo < len(b.fonts) {
			if b.fonts[fo].legacy == legacyVNI && hasLatin1High(s) {
				b.vni++
			}
			s = b.fonts[fo].legacy.decode(s)
		}
	}
	x.kind, x.text = kText, clean(s)
	if x.text == "" {
		x.kind = kEmpty
	}
	return x
}

func (b *xlsBook) number(v float64, body []byte) xcell {
	return b.numberXF(v, int(binary.LittleEndian.Uint16(body[4:])))
}

func (b *xlsBook) numberXF(v float64, xf int) xcell {
	x := b.styleXF(xf)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return x
	}
	x.kind, x.num = kNum, v
	return x
}

// richText makes a text cell whose runs may be in different fonts: each run is
// decoded by its own font.
func (b *xlsBook) richText(s string, runs []fontRun, xf int) xcell {
	font := -1
	if xf >= 0 && xf < len(b.xfs) {
		font = b.xfs[xf].font
	}
	legacy := func(fo int) legacyFont {
		if fo >= 0 && fo < len(b.fonts) {
			return b.fonts[fo].legacy
		}
		return legacyNone
	}
	any := legacy(font) != legacyNone
	for _, r := range runs {
		if legacy(r.font) != legacyNone {
			any = true
		}
	}
	if !any {
		return b.textXF(s, xf)
	}
	rs := []rune(s)
	var out strings.Builder
	pos := 0
	cur := font
	for _, r := range runs {
		at := min(max(r.at, pos), len(rs))
		out.WriteString(legacy(cur).decode(string(rs[pos:at])))
		pos, cur = at, r.font
	}
	out.WriteString(legacy(cur).decode(string(rs[pos:])))
	x := b.styleXF(xf)
	x.kind, x.text = kText, clean(out.String())
	if x.text == "" {
		x.kind = kEmpty
	}
	return x
}
