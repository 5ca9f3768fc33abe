package opendata

import (
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/congkhai/congkhai/content"
)

// Options are what a Catalog needs besides the site.
type Options struct {
	// Base is the public address without trailing slash
	// ("https://congkhai.hatinh.gov.vn"); every link is absolute from it, and
	// its host names the identifiers (SiteNamespace).
	Base string
	// Modified returns when a dataset's metadata or files last changed (CKAN's
	// metadata_modified, DCAT's catalog record). Nil: the dataset's Updated.
	Modified func(*content.Dataset) time.Time
}

// Catalog is the open-data view of one snapshot of the site at one public
// address: every dataset as a CKAN package with its resources, the agencies
// as organizations, the categories as groups, and the tags. It is immutable
// once built and safe for concurrent use.
type Catalog struct {
	Base string
	Site *content.Site
	NS   UUID
	// Entries are the datasets in CKAN's "id asc" order (their UUIDs' string
	// order).
	Entries []*Entry
	// Modified is the newest Modified of the entries (zero for an empty site).
	Modified time.Time

	byKey     map[string]*Entry // by id, name and content path
	resources map[string]*Resource
	orgs      []*Org // by name
	orgByKey  map[string]*Org
	groups    []*Group // by name
	grpByKey  map[string]*Group
	tags      []string // every tag name, sorted
	orders    map[string][]*Entry
}

// Entry is a dataset as a CKAN package.
type Entry struct {
	Dataset  *content.Dataset
	Agency   *content.Agency // nil when the dataset's agency is missing
	ID, Name string
	// Created and Modified are CKAN's metadata_created and metadata_modified.
	Created, Modified time.Time
	Tags              []string // CKAN tag names, deduplicated
	License           License
	Resources         []*Resource
	Formats           []string // distinct formats of the resources

	ownerOrg string // the organization's id
	titleKey string // the title folded, for sorting by title

	once sync.Once
	json []byte // the package dictionary, encoded once

	textOnce sync.Once
	words    map[string]bool // folded words of title, summary, text and tags, for filters
}

func (e *Entry) ownerID() string { return e.ownerOrg }

// Resource is a file of a dataset as a CKAN resource: a table file as
// published (Kind "file"), or a table converted to CSV or JSON.
type Resource struct {
	ID       string
	Entry    *Entry
	Kind     string         // "file", "csv" or "json"
	Table    *content.Table // the table (a file's first table)
	Name     string
	URL      string
	Format   string // CKAN's format: "CSV", "XLSX", "JSON"
	Media    string // IANA media type
	EUType   string // EU file-type code
	Size     int64  // bytes; -1 when not known in advance (converted tables)
	Hash     string // hex SHA-256 of the bytes; "" when not known in advance
	Modified time.Time
	Position int
}

// Datastore reports whether the resource's rows can be read through
// datastore_search: the converted tables.
func (r *Resource) Datastore() bool { return r.Kind != "file" }

// Org is an agency as a CKAN organization.
type Org struct {
	Agency  *content.Agency
	ID      string
	Name    string
	Entries []*Entry // its datasets in "id asc" order
}

// Group is a category as a CKAN group.
type Group struct {
	Info    content.CategoryInfo
	ID      string
	Entries []*Entry
}

// NewCatalog builds the catalog of site. It reads no file: tables' sizes,
// hashes and times come from the load.
func NewCatalog(site *content.Site, o Options) *Catalog {
	c := NewPageCatalog(site, o.Base)
	for _, a := range site.Agencies {
		org := &Org{Agency: a, ID: agencyUUID(c.NS, a.Slug), Name: OrganizationName(a.Slug)}
		c.orgs = append(c.orgs, org)
		c.orgByKey[org.ID], c.orgByKey[org.Name], c.orgByKey[a.Slug] = org, org, org
	}
	for _, ci := range content.Categories() {
		g := &Group{Info: ci, ID: categoryUUID(c.NS, string(ci.Slug))}
		c.groups = append(c.groups, g)
		c.grpByKey[g.ID], c.grpByKey[string(ci.Slug)] = g, g
	}
	tags := map[string]bool{}
	for _, d := range site.Datasets {
		if d.Restricted() {
			continue // one-stop exports are private records, not open data
		}
		e := c.newEntry(d, o.Modified)
		c.Entries = append(c.Entries, e)
		c.byKey[e.ID], c.byKey[e.Name], c.byKey[d.Path] = e, e, e
		for _, t := range e.Tags {
			tags[t] = true
		}
		if e.Modified.After(c.Modified) {
			c.Modified = e.Modified
		}
	}
	slices.SortFunc(c.Entries, func(a, b *Entry) int { return strings.Compare(a.ID, b.ID) })
	for _, e := range c.Entries {
		if org := c.orgByKey[e.Dataset.Agency]; org != nil {
			org.Entries = append(org.Entries, e)
		}
		if g := c.grpByKey[string(e.Dataset.Category)]; g != nil {
			g.Entries = append(g.Entries, e)
		}
	}
	slices.SortFunc(c.orgs, func(a, b *Org) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(c.groups, func(a, b *Group) int { return strings.Compare(string(a.Info.Slug), string(b.Info.Slug)) })
	for t := range tags {
		c.tags = append(c.tags, t)
	}
	slices.Sort(c.tags)
	c.orders = c.sortOrders()
	return c
}

// NewPageCatalog is a catalog without entries, for a page that describes one
// dataset (EntryOf) or one agency: building it costs nothing.
func NewPageCatalog(site *content.Site, base string) *Catalog {
	base = strings.TrimSuffix(base, "/")
	host := base
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return &Catalog{
		Base: base, Site: site, NS: SiteNamespace(host),
		byKey: map[string]*Entry{}, resources: map[string]*Resource{},
		orgByKey: map[string]*Org{}, grpByKey: map[string]*Group{},
	}
}

// EntryOf describes one dataset as the catalog would, its metadata times
// being its front matter's dates. The catalog's lists are left as they are.
func (c *Catalog) EntryOf(d *content.Dataset) *Entry {
	return c.newEntry(d, nil)
}

func (c *Catalog) newEntry(d *content.Dataset, modified func(*content.Dataset) time.Time) *Entry {
	e := &Entry{Dataset: d, ID: datasetUUID(c.NS, d.Path), Name: PackageName(d.Path), License: LicenseOf(d.License)}
	// Titles are compared as CKAN's title_string is, case-folded; here also
	// without diacritics, so "Đất" sorts beside "Dat".
	e.titleKey = content.Fold(d.Title)
	e.Agency, _ = c.Site.Agency(d.Agency)
	if e.Agency != nil {
		e.ownerOrg = agencyUUID(c.NS, e.Agency.Slug)
	}
	e.Modified = d.Updated
	if modified != nil {
		e.Modified = modified(d)
	}
	e.Created = d.Published
	if e.Created.IsZero() || e.Created.After(e.Modified) {
		e.Created = e.Modified
	}
	seen := map[string]bool{}
	for _, t := range d.Tags {
		if n, ok := TagName(t); ok && !seen[n] {
			seen[n] = true
			e.Tags = append(e.Tags, n)
		}
	}
	files := map[string]bool{}
	fmts := map[string]bool{}
	add := func(r *Resource) {
		r.Entry, r.Position = e, len(e.Resources)
		e.Resources = append(e.Resources, r)
		c.resources[r.ID] = r
		if !fmts[r.Format] {
			fmts[r.Format] = true
			e.Formats = append(e.Formats, r.Format)
		}
	}
	for _, t := range d.Tables {
		if !files[t.File] {
			files[t.File] = true
			f := formatOf(t.Format)
			add(&Resource{
				ID: resourceUUID(c.NS, "file:"+t.File), Kind: "file", Table: t,
				Name: path.Base(t.File), URL: c.Base + FilePath(t.File),
				Format: f.CKAN, Media: f.MediaType, EUType: f.EUType,
				Size: t.Size, Hash: t.Hash, Modified: orTime(t.ModTime, e.Modified),
			})
		}
		for _, kind := range [...]string{"csv", "json"} {
			f := formats[kind]
			add(&Resource{
				ID: resourceUUID(c.NS, kind+":"+t.ID), Kind: kind, Table: t,
				Name: t.Title + " (" + f.CKAN + ")", URL: c.Base + DownloadPath(d, t, kind),
				Format: f.CKAN, Media: f.MediaType, EUType: f.EUType,
				Size: -1, Modified: e.Modified,
			})
		}
	}
	return e
}

// orTime is t, or def when t is zero (a file without a time: embedded).
func orTime(t, def time.Time) time.Time {
	if t.IsZero() {
		return def
	}
	return t
}

// FilePath is the URL path of a file of the content folder, each element
// escaped ("so-tai-chinh/x/Bảng giá.xlsx" → "/so-tai-chinh/x/B%E1%BA%A3ng%20gi%C3%A1.xlsx").
func FilePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return "/" + strings.Join(parts, "/")
}

// DownloadPath is the URL path of a table converted to ext ("csv", "json").
func DownloadPath(d *content.Dataset, t *content.Table, ext string) string {
	return "/tai-ve/" + d.Path + "/" + t.Name + "." + ext
}

// PageURL is the absolute address of a dataset's page.
func (c *Catalog) PageURL(d *content.Dataset) string { return c.Base + "/" + d.Path }

// Entry finds a dataset by its id, its name or its content path.
func (c *Catalog) Entry(key string) (*Entry, bool) { e, ok := c.byKey[key]; return e, ok }

// Resource finds a resource by its id.
func (c *Catalog) Resource(id string) (*Resource, bool) { r, ok := c.resources[id]; return r, ok }

// Orgs are the agencies as organizations, by name.
func (c *Catalog) Orgs() []*Org { return c.orgs }

// Org finds an organization by its id, its name or its agency's slug.
func (c *Catalog) Org(key string) (*Org, bool) { o, ok := c.orgByKey[key]; return o, ok }

// Groups are the categories as groups, by name.
func (c *Catalog) Groups() []*Group { return c.groups }

// Group finds a group by its id or name.
func (c *Catalog) Group(key string) (*Group, bool) { g, ok := c.grpByKey[key]; return g, ok }

// Tags are every tag name, sorted.
func (c *Catalog) Tags() []string { return c.tags }

// Ordered returns the entries in a sort order by one key: "id", "name",
// "title", "metadata_modified" or "metadata_created", ascending (the caller
// reverses for descending). Ties are broken by id, so every order is total
// and stable from one request to the next.
func (c *Catalog) Ordered(key string) ([]*Entry, bool) { o, ok := c.orders[key]; return o, ok }

func (c *Catalog) sortOrders() map[string][]*Entry {
	by := func(cmp func(a, b *Entry) int) []*Entry {
		s := slices.Clone(c.Entries) // already by id: SortStableFunc keeps it for ties
		slices.SortStableFunc(s, cmp)
		return s
	}
	return map[string][]*Entry{
		"id":                c.Entries,
		"name":              by(func(a, b *Entry) int { return strings.Compare(a.Name, b.Name) }),
		"title":             by(func(a, b *Entry) int { return strings.Compare(a.titleKey, b.titleKey) }),
		"metadata_modified": by(func(a, b *Entry) int { return a.Modified.Compare(b.Modified) }),
		"metadata_created":  by(func(a, b *Entry) int { return a.Created.Compare(b.Created) }),
	}
}

// CKANTime writes t as CKAN writes dates: naive UTC with microseconds, always
// 26 characters ("2026-02-10T03:04:05.000000"), so dates compare as strings.
func CKANTime(t time.Time) string {
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000")
}

// itoa is strconv.Itoa, short.
func itoa(n int) string { return strconv.Itoa(n) }
