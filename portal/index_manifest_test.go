package portal

import (
	"context"
	"hash/fnv"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// hashSum is FNV-1a: manifests saved by an earlier version hold its digests.
func TestHashSumIsFNV(t *testing.T) {
	for _, h := range []string{"", "abc", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "a|b|so-tai-chinh/bang-gia"} {
		f := fnv.New64a()
		f.Write([]byte(h))
		if want := max(f.Sum64(), 1); hashSum(h) != want {
			t.Errorf("hashSum(%q) = %x, want FNV-1a %x", h, hashSum(h), want)
		}
	}
}

func TestManifestEncoding(t *testing.T) {
	m := manifest{"n:so-tai-chinh/du-toan": {Sum: hashSum("abc")}, "t:x/y.csv": {Sum: 0, Rows: 357}, "q:12": {Sum: 1<<64 - 1}}
	got, epoch, err := decodeManifest(encodeManifest(m, 7))
	if err != nil || !reflect.DeepEqual(got, m) || epoch != 7 {
		t.Fatalf("round trip: %v, epoch %d, %v", got, epoch, err)
	}
	for _, tc := range []struct {
		name string
		in   string
		want manifest
		bad  bool
	}{
		{"empty", "", manifest{}, false},
		{"older JSON", `{"n:a":{"h":"x"},"t:b.csv":{"h":"y","r":3},"n:c":{"h":""}}`, manifest{"n:a": {Sum: hashSum("x")}, "t:b.csv": {Sum: hashSum("y"), Rows: 3}, "n:c": {}}, false},
		{"older lines", "n:a\tx\t0\nn:b\t\t0\nt:c\ty\t4\n", manifest{"n:a": {Sum: hashSum("x")}, "n:b": {}, "t:c": {Sum: hashSum("y"), Rows: 4}}, false},
		{"sums", "n:a\t#ff\t0\nt:c\t#0\t4\n", manifest{"n:a": {Sum: 255}, "t:c": {Rows: 4}}, false},
		{"epoch", "!epoch\t3\nn:a\t#ff\t0\n", manifest{"n:a": {Sum: 255}}, false},
		{"bad epoch", "!epoch\tx\nn:a\t#ff\t0\n", manifest{}, true},
		{"empty key", "\t#ff\t0\n", manifest{}, true},
		{"bad sum", "n:a\t#fz\t0\n", manifest{}, true},
		{"torn JSON", `{"n:a":{"h"`, manifest{}, true},
		{"line not ended", "n:a\tx\t0", manifest{}, true},
		{"bad rows", "n:a\tx\tz\n", manifest{}, true},
		{"missing field", "n:a\tx\n", manifest{}, true},
	} {
		got, _, err := decodeManifest([]byte(tc.in))
		if (err != nil) != tc.bad || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v, %v; want %v (error %v)", tc.name, got, err, tc.want, tc.bad)
		}
	}
}

func TestManifestLog(t *testing.T) {
	base := func() manifest { return manifest{"n:a": {Sum: 1}, "t:b.csv": {Sum: 2, Rows: 5}} }
	for _, tc := range []struct {
		name    string
		epoch   uint64
		log     string
		want    manifest
		records int
		bad     bool
	}{
		{"no log", 4, "", base(), 0, false},
		{"changes in order", 4, "!epoch\t4\nn:a\t#0\t0\nn:c\t#0\t0\nn:a\t#ff\t0\nn:c\t#3\t0\nt:b.csv\t-\n", manifest{"n:a": {Sum: 255}, "n:c": {Sum: 3}}, 5, false},
		{"dirty at the end stays dirty", 4, "!epoch\t4\nt:b.csv\t#0\t5\n", manifest{"n:a": {Sum: 1}, "t:b.csv": {Rows: 5}}, 1, false},
		{"torn last append", 4, "!epoch\t4\nn:a\t#0\t0\nn:a\t#f", manifest{"n:a": {}, "t:b.csv": {Sum: 2, Rows: 5}}, 1, false},
		{"torn first append", 4, "!epoch\t", base(), 0, false},
		{"log of an older manifest", 4, "!epoch\t3\nn:a\t#0\t0\n", base(), 0, false},
		{"log of a newer manifest", 4, "!epoch\t40\nn:a\t#0\t0\n", base(), 0, false},
		{"bad record", 4, "!epoch\t4\nn:a\t#zz\t0\n", nil, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := base()
			n, err := replayManifestLog(m, tc.epoch, []byte(tc.log))
			if (err != nil) != tc.bad {
				t.Fatalf("error %v, want failure %v", err, tc.bad)
			}
			if tc.bad {
				return
			}
			if n != tc.records || !reflect.DeepEqual(m, tc.want) {
				t.Errorf("got %v (%d records), want %v (%d)", m, n, tc.want, tc.records)
			}
		})
	}
}

// When the log is long, the manifest is saved whole under a new epoch and the
// log starts again; a restart still re-indexes nothing.
func TestManifestLogCompacts(t *testing.T) {
	dir, idx := t.TempDir(), t.TempDir()
	writeFiles(t, dir, baseSite)
	p := openWith(t, dir, idx, Config{manifestLogMax: 3})
	for i, word := range []string{"phan bon", "hat giong", "thuoc tru sau"} {
		writeFiles(t, dir, map[string]string{"so-x/thong-bao-a.md": "---\ntitle: Thông báo " + strconv.Itoa(i) + "\ncategory: thong-bao\npublished: 2026-01-02\n---\nNội dung về " + word + ".\n"})
		p.Reload(context.Background())
		waitIndexed(t, p)
		if got := ids(t, p, word); !has(got, "n:so-x/thong-bao-a") {
			t.Fatalf("edit %d: %q not found: %v", i, word, got)
		}
	}
	docs := p.IndexStatus().Docs
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(idx, "meta-"+manifestKey))
	if err != nil || !strings.HasPrefix(string(b), "!epoch\t") || strings.HasPrefix(string(b), "!epoch\t0\n") {
		t.Fatalf("manifest not saved under a new epoch: %.40q, %v", b, err)
	}
	p2 := openDir(t, dir, idx)
	defer p2.Close()
	if st := p2.IndexStatus(); st.Changed != 0 || st.Docs != docs {
		t.Errorf("after restart: %+v, want nothing changed and %d docs", st, docs)
	}
	if got := ids(t, p2, "thuoc tru sau"); !has(got, "n:so-x/thong-bao-a") {
		t.Errorf("after restart: %v", got)
	}
}

// A crash between saving the manifest whole and removing the log leaves a
// log of the previous epoch: it is ignored, the next sync saves the manifest
// whole, and the logs after it start afresh (records appended to the stale
// file would be ignored at the next start).
func TestManifestStaleLog(t *testing.T) {
	dir, idx := t.TempDir(), t.TempDir()
	writeFiles(t, dir, baseSite)
	p := openDir(t, dir, idx)
	edit := func(p *Portal, word string) {
		t.Helper()
		writeFiles(t, dir, map[string]string{"so-x/thong-bao-a.md": "---\ntitle: Thông báo\ncategory: thong-bao\npublished: 2026-01-02\n---\nNội dung về " + word + ".\n"})
		p.Reload(context.Background())
		waitIndexed(t, p)
	}
	edit(p, "phan bon")
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	// The state a crash leaves: the manifest saved under the next epoch, the
	// log of the previous one still there.
	baseFile, logFile := filepath.Join(idx, "meta-"+manifestKey), filepath.Join(idx, "meta-"+manifestLogKey)
	base, _ := os.ReadFile(baseFile)
	lg, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	m, epoch, err := decodeManifest(base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := replayManifestLog(m, epoch, lg); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(baseFile, encodeManifest(m, epoch+1), 0o600); err != nil {
		t.Fatal(err)
	}

	p2 := openDir(t, dir, idx)
	if st := p2.IndexStatus(); st.Changed != 0 {
		t.Errorf("after the crash: %+v, want nothing re-indexed", st)
	}
	edit(p2, "hat giong") // saves the manifest whole
	if _, err := os.Stat(logFile); err == nil {
		t.Errorf("the stale log is still there after a sync")
	}
	edit(p2, "phan bon") // back to the text of the first edit: a new log
	base, _ = os.ReadFile(baseFile)
	_, saved, err := decodeManifest(base)
	if err != nil || saved <= epoch+1 {
		t.Fatalf("manifest epoch %d, %v; want it saved again after epoch %d", saved, err, epoch+1)
	}
	if b, err := os.ReadFile(logFile); err != nil || !strings.HasPrefix(string(b), "!epoch\t"+strconv.FormatUint(saved, 10)+"\n") {
		t.Errorf("new log %q, %v; want it to start with the manifest's epoch %d", b, err, saved)
	}
	if err := p2.Close(); err != nil {
		t.Fatal(err)
	}
	p3 := openDir(t, dir, idx)
	defer p3.Close()
	if st := p3.IndexStatus(); st.Changed != 0 {
		t.Errorf("after restart: %+v, want nothing re-indexed", st)
	}
	if got := ids(t, p3, "phan bon"); !has(got, "n:so-x/thong-bao-a") {
		t.Errorf("the last edit is not found: %v", got)
	}
	if got := ids(t, p3, "hat giong"); has(got, "n:so-x/thong-bao-a") {
		t.Errorf("the edit before it is still found: %v", got)
	}
}
