package search

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// segmentPaths returns the index's segment files.
func segmentPaths(t *testing.T, dir string) []string {
	t.Helper()
	segs, err := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
	if err != nil || len(segs) == 0 {
		t.Fatalf("no segment files in %s (%v)", dir, err)
	}
	return segs
}

// damage overwrites 8 bytes of the file at off (counted from the end when
// negative) with their complement.
func damage(t *testing.T, path string, off int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if off < 0 {
		off += st.Size()
	}
	b := make([]byte, 8)
	if _, err := f.ReadAt(b, off); err != nil {
		t.Fatal(err)
	}
	for i := range b {
		b[i] = ^b[i]
	}
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

// closedFixtureIndex builds the fixture in dir with opts, opens it again
// (which checks and records its segments) and closes it.
func closedFixtureIndex(t *testing.T, dir string, opts Options) {
	t.Helper()
	ix, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(context.Background(), fixture, nil); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if c := ix.Health().Checked; c.Segments == 0 || c.Unclean {
		t.Fatalf("reopened index checked %+v, want its segments read", c)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestDamagedSegmentRebuilt: a segment damaged anywhere (its header, its
// middle, its footer, its checksum, cut short) is caught when the index
// opens, before zap reads it, although the segment passed its check at an
// earlier open; OpenOrRebuild then starts an empty index and says why, and
// the index built again answers as a fresh one.
func TestDamagedSegmentRebuilt(t *testing.T) {
	ref := newFixtureIndex(t)
	queries := []Request{{Query: "đất"}, {Query: "ngan sach"}, {Query: `"quyền sử dụng đất"`}, {Query: "dat", Sort: "date"}, {Query: "", Filters: map[string][]string{"agency": {"so-tnmt"}}}}
	for _, tt := range []struct {
		name       string
		zapVersion int
		harm       func(t *testing.T, seg string)
	}{
		{"header", 0, func(t *testing.T, seg string) { damage(t, seg, 0) }},
		{"middle", 0, func(t *testing.T, seg string) {
			st, _ := os.Stat(seg)
			damage(t, seg, st.Size()/2)
		}},
		{"footer", 0, func(t *testing.T, seg string) { damage(t, seg, -24) }},
		{"checksum", 0, func(t *testing.T, seg string) { damage(t, seg, -8) }},
		{"truncated", 0, func(t *testing.T, seg string) {
			st, _ := os.Stat(seg)
			if err := os.Truncate(seg, st.Size()-100); err != nil {
				t.Fatal(err)
			}
		}},
		{"zap v16, middle", 16, func(t *testing.T, seg string) {
			st, _ := os.Stat(seg)
			damage(t, seg, st.Size()/2)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			closedFixtureIndex(t, dir, Options{zapVersion: tt.zapVersion})
			segs := segmentPaths(t, dir)
			seg := segs[len(segs)-1]
			tt.harm(t, seg)

			_, err := Open(dir, Options{})
			want := filepath.Base(seg) + " is damaged"
			if !errors.Is(err, ErrRebuild) || !strings.Contains(err.Error(), want) {
				t.Fatalf("Open(damaged) = %v, want ErrRebuild saying %q", err, want)
			}
			ix, rebuilt, err := OpenOrRebuild(dir, Options{})
			if err != nil || !rebuilt {
				t.Fatalf("OpenOrRebuild = %v, %v; want rebuilt", rebuilt, err)
			}
			defer ix.Close()
			if h := ix.Health(); !strings.HasPrefix(h.Repaired, "segment "+want) {
				t.Errorf("Health().Repaired = %q, want it to start with %q", h.Repaired, "segment "+want)
			}
			if err := ix.Apply(context.Background(), fixture, nil); err != nil {
				t.Fatal(err)
			}
			for _, r := range queries {
				got, err := ix.Search(context.Background(), r)
				if err != nil {
					t.Fatalf("%+v: %v", r, err)
				}
				exp, err := ref.Search(context.Background(), r)
				if err != nil {
					t.Fatal(err)
				}
				// Equal scores come in index order, which differs between
				// two builds: the hits are compared as sets.
				g, e := ids(got.Hits), ids(exp.Hits)
				slices.Sort(g)
				slices.Sort(e)
				if got.Total != exp.Total || !slices.Equal(g, e) || len(e) == 0 {
					t.Errorf("%+v after the rebuild: %d %v, want %d %v", r, got.Total, g, exp.Total, e)
				}
			}
		})
	}
}

// TestCheckedSegmentsTrusted: an open reads only the segments that are new
// or were written since their check; after a process that did not close the
// index, it reads them all.
func TestCheckedSegmentsTrusted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	closedFixtureIndex(t, dir, Options{})
	n := len(segmentPaths(t, dir))
	reopen := func() CheckFigures {
		t.Helper()
		ix, err := Open(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		c := ix.Health().Checked
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := reopen(); c.Segments != 0 || c.Trusted != n || c.Unclean {
		t.Errorf("unchanged segments: %+v, want %d trusted and none read", c, n)
	}
	// The same bytes written again: the file's identity changes.
	seg := segmentPaths(t, dir)[0]
	b, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(seg, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if c := reopen(); c.Segments != 1 || c.Trusted != n-1 || c.Bytes != int64(len(b)) {
		t.Errorf("one segment written: %+v, want it read (%d bytes) and %d trusted", c, len(b), n-1)
	}
	// What a process that never closed the index leaves.
	if err := os.WriteFile(filepath.Join(dir, openFile), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if c := reopen(); c.Segments != n || c.Trusted != 0 || !c.Unclean {
		t.Errorf("after an unclean end: %+v, want all %d read", c, n)
	}
	if _, err := os.Stat(filepath.Join(dir, openFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s left after Close: %v", openFile, err)
	}
}
