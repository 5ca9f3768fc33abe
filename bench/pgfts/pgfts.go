// Package pgfts is the PostgreSQL full-text search the benches compare the
// portal with, as a team would otherwise build it: a schema of its own with
// a text search configuration "vn" copied from simple with unaccent in front
// (LIBRARY-NOTES, "bleve vs PostgreSQL FTS"). Each bench creates its table
// in the schema.
package pgfts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Open connects to dsn with at most conns connections, searching schema
// first, and checks the connection within 5 s.
func Open(ctx context.Context, dsn string, conns int, schema string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = int32(conns)
	cfg.ConnConfig.RuntimeParams["search_path"] = schema + ",public"
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	pool, err := pgxpool.NewWithConfig(cctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(cctx); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// Setup creates schema afresh with its text search configuration vn, then
// runs stmts (the bench's table and indexes), naming the statement that
// fails. An error of CREATE EXTENSION unaccent (not installed) is wrapped
// as is.
func Setup(ctx context.Context, pool *pgxpool.Pool, schema string, stmts ...string) error {
	if _, err := pool.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS unaccent"); err != nil {
		return fmt.Errorf("CREATE EXTENSION unaccent failed: %w", err)
	}
	all := append([]string{
		"DROP SCHEMA IF EXISTS " + schema + " CASCADE",
		"CREATE SCHEMA " + schema,
		"CREATE TEXT SEARCH CONFIGURATION " + schema + ".vn (COPY = simple)",
		"ALTER TEXT SEARCH CONFIGURATION " + schema + ".vn ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
	}, stmts...)
	for _, s := range all {
		if _, err := pool.Exec(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", strings.Join(strings.Fields(s)[:2], " "), err)
		}
	}
	return nil
}

// Close drops schema and closes pool.
func Close(ctx context.Context, pool *pgxpool.Pool, schema string) {
	_, _ = pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
	pool.Close()
}
