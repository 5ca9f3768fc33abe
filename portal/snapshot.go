package portal

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/congkhai/congkhai/content"
)

// Snapshot is one loaded site with the lists pages need, computed once per load.
// It is immutable.
type Snapshot struct {
	Site     *content.Site
	Problems []content.Problem
	Gen      uint64 // increases with every reload

	byAgency     map[string][]*content.Notice
	byCategory   map[content.Category][]*content.Notice
	dsByAgency   map[string][]*content.Dataset
	dsByCategory map[content.Category][]*content.Dataset
	drafts       []*content.Notice
	children     map[string][]*content.Agency

	termsOnce sync.Once // places and tags (places.go), built on first use
	termsVal  *terms

	rec *recordIndex // what the record says of items that changed (record.go); nil without a record

	foldersOnce sync.Once // the files under each agency/slug folder, built on first use (record.go)
	folders     map[string][]string
}

func newSnapshot(site *content.Site, problems []content.Problem, gen uint64) *Snapshot {
	s := &Snapshot{
		Site: site, Problems: problems, Gen: gen,
		byAgency:     map[string][]*content.Notice{},
		byCategory:   map[content.Category][]*content.Notice{},
		dsByAgency:   map[string][]*content.Dataset{},
		dsByCategory: map[content.Category][]*content.Dataset{},
		children:     map[string][]*content.Agency{},
	}
	for _, n := range site.Notices { // already newest first
		s.byAgency[n.Agency] = append(s.byAgency[n.Agency], n)
		s.byCategory[n.Category] = append(s.byCategory[n.Category], n)
		if n.Comment != nil {
			s.drafts = append(s.drafts, n)
		}
	}
	for _, d := range site.Datasets {
		s.dsByAgency[d.Agency] = append(s.dsByAgency[d.Agency], d)
		s.dsByCategory[d.Category] = append(s.dsByCategory[d.Category], d)
	}
	for _, a := range site.Agencies {
		if a.Parent != "" {
			s.children[a.Parent] = append(s.children[a.Parent], a)
		}
	}
	return s
}

// withRecords returns a snapshot of the same site with another record index
// and generation, sharing s's lists.
func (s *Snapshot) withRecords(rec *recordIndex, gen uint64) *Snapshot {
	return &Snapshot{Site: s.Site, Problems: s.Problems, Gen: gen,
		byAgency: s.byAgency, byCategory: s.byCategory, dsByAgency: s.dsByAgency, dsByCategory: s.dsByCategory,
		drafts: s.drafts, children: s.children, rec: rec}
}

// folderFiles returns the files of the site under the folder p
// ("agency/slug/..."), sorted: the files served, and the exports of a
// restricted dataset, which the publishing record keeps too (replicas
// follow them) though they are never served.
func (s *Snapshot) folderFiles(p string) []string {
	s.foldersOnce.Do(func() {
		s.folders = map[string][]string{}
		for name := range s.Site.Files {
			parts := strings.SplitN(name, "/", 3)
			if len(parts) == 3 {
				k := parts[0] + "/" + parts[1]
				s.folders[k] = append(s.folders[k], name)
			}
		}
		for _, d := range s.Site.Datasets {
			for _, f := range d.Exports {
				s.folders[d.Path] = append(s.folders[d.Path], f.Path)
			}
		}
		for _, names := range s.folders {
			slices.Sort(names)
		}
	})
	return s.folders[p]
}

// AgencyNotices returns the agency's notices, newest first.
func (s *Snapshot) AgencyNotices(slug string) []*content.Notice { return s.byAgency[slug] }

// AgencyDatasets returns the agency's datasets, newest first.
func (s *Snapshot) AgencyDatasets(slug string) []*content.Dataset { return s.dsByAgency[slug] }

// Children returns the agencies whose parent is slug.
func (s *Snapshot) Children(slug string) []*content.Agency { return s.children[slug] }

// CategoryNotices returns the category's notices, newest first.
func (s *Snapshot) CategoryNotices(c content.Category) []*content.Notice { return s.byCategory[c] }

// CategoryDatasets returns the category's datasets, newest first.
func (s *Snapshot) CategoryDatasets(c content.Category) []*content.Dataset {
	return s.dsByCategory[c]
}

// Drafts splits the drafts for comment at time now into those open, those not yet
// open (soonest first) and those closed (most recently closed first).
func (s *Snapshot) Drafts(now time.Time) (open, upcoming, closed []*content.Notice) {
	for _, n := range s.drafts {
		switch {
		case n.Comment.OpenAt(now):
			open = append(open, n)
		case now.Before(n.Comment.Opens):
			upcoming = append(upcoming, n)
		default:
			closed = append(closed, n)
		}
	}
	slices.SortStableFunc(open, func(a, b *content.Notice) int { return a.Comment.Closes.Compare(b.Comment.Closes) })
	slices.SortStableFunc(upcoming, func(a, b *content.Notice) int { return a.Comment.Opens.Compare(b.Comment.Opens) })
	slices.SortStableFunc(closed, func(a, b *content.Notice) int { return b.Comment.Closes.Compare(a.Comment.Closes) })
	return open, upcoming, closed
}

// Lookup finds what a path ("agency/slug") names: a notice, a dataset, or nil for both.
func (s *Snapshot) Lookup(path string) (*content.Notice, *content.Dataset) {
	if n, ok := s.Site.Notice(path); ok {
		return n, nil
	}
	if d, ok := s.Site.Dataset(path); ok {
		return nil, d
	}
	return nil, nil
}

// contentFile returns a file of the site by path: a file served, or an
// export of a restricted dataset.
func (s *Snapshot) contentFile(name string) (*content.File, bool) {
	if f, ok := s.Site.Files[name]; ok {
		return f, true
	}
	parts := strings.SplitN(name, "/", 3)
	if len(parts) == 3 {
		if d, ok := s.Site.Dataset(parts[0] + "/" + parts[1]); ok {
			for _, f := range d.Exports {
				if f.Path == name {
					return f, true
				}
			}
		}
	}
	return nil, false
}
