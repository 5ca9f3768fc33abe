package portal

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const cacheSiteYAML = "title: Cổng thử\n"

func cacheSite() map[string]string {
	return map[string]string{
		"site.yaml":               cacheSiteYAML,
		"so-tai-chinh/_agency.md": "---\nname: Sở Tài chính\n---\nSở.\n",
		"so-tai-chinh/mot.md":     "---\ntitle: Thông báo một\ncategory: notice\npublished: 2025-01-01\n---\nMột.\n",
		"so-tai-chinh/hai.md":     "---\ntitle: Thông báo hai\ncategory: notice\npublished: 2025-01-02\n---\nHai.\n",
	}
}

// openCached opens a portal on dir with its cache file, logging into log.
func openCached(t *testing.T, dir, cacheFile string, log io.Writer, opts ...func(*Config)) *Portal {
	t.Helper()
	cfg := Config{Content: os.DirFS(dir), Dir: dir, CacheFile: cacheFile, Log: slog.New(slog.NewTextHandler(log, nil))}
	for _, o := range opts {
		o(&cfg)
	}
	p, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A restart reads the cache: nothing is parsed when nothing changed, a file
// changed while the portal was down is, and a damaged cache is ignored.
func TestRestartWithCache(t *testing.T) {
	tests := []struct {
		name       string
		whileDown  func(t *testing.T, dir, cacheFile string)
		wantParsed int
		wantLog    string
		wantTitle  string // of so-tai-chinh/mot
	}{
		{name: "nothing changed", wantParsed: 0, wantLog: "content cache read", wantTitle: "Thông báo một"},
		{
			name: "a notice changed",
			whileDown: func(t *testing.T, dir, _ string) {
				writeFiles(t, dir, map[string]string{"so-tai-chinh/mot.md": strings.Replace(cacheSite()["so-tai-chinh/mot.md"], "một", "một (sửa)", 1)})
			},
			wantParsed: 1, wantLog: "content cache read", wantTitle: "Thông báo một (sửa)",
		},
		{
			name: "cache damaged",
			whileDown: func(t *testing.T, _, cacheFile string) {
				b, err := os.ReadFile(cacheFile)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(cacheFile, b[:len(b)/2], 0o600); err != nil {
					t.Fatal(err)
				}
			},
			wantParsed: 3, wantLog: "content cache not used", wantTitle: "Thông báo một",
		},
		{
			name: "cache not a file",
			whileDown: func(t *testing.T, _, cacheFile string) {
				if err := os.Remove(cacheFile); err != nil {
					t.Fatal(err)
				}
				if err := os.Mkdir(cacheFile, 0o700); err != nil {
					t.Fatal(err)
				}
			},
			wantParsed: 3, wantLog: "content cache not", wantTitle: "Thông báo một",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, data := t.TempDir(), t.TempDir()
			writeFiles(t, dir, cacheSite())
			cacheFile := filepath.Join(data, "content.cache")
			first := openCached(t, dir, cacheFile, io.Discard)
			if err := first.Close(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(cacheFile); err != nil {
				t.Fatalf("Close did not write the cache: %v", err)
			}
			if tt.whileDown != nil {
				// A later modification time than the cached one, whatever the
				// clock's resolution.
				time.Sleep(10 * time.Millisecond)
				tt.whileDown(t, dir, cacheFile)
			}
			var log bytes.Buffer
			p := openCached(t, dir, cacheFile, &log)
			defer p.Close()
			site := p.Snapshot().Site
			if got := site.Parsed(); got != tt.wantParsed {
				t.Errorf("Parsed() = %d, want %d", got, tt.wantParsed)
			}
			if !strings.Contains(log.String(), tt.wantLog) {
				t.Errorf("log has no %q:\n%s", tt.wantLog, log.String())
			}
			n, ok := site.Notice("so-tai-chinh/mot")
			if !ok || n.Title != tt.wantTitle {
				t.Fatalf("notice = %+v, want title %q", n, tt.wantTitle)
			}
			if body, err := n.Body(); err != nil || !strings.Contains(string(body.HTML), "<p>Một") {
				t.Errorf("Body() = %q, %v", body.HTML, err)
			}
		})
	}
}

// The cache file waits for the edits to stop (CacheQuiet without a load that
// parsed files), so that a burst of edits is not slowed by rewrites of the
// whole cache, but never longer than CacheMaxWait.
func TestCacheWaitsForQuiet(t *testing.T) {
	tests := []struct {
		name          string
		quiet, max    time.Duration
		burst         time.Duration // edits every 50 ms for this long
		writtenDuring bool          // the cache is written before the burst ends
	}{
		{"a burst delays the write", 600 * time.Millisecond, time.Minute, 1200 * time.Millisecond, false},
		{"the write is delayed no longer than the maximum", 600 * time.Millisecond, 900 * time.Millisecond, 2500 * time.Millisecond, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A burst is edits closer together than the quiet time. On a
			// machine so loaded that two edits came further apart, the run
			// proves nothing either way and is tried again.
			for attempt := 1; ; attempt++ {
				gap, ok := cacheBurst(t, tt.quiet, tt.max, tt.burst, tt.writtenDuring)
				if ok {
					return
				}
				if attempt == 3 {
					t.Fatalf("no burst after 3 tries: edits %v apart, quiet time %v", gap, tt.quiet)
				}
				t.Logf("edits came %v apart (quiet time %v): trying again", gap, tt.quiet)
			}
		})
	}
}

// cacheBurst edits a file every 50 ms for burst and checks whether the cache
// was written meanwhile, then that it is written once the edits stop. ok is
// false, with the longest gap between two edits, when that gap came near quiet.
func cacheBurst(t *testing.T, quiet, maxWait, burst time.Duration, writtenDuring bool) (gap time.Duration, ok bool) {
	t.Helper()
	dir, data := t.TempDir(), t.TempDir()
	writeFiles(t, dir, cacheSite())
	cacheFile := filepath.Join(data, "content.cache")
	p := openCached(t, dir, cacheFile, io.Discard, func(c *Config) { c.CacheQuiet, c.CacheMaxWait = quiet, maxWait }) // its first load parses every file
	defer p.Close()
	written := func() bool { _, err := os.Stat(cacheFile); return err == nil }
	start := time.Now()
	last := start
	for i := 0; time.Since(start) < burst; i++ {
		writeFiles(t, dir, map[string]string{"so-tai-chinh/mot.md": strings.Replace(cacheSite()["so-tai-chinh/mot.md"], "Một.", "Một "+strconv.Itoa(i)+".", 1)})
		if p.Reload(context.Background()).Site.Parsed() != 1 {
			t.Fatalf("edit %d was not parsed", i)
		}
		now := time.Now()
		gap = max(gap, now.Sub(last))
		last = now
		time.Sleep(50 * time.Millisecond)
	}
	got := written()
	if gap >= quiet*3/4 {
		return gap, false
	}
	if got != writtenDuring {
		t.Fatalf("cache written during the burst = %v, want %v", got, writtenDuring)
	}
	deadline := time.Now().Add(quiet + 5*time.Second)
	for !written() {
		if time.Now().After(deadline) {
			t.Fatal("cache not written after the edits stopped")
		}
		time.Sleep(20 * time.Millisecond)
	}
	return gap, true
}
