package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/congkhai/congkhai/internal/pgtest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

var kinds = []string{"sqlite", "postgres"}

// openTest opens a fresh database of the kind ("sqlite" or "postgres").
func openTest(t testing.TB, kind string) *DB {
	t.Helper()
	dsn := ""
	if kind == "postgres" {
		dsn = pgtest.DSN(t, "sqldb")
	}
	db, err := Open(context.Background(), dsn, t.TempDir(), WithLogger(quiet))
	if err != nil {
		t.Fatalf("Open(%s): %v", kind, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// eachDB runs fn on a fresh SQLite and a fresh PostgreSQL database, in
// parallel subtests.
func eachDB(t *testing.T, fn func(t *testing.T, db *DB)) {
	t.Helper()
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			fn(t, openTest(t, kind))
		})
	}
}

func TestRebind(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"placeholders", `SELECT a FROM t WHERE b = ? AND c IN (?, ?)`, `SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)`},
		{"none", `SELECT 1`, `SELECT 1`},
		{"string literal", `SELECT 'why?', ? FROM t`, `SELECT 'why?', $1 FROM t`},
		{"doubled quote", `SELECT 'it''s ?', ?`, `SELECT 'it''s ?', $1`},
		{"escape string", `SELECT E'a\'?', ?`, `SELECT E'a\'?', $1`},
		{"not an escape string", `SELECT name'?', ?`, `SELECT name'?', $1`},
		{"quoted identifier", `SELECT "a?""b" FROM t WHERE x = ?`, `SELECT "a?""b" FROM t WHERE x = $1`},
		{"line comment", "SELECT ? -- what?\nFROM t WHERE x = ?", "SELECT $1 -- what?\nFROM t WHERE x = $2"},
		{"comment to the end", "SELECT ? -- what?", "SELECT $1 -- what?"},
		{"block comment", `SELECT /* a? /* nested? */ b? */ ?`, `SELECT /* a? /* nested? */ b? */ $1`},
		{"dollar quote", `SELECT $$a?$$, $tag$b?$$c?$tag$, ?`, `SELECT $$a?$$, $tag$b?$$c?$tag$, $1`},
		{"positional parameter is no dollar quote", `SELECT $1, ?`, `SELECT $1, $1`},
		{"unclosed literal", `SELECT ?, 'a?`, `SELECT $1, 'a?`},
		{"minus and slash", `SELECT ? - 1, ? / 2`, `SELECT $1 - 1, $2 / 2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Rebind(tt.in); got != tt.want {
				t.Errorf("Rebind(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestQueryWithQuestionMarks runs a query whose literal, identifier and
// comments hold question marks on both databases: only the real placeholder
// takes the argument.
func TestQueryWithQuestionMarks(t *testing.T) {
	eachDB(t, func(t *testing.T, db *DB) {
		query := "SELECT 'là sao?' AS \"hỏi?\", CAST(? AS TEXT) /* chỗ này? */ -- hay đây?\n"
		if db.Postgres() {
			query = "SELECT 'là sao?' || E'\\'?' || $$?$$ AS \"hỏi?\", CAST(? AS TEXT) /* chỗ này? */ -- hay đây?\n"
		}
		var lit, arg string
		if err := db.Reader().QueryRowContext(context.Background(), db.Q(query), "đáp").Scan(&lit, &arg); err != nil {
			t.Fatalf("query %q: %v", db.Q(query), err)
		}
		want := "là sao?"
		if db.Postgres() {
			want = "là sao?'??"
		}
		if lit != want || arg != "đáp" {
			t.Errorf("got %q, %q; want %q, %q", lit, arg, want, "đáp")
		}
	})
}

// TestIsUnique reads the drivers' error codes: a duplicate key is a unique
// violation on both databases, other constraint failures are not.
func TestIsUnique(t *testing.T) {
	eachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		w := db.Writer()
		if _, err := w.ExecContext(ctx, `CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, role TEXT NOT NULL CHECK (role IN ('a', 'b')))`); err != nil {
			t.Fatal(err)
		}
		insert := func(id int, email, role string) error {
			_, err := w.ExecContext(ctx, db.Q(`INSERT INTO u (id, email, role) VALUES (?, ?, ?)`), id, email, role)
			return err
		}
		if err := insert(1, "x@a.vn", "a"); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			err  error
			want bool
		}{
			{"duplicate unique column", insert(2, "x@a.vn", "a"), true},
			{"duplicate primary key", insert(1, "y@a.vn", "a"), true},
			{"check constraint", insert(3, "z@a.vn", "c"), false},
			{"not null", func() error {
				_, err := w.ExecContext(ctx, `INSERT INTO u (id) VALUES (4)`)
				return err
			}(), false},
			{"wrapped", fmt.Errorf("x: %w", insert(2, "x@a.vn", "a")), true},
			{"other error", errors.New("unique"), false},
			{"nil", nil, false},
		}
		for _, tt := range tests {
			if got := IsUnique(tt.err); got != tt.want {
				t.Errorf("%s: IsUnique(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
			}
		}
	})
}

// TestTimes: a time goes in at microsecond precision and comes back the same
// instant in the location asked for; NULL scans as the zero time.
func TestTimes(t *testing.T) {
	hcm := time.FixedZone("ICT", 7*3600)
	in := time.Date(2026, 3, 2, 9, 30, 15, 123456789, hcm)
	eachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		typ := "TEXT"
		if db.Postgres() {
			typ = "TIMESTAMPTZ"
		}
		if _, err := db.Writer().ExecContext(ctx, `CREATE TABLE tm (id INTEGER PRIMARY KEY, at `+typ+`)`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Writer().ExecContext(ctx, db.Q(`INSERT INTO tm (id, at) VALUES (1, ?), (2, NULL)`), db.Time(in)); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			id   int
			want time.Time
		}{
			{1, in.Truncate(time.Microsecond)},
			{2, time.Time{}},
		}
		for _, tt := range tests {
			var got time.Time
			if err := db.Reader().QueryRowContext(ctx, db.Q(`SELECT at FROM tm WHERE id = ?`), tt.id).Scan(ScanTime(&got, hcm)); err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) || !tt.want.IsZero() && got.Location() != hcm {
				t.Errorf("row %d: got %v, want %v in %v", tt.id, got, tt.want, hcm)
			}
		}
	})
}

// TestInTx: a transaction whose function fails leaves nothing; one that
// returns nil is committed.
func TestInTx(t *testing.T) {
	eachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		if _, err := db.Writer().ExecContext(ctx, `CREATE TABLE n (v INTEGER NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		tests := []struct {
			v    int
			fail error
		}{{1, nil}, {2, boom}, {3, nil}}
		for _, tt := range tests {
			err := db.InTx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO n (v) VALUES (?)`), tt.v); err != nil {
					return err
				}
				return tt.fail
			})
			if !errors.Is(err, tt.fail) {
				t.Errorf("InTx(%d) = %v, want %v", tt.v, err, tt.fail)
			}
		}
		var sum int
		if err := db.Reader().QueryRowContext(ctx, `SELECT SUM(v) FROM n`).Scan(&sum); err != nil || sum != 4 {
			t.Errorf("sum = %d, %v; want 4 (1 + 3, the failed 2 rolled back)", sum, err)
		}
	})
}

// migrationsFS holds two components' migrations for both dialects.
func migrationsFS(extra map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, d := range kinds {
		fsys["a/"+d+"/0001_init.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE a1 (x INTEGER)`)}
		fsys["a/"+d+"/0002_more.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE a2 (x INTEGER)`)}
		fsys["b/"+d+"/0001_init.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE b1 (x INTEGER)`)}
	}
	for k, v := range extra {
		fsys[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return fsys
}

// TestMigrate: components share schema_migrations; a second run applies
// nothing; a failing file leaves none of its component's pending files
// applied; versions unknown to the binary are tolerated.
func TestMigrate(t *testing.T) {
	eachDB(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		d := db.Dialect()
		count := func(component string) int {
			t.Helper()
			var n int
			if err := db.Reader().QueryRowContext(ctx, db.Q(`SELECT COUNT(*) FROM schema_migrations WHERE component = ?`), component).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		tableExists := func(name string) bool {
			_, err := db.Reader().ExecContext(ctx, `SELECT * FROM `+name)
			return err == nil
		}
		fsys := migrationsFS(nil)
		for range 2 { // the second run finds nothing to do
			for _, c := range []string{"a", "b"} {
				if err := db.Migrate(ctx, c, fsys, c); err != nil {
					t.Fatalf("Migrate(%s): %v", c, err)
				}
			}
		}
		if a, b := count("a"), count("b"); a != 2 || b != 1 {
			t.Errorf("schema_migrations: a %d rows, b %d; want 2 and 1", a, b)
		}

		broken := migrationsFS(map[string]string{
			"a/" + d + "/0003_ok.sql":     `CREATE TABLE a3 (x INTEGER)`,
			"a/" + d + "/0004_broken.sql": `CREATE TABLE a4 (x NOSUCHTHING(`,
		})
		if err := db.Migrate(ctx, "a", broken, "a"); err == nil {
			t.Error("Migrate(broken) succeeded")
		}
		if tableExists("a3") || count("a") != 2 {
			t.Errorf("a failed migration left a3 = %v, %d rows of a; want none and 2", tableExists("a3"), count("a"))
		}

		// A newer binary applied 0003; this one knows only 0001 and 0002.
		newer := migrationsFS(map[string]string{"a/" + d + "/0003_ok.sql": `CREATE TABLE a3 (x INTEGER)`})
		if err := db.Migrate(ctx, "a", newer, "a"); err != nil {
			t.Fatal(err)
		}
		if err := db.Migrate(ctx, "a", fsys, "a"); err != nil {
			t.Errorf("Migrate with a newer schema: %v", err)
		}

		for name, fsys := range map[string]fstest.MapFS{
			"bad name":          migrationsFS(map[string]string{"a/" + d + "/init.sql": `SELECT 1`}),
			"duplicate version": migrationsFS(map[string]string{"a/" + d + "/0002_again.sql": `SELECT 1`}),
		} {
			if err := db.Migrate(ctx, "a", fsys, "a"); err == nil {
				t.Errorf("%s: Migrate succeeded", name)
			}
		}
	})
}

// TestMigrateTogether: replicas starting at once apply each file once.
func TestMigrateTogether(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			dsn, dir := "", t.TempDir()
			if kind == "postgres" {
				dsn = pgtest.DSN(t, "sqldb")
			}
			fsys := migrationsFS(nil)
			var wg sync.WaitGroup
			errs := make([]error, 3)
			for i := range errs {
				wg.Go(func() {
					db, err := Open(ctx, dsn, dir, WithLogger(quiet))
					if err != nil {
						errs[i] = err
						return
					}
					defer db.Close()
					errs[i] = db.Migrate(ctx, "a", fsys, "a")
				})
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("replica %d: %v", i, err)
				}
			}
			db := openAt(t, dsn, dir)
			var n int
			if err := db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != 2 {
				t.Errorf("schema_migrations rows = %d, %v; want 2", n, err)
			}
		})
	}
}

func openAt(t *testing.T, dsn, dir string) *DB {
	t.Helper()
	db, err := Open(context.Background(), dsn, dir, WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestOpenErrors: an unknown kind of dsn and a bad synchronous mode fail.
func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name string
		dsn  string
		opts []Option
	}{
		{"mysql", "mysql://x", nil},
		{"synchronous OFF", "", []Option{WithSQLiteSynchronous("off")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, err := Open(context.Background(), tt.dsn, t.TempDir(), append(tt.opts, WithLogger(quiet))...)
			if err == nil {
				db.Close()
				t.Errorf("Open(%q) succeeded", tt.dsn)
			}
		})
	}
}

// TestDatabaseFileModes: the SQLite database and its -wal and -shm files are
// readable by the portal's user only, also when they were made wider before.
func TestDatabaseFileModes(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, FileName)
	files := []string{file, file + "-wal", file + "-shm"}
	check := func(when string) {
		t.Helper()
		for _, p := range files {
			st, err := os.Stat(p)
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			if got := st.Mode().Perm(); got != 0o600 {
				t.Errorf("%s: mode of %s = %v, want -rw-------", when, filepath.Base(p), got)
			}
		}
	}
	a := openAt(t, "", dir)
	// The write makes the -wal and -shm files.
	if _, err := a.Writer().Exec(`CREATE TABLE x (v INTEGER)`); err != nil {
		t.Fatal(err)
	}
	check("new database")

	for _, p := range files {
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	openAt(t, "", dir)
	check("files made 0644 before")
}
