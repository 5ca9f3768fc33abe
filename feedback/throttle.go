package feedback

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"
)

// Login throttling. Failed logins are counted under three keys, whether the
// email typed belongs to an account or not (so that neither the answer nor
// the work done tells which emails exist):
//
//   - the account and the client together: after PairFailures failures this
//     client waits for this account, Base doubling with each further failure
//     up to Max. Only that client waits: someone guessing from elsewhere
//     cannot lock the real user out;
//   - the client, on any account: after ClientFailures failures it waits for
//     every account (Base doubling up to Max), against one address trying
//     many accounts;
//   - the account, from any client: after AccountFailures failures (many
//     addresses guessing one password) every client that has itself failed
//     on the account waits AccountBase since its last failure before trying
//     it again, doubling with each further AccountFailures failures up to
//     AccountMax. A client that has not failed on the account — the real
//     user at their desk — is not slowed, and no wait is longer than
//     AccountMax: there is no hard lock of an account.
//
// A count is forgotten Forget after its last failure; a success clears the
// count of that account and client only (clearing the client's or the
// account's count would let an attacker who owns one account reset them).
// While a key waits, the password is not checked and nothing is counted.

// LoginLimits are the thresholds of login throttling (DefaultLoginLimits).
type LoginLimits struct {
	PairFailures    int           // failures of one account from one client before the client waits
	ClientFailures  int           // failures of one client on any accounts before it waits
	AccountFailures int           // failures of one account from any clients before the account-wide backoff
	Base, Max       time.Duration // the first and the longest wait of a client
	AccountBase     time.Duration // the first account-wide wait
	AccountMax      time.Duration // the longest account-wide wait
	Forget          time.Duration // a count is forgotten this long after its last failure
}

// DefaultLoginLimits returns the limits a store uses unless WithLoginLimits
// says otherwise: 5 failures of a pair, 20 of a client, 20 of an account;
// waits of 1 minute doubling to 1 hour, account-wide 1 minute doubling every
// 20 failures to 15 minutes; counts forgotten after 24 hours.
func DefaultLoginLimits() LoginLimits {
	return LoginLimits{
		PairFailures: 5, ClientFailures: 20, AccountFailures: 20,
		Base: time.Minute, Max: time.Hour,
		AccountBase: time.Minute, AccountMax: 15 * time.Minute,
		Forget: 24 * time.Hour,
	}
}

// WithLoginLimits sets the login throttling thresholds; zero fields keep
// their defaults.
func WithLoginLimits(l LoginLimits) Option {
	return func(s *Store) {
		d := DefaultLoginLimits()
		pick := func(v, def int) int {
			if v > 0 {
				return v
			}
			return def
		}
		pickD := func(v, def time.Duration) time.Duration {
			if v > 0 {
				return v
			}
			return def
		}
		s.limits = LoginLimits{
			PairFailures: pick(l.PairFailures, d.PairFailures), ClientFailures: pick(l.ClientFailures, d.ClientFailures),
			AccountFailures: pick(l.AccountFailures, d.AccountFailures),
			Base:            pickD(l.Base, d.Base), Max: pickD(l.Max, d.Max),
			AccountBase: pickD(l.AccountBase, d.AccountBase), AccountMax: pickD(l.AccountMax, d.AccountMax),
			Forget: pickD(l.Forget, d.Forget),
		}
	}
}

// loginWait is the wait after failures when the first wait comes at threshold
// failures: base, doubled every step failures further, at most limit.
func loginWait(failures, threshold, step int, base, limit time.Duration) time.Duration {
	if failures < threshold {
		return 0
	}
	d := base
	for i := threshold + step; i <= failures && d < limit; i += step {
		d *= 2
	}
	return min(d, limit)
}

// accountKey is how login_failures names the account an email would be: any
// email typed, known or not, gets one.
func accountKey(email string) string {
	h := sha256.Sum256([]byte("congkhai login " + email))
	return hex.EncodeToString(h[:])
}

// clientOrAnon keeps the empty client (a caller that knows none) apart from
// the rows that count every client.
func clientOrAnon(client string) string {
	if client == "" {
		return "-"
	}
	return client
}

// failureCount is one row of login_failures.
type failureCount struct {
	failures     int
	lastFailure  time.Time
	blockedUntil time.Time
}

// throttled returns how long the client must wait before an attempt on the
// account is checked, 0 when it may try now.
func (s *Store) throttled(ctx context.Context, account, client string, now time.Time) (time.Duration, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT account, client, failures, last_failure, blocked_until FROM login_failures
		WHERE (account = ? AND client = ?) OR (account = '' AND client = ?) OR (account = ? AND client = '')`),
		account, client, client, account)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var pair, byClient, byAccount failureCount
	for rows.Next() {
		var a, c string
		var f failureCount
		if err := rows.Scan(&a, &c, &f.failures, tsDst(&f.lastFailure), tsDst(&f.blockedUntil)); err != nil {
			return 0, err
		}
		if now.Sub(f.lastFailure) >= s.limits.Forget {
			continue // forgotten
		}
		switch {
		case a == "":
			byClient = f
		case c == "":
			byAccount = f
		default:
			pair = f
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	until := latest(pair.blockedUntil, byClient.blockedUntil)
	if pair.failures > 0 {
		// Under the account-wide backoff, a client that failed on the
		// account waits since its own last failure.
		l := s.limits
		until = latest(until, pair.lastFailure.Add(loginWait(byAccount.failures, l.AccountFailures, l.AccountFailures, l.AccountBase, l.AccountMax)))
	}
	if !now.Before(until) {
		return 0, nil
	}
	return until.Sub(now), nil
}

// latest returns the latest of the times.
func latest(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if t.After(out) {
			out = t
		}
	}
	return out
}

// recordFailure counts a failed login of the account from the client under
// the three keys in tx, and starts the waits their counts call for. It
// returns the pair's count and the wait it started (0 for none).
func (s *Store) recordFailure(ctx context.Context, tx *sql.Tx, account, client string, at time.Time) (int, time.Duration, error) {
	l := s.limits
	forgotten := s.ts(at.Add(-l.Forget))
	var pairFailures int
	var wait time.Duration
	for _, k := range []struct {
		account, client string
		threshold       int
	}{{account, client, l.PairFailures}, {"", client, l.ClientFailures}, {account, "", 0}} {
		var n int
		if err := tx.QueryRowContext(ctx, s.q(`INSERT INTO login_failures (account, client, failures, last_failure) VALUES (?, ?, 1, ?)
			ON CONFLICT (account, client) DO UPDATE SET
				failures = CASE WHEN login_failures.last_failure <= ? THEN 1 ELSE login_failures.failures + 1 END,
				last_failure = excluded.last_failure
			RETURNING failures`), k.account, k.client, s.ts(at), forgotten).Scan(&n); err != nil {
			return 0, 0, err
		}
		if k.account != "" && k.client != "" {
			pairFailures = n
		}
		d := time.Duration(0)
		if k.threshold > 0 {
			d = loginWait(n, k.threshold, 1, l.Base, l.Max)
		}
		// Every key is written the same way whatever the count, so that the
		// work does not depend on the account's existence or history.
		var until any
		if d > 0 {
			until = s.ts(at.Add(d))
			wait = max(wait, d)
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE login_failures SET blocked_until = ? WHERE account = ? AND client = ?`),
			until, k.account, k.client); err != nil {
			return 0, 0, err
		}
	}
	return pairFailures, wait, nil
}

// clearFailures forgets the failures of the account from the client, after a
// successful login.
func (s *Store) clearFailures(ctx context.Context, tx *sql.Tx, account, client string) error {
	_, err := tx.ExecContext(ctx, s.q(`DELETE FROM login_failures WHERE account = ? AND client = ?`), account, client)
	return err
}

// ForgetLoginFailures deletes the failure counts whose last failure is at
// least the limits' Forget old at now, and returns how many. Run it now and
// then; forgotten counts are ignored anyway.
func (s *Store) ForgetLoginFailures(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, s.q(`DELETE FROM login_failures WHERE last_failure <= ?`), s.ts(now.Add(-s.limits.Forget)))
	if err != nil {
		return 0, fmt.Errorf("feedback: forget login failures: %w", err)
	}
	return res.RowsAffected()
}
