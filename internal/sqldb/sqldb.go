package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"modernc.org/sqlite"               // database/sql driver "sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// DB is an open SQLite or PostgreSQL database: a pool for reads and a
// handle for writes. Its methods are safe for concurrent use.
type DB struct {
	r   *sql.DB // reads: a pool of read-only connections on SQLite, the pool on PostgreSQL
	w   *sql.DB // writes: one connection on SQLite (one writer at a time, no SQLITE_BUSY), the pool on PostgreSQL
	pg  bool
	dsn string
	log *slog.Logger

	closeOnce sync.Once
	closeErr  error
}

// Option configures Open.
type Option func(*settings)

type settings struct {
	log  *slog.Logger
	sync string
}

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(s *settings) { s.log = l } }

// WithSQLiteSynchronous sets PRAGMA synchronous for SQLite: "FULL" (default)
// or "NORMAL". FULL syncs the WAL on every commit, so a commit that returned
// survives a power cut; NORMAL survives a killed process but may lose the last
// commits on power loss. Only for measurements and throwaway databases.
func WithSQLiteSynchronous(mode string) Option {
	return func(s *settings) { s.sync = strings.ToUpper(mode) }
}

// FileName is the name of the SQLite database file in the data folder.
const FileName = "congkhai.db"

// Open opens the database. dsn "" opens SQLite at dataDir/congkhai.db
// (creating the folder and the file, readable by the portal's user only); a
// dsn starting with postgres:// or postgresql:// opens PostgreSQL (search_path
// and other run-time parameters may be given as query parameters). Open fails
// when the database cannot be reached; the error is wrapped "sqldb: ...".
func Open(ctx context.Context, dsn, dataDir string, opts ...Option) (*DB, error) {
	st := settings{log: slog.Default(), sync: "FULL"}
	for _, o := range opts {
		o(&st)
	}
	db := &DB{log: st.log, dsn: dsn}
	switch {
	case dsn == "":
		if st.sync != "FULL" && st.sync != "NORMAL" {
			return nil, fmt.Errorf("sqldb: synchronous mode %q: want FULL or NORMAL", st.sync)
		}
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("sqldb: create data folder: %w", err)
		}
		file := filepath.Join(dataDir, FileName)
		if err := db.privateFiles(file); err != nil {
			return nil, fmt.Errorf("sqldb: %w", err)
		}
		params := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(" + st.sync +
			")&_pragma=foreign_keys(1)&_txlock=immediate"
		w, err := sql.Open("sqlite", file+params)
		if err != nil {
			return nil, fmt.Errorf("sqldb: open %s: %w", file, err)
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
			return nil, fmt.Errorf("sqldb: open %s: %w", file, err)
		}
		r.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
		r.SetMaxIdleConns(max(4, runtime.GOMAXPROCS(0)))
		db.w, db.r = w, r
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		p, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("sqldb: open postgres: %w", err)
		}
		p.SetMaxOpenConns(20)
		p.SetMaxIdleConns(10)
		p.SetConnMaxIdleTime(5 * time.Minute)
		db.w, db.r, db.pg = p, p, true
	default:
		return nil, errors.New("sqldb: unsupported dsn: want empty (SQLite) or postgres://")
	}
	if err := db.connect(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqldb: connect: %w", err)
	}
	return db, nil
}

// privateFiles makes the database file readable by the portal's user only
// (0600) before SQLite opens it: it holds citizens' personal data and
// password hashes. SQLite creates the -wal and -shm files with the mode of the
// database file, so they follow. Files made with a wider mode (by an older
// version, or another program) are restricted too.
func (db *DB) privateFiles(file string) error {
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
		db.log.Info("database file restricted to the portal's user", "file", p, "mode_was", st.Mode().Perm().String())
	}
	return nil
}

// connect opens the first connection. On SQLite, the pragmas that open it
// (journal_mode=WAL on a new file) may answer SQLITE_BUSY without waiting on
// the busy timeout while another process or DB opens the same file at the
// same moment; that is retried for up to connectWait.
func (db *DB) connect(ctx context.Context) error {
	deadline := time.Now().Add(connectWait)
	pause := 10 * time.Millisecond
	for {
		err := db.w.PingContext(ctx)
		if err == nil || db.pg || !IsBusy(err) || time.Now().After(deadline) {
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

// Close closes the database connections. Calling it again does nothing and
// returns the first call's error.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		db.closeErr = db.w.Close()
		if db.r != db.w {
			db.closeErr = errors.Join(db.closeErr, db.r.Close())
		}
	})
	return db.closeErr
}

// Reader returns the handle for reads: a pool of read-only connections on
// SQLite (they never wait for the writer, WAL), the pool on PostgreSQL.
func (db *DB) Reader() *sql.DB { return db.r }

// Writer returns the handle for writes: one connection on SQLite, so that
// writers queue in Go instead of failing with SQLITE_BUSY; the pool on
// PostgreSQL.
func (db *DB) Writer() *sql.DB { return db.w }

// Logger returns the logger the database was opened with.
func (db *DB) Logger() *slog.Logger { return db.log }

// Postgres reports whether the database is PostgreSQL.
func (db *DB) Postgres() bool { return db.pg }

// Dialect returns "sqlite" or "postgres".
func (db *DB) Dialect() string {
	if db.pg {
		return "postgres"
	}
	return "sqlite"
}

// Q rewrites the ? placeholders of query for PostgreSQL ($1, $2, ...; see
// Rebind) and returns it unchanged for SQLite.
func (db *DB) Q(query string) string {
	if !db.pg {
		return query
	}
	return Rebind(query)
}

// ForUpdate is the row-locking suffix of a SELECT inside a write transaction.
// SQLite needs none: BEGIN IMMEDIATE already holds the database's write lock.
func (db *DB) ForUpdate() string {
	if db.pg {
		return " FOR UPDATE"
	}
	return ""
}

// SQLiteTime is how SQLite columns hold times: UTC, fixed width, so that
// comparing the text compares the times.
const SQLiteTime = "2006-01-02T15:04:05.000000Z"

// Time converts a time for a query argument, at the microsecond precision
// both databases keep: a time.Time in UTC for PostgreSQL (TIMESTAMPTZ), text
// in SQLiteTime's layout for SQLite.
func (db *DB) Time(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if db.pg {
		return t
	}
	return t.Format(SQLiteTime)
}

// ScanTime returns a sql.Scanner that reads a time column of either database
// into *dst, in loc: NULL gives the zero time.
func ScanTime(dst *time.Time, loc *time.Location) sql.Scanner { return timeDst{dst, loc} }

type timeDst struct {
	t   *time.Time
	loc *time.Location
}

func (d timeDst) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*d.t = time.Time{}
	case time.Time:
		*d.t = x.In(d.loc)
	case string:
		return d.parse(x)
	case []byte:
		return d.parse(string(x))
	default:
		return fmt.Errorf("sqldb: cannot scan %T as a time", v)
	}
	return nil
}

func (d timeDst) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("sqldb: bad time %q: %w", s, err)
	}
	*d.t = t.In(d.loc)
	return nil
}

// Querier is what *sql.DB and *sql.Tx share.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// InTx runs fn in a write transaction, committed when fn returns nil and
// rolled back otherwise (fn's error is returned as it is). The commit is
// durable (synchronous=FULL on SQLite) before InTx returns.
func (db *DB) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// IsUnique reports whether err is a unique-constraint violation, from the
// drivers' error codes: SQLite's SQLITE_CONSTRAINT_UNIQUE or
// SQLITE_CONSTRAINT_PRIMARYKEY, PostgreSQL's 23505 (unique_violation). It does
// not say which constraint: callers use it on statements that can violate one.
func IsUnique(err error) bool {
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

// IsBusy reports whether err is SQLite's SQLITE_BUSY or SQLITE_LOCKED (with
// any extended code).
func IsBusy(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	c := e.Code() & 0xff // the primary code under an extended one
	return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
}
