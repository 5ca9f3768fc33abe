package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/congkhai/congkhai/calendar"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/portal"
	"github.com/congkhai/congkhai/search"
)

const searchPageSize = 10

// facetOrder is the order facets are shown in, and the URL parameters that filter by them.
var facetOrder = []string{search.FilterKind, search.FilterCategory, search.FilterAgency, search.FilterYear, search.FilterPlace}

// searchParams is a search as given in the URL: q, agency, category, year, place,
// kind (each may repeat), sort=date, trang=N (or page=N).
type searchParams struct {
	Q       string
	Filters map[string][]string
	Sort    string
	Page    int
}

// Bounds of a search's filters: every facet value the portal shows is far
// shorter, and a page links at most a few of them at once.
const (
	maxFilters     = 20  // values over all facets
	maxFilterBytes = 200 // bytes of one value
)

// parseSearch validates the URL parameters; errors are messages for the user.
func parseSearch(q url.Values) (searchParams, error) {
	p := searchParams{Q: strings.TrimSpace(q.Get("q")), Filters: map[string][]string{}, Page: 1}
	if len([]rune(p.Q)) > search.MaxQueryLen {
		return p, errors.New("câu tìm kiếm quá dài (tối đa 500 ký tự)")
	}
	if !utf8.ValidString(p.Q) {
		return p, errors.New("câu tìm kiếm không phải văn bản UTF-8 hợp lệ")
	}
	n := 0
	for _, f := range facetOrder {
		for _, v := range q[f] {
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			if n++; n > maxFilters {
				return p, fmt.Errorf("quá nhiều bộ lọc (tối đa %d)", maxFilters)
			}
			if len(v) > maxFilterBytes || !utf8.ValidString(v) {
				return p, errors.New("giá trị bộ lọc không hợp lệ hoặc quá dài")
			}
			if f == search.FilterYear {
				if y, err := strconv.Atoi(v); err != nil || y < 1900 || y > 2200 {
					return p, errors.New("năm không hợp lệ: " + v)
				}
			}
			p.Filters[f] = append(p.Filters[f], v)
		}
	}
	switch s := q.Get("sort"); s {
	case "", "relevance":
	case "date":
		p.Sort = "date"
	default:
		return p, errors.New("cách sắp xếp không hợp lệ: " + s)
	}
	// trang is the portal's own name for the page; page, the English one
	// harvesters and the API's users expect, is read the same way.
	seen := false
	for _, name := range [...]string{"trang", "page"} {
		t, ok := q[name]
		if !ok || len(t) == 1 && t[0] == "" {
			continue // absent, or left empty by a form
		}
		if len(t) != 1 {
			return p, errors.New("số trang không hợp lệ: " + strings.Join(t, ","))
		}
		n, err := strconv.Atoi(t[0])
		if err != nil || n < 1 || n > search.MaxWindow/searchPageSize { // not n*size: it overflows
			return p, errors.New("số trang không hợp lệ: " + t[0])
		}
		if seen && p.Page != n {
			return p, errors.New("trang và page khác nhau")
		}
		p.Page, seen = n, true
	}
	return p, nil
}

// url builds the search URL for p with changes applied.
func (p searchParams) url(path string, change func(q url.Values)) string {
	q := url.Values{}
	if p.Q != "" {
		q.Set("q", p.Q)
	}
	for k, vs := range p.Filters {
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	if p.Sort != "" {
		q.Set("sort", p.Sort)
	}
	if p.Page > 1 {
		q.Set("trang", strconv.Itoa(p.Page))
	}
	if change != nil {
		change(q)
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

func (p searchParams) request(size int) search.Request {
	return search.Request{
		Query:     p.Q,
		Filters:   p.Filters,
		Sort:      p.Sort,
		From:      (p.Page - 1) * size,
		Size:      size,
		Facets:    true,
		Highlight: true,
	}
}

func (p searchParams) empty() bool { return p.Q == "" && len(p.Filters) == 0 }

type facetLink struct {
	Label  string
	Count  int
	URL    string
	Active bool
}

type facetGroup struct {
	Key, Title string
	Values     []facetLink
}

type searchHit struct {
	URL, Kind, Agency, Category string
	Title, Snippet              template.HTML
	Published                   time.Time
	Missing                     []string // the words a partial match lacks
}

// facetLabel turns a facet value into what a reader understands.
func facetLabel(v *view, key, value string) string {
	switch key {
	case search.FilterAgency:
		if a := v.Agency(value); a != nil {
			if a.ShortName != "" {
				return a.ShortName
			}
			return a.Name
		}
	case search.FilterCategory:
		return v.CategoryName(content.Category(value))
	case search.FilterKind:
		return v.T("kind_" + value)
	}
	return value
}

func (s *Server) searchPage(c echo.Context) error {
	snap := s.deps.Portal.Snapshot()
	// Results are cached per index version (popular searches are asked again and
	// again), never while the index is catching up with the content.
	ix := s.deps.Portal.IndexStatus()
	day := startOfDay(s.now())
	key := s.cacheKey(c, s.baseURL(c, snap), "search "+strconv.FormatUint(ix.Version, 10), s.lang(c))
	if ix.Synced {
		if page, ok := s.cache.get(snap.Gen, day, key); ok {
			return page.write(c, http.StatusOK)
		}
	}
	v := s.newView(c, snap, s.lang(c), s.now())
	v.Section = "search"
	v.Title = v.T("search")
	v.HideHeaderSearch = true
	data := map[string]any{}
	v.Data = data
	p, perr := parseSearch(c.QueryParams())
	v.Query = p.Q
	data["Params"] = p
	status := http.StatusOK
	if perr != nil {
		data["Error"] = perr.Error()
		status = http.StatusBadRequest
	} else if !p.empty() {
		res, err := s.deps.Portal.Search(c.Request().Context(), p.request(searchPageSize))
		switch {
		case errors.Is(err, search.ErrBadQuery):
			data["Error"] = strings.TrimPrefix(strings.TrimPrefix(err.Error(), "search: "), "bad query: ")
			status = http.StatusBadRequest
		case errors.Is(err, portal.ErrNoIndex):
			data["Error"] = v.T("search_off")
			status = http.StatusServiceUnavailable
		case err != nil:
			return err
		default:
			s.fillSearch(v, data, p, res)
			v.Feeds = searchFeedLinks(p)
		}
		if st := s.deps.Portal.IndexStatus(); st.Enabled && !st.Synced {
			data["Indexing"] = true
		}
	}
	body, err := s.tmpl.render("search", v)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return c.HTMLBlob(status, body)
	}
	page := newCachedPage(body, echo.MIMETextHTMLCharsetUTF8)
	if ix.Synced && data["Indexing"] == nil {
		s.cache.put(snap.Gen, day, key, page)
	}
	return page.write(c, http.StatusOK)
}

func (s *Server) fillSearch(v *view, data map[string]any, p searchParams, res *search.Result) {
	data["Total"] = res.Total
	data["TookMS"] = strconv.FormatFloat(float64(res.Took.Microseconds())/1000, 'f', 1, 64)
	data["Hits"] = searchHits(v, res.Hits)
	data["Partial"] = searchHits(v, res.Partial)
	if c := res.Corrected; c != "" {
		data["Corrected"] = facetLink{Label: c, URL: p.url("/search", func(q url.Values) { q.Set("q", c); q.Del("trang") })}
	}
	var groups []facetGroup
	for _, key := range facetOrder {
		vals := res.Facets[key]
		active := map[string]bool{}
		for _, a := range p.Filters[key] {
			active[a] = true
		}
		if len(vals) == 0 && len(active) == 0 {
			continue
		}
		g := facetGroup{Key: key, Title: v.T("facet_" + key)}
		for _, fv := range vals {
			val := fv.Value
			isActive := active[val]
			g.Values = append(g.Values, facetLink{
				Label: facetLabel(v, key, val), Count: fv.Count, Active: isActive,
				URL: p.url("/search", func(q url.Values) {
					q.Del("trang")
					if isActive {
						rest := q[key][:0:0]
						for _, x := range q[key] {
							if x != val {
								rest = append(rest, x)
							}
						}
						q[key] = rest
					} else {
						q.Add(key, val)
					}
				}),
			})
		}
		groups = append(groups, g)
	}
	data["Facets"] = groups
	var corr []facetLink
	for _, c := range res.Corrections {
		if c == res.Corrected {
			continue // shown as the results'
		}
		cc := c
		corr = append(corr, facetLink{Label: cc, URL: p.url("/search", func(q url.Values) { q.Set("q", cc); q.Del("trang") })})
	}
	data["Corrections"] = corr
	data["Approximate"] = res.Approximate
	data["Scattered"] = res.Scattered
	data["Unmatched"] = res.Unmatched
	data["Relaxed"] = relaxedLinks(v, p, res.Relaxed)
	if len(p.Filters) > 0 && res.Total == 0 {
		data["WithoutFilters"] = searchParams{Q: p.Q, Page: 1}.url("/search", nil)
	}
	data["SortRelevance"] = p.url("/search", func(q url.Values) { q.Del("sort"); q.Del("trang") })
	data["SortDate"] = p.url("/search", func(q url.Values) { q.Set("sort", "date"); q.Del("trang") })
	pages := int((res.Total + searchPageSize - 1) / searchPageSize)
	if max := search.MaxWindow / searchPageSize; pages > max {
		pages = max
	}
	v.Page, v.Pages = p.Page, pages
	v.pageURL = func(n int) string { return p.url("/search", func(q url.Values) { q.Set("trang", strconv.Itoa(n)) }) }
}

// searchHits are hits as the search page shows them.
func searchHits(v *view, hs []search.Hit) []searchHit {
	var out []searchHit
	for _, h := range hs {
		title := template.HTML(h.TitleHTML) // escaped by the search package, <mark> added
		if title == "" {
			title = template.HTML(template.HTMLEscapeString(h.Title))
		}
		out = append(out, searchHit{
			URL: h.URL, Kind: h.Kind, Title: title, Snippet: template.HTML(h.Snippet),
			Agency: facetLabel(v, search.FilterAgency, h.Agency), Category: facetLabel(v, search.FilterCategory, h.Category),
			Published: h.Published, Missing: h.Missing,
		})
	}
	return out
}

// relaxedOffer is a query with fewer words offered on a dead end, with
// links to it and to it within each of its main categories.
type relaxedOffer struct {
	Label, URL string
	Dropped    []string
	Total      uint64
	Categories []facetLink
}

func relaxedLinks(v *view, p searchParams, rs []search.Relaxation) []relaxedOffer {
	var out []relaxedOffer
	for _, r := range rs {
		q := r.Query
		o := relaxedOffer{Label: q, Dropped: r.Dropped, Total: r.Total,
			URL: p.url("/search", func(u url.Values) { u.Set("q", q); u.Del("trang") })}
		for _, c := range r.Categories {
			val := c.Value
			o.Categories = append(o.Categories, facetLink{Label: facetLabel(v, search.FilterCategory, val), Count: c.Count,
				URL: p.url("/search", func(u url.Values) {
					u.Set("q", q)
					u.Del("trang")
					u.Del(search.FilterCategory)
					u.Add(search.FilterCategory, val)
				})})
		}
		out = append(out, o)
	}
	return out
}

// apiSearch is GET /api/search: the same parameters as /search, as JSON.
// Answers are cached per index version like the search page.
func (s *Server) apiSearch(c echo.Context) error {
	snap := s.deps.Portal.Snapshot()
	ix := s.deps.Portal.IndexStatus()
	day := startOfDay(s.now())
	key := s.cacheKey(c, s.baseURL(c, snap), "api "+strconv.FormatUint(ix.Version, 10), s.lang(c))
	if ix.Synced {
		if page, ok := s.cache.get(snap.Gen, day, key); ok {
			return page.write(c, http.StatusOK)
		}
	}
	p, err := parseSearch(c.QueryParams())
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	size := searchPageSize
	if n := c.QueryParam("size"); n != "" {
		size, err = strconv.Atoi(n)
		if err != nil || size < 1 || size > search.MaxSize {
			return echo.NewHTTPError(http.StatusBadRequest, "size must be between 1 and 100")
		}
	}
	res, err := s.deps.Portal.Search(c.Request().Context(), p.request(size))
	switch {
	case errors.Is(err, search.ErrBadQuery):
		return echo.NewHTTPError(http.StatusBadRequest, strings.TrimPrefix(err.Error(), "search: "))
	case errors.Is(err, portal.ErrNoIndex):
		return echo.NewHTTPError(http.StatusServiceUnavailable, "search is not enabled")
	case err != nil:
		return err
	}
	v := s.newView(c, snap, s.lang(c), s.now())
	type apiHit struct {
		URL       string   `json:"url"`
		Title     string   `json:"title"`
		Kind      string   `json:"kind"`
		Agency    string   `json:"agency"`
		Category  string   `json:"category"`
		Published string   `json:"published,omitempty"`
		Snippet   string   `json:"snippet"`
		Score     float64  `json:"score"`
		Missing   []string `json:"missing,omitempty"` // a partial match's missing words
	}
	type apiFacet struct {
		Value string `json:"value"`
		Label string `json:"label"`
		Count int    `json:"count"`
	}
	base := s.baseURL(c, snap)
	apiHits := func(hs []search.Hit) []apiHit {
		out := []apiHit{}
		for _, h := range hs {
			ah := apiHit{URL: base + h.URL, Title: h.Title, Kind: h.Kind, Agency: h.Agency, Category: h.Category, Snippet: h.Snippet, Score: h.Score, Missing: h.Missing}
			if !h.Published.IsZero() {
				ah.Published = h.Published.In(calendar.Location).Format(time.RFC3339)
			}
			out = append(out, ah)
		}
		return out
	}
	facets := map[string][]apiFacet{}
	for _, key := range facetOrder {
		fs := []apiFacet{}
		for _, fv := range res.Facets[key] {
			fs = append(fs, apiFacet{fv.Value, facetLabel(v, key, fv.Value), fv.Count})
		}
		facets[key] = fs
	}
	type apiRelaxed struct {
		Query      string     `json:"query"`
		Dropped    []string   `json:"dropped"`
		Total      uint64     `json:"total"`
		Categories []apiFacet `json:"categories"`
	}
	relaxed := []apiRelaxed{}
	for _, r := range res.Relaxed {
		ar := apiRelaxed{Query: r.Query, Dropped: r.Dropped, Total: r.Total, Categories: []apiFacet{}}
		for _, c := range r.Categories {
			ar.Categories = append(ar.Categories, apiFacet{c.Value, facetLabel(v, search.FilterCategory, c.Value), c.Count})
		}
		relaxed = append(relaxed, ar)
	}
	unmatched := res.Unmatched
	if unmatched == nil {
		unmatched = []string{}
	}
	body, err := json.Marshal(map[string]any{
		"approximate": res.Approximate,
		"scattered":   res.Scattered,
		"unmatched":   unmatched,
		"relaxed":     relaxed,
		"query":       p.Q,
		"filters":     p.Filters,
		"page":        p.Page,
		"total":       res.Total,
		"took_ms":     float64(res.Took.Microseconds()) / 1000,
		"hits":        apiHits(res.Hits),
		"partial":     apiHits(res.Partial),
		"corrected":   res.Corrected,
		"facets":      facets,
		"corrections": res.Corrections,
	})
	if err != nil {
		return fmt.Errorf("server: search answer: %w", err)
	}
	page := newCachedPage(body, echo.MIMEApplicationJSON)
	if ix.Synced {
		s.cache.put(snap.Gen, day, key, page)
	}
	return page.write(c, http.StatusOK)
}

// apiSuggest is GET /api/suggest?q=: titles completing what is typed.
func (s *Server) apiSuggest(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	type sug struct {
		Title string `json:"title"`
		URL   string `json:"url"`
		Kind  string `json:"kind"`
	}
	out := []sug{}
	if q != "" {
		res, err := s.deps.Portal.Suggest(c.Request().Context(), q, 8)
		switch {
		case errors.Is(err, search.ErrBadQuery):
			return echo.NewHTTPError(http.StatusBadRequest, strings.TrimPrefix(err.Error(), "search: "))
		case errors.Is(err, portal.ErrNoIndex):
			return echo.NewHTTPError(http.StatusServiceUnavailable, "search is not enabled")
		case err != nil:
			return err
		}
		for _, r := range res {
			out = append(out, sug{r.Title, r.URL, r.Kind})
		}
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=60")
	return c.JSON(http.StatusOK, map[string]any{"query": q, "suggestions": out})
}
