package sqldb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/congkhai/congkhai/internal/pgtest"
)

// wait fails the test unless ch receives within a generous bound (a guard
// against a hang, not a measurement).
func wait(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case _, ok := <-ch:
		if !ok {
			t.Fatalf("%s: channel closed", what)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: no notification", what)
	}
}

// notify commits a transaction that sends a notification on channel.
func notify(t *testing.T, db *DB, channel string) {
	t.Helper()
	ctx := context.Background()
	if err := db.InTx(ctx, func(tx *sql.Tx) error { return db.Notify(ctx, tx, channel) }); err != nil {
		t.Fatalf("Notify: %v", err)
	}
}

// TestListenPostgres: a notification committed by one process reaches a
// listener of another on the same schema; a listener whose connection is killed
// reconnects, says so, and hears the next notification; the channel closes
// when the context ends.
func TestListenPostgres(t *testing.T) {
	dsn := pgtest.DSN(t, "sqldb")
	u, _ := url.Parse(dsn)
	q := u.Query()
	app := "sqldb_test_" + rand.Text()[:10]
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	a, b := openAt(t, u.String(), ""), openAt(t, dsn, "")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := a.Listen(ctx, "sqldb_test")
	wait(t, ch, "first connection")
	for i := range 3 {
		notify(t, b, "sqldb_test")
		wait(t, ch, fmt.Sprint("notification ", i+1))
	}

	// Kill the listener's connection: it comes back and listens again.
	var killed int
	if err := b.Reader().QueryRow(`SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'`, app).Scan(&killed); err != nil || killed != 1 {
		t.Fatalf("terminated %d listening connections, %v; want 1", killed, err)
	}
	wait(t, ch, "reconnection")
	notify(t, b, "sqldb_test")
	wait(t, ch, "notification after reconnection")

	cancel()
	for range ch { // drains, then ends when the listener closes it
	}
}

// TestListenSQLite: nothing is sent, Notify is accepted in a transaction,
// and the channel closes when the context ends.
func TestListenSQLite(t *testing.T) {
	db := openTest(t, "sqlite")
	ctx, cancel := context.WithCancel(context.Background())
	ch := db.Listen(ctx, "sqldb_test")
	notify(t, db, "sqldb_test")
	cancel()
	if _, ok := <-ch; ok {
		t.Error("a value was sent on SQLite")
	}
}

// TestNotifyBadChannel: channel names are plain identifiers.
func TestNotifyBadChannel(t *testing.T) {
	db := openTest(t, "sqlite")
	for _, name := range []string{"", "Upper", "a-b", "a; DROP TABLE x", "9a"} {
		err := db.InTx(context.Background(), func(tx *sql.Tx) error { return db.Notify(context.Background(), tx, name) })
		if err == nil {
			t.Errorf("Notify(%q) succeeded", name)
		}
		if _, ok := <-db.Listen(context.Background(), name); ok {
			t.Errorf("Listen(%q) sent a value", name)
		}
	}
}
