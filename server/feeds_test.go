package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/mmcdole/gofeed"

	"github.com/congkhai/congkhai/demo"
	"github.com/congkhai/congkhai/portal"
	"github.com/congkhai/congkhai/themes"
)

// feedSite is a small content folder with what feeds must get right: an
// attachment, places, tags, a character XML forbids (U+000B), markup and a link
// relative to the site root in the body, a dataset with a table.
var feedSite = map[string]string{
	"site.yaml":          "title: Cổng công khai xã Thử\nbase_url: https://xa-thu.example.vn\ndescription: Thông tin công khai của xã Thử.\n",
	"ubnd-xa/_agency.md": "---\nname: UBND xã Thử\nshort_name: UBND xã\nkind: commune\n---\nGiới thiệu.\n",
	"ubnd-xa/thong-bao-hop-dan.md": "---\ntitle: Thông báo họp dân về \"giải phóng mặt bằng\" & <tái định cư>\ncategory: boi-thuong\npublished: 2026-03-05\n" +
		"number: 12/TB-UBND\nsigner: Nguyễn Văn A\nplaces:\n  - district: Huyện Cẩm Xuyên\n    commune: Xã Thử\ntags: [bồi thường, cao tốc Bắc – Nam]\n" +
		"summary: Họp dân ngày 10/3/2026 tại nhà văn hóa thôn 1.\nattachments:\n  - title: Giấy mời họp (bản scan)\n    file: files/giay-moi.pdf\n---\n" +
		"## Nội dung\n\nMời bà con dự họp.\x0b Xem [bảng giá](/ubnd-xa/gia-dat) và <script>alert(1)</script>.\n",
	"ubnd-xa/ke-hoach-su-dung-dat.md": "---\ntitle: Kế hoạch sử dụng đất năm 2026\ncategory: quy-hoach\npublished: 2026-01-15\nupdated: 2026-02-01\n" +
		"places:\n  - commune: Xã Thử\n---\nKế hoạch.\n",
	"ubnd-xa/files/giay-moi.pdf": "%PDF-1.4\n% giấy mời\n",
	"ubnd-xa/gia-dat/index.md":   "---\ntitle: Giá đất xã Thử\ncategory: gia-dat\npublished: 2026-01-01\ntags: [giá đất]\n---\nBảng giá.\n",
	"ubnd-xa/gia-dat/bang.csv":   "duong,gia\nTrần Phú,12500000\nLê Lợi,9800000\n",
}

// tableTime is the fixed modification time of the fixture's files.
var tableTime = time.Date(2026, 2, 10, 8, 30, 0, 0, time.UTC)

func feedFS() fstest.MapFS {
	m := fstest.MapFS{}
	for p, s := range feedSite {
		m[p] = &fstest.MapFile{Data: []byte(s), ModTime: tableTime}
	}
	return m
}

// writeSite writes files into dir with the fixture's modification time.
func writeSite(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for p, s := range files {
		f := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(f, tableTime, tableTime); err != nil {
			t.Fatal(err)
		}
	}
}

// newDiskServer serves the content folder dir; the portal is returned for Reload.
func newDiskServer(t testing.TB, dir string) (*Server, *portal.Portal) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p, err := portal.Open(context.Background(), portal.Config{Content: os.DirFS(dir), Log: log, Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	th, err := themes.Load("")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Deps{Log: log, Portal: p, Theme: th, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return s, p
}

// TestFeedGolden compares whole feeds of the fixture with golden files
// (go test ./server -run TestFeedGolden -update rewrites them).
func TestFeedGolden(t *testing.T) {
	s := newTestServer(t, feedFS())
	for _, name := range []string{"feed", "ubnd-xa/gia-dat/feed", "dia-ban/xa-thu/feed"} {
		for _, f := range feedFormats {
			u := "/" + name + "." + f.ext
			t.Run(u, func(t *testing.T) {
				rec := do(t, s, request{url: u})
				if rec.Code != http.StatusOK {
					t.Fatalf("GET %s = %d", u, rec.Code)
				}
				golden := filepath.Join("testdata", "golden", "feeds", strings.ReplaceAll(name, "/", "_")+"."+f.ext)
				if *update {
					os.MkdirAll(filepath.Dir(golden), 0o755)
					if err := os.WriteFile(golden, rec.Body.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./server -run TestFeedGolden -update)", err)
				}
				if got := rec.Body.String(); got != string(want) {
					t.Errorf("GET %s differs from %s (run with -update and review the diff)\n%s", u, golden, firstDiff(got, string(want)))
				}
			})
		}
	}
}

// TestFeedHTTP is the table of HTTP scenarios of feeds.
func TestFeedHTTP(t *testing.T) {
	s := newTestServer(t, demo.FS())
	tests := []struct {
		name       string
		req        request
		status     int
		want       []string
		wantHeader map[string]string
	}{
		{"site atom", request{url: "/feed.atom"}, 200, []string{`<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi">`, `rel="self" type="application/atom+xml" href="https://congkhai.example.vn/feed.atom"`}, map[string]string{"Content-Type": "application/atom+xml; charset=utf-8", "Cache-Control": "public, max-age=60"}},
		{"site rss", request{url: "/feed.rss"}, 200, []string{`<rss version="2.0"`, "<language>vi</language>", `<guid isPermaLink="false">tag:congkhai.example.vn,2026:`}, map[string]string{"Content-Type": "application/rss+xml; charset=utf-8"}},
		{"site json", request{url: "/feed.json"}, 200, []string{`"version": "https://jsonfeed.org/version/1.1"`, `"language": "vi"`}, map[string]string{"Content-Type": "application/feed+json; charset=utf-8"}},
		{"agency", request{url: "/so-tai-chinh/feed.atom"}, 200, []string{"du-toan-ngan-sach-2026"}, nil},
		{"agency feed is gzipped", request{url: "/so-tai-chinh/feed.rss", header: map[string]string{"Accept-Encoding": "gzip"}}, 200, nil, map[string]string{"Content-Encoding": "gzip"}},
		{"category", request{url: "/danh-muc/gia-dat/feed.json"}, 200, []string{"bang-gia-dat-o-huyen-cam-xuyen"}, nil},
		{"place", request{url: "/dia-ban/xa-cam-quan/feed.atom"}, 200, []string{"phuong-an-boi-thuong-cao-toc-cam-quan-dot-3"}, nil},
		{"district includes its communes", request{url: "/dia-ban/huyen-cam-xuyen/feed.atom"}, 200, []string{"phuong-an-boi-thuong-cao-toc-cam-quan-dot-3"}, nil},
		{"tag", request{url: "/the/giai-phong-mat-bang/feed.rss"}, 200, []string{"phuong-an-boi-thuong-cao-toc-cam-quan-dot-3"}, nil},
		{"drafts", request{url: "/du-thao/feed.atom"}, 200, []string{"du-thao-sua-doi-bang-gia-dat-2027"}, nil},
		{"dataset", request{url: "/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen/feed.atom"}, 200, []string{`rel="enclosure" type="text/csv"`, `length="`}, nil},
		{"unknown agency", request{url: "/so-khong-co/feed.atom"}, 404, nil, nil},
		{"unknown category", request{url: "/danh-muc/khong-co/feed.rss"}, 404, nil, nil},
		{"unknown place", request{url: "/dia-ban/khong-co/feed.json"}, 404, nil, nil},
		{"unknown tag", request{url: "/the/khong-co/feed.atom"}, 404, nil, nil},
		{"a notice has no feed", request{url: "/ubnd-tinh/cong-van-6733-ubnd-kstt/feed.atom"}, 404, nil, nil},
		{"attachments are still served", request{url: "/ubnd-tinh/files/6733-ubnd-kstt.pdf"}, 200, []string{"%PDF"}, nil},
		{"place page", request{url: "/dia-ban/huyen-cam-xuyen"}, 200, []string{`<link rel="alternate" type="application/atom&#43;xml"`, `href="/dia-ban/huyen-cam-xuyen/feed.rss"`, `class="subscribe"`}, nil},
		{"tag page", request{url: "/the/giai-phong-mat-bang"}, 200, []string{`href="/the/giai-phong-mat-bang/feed.atom"`}, nil},
		{"places index", request{url: "/dia-ban"}, 200, []string{`href="/dia-ban/xa-cam-quan"`, "Cấp xã"}, nil},
		{"tags index", request{url: "/the"}, 200, []string{`href="/the/giai-phong-mat-bang"`}, nil},
		{"notice links its places and tags", request{url: "/ubnd-huyen-cam-xuyen/phuong-an-boi-thuong-cao-toc-cam-quan-dot-3"}, 200, []string{`href="/dia-ban/xa-cam-quan"`, `href="/the/giai-phong-mat-bang"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, tt.req)
			body := rec.Body.String()
			if rec.Code != tt.status {
				t.Fatalf("GET %s = %d, want %d\n%.300s", tt.req.url, rec.Code, tt.status, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: body lacks %q", tt.req.url, w)
				}
			}
			for h, w := range tt.wantHeader {
				if got := rec.Header().Get(h); !strings.Contains(got, w) {
					t.Errorf("GET %s: header %s = %q, want it to contain %q", tt.req.url, h, got, w)
				}
			}
		})
	}
}

// TestListPagesAdvertiseFeeds: every HTML list has <link rel="alternate"> for the
// three formats and a visible subscribe link, and each advertised feed answers.
func TestListPagesAdvertiseFeeds(t *testing.T) {
	s := newTestServer(t, demo.FS())
	for _, tt := range []struct{ page, feed string }{
		{"/", "/feed"},
		{"/so-tai-chinh", "/so-tai-chinh/feed"},
		{"/danh-muc/gia-dat", "/danh-muc/gia-dat/feed"},
		{"/du-thao", "/du-thao/feed"},
		{"/dia-ban/xa-cam-quan", "/dia-ban/xa-cam-quan/feed"},
		{"/the/giai-phong-mat-bang", "/the/giai-phong-mat-bang/feed"},
		{"/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen", "/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen/feed"},
	} {
		t.Run(tt.page, func(t *testing.T) {
			body := do(t, s, request{url: tt.page}).Body.String()
			if !strings.Contains(body, `class="subscribe"`) {
				t.Errorf("GET %s: no visible subscribe link", tt.page)
			}
			for _, f := range feedFormats {
				u := tt.feed + "." + f.ext
				if !strings.Contains(body, `<link rel="alternate" type="`+strings.ReplaceAll(strings.TrimSuffix(f.mime, "; charset=utf-8"), "+", "&#43;")+`"`) ||
					!strings.Contains(body, `href="`+u+`"`) {
					t.Errorf("GET %s: no <link rel=alternate> to %s", tt.page, u)
				}
				if rec := do(t, s, request{url: u}); rec.Code != http.StatusOK {
					t.Errorf("GET %s = %d", u, rec.Code)
				}
			}
		})
	}
}

// TestFeedConditional: ETag and Last-Modified give 304, and a changed body gets
// a new ETag and a later Last-Modified.
func TestFeedConditional(t *testing.T) {
	dir := t.TempDir()
	writeSite(t, dir, feedSite)
	s, p := newDiskServer(t, dir)
	const u = "/ubnd-xa/feed.atom"
	first := do(t, s, request{url: u})
	etag, lm := first.Header().Get("ETag"), first.Header().Get("Last-Modified")
	if etag == "" || lm == "" {
		t.Fatalf("ETag %q, Last-Modified %q: want both", etag, lm)
	}
	for _, tt := range []struct {
		name   string
		header map[string]string
		status int
	}{
		{"same ETag", map[string]string{"If-None-Match": etag}, 304},
		{"weak ETag", map[string]string{"If-None-Match": "W/" + etag}, 304},
		{"one of several ETags", map[string]string{"If-None-Match": `"x", ` + etag}, 304},
		{"other ETag", map[string]string{"If-None-Match": `"other"`}, 200},
		{"same date", map[string]string{"If-Modified-Since": lm}, 304},
		{"older date", map[string]string{"If-Modified-Since": "Mon, 02 Jan 2006 15:04:05 GMT"}, 200},
		{"ETag wins over the date", map[string]string{"If-None-Match": `"other"`, "If-Modified-Since": lm}, 200},
		{"unparsable date", map[string]string{"If-Modified-Since": "hier"}, 200},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, request{url: u, header: tt.header})
			if rec.Code != tt.status {
				t.Fatalf("GET %s with %v = %d, want %d", u, tt.header, rec.Code, tt.status)
			}
			if tt.status == 304 && rec.Body.Len() != 0 {
				t.Errorf("304 with a body of %d bytes", rec.Body.Len())
			}
		})
	}
	// A change elsewhere in the folder re-renders the feed but keeps its validators.
	writeSite(t, dir, map[string]string{"ubnd-xa/_agency.md": feedSite["ubnd-xa/_agency.md"] + "Thêm một dòng.\n"})
	p.Reload(context.Background())
	again := do(t, s, request{url: u, header: map[string]string{"If-Modified-Since": lm}})
	if again.Code != 304 {
		t.Errorf("after an unrelated edit: GET with If-Modified-Since = %d, want 304", again.Code)
	}
	// A change of the list's content changes both.
	writeSite(t, dir, map[string]string{"ubnd-xa/ke-hoach-su-dung-dat.md": strings.Replace(feedSite["ubnd-xa/ke-hoach-su-dung-dat.md"], "Kế hoạch.", "Kế hoạch đã sửa.", 1)})
	p.Reload(context.Background())
	changed := do(t, s, request{url: u, header: map[string]string{"If-None-Match": etag}})
	if changed.Code != 200 || changed.Header().Get("ETag") == etag {
		t.Fatalf("after an edit: %d with ETag %s, want 200 and a new ETag", changed.Code, changed.Header().Get("ETag"))
	}
	t1, _ := http.ParseTime(lm)
	t2, _ := http.ParseTime(changed.Header().Get("Last-Modified"))
	if !t2.After(t1) {
		t.Errorf("Last-Modified %v after an edit, want later than %v", t2, t1)
	}
	if rec := do(t, s, request{url: u, header: map[string]string{"If-Modified-Since": lm}}); rec.Code != 200 {
		t.Errorf("after an edit: GET with the old If-Modified-Since = %d, want 200", rec.Code)
	}
}

// TestFeedRenderedOnce: a second request is served from the cache (same bytes,
// no render), and a new generation renders again.
func TestFeedRenderedOnce(t *testing.T) {
	s := newTestServer(t, feedFS())
	do(t, s, request{url: "/feed.atom"})
	gen := s.deps.Portal.Snapshot().Gen
	cf, ok := s.feeds.get(gen, "https://congkhai.example.vn/feed.atom")
	if !ok {
		t.Fatal("feed not cached after the first request")
	}
	rec := do(t, s, request{url: "/feed.atom"})
	if cf2, _ := s.feeds.get(gen, "https://congkhai.example.vn/feed.atom"); cf2 != cf || rec.Body.String() != string(cf.body) {
		t.Error("second request rendered the feed again")
	}
	do(t, s, request{url: "/feed.atom?random=1"})
	if n := len(s.feeds.entries); n != 1 {
		t.Errorf("cache holds %d feeds after a request with a query string, want 1", n)
	}
}

// entryIDs fetches a feed and returns its entries' id → published, updated.
func entryIDs(t *testing.T, s *Server, u string) map[string][2]string {
	t.Helper()
	rec := do(t, s, request{url: u})
	if rec.Code != 200 {
		t.Fatalf("GET %s = %d", u, rec.Code)
	}
	var f struct {
		Entries []struct {
			ID        string `xml:"id"`
			Published string `xml:"published"`
			Updated   string `xml:"updated"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(rec.Body.Bytes(), &f); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	out := map[string][2]string{}
	for _, e := range f.Entries {
		if _, dup := out[e.ID]; dup {
			t.Errorf("GET %s: id %s twice", u, e.ID)
		}
		out[e.ID] = [2]string{e.Published, e.Updated}
	}
	return out
}

// TestFeedIDsStable: whatever is edited in a notice, its id stays, its published
// date stays, and only an edit of the updated date moves updated; a restart on the
// same folder gives byte-identical feeds; a new version of a table is a new entry.
func TestFeedIDsStable(t *testing.T) {
	const notice = "ubnd-xa/thong-bao-hop-dan.md"
	const noticeID = "tag:xa-thu.example.vn,2026:ubnd-xa/thong-bao-hop-dan"
	orig := feedSite[notice]
	edits := []struct {
		name       string
		edit       func(string) string
		newUpdated string // "" when updated must not move
	}{
		{"title", func(s string) string {
			return strings.Replace(s, "Thông báo họp dân", "Thông báo (đính chính) họp dân", 1)
		}, ""},
		{"body", func(s string) string { return s + "\nBổ sung: họp lúc 8 giờ.\n" }, ""},
		{"summary", func(s string) string { return strings.Replace(s, "thôn 1.", "thôn 2.", 1) }, ""},
		{"tags and places", func(s string) string {
			return strings.Replace(s, "tags: [bồi thường", "tags: [tái định cư, bồi thường", 1)
		}, ""},
		{"category", func(s string) string { return strings.Replace(s, "category: boi-thuong", "category: thong-bao", 1) }, ""},
		{"updated date", func(s string) string {
			return strings.Replace(s, "published: 2026-03-05\n", "published: 2026-03-05\nupdated: 2026-03-09\n", 1)
		}, "2026-03-09T00:00:00+07:00"},
	}
	feeds := []string{"/feed.atom", "/ubnd-xa/feed.atom", "/dia-ban/xa-thu/feed.atom", "/the/boi-thuong/feed.atom"}
	for _, tt := range edits {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeSite(t, dir, feedSite)
			s, p := newDiskServer(t, dir)
			before := map[string]map[string][2]string{}
			for _, u := range feeds {
				before[u] = entryIDs(t, s, u)
			}
			writeSite(t, dir, map[string]string{notice: tt.edit(orig)})
			p.Reload(context.Background())
			for _, u := range feeds {
				after := entryIDs(t, s, u)
				if u == "/the/boi-thuong/feed.atom" && tt.name == "tags and places" {
					continue // still tagged; checked by the others
				}
				if !sameKeys(before[u], after) {
					t.Errorf("%s: ids %v after editing the %s, want %v", u, keys(after), tt.name, keys(before[u]))
					continue
				}
				b, a := before[u][noticeID], after[noticeID]
				if a[0] != b[0] {
					t.Errorf("%s: published %s after editing the %s, want %s", u, a[0], tt.name, b[0])
				}
				want := b[1]
				if tt.newUpdated != "" {
					want = tt.newUpdated
				}
				if a[1] != want {
					t.Errorf("%s: updated %s after editing the %s, want %s", u, a[1], tt.name, want)
				}
			}
		})
	}

	t.Run("restart", func(t *testing.T) {
		dir := t.TempDir()
		writeSite(t, dir, feedSite)
		s1, _ := newDiskServer(t, dir)
		s2, _ := newDiskServer(t, dir)
		for _, u := range append(feeds, "/feed.rss", "/feed.json", "/ubnd-xa/gia-dat/feed.atom") {
			r1, r2 := do(t, s1, request{url: u}), do(t, s2, request{url: u})
			if r1.Body.String() != r2.Body.String() || r1.Header().Get("ETag") != r2.Header().Get("ETag") {
				t.Errorf("%s differs between two starts on the same folder\n%s", u, firstDiff(r1.Body.String(), r2.Body.String()))
			}
		}
	})

	t.Run("new table version", func(t *testing.T) {
		dir := t.TempDir()
		writeSite(t, dir, feedSite)
		s, p := newDiskServer(t, dir)
		const u = "/ubnd-xa/gia-dat/feed.atom"
		before := entryIDs(t, s, u)
		// Touching the dataset's description is not a new version.
		writeSite(t, dir, map[string]string{"ubnd-xa/gia-dat/index.md": feedSite["ubnd-xa/gia-dat/index.md"] + "Ghi chú.\n"})
		p.Reload(context.Background())
		if after := entryIDs(t, s, u); !sameKeys(before, after) {
			t.Errorf("ids %v after editing index.md, want %v", keys(after), keys(before))
		}
		writeSite(t, dir, map[string]string{"ubnd-xa/gia-dat/bang.csv": feedSite["ubnd-xa/gia-dat/bang.csv"] + "Hà Huy Tập,15000000\n"})
		p.Reload(context.Background())
		after := entryIDs(t, s, u)
		if len(after) != 1 || sameKeys(before, after) {
			t.Errorf("ids %v after a new version of the table, want one new id (was %v)", keys(after), keys(before))
		}
		for id := range after {
			if !strings.HasPrefix(id, "tag:xa-thu.example.vn,2026:ubnd-xa/gia-dat/bang;") {
				t.Errorf("table entry id %q", id)
			}
		}
	})
}

func keys(m map[string][2]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func sameKeys(a, b map[string][2]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}

// allFeedPaths lists every feed of the snapshot, without extension.
func allFeedPaths(s *Server) []string {
	snap := s.deps.Portal.Snapshot()
	ps := []string{"/feed", "/du-thao/feed"}
	for _, a := range snap.Site.Agencies {
		ps = append(ps, "/"+a.Slug+"/feed")
	}
	for _, d := range snap.Site.Datasets {
		ps = append(ps, "/"+d.Path+"/feed")
	}
	for _, c := range []string{"ngan-sach", "quy-hoach", "gia-dat", "boi-thuong", "thong-bao", "du-thao", "thu-tuc"} {
		ps = append(ps, "/danh-muc/"+c+"/feed")
	}
	for _, t := range snap.Places() {
		ps = append(ps, "/dia-ban/"+t.Slug+"/feed")
	}
	for _, t := range snap.Tags() {
		ps = append(ps, "/the/"+t.Slug+"/feed")
	}
	return ps
}

// TestFeedsValidAtom validates every Atom feed of the demo and of the fixture
// against RFC 4287's RELAX NG schema with Debian's jing.
func TestFeedsValidAtom(t *testing.T) {
	jing, err := exec.LookPath("jing")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("jing is required in CI (apt-get install jing)")
		}
		t.Skip("jing not installed (apt-get install jing)")
	}
	// RFC 4287 Appendix B, the RELAX NG grammar of Atom (testdata/atom.rnc).
	schema, err := filepath.Abs(filepath.Join("testdata", "atom.rnc"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var files []string
	for i, s := range []*Server{newTestServer(t, demo.FS()), newTestServer(t, feedFS())} {
		for _, p := range allFeedPaths(s) {
			rec := do(t, s, request{url: p + ".atom"})
			if rec.Code != 200 {
				t.Fatalf("GET %s.atom = %d", p, rec.Code)
			}
			f := filepath.Join(dir, strings.Trim(strings.ReplaceAll(p, "/", "_"), "_")+"-"+string(rune('a'+i))+".atom")
			if err := os.WriteFile(f, rec.Body.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
	}
	// One jing run for every file: the JVM's start is most of the cost.
	out, err := exec.Command(jing, append([]string{"-c", schema}, files...)...).CombinedOutput()
	var problems []string
	for _, line := range strings.Split(string(out), "\n") {
		if line != "" && !strings.HasPrefix(line, "[warning]") {
			problems = append(problems, line)
		}
	}
	if err != nil || len(problems) > 0 {
		t.Errorf("jing: %v\n%s", err, strings.Join(problems, "\n"))
	}
	t.Logf("%d Atom feeds valid", len(files))
}

// TestFeedsParse reads every feed of the fixture and the demo in the three formats
// with gofeed (a real reader's parser) and with Go's strict XML decoder.
func TestFeedsParse(t *testing.T) {
	for _, s := range []*Server{newTestServer(t, feedFS()), newTestServer(t, demo.FS())} {
		paths := allFeedPaths(s)
		if testing.Short() || raceEnabled {
			paths = oneOfEachKind(paths) // the full walk takes seconds under -race
		}
		for _, p := range paths {
			var ids [3][]string
			for i, f := range feedFormats {
				rec := do(t, s, request{url: p + "." + f.ext})
				body := rec.Body.Bytes()
				if f.ext != "json" {
					if err := strictXML(body); err != nil {
						t.Errorf("%s.%s is not well-formed XML: %v", p, f.ext, err)
					}
				} else if !json.Valid(body) {
					t.Errorf("%s.json is not valid JSON", p)
				}
				feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
				if err != nil {
					t.Errorf("gofeed: %s.%s: %v", p, f.ext, err)
					continue
				}
				if feed.Language != "vi" {
					t.Errorf("%s.%s: language %q, want vi", p, f.ext, feed.Language)
				}
				if len(feed.Items) > feedLimit {
					t.Errorf("%s.%s: %d items", p, f.ext, len(feed.Items))
				}
				for _, it := range feed.Items {
					if !strings.HasPrefix(it.GUID, "tag:") || it.Title == "" || !strings.HasPrefix(it.Link, "https://") || it.PublishedParsed == nil {
						t.Errorf("%s.%s: item %+v lacks an id, a title, an absolute link or a date", p, f.ext, it)
						break
					}
					ids[i] = append(ids[i], it.GUID)
				}
			}
			if strings.Join(ids[0], " ") != strings.Join(ids[1], " ") || strings.Join(ids[0], " ") != strings.Join(ids[2], " ") {
				t.Errorf("%s: the three formats carry different items", p)
			}
		}
	}
}

// oneOfEachKind keeps the first feed of each kind of list (site, drafts, the
// first agency, dataset, category, place and tag).
func oneOfEachKind(paths []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range paths {
		kind := strconv.Itoa(strings.Count(p, "/")) // site, agency, dataset
		for _, prefix := range []string{"/danh-muc/", "/dia-ban/", "/the/", "/du-thao/"} {
			if strings.HasPrefix(p, prefix) {
				kind = prefix
			}
		}
		if !seen[kind] {
			seen[kind] = true
			out = append(out, p)
		}
	}
	return out
}

func strictXML(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		if _, err := d.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// TestFeedContent checks, item by item, what readers rely on, through gofeed.
func TestFeedContent(t *testing.T) {
	s := newTestServer(t, feedFS())
	for _, f := range feedFormats {
		t.Run(f.ext, func(t *testing.T) {
			body := do(t, s, request{url: "/feed." + f.ext}).Body.Bytes()
			if bytes.ContainsRune(body, '\x0b') {
				t.Error("U+000B left in the feed")
			}
			feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if len(feed.Items) != 3 {
				t.Fatalf("%d items, want 3", len(feed.Items))
			}
			it := feed.Items[0] // the newest update: the meeting notice, 05/03
			if it.GUID != "tag:congkhai.example.vn,2026:ubnd-xa/thong-bao-hop-dan" {
				t.Errorf("id %q", it.GUID)
			}
			if it.Title != `Thông báo họp dân về "giải phóng mặt bằng" & <tái định cư>` {
				t.Errorf("title %q", it.Title)
			}
			if it.Link != "https://congkhai.example.vn/ubnd-xa/thong-bao-hop-dan" {
				t.Errorf("link %q", it.Link)
			}
			if it.PublishedParsed == nil || !it.PublishedParsed.Equal(time.Date(2026, 3, 5, 0, 0, 0, 0, time.FixedZone("", 7*3600))) {
				t.Errorf("published %v", it.PublishedParsed)
			}
			if len(it.Enclosures) != 1 || it.Enclosures[0].URL != "https://congkhai.example.vn/ubnd-xa/files/giay-moi.pdf" ||
				it.Enclosures[0].Type != "application/pdf" || it.Enclosures[0].Length != "24" {
				t.Errorf("enclosures %+v", it.Enclosures)
			}
			cats := strings.Join(it.Categories, "|")
			for _, want := range []string{"Bồi thường, hỗ trợ, tái định cư", "Xã Thử", "Huyện Cẩm Xuyên", "cao tốc Bắc – Nam"} {
				if !strings.Contains(cats, want) {
					t.Errorf("categories %q lack %q", cats, want)
				}
			}
			if !strings.Contains(it.Content, `href="https://congkhai.example.vn/ubnd-xa/gia-dat"`) || strings.Contains(it.Content, "<script>") {
				t.Errorf("content: %q", it.Content)
			}
			if !strings.Contains(it.Description, "Họp dân ngày 10/3/2026") {
				t.Errorf("summary %q", it.Description)
			}
			if f.ext == "atom" || f.ext == "json" {
				if it.UpdatedParsed == nil {
					t.Error("no updated date")
				}
				var kh *gofeed.Item
				for _, x := range feed.Items {
					if strings.HasSuffix(x.GUID, ":ubnd-xa/ke-hoach-su-dung-dat") {
						kh = x
					}
				}
				if kh.UpdatedParsed == nil || kh.PublishedParsed == nil || !kh.UpdatedParsed.After(*kh.PublishedParsed) {
					t.Errorf("%s: published %v, updated %v: want updated later", kh.GUID, kh.PublishedParsed, kh.UpdatedParsed)
				}
			}
		})
	}
}

// TestGenericFeed shows how a list that is not content (search) uses the
// builder: its parameters are kept on the self link and in the cache key.
func TestGenericFeed(t *testing.T) {
	s := newTestServer(t, feedFS())
	h := func(c echo.Context) error {
		q := url.Values{"q": {c.QueryParam("q")}}
		return s.serveFeed(c, q, func(b *feedBuilder) (*feed, error) {
			f := b.newFeed("/search?"+q.Encode(), "Tìm kiếm: "+q.Get("q"), "")
			for _, n := range b.snap.Site.Notices {
				if strings.Contains(n.Title, q.Get("q")) {
					f.Entries = append(f.Entries, b.noticeEntry(n))
				}
			}
			return f, nil
		})
	}
	for _, f := range feedFormats {
		s.e.GET("/thu-tim."+f.ext, h)
	}
	for _, tt := range []struct{ q, self, title string }{
		{"họp dân", "https://congkhai.example.vn/thu-tim.atom?q=h%E1%BB%8Dp+d%C3%A2n", "Thông báo họp dân"},
		{"Kế hoạch", "https://congkhai.example.vn/thu-tim.atom?q=K%E1%BA%BF+ho%E1%BA%A1ch", "Kế hoạch sử dụng đất"},
	} {
		rec := do(t, s, request{url: "/thu-tim.atom?q=" + url.QueryEscape(tt.q)})
		feed, err := gofeed.NewParser().Parse(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		if len(feed.Items) != 1 || !strings.Contains(feed.Items[0].Title, tt.title) || feed.FeedLink != tt.self {
			t.Errorf("q=%s: %d items, self %q, want 1 item %q and self %q", tt.q, len(feed.Items), feed.FeedLink, tt.title, tt.self)
		}
	}
}

// TestFeedGzip: feeds below lists are compressed (skipGzip lets them through).
func TestFeedGzip(t *testing.T) {
	s := newTestServer(t, demo.FS())
	for _, u := range []string{"/feed.atom", "/so-tai-chinh/feed.rss", "/danh-muc/gia-dat/feed.json", "/dia-ban/huyen-cam-xuyen/feed.atom"} {
		rec := do(t, s, request{url: u, header: map[string]string{"Accept-Encoding": "gzip"}})
		if rec.Header().Get("Content-Encoding") != "gzip" {
			t.Errorf("GET %s: not gzipped", u)
			continue
		}
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		if b, err := io.ReadAll(zr); err != nil || len(b) == 0 {
			t.Errorf("GET %s: gzip body: %v", u, err)
		}
	}
}

// BenchmarkFeedCached measures a feed request answered from the cache: the
// common case for a portal polled by readers.
func BenchmarkFeedCached(b *testing.B) {
	s := newTestServer(b, demo.FS())
	req := httptest.NewRequest(http.MethodGet, "/so-tai-chinh/feed.atom", nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET = %d", rec.Code)
		}
	}
}

// BenchmarkFeedRender measures rendering the site feed (the cost of a first
// request after a content change).
func BenchmarkFeedRender(b *testing.B) {
	s := newTestServer(b, demo.FS())
	req := httptest.NewRequest(http.MethodGet, "/feed.atom", nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.feeds.reset()
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET = %d", rec.Code)
		}
	}
}

func TestCleanXML(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Bình thường", "Bình thường"},
		{"tab\tnewline\ncr\r", "tab\tnewline\ncr\r"},
		{"a\x0bb\x0cc\x00d\x1fe", "abcde"},
		{"surrogate-free \uFFFE\uFFFF end", "surrogate-free  end"},
		{"bad utf-8 \xff\xfe here", "bad utf-8  here"},
		{"replacement \uFFFD kept", "replacement \uFFFD kept"},
		{"astral 𝄞", "astral 𝄞"},
	} {
		if got := cleanXML(tt.in); got != tt.want {
			t.Errorf("cleanXML(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestFeedForbiddenCharacters: a character XML 1.0 forbids, wherever it comes
// from, never reaches a feed.
func TestFeedForbiddenCharacters(t *testing.T) {
	s := newTestServer(t, feedFS())
	h := func(c echo.Context) error {
		return s.serveFeed(c, nil, func(b *feedBuilder) (*feed, error) {
			f := b.newFeed("/", "Thử\x0b", "phụ đề\x01")
			e := b.noticeEntry(b.snap.Site.Notices[0])
			e.Title += "\x0b"
			e.Summary += "\x1b[31m"
			e.HTML += "<p>\x08</p>"
			e.Categories = append(e.Categories, feedCategory{Term: "thẻ\x0c"})
			f.Entries = append(f.Entries, e)
			return f, nil
		})
	}
	for _, f := range feedFormats {
		s.e.GET("/ban."+f.ext, h)
		body := do(t, s, request{url: "/ban." + f.ext}).Body.Bytes()
		if i := bytes.IndexFunc(body, func(r rune) bool { return !xmlChar(r) }); i >= 0 {
			t.Errorf("ban.%s: forbidden character at %d: %q", f.ext, i, body[max(0, i-20):i+1])
		}
		if f.ext != "json" {
			if err := strictXML(body); err != nil {
				t.Errorf("ban.%s: %v", f.ext, err)
			}
		}
	}
}
