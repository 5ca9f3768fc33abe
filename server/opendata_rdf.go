package server

// DCAT-AP 3 in Turtle, JSON-LD and RDF/XML: the catalog, paged
// (/catalog.ttl?page=N&modified_since=…), and each dataset
// (/<agency>/<dataset>.ttl); the Data Package of each dataset beside its
// downloads (/tai-ve/<agency>/<dataset>/datapackage.json).

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/opendata"
)

type rdfFormat struct{ ext, media string }

var rdfFormats = []rdfFormat{
	{"ttl", opendata.MediaTurtle},
	{"jsonld", opendata.MediaJSONLD},
	{"rdf", opendata.MediaRDFXML},
}

func rdfFormatOf(name string) (rdfFormat, string, bool) {
	for _, f := range rdfFormats {
		if base, ok := strings.CutSuffix(name, "."+f.ext); ok {
			return f, base, true
		}
	}
	return rdfFormat{}, "", false
}

// catalogPerPage is the datasets per catalog page (ckanext-dcat's default).
const catalogPerPage = 100

// catalogRDF serves a page of the catalog: ?page=N (1-based, 100 datasets
// each in CKAN's "id asc" order, so pages never repeat a dataset and a page
// past the end is empty) and ?modified_since=<ISO date or date-time> (the
// datasets whose metadata changed since).
func (o *openData) catalogRDF(c echo.Context) error {
	f, _, _ := rdfFormatOf(c.Request().URL.Path)
	cat, snap := o.catalog(c)
	q := c.QueryParams()
	pg := 1
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1<<20 {
			return echo.NewHTTPError(http.StatusBadRequest, "page must be a whole number from 1")
		}
		pg = n
	}
	var since time.Time
	if s := q.Get("modified_since"); s != "" {
		t, err := parseSince(s)
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, "modified_since: "+err.Error())
		}
		since = t
	}
	key := cat.Base + "\x00catalog\x00" + f.ext + "\x00" + strconv.Itoa(pg) + "\x00" + q.Get("modified_since")
	body, err := o.answer(snap.Gen, key, func() ([]byte, error) {
		entries := cat.Entries
		if !since.IsZero() {
			entries = nil
			for _, e := range cat.Entries {
				if !e.Modified.Before(since) {
					entries = append(entries, e)
				}
			}
		}
		pageURL := func(n int) string {
			v := url.Values{}
			if !since.IsZero() {
				v.Set("modified_since", q.Get("modified_since"))
			}
			v.Set("page", strconv.Itoa(n))
			return cat.Base + "/catalog." + f.ext + "?" + v.Encode()
		}
		from := min(len(entries), (pg-1)*catalogPerPage)
		g := cat.CatalogGraph(opendata.CatalogPage{
			Entries: entries[from:min(len(entries), from+catalogPerPage)], Page: pg, PerPage: catalogPerPage, Total: len(entries),
			SelfURL: pageURL(pg), PageURL: pageURL,
		})
		return encodeGraph(g, f)
	})
	if err != nil {
		return err
	}
	return writeRDF(c, body, f)
}

// parseSince reads modified_since: a date, or a date-time with or without a
// zone (UTC without one, as CKAN writes them).
func parseSince(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not an ISO 8601 date")
}

func encodeGraph(g *opendata.Graph, f rdfFormat) ([]byte, error) {
	var b bytes.Buffer
	if err := g.Write(&b, f.ext); err != nil {
		return nil, fmt.Errorf("server: %s graph: %w", f.ext, err)
	}
	return b.Bytes(), nil
}

func writeRDF(c echo.Context, body []byte, f rdfFormat) error {
	c.Response().Header().Set("Access-Control-Allow-Origin", "*")
	return newCachedPage(body, f.media).write(c, http.StatusOK)
}

// datasetRDF wraps the content-path route: /<agency>/<dataset>.ttl, .jsonld
// and .rdf are a dataset's DCAT-AP description unless the content folder
// has something at that path (a file named so in the agency folder wins, as
// every content path does).
func (o *openData) datasetRDF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		rest := c.Param("*")
		f, name, ok := rdfFormatOf(rest)
		if !ok || strings.Contains(name, "/") {
			return next(c)
		}
		p := c.Param("agency") + "/" + name
		snap := o.s.deps.Portal.Snapshot()
		if _, taken := snap.Site.Files[c.Param("agency")+"/"+rest]; taken {
			return next(c)
		}
		if n, _ := snap.Lookup(c.Param("agency") + "/" + rest); n != nil {
			return next(c)
		}
		cat := o.catalogFor(o.s.baseURL(c, snap), snap)
		e, ok := cat.Entry(p)
		if !ok || e.Dataset.Path != p {
			return next(c)
		}
		body, err := o.answer(snap.Gen, cat.Base+"\x00dataset\x00"+f.ext+"\x00"+p, func() ([]byte, error) {
			return encodeGraph(cat.DatasetGraph(e), f)
		})
		if err != nil {
			return err
		}
		return writeRDF(c, body, f)
	}
}

// dataPackage serves a dataset's Data Package descriptor, built once per
// content change and public address (it reads every row of its tables once,
// to type each column as the CSV writes it).
func (o *openData) dataPackage(c echo.Context) error {
	cat, snap := o.catalog(c)
	p := c.Param("agency") + "/" + c.Param("dataset")
	e, ok := cat.Entry(p)
	if !ok || e.Dataset.Path != p {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	body, err := o.answer(snap.Gen, cat.Base+"\x00datapackage\x00"+p, func() ([]byte, error) {
		doc, err := cat.DataPackage(c.Request().Context(), e)
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			return nil, fmt.Errorf("server: datapackage: %w", err)
		}
		return b.Bytes(), nil
	})
	if errors.Is(err, content.ErrStale) {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "the dataset is being updated")
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set("Access-Control-Allow-Origin", "*")
	return newCachedPage(body, echo.MIMEApplicationJSON).write(c, http.StatusOK)
}
