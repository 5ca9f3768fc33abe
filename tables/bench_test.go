package tables

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

const (
	benchSheets       = 5
	benchRowsPerSheet = 10_000 // 50,000 rows in all
)

var benchData struct {
	once sync.Once
	xlsx []byte
	csv  []byte
	err  error
}

// benchFiles builds, once, a workbook of 5 sheets of 10,000 rows laid out like a
// land price table (title, unit caption, two-row merged header, STT, names, a code,
// four prices in the accounting format, a percent) and a CSV file of the same 50,000
// rows written the Vietnamese way.
func benchFiles(b *testing.B) ([]byte, []byte) {
	benchData.once.Do(func() {
		f := excelize.NewFile()
		defer f.Close()
		acct := `_(* #,##0_);_(* \(#,##0\);_(* "-"??_);_(@_)`
		price, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &acct})
		pct, _ := f.NewStyle(&excelize.Style{NumFmt: 10})
		var csv strings.Builder
		csv.WriteString("BẢNG GIÁ ĐẤT,,,,,,,,\nĐơn vị tính: nghìn đồng/m²,,,,,,,,\nSTT,Tên đường,Mã,Giá đất theo vị trí,,,,Tỷ lệ,Ghi chú\n,,,VT1,VT2,VT3,VT4,,\n")
		for s := 0; s < benchSheets; s++ {
			name := fmt.Sprintf("Xã %d", s+1)
			if s == 0 {
				benchData.err = f.SetSheetName("Sheet1", name)
			} else if _, err := f.NewSheet(name); err != nil {
				benchData.err = err
			}
			sw, err := f.NewStreamWriter(name)
			if err != nil {
				benchData.err = err
				return
			}
			_ = sw.SetRow("A1", []any{"BẢNG GIÁ ĐẤT Ở " + strings.ToUpper(name)})
			_ = sw.SetRow("F2", []any{"Đơn vị tính: nghìn đồng/m²"})
			_ = sw.SetRow("A3", []any{"STT", "Tên đường", "Mã", "Giá đất theo vị trí", nil, nil, nil, "Tỷ lệ", "Ghi chú"})
			_ = sw.SetRow("A4", []any{nil, nil, nil, "VT1", "VT2", "VT3", "VT4"})
			_ = sw.MergeCell("D3", "G3")
			for r := 0; r < benchRowsPerSheet; r++ {
				v := 1000 + (r*7919+s*104729)%90000
				row := []any{
					r + 1, fmt.Sprintf("Đường số %d phường %d", r+1, s+1), fmt.Sprintf("%05d", r%99999),
					excelize.Cell{Value: v, StyleID: price}, excelize.Cell{Value: v * 8 / 10, StyleID: price},
					excelize.Cell{Value: v * 6 / 10, StyleID: price}, excelize.Cell{Value: v * 4 / 10, StyleID: price},
					excelize.Cell{Value: float64(r%100) / 100, StyleID: pct}, "Trọn đường",
				}
				ref, _ := excelize.CoordinatesToCellName(1, r+5)
				if err := sw.SetRow(ref, row); err != nil {
					benchData.err = err
					return
				}
				fmt.Fprintf(&csv, "%d,Đường số %d phường %d,%05d,\"%s\",\"%s\",\"%s\",\"%s\",\"%d%%\",Trọn đường\n",
					r+1, r+1, s+1, r%99999, vi(v), vi(v*8/10), vi(v*6/10), vi(v*4/10), r%100)
			}
			if err := sw.Flush(); err != nil {
				benchData.err = err
				return
			}
		}
		var buf bytes.Buffer
		if _, err := f.WriteTo(&buf); err != nil {
			benchData.err = err
		}
		benchData.xlsx, benchData.csv = buf.Bytes(), []byte(csv.String())
	})
	if benchData.err != nil {
		b.Fatal(benchData.err)
	}
	return benchData.xlsx, benchData.csv
}

// vi writes n with Vietnamese thousands separators.
func vi(n int) string { return strings.ReplaceAll(en(n), ",", ".") }

func en(n int) string {
	s := fmt.Sprint(n)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// peakHeap samples the live heap while fn runs and returns its highest value above
// the heap before fn.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak {
				peak = v
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	if peak < base {
		return 0
	}
	return peak - base
}

func reportRows(b *testing.B, rows int, peak uint64) {
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
}

// BenchmarkReadXLSX imports the 50,000-row, 5-sheet workbook whole.
func BenchmarkReadXLSX(b *testing.B) {
	data, _ := benchFiles(b)
	b.ReportAllocs()
	b.ResetTimer()
	rows := 0
	var peak uint64
	for i := 0; i < b.N; i++ {
		p := peakHeap(func() {
			wb, err := Read(context.Background(), "bench.xlsx", bytes.NewReader(data), int64(len(data)), Options{})
			if err != nil {
				b.Fatal(err)
			}
			rows = 0
			for _, t := range wb.Tables {
				rows += len(t.Rows)
			}
			runtime.KeepAlive(wb)
		})
		peak = max(peak, p)
	}
	if rows != benchSheets*benchRowsPerSheet {
		b.Fatalf("%d rows, want %d", rows, benchSheets*benchRowsPerSheet)
	}
	reportRows(b, rows, peak)
}

// BenchmarkStreamCSV reads the same 50,000 rows from CSV as a stream: detection on
// the head, then row by row.
func BenchmarkStreamCSV(b *testing.B) {
	_, data := benchFiles(b)
	b.ReportAllocs()
	b.ResetTimer()
	rows := 0
	var peak uint64
	for i := 0; i < b.N; i++ {
		p := peakHeap(func() {
			s, err := NewStream(context.Background(), "bench.csv", bytes.NewReader(data), Options{})
			if err != nil {
				b.Fatal(err)
			}
			rows = 0
			for s.Next() {
				rows++
			}
			if s.Err() != nil {
				b.Fatal(s.Err())
			}
		})
		peak = max(peak, p)
	}
	if rows != benchSheets*benchRowsPerSheet {
		b.Fatalf("%d rows, want %d", rows, benchSheets*benchRowsPerSheet)
	}
	reportRows(b, rows, peak)
}

// BenchmarkExcelizeRows reads the same workbook's raw values with excelize's
// streaming row iterator, without styles: the cost of the reader this package
// replaces, for comparison.
func BenchmarkExcelizeRows(b *testing.B) {
	data, _ := benchFiles(b)
	b.ReportAllocs()
	b.ResetTimer()
	rows := 0
	var peak uint64
	for i := 0; i < b.N; i++ {
		p := peakHeap(func() {
			f, err := excelize.OpenReader(bytes.NewReader(data))
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			rows = 0
			for _, s := range f.GetSheetList() {
				rr, err := f.GetRows(s, excelize.Options{RawCellValue: true})
				if err != nil {
					b.Fatal(err)
				}
				rows += len(rr) - 4
			}
		})
		peak = max(peak, p)
	}
	reportRows(b, rows, peak)
}
