package feedback

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"modernc.org/sqlite"               // database/sql driver "sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/congkhai/congkhai/calendar"
)

// DefaultDeadlineDays is the answer deadline, in working days, of a type with
// no deadline of its own.
const DefaultDeadlineDays = 15

// Store keeps submissions, staff accounts, sessions, the audit log and the
// mail outbox in SQLite or PostgreSQL. Its methods are safe for concurrent use.
type Store struct {
	db *sql.DB // reads: a pool of readers on SQLite, the pool on PostgreSQL
	w  *sql.DB // writes: one connection on SQLite (one writer at a time, no SQLITE_BUSY), the pool on PostgreSQL
	pg bool

	cal        *calendar.Calendar
	defDays    int
	days       map[Type]int
	log        *slog.Logger
	now        func() time.Time
	trackURL   func(code string) string
	staffURL   func(id int64) string
	sqliteSync string
	argon      argonParams
	limits     LoginLimits
	dummyHash  func() string // a hash verified for unknown emails, so that they take as long as known ones
}

// Option configures a Store at Open.
type Option func(*Store)

// WithCalendar sets the working-day calendar (default calendar.New(nil, nil)).
func WithCalendar(c *calendar.Calendar) Option { return func(s *Store) { s.cal = c } }

// WithDeadlines sets the answer deadlines in working days: defaultDays for
// every type (DefaultDeadlineDays when ≤ 0), perType for types with their own
// ("question", "complaint", "suggestion", "comment"), as in site.yaml.
func WithDeadlines(defaultDays int, perType map[string]int) Option {
	return func(s *Store) {
		if defaultDays > 0 {
			s.defDays = defaultDays
		}
		for k, v := range perType {
			if v > 0 {
				s.days[Type(k)] = v
			}
		}
	}
}

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(s *Store) { s.log = l } }

// WithClock sets the clock used where a method takes no time (default time.Now).
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// WithLinks sets how notification mails link to the public tracking page of a
// code and to a submission in the staff console. Without it, mails carry the
// code only.
func WithLinks(track func(code string) string, staff func(id int64) string) Option {
	return func(s *Store) { s.trackURL, s.staffURL = track, staff }
}

// WithSQLiteSynchronous sets PRAGMA synchronous for SQLite: "FULL" (default)
// or "NORMAL". FULL syncs the WAL on every commit, so a commit that returned
// survives a power cut; NORMAL survives a killed process but may lose the last
// commits on power loss. Only for measurements and throwaway databases.
func WithSQLiteSynchronous(mode string) Option {
	return func(s *Store) { s.sqliteSync = strings.ToUpper(mode) }
}

// WithPasswordCost sets the argon2id cost of new password hashes: memory in
// KiB and passes (default 19 MiB and 2 passes, OWASP's first choice). A lower
// cost makes the passwords of a stolen database cheaper to guess: it is for
// tests. Stored hashes keep the cost they were made with.
func WithPasswordCost(memoryKiB, passes uint32) Option {
	return func(s *Store) {
		if memoryKiB > 0 && passes > 0 {
			s.argon.memory, s.argon.time = memoryKiB, passes
		}
	}
}

// Open opens the store and brings its schema up to date. dsn "" opens SQLite
// at dataDir/congkhai.db (creating the folder); a dsn starting with
// postgres:// or postgresql:// opens PostgreSQL (search_path and other run-time
// parameters may be given as query parameters). Migrations run in one
// transaction; on PostgreSQL an advisory lock makes replicas that start
// together apply them once. Open fails when the database cannot be reached or
// migrated; the error is wrapped "feedback: ...".
func Open(ctx context.Context, dsn, dataDir string, opts ...Option) (*Store, error) {
	s := &Store{
		defDays:    DefaultDeadlineDays,
		days:       map[Type]int{},
		log:        slog.Default(),
		now:        time.Now,
		sqliteSync: "FULL",
		argon:      defaultArgon(),
		limits:     DefaultLoginLimits(),
	}
	for _, o := range opts {
		o(s)
	}
	s.dummyHash = sync.OnceValue(func() string { return s.argon.hash("not a password of anyone") })
	if s.cal == nil {
		s.cal = calendar.New(nil, nil)
	}
	switch {
	case dsn == "":
		if s.sqliteSync != "FULL" && s.sqliteSync != "NORMAL" {
			return nil, fmt.Errorf("feedback: synchronous mode %q: want FULL or NORMAL", s.sqliteSync)
		}
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("feedback: create data folder: %w", err)
		}
		file := filepath.Join(dataDir, "congkhai.db")
		if err := s.privateFiles(file); err != nil {
			return nil, fmt.Errorf("feedback: %w", err)
		}
		params := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(" + s.sqliteSync +
			")&_pragma=foreign_keys(1)&_txlock=immediate"
		w, err := sql.Open("sqlite", file+params)
		if err != nil {
			return nil, fmt.Errorf("feedback: open %s: %w", file, err)
		}
		// One writer connection: database/sql queues writers in Go instead of
		// SQLite answering SQLITE_BUSY, and BEGIN IMMEDIATE takes the write
		// lock up front so a read-then-write transaction cannot deadlock.
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxLifetime(0)
		r, err := sql.Open("sqlite", file+params+"&_pragma=query_only(1)")
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("feedback: open %s: %w", file, err)
		}
		r.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
		r.SetMaxIdleConns(max(4, runtime.GOMAXPROCS(0)))
		s.w, s.db = w, r
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("feedback: open postgres: %w", err)
		}
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(10)
		db.SetConnMaxIdleTime(5 * time.Minute)
		s.w, s.db, s.pg = db, db, true
	default:
		return nil, errors.New("feedback: unsupported dsn: want empty (SQLite) or postgres://")
	}
	if err := s.connect(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("feedback: connect: %w", err)
	}
	if err := s.migrate(ctx, migrationComponent, path.Join("migrations", s.Dialect())); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// privateFiles makes the database file readable by the portal's user only
// (0600) before SQLite opens it: it holds citizens' personal data and
// password hashes. SQLite creates the -wal and -shm files with the mode of the
// database file, so they follow. Files made with a wider mode (by an older
// version, or another program) are restricted too.
func (s *Store) privateFiles(file string) error {
	f, err := os.OpenFile(file, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create %s: %w", file, err)
	}
	f.Close()
	for _, p := range []string{file, file + "-wal", file + "-shm"} {
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if st.Mode().Perm()&0o077 == 0 {
			continue
		}
		if err := os.Chmod(p, st.Mode().Perm()&0o700); err != nil {
			return fmt.Errorf("restrict %s: %w", p, err)
		}
		s.log.Info("database file restricted to the portal's user", "file", p, "mode_was", st.Mode().Perm().String())
	}
	return nil
}

// connect opens the first connection. On SQLite, the pragmas that open it
// (journal_mode=WAL on a new file) may answer SQLITE_BUSY without waiting on
// the busy timeout while another process or Store opens the same file at the
// same moment; that is retried for up to connectWait.
func (s *Store) connect(ctx context.Context) error {
	deadline := time.Now().Add(connectWait)
	pause := 10 * time.Millisecond
	for {
		err := s.w.PingContext(ctx)
		if err == nil || s.pg || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
		pause = min(2*pause, 250*time.Millisecond)
	}
}

// connectWait bounds how long Open retries a busy SQLite file.
const connectWait = 10 * time.Second

// isBusy reports whether err is SQLite's SQLITE_BUSY or SQLITE_LOCKED (with
// any extended code).
func isBusy(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	c := e.Code() & 0xff // the primary code under an extended one
	return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
}

// Close closes the database connections.
func (s *Store) Close() error {
	err := s.w.Close()
	if s.db != s.w {
		err = errors.Join(err, s.db.Close())
	}
	return err
}

// Calendar returns the store's working-day calendar.
func (s *Store) Calendar() *calendar.Calendar { return s.cal }

// DeadlineDays returns the answer deadline of the type, in working days.
func (s *Store) DeadlineDays(t Type) int {
	if d, ok := s.days[t]; ok {
		return d
	}
	return s.defDays
}

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string {
	if s.pg {
		return "postgres"
	}
	return "sqlite"
}

// q rewrites the ? placeholders of query for PostgreSQL ($1, $2, ...); see rebind.
func (s *Store) q(query string) string {
	if !s.pg {
		return query
	}
	return rebind(query)
}

// rebind numbers the ? placeholders of query as $1, $2, ... and leaves alone
// every ? that is not one: inside string literals ('…', a quote doubled inside,
// E'…' with backslash escapes), quoted identifiers ("…"), dollar-quoted
// strings ($$…$$, $tag$…$tag$), line comments (-- …) and block comments
// (/* … */, nested as PostgreSQL nests them). PostgreSQL's own ?-operators
// (jsonb ?, ?|, ?&) cannot be written in these queries.
func rebind(query string) string {
	if strings.IndexByte(query, '?') < 0 {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); {
		c := query[i]
		end := i + 1
		switch {
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			i++
			continue
		case c == '\'':
			backslash := i > 0 && (query[i-1] == 'E' || query[i-1] == 'e') && (i < 2 || !isIdentByte(query[i-2]))
			end = quotedEnd(query, i, '\'', backslash)
		case c == '"':
			end = quotedEnd(query, i, '"', false)
		case c == '-' && strings.HasPrefix(query[i:], "--"):
			end = len(query)
			if j := strings.IndexByte(query[i:], '\n'); j >= 0 {
				end = i + j + 1
			}
		case c == '/' && strings.HasPrefix(query[i:], "/*"):
			end = blockCommentEnd(query, i)
		case c == '$' && (i == 0 || !isIdentByte(query[i-1])):
			if tag, ok := dollarTag(query[i:]); ok {
				end = len(query)
				if j := strings.Index(query[i+len(tag):], tag); j >= 0 {
					end = i + len(tag) + j + len(tag)
				}
			}
		}
		b.WriteString(query[i:end])
		i = end
	}
	return b.String()
}

// quotedEnd returns the index just past the quoted text starting at query[i]
// == quote, where a doubled quote stands for itself and, with backslash, a
// backslash escapes the next byte. An unclosed quote runs to the end.
func quotedEnd(query string, i int, quote byte, backslash bool) int {
	for j := i + 1; j < len(query); j++ {
		switch query[j] {
		case '\\':
			if backslash {
				j++
			}
		case quote:
			if j+1 < len(query) && query[j+1] == quote {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(query)
}

// blockCommentEnd returns the index just past the block comment starting at
// query[i:], counting nested comments.
func blockCommentEnd(query string, i int) int {
	depth := 0
	for j := i; j+1 < len(query); j++ {
		switch query[j : j+2] {
		case "/*":
			depth++
			j++
		case "*/":
			depth--
			j++
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(query)
}

// dollarTag returns the opening tag ("$$", "$body$") of a dollar-quoted
// string at the start of s; ok is false for anything else (a $1 parameter).
func dollarTag(s string) (tag string, ok bool) {
	for j := 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '$':
			return s[:j+1], true
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
		case c >= '0' && c <= '9' && j > 1:
		default:
			return "", false
		}
	}
	return "", false
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// forUpdate is the row-locking suffix of a SELECT inside a write transaction.
// SQLite needs none: BEGIN IMMEDIATE already holds the database's write lock.
func (s *Store) forUpdate() string {
	if s.pg {
		return " FOR UPDATE"
	}
	return ""
}

// sqliteTime is how SQLite columns hold times: UTC, fixed width, so that
// comparing the text compares the times.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

// ts converts a time for a query argument, at the microsecond precision both
// databases keep.
func (s *Store) ts(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if s.pg {
		return t
	}
	return t.Format(sqliteTime)
}

// normTime is t as it comes back from the database.
func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Truncate(time.Microsecond).In(calendar.Location)
}

// timeDst scans a time column of either database (NULL → zero time) into *t,
// in Asia/Ho_Chi_Minh.
type timeDst struct{ t *time.Time }

func (d timeDst) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*d.t = time.Time{}
	case time.Time:
		*d.t = x.In(calendar.Location)
	case string:
		return d.parse(x)
	case []byte:
		return d.parse(string(x))
	default:
		return fmt.Errorf("feedback: cannot scan %T as a time", v)
	}
	return nil
}

func (d timeDst) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("feedback: bad time %q: %w", s, err)
	}
	*d.t = t.In(calendar.Location)
	return nil
}

func tsDst(t *time.Time) timeDst { return timeDst{t} }

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// inTx runs fn in a write transaction, committed when fn returns nil. The
// commit is durable (synchronous=FULL on SQLite) before inTx returns.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// isUnique reports whether err is a unique-constraint violation, from the
// drivers' error codes: SQLite's SQLITE_CONSTRAINT_UNIQUE or
// SQLITE_CONSTRAINT_PRIMARYKEY, PostgreSQL's 23505 (unique_violation). It does
// not say which constraint: callers use it on statements that can violate one.
func isUnique(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == pgUniqueViolation
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// pgUniqueViolation is PostgreSQL's SQLSTATE unique_violation.
const pgUniqueViolation = "23505"

// audit writes one audit row in tx.
func (s *Store) audit(ctx context.Context, tx querier, subID int64, actor string, staffID int64, action, detail string, at time.Time) error {
	var sid, stf any
	if subID != 0 {
		sid = subID
	}
	if staffID != 0 {
		stf = staffID
	}
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO audit_log (submission_id, actor, staff_id, action, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
		sid, actor, stf, action, detail, s.ts(at))
	return err
}

// Mail is a message to send, as the outbox holds it.
type Mail struct {
	ID      int64
	Kind    string // new_submission, acknowledgement, reply, assigned, transferred
	To      string
	Subject string
	Body    string
}

// enqueue writes outbox rows in tx, so that a notification exists exactly when
// the change it announces is committed.
func (s *Store) enqueue(ctx context.Context, tx querier, subID int64, at time.Time, mails ...Mail) error {
	var sid any
	if subID != 0 {
		sid = subID
	}
	for _, m := range mails {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO outbox (kind, submission_id, recipient, subject, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			m.Kind, sid, m.To, m.Subject, m.Body, s.ts(at), s.ts(at)); err != nil {
			return err
		}
	}
	return nil
}
