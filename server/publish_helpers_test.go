package server

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/feedback"
	"github.com/congkhai/congkhai/internal/binarytest"
	"github.com/congkhai/congkhai/internal/sqldb"
	"github.com/congkhai/congkhai/portal"
	"github.com/congkhai/congkhai/publish"
	"github.com/congkhai/congkhai/themes"
)

// pubEnv is a server on a copy of the demo folder with the publishing
// record, the feedback store (staff accounts) on the same database, and the
// portal running (the record followed, hand edits recorded).
type pubEnv struct {
	fbEnv
	p     *portal.Portal
	pub   *publish.Store
	dir   string
	pubAt *testClock // the record's clock
}

// newPubEnv starts it; edit, when set, changes the copied folder first.
func newPubEnv(t testing.TB, dsn string, edit func(dir string), deps func(*Deps)) *pubEnv {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(testLogOut(), nil))
	dir := binarytest.CopyDir(t, filepath.Join(binarytest.Root(), "demo", "site"))
	if edit != nil {
		edit(dir)
	}
	db, err := sqldb.Open(ctx, dsn, t.TempDir(), sqldb.WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	pubAt := &testClock{t: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	pub, err := publish.New(ctx, db, publish.WithLogger(log), publish.WithClock(pubAt.Now))
	if err != nil {
		t.Fatal(err)
	}
	clock := &testClock{t: fixedNow}
	st, err := feedback.New(ctx, db, feedback.WithLogger(log), feedback.WithClock(clock.Now), feedback.WithPasswordCost(64, 1))
	if err != nil {
		t.Fatal(err)
	}
	cd, err := content.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cd.Close() })
	data := t.TempDir()
	p, err := portal.Open(ctx, portal.Config{Content: cd, Dir: dir, Log: log, Now: clock.Now, Publish: pub,
		RecordFile: filepath.Join(data, "publish.state"), Debounce: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = p.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done; p.Close() })
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := p.WaitRecord(wctx); err != nil {
		t.Fatal(err)
	}
	th, err := themes.Load("")
	if err != nil {
		t.Fatal(err)
	}
	d := Deps{Log: log, Portal: p, Theme: th, BaseURL: "https://congkhai.example.vn", Version: "test", Feedback: st, Secret: []byte("test secret")}
	if deps != nil {
		deps(&d)
	}
	s, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	return &pubEnv{fbEnv: fbEnv{s: s, store: st, clock: clock}, p: p, pub: pub, dir: dir, pubAt: pubAt}
}

// publishFiles records a version of an item through the portal.
func (e *pubEnv) publishFiles(t testing.TB, path string, action publish.Action, reason string, base int, files map[string][]byte) *publish.Version {
	t.Helper()
	v, err := e.p.Publish(context.Background(), portal.Change{Path: path, Action: action, Actor: publish.StaffActor(1), Reason: reason, Files: files, Base: base})
	if err != nil {
		t.Fatalf("Publish %s %s: %v", action, path, err)
	}
	return v
}

// newBenchEnv is newPubEnv for benchmarks.
func newBenchEnv(b *testing.B) *pubEnv { return newPubEnv(b, "", nil, nil) }
