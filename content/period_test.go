package content

import (
	"strings"
	"testing"
	"time"

	"github.com/congkhai/congkhai/calendar"
)

// TestDatasetPeriod: a dataset's period written either way gives both the
// disclosure period and the span its data covers.
func TestDatasetPeriod(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, calendar.Location) }
	tests := []struct {
		name, yaml string
		code       string
		start, end time.Time
		problem    string
	}{
		{"a year", "period: 2026", "2026", day(2026, 1, 1), day(2026, 12, 31), ""},
		{"a quarter", "period: 2026-Q3", "2026-Q3", day(2026, 7, 1), day(2026, 9, 30), ""},
		{"six months, the second quarter's report", "period: 6 tháng 2026", "2026-Q2", day(2026, 1, 1), day(2026, 6, 30), ""},
		{"nine months", "period: 2026-9T", "2026-Q3", day(2026, 1, 1), day(2026, 9, 30), ""},
		{"the second half", "period: 2026-H2", "2026-Q4", day(2026, 7, 1), day(2026, 12, 31), ""},
		{"a month", "period: tháng 2/2028", "2028-02", day(2028, 2, 1), day(2028, 2, 29), ""},
		{"dates of a year", "period:\n  start: 2026-01-01\n  end: 2026-12-31", "2026", day(2026, 1, 1), day(2026, 12, 31), ""},
		{"dates of a quarter", "period:\n  start: 2026-04-01\n  end: 2026-06-30", "2026-Q2", day(2026, 4, 1), day(2026, 6, 30), ""},
		{"dates of six months", "period:\n  start: 2026-01-01\n  end: 2026-06-30", "2026-Q2", day(2026, 1, 1), day(2026, 6, 30), ""},
		{"dates of five years", "period:\n  start: 2025-01-01\n  end: 2029-12-31", "", day(2025, 1, 1), day(2029, 12, 31), ""},
		{"a start alone", "period:\n  start: 2025-01-01", "", day(2025, 1, 1), time.Time{}, ""},
		{"end before start", "period:\n  start: 2026-02-01\n  end: 2026-01-01", "", time.Time{}, time.Time{}, "period end is before its start"},
		{"an unknown key", "period:\n  from: 2026-01-01", "", time.Time{}, time.Time{}, `period has no field "from"`},
		{"a list", "period: [2026]", "", time.Time{}, time.Time{}, "period: write a period"},
		{"not a period", "period: mùa xuân", "", time.Time{}, time.Time{}, `period "mùa xuân"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := baseSite()
			const p = "so-tai-chinh/du-lieu-x/index.md"
			files[p] = "---\ntitle: Dữ liệu\ncategory: ngan-sach\npublished: 2026-01-05\n" + tt.yaml + "\n---\nMô tả.\n"
			files["so-tai-chinh/du-lieu-x/bang.csv"] = "STT,Tên\n1,A\n"
			s, ps := mustLoad(t, mapFS(files), nil)
			if tt.problem != "" {
				if !hasProblem(ps, p, -1, tt.problem) {
					t.Fatalf("no problem %q:\n%s", tt.problem, problemsString(ps))
				}
				return
			}
			d, ok := s.Dataset("so-tai-chinh/du-lieu-x")
			if !ok {
				t.Fatalf("not loaded:\n%s", problemsString(ps))
			}
			if d.Disclosure.Period != tt.code || !d.PeriodStart.Equal(tt.start) || !d.PeriodEnd.Equal(tt.end) {
				t.Errorf("period %q, %v – %v; want %q, %v – %v", d.Disclosure.Period, d.PeriodStart, d.PeriodEnd, tt.code, tt.start, tt.end)
			}
		})
	}
}

// TestEncodeDatasetPeriod: a draft's period is written the way that keeps
// both its disclosure period and its span.
func TestEncodeDatasetPeriod(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, calendar.Location) }
	tests := []struct {
		name       string
		period     string
		start, end time.Time
		written    string
	}{
		{"a period alone", "2026-Q1", time.Time{}, time.Time{}, "period: 2026-Q1\n"},
		{"a period and its own span", "2026", day(2026, 1, 1), day(2026, 12, 31), "period: \"2026\"\n"},
		{"a span alone", "", day(2025, 1, 1), day(2029, 12, 31), "period:\n  start: 2025-01-01\n  end: 2029-12-31\n"},
		{"a period and another span: the span", "2026", day(2026, 1, 1), day(2027, 12, 31), "period:\n  start: 2026-01-01\n  end: 2027-12-31\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := DatasetDraft{Title: "Dữ liệu", Category: CatBudget, Published: day(2026, 1, 5), Disclosure: Disclosure{Period: tt.period},
				PeriodStart: tt.start, PeriodEnd: tt.end, Body: "x"}
			b, err := EncodeDataset(d)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), tt.written) {
				t.Fatalf("EncodeDataset wrote\n%s\nwant %q in it", b, tt.written)
			}
			back, ps := DecodeDataset(b)
			if len(ps) > 0 {
				t.Fatalf("DecodeDataset: %v", ps)
			}
			b2, err := EncodeDataset(back)
			if err != nil || string(b2) != string(b) {
				t.Errorf("not stable through DecodeDataset:\n%s\n---\n%s", b, b2)
			}
		})
	}
}

// TestParsePeriodSpan: the exported reading of a period is the loader's, with
// the span the period covers.
func TestParsePeriodSpan(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, calendar.Location) }
	tests := []struct {
		in         string
		code       string
		start, end time.Time
		ok         bool
	}{
		{"2025", "2025", day(2025, 1, 1), day(2025, 12, 31), true},
		{" quý I/2026 ", "2026-Q1", day(2026, 1, 1), day(2026, 3, 31), true},
		{"6 tháng 2026", "2026-Q2", day(2026, 1, 1), day(2026, 6, 30), true},
		{"2026-03", "2026-03", day(2026, 3, 1), day(2026, 3, 31), true},
		{"quy-1-2025", "", time.Time{}, time.Time{}, false},
		{"mùa xuân", "", time.Time{}, time.Time{}, false},
		{"", "", time.Time{}, time.Time{}, false},
	}
	for _, tt := range tests {
		code, start, end, ok := ParsePeriod(tt.in)
		if code != tt.code || !start.Equal(tt.start) || !end.Equal(tt.end) || ok != tt.ok {
			t.Errorf("ParsePeriod(%q) = %q, %v, %v, %v; want %q, %v, %v, %v", tt.in, code, start, end, ok, tt.code, tt.start, tt.end, tt.ok)
		}
	}
}

func TestCheckSpan(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, calendar.Location) }
	var zero time.Time
	tests := []struct {
		period     string
		start, end time.Time
		want       SpanProblem
	}{
		{"", zero, zero, SpanOK},
		{"", day(2025, 1, 1), day(2029, 12, 31), SpanOK},
		{"", day(2026, 2, 1), day(2026, 1, 1), SpanReversed},
		{"2026", zero, zero, SpanOK},
		{"2026", day(2026, 1, 1), day(2026, 12, 31), SpanOK},
		{"quý I/2026", day(2026, 1, 1), day(2026, 3, 31), SpanOK},
		{"quý I/2026", day(2026, 1, 1), day(2026, 6, 30), SpanDisagrees},
		{"2026", day(2026, 1, 1), zero, SpanDisagrees},
		{"2026", day(2026, 12, 31), day(2026, 1, 1), SpanReversed},
		{"not a period", day(2026, 1, 1), day(2026, 3, 31), SpanOK},
	}
	for _, tt := range tests {
		got, _, _ := CheckSpan(tt.period, tt.start, tt.end)
		if got != tt.want {
			t.Errorf("CheckSpan(%q, %s, %s) = %d, want %d", tt.period, tt.start.Format(time.DateOnly), tt.end.Format(time.DateOnly), got, tt.want)
		}
	}
	if _, s, e := CheckSpan("quý II/2026", day(2026, 4, 1), day(2026, 5, 31)); !s.Equal(day(2026, 4, 1)) || !e.Equal(day(2026, 6, 30)) {
		t.Errorf("CheckSpan(quý II/2026) span %s – %s, want 2026-04-01 – 2026-06-30", s, e)
	}
}
