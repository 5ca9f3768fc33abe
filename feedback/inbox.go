package feedback

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/congkhai/congkhai/calendar"
)

// Inbox filters.
const (
	FilterNew      = "new"      // nobody holds it yet
	FilterMine     = "mine"     // open and held by InboxQuery.StaffID
	FilterDueSoon  = "due_soon" // open, deadline within DueSoonDays working days
	FilterOverdue  = "overdue"  // open, deadline passed
	FilterAnswered = "answered" // answered, not closed
	FilterAll      = "all"
)

// Filters returns the inbox filters in the order the console shows them, in a
// new slice the caller may change.
func Filters() []string {
	return []string{FilterNew, FilterMine, FilterDueSoon, FilterOverdue, FilterAnswered, FilterAll}
}

// DueSoonDays is the horizon of the "due_soon" filter, in working days.
const DueSoonDays = 3

// PageSize is the number of rows per page of Inbox and PublicQA.
const PageSize = 25

// InboxQuery selects a page of a staff member's inbox.
type InboxQuery struct {
	Agency  []string // agencies the member may see; empty means all (site admins only)
	Filter  string   // one of Filters; "" means all
	StaffID int64    // for "mine"
	Page    int      // 1-based; < 1 means 1
	Now     time.Time
}

// Inbox is a page of submissions with the number in each filter.
type Inbox struct {
	Items  []*Submission
	Counts map[string]int // filter → number of submissions
	Total  int            // in the selected filter
	Page   int
	Pages  int
}

// filterSQL returns the condition and arguments of a filter.
func (s *Store) filterSQL(filter string, staffID int64, now time.Time) (string, []any) {
	open := `status IN ('new', 'assigned')`
	switch filter {
	case FilterNew:
		return `status = 'new'`, nil
	case FilterMine:
		return open + ` AND assigned_to = ?`, []any{staffID}
	case FilterDueSoon:
		return open + ` AND due_at >= ? AND due_at <= ?`, []any{s.ts(now), s.ts(s.cal.AddWorkingDays(now, DueSoonDays))}
	case FilterOverdue:
		return open + ` AND due_at < ?`, []any{s.ts(now)}
	case FilterAnswered:
		return `status = 'answered'`, nil
	}
	return `1 = 1`, nil
}

func agencyCond(agencies []string) (string, []any) {
	if len(agencies) == 0 {
		return `1 = 1`, nil
	}
	args := make([]any, len(agencies))
	for i, a := range agencies {
		args[i] = a
	}
	return `agency IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(agencies)), ", ") + `)`, args
}

// Inbox returns a page of the submissions of q.Agency in q.Filter, the open
// ones by deadline, the others newest first, with the count of each filter.
// An unknown filter is an error.
func (s *Store) Inbox(ctx context.Context, q InboxQuery) (*Inbox, error) {
	if q.Filter == "" {
		q.Filter = FilterAll
	}
	filters := Filters()
	if !slices.Contains(filters, q.Filter) {
		return nil, fmt.Errorf("feedback: inbox: unknown filter %q", q.Filter)
	}
	if q.Now.IsZero() {
		q.Now = s.now()
	}
	q.Page = max(q.Page, 1)
	agency, aargs := agencyCond(q.Agency)

	// Counts of every filter in one pass.
	var sums []string
	var args []any
	for _, f := range filters {
		cond, fargs := s.filterSQL(f, q.StaffID, q.Now)
		sums = append(sums, `COALESCE(SUM(CASE WHEN `+cond+` THEN 1 ELSE 0 END), 0)`)
		args = append(args, fargs...)
	}
	args = append(args, aargs...)
	counts := make([]int, len(filters))
	dst := make([]any, len(filters))
	for i := range counts {
		dst[i] = &counts[i]
	}
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT `+strings.Join(sums, ", ")+` FROM submissions WHERE `+agency), args...).Scan(dst...); err != nil {
		return nil, fmt.Errorf("feedback: inbox counts: %w", err)
	}
	in := &Inbox{Counts: map[string]int{}, Page: q.Page}
	for i, f := range filters {
		in.Counts[f] = counts[i]
	}
	in.Total = in.Counts[q.Filter]
	in.Pages = max(1, (in.Total+PageSize-1)/PageSize)

	cond, fargs := s.filterSQL(q.Filter, q.StaffID, q.Now)
	order := `due_at, id`
	if q.Filter == FilterAll || q.Filter == FilterAnswered {
		order = `created_at DESC, id DESC`
	}
	items, err := s.querySubmissions(ctx, s.db, `SELECT `+subCols+` FROM submissions WHERE `+cond+` AND `+agency+
		` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(append(fargs, aargs...), PageSize, (q.Page-1)*PageSize)...)
	if err != nil {
		return nil, fmt.Errorf("feedback: inbox: %w", err)
	}
	in.Items = items
	return in, nil
}

// Overdue returns the open submissions whose deadline passed before now,
// oldest deadline first, for reminders.
func (s *Store) Overdue(ctx context.Context, now time.Time) ([]*Submission, error) {
	cond, args := s.filterSQL(FilterOverdue, 0, now)
	out, err := s.querySubmissions(ctx, s.db, `SELECT `+subCols+` FROM submissions WHERE `+cond+` ORDER BY due_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("feedback: overdue: %w", err)
	}
	return out, nil
}

// DueSoon returns the open submissions whose deadline falls within the next
// days working days (not yet passed), soonest first, for reminders.
func (s *Store) DueSoon(ctx context.Context, now time.Time, days int) ([]*Submission, error) {
	out, err := s.querySubmissions(ctx, s.db, `SELECT `+subCols+` FROM submissions
		WHERE status IN ('new', 'assigned') AND due_at >= ? AND due_at <= ? ORDER BY due_at, id`,
		s.ts(now), s.ts(s.cal.AddWorkingDays(now, days)))
	if err != nil {
		return nil, fmt.Errorf("feedback: due soon: %w", err)
	}
	return out, nil
}

// PublicQA is a published question and answer: no personal data.
type PublicQA struct {
	ID          int64
	Type        Type
	Agency      string
	TargetPath  string
	TargetTitle string
	Question    string
	Answer      string
	AskedAt     time.Time
	AnsweredAt  time.Time
	PublishedAt time.Time
}

// PublicQA returns a page of the published questions and answers of the
// agency ("" for all), newest first, and how many there are in all.
func (s *Store) PublicQA(ctx context.Context, agency string, page int) ([]PublicQA, int, error) {
	page = max(page, 1)
	where := `public = ?`
	args := []any{true}
	if agency != "" {
		where += ` AND agency = ?`
		args = append(args, agency)
	}
	var total int
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM submissions WHERE `+where), args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("feedback: public q&a: %w", err)
	}
	out, err := s.queryPublicQA(ctx, where+` ORDER BY published_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, PageSize, (page-1)*PageSize)...)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// PublishedQA returns one published question and answer. Errors: ErrNotFound
// when there is no such submission or it is not public.
func (s *Store) PublishedQA(ctx context.Context, id int64) (*PublicQA, error) {
	out, err := s.queryPublicQA(ctx, `public = ? AND id = ?`, true, id)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, ErrNotFound
	}
	return &out[0], nil
}

// AllPublicQA returns every published question and answer, oldest first (for
// the search index).
func (s *Store) AllPublicQA(ctx context.Context) ([]PublicQA, error) {
	return s.queryPublicQA(ctx, `public = ? ORDER BY id`, true)
}

func (s *Store) queryPublicQA(ctx context.Context, whereOrder string, args ...any) ([]PublicQA, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, type, agency, target_path, target_title, public_question, public_answer,
		created_at, answered_at, published_at FROM submissions WHERE `+whereOrder), args...)
	if err != nil {
		return nil, fmt.Errorf("feedback: public q&a: %w", err)
	}
	defer rows.Close()
	var out []PublicQA
	for rows.Next() {
		var p PublicQA
		if err := rows.Scan(&p.ID, &p.Type, &p.Agency, &p.TargetPath, &p.TargetTitle, &p.Question, &p.Answer,
			tsDst(&p.AskedAt), tsDst(&p.AnsweredAt), tsDst(&p.PublishedAt)); err != nil {
			return nil, fmt.Errorf("feedback: public q&a: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("feedback: public q&a: %w", err)
	}
	return out, nil
}

// StatsQuery selects the submissions counted: received in [From, To)
// (zero means unbounded), of Agency ("" for all).
type StatsQuery struct {
	From, To time.Time
	Agency   string
}

// StatsRow is the figures of one agency (or all, Agency "") for one month
// (or the whole period, Month ""). Submissions count in the month they were
// received: "answered" means answered by now, whenever that was.
type StatsRow struct {
	Agency         string
	Month          string // "2026-02", in Asia/Ho_Chi_Minh; "" for the whole period
	Received       int
	Answered       int
	AnsweredOnTime int
	OnTimeShare    float64 // AnsweredOnTime / Answered; 0 when nothing answered
	MedianDays     float64 // median working days from receipt to first answer; 0 when nothing answered
	MeanRating     float64 // 0 when nothing rated
	Rated          int
}

// Stats holds the public statistics.
type Stats struct {
	Overall  []StatsRow            // all agencies, one row per month, oldest first
	Agencies map[string][]StatsRow // per agency, one row per month
	Total    StatsRow              // all agencies, the whole period
	Totals   map[string]StatsRow   // per agency, the whole period
}

type statAcc struct {
	received, answered, onTime, rated, ratingSum int
	days                                         []int
}

func (a *statAcc) row(agency, month string) StatsRow {
	r := StatsRow{Agency: agency, Month: month, Received: a.received, Answered: a.answered, AnsweredOnTime: a.onTime, Rated: a.rated}
	if a.answered > 0 {
		r.OnTimeShare = float64(a.onTime) / float64(a.answered)
		r.MedianDays = median(a.days)
	}
	if a.rated > 0 {
		r.MeanRating = math.Round(float64(a.ratingSum)/float64(a.rated)*100) / 100
	}
	return r
}

func median(v []int) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Clone(v)
	slices.Sort(v)
	m := len(v) / 2
	if len(v)%2 == 1 {
		return float64(v[m])
	}
	return float64(v[m-1]+v[m]) / 2
}

// Stats computes the public statistics per agency and overall, per month and
// for the whole period: received, answered, answered on time (first answer
// not after the deadline) and its share, the median number of working days to
// the first answer (calendar.Calendar.WorkingDaysBetween), the mean rating and the
// number rated.
func (s *Store) Stats(ctx context.Context, q StatsQuery) (*Stats, error) {
	where := []string{`1 = 1`}
	var args []any
	if !q.From.IsZero() {
		where = append(where, `created_at >= ?`)
		args = append(args, s.ts(q.From))
	}
	if !q.To.IsZero() {
		where = append(where, `created_at < ?`)
		args = append(args, s.ts(q.To))
	}
	if q.Agency != "" {
		where = append(where, `agency = ?`)
		args = append(args, q.Agency)
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT agency, created_at, due_at, answered_at, COALESCE(rating, 0)
		FROM submissions WHERE `+strings.Join(where, " AND ")), args...)
	if err != nil {
		return nil, fmt.Errorf("feedback: stats: %w", err)
	}
	defer rows.Close()
	type key struct{ agency, month string }
	acc := map[key]*statAcc{}
	get := func(k key) *statAcc {
		a := acc[k]
		if a == nil {
			a = &statAcc{}
			acc[k] = a
		}
		return a
	}
	for rows.Next() {
		var agency string
		var created, due, answered time.Time
		var rating int
		if err := rows.Scan(&agency, tsDst(&created), tsDst(&due), tsDst(&answered), &rating); err != nil {
			return nil, fmt.Errorf("feedback: stats: %w", err)
		}
		month := created.In(calendar.Location).Format("2006-01")
		// General feedback (agency "") counts in the overall figures only.
		keys := []key{{"", month}, {"", ""}}
		if agency != "" {
			keys = append(keys, key{agency, month}, key{agency, ""})
		}
		for _, k := range keys {
			a := get(k)
			a.received++
			if !answered.IsZero() {
				a.answered++
				if !answered.After(due) {
					a.onTime++
				}
				a.days = append(a.days, s.cal.WorkingDaysBetween(created, answered))
			}
			if rating > 0 {
				a.rated++
				a.ratingSum += rating
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("feedback: stats: %w", err)
	}
	st := &Stats{Agencies: map[string][]StatsRow{}, Totals: map[string]StatsRow{}}
	keys := make([]key, 0, len(acc))
	for k := range acc {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := strings.Compare(a.agency, b.agency); c != 0 {
			return c
		}
		return strings.Compare(a.month, b.month)
	})
	for _, k := range keys {
		r := acc[k].row(k.agency, k.month)
		switch {
		case k.agency == "" && k.month == "":
			st.Total = r
		case k.agency == "":
			st.Overall = append(st.Overall, r)
		case k.month == "":
			st.Totals[k.agency] = r
		default:
			st.Agencies[k.agency] = append(st.Agencies[k.agency], r)
		}
	}
	return st, nil
}
