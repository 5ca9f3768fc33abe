package portal

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/congkhai/congkhai/bench/corpus"
)

// BenchmarkFirstRecording measures the first start of a portal on a folder
// the record does not have yet: how long Open takes with and without the
// record (the start a visitor waits for), and how long the recorder then
// takes to record every notice and dataset in the background; then a restart
// with the recorder's state file (reopen_ms), and the comparison of the
// whole folder with it that follows (recompare_ms). The corpus
// has CONGKHAI_BENCH_NOTICES notices (2,000 by default; 100000 for the
// figures of a province) on SQLite, or PostgreSQL with
// CONGKHAI_BENCH_DB=postgres. Run it once: -benchtime=1x.
func BenchmarkFirstRecording(b *testing.B) {
	n := 2000
	if s := os.Getenv("CONGKHAI_BENCH_NOTICES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	kind := "sqlite"
	if os.Getenv("CONGKHAI_BENCH_DB") == "postgres" {
		kind = "postgres"
	}
	c, err := corpus.New(corpus.Config{Notices: n, Rows: n, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	if _, err := c.Write(dir); err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	for b.Loop() {
		// Without a record: the start as it is without the database.
		start := time.Now()
		p, err := Open(ctx, Config{Content: mustDir(b, dir), Dir: dir, Log: log})
		if err != nil {
			b.Fatal(err)
		}
		plain := time.Since(start)
		p.Close()

		store := newRecordDB(b, kind).open(b)
		data := b.TempDir()
		start = time.Now()
		p, err = Open(ctx, Config{Content: mustDir(b, dir), Dir: dir, Log: log, Publish: store, RecordFile: filepath.Join(data, "publish.state")})
		if err != nil {
			b.Fatal(err)
		}
		withRecord := time.Since(start)
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		start = time.Now()
		go func() { defer close(done); _ = p.Run(rctx) }()
		if err := p.WaitRecord(ctx); err != nil {
			b.Fatal(err)
		}
		recorded := time.Since(start)
		head, _ := store.Head(ctx)
		cancel()
		<-done
		p.Close()
		snap := p.Snapshot()
		if want := int64(len(snap.Site.Notices) + len(snap.Site.Datasets)); head != want {
			b.Fatalf("%d versions recorded, want %d", head, want)
		}
		// A restart: the state file is read, and the whole folder compared
		// with it.
		start = time.Now()
		p, err = Open(ctx, Config{Content: mustDir(b, dir), Dir: dir, Log: log, Publish: store, RecordFile: filepath.Join(data, "publish.state")})
		if err != nil {
			b.Fatal(err)
		}
		restart := time.Since(start)
		rctx, cancel = context.WithCancel(ctx)
		done = make(chan struct{})
		start = time.Now()
		go func() { defer close(done); _ = p.Run(rctx) }()
		if err := p.WaitRecord(ctx); err != nil {
			b.Fatal(err)
		}
		compared := time.Since(start)
		cancel()
		<-done
		p.Close()
		if again, _ := store.Head(ctx); again != head {
			b.Fatalf("the restart recorded %d versions", again-head)
		}
		b.ReportMetric(float64(restart.Milliseconds()), "reopen_ms")
		b.ReportMetric(float64(compared.Milliseconds()), "recompare_ms")
		b.ReportMetric(float64(plain.Milliseconds()), "open_ms")
		b.ReportMetric(float64(withRecord.Milliseconds()), "open_record_ms")
		b.ReportMetric(float64(recorded.Milliseconds()), "record_ms")
		b.ReportMetric(float64(head)/recorded.Seconds(), "items/s")
	}
}
