package feedback

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/congkhai/congkhai/calendar"
	"github.com/congkhai/congkhai/internal/sqldb"
)

// DefaultDeadlineDays is the answer deadline, in working days, of a type with
// no deadline of its own.
const DefaultDeadlineDays = 15

// Store keeps submissions, staff accounts, sessions, the audit log and the
// mail outbox in SQLite or PostgreSQL. Its methods are safe for concurrent use.
type Store struct {
	sql *sqldb.DB
	own bool    // Close closes sql: Open opened it
	db  *sql.DB // reads: sql.Reader()
	w   *sql.DB // writes: sql.Writer()
	pg  bool

	cal       *calendar.Calendar
	defDays   int
	days      map[Type]int
	log       *slog.Logger
	now       func() time.Time
	trackURL  func(code string) string
	staffURL  func(id int64) string
	argon     argonParams
	limits    LoginLimits
	dummyHash func() string // a hash verified for unknown emails, so that they take as long as known ones
}

// Option configures a Store at New or Open.
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

// Open opens the database with sqldb.Open(ctx, dsn, dataDir) and the store on
// it (New); the store's Close closes that database. It fails when the
// database cannot be reached or migrated; the error is wrapped "feedback: ...".
func Open(ctx context.Context, dsn, dataDir string, opts ...Option) (*Store, error) {
	s := configure(opts)
	db, err := sqldb.Open(ctx, dsn, dataDir, sqldb.WithLogger(s.log))
	if err != nil {
		return nil, fmt.Errorf("feedback: %w", err)
	}
	if err := s.init(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	s.own = true
	return s, nil
}

// New returns the store on an open database and brings its schema up to date
// (migrations/<dialect>/*.sql, component "feedback"). The database stays the
// caller's to close, after the store's last use. New fails when the schema
// cannot be migrated; the error is wrapped "feedback: ...".
func New(ctx context.Context, db *sqldb.DB, opts ...Option) (*Store, error) {
	s := configure(opts)
	if err := s.init(ctx, db); err != nil {
		return nil, err
	}
	return s, nil
}

// configure returns a store with the defaults and opts applied, without a
// database.
func configure(opts []Option) *Store {
	s := &Store{
		defDays: DefaultDeadlineDays,
		days:    map[Type]int{},
		log:     slog.Default(),
		now:     time.Now,
		argon:   defaultArgon(),
		limits:  DefaultLoginLimits(),
	}
	for _, o := range opts {
		o(s)
	}
	s.dummyHash = sync.OnceValue(func() string { return s.argon.hash("not a password of anyone") })
	if s.cal == nil {
		s.cal = calendar.New(nil, nil)
	}
	return s
}

// init sets the store's database and migrates its schema.
func (s *Store) init(ctx context.Context, db *sqldb.DB) error {
	s.sql, s.db, s.w, s.pg = db, db.Reader(), db.Writer(), db.Postgres()
	if err := db.Migrate(ctx, migrationComponent, migrationFiles, "migrations"); err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	return nil
}

// Close closes the database when Open opened it; a store made by New leaves
// its database open.
func (s *Store) Close() error {
	if !s.own {
		return nil
	}
	return s.sql.Close()
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
func (s *Store) Dialect() string { return s.sql.Dialect() }

// q rewrites the ? placeholders of query for PostgreSQL (sqldb.Rebind).
func (s *Store) q(query string) string { return s.sql.Q(query) }

// forUpdate is the row-locking suffix of a SELECT inside a write transaction.
func (s *Store) forUpdate() string { return s.sql.ForUpdate() }

// ts converts a time for a query argument (sqldb.DB.Time).
func (s *Store) ts(t time.Time) any { return s.sql.Time(t) }

// normTime is t as it comes back from the database.
func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Truncate(time.Microsecond).In(calendar.Location)
}

// tsDst scans a time column of either database (NULL → zero time) into *t,
// in Asia/Ho_Chi_Minh.
func tsDst(t *time.Time) sql.Scanner { return sqldb.ScanTime(t, calendar.Location) }

// querier is what *sql.DB and *sql.Tx share.
type querier = sqldb.Querier

// inTx runs fn in a write transaction, committed when fn returns nil. The
// commit is durable (synchronous=FULL on SQLite) before inTx returns.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.sql.InTx(ctx, fn)
}

// isUnique reports whether err is a unique-constraint violation (sqldb.IsUnique).
func isUnique(err error) bool { return sqldb.IsUnique(err) }

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
