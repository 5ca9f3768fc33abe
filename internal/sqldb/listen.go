package sqldb

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Notifications tell other processes sharing a PostgreSQL database that
// something changed, so that they read it at once instead of polling. A
// notification carries no data, only the schema it was sent from (payload),
// so that portals in separate schemas of one database do not wake each
// other; receivers read what changed from the tables.

// channelName is what Notify and Listen accept: an identifier that needs no
// quoting.
var channelName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// Notify sends a notification on channel from the transaction tx: PostgreSQL
// delivers it to the listeners of the same schema when tx commits, and never
// if it rolls back. On SQLite it does nothing (one process: the caller
// signals its own listeners after the commit). It fails on a channel name
// that is not a lower-case identifier, or when the statement fails.
func (db *DB) Notify(ctx context.Context, tx Querier, channel string) error {
	if !channelName.MatchString(channel) {
		return fmt.Errorf("sqldb: notify: bad channel name %q", channel)
	}
	if !db.pg {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_notify($1, COALESCE(current_schema(), ''))`, channel)
	return err
}

// Listen returns a channel that receives a value soon after each committed
// Notify on channel from any process using the same PostgreSQL database and
// schema. Values are coalesced (the channel holds at most one): a receiver
// reads everything that changed since it last looked, not one change per
// value. The listener holds a connection of its own and reconnects with
// backoff when it breaks; it sends a value after every (re)connection, since
// notifications may have been missed meanwhile. The channel is closed once
// ctx ends. On SQLite nothing is sent and the channel is closed when ctx ends.
// A channel name that is not a lower-case identifier gives a closed channel
// (and an error in the log).
func (db *DB) Listen(ctx context.Context, channel string) <-chan struct{} {
	ch := make(chan struct{}, 1)
	switch {
	case !channelName.MatchString(channel):
		db.log.Error("sqldb: listen: bad channel name", "channel", channel)
		close(ch)
	case !db.pg:
		context.AfterFunc(ctx, func() { close(ch) })
	default:
		go db.listen(ctx, channel, ch)
	}
	return ch
}

// Listening connections wait for notifications listenIdle at a time, then
// check that the server still answers: a connection that died silently (no
// reset from a lost peer) is noticed within listenIdle + listenPing.
const (
	listenIdle    = 30 * time.Second
	listenPing    = 10 * time.Second
	listenBackoff = 5 * time.Second // longest pause between reconnections
)

func (db *DB) listen(ctx context.Context, channel string, ch chan struct{}) {
	defer close(ch)
	pause := 100 * time.Millisecond
	for {
		err := db.listenOnce(ctx, channel, ch, func() { pause = 100 * time.Millisecond })
		if ctx.Err() != nil {
			return
		}
		db.log.Warn("database notifications interrupted; reconnecting", "channel", channel, "err", err, "retry_ms", pause.Milliseconds())
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, listenBackoff)
	}
}

// listenOnce connects, listens and forwards notifications until the
// connection fails or ctx ends; connected is called once it listens.
func (db *DB) listenOnce(ctx context.Context, channel string, ch chan struct{}, connected func()) error {
	cfg, err := pgx.ParseConfig(db.dsn)
	if err != nil {
		return err
	}
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "congkhai listen " + channel
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		conn.Close(cctx)
	}()
	var schema string
	if err := conn.QueryRow(ctx, `SELECT COALESCE(current_schema(), '')`).Scan(&schema); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, `LISTEN `+channel); err != nil {
		return err
	}
	connected()
	signal(ch)
	for {
		wctx, cancel := context.WithTimeout(ctx, listenIdle)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			if n.Payload == schema {
				signal(ch)
			}
		case ctx.Err() != nil:
			return ctx.Err()
		case pgconn.Timeout(err) || errors.Is(err, context.DeadlineExceeded):
			pctx, cancel := context.WithTimeout(ctx, listenPing)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return fmt.Errorf("ping: %w", err)
			}
		default:
			return err
		}
	}
}

// signal sends on ch unless a value is already waiting there.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
