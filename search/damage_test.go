package search

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestPanicMarksDamaged: a panic in a search, in its facets' or highlights'
// goroutine, in a suggestion or in Warm becomes an error wrapping ErrDamaged (the
// process goes on, and so do the next searches); the index is marked
// damaged, says so in Health and the log, and is rebuilt at the next open.
// (A panic cannot be provoked in the real parts on purpose: the fault hook
// stands for one.)
func TestPanicMarksDamaged(t *testing.T) {
	ctx := context.Background()
	for _, where := range []string{"search", "facets", "highlights", "suggest", "warm"} {
		t.Run(where, func(t *testing.T) {
			var armed atomic.Bool
			armed.Store(true)
			var logs syncBuffer
			dir := filepath.Join(t.TempDir(), "index")
			opts := Options{Log: slog.New(slog.NewTextHandler(&logs, nil)), fault: func(w string) {
				if w == where && armed.Load() {
					panic("fault in " + w)
				}
			}}
			ix, err := Open(dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			if err := ix.Apply(ctx, fixture, nil); err != nil {
				t.Fatal(err)
			}
			run := func() error {
				if where == "warm" {
					return ix.Warm()
				}
				if where == "suggest" {
					s, err := ix.Suggest(ctx, "ngan sach", 5)
					if err == nil && len(s) == 0 {
						t.Error("no suggestions")
					}
					return err
				}
				res, err := ix.Search(ctx, Request{Query: "đất", Facets: true, Highlight: true})
				if err == nil && (res.Total == 0 || len(res.Facets) == 0 || res.Hits[0].TitleHTML == "") {
					t.Errorf("search answered %+v", res)
				}
				if err != nil && res != nil {
					t.Errorf("a result beside the error %v", err)
				}
				return err
			}
			if err := run(); !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "fault in "+where) {
				t.Fatalf("panicking %s = %v, want ErrDamaged", where, err)
			}
			want := where + " panicked: fault in " + where
			if where == "highlights" {
				want = "search panicked: fault in highlights" // handed to the search's goroutine
			}
			if h := ix.Health(); h.Damaged != want {
				t.Errorf("Health().Damaged = %q, want %q", h.Damaged, want)
			}
			if !strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "damage_test.go") {
				t.Errorf("the panic and its stack are not logged:\n%s", logs.String())
			}
			armed.Store(false)
			if err := run(); err != nil {
				t.Errorf("after the panic: %v", err)
			}
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(dir, Options{}); !errors.Is(err, ErrRebuild) || !strings.Contains(err.Error(), want) {
				t.Fatalf("Open(marked damaged) = %v, want ErrRebuild saying %q", err, want)
			}
			ix2, rebuilt, err := OpenOrRebuild(dir, Options{})
			if err != nil || !rebuilt {
				t.Fatalf("OpenOrRebuild = %v, %v; want rebuilt", rebuilt, err)
			}
			defer ix2.Close()
			if h := ix2.Health(); h.Repaired != want || h.Damaged != "" {
				t.Errorf("rebuilt index: %+v, want Repaired %q", h, want)
			}
		})
	}
}
