// Command dossiers writes the demo's one-stop exports and satisfaction
// results: a year of administrative-procedure dossiers (December 2025 to
// 25 November 2026) for the demo agencies, with the procedures of the demo's
// thu-tuc notices, due dates on the real working-day calendar (Tết Bính Ngọ,
// the bridge days of 2026), late dossiers explained and apologised for or
// not, and the monthly results of the rating devices. Everything is made up
// with a fixed seed, so the output is the same on every run. Run from the
// repository root:
//
//	go run ./demo/_tools/dossiers
//
// The district's export is a workbook as its one-stop software writes it,
// with the applicant's name and phone: its index.md drops those columns
// (drop:), which the portal never reads. The others are CSV files, one with
// headings of its own that its index.md maps (fields:).
package main

import (
	"encoding/csv"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/congkhai/congkhai/calendar"
)

const site = "demo/site"

var (
	loc    = calendar.Location
	first  = time.Date(2025, 12, 1, 0, 0, 0, 0, loc)
	export = time.Date(2026, 11, 25, 0, 0, 0, 0, loc) // the day of the exports
	cal    = calendar.New(days("2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-04-26", "2026-04-27"), nil)
)

func days(ss ...string) []time.Time {
	var out []time.Time
	for _, s := range ss {
		t, err := time.ParseInLocation(time.DateOnly, s, loc)
		if err != nil {
			panic(err)
		}
		out = append(out, t)
	}
	return out
}

// procedure is an administrative procedure of an agency's desk.
type procedure struct {
	name, code, field string
	term, termOnline  int     // working days; 0: the same day
	weight            float64 // share of the desk's dossiers
	late              float64 // chance a dossier is late
	reasons           []string
}

// desk is an agency's one-stop desk.
type desk struct {
	agency, prefix string
	perYear        int
	online, post   float64
	digitized      bool // the export says whether each dossier was digitised
	eResult        bool // and whether the result was electronic
	procs          []procedure
}

var landReasons = []string{
	"Chờ Chi nhánh Văn phòng Đăng ký đất đai trích đo địa chính thửa đất",
	"Phải xác minh nguồn gốc, thời điểm sử dụng đất với UBND cấp xã",
	"Chờ cơ quan thuế xác định nghĩa vụ tài chính",
	"Hồ sơ có tranh chấp, phải tổ chức hòa giải tại cơ sở",
	"Cán bộ thụ lý nghỉ ốm, chưa bố trí người thay thế kịp thời",
	"Khối lượng hồ sơ tăng đột biến sau Tết Nguyên đán",
	"Phải lấy ý kiến Phòng Tài nguyên và Môi trường về quy hoạch sử dụng đất",
}

var otherReasons = []string{
	"Phải lấy ý kiến cơ quan chuyên môn có liên quan",
	"Hệ thống phần mềm Một cửa điện tử gặp sự cố, không ký số được kết quả",
	"Cán bộ thụ lý đi công tác, chưa bố trí người thay thế",
	"Chờ xác minh thông tin tại cơ quan khác",
}

var desks = []desk{
	{agency: "ubnd-huyen-cam-xuyen", prefix: "000.00.11.H23", perYear: 5200, online: 0.27, post: 0.03, digitized: true, procs: []procedure{
		{"Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất lần đầu cho hộ gia đình, cá nhân", "1.012753", "Đất đai", 20, 20, 0.22, 0.08, landReasons},
		{"Đăng ký biến động quyền sử dụng đất do chuyển nhượng, tặng cho, thừa kế", "1.012770", "Đất đai", 8, 5, 0.38, 0.04, landReasons},
		{"Chuyển mục đích sử dụng đất phải được cơ quan nhà nước có thẩm quyền cho phép đối với hộ gia đình, cá nhân", "1.012790", "Đất đai", 15, 15, 0.12, 0.06, landReasons},
		{"Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "", "Xây dựng", 15, 15, 0.10, 0.07, otherReasons},
		{"Đăng ký thành lập hộ kinh doanh", "", "Đăng ký kinh doanh", 3, 3, 0.15, 0.03, otherReasons},
		{"Đăng ký kết hôn có yếu tố nước ngoài", "", "Hộ tịch", 10, 10, 0.03, 0.05, otherReasons},
	}},
	{agency: "so-tai-nguyen-moi-truong", prefix: "000.00.20.H23", perYear: 1400, online: 0.35, post: 0.02, procs: []procedure{
		{"Đăng ký biến động quyền sử dụng đất do chuyển nhượng, tặng cho, thừa kế", "1.012770", "Đất đai", 8, 5, 0.6, 0.03, landReasons},
		{"Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất lần đầu cho hộ gia đình, cá nhân", "1.012753", "Đất đai", 20, 20, 0.4, 0.05, landReasons},
	}},
	{agency: "so-tai-chinh", prefix: "000.00.18.H23", perYear: 700, online: 0.75, post: 0.01, eResult: true, procs: []procedure{
		{"Đăng ký mã số đơn vị có quan hệ với ngân sách", "1.004847", "Tài chính ngân sách", 2, 1, 1, 0.01, otherReasons},
	}},
	{agency: "so-noi-vu", prefix: "000.00.17.H23", perYear: 40, online: 0.4, post: 0.1, procs: []procedure{
		{"Công nhận ban vận động thành lập hội có phạm vi hoạt động trong tỉnh", "1.003827", "Tổ chức phi chính phủ", 30, 30, 1, 0.15, otherReasons},
	}},
	{agency: "ubnd-xa-cam-quan", prefix: "000.31.11.H23", perYear: 2700, online: 0.08, post: 0.0, digitized: true, procs: []procedure{
		{"Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp", "2.000815", "Chứng thực", 0, 0, 0.88, 0.004, otherReasons},
		{"Đăng ký khai sinh", "", "Hộ tịch", 0, 0, 0.05, 0.01, otherReasons},
		{"Xác nhận tình trạng hôn nhân", "", "Hộ tịch", 3, 3, 0.07, 0.03, otherReasons},
	}},
}

// row is one dossier of an export.
type row struct {
	code, proc, procCode, field, channel string
	received, due, finished, apology     time.Time
	newDue                               time.Time
	status, reason, letter               string
	digitized, eResult                   string
	name, phone                          string
}

func main() {
	rng := rand.New(rand.NewPCG(2026, 11))
	for _, d := range desks {
		rows := generate(rng, d)
		var err error
		switch d.agency {
		case "ubnd-huyen-cam-xuyen":
			err = writeDistrict(rows)
		case "so-tai-nguyen-moi-truong":
			err = writeCSV(d.agency+"/ho-so-thu-tuc-hanh-chinh/Xuat_MotCua_VPDKDD_2026.csv", stnmtHeader, rows, stnmtRecord, ';')
		default:
			err = writeCSV(d.agency+"/ho-so-thu-tuc-hanh-chinh/ket-qua-giai-quyet-ho-so-2026.csv", standardHeader(d), rows, standardRecord(d), ',')
		}
		if err != nil {
			log.Fatalf("%s: %v", d.agency, err)
		}
		late := 0
		for _, r := range rows {
			if !r.finished.IsZero() && r.finished.After(r.due) || r.finished.IsZero() && r.due.Before(export) && r.status == "Đang giải quyết" {
				late++
			}
		}
		fmt.Printf("%s: %d dossiers, %d late\n", d.agency, len(rows), late)
	}
	for _, s := range []struct {
		agency, dir string
		perMonth    int
		base        [5]float64 // very unsatisfied … very satisfied
	}{
		{"ubnd-huyen-cam-xuyen", "danh-gia-muc-do-hai-long-mot-cua", 260, [5]float64{0.02, 0.05, 0.13, 0.5, 0.3}},
		{"ubnd-xa-cam-quan", "danh-gia-muc-do-hai-long", 140, [5]float64{0.005, 0.015, 0.06, 0.42, 0.5}},
	} {
		if err := writeSatisfaction(rng, s.agency, s.dir, s.perMonth, s.base); err != nil {
			log.Fatal(err)
		}
	}
	if err := writeSurvey(rng); err != nil {
		log.Fatal(err)
	}
}

func workingDay(t time.Time) time.Time {
	for !cal.IsWorkingDay(t) {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

func addWD(t time.Time, n int) time.Time {
	if n == 0 {
		return dayOf(t)
	}
	return dayOf(cal.AddWorkingDays(t, n))
}

// backWD is the nth working day before t.
func backWD(t time.Time, n int) time.Time {
	t = dayOf(t)
	for n > 0 {
		t = t.AddDate(0, 0, -1)
		if cal.IsWorkingDay(t) {
			n--
		}
	}
	return t
}

func dayOf(t time.Time) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// monthLoad is the relative number of dossiers per month: few around Tết,
// more after it and before the year's end.
var monthLoad = map[time.Month]float64{1: 1.1, 2: 0.6, 3: 1.3, 4: 1.0, 5: 1.0, 6: 1.0, 7: 0.95, 8: 0.9, 9: 1.0, 10: 1.05, 11: 1.1, 12: 1.15}

var surnames = []string{"Nguyễn", "Trần", "Lê", "Phan", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"}
var middles = []string{"Văn", "Thị", "Hữu", "Đình", "Xuân", "Thanh", "Minh", "Quốc"}
var givens = []string{"An", "Bình", "Châu", "Dung", "Giang", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Trung", "Vinh"}

func generate(rng *rand.Rand, d desk) []row {
	// The working days of the year and their weights.
	var days []time.Time
	var weights []float64
	total := 0.0
	for t := first; !t.After(export); t = t.AddDate(0, 0, 1) {
		if !cal.IsWorkingDay(t) {
			continue
		}
		w := monthLoad[t.Month()]
		if t.Weekday() == time.Saturday {
			w *= 0.3 // Saturdays worked in exchange
		}
		days = append(days, t)
		weights = append(weights, w)
		total += w
	}
	var rows []row
	seq := map[string]int{}
	for i, day := range days {
		n := int(float64(d.perYear) * weights[i] / total)
		if rng.Float64() < float64(d.perYear)*weights[i]/total-float64(n) {
			n++
		}
		for range n {
			p := pick(rng, d.procs)
			r := row{proc: p.name, procCode: p.code, field: p.field}
			r.received = day.Add(time.Duration(7*60+30+rng.IntN(9*60)) * time.Minute)
			key := day.Format("060102")
			seq[key]++
			r.code = fmt.Sprintf("%s-%s-%04d", d.prefix, key, seq[key])
			term := p.term
			switch x := rng.Float64(); {
			case x < d.online:
				r.channel, term = "Trực tuyến", p.termOnline
			case x < d.online+d.post:
				r.channel = "Bưu chính"
			default:
				r.channel = "Trực tiếp"
			}
			r.due = addWD(r.received, term)
			if term == 0 && r.received.Hour() >= 15 {
				r.due = addWD(r.received, 1) // after 15:00: the next working day
			}
			r.name = surnames[rng.IntN(len(surnames))] + " " + middles[rng.IntN(len(middles))] + " " + givens[rng.IntN(len(givens))]
			r.phone = fmt.Sprintf("09%d%07d", 1+rng.IntN(8), rng.IntN(10_000_000))
			if d.digitized {
				// Digitisation grows over the year (Công văn 6733: 100% by the end of 2026).
				share := 0.7 + 0.25*float64(r.received.Sub(first))/float64(export.Sub(first))
				r.digitized = yesNo(rng.Float64() < share)
			}
			outcome(rng, &r, p, d)
			if d.eResult && !r.finished.IsZero() {
				r.eResult = yesNo(rng.Float64() < 0.97)
			}
			rows = append(rows, r)
		}
	}
	return rows
}

func yesNo(b bool) string {
	if b {
		return "Có"
	}
	return "Không"
}

func pick(rng *rand.Rand, ps []procedure) procedure {
	x := rng.Float64()
	for _, p := range ps {
		if x < p.weight {
			return p
		}
		x -= p.weight
	}
	return ps[len(ps)-1]
}

// lateChance is higher in the months after Tết and in the summer backlog
// (Công văn 6733: land dossiers pending since 2025).
func lateChance(p procedure, t time.Time) float64 {
	switch t.Month() {
	case 2, 3:
		return p.late * 1.8
	case 8, 9:
		return p.late * 1.4
	}
	return p.late
}

func outcome(rng *rand.Rand, r *row, p procedure, d desk) {
	switch x := rng.Float64(); {
	case x < 0.005:
		r.status = "Công dân rút hồ sơ"
		return
	case x < 0.015 && r.due.After(export.AddDate(0, 0, -30)):
		r.status = "Tạm dừng, chờ công dân bổ sung hồ sơ"
		return
	}
	late := rng.Float64() < lateChance(p, r.received)
	if late {
		delay := 1 + int(rng.ExpFloat64()*5)
		r.finished = addWD(r.due, delay)
		if rng.Float64() < 0.8 {
			r.reason = p.reasons[rng.IntN(len(p.reasons))]
		}
		switch a := rng.Float64(); {
		case a < 0.58:
			r.apology = backWD(r.due, 1+rng.IntN(2))
			if r.apology.Before(dayOf(r.received)) {
				r.apology = dayOf(r.received)
			}
		case a < 0.76:
			r.apology = addWD(r.due, 1+rng.IntN(4))
		}
		if !r.apology.IsZero() {
			if r.apology.After(export) {
				r.apology = time.Time{}
			} else {
				r.letter = fmt.Sprintf("%d/PXL-%s", 1+rng.IntN(400), strings.ToUpper(strings.Split(d.agency, "-")[0]))
				r.newDue = r.finished
			}
		}
	} else {
		early := 0
		if rng.Float64() < 0.72 && p.term > 0 {
			early = 1 + rng.IntN(min(p.term, 5))
		}
		r.finished = backWD(r.due, early)
		if r.finished.Before(dayOf(r.received)) {
			r.finished = dayOf(r.received)
		}
	}
	if r.finished.After(export) {
		r.finished = time.Time{}
		r.status = "Đang giải quyết"
		if !r.apology.IsZero() && r.apology.After(export) {
			r.apology, r.letter, r.newDue = time.Time{}, "", time.Time{}
		}
		return
	}
	r.status = "Đã trả kết quả"
	if rng.Float64() < 0.02 {
		r.status = "Trả lại hồ sơ (không đủ điều kiện giải quyết)"
	}
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("02/01/2006")
}

func datetime(t time.Time) string { return t.Format("02/01/2006 15:04") }

func standardHeader(d desk) []string {
	h := []string{"STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Mã thủ tục", "Lĩnh vực", "Hình thức nộp", "Ngày tiếp nhận", "Ngày hẹn trả kết quả",
		"Ngày trả kết quả", "Trạng thái", "Lý do quá hạn", "Ngày gửi văn bản xin lỗi", "Số văn bản xin lỗi", "Ngày hẹn trả mới"}
	if d.digitized {
		h = append(h, "Hồ sơ đã số hóa")
	}
	if d.eResult {
		h = append(h, "Kết quả điện tử")
	}
	return h
}

func standardRecord(d desk) func(i int, r row) []string {
	return func(i int, r row) []string {
		rec := []string{fmt.Sprint(i + 1), r.code, r.proc, r.procCode, r.field, r.channel, datetime(r.received), date(r.due),
			date(r.finished), r.status, r.reason, date(r.apology), r.letter, date(r.newDue)}
		if d.digitized {
			rec = append(rec, r.digitized)
		}
		if d.eResult {
			rec = append(rec, r.eResult)
		}
		return rec
	}
}

// The land registration office's software names its columns its own way;
// the dataset's index.md maps them (fields:).
var stnmtHeader = []string{"Số biên nhận", "Tên TTHC", "Mã TTHC", "Lĩnh vực", "Kênh nộp", "Ngày nộp", "Hạn xử lý", "Ngày hoàn thành", "Kết quả xử lý", "Nguyên nhân trễ hạn", "Xin lỗi (ngày)", "Số phiếu xin lỗi"}

func stnmtRecord(_ int, r row) []string {
	return []string{r.code, r.proc, r.procCode, r.field, r.channel, r.received.Format("2006-01-02 15:04"), r.due.Format("2006-01-02"),
		dateISO(r.finished), r.status, r.reason, dateISO(r.apology), r.letter}
}

func dateISO(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

func writeCSV(rel string, header []string, rows []row, rec func(int, row) []string, comma rune) error {
	p := filepath.Join(site, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	defer f.Close()
	w := csv.NewWriter(f)
	w.Comma = comma
	_ = w.Write(header)
	for i, r := range rows {
		_ = w.Write(rec(i, r))
	}
	w.Flush()
	return w.Error()
}

// writeDistrict writes the district's export as its software does: a
// workbook with a title, the applicant's name and phone, one sheet.
func writeDistrict(rows []row) error {
	f := excelize.NewFile()
	sh := "Hồ sơ"
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		return err
	}
	header := []any{"STT", "Mã hồ sơ", "Họ tên người nộp", "Số điện thoại", "Tên thủ tục hành chính", "Mã thủ tục", "Lĩnh vực", "Hình thức nộp",
		"Ngày tiếp nhận", "Ngày hẹn trả kết quả", "Ngày trả kết quả", "Trạng thái", "Lý do quá hạn", "Ngày gửi văn bản xin lỗi", "Số văn bản xin lỗi", "Ngày hẹn trả mới", "Hồ sơ đã số hóa"}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}
	dt := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
	}
	sw, err := f.NewStreamWriter(sh)
	if err != nil {
		return err
	}
	for i, h := range [][]any{{"UBND HUYỆN CẨM XUYÊN – BỘ PHẬN MỘT CỬA"}, {"DANH SÁCH HỒ SƠ THỦ TỤC HÀNH CHÍNH TIẾP NHẬN TỪ 01/12/2025 ĐẾN 25/11/2026"}, {}, header} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, h); err != nil {
			return err
		}
	}
	for i, r := range rows {
		cells := []any{i + 1, r.code, r.name, r.phone, r.proc, r.procCode, r.field, r.channel,
			excelize.Cell{Value: dt(r.received), StyleID: dateStyle}, excelize.Cell{Value: dt(r.due), StyleID: dateStyle},
			excelize.Cell{Value: dt(r.finished), StyleID: dateStyle}, r.status, r.reason,
			excelize.Cell{Value: dt(r.apology), StyleID: dateStyle}, r.letter, excelize.Cell{Value: dt(r.newDue), StyleID: dateStyle}, r.digitized}
		cell, _ := excelize.CoordinatesToCellName(1, i+5)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "Một cửa điện tử", Created: "2026-11-25T17:00:00Z", Modified: "2026-11-25T17:00:00Z"}); err != nil {
		return err
	}
	dir := filepath.Join(site, "ubnd-huyen-cam-xuyen", "ho-so-thu-tuc-hanh-chinh")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return f.SaveAs(filepath.Join(dir, "Xuat du lieu Mot cua 12-2025 den 11-2026.xlsx"))
}

// writeSatisfaction writes a desk's rating device results, one row a month.
func writeSatisfaction(rng *rand.Rand, agency, dir string, perMonth int, base [5]float64) error {
	var rows [][]string
	for m := first; m.Before(export); m = m.AddDate(0, 1, 0) {
		n := perMonth + rng.IntN(perMonth/5) - perMonth/10
		var counts [5]int
		left := n
		for i := 4; i > 0; i-- {
			share := base[i]
			if m.Month() == 3 && i >= 3 { // the backlog after Tết
				share *= 0.9
			}
			c := int(float64(n) * share * (0.9 + 0.2*rng.Float64()))
			counts[i] = min(c, left)
			left -= counts[i]
		}
		counts[0] = left
		rows = append(rows, []string{m.Format("01/2006"), fmt.Sprint(counts[4]), fmt.Sprint(counts[3]), fmt.Sprint(counts[2]), fmt.Sprint(counts[1]), fmt.Sprint(counts[0]), fmt.Sprint(n)})
	}
	p := filepath.Join(site, agency, dir, "ket-qua-thiet-bi-danh-gia.csv")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	defer f.Close()
	w := csv.NewWriter(f)
	_ = w.Write([]string{"Tháng", "Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng", "Rất không hài lòng", "Tổng số lượt đánh giá"})
	_ = w.WriteAll(rows)
	return w.Error()
}

// writeSurvey writes the Department of Home Affairs' survey of October 2026,
// one row per agency surveyed.
func writeSurvey(rng *rand.Rand) error {
	agencies := map[string][5]float64{
		"UBND huyện Cẩm Xuyên":        {0.03, 0.06, 0.15, 0.48, 0.28},
		"Sở Tài nguyên và Môi trường": {0.02, 0.05, 0.14, 0.51, 0.28},
		"Sở Tài chính":                {0.0, 0.01, 0.06, 0.5, 0.43},
		"Sở Nội vụ":                   {0.0, 0.02, 0.08, 0.52, 0.38},
		"UBND xã Cẩm Quan":            {0.01, 0.02, 0.07, 0.45, 0.45},
	}
	var names []string
	for n := range agencies {
		names = append(names, n)
	}
	sort.Strings(names)
	p := filepath.Join(site, "so-noi-vu", "khao-sat-muc-do-hai-long-2026", "ket-qua-khao-sat-thang-10-2026.csv")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.Create(p)
	if err != nil {
		return err
	}
	defer f.Close()
	w := csv.NewWriter(f)
	_ = w.Write([]string{"Kỳ khảo sát", "Cơ quan", "Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng", "Rất không hài lòng", "Nguồn"})
	for _, name := range names {
		base := agencies[name]
		n := 180 + rng.IntN(60)
		var c [5]int
		left := n
		for i := 4; i > 0; i-- {
			c[i] = min(int(float64(n)*base[i]), left)
			left -= c[i]
		}
		c[0] = left
		_ = w.Write([]string{"10/2026", name, fmt.Sprint(c[4]), fmt.Sprint(c[3]), fmt.Sprint(c[2]), fmt.Sprint(c[1]), fmt.Sprint(c[0]), "Khảo sát SIPAS tại Bộ phận Một cửa"})
	}
	w.Flush()
	return w.Error()
}
