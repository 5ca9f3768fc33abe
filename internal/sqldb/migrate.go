package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Schema migrations: each component (feedback's "feedback" and "alerts",
// "publish", ...) keeps its numbered SQL files in <dir>/<dialect>/NNNN_name.sql
// and records the versions applied in the shared table schema_migrations
// (component, version). A component's pending files are applied in one
// transaction, so a failed migration leaves nothing half done; on PostgreSQL
// that transaction first takes an advisory lock per schema, so that replicas
// starting together apply them once. Migrations only add (no down files): a
// binary older than the database keeps working during a rolling upgrade.

// Migration is one numbered SQL file of a component.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// ReadMigrations reads the NNNN_name.sql files of fsys's folder dir in
// version order. It fails on a file named otherwise or on a duplicate version.
func ReadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var ms []Migration
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: want NNNN_name.sql", e.Name())
		}
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, Migration{v, name, string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i := 1; i < len(ms); i++ {
		if ms[i].Version == ms[i-1].Version {
			return nil, fmt.Errorf("migration %d: duplicate version", ms[i].Version)
		}
	}
	return ms, nil
}

// Migrate applies the migrations of fsys's folder dir/<dialect> (see
// Dialect) that schema_migrations does not list for component, in one
// transaction. Versions recorded but unknown to this binary (a newer one
// migrated the database) are logged and tolerated. The error is wrapped
// "sqldb: <component> ...".
func (db *DB) Migrate(ctx context.Context, component string, fsys fs.FS, dir string) error {
	ms, err := ReadMigrations(fsys, path.Join(dir, db.Dialect()))
	if err != nil {
		return fmt.Errorf("sqldb: %s migrations: %w", component, err)
	}
	n, unknown := 0, 0
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		ts := "TEXT"
		if db.pg {
			// Replicas starting together queue here; the lock is per schema so
			// that separate schemas (tests) do not wait for each other.
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('congkhai.migrate.' || current_schema()))`); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
			ts = "TIMESTAMPTZ"
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		component  TEXT    NOT NULL,
		version    INTEGER NOT NULL,
		name       TEXT    NOT NULL,
		applied_at `+ts+` NOT NULL,
		PRIMARY KEY (component, version))`); err != nil {
			return err
		}
		applied := map[int]bool{}
		rows, err := tx.QueryContext(ctx, db.Q(`SELECT version FROM schema_migrations WHERE component = ?`), component)
		if err != nil {
			return err
		}
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			applied[v] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range ms {
			if applied[m.Version] {
				delete(applied, m.Version)
				continue
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("%04d_%s: %w", m.Version, m.Name, err)
			}
			if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO schema_migrations (component, version, name, applied_at) VALUES (?, ?, ?, ?)`),
				component, m.Version, m.Name, db.Time(time.Now())); err != nil {
				return fmt.Errorf("%04d_%s: %w", m.Version, m.Name, err)
			}
			n++
		}
		unknown = len(applied)
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqldb: %s migrate: %w", component, err)
	}
	if unknown > 0 {
		// A newer binary migrated this database (rolling upgrade): keep going,
		// its migrations only add.
		db.log.Warn("schema is newer than this binary", "component", component, "unknown_versions", unknown)
	}
	if n > 0 {
		db.log.Info("schema migrated", "component", component, "dialect", db.Dialect(), "applied", n, "version", ms[len(ms)-1].Version)
	}
	return nil
}
