package calendar

import (
	"time"
)

// Location is Asia/Ho_Chi_Minh, the zone of every civil date the portal
// handles (deadlines, holidays, the dates of notices), or a fixed UTC+7 zone
// named "ICT" when the system has no time zone database (Vietnam has kept
// +07:00 without daylight saving since 1975, so the dates are the same). The
// binary embeds the zone database (time/tzdata). Treat it as a constant, like
// time.UTC.
var Location = loadLocation()

func loadLocation() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*60*60)
}

// date is a civil date in Vietnam.
type date struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) date {
	y, m, d := t.In(Location).Date()
	return date{y, m, d}
}

func (d date) time() time.Time { return time.Date(d.y, d.m, d.d, 0, 0, 0, 0, Location) }

func (d date) add(days int) date { return dateOf(d.time().AddDate(0, 0, days)) }

func (d date) weekend() bool {
	wd := d.time().Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

func ymd(y int, m time.Month, day int) date { return date{y, m, day} }

// yearDefaults is what the government decided (or, for years not yet decided,
// what its precedents suggest) for one year. Statutory days that fall on a
// weekend get a compensatory day off on the next working day (Bộ luật Lao động
// 2019, art. 112(3)); Tết is given as the whole block of weekdays off, because
// each year's decision already places those compensations.
type yearDefaults struct {
	tet       [2]date // first and last day of the Tết break (weekends inside included)
	hungKings date    // Giỗ Tổ Hùng Vương, 10/3 âm lịch
	nationDay date    // the day before or after 2/9 chosen that year (1/9 or 3/9)
	bridgeOff []date  // weekdays off by swap (hoán đổi ngày làm việc)
	bridgeOn  []date  // Saturdays worked in exchange
}

// defaultYears holds the lunar holidays and the yearly choices for 2025–2030.
//
// Sources: 2025 — Văn phòng Chính phủ 8726/VPCP-KGVX (Tết 25/01–02/02), the
// government's notice of 03/2025 (Giỗ Tổ 07/04; 30/4–04/5 with 02/05 swapped
// for Saturday 26/04) and of 08/2025 (Quốc khánh 1/9 + 2/9); 2026 — Bộ Nội vụ
// notice of 17/10/2025 (Tết 14/02–22/02; Quốc khánh 29/8–2/9 with 1/9 chosen and
// 31/8 swapped for Saturday 22/8), Văn phòng Chính phủ 25/12/2025 (Tết Dương
// lịch 1–4/1 with 02/01 swapped for Saturday 10/01), Giỗ Tổ on Sunday 26/04
// compensated on 27/04.
//
// 2027–2030 are not decided yet. The lunar dates (Tết, Giỗ Tổ) are computed
// with Hồ Ngọc Đức's algorithm for UTC+7 (note Tết 2030 is 02/02 in Vietnam,
// 03/02 in China). The Tết blocks and the 1/9-or-3/9 choice follow the
// precedents of recent years (New Year on a Saturday → 28 Chạp to mùng 5, as in
// 2024; on a Tuesday or Wednesday → the Monday–Friday week around it, as in 2025
// and 2026) and no bridge swaps are assumed: a site corrects them through
// New's holidays and working days once the decision is published.
var defaultYears = map[int]yearDefaults{
	2025: {
		tet: [2]date{ymd(2025, 1, 25), ymd(2025, 2, 2)}, hungKings: ymd(2025, 4, 7), nationDay: ymd(2025, 9, 1),
		bridgeOff: []date{ymd(2025, 5, 2)}, bridgeOn: []date{ymd(2025, 4, 26)},
	},
	2026: {
		tet: [2]date{ymd(2026, 2, 14), ymd(2026, 2, 22)}, hungKings: ymd(2026, 4, 26), nationDay: ymd(2026, 9, 1),
		bridgeOff: []date{ymd(2026, 1, 2), ymd(2026, 8, 31)}, bridgeOn: []date{ymd(2026, 1, 10), ymd(2026, 8, 22)},
	},
	// Tết Đinh Mùi: mùng 1 is Saturday 06/02/2027.
	2027: {tet: [2]date{ymd(2027, 2, 4), ymd(2027, 2, 10)}, hungKings: ymd(2027, 4, 16), nationDay: ymd(2027, 9, 3)},
	// Tết Mậu Thân: mùng 1 is Wednesday 26/01/2028.
	2028: {tet: [2]date{ymd(2028, 1, 22), ymd(2028, 1, 30)}, hungKings: ymd(2028, 4, 4), nationDay: ymd(2028, 9, 1)},
	// Tết Kỷ Dậu: mùng 1 is Tuesday 13/02/2029.
	2029: {tet: [2]date{ymd(2029, 2, 10), ymd(2029, 2, 18)}, hungKings: ymd(2029, 4, 23), nationDay: ymd(2029, 9, 3)},
	// Tết Canh Tuất: mùng 1 is Saturday 02/02/2030.
	2030: {tet: [2]date{ymd(2030, 1, 31), ymd(2030, 2, 6)}, hungKings: ymd(2030, 4, 12), nationDay: ymd(2030, 9, 3)},
}

// adjacentNationDay is the 1/9-or-3/9 choice for a year outside defaultYears,
// following the choices of 2021–2026: the side that makes the longer break.
func adjacentNationDay(year int) date {
	switch ymd(year, 9, 2).time().Weekday() {
	case time.Monday, time.Thursday, time.Sunday:
		return ymd(year, 9, 3)
	default:
		return ymd(year, 9, 1)
	}
}

// Calendar is the Vietnamese working-day calendar of state agencies: Monday to
// Friday, except public holidays (Bộ luật Lao động 2019, art. 112: 1/1, Tết,
// Giỗ Tổ Hùng Vương, 30/4, 1/5, 2/9 and one adjacent day), their compensatory
// days and the government's yearly swaps. A Calendar is safe for concurrent use.
type Calendar struct {
	off map[date]bool // non-working weekdays
	on  map[date]bool // working weekend days
}

// New returns the calendar with the built-in holidays (fixed-date
// holidays for every year; lunar holidays and yearly choices for 2025–2030, see
// DefaultYears), plus the extra holidays (lunar holidays of other years, bridge
// days) and working days (Saturdays worked in exchange) a site declares. A
// declared working day wins over everything; a declared holiday over the
// built-in working days. Only the dates of the arguments matter, read in
// Asia/Ho_Chi_Minh.
func New(holidays, workingDays []time.Time) *Calendar {
	c := &Calendar{off: map[date]bool{}, on: map[date]bool{}}
	for y := 1990; y <= 2100; y++ {
		c.addYear(y)
	}
	for _, t := range holidays {
		k := dateOf(t)
		delete(c.on, k)
		if !k.weekend() {
			c.off[k] = true
		}
	}
	for _, t := range workingDays {
		k := dateOf(t)
		delete(c.off, k)
		if k.weekend() {
			c.on[k] = true
		}
	}
	return c
}

// DefaultYears returns the first and last year for which the built-in calendar
// knows the lunar holidays; outside them, New's holidays must supply Tết
// and Giỗ Tổ.
func DefaultYears() (first, last int) { return 2025, 2030 }

func (c *Calendar) addYear(y int) {
	def, known := defaultYears[y]
	statutory := []date{ymd(y, 1, 1), ymd(y, 4, 30), ymd(y, 5, 1), ymd(y, 9, 2)}
	if known {
		statutory = append(statutory, def.nationDay, def.hungKings)
		for k := def.tet[0]; k != def.tet[1].add(1); k = k.add(1) {
			if !k.weekend() {
				c.off[k] = true
			}
		}
		for _, k := range def.bridgeOff {
			c.off[k] = true
		}
		for _, k := range def.bridgeOn {
			c.on[k] = true
		}
	} else {
		statutory = append(statutory, adjacentNationDay(y))
	}
	holiday := map[date]bool{}
	for _, k := range statutory {
		holiday[k] = true
	}
	// Weekday holidays first, so that a compensation skips them (30/4 on a
	// Sunday and 1/5 on Monday give Tuesday 2/5 off).
	for _, k := range statutory {
		if !k.weekend() {
			c.off[k] = true
		}
	}
	for _, k := range statutory {
		if !k.weekend() {
			continue
		}
		n := k.add(1)
		for n.weekend() || c.off[n] {
			n = n.add(1)
		}
		c.off[n] = true
	}
}

func (c *Calendar) working(k date) bool {
	if c.on[k] {
		return true
	}
	return !k.weekend() && !c.off[k]
}

// IsWorkingDay reports whether the day of t (in Asia/Ho_Chi_Minh) is a working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool { return c.working(dateOf(t)) }

// endOfDay is the last second of the day, the moment a deadline expires.
func endOfDay(k date) time.Time {
	return time.Date(k.y, k.m, k.d, 23, 59, 59, 0, Location)
}

// AddWorkingDays returns the deadline of a term of n working days starting at
// start: the end (23:59:59, Asia/Ho_Chi_Minh) of the nth working day after the
// day of start. The day of submission itself never counts (Bộ luật Dân sự 2015,
// art. 147: a term starts the day after the event), so a submission on a
// working day counts from the next working day, and one on a weekend or holiday
// counts from the first working day after it (a Saturday submission has Monday
// as day 1). n ≤ 0 returns the end of the day of start.
func (c *Calendar) AddWorkingDays(start time.Time, n int) time.Time {
	k := dateOf(start)
	for i := 0; i < n; {
		k = k.add(1)
		if c.working(k) {
			i++
		}
	}
	return endOfDay(k)
}

// WorkingDaysBetween returns the number of working days after the day of a up
// to and including the day of b, negative when b is before a. It is the
// inverse of AddWorkingDays: WorkingDaysBetween(s, AddWorkingDays(s, n)) == n
// for n ≥ 1, and an answer given on the day of submission took 0 working days.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	ka, kb := dateOf(a), dateOf(b)
	sign := 1
	if kb.time().Before(ka.time()) {
		ka, kb, sign = kb, ka, -1
	}
	n := 0
	for k := ka.add(1); !kb.time().Before(k.time()); k = k.add(1) {
		if c.working(k) {
			n++
		}
	}
	return sign * n
}
