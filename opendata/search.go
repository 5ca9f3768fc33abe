package opendata

import (
	"cmp"
	"slices"
	"strings"
)

// SortKey is one key of package_search's sort.
type SortKey struct {
	Field string // id, name, title, metadata_modified, metadata_created or score
	Desc  bool
}

// DefaultSort is CKAN's: score, then the most recently modified.
var DefaultSort = []SortKey{{"score", true}, {"metadata_modified", true}}

// ParseSort reads a sort as CKAN takes it: "metadata_modified desc, id asc".
// title_string is read as title. The error wraps ErrQuery.
func ParseSort(s string) ([]SortKey, error) {
	if strings.TrimSpace(s) == "" {
		return DefaultSort, nil
	}
	var keys []SortKey
	for _, part := range strings.Split(s, ",") {
		f := strings.Fields(part)
		if len(f) == 0 || len(f) > 2 {
			return nil, queryErr("can't determine a sort order from %q", part)
		}
		k := SortKey{Field: f[0]}
		if k.Field == "title_string" {
			k.Field = "title"
		}
		switch k.Field {
		case "id", "name", "title", "metadata_modified", "metadata_created", "score":
		default:
			return nil, queryErr("can't sort by %q", f[0])
		}
		if len(f) == 2 {
			switch strings.ToLower(f[1]) {
			case "asc":
			case "desc":
				k.Desc = true
			default:
				return nil, queryErr("can't determine a sort order from %q", part)
			}
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// SearchRequest is a package_search once read.
type SearchRequest struct {
	Filter Filter
	// Ranked, when not nil, are the entries a text search matched, best
	// first: only they match, and "score" orders them. Nil: every entry
	// matches, with the same score.
	Ranked      []*Entry
	Sort        []SortKey
	Start, Rows int
	// FacetFields are the fields to count values of: organization, groups,
	// tags, res_format, license_id.
	FacetFields   []string
	FacetLimit    int // values per facet; < 0 for all
	FacetMinCount int
}

// SearchResult is one page of a search.
type SearchResult struct {
	Count   int
	Results []*Entry
	Facets  []Facet // in the order asked
}

// Facet is the counted values of a field.
type Facet struct {
	Field string
	Items []FacetItem // most frequent first, then by name
}

// FacetItem is a value of a facet.
type FacetItem struct {
	Name, DisplayName string
	Count             int
}

// Search runs a package_search over the catalog: the entries that match the
// filter (and the text search, when there is one), in the sort order, id
// ascending among equals — so the order is total, the same from one request
// to the next, a page past the end is empty and two pages never share an
// entry.
func (c *Catalog) Search(r SearchRequest) SearchResult {
	keys := r.Sort
	if len(keys) == 0 {
		keys = DefaultSort
	}
	var rank map[*Entry]int
	if r.Ranked != nil {
		rank = make(map[*Entry]int, len(r.Ranked))
		for i, e := range r.Ranked {
			rank[e] = i
		}
	} else {
		// Every entry has the same score: score keys order nothing.
		keys = slices.DeleteFunc(slices.Clone(keys), func(k SortKey) bool { return k.Field == "score" })
	}
	var matched []*Entry
	keep := func(e *Entry) {
		if r.Filter.Match(e) {
			matched = append(matched, e)
		}
	}
	switch {
	case rank != nil && len(keys) > 0 && keys[0].Field == "score":
		// Ranks are distinct: the first key decides.
		for _, e := range r.Ranked {
			keep(e)
		}
		if !keys[0].Desc {
			slices.Reverse(matched)
		}
	case rank == nil && len(keys) <= 1:
		k := SortKey{Field: "id"}
		if len(keys) == 1 {
			k = keys[0]
		}
		order, _ := c.Ordered(k.Field)
		if k.Desc {
			for i := len(order) - 1; i >= 0; i-- {
				keep(order[i])
			}
			// Descending keeps ties in id order.
			stableTies(matched, k)
		} else {
			for _, e := range order {
				keep(e)
			}
		}
	default:
		src := c.Entries
		if rank != nil {
			src = r.Ranked
		}
		for _, e := range src {
			keep(e)
		}
		slices.SortStableFunc(matched, func(a, b *Entry) int {
			for _, k := range keys {
				if n := compareBy(k, a, b, rank); n != 0 {
					return n
				}
			}
			return strings.Compare(a.ID, b.ID)
		})
	}
	res := SearchResult{Count: len(matched)}
	if r.Start < len(matched) && r.Rows > 0 {
		res.Results = matched[r.Start:min(len(matched), r.Start+r.Rows)]
	}
	for _, f := range r.FacetFields {
		res.Facets = append(res.Facets, c.facet(f, matched, r.FacetLimit, r.FacetMinCount))
	}
	return res
}

// stableTies puts the runs of equal keys of a descending order back in id
// order (walking an ascending order backwards reversed them).
func stableTies(es []*Entry, k SortKey) {
	for i := 0; i < len(es); {
		j := i + 1
		for j < len(es) && compareBy(SortKey{Field: k.Field}, es[i], es[j], nil) == 0 {
			j++
		}
		slices.Reverse(es[i:j])
		i = j
	}
}

func compareBy(k SortKey, a, b *Entry, rank map[*Entry]int) int {
	var n int
	switch k.Field {
	case "id":
		n = strings.Compare(a.ID, b.ID)
	case "name":
		n = strings.Compare(a.Name, b.Name)
	case "title":
		n = strings.Compare(a.titleKey, b.titleKey)
	case "metadata_modified":
		n = a.Modified.Compare(b.Modified)
	case "metadata_created":
		n = a.Created.Compare(b.Created)
	case "score":
		// A better rank is a higher score.
		n = cmp.Compare(rank[b], rank[a])
	}
	if k.Desc {
		n = -n
	}
	return n
}

// FacetFields are the fields package_search counts values of.
var FacetFields = []string{"organization", "groups", "tags", "res_format", "license_id"}

func (c *Catalog) facet(field string, es []*Entry, limit, minCount int) Facet {
	counts := map[string]int{}
	for _, e := range es {
		for _, v := range fieldValues(field, e) {
			counts[v]++
		}
	}
	f := Facet{Field: field}
	for v, n := range counts {
		if n < max(minCount, 1) {
			continue
		}
		f.Items = append(f.Items, FacetItem{Name: v, DisplayName: c.displayName(field, v), Count: n})
	}
	slices.SortFunc(f.Items, func(a, b FacetItem) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Name, b.Name)
	})
	if limit >= 0 && len(f.Items) > limit {
		f.Items = f.Items[:limit]
	}
	return f
}

func (c *Catalog) displayName(field, v string) string {
	switch field {
	case "organization":
		if o, ok := c.Org(v); ok {
			return o.Agency.Name
		}
	case "groups":
		if g, ok := c.Group(v); ok {
			return g.Info.NameVI
		}
	}
	return v
}
