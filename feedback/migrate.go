package feedback

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Schema migrations: each component (this package's "feedback", "alerts")
// keeps its numbered SQL files in migrations/…/<dialect>/NNNN_name.sql and
// records the versions applied in the shared table schema_migrations
// (component, version). A component's pending files are applied in one
// transaction, so a failed migration leaves nothing half done; on PostgreSQL
// that transaction first takes an advisory lock per schema, so that replicas
// starting together apply them once. Migrations only add (no down files): a
// binary older than the database keeps working during a rolling upgrade.

//go:embed migrations
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// migrationComponent names this package's rows in schema_migrations, which
// other packages may share with their own component name.
const migrationComponent = "feedback"

// readMigrations reads dir's NNNN_name.sql files in version order.
func readMigrations(dir string) ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		num, name, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: want NNNN_name.sql", e.Name())
		}
		b, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{v, name, string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migration %d: duplicate version", ms[i].version)
		}
	}
	return ms, nil
}

// migrate applies the migrations of dir that schema_migrations does not list
// for component, in one transaction. Versions recorded but unknown to this
// binary (a newer one migrated the database) are logged and tolerated.
func (s *Store) migrate(ctx context.Context, component, dir string) error {
	ms, err := readMigrations(dir)
	if err != nil {
		return fmt.Errorf("feedback: %s migrations: %w", component, err)
	}
	n, unknown := 0, 0
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		ts := "TEXT"
		if s.pg {
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
		rows, err := tx.QueryContext(ctx, s.q(`SELECT version FROM schema_migrations WHERE component = ?`), component)
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
			if applied[m.version] {
				delete(applied, m.version)
				continue
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("%04d_%s: %w", m.version, m.name, err)
			}
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO schema_migrations (component, version, name, applied_at) VALUES (?, ?, ?, ?)`),
				component, m.version, m.name, s.ts(time.Now())); err != nil {
				return fmt.Errorf("%04d_%s: %w", m.version, m.name, err)
			}
			n++
		}
		unknown = len(applied)
		return nil
	})
	if err != nil {
		return fmt.Errorf("feedback: %s migrate: %w", component, err)
	}
	if unknown > 0 {
		// A newer binary migrated this database (rolling upgrade): keep going,
		// its migrations only add.
		s.log.Warn("schema is newer than this binary", "component", component, "unknown_versions", unknown)
	}
	if n > 0 {
		s.log.Info("schema migrated", "component", component, "dialect", s.Dialect(), "applied", n, "version", ms[len(ms)-1].version)
	}
	return nil
}
