package portal

import (
	"cmp"
	"slices"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/congkhai/congkhai/content"
)

// Place levels, from the widest.
const (
	LevelProvince = "province"
	LevelDistrict = "district"
	LevelCommune  = "commune"
)

// Term is a place or a tag that notices and datasets are filed under, with the
// lists of what is filed there (newest first). Slug is content.Slugify of the name,
// so "Huyện Cẩm Xuyên" and "huyện Cẩm Xuyên" are one place.
type Term struct {
	Slug     string
	Name     string // as first written in the content folder
	Level    string // places only: LevelProvince, LevelDistrict or LevelCommune
	Notices  []*content.Notice
	Datasets []*content.Dataset
}

// Count is the number of notices and datasets filed under the term.
func (t *Term) Count() int { return len(t.Notices) + len(t.Datasets) }

// terms is the places and tags of one snapshot.
type terms struct {
	places    map[string]*Term
	placeList []*Term // by level, then Vietnamese collation
	tags      map[string]*Term
	tagList   []*Term // Vietnamese collation
}

// newTerms files every notice and dataset under its places and tags. A notice about
// a commune is also listed under the commune's district and province, so that a
// district's feed carries everything that happens in it.
func newTerms(site *content.Site) *terms {
	ts := &terms{places: map[string]*Term{}, tags: map[string]*Term{}}
	file := func(m map[string]*Term, list *[]*Term, name, level string, n *content.Notice, d *content.Dataset, seen map[*Term]bool) {
		slug := content.Slugify(name)
		if slug == "" {
			return
		}
		t := m[slug]
		if t == nil {
			t = &Term{Slug: slug, Name: name, Level: level}
			m[slug] = t
			*list = append(*list, t)
		}
		if seen[t] {
			return
		}
		seen[t] = true
		if n != nil {
			t.Notices = append(t.Notices, n)
		} else {
			t.Datasets = append(t.Datasets, d)
		}
	}
	add := func(places []content.Place, tags []string, n *content.Notice, d *content.Dataset) {
		seen := map[*Term]bool{}
		for _, p := range places {
			file(ts.places, &ts.placeList, p.Province, LevelProvince, n, d, seen)
			file(ts.places, &ts.placeList, p.District, LevelDistrict, n, d, seen)
			file(ts.places, &ts.placeList, p.Commune, LevelCommune, n, d, seen)
		}
		for _, tag := range tags {
			file(ts.tags, &ts.tagList, tag, "", n, d, seen)
		}
	}
	for _, n := range site.Notices { // newest first, kept
		add(n.Places, n.Tags, n, nil)
	}
	for _, d := range site.Datasets {
		add(d.Places, d.Tags, nil, d)
	}
	coll := collate.New(language.Vietnamese)
	rank := map[string]int{LevelProvince: 0, LevelDistrict: 1, LevelCommune: 2}
	slices.SortStableFunc(ts.placeList, func(a, b *Term) int {
		if c := cmp.Compare(rank[a.Level], rank[b.Level]); c != 0 {
			return c
		}
		return coll.CompareString(a.Name, b.Name)
	})
	slices.SortStableFunc(ts.tagList, func(a, b *Term) int { return coll.CompareString(a.Name, b.Name) })
	return ts
}

// Places returns every place named in the content, provinces first, then
// districts, then communes, each in Vietnamese alphabetical order.
func (s *Snapshot) Places() []*Term { return s.terms().placeList }

// Place returns the place with the slug; ok is false when no content names it.
func (s *Snapshot) Place(slug string) (*Term, bool) { t, ok := s.terms().places[slug]; return t, ok }

// Tags returns every tag used in the content in Vietnamese alphabetical order.
func (s *Snapshot) Tags() []*Term { return s.terms().tagList }

// Tag returns the tag with the slug; ok is false when no content uses it.
func (s *Snapshot) Tag(slug string) (*Term, bool) { t, ok := s.terms().tags[slug]; return t, ok }

// terms builds the places and tags on first use, once per snapshot: a reload that
// nobody browses by place does not pay for them.
func (s *Snapshot) terms() *terms {
	s.termsOnce.Do(func() { s.termsVal = newTerms(s.Site) })
	return s.termsVal
}
