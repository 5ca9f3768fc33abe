package feedback

import (
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	tests := []struct {
		attempts int
		want     time.Duration
	}{{1, time.Minute}, {2, 2 * time.Minute}, {3, 4 * time.Minute}, {6, 32 * time.Minute}, {9, 256 * time.Minute}, {10, BackoffMax}, {100, BackoffMax}}
	for _, tt := range tests {
		if got := Backoff(tt.attempts); got != tt.want {
			t.Errorf("Backoff(%d) = %s, want %s", tt.attempts, got, tt.want)
		}
	}
}

func TestOutboxClaimMark(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		submit(t, s, func(n *NewSubmission) { n.Recipients = nil }) // one mail: the acknowledgement
		now := clk.Now()
		got, err := s.ClaimOutbox(ctx, 10, now)
		if err != nil || len(got) != 1 || got[0].Kind != "acknowledgement" || got[0].Attempts != 1 {
			t.Fatalf("ClaimOutbox = %+v, %v", got, err)
		}
		id := got[0].ID
		// Leased: nobody else gets it before ClaimLease.
		if again, _ := s.ClaimOutbox(ctx, 10, now.Add(ClaimLease-time.Second)); len(again) != 0 {
			t.Errorf("claimed twice within the lease: %+v", again)
		}
		next := now.Add(Backoff(1))
		if err := s.MarkFailed(ctx, id, errors.New("451 try again later"), next); err != nil {
			t.Fatal(err)
		}
		if early, _ := s.ClaimOutbox(ctx, 10, next.Add(-time.Second)); len(early) != 0 {
			t.Errorf("claimed before next attempt: %+v", early)
		}
		retry, _ := s.ClaimOutbox(ctx, 10, next)
		if len(retry) != 1 || retry[0].Attempts != 2 || retry[0].LastError != "451 try again later" {
			t.Fatalf("retry = %+v", retry)
		}
		if err := s.MarkSent(ctx, id); err != nil {
			t.Fatal(err)
		}
		if late, _ := s.ClaimOutbox(ctx, 10, next.Add(24*time.Hour)); len(late) != 0 {
			t.Errorf("claimed after sent: %+v", late)
		}
		if err := s.MarkFailed(ctx, id, errors.New("x"), next); !errors.Is(err, ErrNotFound) {
			t.Errorf("MarkFailed(sent) = %v, want ErrNotFound", err)
		}
		if err := s.MarkSent(ctx, 424242); !errors.Is(err, ErrNotFound) {
			t.Errorf("MarkSent(unknown) = %v, want ErrNotFound", err)
		}
		if n, _ := s.OutboxPending(ctx); n != 0 {
			t.Errorf("OutboxPending = %d", n)
		}
	})
}

// TestOutboxConcurrentClaim: four workers claim at once until the outbox is
// empty; on PostgreSQL they really overlap (SKIP LOCKED), on SQLite the
// single writer serialises them. No row may be claimed twice.
func TestOutboxConcurrentClaim(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		const rows = 300
		now := clk.Now()
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			for i := 0; i < rows; i++ {
				if err := s.enqueue(ctx, tx, 0, now, Mail{Kind: "test", To: fmt.Sprintf("r%d@example.vn", i), Subject: "s", Body: "b"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					got, err := s.ClaimOutbox(ctx, 7, now)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, m := range got {
						seen[m.ID]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != rows {
			t.Errorf("claimed %d distinct rows, want %d", len(seen), rows)
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("row %d claimed %d times", id, n)
			}
		}
	})
}

// TestOutboxSkipLocked holds a claim transaction open on PostgreSQL and
// checks that a second claimer skips the locked rows instead of waiting.
func TestOutboxSkipLocked(t *testing.T) {
	s, clk := openTest(t, "postgres")
	ctx := context.Background()
	now := clk.Now()
	for i := 0; i < 4; i++ {
		submit(t, s, func(n *NewSubmission) { n.Recipients = nil })
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var locked int
	rows, err := tx.QueryContext(ctx, `SELECT id FROM outbox ORDER BY id LIMIT 2 FOR UPDATE SKIP LOCKED`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		locked++
	}
	rows.Close()
	cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	got, err := s.ClaimOutbox(cctx, 10, now)
	if err != nil {
		t.Fatalf("ClaimOutbox while rows are locked: %v", err)
	}
	if locked != 2 || len(got) != 2 {
		t.Errorf("locked %d, claimed %d, want 2 and 2", locked, len(got))
	}
}

func TestDeliverOutbox(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		srv, pool := startSMTP(t, false, "noreply", "pw")
		m, err := NewSMTPMailer(SMTPConfig{Host: "127.0.0.1", Port: srv.port(), Username: "noreply", Password: "pw",
			From: "noreply@congkhai.gov.vn", TLSConfig: &tls.Config{RootCAs: pool}, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			submit(t, s, func(n *NewSubmission) { n.Recipients = []string{"staff@stc.gov.vn"} })
		}
		srv.mu.Lock()
		srv.failNext = 1
		srv.mu.Unlock()
		sent, failed, err := DeliverOutbox(ctx, s, m, quiet)
		if err != nil || sent != 5 || failed != 1 {
			t.Fatalf("DeliverOutbox = %d sent, %d failed, %v; want 5, 1", sent, failed, err)
		}
		// The failed one waits for its backoff, then RunOutbox delivers it.
		clk.Add(Backoff(1))
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { RunOutbox(rctx, s, m, quiet, 10*time.Millisecond); close(done) }()
		deadline := time.Now().Add(10 * time.Second)
		for {
			if n, _ := s.OutboxPending(ctx); n == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("outbox not drained")
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		<-done
		if got := len(srv.mails()); got != 6 {
			t.Errorf("server received %d mails, want 6", got)
		}
	})
}
