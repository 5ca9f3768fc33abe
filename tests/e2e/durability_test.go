package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/congkhai/congkhai/internal/binarytest"
)

// TestDurability sends thousands of concurrent submissions to the real
// binary, kills it with SIGKILL while they are in flight, restarts it on the
// same data and checks that every tracking code it acknowledged exists. The
// second phase's rate is the benchmark figure: accepted submissions per
// second, each committed durably before its answer.
func TestDurability(t *testing.T) {
	if testing.Short() {
		t.Skip("durability test: skipped with -short")
	}
	t.Run("sqlite", func(t *testing.T) { durability(t, "") })
	t.Run("postgres", func(t *testing.T) { durability(t, pgDSN(t)) })
}

const (
	durWorkers = 32
	durKillAt  = 1200 // acknowledged submissions before SIGKILL
	durPhase2  = 1000 // submissions after the restart
)

func durability(t *testing.T, dsn string) {
	data := t.TempDir()
	args := []string{"--data", data, "--rate-limit", "0"}
	if dsn != "" {
		args = append(args, "--db", dsn)
	}
	client := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: durWorkers * 2}}
	var (
		mu    sync.Mutex
		acked []string
	)
	// send posts submissions from durWorkers workers until stop says so,
	// recording every acknowledged code; it returns the attempts and failures.
	send := func(base string, stop func(n int) bool) (attempts, failures int64) {
		var next, fails atomic.Int64
		var wg sync.WaitGroup
		for w := range durWorkers {
			wg.Go(func() {
				for {
					n := next.Add(1)
					if stop(int(n)) {
						return
					}
					body, _ := json.Marshal(map[string]string{
						"type": "question", "agency": "so-tai-chinh",
						"body": fmt.Sprintf("Câu hỏi kiểm tra độ bền số %d của luồng %d.", n, w),
					})
					res, err := client.Post(base+"/api/feedback", "application/json", bytes.NewReader(body))
					if err != nil {
						fails.Add(1)
						continue
					}
					var out struct{ Code string }
					err = json.NewDecoder(res.Body).Decode(&out)
					res.Body.Close()
					if res.StatusCode != http.StatusCreated || err != nil || out.Code == "" {
						fails.Add(1)
						continue
					}
					mu.Lock()
					acked = append(acked, out.Code)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return next.Load() - int64(durWorkers), fails.Load()
	}

	// Phase 1: kill -9 under load.
	p := binarytest.Start(t, args...)
	var killed atomic.Bool
	killDone := make(chan struct{})
	start := time.Now()
	attempts1, failures1 := send(p.URL, func(int) bool {
		if killed.Load() {
			return true
		}
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= durKillAt && killed.CompareAndSwap(false, true) {
			_ = p.Cmd.Process.Kill() // SIGKILL: no shutdown, requests in flight
			_ = p.Cmd.Wait()
			close(killDone)
			return true
		}
		return false
	})
	<-killDone
	phase1 := len(acked)
	t.Logf("phase 1: %d acknowledged of %d sent in %s, %d failed at the kill", phase1, attempts1, time.Since(start).Round(time.Millisecond), failures1)

	// Phase 2: restart on the same data, more load, measured.
	p2 := binarytest.Start(t, args...)
	start = time.Now()
	attempts2, failures2 := send(p2.URL, func(n int) bool { return n > durPhase2 })
	took := time.Since(start)
	if failures2 > 0 {
		t.Errorf("phase 2: %d of %d submissions failed", failures2, attempts2)
	}
	rate := float64(len(acked)-phase1) / took.Seconds()
	t.Logf("phase 2: %d acknowledged in %s: %.0f accepted submissions/s (%d workers)", len(acked)-phase1, took.Round(time.Millisecond), rate, durWorkers)
	if total := attempts1 + attempts2; total < 2000 {
		t.Errorf("sent %d submissions, want at least 2000", total)
	}

	// Every acknowledged code survived.
	var missing atomic.Int64
	var wg sync.WaitGroup
	codes := make(chan string)
	for range 16 {
		wg.Go(func() {
			for code := range codes {
				res, err := client.Get(p2.URL + "/feedback/" + code)
				if err != nil {
					t.Errorf("GET /feedback/%s: %v", code, err)
					missing.Add(1)
					continue
				}
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					t.Errorf("GET /feedback/%s = %d: an acknowledged submission was lost", code, res.StatusCode)
					missing.Add(1)
				}
			}
		})
	}
	for _, c := range acked {
		codes <- c
	}
	close(codes)
	wg.Wait()
	if missing.Load() > 0 {
		t.Fatalf("%d of %d acknowledged submissions missing after kill -9", missing.Load(), len(acked))
	}
	t.Logf("all %d acknowledged tracking codes found after SIGKILL and restart", len(acked))
}
