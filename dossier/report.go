package dossier

import (
	"cmp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// DefaultApologyDays is when the apology for a late dossier is due, in
// working days from the due date: the working day before it. Nghị định
// 61/2018/NĐ-CP, art. 17(3) (as amended by Nghị định 107/2021/NĐ-CP): "chậm
// nhất 01 ngày trước ngày hết hạn", the agency sends the applicant a letter of
// apology stating the reason and the new date (the "Phiếu xin lỗi và hẹn lại
// ngày trả kết quả" of Thông tư 01/2018/TT-VPCP).
const DefaultApologyDays = -1

// ReportOptions say on what day and calendar a Report is computed.
type ReportOptions struct {
	Today       Day
	Workdays    *Workdays
	ApologyDays int // DefaultApologyDays, or site.yaml's
}

// Counts are the indicators of a set of dossiers over a period. Received and
// its shares count the dossiers received in the period; Resolved and its
// split those resolved in it (whenever received); Pending and Overdue those
// not resolved at the period's end (today for the current period, which
// carry over from earlier periods); LateTotal the late ones among both, and
// NoReason, NoApology and ApologyLate are among LateTotal.
type Counts struct {
	Received, Online, Post, Direct int
	Withdrawn                      int
	Resolved, Early, OnTime, Late  int
	Pending, Overdue               int
	LateTotal                      int
	NoReason                       int // late without an explanation
	NoApology                      int // late without an apology past the day it was due
	ApologyLate                    int // late with an apology sent after the day it was due
	Digitized, DigitizedKnown      int
	EResult, EResultKnown          int
	// days[n] counts the dossiers resolved in n working days.
	days []int32
}

func (c *Counts) add(o *Counts) {
	c.Received += o.Received
	c.Online += o.Online
	c.Post += o.Post
	c.Direct += o.Direct
	c.Withdrawn += o.Withdrawn
	c.Resolved += o.Resolved
	c.Early += o.Early
	c.OnTime += o.OnTime
	c.Late += o.Late
	c.Pending += o.Pending
	c.Overdue += o.Overdue
	c.LateTotal += o.LateTotal
	c.NoReason += o.NoReason
	c.NoApology += o.NoApology
	c.ApologyLate += o.ApologyLate
	c.Digitized += o.Digitized
	c.DigitizedKnown += o.DigitizedKnown
	c.EResult += o.EResult
	c.EResultKnown += o.EResultKnown
	if len(o.days) > len(c.days) {
		c.days = append(c.days, make([]int32, len(o.days)-len(c.days))...)
	}
	for i, n := range o.days {
		c.days[i] += n
	}
}

func (c *Counts) took(days int) {
	if days < 0 {
		days = 0
	}
	if days >= len(c.days) {
		c.days = append(c.days, make([]int32, days+1-len(c.days))...)
	}
	c.days[days]++
}

// share is n/of as a percentage; ok is false when of is 0.
func share(n, of int) (float64, bool) {
	if of <= 0 {
		return 0, false
	}
	return 100 * float64(n) / float64(of), true
}

// OnTimeRate is the share of resolved dossiers resolved early or on time, in
// percent; ok is false when none was resolved.
func (c Counts) OnTimeRate() (float64, bool) { return share(c.Early+c.OnTime, c.Resolved) }

// OnlineShare is the share of received dossiers submitted online, in percent.
func (c Counts) OnlineShare() (float64, bool) { return share(c.Online, c.Received) }

// DigitizedShare is the share of received dossiers digitised, among those
// whose export says.
func (c Counts) DigitizedShare() (float64, bool) { return share(c.Digitized, c.DigitizedKnown) }

// EResultShare is the share of received dossiers with an electronic result,
// among those whose export says.
func (c Counts) EResultShare() (float64, bool) { return share(c.EResult, c.EResultKnown) }

// MedianDays is the median of the working days from receipt to result of the
// dossiers resolved in the period; ok is false when none was.
func (c Counts) MedianDays() (float64, bool) {
	n := 0
	for _, k := range c.days {
		n += int(k)
	}
	if n == 0 {
		return 0, false
	}
	at := func(rank int) int { // 0-based rank in ascending order
		seen := 0
		for d, k := range c.days {
			seen += int(k)
			if seen > rank {
				return d
			}
		}
		return len(c.days) - 1
	}
	if n%2 == 1 {
		return float64(at(n / 2)), true
	}
	return float64(at(n/2-1)+at(n/2)) / 2, true
}

// ApologyState is where a late dossier's apology stands.
type ApologyState uint8

// The apology states.
const (
	ApologyNotDue  ApologyState = iota + 1 // late, and the day the apology is due has not passed
	ApologyOnTime                          // sent by the day it was due
	ApologyLate                            // sent after the day it was due
	ApologyMissing                         // none, and the day it was due has passed
)

// LateItem is a late dossier as the public list shows it: never its code
// (the list must not hand out codes to look up) nor anything personal.
type LateItem struct {
	ID            string // stable over exports and restarts, for feeds: agency/procedure/dates/ordinal
	Agency        string
	Procedure     string
	ProcedureCode string
	Field         string
	Channel       Channel
	Received, Due Day
	Finished      Day // 0 while pending
	DaysLate      int // working days past the due date (at least 1), by the result or today
	Reason        string
	Apology       Day
	ApologyDue    Day
	State         ApologyState
	NewDue        Day
	HasLetter     bool
}

// Pending reports whether the dossier is still without a result.
func (l *LateItem) Pending() bool { return l.Finished == 0 }

// Since is the first day the dossier was late.
func (l *LateItem) Since() Day { return l.Due + 1 }

// ProcInfo is a procedure as an agency's dossiers name it.
type ProcInfo struct {
	Name, Code, Field string
}

// Report is the indicators of a Set on one day. It is immutable.
type Report struct {
	Today       Day
	ApologyDays int
	// First is the first month with a dossier received; the report's months
	// run from it to Today's month.
	First Period

	combos []combo
	comboN map[combo]int32
	cells  map[cellKey]*Counts
	rolled map[rollKey]*Counts
	late   []LateItem
	lateBy map[string][]int // agency → indexes into late
}

type combo struct{ agency, field, proc, procCode string }

type cellKey struct {
	combo  int32
	period int32
}

type rollKey struct {
	agency, field, proc string
	period              int32
}

func pkey(p Period) int32 { return int32(p.Kind)*1_000_000 + int32(p.Year)*100 + int32(p.Index) }

var periodKinds = [...]PeriodKind{Month, Quarter, Year}

// NewReport computes the indicators of s on opt.Today. Dossiers received after
// Today are left out (an export dated in the future is a mistake, not news).
func NewReport(s *Set, opt ReportOptions) *Report {
	today := opt.Today
	w := opt.Workdays
	r := &Report{Today: today, ApologyDays: opt.ApologyDays, comboN: map[combo]int32{}, cells: map[cellKey]*Counts{}, lateBy: map[string][]int{}}
	cell := func(c int32, p Period) *Counts {
		k := cellKey{c, pkey(p)}
		x := r.cells[k]
		if x == nil {
			x = &Counts{}
			r.cells[k] = x
		}
		return x
	}
	type batchCombo struct {
		b                         *Batch
		agency, field, proc, code uint32
	}
	comboOf := map[batchCombo]int32{}
	var first Day
	s.each(func(b *Batch, rc *rec) {
		if rc.received > today {
			return
		}
		if first == 0 || rc.received < first {
			first = rc.received
		}
		bk := batchCombo{b, rc.agency, rc.field, rc.proc, rc.procCode}
		ci, ok := comboOf[bk]
		if !ok {
			cb := combo{b.strs.get(rc.agency), b.strs.get(rc.field), b.strs.get(rc.proc), b.strs.get(rc.procCode)}
			if ci, ok = r.comboN[cb]; !ok {
				ci = int32(len(r.combos))
				r.combos = append(r.combos, cb)
				r.comboN[cb] = ci
			}
			comboOf[bk] = ci
		}
		resolved := (rc.status == StatusFinished || rc.status == StatusReturned) && rc.finished != 0 && rc.finished <= today
		apologyDue := w.Add(rc.due, opt.ApologyDays)
		for _, k := range periodKinds {
			pr := PeriodOf(k, rc.received)
			c := cell(ci, pr)
			c.Received++
			switch rc.channel {
			case ChannelOnline:
				c.Online++
			case ChannelPost:
				c.Post++
			case ChannelDirect:
				c.Direct++
			}
			if rc.digitized != Unknown {
				c.DigitizedKnown++
				if rc.digitized == Yes {
					c.Digitized++
				}
			}
			if rc.eResult != Unknown {
				c.EResultKnown++
				if rc.eResult == Yes {
					c.EResult++
				}
			}
			if rc.status == StatusWithdrawn {
				c.Withdrawn++
				continue
			}
			lateMark := func(c *Counts, at Day) {
				c.LateTotal++
				if rc.reason == 0 {
					c.NoReason++
				}
				switch apologyState(rc.apology, apologyDue, at) {
				case ApologyMissing:
					c.NoApology++
				case ApologyLate:
					c.ApologyLate++
				}
			}
			if resolved {
				pf := PeriodOf(k, rc.finished)
				c := cell(ci, pf)
				c.Resolved++
				c.took(w.Between(rc.received, rc.finished))
				switch {
				case rc.finished < rc.due:
					c.Early++
				case rc.finished == rc.due:
					c.OnTime++
				default:
					c.Late++
					lateMark(c, today)
				}
			}
			// Pending at the end of every period from the one it was
			// received in, while it has no result.
			for p := pr; p.First() <= today; p = p.Next() {
				end := min(p.Last(), today)
				if resolved && rc.finished <= end {
					break
				}
				c := cell(ci, p)
				c.Pending++
				if rc.status != StatusSuspended && rc.due < end {
					c.Overdue++
					lateMark(c, today)
				}
			}
		}
		// The list of late dossiers.
		var late bool
		var daysLate int
		switch {
		case resolved && rc.finished > rc.due:
			late, daysLate = true, w.Between(rc.due, rc.finished)
		case !resolved && rc.status != StatusWithdrawn && rc.status != StatusSuspended && rc.due < today:
			late, daysLate = true, w.Between(rc.due, today)
		}
		if late {
			it := LateItem{
				Agency: b.strs.get(rc.agency), Procedure: b.strs.get(rc.proc), ProcedureCode: b.strs.get(rc.procCode),
				Field: b.strs.get(rc.field), Channel: rc.channel, Received: rc.received, Due: rc.due, DaysLate: max(1, daysLate),
				Reason: b.strs.get(rc.reason), Apology: rc.apology, ApologyDue: apologyDue, NewDue: rc.new, HasLetter: rc.letter != 0,
				State: apologyState(rc.apology, apologyDue, today),
			}
			if resolved {
				it.Finished = rc.finished
			}
			// The code orders dossiers that share every public fact; it is
			// kept only while the ids are made.
			it.ID = string(b.code(rc))
			r.late = append(r.late, it)
		}
	})
	if first != 0 {
		r.First = PeriodOf(Month, first)
	} else {
		r.First = PeriodOf(Month, today)
	}
	r.makeIDs()
	r.roll()
	return r
}

func apologyState(sent, due, today Day) ApologyState {
	switch {
	case sent != 0 && sent <= due:
		return ApologyOnTime
	case sent != 0:
		return ApologyLate
	case today > due:
		return ApologyMissing
	}
	return ApologyNotDue
}

// makeIDs gives each late dossier a stable id made of public facts (agency,
// procedure, received and due dates) and its rank among the dossiers that
// share them, ordered by code; then sorts the list newest late first.
func (r *Report) makeIDs() {
	type keyed struct {
		key, code string
		i         int
	}
	ks := make([]keyed, len(r.late))
	for i := range r.late {
		l := &r.late[i]
		p := l.ProcedureCode
		if p == "" {
			p = l.Procedure
		}
		ks[i] = keyed{l.Agency + "/" + slugish(p) + "/" + l.Received.String() + "/" + l.Due.String(), l.ID, i}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return strings.Compare(a.code, b.code)
	})
	prev, n := "", 0
	for _, k := range ks {
		if k.key == prev {
			n++
		} else {
			prev, n = k.key, 1
		}
		r.late[k.i].ID = k.key + "/" + strconv.Itoa(n)
	}
	slices.SortStableFunc(r.late, func(a, b LateItem) int {
		if a.Due != b.Due {
			return cmp.Compare(b.Due, a.Due)
		}
		return strings.Compare(a.ID, b.ID)
	})
	for i := range r.late {
		r.lateBy[r.late[i].Agency] = append(r.lateBy[r.late[i].Agency], i)
	}
}

// slugish folds a procedure's name or code for an id: lower-case ASCII
// letters, digits and dots, words joined by hyphens ("1.012770",
// "chung-thuc-ban-sao").
func slugish(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		if f, ok := foldTable[r]; ok {
			r = f
		}
		r = unicode.ToLower(r)
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
		if b.Len() >= 80 {
			break
		}
	}
	return b.String()
}

// roll sums the cells into the views the pages read: per agency, field and
// procedure; per agency and field; per agency; per field; in all.
func (r *Report) roll() {
	r.rolled = map[rollKey]*Counts{}
	add := func(k rollKey, c *Counts) {
		x := r.rolled[k]
		if x == nil {
			x = &Counts{}
			r.rolled[k] = x
		}
		x.add(c)
	}
	for k, c := range r.cells {
		cb := r.combos[k.combo]
		proc := procKey(cb.proc, cb.procCode)
		add(rollKey{cb.agency, cb.field, proc, k.period}, c)
		add(rollKey{cb.agency, cb.field, "", k.period}, c)
		add(rollKey{cb.agency, "", "", k.period}, c)
		add(rollKey{"", cb.field, "", k.period}, c)
		add(rollKey{"", "", "", k.period}, c)
	}
}

func procKey(name, code string) string {
	if code != "" {
		return code + "\x00" + name
	}
	return "\x00" + name
}

// Cell returns the indicators of agency's dossiers ("" for every agency) of a
// field ("" for every field) and a procedure (its ProcKey, "" for every
// procedure; with a procedure, give its agency and field) over p.
func (r *Report) Cell(agency, field, proc string, p Period) Counts {
	if c := r.rolled[rollKey{agency, field, proc, pkey(p)}]; c != nil {
		return *c
	}
	return Counts{}
}

// ProcKey names a procedure for Cell.
func (p ProcInfo) Key() string { return procKey(p.Name, p.Code) }

// Agencies returns the agencies with dossiers, sorted.
func (r *Report) Agencies() []string {
	seen := map[string]bool{}
	for _, c := range r.combos {
		seen[c.agency] = true
	}
	return sortedKeys(seen)
}

// Fields returns the fields of agency's dossiers ("" for every agency), sorted.
func (r *Report) Fields(agency string) []string {
	seen := map[string]bool{}
	for _, c := range r.combos {
		if agency == "" || c.agency == agency {
			seen[c.field] = true
		}
	}
	return sortedKeys(seen)
}

// Procedures returns the procedures of agency's dossiers, by field then name.
func (r *Report) Procedures(agency string) []ProcInfo {
	seen := map[ProcInfo]bool{}
	for _, c := range r.combos {
		if c.agency == agency {
			seen[ProcInfo{c.proc, c.procCode, c.field}] = true
		}
	}
	out := make([]ProcInfo, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Field != b.Field {
			return a.Field < b.Field
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Code < b.Code
	})
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Months returns the months from First to Today's, oldest first.
func (r *Report) Months() []Period { return r.periods(Month) }

// Quarters and Years are Months by quarter and by year.
func (r *Report) Quarters() []Period { return r.periods(Quarter) }
func (r *Report) Years() []Period    { return r.periods(Year) }

func (r *Report) periods(k PeriodKind) []Period {
	var out []Period
	last := PeriodOf(k, r.Today)
	for p := PeriodOf(k, r.First.First()); p.First() <= last.First(); p = p.Next() {
		out = append(out, p)
	}
	return out
}

// Late returns the late dossiers of agency ("" for every agency), the most
// recently due first. The slice is shared: do not change it.
func (r *Report) Late(agency string) []LateItem {
	if agency == "" {
		return r.late
	}
	idx := r.lateBy[agency]
	out := make([]LateItem, len(idx))
	for i, j := range idx {
		out[i] = r.late[j]
	}
	return out
}
