package content

import (
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/congkhai/congkhai/calendar"
)

// A dataset's period is written one of two ways: as the period a disclosure
// covers ("2026", "2026-Q1", "quý I/2026", "6 tháng 2026", "2026-03"), which
// the accountability rules read and which also gives the dates the data
// covers; or as those dates ({start, end}: the years a land price table is in
// force), which open data publishes (dct:temporal) and which give the
// disclosure period when they are exactly a year, a quarter, a month or the
// budget's first six or nine months.

// datasetPeriod is what a dataset's period: field holds.
type datasetPeriod struct {
	raw        string // a period as written (scalar form)
	start, end string // the span (mapping form)
	startLine  int
	endLine    int
}

// readPeriod reads the period node of a front matter; line gives the line
// of a key path.
func readPeriod(ps *problems, line func(...any) int, n *yaml.Node) datasetPeriod {
	var p datasetPeriod
	switch n.Kind {
	case 0:
	case yaml.ScalarNode:
		p.raw = strings.TrimSpace(n.Value)
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if v.Kind != yaml.ScalarNode {
				ps.add(line("period", k.Value), "period %s: write a date (2026-01-01)", k.Value)
				continue
			}
			switch k.Value {
			case "start":
				p.start, p.startLine = v.Value, line("period", "start")
			case "end":
				p.end, p.endLine = v.Value, line("period", "end")
			default:
				ps.add(line("period", k.Value), "period has no field %q: write a period (2026, 2026-Q1, 2026-03) or its start and end dates", k.Value)
			}
		}
	default:
		ps.add(line("period"), "period: write a period (2026, 2026-Q1, 2026-03) or its start and end dates")
	}
	return p
}

// ParsePeriod reads a period as a front matter's period: field may write it
// ("2026", "2026-Q1", "quý I/2026", "6 tháng 2026", "tháng 3/2026"), as the
// loader does: its normal form ("2026-Q2" for six months), and the first and
// last day it covers (Asia/Ho_Chi_Minh). ok is false when the loader would
// report the period as a problem.
func ParsePeriod(s string) (code string, start, end time.Time, ok bool) {
	s = strings.TrimSpace(s)
	if code, ok = parsePeriod(s); !ok {
		return "", start, end, false
	}
	start, end, ok = periodSpan(s, code)
	return code, start, end, ok
}

// A SpanProblem is how a dataset's period and the span written beside it
// (period_start, period_end) disagree; index.md holds one of them, so a
// span given with a period must be the period's own.
type SpanProblem int

const (
	SpanOK        SpanProblem = iota
	SpanReversed              // the end is before the start
	SpanDisagrees             // the span is not the period's (its first and last day are returned)
)

// CheckSpan checks a span given with period (either may be empty or zero),
// as a form or the API reads them. A period that does not parse is left to
// ParsePeriod's caller.
func CheckSpan(period string, start, end time.Time) (p SpanProblem, periodStart, periodEnd time.Time) {
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		return SpanReversed, periodStart, periodEnd
	}
	_, periodStart, periodEnd, ok := ParsePeriod(period)
	if ok && (!start.IsZero() || !end.IsZero()) && (!start.Equal(periodStart) || !end.Equal(periodEnd)) {
		return SpanDisagrees, periodStart, periodEnd
	}
	return SpanOK, periodStart, periodEnd
}

// periodSpan is the first and last day a normalised period covers (code
// from parsePeriod); raw, as written, tells the budget's cumulative six and
// nine months (and half-years) from the quarter whose report they are.
func periodSpan(raw, code string) (start, end time.Time, ok bool) {
	y, rest, _ := strings.Cut(code, "-")
	year, err := strconv.Atoi(y)
	if err != nil {
		return start, end, false
	}
	day := func(m time.Month, d int) time.Time { return time.Date(year, m, d, 0, 0, 0, 0, calendar.Location) }
	f := Fold(raw)
	switch {
	case rest == "":
		return day(1, 1), day(12, 31), true
	case strings.Contains(f, "6t") || strings.Contains(f, "h1") || strings.HasPrefix(f, "6 thang"):
		return day(1, 1), day(6, 30), true
	case strings.Contains(f, "9t") || strings.HasPrefix(f, "9 thang"):
		return day(1, 1), day(9, 30), true
	case strings.Contains(f, "h2"):
		return day(7, 1), day(12, 31), true
	case rest[0] == 'Q':
		q, _ := strconv.Atoi(rest[1:])
		first := time.Month(3*q - 2)
		return day(first, 1), day(first+3, 1).AddDate(0, 0, -1), true
	default:
		m, _ := strconv.Atoi(rest)
		return day(time.Month(m), 1), day(time.Month(m)+1, 1).AddDate(0, 0, -1), true
	}
}

// spanPeriod is the disclosure period whose span start–end is: a year, a
// quarter, a month, or the first six or nine months (the second and third
// quarters' reports); "" for any other span.
func spanPeriod(start, end time.Time) string {
	if start.IsZero() || end.IsZero() || start.Year() != end.Year() || start.Day() != 1 || end.AddDate(0, 0, 1).Day() != 1 {
		return ""
	}
	y := strconv.Itoa(start.Year())
	sm, em := start.Month(), end.Month()
	switch {
	case sm == 1 && em == 12:
		return y
	case sm == em:
		return y + "-" + twoDigits(int(sm))
	case sm == 1 && em == 6:
		return y + "-Q2"
	case sm == 1 && em == 9:
		return y + "-Q3"
	case sm == 7 && em == 12:
		return y + "-Q4"
	case (sm-1)%3 == 0 && em == sm+2:
		return y + "-Q" + strconv.Itoa(int(sm-1)/3+1)
	}
	return ""
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// applyPeriod sets a parsed dataset's period fields from its front matter.
func applyPeriod(ps *problems, line func(...any) int, ds *Dataset, p datasetPeriod) {
	if p.raw != "" {
		if ds.Disclosure.Period != "" {
			ds.PeriodStart, ds.PeriodEnd, _ = periodSpan(p.raw, ds.Disclosure.Period)
		}
		return
	}
	if strings.TrimSpace(p.start) != "" {
		ds.PeriodStart = parseDateField(ps, p.startLine, "period start", p.start)
	}
	if strings.TrimSpace(p.end) != "" {
		ds.PeriodEnd = parseDateField(ps, p.endLine, "period end", p.end)
	}
	if !ds.PeriodStart.IsZero() && !ds.PeriodEnd.IsZero() && ds.PeriodEnd.Before(ds.PeriodStart) {
		ps.add(p.endLine, "period end is before its start")
	}
	ds.Disclosure.Period = spanPeriod(ds.PeriodStart, ds.PeriodEnd)
}

// datasetDisclosure writes a dataset's document_type, period and approved:
// the period as written when it says the span the draft covers (or the
// draft gives none), else the span.
func (e *encoder) datasetDisclosure(d DatasetDraft) {
	e.str("document_type", d.DocumentType)
	period := strings.TrimSpace(d.Period)
	if code, ok := parsePeriod(period); ok && !d.PeriodStart.IsZero() {
		if s, end, _ := periodSpan(period, code); !s.Equal(d.PeriodStart) || !end.Equal(d.PeriodEnd) {
			period = ""
		}
	}
	if period != "" || d.PeriodStart.IsZero() && d.PeriodEnd.IsZero() {
		e.str("period", period)
	} else {
		m := e.mapping()
		e.dateIn(m, "start", d.PeriodStart)
		e.dateIn(m, "end", d.PeriodEnd)
		e.set("period", m)
	}
	e.date("approved", d.Approved)
}
