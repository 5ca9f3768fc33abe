package portal

import (
	"sync"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/search"
)

// thesauri caches the search thesaurus of a site configuration: the
// built-in one, the communes renamed or merged in the site's province in
// the 2025 reform (site.yaml province:), and the site's own entries.
type thesauri struct {
	mu   sync.Mutex
	key  string
	last *search.Thesaurus
}

// of returns the thesaurus of cfg, built once per configuration.
func (t *thesauri) of(cfg content.SiteConfig) *search.Thesaurus {
	lines := siteThesaurus(cfg)
	key := cfg.Province
	for _, l := range lines {
		key += "\n" + l
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last != nil && t.key == key {
		return t.last
	}
	var site []search.Entry
	for _, l := range lines {
		// site.yaml was checked when it was loaded: a line that does not
		// parse is left out here.
		if e, ok, err := search.ParseEntry(l); err == nil && ok {
			if e.Source == "" {
				e.Source = "site.yaml"
			}
			site = append(site, e)
		}
	}
	t.key = key
	t.last = search.NewThesaurus(search.DefaultThesaurus().Entries(), search.UnitEntries(cfg.Province), site)
	return t.last
}

// siteThesaurus is the site's own entries, lines of search.ParseEntry's
// form (site.yaml search: thesaurus:).
func siteThesaurus(cfg content.SiteConfig) []string { return cfg.Search.Thesaurus }
