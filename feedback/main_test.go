package feedback

import (
	"context"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/congkhai/congkhai/calendar"
	"github.com/congkhai/congkhai/internal/pgtest"
	"github.com/congkhai/congkhai/internal/sqldb"
)

func TestMain(m *testing.M) {
	if os.Getenv(crashHelperEnv) != "" {
		crashHelper()
		return
	}
	os.Exit(m.Run())
}

// clock is a settable clock for WithClock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// pgDSN returns the DSN of a fresh schema (see internal/pgtest).
func pgDSN(t testing.TB) string { return pgtest.DSN(t, "t") }

// testStart is a Monday in an ordinary week.
var testStart = time.Date(2026, 3, 2, 9, 0, 0, 0, calendar.Location)

// openTest opens a store of the kind ("sqlite" or "postgres") on a fresh
// database, with a clock at testStart.
func openTest(t testing.TB, kind string, opts ...Option) (*Store, *clock) {
	t.Helper()
	return openTestDB(t, kind, nil, opts...)
}

// openTestDB is openTest with options for the database.
func openTestDB(t testing.TB, kind string, dbOpts []sqldb.Option, opts ...Option) (*Store, *clock) {
	t.Helper()
	clk := &clock{t: testStart}
	// Cheap hashes: the suite logs in hundreds of times under -race.
	opts = append([]Option{WithClock(clk.Now), WithLogger(quiet), WithPasswordCost(64, 1), WithDeadlines(15, map[string]int{"complaint": 10})}, opts...)
	dsn, dir := "", t.TempDir()
	if kind == "postgres" {
		dsn = pgDSN(t)
	}
	db, err := sqldb.Open(context.Background(), dsn, dir, append([]sqldb.Option{sqldb.WithLogger(quiet)}, dbOpts...)...)
	if err != nil {
		t.Fatalf("sqldb.Open(%s): %v", kind, err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := New(context.Background(), db, opts...)
	if err != nil {
		t.Fatalf("New(%s): %v", kind, err)
	}
	return s, clk
}

var kinds = []string{"sqlite", "postgres"}

// eachStore runs fn against a fresh SQLite store and a fresh PostgreSQL
// store, in parallel subtests.
func eachStore(t *testing.T, fn func(t *testing.T, s *Store, clk *clock)) {
	t.Helper()
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			s, clk := openTest(t, kind)
			fn(t, s, clk)
		})
	}
}

// submit stores a valid submission with overrides applied by edit.
func submit(t testing.TB, s *Store, edit func(n *NewSubmission)) *Submission {
	t.Helper()
	n := NewSubmission{
		Type:        TypeQuestion,
		Agency:      "so-tai-chinh",
		TargetPath:  "so-tai-chinh/du-toan-2026",
		TargetTitle: "Dự toán ngân sách 2026",
		Subject:     "Về dự toán",
		Body:        "Xin hỏi vì sao dự toán chi thường xuyên năm 2026 tăng 12%?",
		Name:        "Nguyễn Văn An",
		Phone:       "0912 345 678",
		Email:       "an@example.vn",
		Address:     "12 Lê Lợi, phường Trần Phú",
		Recipients:  []string{"staff1@stc.gov.vn", "staff2@stc.gov.vn"},
	}
	if edit != nil {
		edit(&n)
	}
	sub, err := s.Submit(context.Background(), n)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	return sub
}

func newStaff(t testing.TB, s *Store, email, agency string, role Role) *Staff {
	t.Helper()
	st, err := s.CreateStaff(context.Background(), email, "Cán bộ "+email, agency, role, "mật khẩu rất dài")
	if err != nil {
		t.Fatalf("CreateStaff(%s): %v", email, err)
	}
	return st
}

// vn parses "2006-01-02" or "2006-01-02 15:04" in Asia/Ho_Chi_Minh.
func vn(t testing.TB, s string) time.Time {
	t.Helper()
	layout := time.DateOnly
	if len(s) > 10 {
		layout = "2006-01-02 15:04"
	}
	tm, err := time.ParseInLocation(layout, s, calendar.Location)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}
