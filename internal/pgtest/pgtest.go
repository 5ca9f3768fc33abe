// Package pgtest gives tests a fresh PostgreSQL schema on the server the test
// environment provides (CONGKHAI_TEST_PG, default the local server with trust
// auth). Without a server the test is skipped — except under CI=true, where it
// fails: CI always runs the PostgreSQL half of the suite.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// BaseDSN is the server's address: CONGKHAI_TEST_PG or the local default.
func BaseDSN() string {
	if dsn := os.Getenv("CONGKHAI_TEST_PG"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

var check = sync.OnceValue(func() error {
	db, err := sql.Open("pgx", BaseDSN())
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return db.PingContext(ctx)
})

// Available reports whether the server answers (without skipping or failing).
func Available() bool { return check() == nil }

// DSN creates a schema with a random name (prefix_xxxxxxxxxxxx), drops it when
// the test ends, and returns a DSN whose search_path is that schema.
func DSN(t testing.TB, prefix string) string {
	t.Helper()
	if err := check(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s: %v", BaseDSN(), err)
		}
		t.Skipf("PostgreSQL not available at %s: %v", BaseDSN(), err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := prefix + "_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", BaseDSN())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		db.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer db.Close()
		if _, err := db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(BaseDSN())
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
