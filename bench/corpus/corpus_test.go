package corpus

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/congkhai/congkhai/content"
)

// sharedData is the optional folder of real law text and place names beside the
// repository; without it the corpus is synthetic and only that variant runs.
var sharedData = filepath.Join("..", "..", "..", "shared", "data")

// treeHash hashes every file's path and bytes under dir.
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths)
	h := sha256.New()
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		h.Write([]byte(rel + "\x00"))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func gen(t *testing.T, cfg Config) (string, Stats) {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "site")
	st, err := c.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, st
}

// dataDirs are the data folders a test generates from: the synthetic fallback
// and, when present, the real text. The real-text variant reads 24 MB of law
// text three times; -short leaves it out (the synthetic one covers the same code).
func dataDirs(t *testing.T) map[string]string {
	dirs := map[string]string{"synthetic": t.TempDir()} // an empty folder: synthetic fallback
	if _, err := os.Stat(filepath.Join(sharedData, "vlc")); err == nil && !testing.Short() {
		dirs["shared"] = sharedData
	}
	return dirs
}

func TestDeterministic(t *testing.T) {
	for name, dd := range dataDirs(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg := Config{Notices: 300, Rows: 2000, Seed: 7, DataDir: dd}
			a, st := gen(t, cfg)
			b, _ := gen(t, cfg)
			if ha, hb := treeHash(t, a), treeHash(t, b); ha != hb {
				t.Fatalf("same seed, different bytes: %s vs %s", ha, hb)
			}
			cfg.Seed = 8
			c, _ := gen(t, cfg)
			if treeHash(t, a) == treeHash(t, c) {
				t.Fatal("different seeds gave identical corpora")
			}
			if st.Notices != 300 || st.Rows != 2000 {
				t.Fatalf("stats %+v", st)
			}
			if (name == "synthetic") != st.Synthetic {
				t.Fatalf("synthetic = %v for %s", st.Synthetic, name)
			}
		})
	}
}

// TestLoads checks that the portal's own loader accepts every generated file,
// and that the text is NFC without soft hyphens.
func TestLoads(t *testing.T) {
	for name, dd := range dataDirs(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir, st := gen(t, Config{Notices: 400, Rows: 3000, Seed: 1, DataDir: dd})
			site, problems := content.Load(context.Background(), os.DirFS(dir), nil)
			for _, p := range problems {
				t.Errorf("problem: %v", p)
			}
			if len(site.Notices) != st.Notices || len(site.Datasets) != st.Datasets {
				t.Fatalf("loaded %d notices, %d datasets; wrote %d, %d", len(site.Notices), len(site.Datasets), st.Notices, st.Datasets)
			}
			rows := 0
			for _, d := range site.Datasets {
				for _, tb := range d.Tables {
					rows += tb.RowCount
				}
			}
			if rows != 3000 {
				t.Fatalf("loaded %d rows, want 3000", rows)
			}
			cats := map[content.Category]int{}
			for _, n := range site.Notices {
				cats[n.Category]++
				if y := n.Published.Year(); y < 2015 || y > 2026 {
					t.Errorf("%s: published %v", n.Path, n.Published)
				}
			}
			if len(cats) != 7 {
				t.Errorf("categories %v, want all 7", cats)
			}
			_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				b, _ := os.ReadFile(p)
				if !utf8.Valid(b) || !norm.NFC.IsNormal(b) || bytes.Contains(b, []byte("\u00ad")) {
					t.Errorf("%s: not clean NFC UTF-8", p)
				}
				return nil
			})
		})
	}
}

func TestFolderBound(t *testing.T) {
	c, err := New(Config{Notices: 100000, Rows: 1000000, Seed: 1, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	for i := 0; i < c.Cfg.Notices; i++ {
		per[c.Agencies[i%len(c.Agencies)].Slug]++
	}
	for s, n := range per {
		if n > 5000 {
			t.Errorf("%s: %d notices", s, n)
		}
	}
	rows := 0
	for _, d := range c.Datasets {
		rows += d.Rows
	}
	if rows != 1000000 {
		t.Errorf("rows %d", rows)
	}
}

func TestQueries(t *testing.T) {
	for name, dd := range dataDirs(t) {
		t.Run(name, func(t *testing.T) {
			c, err := New(Config{Notices: 500, Rows: 1000, Seed: 3, DataDir: dd})
			if err != nil {
				t.Fatal(err)
			}
			a, b := c.Mix(300), c.Mix(300)
			if len(a) != 300 {
				t.Fatalf("%d queries", len(a))
			}
			forms := map[string]int{}
			distinct := map[string]bool{}
			for i := range a {
				if a[i] != b[i] {
					t.Fatal("mix not deterministic")
				}
				forms[a[i].Form]++
				distinct[a[i].Text] = true
				if n := len(strings.Fields(a[i].Text)); n < 1 || n > 4 {
					t.Errorf("%q: %d syllables", a[i].Text, n)
				}
			}
			if forms["folded"] < 100 || forms["nfd"] < 10 {
				t.Errorf("forms %v", forms)
			}
			// Zipf: popular queries repeat, and there is a long tail.
			if len(distinct) > 250 || len(distinct) < 50 {
				t.Errorf("%d distinct queries of 300", len(distinct))
			}
			if br := c.Broadest(20); len(br) != 20 {
				t.Errorf("broadest: %v", br)
			}
			fs := c.FoldingSet(5)
			if len(fs) < 15 {
				t.Errorf("folding set: %d cases", len(fs))
			}
		})
	}
}

func TestCleanText(t *testing.T) {
	in := norm.NFD.String("Đất đai") + "\u00ad\r\n"
	if got := CleanText(in); got != "Đất đai\n" {
		t.Fatalf("%q", got)
	}
}
