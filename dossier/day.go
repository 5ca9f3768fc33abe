package dossier

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/congkhai/congkhai/calendar"
)

// Day is a civil date in Asia/Ho_Chi_Minh, counted in days from 1970-01-01.
// The zero Day means "no date" (1970-01-01 is never a dossier's date).
type Day int32

// DayOf returns the day of t in Asia/Ho_Chi_Minh; the zero time gives the
// zero Day.
func DayOf(t time.Time) Day {
	if t.IsZero() {
		return 0
	}
	y, m, d := t.In(calendar.Location).Date()
	return dayOfDate(y, m, d)
}

// dayOfDate counts days from 1970-01-01 with the proleptic Gregorian calendar
// (no time zone involved: the date is already civil).
func dayOfDate(y int, m time.Month, d int) Day {
	return Day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// Date returns the day's year, month and day.
func (d Day) Date() (int, time.Month, int) {
	return time.Unix(int64(d)*86400, 0).UTC().Date()
}

// Time returns midnight of the day in Asia/Ho_Chi_Minh; the zero Day gives
// the zero time.
func (d Day) Time() time.Time {
	if d == 0 {
		return time.Time{}
	}
	y, m, dd := d.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, calendar.Location)
}

// String writes the day as 2006-01-02, "" for the zero Day.
func (d Day) String() string {
	if d == 0 {
		return ""
	}
	y, m, dd := d.Date()
	return fmt.Sprintf("%04d-%02d-%02d", y, int(m), dd)
}

// VN writes the day as the portal shows dates, 02/01/2006; "" for the zero Day.
func (d Day) VN() string {
	if d == 0 {
		return ""
	}
	y, m, dd := d.Date()
	return fmt.Sprintf("%02d/%02d/%04d", dd, int(m), y)
}

// Workdays answers working-day questions in constant time over a range of
// days, from a calendar.Calendar: the calendar walks day by day, and an
// indicator over a million dossiers asks several questions per dossier.
// Outside its range it asks the calendar. A Workdays is read-only once made
// and safe for concurrent use.
type Workdays struct {
	cal   *calendar.Calendar
	first Day
	// count[i] is the number of working days in [first, first+i].
	count []int32
}

// NewWorkdays indexes the working days of cal from the first day of the year
// from to the last day of the year to.
func NewWorkdays(cal *calendar.Calendar, from, to int) *Workdays {
	w := &Workdays{cal: cal, first: dayOfDate(from, 1, 1)}
	last := dayOfDate(to, 12, 31)
	w.count = make([]int32, last-w.first+1)
	n := int32(0)
	for i := range w.count {
		if cal.IsWorkingDay((w.first + Day(i)).Time()) {
			n++
		}
		w.count[i] = n
	}
	return w
}

func (w *Workdays) in(d Day) bool { return d >= w.first && int(d-w.first) < len(w.count) }

// Working reports whether d is a working day.
func (w *Workdays) Working(d Day) bool {
	if !w.in(d) {
		return w.cal.IsWorkingDay(d.Time())
	}
	i := d - w.first
	if i == 0 {
		return w.count[0] == 1
	}
	return w.count[i] != w.count[i-1]
}

// Between is calendar.WorkingDaysBetween for days: the working days after a up
// to and including b, negative when b is before a.
func (w *Workdays) Between(a, b Day) int {
	if w.in(a) && w.in(b) {
		return int(w.count[b-w.first] - w.count[a-w.first])
	}
	return w.cal.WorkingDaysBetween(a.Time(), b.Time())
}

// Add is calendar.AddWorkingDays for days: the nth working day after a (a
// itself for n = 0). A negative n counts back: -1 is the last working day
// before a.
func (w *Workdays) Add(a Day, n int) Day {
	switch {
	case n == 0:
		return a
	case n > 0:
		if w.in(a) {
			want := w.count[a-w.first] + int32(n)
			i := sort.Search(len(w.count), func(i int) bool { return w.count[i] >= want })
			if i < len(w.count) {
				return w.first + Day(i)
			}
		}
		return DayOf(w.cal.AddWorkingDays(a.Time(), n))
	}
	d := a
	for n < 0 {
		d--
		if w.Working(d) {
			n++
		}
	}
	return d
}

// PeriodKind is the length of a period.
type PeriodKind uint8

// The period kinds.
const (
	Year PeriodKind = iota + 1
	Quarter
	Month
)

// Period is a year, a quarter or a month.
type Period struct {
	Kind  PeriodKind
	Year  int
	Index int // quarter 1–4 or month 1–12; 0 for a year
}

// ParsePeriod reads "2026", "2026-Q3" or "2026-03" (the forms content
// normalises front matter to).
func ParsePeriod(s string) (Period, bool) {
	y, rest, _ := strings.Cut(s, "-")
	year, err := strconv.Atoi(y)
	if err != nil || len(y) != 4 {
		return Period{}, false
	}
	switch {
	case rest == "":
		return Period{Year, year, 0}, true
	case len(rest) == 2 && rest[0] == 'Q' && rest[1] >= '1' && rest[1] <= '4':
		return Period{Quarter, year, int(rest[1] - '0')}, true
	}
	m, err := strconv.Atoi(rest)
	if err != nil || m < 1 || m > 12 || len(rest) != 2 {
		return Period{}, false
	}
	return Period{Month, year, m}, true
}

// PeriodOf returns the period of the kind that holds d.
func PeriodOf(k PeriodKind, d Day) Period {
	y, m, _ := d.Date()
	switch k {
	case Quarter:
		return Period{Quarter, y, (int(m)-1)/3 + 1}
	case Month:
		return Period{Month, y, int(m)}
	}
	return Period{Year, y, 0}
}

// String writes the period as ParsePeriod reads it.
func (p Period) String() string {
	switch p.Kind {
	case Quarter:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.Index)
	case Month:
		return fmt.Sprintf("%04d-%02d", p.Year, p.Index)
	}
	return fmt.Sprintf("%04d", p.Year)
}

// First is the period's first day.
func (p Period) First() Day {
	switch p.Kind {
	case Quarter:
		return dayOfDate(p.Year, time.Month(3*p.Index-2), 1)
	case Month:
		return dayOfDate(p.Year, time.Month(p.Index), 1)
	}
	return dayOfDate(p.Year, 1, 1)
}

// Last is the period's last day.
func (p Period) Last() Day { return p.Next().First() - 1 }

// Next is the period after p.
func (p Period) Next() Period {
	switch p.Kind {
	case Quarter:
		if p.Index == 4 {
			return Period{Quarter, p.Year + 1, 1}
		}
		return Period{Quarter, p.Year, p.Index + 1}
	case Month:
		if p.Index == 12 {
			return Period{Month, p.Year + 1, 1}
		}
		return Period{Month, p.Year, p.Index + 1}
	}
	return Period{Year, p.Year + 1, 0}
}

// Contains reports whether d falls in the period.
func (p Period) Contains(d Day) bool { return d >= p.First() && d <= p.Last() }

// Label names the period for readers: "Năm 2026", "Quý III/2026", "Tháng
// 3/2026" in Vietnamese, "2026", "Q3 2026", "March 2026" in English.
func (p Period) Label(lang string) string {
	roman := [...]string{"", "I", "II", "III", "IV"}
	if lang == "en" {
		switch p.Kind {
		case Quarter:
			return fmt.Sprintf("Q%d %d", p.Index, p.Year)
		case Month:
			return fmt.Sprintf("%s %d", time.Month(p.Index), p.Year)
		}
		return strconv.Itoa(p.Year)
	}
	switch p.Kind {
	case Quarter:
		return fmt.Sprintf("Quý %s/%d", roman[p.Index], p.Year)
	case Month:
		return fmt.Sprintf("Tháng %d/%d", p.Index, p.Year)
	}
	return fmt.Sprintf("Năm %d", p.Year)
}

// Short names a month for a chart's axis, where twelve must fit side by
// side: "T3" (tháng 3), "Mar"; the chart's title gives the years. Other
// periods get their label.
func (p Period) Short(lang string) string {
	if p.Kind == Month {
		if lang == "en" {
			return time.Month(p.Index).String()[:3]
		}
		return fmt.Sprintf("T%d", p.Index)
	}
	return p.Label(lang)
}

// Span writes the months from p to q for a title: "12/2025 – 11/2026".
func Span(p, q Period) string {
	if p == q {
		return fmt.Sprintf("%d/%d", p.Index, p.Year)
	}
	return fmt.Sprintf("%d/%d – %d/%d", p.Index, p.Year, q.Index, q.Year)
}
