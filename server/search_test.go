package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/congkhai/congkhai/demo"
	"github.com/congkhai/congkhai/portal"
	"github.com/congkhai/congkhai/themes"
)

func newSearchServer(t testing.TB) *Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p, err := portal.Open(context.Background(), portal.Config{Content: demo.FS(), Log: log, IndexDir: t.TempDir(), Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := p.WaitIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	th, err := themes.Load("")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Deps{Log: log, Portal: p, Theme: th, BaseURL: "https://congkhai.example.vn"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSearchPages: the search page and API, their parameters and their errors.
func TestSearchPages(t *testing.T) {
	s := newSearchServer(t)
	tests := []struct {
		name    string
		url     string
		status  int
		want    []string
		notWant []string
	}{
		{"empty search shows the form", "/search", 200, []string{`id="search-q"`, `role="search"`}, []string{"kết quả ("}},
		{"unaccented query highlights the accented text", "/search?q=gia+dat+tran+hung+dao", 200, []string{"<mark>Trần</mark>", "Dòng dữ liệu", "#r"}, nil},
		{"facets are links", "/search?q=ngan+sach", 200, []string{`href="/search?category=ngan-sach&amp;q=ngan&#43;sach"`, "Lĩnh vực", "Cơ quan", "Năm"}, nil},
		{"active filter can be removed", "/search?q=ngan+sach&agency=ubnd-xa-cam-quan", 200, []string{`aria-current="true"`, "✓ UBND xã Cẩm Quan"}, nil},
		{"sort by date", "/search?q=ngan+sach&sort=date", 200, []string{"<strong>Mới nhất</strong>"}, nil},
		{"a misspelt query shows its correction's results", "/search?q=ngan+sahc", 200, []string{"Không có kết quả cho «ngan sahc». Đang hiện kết quả cho:", `<strong>ngan sach</strong>`, `class="item hit"`}, nil},
		{"a word too many: partial matches, marked", "/search?q=ngan+sach+xyzzy", 200, []string{"Không tìm thấy kết quả phù hợp", "Kết quả thiếu một trong các từ bạn gõ", `Thiếu: <s lang="vi">xyzzy</s>`}, nil},
		{"api partial", "/api/search?q=ngan+sach+xyzzy", 200, []string{`"partial":[{`, `"missing":["xyzzy"]`, `"total":0`}, nil},
		{"api corrected", "/api/search?q=ngan+sahc", 200, []string{`"corrected":"ngan sach"`}, []string{`"missing"`}},
		{"no results with filters offers the query without them", "/search?q=ngan+sach&year=1999", 200, []string{"Tìm lại không kèm bộ lọc"}, nil},
		{"script in the query is escaped", "/search?q=%3Cscript%3Ealert(1)%3C/script%3E", 200, []string{"&lt;script&gt;"}, []string{"<script>alert(1)"}},
		{"bad year", "/search?q=x&year=abc", 400, []string{"năm không hợp lệ"}, nil},
		{"bad sort", "/search?q=x&sort=price", 400, []string{"cách sắp xếp không hợp lệ"}, nil},
		{"bad page", "/search?q=x&trang=0", 400, []string{"số trang không hợp lệ"}, nil},
		{"page too deep", "/search?q=x&trang=5000", 400, nil, nil},
		{"page named page", "/search?q=ngan+sach&page=2", 200, []string{"Trang 2 / "}, nil},
		{"api page negative", "/api/search?q=x&page=-1", 400, []string{`"error":`, "số trang không hợp lệ"}, nil},
		{"api page not a number", "/api/search?q=x&page=abc", 400, []string{"số trang không hợp lệ: abc"}, nil},
		{"api page left empty", "/api/search?q=ngan+sach&page=", 200, []string{`"page":1`}, nil},
		{"api page twice", "/api/search?q=x&page=1&page=2", 400, []string{"số trang không hợp lệ"}, nil},
		{"trang overflowing", "/search?q=x&trang=922337203685477581", 400, []string{"số trang không hợp lệ"}, nil},
		{"last page allowed", "/api/search?q=ngan+sach&page=1000", 200, []string{`"page":1000`}, nil},
		{"api page overflowing", "/api/search?q=x&page=922337203685477581", 400, []string{"số trang không hợp lệ"}, nil},
		{"api trang and page differ", "/api/search?q=x&trang=1&page=2", 400, []string{"trang và page khác nhau"}, nil},
		{"api trang and page agree", "/api/search?q=ngan+sach&trang=2&page=2", 200, []string{`"page":2`}, nil},
		{"unknown field in the query", "/search?q=foo:bar", 400, nil, nil},
		{"too long", "/search?q=" + strings.Repeat("a", 600), 400, []string{"quá dài"}, nil},
		{"api", "/api/search?q=6733%2FUBND-KSTT", 200, []string{`"total":`, `"url":"https://congkhai.example.vn/ubnd-tinh/cong-van-6733-ubnd-kstt"`, `"facets":`, `"took_ms":`}, nil},
		{"api bad parameter", "/api/search?q=x&year=abc", 400, []string{`"error":`}, nil},
		{"api bad size", "/api/search?q=x&size=1000", 400, nil, nil},
		{"suggest", "/api/suggest?q=bang+gia+d", 200, []string{`"suggestions":[{`, "Bảng giá đất"}, nil},
		{"suggest empty", "/api/suggest?q=", 200, []string{`"suggestions":[]`}, nil},
		{"old address", "/tim-kiem?q=gia+dat", 301, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, request{url: tt.url})
			body := rec.Body.String()
			if rec.Code != tt.status {
				t.Fatalf("GET %s = %d, want %d\n%.600s", tt.url, rec.Code, tt.status, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: body lacks %q", tt.url, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(body, w) {
					t.Errorf("GET %s: body contains %q", tt.url, w)
				}
			}
		})
	}
}

// TestSearchAPIShape checks the documented JSON fields of /api/search.
func TestSearchAPIShape(t *testing.T) {
	s := newSearchServer(t)
	rec := do(t, s, request{url: "/api/search?q=bồi+thường&kind=notice&size=5"})
	var got struct {
		Query  string  `json:"query"`
		Total  int     `json:"total"`
		TookMS float64 `json:"took_ms"`
		Hits   []struct {
			URL, Title, Kind, Agency, Category, Published, Snippet string
			Score                                                  float64
		} `json:"hits"`
		Facets map[string][]struct {
			Value, Label string
			Count        int
		} `json:"facets"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("decode: %v\n%s", err, rec.Body)
	}
	if got.Query != "bồi thường" || got.Total == 0 || len(got.Hits) == 0 || len(got.Hits) > 5 {
		t.Fatalf("query %q total %d hits %d", got.Query, got.Total, len(got.Hits))
	}
	for _, h := range got.Hits {
		if h.Kind != "notice" || h.URL == "" || h.Title == "" || h.Agency == "" || h.Category == "" || h.Published == "" || h.Score <= 0 {
			t.Errorf("incomplete hit %+v", h)
		}
	}
	if len(got.Facets["agency"]) == 0 || got.Facets["agency"][0].Label == "" {
		t.Errorf("agency facet without labels: %+v", got.Facets["agency"])
	}
}

// TestSearchFeeds: any search is a feed in the three formats, valid, newest
// first, with row hits folded into their table's version.
func TestSearchFeeds(t *testing.T) {
	s := newSearchServer(t)
	tests := []struct {
		url      string
		status   int
		wantItem string // a title fragment one item must have
	}{
		{"/search.atom?q=bồi+thường+cao+tốc", 200, "Phương án bồi thường"},
		{"/search.rss?q=boi+thuong+cao+toc", 200, "Phương án bồi thường"},
		{"/search.json?q=boi+thuong+cao+toc", 200, "Phương án bồi thường"},
		{"/search.atom?place=Huyện+Cẩm+Xuyên&category=gia-dat&category=boi-thuong", 200, "bồi thường"},
		{"/search.atom?q=tran+hung+dao&kind=row", 200, "bảng bang-gia-dat-o"},
		{"/search.atom", 400, ""},
		{"/search.atom?q=x&year=abc", 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			rec := do(t, s, request{url: tt.url})
			if rec.Code != tt.status {
				t.Fatalf("GET %s = %d, want %d\n%.300s", tt.url, rec.Code, tt.status, rec.Body)
			}
			if tt.status != 200 {
				return
			}
			if !strings.Contains(tt.url, "/search.json") {
				if err := strictXML(rec.Body.Bytes()); err != nil {
					t.Fatalf("not well-formed: %v", err)
				}
			}
			feed, err := gofeed.NewParser().Parse(bytes.NewReader(rec.Body.Bytes()))
			if err != nil {
				t.Fatalf("gofeed: %v", err)
			}
			found := false
			seen := map[string]bool{}
			for i, it := range feed.Items {
				found = found || strings.Contains(it.Title, tt.wantItem)
				if seen[it.GUID] {
					t.Errorf("duplicate item %s", it.GUID)
				}
				seen[it.GUID] = true
				if i > 0 && it.UpdatedParsed != nil && feed.Items[i-1].UpdatedParsed != nil && it.UpdatedParsed.After(*feed.Items[i-1].UpdatedParsed) && strings.Contains(tt.url, ".atom") {
					t.Errorf("items not newest first at %d", i)
				}
			}
			if !found {
				t.Errorf("no item titled like %q among %d", tt.wantItem, len(feed.Items))
			}
		})
	}
	// The search page advertises its feeds and the email alert.
	body := do(t, s, request{url: "/search?q=bồi+thường"}).Body.String()
	for _, w := range []string{`rel="alternate" type="application/atom&#43;xml"`, `/search.atom?q=b%e1%bb%93i&#43;th%c6%b0%e1%bb%9dng`, `/theo-doi?list=%2Fsearch%3Fq%3D`} {
		if !strings.Contains(strings.ToLower(body), strings.ToLower(w)) {
			t.Errorf("search page lacks %q", w)
		}
	}
}
