package tables

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/richardlehane/mscfb"
)

// The fuzz targets feed the readers mutations of the corpus; go test runs their
// seeds. Fuzz one at a time, a minute at most here:
//
//	go test ./tables -run '^$' -fuzz FuzzBIFF -fuzztime 60s

// fuzzLimits keep a mutated file from taking much memory or time.
var fuzzLimits = Limits{MaxCells: 200_000, MaxStrings: 8 << 20, MaxPart: 16 << 20, MaxUnzipped: 64 << 20, MaxRowsExpanded: 1000}

// checkRead fails on what Read must never do: panic (Read turns a reader's panic
// into an error, which the fuzzer must see), return an error not naming the file,
// or return tables whose rows do not match their columns.
func checkRead(t *testing.T, name string, data []byte) {
	wb, err := Read(context.Background(), name, bytes.NewReader(data), int64(len(data)), Options{Limits: fuzzLimits})
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || strings.Contains(err.Error(), "reader failure") {
			t.Fatalf("Read = %v", err)
		}
		return
	}
	checkTables(t, wb.Tables)
}

func checkTables(t *testing.T, tables []*Table) {
	for _, tb := range tables {
		for _, c := range tb.Columns {
			if c.Name == "" {
				t.Fatalf("table %q: a column without a name", tb.Name)
			}
		}
		for _, r := range tb.Rows {
			if len(r.Cells) != len(tb.Columns) || r.Level < 0 || r.Line < 1 {
				t.Fatalf("table %q: row %+v for %d columns", tb.Name, r, len(tb.Columns))
			}
		}
	}
}

func seedFiles(f *testing.F, pattern string) {
	files, _ := filepath.Glob(filepath.Join("testdata", pattern))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if len(b) > 64<<10 {
			b = b[:16<<10] // the head of a large file keeps the fuzzer fast
		}
		f.Add(b)
	}
}

func FuzzCSV(f *testing.F) {
	seedFiles(f, "forms/*.csv")
	seedFiles(f, "corpus/*.csv")
	for _, s := range []string{
		"a,b\n1,2\n", "\ufeffa;b\r\n1;2\r\n", "T,,\n,,\nA,B,C\n,D,\n1,2,3\n", "a,b\n\"x\ny\",2\n",
		"STT,Tên,Giá\nI,Nhóm,\"1.000\"\n1,a,\"911,100\"\n,Cộng,1\nGhi chú: x,,\n", "\"unterminated\n", "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkRead(t, "f.csv", b)
	})
}

func FuzzXLSX(f *testing.F) {
	seedFiles(f, "forms/*.xlsx")
	f.Fuzz(func(t *testing.T, b []byte) {
		checkRead(t, "f.xlsx", b)
	})
}

// FuzzSheetXML mutates the XML of a sheet inside a well-formed workbook, where the
// sheet reader and the XML scanner work.
func FuzzSheetXML(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "forms", "*.xlsx"))
	for _, p := range files {
		z, err := zip.OpenReader(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, zf := range z.File {
			if strings.HasPrefix(zf.Name, "xl/worksheets/sheet") {
				rc, _ := zf.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				f.Add(b)
			}
		}
		z.Close()
	}
	f.Add([]byte(`<worksheet><sheetData><row><c t="s"><v>0</v></c><c t="inlineStr"><is><t>&amp;&#x41;<![CDATA[<x>]]></t></is></c></row></sheetData><mergeCells><mergeCell ref="A1:B2"/></mergeCells></worksheet>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var buf bytes.Buffer
		z := zip.NewWriter(&buf)
		for name, body := range map[string]string{
			"_rels/.rels":                `<Relationships><Relationship Id="r" Type="x/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
			"xl/workbook.xml":            `<workbook><sheets><sheet name="S" r:id="r1" xmlns:r="r"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="r1" Type="x/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="r2" Type="x/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
			"xl/sharedStrings.xml":       `<sst><si><t>Tên</t></si><si><r><t>Giá</t></r><rPh><t>x</t></rPh></si></sst>`,
			"xl/worksheets/sheet1.xml":   string(b),
		} {
			w, _ := z.Create(name)
			_, _ = io.WriteString(w, body)
		}
		_ = z.Close()
		checkRead(t, "f.xlsx", buf.Bytes())
	})
}

func FuzzXLS(f *testing.F) {
	seedFiles(f, "forms/*.xls")
	f.Fuzz(func(t *testing.T, b []byte) {
		checkRead(t, "f.xls", b)
	})
}

// FuzzBIFF mutates Workbook streams, below the compound file container, where the
// record parser works.
func FuzzBIFF(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "forms", "*.xls"))
	files = append(files, filepath.Join("testdata", "corpus", "lao-cai-stc-ket-qua-tham-dinh-gia-kl98-2016.xls"))
	for _, p := range files {
		raw, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		doc, err := mscfb.New(bytes.NewReader(raw))
		if err != nil {
			f.Fatal(err)
		}
		for e, err := doc.Next(); err == nil; e, err = doc.Next() {
			if e.Name == "Workbook" {
				b := make([]byte, e.Size)
				if _, err := io.ReadFull(e, b); err != nil {
					f.Fatal(err)
				}
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		wb := &xlsBook{data: b, fmts: map[int]*numFormat{}, cache: formatCache{}}
		if err := wb.globals(fuzzLimits); err != nil {
			return
		}
		st := &readState{lim: fuzzLimits.withDefaults()}
		var tables []*Table
		for i := range wb.sheets {
			sh, err := wb.read(i, st)
			if err != nil {
				return
			}
			if !sh.isEmpty() {
				tables = append(tables, buildTable(sh, Declared{}, Options{}, st.lim))
			}
		}
		checkTables(t, tables)
	})
}

func FuzzODS(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "forms", "*.ods"))
	for _, p := range files {
		z, err := zip.OpenReader(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, zf := range z.File {
			if zf.Name == "content.xml" {
				rc, _ := zf.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				f.Add(b)
			}
		}
		z.Close()
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var buf bytes.Buffer
		z := zip.NewWriter(&buf)
		w, _ := z.Create("content.xml")
		_, _ = w.Write(b)
		_ = z.Close()
		checkRead(t, "f.ods", buf.Bytes())
	})
}

// FuzzDetect runs layout detection and row classification on grids: lines of cells
// separated by '|', with merges given as "r0 c0 r1 c1" lines after a line "#".
func FuzzDetect(f *testing.F) {
	for _, s := range []string{
		"BỘ TÀI CHÍNH|||Biểu số 46\nDỰ TOÁN NĂM 2025\n|||Đơn vị tính: triệu đồng\nSTT|Nội dung|Dự toán|\n||Tổng số|NSTW\nA|B|1|2\n|TỔNG SỐ|1000|500\nI|Thu nội địa|800|400\n1|Thuế|100|50\n|Cộng|100|50\nGhi chú: x\nNgười lập biểu||KT. CHỦ TỊCH\n#\n0 0 0 2\n3 0 4 0",
		"|Tỷ đồng\n|Sơ bộ|Ước tính\n|quý III|quý IV\n|năm|năm\n|2024|2024\nTỔNG SỐ|1|2\n|Nông nghiệp|3|4",
		"a|b\n1|2",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 1<<14 {
			return
		}
		sh := &sheet{}
		grid, merges, _ := strings.Cut(s, "\n#\n")
		for r, line := range strings.Split(grid, "\n") {
			if r > 300 {
				break
			}
			for c, v := range strings.Split(line, "|") {
				if c > 60 {
					break
				}
				if v != "" {
					x := xcell{kind: kText, text: clean(v)}
					if n, ok := parseTextNumber(v); ok && len(v)%3 == 0 {
						x = xcell{kind: kNum, num: n.vi, bold: len(v)%2 == 0}
					}
					sh.set(r, c, x)
				}
			}
		}
		var ms []rect
		for _, line := range strings.Split(merges, "\n") {
			var m rect
			if n, _ := fmt.Sscan(line, &m.r0, &m.c0, &m.r1, &m.c1); n == 4 && m.r1 < 400 && m.c1 < 100 {
				ms = append(ms, m)
			}
		}
		sh.merges, _ = normalizeMerges(ms, 100)
		if sh.isEmpty() {
			return
		}
		tb := buildTable(sh, Declared{}, Options{}, DefaultLimits())
		checkTables(t, []*Table{tb})
	})
}
