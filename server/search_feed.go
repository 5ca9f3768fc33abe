package server

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/feedback"
	"github.com/congkhai/congkhai/portal"
	"github.com/congkhai/congkhai/search"
)

// Search feeds: /search.atom?q=…&agency=…&category=…&year=…&place=…&kind=…
// (likewise .rss and .json) — any search, newest first, so a journalist can
// subscribe to "bồi thường cao tốc" or to the land price and compensation notices
// of one district. Row hits become the entries of their table's current version,
// so a subscriber hears of a new table once, not of each row. Published questions
// and answers have their own feed at /hoi-dap/feed.atom.

// searchFeedQuery is the part of the URL a search feed depends on, in a canonical
// order (also its self link and its cache key).
func searchFeedQuery(p searchParams) url.Values {
	q := url.Values{}
	if p.Q != "" {
		q.Set("q", p.Q)
	}
	for _, f := range facetOrder {
		for _, v := range p.Filters[f] {
			q.Add(f, v)
		}
	}
	return q
}

// indexVersion waits briefly for the index to catch up with the content (a
// search feed built before that would be cached for the whole generation) and
// returns its version, which keys the cached feed.
func (s *Server) indexVersion(c echo.Context) string {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	_ = s.deps.Portal.WaitIndexed(ctx)
	st := s.deps.Portal.IndexStatus()
	if !st.Synced {
		// Still indexing: a key of its own per request time bucket, so a stale
		// result is not kept past a few seconds.
		return "ix=" + strconv.FormatUint(st.Version, 10) + "-" + strconv.FormatInt(time.Now().Unix()/5, 10)
	}
	return "ix=" + strconv.FormatUint(st.Version, 10)
}

// feedSearch reads the parameters of a search feed, the same way for the three
// formats and for the email alerts that follow a search. A search feed needs
// something to search for once the query is normalised as the index reads it
// (NFC, control characters removed, words, "phrases", -exclusions and
// name:value filters taken apart): a word with a letter or a digit, or a
// filter. Otherwise it would be the feed of everything, under the name of a
// search. Text that is not UTF-8, in q or in a filter, is refused rather than
// repaired into another search.
func feedSearch(q url.Values) (searchParams, error) {
	for _, name := range append([]string{"q"}, facetOrder...) {
		for _, v := range q[name] {
			if !utf8.ValidString(v) {
				return searchParams{}, fmt.Errorf("tham số %s không phải văn bản UTF-8 hợp lệ", name)
			}
		}
	}
	p, err := parseSearch(q)
	if err != nil {
		return p, err
	}
	if len(p.Filters) > 0 {
		return p, nil
	}
	parsed, err := search.ParseQuery(p.Q)
	if err != nil {
		return p, errors.New(strings.TrimPrefix(err.Error(), "search: "))
	}
	if len(parsed.Filters) > 0 || len(parsed.NotFilters) > 0 {
		return p, nil
	}
	for _, texts := range [][]string{parsed.Terms, parsed.Phrases, parsed.Excluded} {
		for _, t := range texts {
			if strings.IndexFunc(t, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
				return p, nil
			}
		}
	}
	return p, errors.New("nguồn tin tìm kiếm cần từ khóa (có chữ hoặc số) hoặc bộ lọc")
}

func (s *Server) searchFeed(c echo.Context) error {
	p, err := feedSearch(c.QueryParams())
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	query := searchFeedQuery(p)
	return s.serveFeedKeyed(c, query, s.indexVersion(c), func(b *feedBuilder) (*feed, error) {
		return s.searchListFeed(c.Request().Context(), b, p)
	})
}

// searchListFeed is the feed of a search: its newest 50 hits.
func (s *Server) searchListFeed(ctx context.Context, b *feedBuilder, p searchParams) (*feed, error) {
	res, err := s.deps.Portal.Search(ctx, search.Request{Query: p.Q, Filters: p.Filters, Sort: "date", Size: feedLimit})
	switch {
	case errors.Is(err, search.ErrBadQuery):
		return nil, echo.NewHTTPError(http.StatusBadRequest, strings.TrimPrefix(err.Error(), "search: "))
	case errors.Is(err, portal.ErrNoIndex):
		return nil, echo.NewHTTPError(http.StatusServiceUnavailable, "search is not enabled")
	case err != nil:
		return nil, err
	}
	query := searchFeedQuery(p)
	f := b.newFeed("/search?"+query.Encode(), "Tìm kiếm: "+searchTitle(p), "Các văn bản, dữ liệu và hỏi đáp khớp với tìm kiếm này, mới nhất trước.")
	f.Entries = s.hitEntries(ctx, b, res.Hits)
	return f, nil
}

// anyListFeed resolves any list a subscriber can follow: a list page ("/",
// "/danh-muc/gia-dat", "/so-tai-chinh", …) or a search ("/search?q=…").
func (s *Server) anyListFeed(ctx context.Context, b *feedBuilder, list string, now time.Time) (*feed, error) {
	if strings.HasPrefix(list, accPrefix+"/") {
		return s.accAlertFeed(b, list)
	}
	if rest, ok := strings.CutPrefix(list, "/search?"); ok {
		q, err := url.ParseQuery(rest)
		if err != nil {
			return nil, echo.NewHTTPError(http.StatusNotFound)
		}
		p, err := feedSearch(q)
		if err != nil {
			return nil, echo.NewHTTPError(http.StatusNotFound)
		}
		return s.searchListFeed(ctx, b, p)
	}
	return listFeed(b, list, now)
}

// searchTitle describes a search for a feed's title: the words, then the filters.
func searchTitle(p searchParams) string {
	parts := []string{}
	if p.Q != "" {
		parts = append(parts, "“"+p.Q+"”")
	}
	for _, f := range facetOrder {
		if vs := p.Filters[f]; len(vs) > 0 {
			parts = append(parts, f+": "+strings.Join(vs, ", "))
		}
	}
	return strings.Join(parts, " · ")
}

// hitEntries turns search hits into feed entries, one per notice, dataset, table
// version or published answer.
func (s *Server) hitEntries(ctx context.Context, b *feedBuilder, hits []search.Hit) []feedEntry {
	seen := map[string]bool{}
	var out []feedEntry
	add := func(e feedEntry) {
		if !seen[e.ID] {
			seen[e.ID] = true
			out = append(out, e)
		}
	}
	for _, h := range hits {
		kind, id, _ := strings.Cut(h.ID, ":")
		switch kind {
		case "n":
			if n, ok := b.snap.Site.Notice(id); ok {
				add(b.noticeEntry(n))
			}
		case "d":
			if d, ok := b.snap.Site.Dataset(id); ok {
				add(b.datasetEntry(d))
			}
		case "r":
			table := id
			if k := strings.LastIndexByte(id, '#'); k >= 0 {
				table = id[:k]
			}
			if d, ok := b.snap.Site.Dataset(strings.TrimPrefix(h.Parent, "d:")); ok {
				for _, t := range d.Tables {
					if t.ID == table {
						add(b.tableEntry(d, t))
					}
				}
			}
		case "q":
			n, err := strconv.ParseInt(id, 10, 64)
			if err != nil || s.fb == nil {
				continue
			}
			if qa, err := s.fb.store.PublishedQA(ctx, n); err == nil {
				add(b.qaEntry(*qa))
			}
		}
	}
	return out
}

// qaEntry is a published question and answer (no personal data: the store only
// publishes the texts staff edited for publication).
func (b *feedBuilder) qaEntry(qa feedback.PublicQA) feedEntry {
	id := strconv.FormatInt(qa.ID, 10)
	e := feedEntry{
		ID: b.tag("hoi-dap/" + id), Title: qa.Question, URL: b.abs("/hoi-dap/" + id),
		Summary: qa.Answer, Author: b.agencyName(qa.Agency), Published: qa.PublishedAt, Updated: qa.PublishedAt,
		Categories: []feedCategory{{Term: "Hỏi đáp", Scheme: b.abs("/hoi-dap")}},
	}
	var h strings.Builder
	h.WriteString("<p><strong>Hỏi:</strong> " + html.EscapeString(qa.Question) + "</p>\n")
	h.WriteString("<p><strong>Trả lời:</strong> " + strings.ReplaceAll(html.EscapeString(qa.Answer), "\n", "<br>") + "</p>\n")
	if qa.TargetPath != "" {
		h.WriteString(`<p>Về: <a href="` + html.EscapeString(b.abs("/"+qa.TargetPath)) + `">` + html.EscapeString(qa.TargetTitle) + "</a></p>")
	}
	e.HTML = h.String()
	return e
}

// qaFeed is /hoi-dap/feed.atom (.rss, .json): the newest published answers.
func (s *Server) qaFeed(c echo.Context) error {
	if s.fb == nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	return s.serveFeedKeyed(c, nil, s.indexVersion(c), func(b *feedBuilder) (*feed, error) {
		var entries []feedEntry
		for page := 1; len(entries) < feedLimit; page++ {
			items, total, err := s.fb.store.PublicQA(c.Request().Context(), "", page)
			if err != nil {
				return nil, err
			}
			for _, qa := range items {
				entries = append(entries, b.qaEntry(qa))
			}
			if page*feedback.PageSize >= total || len(items) == 0 {
				break
			}
		}
		f := b.newFeed("/hoi-dap", "Hỏi đáp", "Câu hỏi của người dân và trả lời của cơ quan, đã được công khai.")
		f.Entries = entries
		return f, nil
	})
}

// searchFeedLinks are the feeds of the search a page shows.
func searchFeedLinks(p searchParams) []feedLink {
	q := searchFeedQuery(p).Encode()
	out := make([]feedLink, 0, len(feedFormats))
	for _, f := range feedFormats {
		out = append(out, feedLink{Type: strings.TrimSuffix(f.mime, "; charset=utf-8"), Title: "Tìm kiếm: " + searchTitle(p) + " (" + f.label + ")", URL: "/search." + f.ext + "?" + q})
	}
	return out
}
