package server

// Open data for harvesters, search engines and analysts (package opendata):
// the CKAN Action API 3 (opendata_ckan.go), DCAT-AP 3 and Data Package
// (opendata_rdf.go), and the schema.org JSON-LD of pages (opendata_pages.go).
// This file holds the routes and the catalog each of them reads.

import (
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/opendata"
	"github.com/congkhai/congkhai/portal"
)

// openData is the open-data side of the server: the catalog of the current
// snapshot per public address, and when each dataset's metadata last changed.
type openData struct {
	s *Server

	mu      sync.Mutex
	gen     uint64                       // the snapshot mods and cats describe
	started bool                         // gen is set
	mods    map[string]modRecord         // by dataset path
	cats    map[string]*opendata.Catalog // by base URL, for gen
	answers map[string][]byte            // encoded DCAT pages and Data Packages by base URL and request, for gen
	last    string                       // the base URL last asked for, to build ahead
}

// modRecord is what was seen of a dataset and when its metadata changed.
type modRecord struct {
	sig string    // index.md's hash and every table's name, file and hash
	mod time.Time // metadata_modified
}

// openDataRoutes declares the open-data routes and returns the state the
// content-path route wraps (datasetRDF).
func (s *Server) openDataRoutes() *openData {
	o := &openData{s: s, mods: map[string]modRecord{}, cats: map[string]*opendata.Catalog{}, answers: map[string][]byte{}}
	e := s.e
	for _, prefix := range []string{"/api/3/action/", "/api/action/"} {
		e.GET(prefix+":action", o.ckanAction)
		e.POST(prefix+":action", o.ckanAction)
		e.OPTIONS(prefix+":action", ckanPreflight)
	}
	e.GET("/api/3", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]int{"version": 3}) })
	for _, f := range rdfFormats {
		e.GET("/catalog."+f.ext, o.catalogRDF)
	}
	e.GET("/tai-ve/:agency/:dataset/datapackage.json", o.dataPackage)
	// Build the catalog ahead: now when the public address is configured,
	// and after each change for the address last asked for, so that a
	// harvester's first request does not wait for it.
	if snap := s.deps.Portal.Snapshot(); snap != nil {
		if base := s.deps.BaseURL; base != "" || snap.Site.Config.BaseURL != "" {
			if base == "" {
				base = strings.TrimSuffix(snap.Site.Config.BaseURL, "/")
			}
			go o.catalogFor(base, snap)
		}
	}
	s.deps.Portal.OnChange(func(_, cur *portal.Snapshot) {
		o.mu.Lock()
		base := o.last
		o.mu.Unlock()
		if base != "" {
			go o.catalogFor(base, cur)
		}
	})
	return o
}

// catalog returns the catalog of the request's snapshot at its public address.
func (o *openData) catalog(c echo.Context) (*opendata.Catalog, *portal.Snapshot) {
	snap := o.s.deps.Portal.Snapshot()
	return o.catalogFor(o.s.baseURL(c, snap), snap), snap
}

// catalogFor builds (once per snapshot and address) the catalog.
func (o *openData) catalogFor(base string, snap *portal.Snapshot) *opendata.Catalog {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.last = base
	if o.started && snap.Gen < o.gen {
		// An older snapshot, still held by a request: build it apart.
		return opendata.NewCatalog(snap.Site, opendata.Options{Base: base, Modified: o.modifiedFunc()})
	}
	if !o.started || snap.Gen != o.gen {
		o.track(snap)
		o.gen, o.started = snap.Gen, true
		clear(o.cats)
		clear(o.answers)
	}
	if cat, ok := o.cats[base]; ok {
		return cat
	}
	if len(o.cats) >= 4 { // a few addresses at most: the configured one, or Host headers
		clear(o.cats)
	}
	cat := opendata.NewCatalog(snap.Site, opendata.Options{Base: base, Modified: o.modifiedFunc()})
	o.cats[base] = cat
	return cat
}

// maxAnswers bounds the encoded answers kept per snapshot (pages of the
// catalog, datasets' RDF and Data Packages): when full, it starts over.
const maxAnswers = 1024

// answer returns the encoded answer of key for the snapshot gen, building
// it with build once per snapshot.
func (o *openData) answer(gen uint64, key string, build func() ([]byte, error)) ([]byte, error) {
	o.mu.Lock()
	b, ok := o.answers[key]
	fresh := o.gen == gen
	o.mu.Unlock()
	if ok && fresh {
		return b, nil
	}
	b, err := build()
	if err != nil {
		return nil, err
	}
	o.mu.Lock()
	if o.gen == gen {
		if len(o.answers) >= maxAnswers {
			clear(o.answers)
		}
		o.answers[key] = b
	}
	o.mu.Unlock()
	return b, nil
}

func (o *openData) modifiedFunc() func(*content.Dataset) time.Time {
	mods := o.mods
	return func(d *content.Dataset) time.Time {
		if r, ok := mods[d.Path]; ok {
			return r.mod
		}
		return d.Updated
	}
}

// track updates when each dataset's metadata last changed, for a new
// snapshot (o.mu held).
//
// A dataset's metadata_modified is the newest of its front matter's dates
// (updated, else published; never later than now), the modification times
// of its index.md, its folder (a table file added, renamed or removed) and
// its table files — which survive restarts and rebuilds with no state of
// the portal's own — and, while the portal runs, the time it saw the
// dataset's content change: when index.md's hash or a table's file, name or
// hash differs from the last snapshot but no time moved forward (a file put
// back with its old modification time, as cp -p, rsync -t or an unpacked
// archive do), the change is dated when the portal loaded it. A file that is
// touched without changing dates the dataset too: a harvester then fetches
// it again for nothing, which is harmless.
func (o *openData) track(snap *portal.Snapshot) {
	now := o.s.now()
	fsys := o.s.deps.Portal.Content()
	seen := make(map[string]bool, len(snap.Site.Datasets))
	for _, d := range snap.Site.Datasets {
		seen[d.Path] = true
		sig := datasetSignature(d)
		prev, ok := o.mods[d.Path]
		if ok && prev.sig == sig {
			continue
		}
		mod := filesTime(fsys, d)
		if u := d.Updated; u.After(mod) && !u.After(now) {
			mod = u
		}
		if ok && !mod.After(prev.mod) {
			mod = now
		}
		o.mods[d.Path] = modRecord{sig: sig, mod: mod}
	}
	for p := range o.mods {
		if !seen[p] {
			delete(o.mods, p)
		}
	}
}

// datasetSignature changes whenever what a dataset publishes does.
func datasetSignature(d *content.Dataset) string {
	var b strings.Builder
	b.WriteString(d.Hash)
	for _, t := range d.Tables {
		b.WriteString("\x00" + t.Name + "\x00" + t.ID + "\x00" + t.Hash)
	}
	return b.String()
}

// filesTime is the newest modification time of a dataset's index.md, folder
// and table files; zero for files without one (the embedded demo).
func filesTime(fsys fs.FS, d *content.Dataset) time.Time {
	var t time.Time
	later := func(u time.Time) {
		if u.After(t) {
			t = u
		}
	}
	if fsys != nil {
		for _, p := range []string{d.IndexSource, path.Dir(d.IndexSource)} {
			if info, err := fs.Stat(fsys, p); err == nil {
				later(info.ModTime())
			}
		}
	}
	for _, tb := range d.Tables {
		later(tb.ModTime)
	}
	return t
}
