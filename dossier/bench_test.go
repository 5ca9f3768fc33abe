package dossier

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// writeBenchCSV writes n dossiers as a one-stop export: six procedures, due
// dates 3 to 20 working days after receipt, one in twenty late with an
// explanation and an apology, a year of receipts.
func writeBenchCSV(tb testing.TB, n int) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "xuat.csv")
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("Mã hồ sơ,Tên thủ tục hành chính,Mã thủ tục,Lĩnh vực,Hình thức nộp,Ngày tiếp nhận,Ngày hẹn trả kết quả,Ngày trả kết quả,Trạng thái,Lý do quá hạn,Ngày gửi văn bản xin lỗi\n")
	procs := []struct{ name, code, field string }{
		{"Đăng ký biến động quyền sử dụng đất do chuyển nhượng, tặng cho, thừa kế", "1.012770", "Đất đai"},
		{"Đăng ký đất đai, cấp Giấy chứng nhận quyền sử dụng đất lần đầu", "1.012753", "Đất đai"},
		{"Chứng thực bản sao từ bản chính", "2.000815", "Chứng thực"},
		{"Đăng ký khai sinh", "", "Hộ tịch"},
		{"Cấp giấy phép xây dựng nhà ở riêng lẻ", "", "Xây dựng"},
		{"Đăng ký thành lập hộ kinh doanh", "", "Đăng ký kinh doanh"},
	}
	start := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		p := procs[i%len(procs)]
		rec := start.AddDate(0, 0, (i*7)%360)
		due := rec.AddDate(0, 0, 3+i%18)
		fin, reason, apology, status := due.AddDate(0, 0, -1), "", "", "Đã trả kết quả"
		if i%20 == 0 {
			fin, reason, apology = due.AddDate(0, 0, 3), "Chờ ý kiến cơ quan thuế", due.AddDate(0, 0, -1).Format("02/01/2006")
		}
		finS := fin.Format("02/01/2006")
		if i%50 == 1 {
			finS, status = "", "Đang giải quyết"
		}
		ch := "Trực tiếp"
		if i%4 == 0 {
			ch = "Trực tuyến"
		}
		fmt.Fprintf(w, "000.00.11.H23-%s-%07d,%s,%s,%s,%s,%s 08:30,%s,%s,%s,%s,%s\n", rec.Format("060102"), i, p.name, p.code, p.field, ch,
			rec.Format("02/01/2006"), due.Format("02/01/2006"), finS, status, reason, apology)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	return p
}

func benchImport(b *testing.B, n int) *Batch {
	p := writeBenchCSV(b, n)
	w := NewWorkdays(testCalendar(b), 2024, 2028)
	info, _ := os.Stat(p)
	var batch *Batch
	b.SetBytes(info.Size())
	b.ResetTimer()
	for range b.N {
		f, err := os.Open(p)
		if err != nil {
			b.Fatal(err)
		}
		batch, err = Import(context.Background(), p, f, info.Size(), ImportOptions{Agency: "ubnd-huyen", Workdays: w})
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "dossiers/s")
	return batch
}

// BenchmarkImport reads a CSV export of 100,000 dossiers.
func BenchmarkImport(b *testing.B) { benchImport(b, 100_000) }

// BenchmarkImportMillion reads a CSV export of 1,000,000 dossiers (target:
// 60 s), then combines it and computes the report.
func BenchmarkImportMillion(b *testing.B) {
	batch := benchImport(b, 1_000_000)
	b.StopTimer()
	w := NewWorkdays(testCalendar(b), 2024, 2028)
	t0 := time.Now()
	s := NewSet([]*Batch{batch})
	t1 := time.Now()
	r := NewReport(s, ReportOptions{Today: dayOfDate(2026, 11, 26), Workdays: w, ApologyDays: DefaultApologyDays})
	b.ReportMetric(t1.Sub(t0).Seconds(), "set-s")
	b.ReportMetric(time.Since(t1).Seconds(), "report-s")
	_ = r
}

// BenchmarkLookup finds codes in a set of 1,000,000 dossiers.
func BenchmarkLookup(b *testing.B) {
	recs := make([]rec, 0, 1_000_000)
	bt := &Batch{File: "x.csv"}
	bt.strs.id("ubnd-huyen")
	for i := range 1_000_000 {
		code := fmt.Sprintf("000.00.11.H23-2601%02d-%07d", i%28+1, i)
		recs = append(recs, rec{codeOff: uint32(len(bt.codes)), codeLen: uint16(len(code)), agency: 1, received: 20454, due: 20460})
		bt.codes = append(bt.codes, code...)
	}
	bt.recs = recs
	s := NewSet([]*Batch{bt})
	b.ResetTimer()
	for i := range b.N {
		code := fmt.Sprintf("000.00.11.H23-2601%02d-%07d", i%28+1, (i*7919)%2_000_000)
		s.Lookup(code)
	}
}
