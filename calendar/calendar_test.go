package calendar

import (
	"testing"
	"time"
)

// vn parses "2006-01-02" or "2006-01-02 15:04" in Asia/Ho_Chi_Minh.
func vn(t testing.TB, s string) time.Time {
	t.Helper()
	layout := time.DateOnly
	if len(s) > 10 {
		layout = "2006-01-02 15:04"
	}
	tm, err := time.ParseInLocation(layout, s, Location)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestIsWorkingDay(t *testing.T) {
	cal := New(nil, nil)
	tests := []struct {
		day  string
		want bool
		why  string
	}{
		{"2026-02-13", true, "Friday before Tết 2026"},
		{"2026-02-14", false, "Tết 2026 starts (Saturday)"},
		{"2026-02-16", false, "Tết 2026, 29 Chạp"},
		{"2026-02-17", false, "Tết 2026, mùng 1"},
		{"2026-02-20", false, "Tết 2026, mùng 4"},
		{"2026-02-22", false, "Tết 2026 ends (Sunday)"},
		{"2026-02-23", true, "first working day after Tết 2026"},
		{"2026-01-01", false, "Tết Dương lịch"},
		{"2026-01-02", false, "2026 bridge day, swapped"},
		{"2026-01-10", true, "Saturday worked for 02/01/2026"},
		{"2026-04-26", false, "Giỗ Tổ 2026 (Sunday)"},
		{"2026-04-27", false, "compensation for Giỗ Tổ on Sunday"},
		{"2026-04-28", true, "Tuesday between the holidays"},
		{"2026-04-30", false, "30/4"},
		{"2026-05-01", false, "1/5"},
		{"2026-05-04", true, "Monday after 1/5"},
		{"2026-08-22", true, "Saturday worked for 31/08/2026"},
		{"2026-08-31", false, "2026 National Day bridge"},
		{"2026-09-01", false, "day before 2/9, chosen in 2026"},
		{"2026-09-02", false, "Quốc khánh"},
		{"2026-09-03", true, "Thursday after Quốc khánh 2026"},
		{"2025-01-27", false, "Tết 2025"},
		{"2025-01-31", false, "Tết 2025"},
		{"2025-02-03", true, "after Tết 2025"},
		{"2025-04-07", false, "Giỗ Tổ 2025"},
		{"2025-04-26", true, "Saturday worked for 02/05/2025"},
		{"2025-05-02", false, "2025 bridge day"},
		{"2025-09-01", false, "day before 2/9, chosen in 2025"},
		{"2027-02-05", false, "Tết 2027 (estimated block)"},
		{"2027-04-16", false, "Giỗ Tổ 2027"},
		{"2027-05-03", false, "compensation for 1/5/2027 on Saturday"},
		{"2028-01-03", false, "compensation for 1/1/2028 on Saturday"},
		{"2028-05-01", false, "1/5/2028 (Monday)"},
		{"2028-05-02", false, "compensation for 30/4/2028 on Sunday, after 1/5"},
		{"2028-05-03", true, "Wednesday after"},
		{"2030-04-12", false, "Giỗ Tổ 2030"},
		{"2031-09-01", false, "2031: 2/9 on Tuesday, day before by the rule"},
		{"2031-09-03", true, "2031: Wednesday after 2/9"},
		{"2026-03-07", false, "ordinary Saturday"},
		{"2026-03-09", true, "ordinary Monday"},
	}
	for _, tt := range tests {
		t.Run(tt.day, func(t *testing.T) {
			if got := cal.IsWorkingDay(vn(t, tt.day)); got != tt.want {
				t.Errorf("IsWorkingDay(%s) = %v, want %v (%s)", tt.day, got, tt.want, tt.why)
			}
		})
	}
}

func TestAddWorkingDays(t *testing.T) {
	cal := New(nil, nil)
	tests := []struct {
		name  string
		start time.Time
		n     int
		want  string // the deadline's day; the time is always 23:59:59
	}{
		{"thursday before Tết, 1 day", vn(t, "2026-02-12 10:00"), 1, "2026-02-13"},
		{"last day before Tết, 1 day jumps Tết", vn(t, "2026-02-13 16:30"), 1, "2026-02-23"},
		{"submitted during Tết", vn(t, "2026-02-17 09:00"), 1, "2026-02-23"},
		{"15 days across Tết 2026", vn(t, "2026-02-02 08:00"), 15, "2026-03-02"},
		{"saturday: monday is day 1", vn(t, "2026-03-07 11:00"), 1, "2026-03-09"},
		{"sunday evening: monday is day 1", vn(t, "2026-03-08 23:30"), 2, "2026-03-10"},
		{"late evening utc is next day in Vietnam", time.Date(2026, 2, 13, 18, 0, 0, 0, time.UTC), 1, "2026-02-23"},
		{"across Giỗ Tổ and 30/4–1/5 2026", vn(t, "2026-04-24 10:00"), 3, "2026-05-04"},
		{"across 30/4–2/5 2025", vn(t, "2025-04-29 10:00"), 1, "2025-05-05"},
		{"swapped Saturday counts", vn(t, "2025-04-25 10:00"), 1, "2025-04-26"},
		{"15 days default", vn(t, "2026-03-02 09:00"), 15, "2026-03-23"},
		{"zero days is the same day", vn(t, "2026-03-02 09:00"), 0, "2026-03-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cal.AddWorkingDays(tt.start, tt.n)
			want := vn(t, tt.want).Add(24*time.Hour - time.Second)
			if !got.Equal(want) {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.start, tt.n, got, want)
			}
			if tt.n > 0 {
				if back := cal.WorkingDaysBetween(tt.start, got); back != tt.n {
					t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.start, got, back, tt.n)
				}
			}
		})
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	cal := New(nil, nil)
	tests := []struct {
		a, b string
		want int
	}{
		{"2026-03-02 09:00", "2026-03-02 17:00", 0},
		{"2026-03-02", "2026-03-03", 1},
		{"2026-03-06", "2026-03-09", 1}, // Friday → Monday
		{"2026-02-13", "2026-02-23", 1}, // across Tết
		{"2026-02-02", "2026-03-02", 15},
		{"2026-03-03", "2026-03-02", -1},
		{"2026-03-07", "2026-03-08", 0}, // weekend only
	}
	for _, tt := range tests {
		if got := cal.WorkingDaysBetween(vn(t, tt.a), vn(t, tt.b)); got != tt.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	// The inverse property over a whole year of starts.
	for start := vn(t, "2026-01-01 10:00"); start.Year() == 2026; start = start.AddDate(0, 0, 1) {
		for _, n := range []int{1, 3, 10, 15} {
			if got := cal.WorkingDaysBetween(start, cal.AddWorkingDays(start, n)); got != n {
				t.Fatalf("WorkingDaysBetween(%s, AddWorkingDays(%d)) = %d", start, n, got)
			}
		}
	}
}

func TestCalendarOverrides(t *testing.T) {
	cal := New(
		[]time.Time{vn(t, "2031-01-22"), vn(t, "2031-01-23"), vn(t, "2026-03-10")}, // Tết 2031, a local holiday
		[]time.Time{vn(t, "2026-03-14"), vn(t, "2026-02-20")},                      // a Saturday worked, a Tết day worked
	)
	tests := []struct {
		day  string
		want bool
	}{
		{"2031-01-22", false},
		{"2031-01-23", false},
		{"2031-01-24", true},
		{"2026-03-10", false},
		{"2026-03-14", true},
		{"2026-02-20", true},
		{"2026-02-19", false},
	}
	for _, tt := range tests {
		if got := cal.IsWorkingDay(vn(t, tt.day)); got != tt.want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.day, got, tt.want)
		}
	}
	if first, last := DefaultYears(); first != 2025 || last != 2030 {
		t.Errorf("DefaultYears() = %d, %d", first, last)
	}
}
