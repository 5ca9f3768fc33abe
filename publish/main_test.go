package publish

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

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

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

var kinds = []string{"sqlite", "postgres"}

// clock is a settable clock for WithClock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var testStart = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

// testDB is where a test's database lives, to open it again (a replica).
type testDB struct{ dsn, dir string }

func newTestDB(t testing.TB, kind string) testDB {
	t.Helper()
	if kind == "postgres" {
		return testDB{dsn: pgtest.DSN(t, "publish")}
	}
	return testDB{dir: t.TempDir()}
}

// open opens the database and a store on it, closed when the test ends.
func (d testDB) open(t testing.TB, opts ...Option) *Store {
	t.Helper()
	db, err := sqldb.Open(context.Background(), d.dsn, d.dir, sqldb.WithLogger(quiet))
	if err != nil {
		t.Fatalf("sqldb.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := New(context.Background(), db, append([]Option{WithLogger(quiet)}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// openTest opens a store of the kind on a fresh database, with a clock at
// testStart.
func openTest(t testing.TB, kind string, opts ...Option) (*Store, *clock) {
	t.Helper()
	clk := &clock{t: testStart}
	return newTestDB(t, kind).open(t, append([]Option{WithClock(clk.Now)}, opts...)...), clk
}

// eachStore runs fn on a fresh SQLite store and a fresh PostgreSQL store, in
// parallel subtests.
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

// noticeFiles stores a notice's markdown file (and attachments name →
// text) and returns its files.
func noticeFiles(t testing.TB, s *Store, p, body string, attachments ...string) []File {
	t.Helper()
	m := map[string][]byte{p + ".md": []byte("---\ntitle: Thông báo\n---\n" + body)}
	agency, _, _ := strings.Cut(p, "/")
	for i := 0; i+1 < len(attachments); i += 2 {
		m[agency+"/"+attachments[i]] = []byte(attachments[i+1])
	}
	files, err := s.PutFiles(context.Background(), m)
	if err != nil {
		t.Fatalf("PutFiles: %v", err)
	}
	return files
}

// datasetFiles stores a dataset's index.md and one table.
func datasetFiles(t testing.TB, s *Store, p, csv string) []File {
	t.Helper()
	files, err := s.PutFiles(context.Background(), map[string][]byte{
		p + "/index.md":   []byte("---\ntitle: Bảng giá\n---\n"),
		p + "/bang-1.csv": []byte(csv),
	})
	if err != nil {
		t.Fatalf("PutFiles: %v", err)
	}
	return files
}

// record records a version and fails the test on error.
func record(t testing.TB, s *Store, nv NewVersion) *Version {
	t.Helper()
	v, _, err := s.Record(context.Background(), nv)
	if err != nil {
		t.Fatalf("Record(%s %s): %v", nv.Action, nv.Path, err)
	}
	return v
}

func publishNotice(t testing.TB, s *Store, p, body string) *Version {
	t.Helper()
	return record(t, s, NewVersion{Path: p, Kind: Notice, Action: ActionPublish, Actor: StaffActor(1), Files: noticeFiles(t, s, p, body)})
}
