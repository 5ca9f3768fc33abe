package opendata

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var testNow = time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)

func names(es []*Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Name)
	}
	return out
}

func TestFilters(t *testing.T) {
	c := demoCatalog(t)
	byName := func(n string) *Entry {
		e, ok := c.Entry(n)
		if !ok {
			t.Fatalf("no dataset %s", n)
		}
		return e
	}
	price := byName("so-tai-nguyen-moi-truong--bang-gia-dat-o-huyen-cam-xuyen")
	tests := []struct {
		fq        string
		count     int
		must      []string // names that must be in the answer
		mustNot   []string
		wantError bool
	}{
		{fq: "", count: 11},
		{fq: "*:*", count: 11},
		{fq: "organization:so-tai-chinh", count: 3},
		{fq: "-organization:so-tai-chinh", count: 8},
		{fq: "NOT organization:so-tai-chinh", count: 8},
		{fq: "organization:so-tai-chinh OR organization:ubnd-tinh", count: 4},
		{fq: "organization:(so-tai-chinh OR ubnd-tinh)", count: 4},
		{fq: "organization:so-tai-chinh AND groups:ngan-sach", count: 3},
		{fq: "organization:so-tai-chinh groups:gia-dat", count: 0},
		{fq: "groups:gia-dat", must: []string{price.Name}},
		{fq: `tags:"giá đất"`, must: []string{price.Name}},
		{fq: "res_format:XLSX", count: 1},
		{fq: "res_format:csv", count: 11},
		{fq: "license_id:cc-by", count: 11},
		{fq: "name:so-tai-chinh--*", count: 3},
		{fq: "id:" + price.ID, count: 1, must: []string{price.Name}},
		{fq: "owner_org:" + price.ownerID(), count: 1}, // its agency's one-stop exports are not open data
		{fq: "name:*ho-so-thu-tuc-hanh-chinh", count: 0},
		{fq: "metadata_modified:[* TO *]", count: 11},
		{fq: "metadata_modified:[" + CKANTime(price.Modified) + "Z TO *]", must: []string{price.Name}},
		{fq: "metadata_modified:{" + CKANTime(price.Modified) + " TO *]", mustNot: []string{price.Name}},
		{fq: "metadata_modified:[NOW-1DAY TO NOW]", count: 2, must: []string{"ubnd-xa-cam-quan--danh-gia-muc-do-hai-long"}},
		{fq: "metadata_created:[2000-01-01 TO NOW/DAY]", count: 11},
		{fq: "title:cẩm xuyên", must: []string{price.Name}},
		{fq: "cam xuyen", must: []string{price.Name}},
		{fq: "bogus:x", wantError: true},
		{fq: "organization:(a", wantError: true},
		{fq: `tags:"unclosed`, wantError: true},
		{fq: "metadata_modified:[yesterday TO *]", wantError: true},
	}
	for _, tt := range tests {
		t.Run(tt.fq, func(t *testing.T) {
			f, err := ParseFilter(tt.fq, testNow)
			if tt.wantError {
				if err == nil {
					t.Fatalf("ParseFilter(%q) = nil error", tt.fq)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseFilter(%q): %v", tt.fq, err)
			}
			res := c.Search(SearchRequest{Filter: f, Rows: 100, Sort: []SortKey{{"id", false}}})
			got := names(res.Results)
			if tt.count > 0 && res.Count != tt.count || tt.count == 0 && tt.must == nil && tt.mustNot == nil && res.Count != 0 {
				t.Errorf("count = %d, want %d (%v)", res.Count, tt.count, got)
			}
			for _, n := range tt.must {
				if !slices.Contains(got, n) {
					t.Errorf("%s missing from %v", n, got)
				}
			}
			for _, n := range tt.mustNot {
				if slices.Contains(got, n) {
					t.Errorf("%s in %v", n, got)
				}
			}
		})
	}
}

func TestSortAndPaging(t *testing.T) {
	c := demoCatalog(t)
	for _, sort := range []string{"id asc", "id desc", "name asc", "title_string asc", "metadata_modified desc", "metadata_created asc", "metadata_modified desc, name asc", ""} {
		t.Run(sort, func(t *testing.T) {
			keys, err := ParseSort(sort)
			if err != nil {
				t.Fatal(err)
			}
			all := c.Search(SearchRequest{Sort: keys, Rows: 100})
			var paged []string
			for start := 0; ; start += 3 {
				res := c.Search(SearchRequest{Sort: keys, Rows: 3, Start: start})
				if len(res.Results) == 0 {
					break
				}
				paged = append(paged, names(res.Results)...)
			}
			if !slices.Equal(paged, names(all.Results)) || len(paged) != 11 {
				t.Errorf("pages of 3 = %v, want %v", paged, names(all.Results))
			}
			again := c.Search(SearchRequest{Sort: keys, Rows: 100})
			if !slices.Equal(names(again.Results), names(all.Results)) {
				t.Error("the order changed from one search to the next")
			}
			for i := 1; i < len(all.Results); i++ {
				a, b := all.Results[i-1], all.Results[i]
				for _, k := range keys {
					if k.Field == "score" {
						continue
					}
					if n := compareBy(k, a, b, nil); n > 0 {
						t.Errorf("%s before %s against %v", a.Name, b.Name, k)
					} else if n < 0 {
						break
					}
				}
			}
		})
	}
	if _, err := ParseSort("popularity desc"); err == nil {
		t.Error("ParseSort(popularity desc) = nil error")
	}
	res := c.Search(SearchRequest{Rows: 10, Start: 11})
	if len(res.Results) != 0 || res.Count != 11 {
		t.Errorf("a page past the end: %d results of %d", len(res.Results), res.Count)
	}
}

func TestRankedAndFacets(t *testing.T) {
	c := demoCatalog(t)
	ranked := []*Entry{c.Entries[5], c.Entries[2], c.Entries[7]}
	res := c.Search(SearchRequest{Ranked: ranked, Rows: 10, FacetFields: FacetFields, FacetLimit: 50, FacetMinCount: 1})
	if !slices.Equal(res.Results, ranked) {
		t.Errorf("ranked order: got %v, want %v", names(res.Results), names(ranked))
	}
	for _, f := range res.Facets {
		total := 0
		for _, it := range f.Items {
			total += it.Count
		}
		if f.Field == "organization" || f.Field == "groups" || f.Field == "license_id" {
			if total != 3 {
				t.Errorf("facet %s counts %d datasets, want 3", f.Field, total)
			}
		}
		if f.Field == "organization" && len(f.Items) > 0 && strings.Contains(f.Items[0].DisplayName, "--") {
			t.Errorf("organization facet shows %q", f.Items[0].DisplayName)
		}
	}
	f, _ := ParseFilter("res_format:XLSX", testNow)
	res = c.Search(SearchRequest{Ranked: ranked, Filter: f, Rows: 10})
	for _, e := range res.Results {
		if !slices.Contains(e.Formats, "XLSX") {
			t.Errorf("%s has no XLSX", e.Name)
		}
	}
}
