package opendata

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func waitSynced(t *testing.T, p *portal) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, body := p.Get(t, "/healthz"); strings.Contains(body, `"synced":true`) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("search index not synced after 30 s")
}

// TestPackageSearchText: q goes through the portal's Vietnamese search
// (typed with or without diacritics), alone or with fq and facets, and its
// pages never repeat a dataset.
func TestPackageSearchText(t *testing.T) {
	p := start(t, "")
	waitSynced(t, p)
	type result struct {
		Success bool
		Result  struct {
			Count   int
			Results []struct {
				Name         string
				Organization struct{ Name string }
			}
			SearchFacets map[string]struct{ Items []struct{ Name string } } `json:"search_facets"`
		}
		Error map[string]any
	}
	search := func(params url.Values) result {
		t.Helper()
		var r result
		getJSON(t, p.Base+"/api/3/action/package_search?"+params.Encode(), &r)
		if !r.Success {
			t.Fatalf("package_search %v: %v", params, r.Error)
		}
		return r
	}
	const price = "so-tai-nguyen-moi-truong--bang-gia-dat-o-huyen-cam-xuyen"
	for _, q := range []string{"bảng giá đất", "bang gia dat", "giá đất Cẩm Xuyên"} {
		r := search(url.Values{"q": {q}})
		found := false
		for _, x := range r.Result.Results {
			found = found || x.Name == price
		}
		if r.Result.Count == 0 || !found {
			t.Errorf("q=%q: %d results without %s", q, r.Result.Count, price)
		}
	}
	r := search(url.Values{"q": {"ngân sách"}, "fq": {"organization:so-tai-chinh"}, "facet.field": {`["organization"]`}})
	if r.Result.Count == 0 {
		t.Error("q=ngân sách fq=organization:so-tai-chinh: nothing")
	}
	for _, x := range r.Result.Results {
		if x.Organization.Name != "so-tai-chinh" {
			t.Errorf("fq let %s of %s through", x.Name, x.Organization.Name)
		}
	}
	if items := r.Result.SearchFacets["organization"].Items; len(items) != 1 || items[0].Name != "so-tai-chinh" {
		t.Errorf("organization facet %v", items)
	}
	all := search(url.Values{"q": {"ngân sách"}, "rows": {"100"}})
	var paged []string
	for start := 0; start < all.Result.Count+2; start += 2 {
		for _, x := range search(url.Values{"q": {"ngân sách"}, "rows": {"2"}, "start": {itoa(start)}}).Result.Results {
			paged = append(paged, x.Name)
		}
	}
	if len(paged) != all.Result.Count || len(paged) != len(all.Result.Results) {
		t.Fatalf("pages of 2 gave %d datasets, one page of 100 %d (count %d)", len(paged), len(all.Result.Results), all.Result.Count)
	}
	for i, x := range all.Result.Results {
		if paged[i] != x.Name {
			t.Errorf("rank %d: paged %s, whole %s", i, paged[i], x.Name)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
