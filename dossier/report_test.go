package dossier

import (
	"reflect"
	"testing"

	"github.com/congkhai/congkhai/calendar"
)

func TestWorkdays(t *testing.T) {
	w := testWorkdays(t)
	cal := calendar.New(nil, nil)
	tests := []struct {
		name    string
		from    string
		n       int
		want    string
		between int // Between(from, want)
	}{
		{"Friday before Tết Bính Ngọ, 5 working days", "2026-02-13", 5, "2026-02-27", 5},
		{"Friday 09/01/2026: Saturday 10/01 is worked for the bridge day 02/01", "2026-01-09", 1, "2026-01-10", 1},
		{"31/12/2025: New Year, the bridge day 02/01 and the weekend skipped", "2025-12-31", 2, "2026-01-06", 2},
		{"Friday 24/04/2026: Giỗ Tổ on Sunday 26/04 compensated on Monday 27/04, then 30/4 and 1/5", "2026-04-24", 3, "2026-05-04", 3},
		{"the working day before Monday 23/02/2026 is before Tết", "2026-02-23", -1, "2026-02-13", -1},
		{"the working day before Friday 27/02/2026", "2026-02-27", -1, "2026-02-26", -1},
		{"n = 0 is the day itself", "2026-02-15", 0, "2026-02-15", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := day(t, tt.from)
			if got := w.Add(from, tt.n); got != day(t, tt.want) {
				t.Errorf("Add(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
			}
			if got := w.Between(from, day(t, tt.want)); got != tt.between {
				t.Errorf("Between(%s, %s) = %d, want %d", tt.from, tt.want, got, tt.between)
			}
			if tt.n > 0 {
				// The same as the calendar's own count (its default holidays
				// hold Tết 2026 already).
				if got := DayOf(cal.AddWorkingDays(from.Time(), tt.n)); got != day(t, tt.want) {
					t.Errorf("calendar.AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
				}
			}
		})
	}
}

// reportCSV: the dossiers of TestReport (see the comments there).
const reportCSV = `Mã hồ sơ,Thủ tục,Mã thủ tục,Lĩnh vực,Hình thức nộp,Ngày tiếp nhận,Ngày hẹn trả,Ngày trả kết quả,Trạng thái,Lý do quá hạn,Ngày xin lỗi
D1,Đăng ký biến động,1.012770,Đất đai,Trực tiếp,13/02/2026,27/02/2026,26/02/2026,Đã trả kết quả,,
D2,Đăng ký biến động,1.012770,Đất đai,Trực tiếp,13/02/2026,27/02/2026,27/02/2026,Đã trả kết quả,,
D3,Đăng ký biến động,1.012770,Đất đai,Trực tiếp,23/02/2026,27/02/2026,03/03/2026,Đã trả kết quả,Chờ trích đo,26/02/2026
D4,Chứng thực bản sao,2.000815,Chứng thực,Trực tiếp,09/01/2026,10/01/2026,12/01/2026,Đã trả kết quả,,
D5,Chứng thực bản sao,2.000815,Chứng thực,Trực tiếp,02/03/2026,05/03/2026,,Đang giải quyết,,06/03/2026
D6,Đăng ký biến động,1.012770,Đất đai,Trực tuyến,02/03/2026,20/03/2026,,Đang giải quyết,,
D7,Đăng ký biến động,1.012770,Đất đai,Bưu chính,25/02/2026,02/03/2026,,Tạm dừng chờ bổ sung,,
D8,Đăng ký biến động,1.012770,Đất đai,Trực tiếp,20/01/2026,30/01/2026,,Rút hồ sơ,,
D9,Chứng thực bản sao,2.000815,Chứng thực,Trực tiếp,29/12/2025,05/01/2026,06/01/2026,Đã trả kết quả,Mất điện,
D10,Chứng thực bản sao,2.000815,Chứng thực,Trực tiếp,12/03/2026,13/03/2026,,Đang giải quyết,,
`

func TestReport(t *testing.T) {
	b := importCSV(t, reportCSV, ImportOptions{})
	if len(b.Problems) > 0 {
		t.Fatalf("problems: %s", problemTexts(b.Problems))
	}
	w := testWorkdays(t)
	r := NewReport(NewSet([]*Batch{b}), ReportOptions{Today: day(t, "2026-03-10"), Workdays: w, ApologyDays: DefaultApologyDays})
	p := func(s string) Period {
		pp, ok := ParsePeriod(s)
		if !ok {
			t.Fatalf("ParsePeriod(%q)", s)
		}
		return pp
	}
	strip := func(c Counts) Counts { c.days = nil; return c }
	tests := []struct {
		name          string
		agency, field string
		period        string
		want          Counts
		rate, median  float64
	}{
		// January: D4 (due Saturday 10/01, a worked day; result Monday 12/01:
		// late, no explanation, no apology), D9 (received in December, due
		// Monday 05/01, result 06/01: late with an explanation), D8 withdrawn.
		// D4 took 2 working days (Saturday 10/01 and Monday 12/01), D9 4 (30/12,
		// 31/12, 05/01, 06/01: New Year and the bridge day 02/01 are off).
		{"January", "", "", "2026-01", Counts{Received: 2, Direct: 2, Withdrawn: 1, Resolved: 2, Late: 2, LateTotal: 2, NoReason: 1, NoApology: 2}, 0, 3},
		// February: D1 early and D2 on time (received Friday 13/02 before
		// Tết, due 27/02); D3 overdue at the month's end with an explanation
		// and an apology sent the working day before its due date; D7
		// suspended, not overdue.
		{"February", "", "", "2026-02", Counts{Received: 4, Direct: 3, Post: 1, Resolved: 2, Early: 1, OnTime: 1, Pending: 2, Overdue: 1, LateTotal: 1}, 100, 4.5},
		// March to today (10/03): D3 resolved late; D5 overdue since 06/03,
		// no explanation, apology on 06/03 after it was due (04/03); D6 and
		// D7 pending; D10 is received after today and left out.
		{"March so far", "", "", "2026-03", Counts{Received: 2, Direct: 1, Online: 1, Resolved: 1, Late: 1, Pending: 3, Overdue: 1, LateTotal: 2, NoReason: 1, ApologyLate: 1}, 0, 6},
		{"first quarter, land", "ubnd-huyen", "Đất đai", "2026-Q1", Counts{Received: 6, Direct: 4, Online: 1, Post: 1, Withdrawn: 1, Resolved: 3, Early: 1, OnTime: 1, Late: 1, Pending: 2, LateTotal: 1}, 200.0 / 3, 5},
		{"2025: D9 pending at the year's end, not yet due", "", "", "2025", Counts{Received: 1, Direct: 1, Pending: 1}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := r.Cell(tt.agency, tt.field, "", p(tt.period))
			if got := strip(c); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Cell(%s) =\n%+v\nwant\n%+v", tt.period, got, tt.want)
			}
			if rate, ok := c.OnTimeRate(); ok != (c.Resolved > 0) || (ok && rate != tt.rate) {
				t.Errorf("OnTimeRate = %v, %v; want %v", rate, ok, tt.rate)
			}
			if med, ok := c.MedianDays(); ok && med != tt.median {
				t.Errorf("MedianDays = %v, want %v", med, tt.median)
			}
		})
	}
	late := r.Late("ubnd-huyen")
	var got []string
	for _, l := range late {
		got = append(got, l.ID)
	}
	want := []string{
		"ubnd-huyen/2.000815/2026-03-02/2026-03-05/1",
		"ubnd-huyen/1.012770/2026-02-23/2026-02-27/1",
		"ubnd-huyen/2.000815/2026-01-09/2026-01-10/1",
		"ubnd-huyen/2.000815/2025-12-29/2026-01-05/1",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("late ids = %q, want %q", got, want)
	}
	states := []struct {
		days  int
		state ApologyState
	}{{3, ApologyLate}, {2, ApologyOnTime}, {1, ApologyMissing}, {1, ApologyMissing}}
	for i, s := range states {
		if late[i].DaysLate != s.days || late[i].State != s.state {
			t.Errorf("late[%d] = %d days, state %d; want %d, %d", i, late[i].DaysLate, late[i].State, s.days, s.state)
		}
	}
	if late[0].ApologyDue != day(t, "2026-03-04") || late[1].ApologyDue != day(t, "2026-02-26") {
		t.Errorf("apology due = %s, %s; want 2026-03-04, 2026-02-26", late[0].ApologyDue, late[1].ApologyDue)
	}
	if ms := r.Months(); len(ms) != 4 || ms[0] != p("2025-12") || ms[3] != p("2026-03") {
		t.Errorf("Months = %v", ms)
	}
	// Two days later the same export: nothing new, D5 two days later.
	r2 := NewReport(NewSet([]*Batch{b}), ReportOptions{Today: day(t, "2026-03-12"), Workdays: w, ApologyDays: DefaultApologyDays})
	if l := r2.Late("")[0]; l.ID != want[0] || l.DaysLate != 5 {
		t.Errorf("two days later: %s, %d days; want %s, 5", l.ID, l.DaysLate, want[0])
	}
}

func TestPeriods(t *testing.T) {
	tests := []struct {
		in          string
		first, last string
		vi, en      string
	}{
		{"2026", "2026-01-01", "2026-12-31", "Năm 2026", "2026"},
		{"2026-Q1", "2026-01-01", "2026-03-31", "Quý I/2026", "Q1 2026"},
		{"2026-Q4", "2026-10-01", "2026-12-31", "Quý IV/2026", "Q4 2026"},
		{"2026-02", "2026-02-01", "2026-02-28", "Tháng 2/2026", "February 2026"},
		{"2028-02", "2028-02-01", "2028-02-29", "Tháng 2/2028", "February 2028"},
	}
	for _, tt := range tests {
		p, ok := ParsePeriod(tt.in)
		if !ok || p.String() != tt.in {
			t.Fatalf("ParsePeriod(%q) = %v, %v", tt.in, p, ok)
		}
		if p.First().String() != tt.first || p.Last().String() != tt.last || p.Label("vi") != tt.vi || p.Label("en") != tt.en {
			t.Errorf("%s: %s – %s, %q, %q; want %s – %s, %q, %q", tt.in, p.First(), p.Last(), p.Label("vi"), p.Label("en"), tt.first, tt.last, tt.vi, tt.en)
		}
	}
	for _, bad := range []string{"26", "2026-Q5", "2026-13", "2026-1", ""} {
		if _, ok := ParsePeriod(bad); ok {
			t.Errorf("ParsePeriod(%q) is accepted", bad)
		}
	}
}
