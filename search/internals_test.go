package search

import (
	"context"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2/index/upsidedown"
)

// syncBuffer is a log destination safe for the goroutines of an index.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestInternalsFallback: an index whose reader is not scorch's (bleve's
// upsidedown index, standing for a bleve whose internals changed) answers
// every query as bleve's search does; each search that fell back is
// counted, and the first of each kind is logged.
func TestInternalsFallback(t *testing.T) {
	var logs syncBuffer
	ix := fixtureIndexWith(t, Options{indexType: upsidedown.Name, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	ctx := context.Background()
	queries := 0
	for _, r := range rankingQueries {
		r.Facets, r.Highlight = true, true
		p, err := ParseQuery(r.Query)
		if err != nil {
			t.Fatal(err)
		}
		before := ix.Health().Fallbacks
		got, err := ix.Search(ctx, r)
		// A query with match sets falls back (once per search it runs: the
		// strict and approximate forms, the probes of a dead end).
		_, planErr := makePlan(p, r.Filters, false)
		if fell := ix.Health().Fallbacks - before; (planErr == nil) != (fell > 0) {
			t.Errorf("%q: %d fallbacks; has match sets: %v", r.Query, fell, planErr == nil)
		}
		if planErr == nil {
			queries++
		}
		if err != nil {
			t.Fatalf("%q: %v", r.Query, err)
		}
		ix.opts.bleveOnly = true
		ref, err := ix.Search(ctx, r)
		ix.opts.bleveOnly = false
		if err != nil {
			t.Fatalf("%q: bleve: %v", r.Query, err)
		}
		if got.Total != ref.Total || !reflect.DeepEqual(ids(got.Hits), ids(ref.Hits)) || !reflect.DeepEqual(got.Facets, ref.Facets) {
			t.Errorf("%q: %d %v %v, bleve %d %v %v", r.Query, got.Total, ids(got.Hits), got.Facets, ref.Total, ids(ref.Hits), ref.Facets)
		}
	}
	if queries == 0 {
		t.Error("no query with match sets")
	}
	// Logged once per kind: the reader for the match sets, the fuzzy
	// dictionary for the corrections (of "từkhôngcó").
	for _, kind := range []string{"is not a scorch snapshot", "has no fuzzy dictionary"} {
		if n := strings.Count(logs.String(), kind); n != 1 {
			t.Errorf("%q logged %d times, want once:\n%s", kind, n, logs.String())
		}
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 2 {
		t.Errorf("%d warnings, want 2:\n%s", n, logs.String())
	}
	if err := ix.Warm(); err != nil {
		t.Errorf("Warm: %v", err)
	}
	// Quoted phrases read the stored texts through the reader's documented
	// API: they find what they find on scorch.
	sc := newFixtureIndex(t)
	for _, q := range []string{`"ngân sách"`, `"ngan sach" xa`, `dat -"nong nghiep"`, `"quyền sử dụng đất"`} {
		got, err := ix.Search(ctx, Request{Query: q, Size: 100})
		if err != nil {
			t.Fatalf("%q: %v", q, err)
		}
		ref, err := sc.Search(ctx, Request{Query: q, Size: 100})
		if err != nil {
			t.Fatalf("%q on scorch: %v", q, err)
		}
		g, r := ids(got.Hits), ids(ref.Hits)
		slices.Sort(g)
		slices.Sort(r)
		if !slices.Equal(g, r) || len(r) == 0 {
			t.Errorf("%q: %v, on scorch %v", q, g, r)
		}
	}
	if _, err := ix.Search(ctx, Request{Query: "ngan sahc"}); err != nil {
		t.Errorf("search with corrections: %v", err)
	}
}

// TestNoFallbackOnScorch: the index this package builds never falls back.
func TestNoFallbackOnScorch(t *testing.T) {
	ix := rankingIndex(t, Options{CostLimit: 1})
	for _, r := range rankingQueries {
		r.Facets = true
		if _, err := ix.Search(context.Background(), r); err != nil {
			t.Fatalf("%q: %v", r.Query, err)
		}
	}
	if err := ix.Warm(); err != nil {
		t.Fatal(err)
	}
	if got := ix.Health().Fallbacks; got != 0 {
		t.Errorf("Health().Fallbacks = %d, want 0", got)
	}
}
