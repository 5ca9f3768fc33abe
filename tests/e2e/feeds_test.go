package e2e

import (
	"database/sql"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/congkhai/congkhai/internal/binarytest"
)

// newsboat runs Debian's newsboat once, non-interactively, over the urls and
// returns what its cache holds: feed URL → item guid → title, and feed URL →
// feed title (empty or missing when newsboat could not read the feed). newsboat
// exits 0 even when a feed fails, so its cache is the only honest answer.
// (newsboat 2.21 reads RSS and Atom, not JSON Feed: gofeed checks that one.)
type newsboat struct {
	bin, dir string
}

func newNewsboat(t *testing.T, urls []string) *newsboat {
	t.Helper()
	bin, err := exec.LookPath("newsboat")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("newsboat is required in CI (apt-get install newsboat)")
		}
		t.Skip("newsboat not installed (apt-get install newsboat)")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "urls"), []byte(strings.Join(urls, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return &newsboat{bin: bin, dir: dir}
}

func (nb *newsboat) reload(t *testing.T) (items map[string]map[string]string, titles map[string]string) {
	t.Helper()
	cmd := exec.Command(nb.bin, "-u", "urls", "-c", "cache.db", "-C", "/dev/null", "-x", "reload")
	cmd.Dir = nb.dir
	cmd.Env = append(os.Environ(), "HOME="+nb.dir, "TERM=dumb")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("newsboat: %v\n%s", err, out)
	}
	db, err := sql.Open("sqlite", filepath.Join(nb.dir, "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	titles = map[string]string{}
	frows, err := db.Query(`SELECT rssurl, title FROM rss_feed`)
	if err != nil {
		t.Fatal(err)
	}
	for frows.Next() {
		var u, title string
		if err := frows.Scan(&u, &title); err != nil {
			t.Fatal(err)
		}
		titles[u] = title
	}
	frows.Close()
	rows, err := db.Query(`SELECT feedurl, guid, title FROM rss_item WHERE deleted = 0`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]map[string]string{}
	for rows.Next() {
		var feed, guid, title string
		if err := rows.Scan(&feed, &guid, &title); err != nil {
			t.Fatal(err)
		}
		if got[feed] == nil {
			got[feed] = map[string]string{}
		}
		if _, dup := got[feed][guid]; dup {
			t.Errorf("newsboat stored %s twice in %s", guid, feed)
		}
		got[feed][guid] = title
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got, titles
}

// feedIDs reads the entry ids of an Atom feed or the guids of an RSS feed.
func feedIDs(t *testing.T, p *binarytest.Process, path string) []string {
	t.Helper()
	status, body := p.Get(t, path)
	if status != 200 {
		t.Fatalf("GET %s = %d", path, status)
	}
	var doc struct {
		Entries []struct {
			ID string `xml:"id"`
		} `xml:"entry"`
		Items []struct {
			GUID string `xml:"guid"`
		} `xml:"channel>item"`
	}
	if err := xml.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	var ids []string
	for _, e := range doc.Entries {
		ids = append(ids, e.ID)
	}
	for _, it := range doc.Items {
		ids = append(ids, it.GUID)
	}
	return ids
}

// TestNewsboat: a real feed reader fetches the running portal's feeds and stores
// every entry; after a notice is edited it stores no duplicate, and after a
// restart of the portal nothing changes.
func TestNewsboat(t *testing.T) {
	dir := binarytest.CopyDir(t, demoDir())
	data := t.TempDir()
	p := binarytest.Start(t, "--data", data, "--content", dir)
	paths := []string{
		"/feed.atom", "/feed.rss",
		"/so-tai-chinh/feed.atom", "/danh-muc/boi-thuong/feed.rss",
		"/dia-ban/huyen-cam-xuyen/feed.atom", "/the/giai-phong-mat-bang/feed.rss",
		"/du-thao/feed.atom", "/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen/feed.rss",
	}
	var urls []string
	for _, path := range paths {
		urls = append(urls, p.URL+path)
	}
	nb := newNewsboat(t, urls)

	// newsboat keeps an item once even when several feeds carry it (its guid is
	// unique in the cache), which is what a subscriber to both a province's and
	// an agency's feed wants; so every id must be stored under one of the feeds.
	check := func(t *testing.T, got map[string]map[string]string, titles map[string]string) {
		t.Helper()
		stored := map[string]bool{}
		for _, items := range got {
			for guid := range items {
				if stored[guid] {
					t.Errorf("newsboat stored %s twice", guid)
				}
				stored[guid] = true
			}
		}
		for _, path := range paths {
			want := feedIDs(t, p, path)
			if len(want) == 0 {
				t.Errorf("%s has no entries", path)
			}
			if titles[p.URL+path] == "" { // a feed newsboat could not parse has no title
				t.Errorf("newsboat did not read %s", path)
			}
			for _, id := range want {
				if !stored[id] {
					t.Errorf("newsboat did not store %s of %s", id, path)
				}
			}
		}
	}
	first, titles := nb.reload(t)
	check(t, first, titles)

	// Edit a notice: a corrected title and an updated date.
	notice := filepath.Join(dir, "ubnd-huyen-cam-xuyen", "phuong-an-boi-thuong-cao-toc-cam-quan-dot-3.md")
	orig, err := os.ReadFile(notice)
	if err != nil {
		t.Fatal(err)
	}
	edited := regexp.MustCompile(`(?m)^title: `).ReplaceAllString(string(orig), "title: (Đính chính) ")
	edited = regexp.MustCompile(`(?m)^published: (.*)$`).ReplaceAllString(edited, "published: $1\nupdated: 2026-11-20")
	writeAtomic(t, notice, []byte(edited))
	waitFor(t, p, "/dia-ban/huyen-cam-xuyen/feed.atom", func(s int, b string) bool { return strings.Contains(b, "(Đính chính)") })

	second, titles := nb.reload(t)
	check(t, second, titles)
	const id = "phuong-an-boi-thuong-cao-toc-cam-quan-dot-3"
	if n, m := count(first), count(second); n != m {
		t.Errorf("newsboat holds %d items after the edit, had %d", m, n)
	}
	for _, items := range second {
		for guid, title := range items {
			if strings.HasSuffix(guid, id) && !strings.Contains(title, "(Đính chính)") {
				t.Errorf("newsboat kept the old title %q", title)
			}
		}
	}

	// Restart on the same folder and address: the reader sees nothing new.
	p.Stop(t)
	p2 := binarytest.Start(t, "--data", data, "--content", dir, "--addr", strings.TrimPrefix(p.URL, "http://"))
	if p2.URL != p.URL {
		t.Fatalf("restarted on %s, want %s", p2.URL, p.URL)
	}
	third, titles := nb.reload(t)
	check(t, third, titles)
	if n, m := count(second), count(third); n != m {
		t.Errorf("newsboat holds %d items after a restart, had %d", m, n)
	}
}

func count(got map[string]map[string]string) int {
	n := 0
	for _, items := range got {
		n += len(items)
	}
	return n
}
