package feedback

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// NotifyOnce queues mails under a key (say "obligation du-toan-ngan-sach/
// ubnd-huyen/2027 2027-01-11"), unless mails were queued under the same key
// before: each queue writes a "notified" audit row with the key in the same
// transaction as the mails, so calling it often, after a restart, or from
// several replicas in turn sends nothing twice. It reports whether it queued
// them; err only when the store fails.
func (s *Store) NotifyOnce(ctx context.Context, key string, mails []Mail, now time.Time) (bool, error) {
	mails = uniqueRecipients(s, mails)
	if len(mails) == 0 {
		return false, nil
	}
	at := normTime(now)
	sent := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM audit_log WHERE submission_id IS NULL AND action = 'notified' AND detail = ?`), key).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if err := s.enqueue(ctx, tx, 0, at, mails...); err != nil {
			return err
		}
		sent = true
		return s.audit(ctx, tx, 0, ActorSystem, 0, "notified", key, at)
	})
	if err != nil {
		return false, fmt.Errorf("feedback: notify %s: %w", key, err)
	}
	return sent, nil
}

// uniqueRecipients keeps the mails whose recipient is a clean address,
// one per address.
func uniqueRecipients(s *Store, mails []Mail) []Mail {
	var out []Mail
	seen := map[string]bool{}
	for _, m := range mails {
		to := s.cleanRecipients([]string{m.To})
		if len(to) == 0 || seen[to[0]] {
			continue
		}
		seen[to[0]] = true
		m.To = to[0]
		out = append(out, m)
	}
	return out
}
