package opendata

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/congkhai/congkhai/content"
)

// The DCAT-AP 3 graphs. IRIs are the portal's addresses with a fragment for
// what is not a page: the catalog is <base/#catalog>, a dataset
// <base/agency/slug#dataset> (its page is its landing page), its catalog
// record <…#record>, a distribution <…#resource-UUID> (the CKAN resource's
// id), an agency <base/agency#agency> with its contact point <…#contact>, a
// category <base/danh-muc/slug>, a place <base/dia-ban/slug>. Formats,
// media types, languages, licences, frequencies and themes are the IRIs of
// the EU and IANA vocabularies.

// CatalogPage is a page of the catalog: PerPage datasets from Entries, in
// CKAN's "id asc" order, with hydra paging links.
type CatalogPage struct {
	Entries []*Entry // the page's datasets
	Page    int      // 1-based
	PerPage int
	Total   int // datasets over all pages
	// SelfURL is the page's address; PageURL(n) the address of page n.
	SelfURL string
	PageURL func(n int) string
}

// CatalogGraph is the graph of a page of the catalog: the catalog, the
// page's datasets in full, and the hydra paging of the collection.
func (c *Catalog) CatalogGraph(p CatalogPage) *Graph {
	g := &Graph{}
	cat := IRI(c.Base + "/#catalog")
	g.Add(cat, "rdf:type", Q("dcat:Catalog"))
	cfg := c.Site.Config
	g.Add(cat, "dct:title", LangLit(cfg.Title, "vi"))
	if cfg.TitleEN != "" {
		g.Add(cat, "dct:title", LangLit(cfg.TitleEN, "en"))
	}
	desc := cfg.Description
	if desc == "" {
		desc = cfg.Title
	}
	g.Add(cat, "dct:description", LangLit(desc, "vi"))
	g.Add(cat, "dct:publisher", c.catalogPublisher(g))
	home := IRI(c.Base + "/")
	g.Add(cat, "foaf:homepage", home)
	g.Add(home, "rdf:type", Q("foaf:Document"))
	g.Add(cat, "dct:language", c.language(g))
	g.Add(cat, "dct:spatial", c.country(g))
	if !c.Modified.IsZero() {
		g.Add(cat, "dct:modified", dateTime(c.Modified))
	}
	g.Add(cat, "dct:issued", dateTime(c.issued()))
	g.Add(cat, "dcat:themeTaxonomy", c.categoryScheme(g))
	g.Add(cat, "dcat:themeTaxonomy", euThemeScheme(g))
	for _, e := range p.Entries {
		ds := c.datasetIRI(e)
		g.Add(cat, "dcat:dataset", ds)
		g.Add(cat, "dcat:record", c.recordIRI(e))
	}
	for _, e := range p.Entries {
		c.addDataset(g, e)
	}
	if p.PageURL != nil {
		view := IRI(p.SelfURL)
		g.Add(view, "rdf:type", Q("hydra:PartialCollectionView"))
		g.Add(view, "rdf:type", Q("hydra:PagedCollection"))
		g.Add(view, "hydra:totalItems", Typed(strconv.Itoa(p.Total), "xsd:nonNegativeInteger"))
		g.Add(view, "hydra:itemsPerPage", Typed(strconv.Itoa(p.PerPage), "xsd:nonNegativeInteger"))
		last := max(1, (p.Total+p.PerPage-1)/p.PerPage)
		link := func(short, long string, n int) {
			g.Add(view, "hydra:"+short, IRI(p.PageURL(n)))
			g.Add(view, "hydra:"+long, IRI(p.PageURL(n)))
		}
		link("first", "firstPage", 1)
		link("last", "lastPage", last)
		if p.Page > 1 {
			link("previous", "previousPage", min(p.Page-1, last))
		}
		if p.Page < last {
			link("next", "nextPage", p.Page+1)
		}
	}
	return g
}

// DatasetGraph is the graph of one dataset: the dataset, its catalog record,
// distributions, publisher, contact point, themes and places.
func (c *Catalog) DatasetGraph(e *Entry) *Graph {
	g := &Graph{}
	c.addDataset(g, e)
	return g
}

func (c *Catalog) datasetIRI(e *Entry) Term { return IRI(c.PageURL(e.Dataset) + "#dataset") }
func (c *Catalog) recordIRI(e *Entry) Term  { return IRI(c.PageURL(e.Dataset) + "#record") }

func (c *Catalog) addDataset(g *Graph, e *Entry) {
	d := e.Dataset
	ds := c.datasetIRI(e)
	g.Add(ds, "rdf:type", Q("dcat:Dataset"))
	// The class a catalog record's primary topic must have, stated: SHACL
	// validators do not infer it from dcat:Dataset.
	g.Add(ds, "rdf:type", Q("dcat:Resource"))
	g.Add(ds, "dct:title", LangLit(d.Title, "vi"))
	g.Add(ds, "dct:description", LangLit(describe(c, e), "vi"))
	g.Add(ds, "dct:identifier", Lit(e.ID))
	page := IRI(c.PageURL(d))
	g.Add(ds, "dcat:landingPage", page)
	g.Add(page, "rdf:type", Q("foaf:Document"))
	if a := e.Agency; a != nil {
		g.Add(ds, "dct:publisher", c.agent(g, a))
		g.Add(ds, "dcat:contactPoint", c.contact(g, a))
	}
	if d.Source != "" {
		g.Add(ds, "dct:creator", c.sourceAgent(g, e))
	}
	for _, t := range d.Tags {
		g.Add(ds, "dcat:keyword", LangLit(t, "vi"))
	}
	if ci, ok := d.Category.Info(); ok {
		g.Add(ds, "dcat:theme", c.category(g, ci))
		if code := categoryThemes[d.Category]; code != "" {
			g.Add(ds, "dcat:theme", euThemeConcept(g, code))
		}
	}
	for _, pl := range c.places(g, d.Places) {
		g.Add(ds, "dct:spatial", pl)
	}
	if !d.PeriodStart.IsZero() || !d.PeriodEnd.IsZero() {
		t := g.BNode()
		g.Add(ds, "dct:temporal", t)
		g.Add(t, "rdf:type", Q("dct:PeriodOfTime"))
		g.Add(t, "dcat:startDate", date(d.PeriodStart))
		g.Add(t, "dcat:endDate", date(d.PeriodEnd))
	}
	g.Add(ds, "dct:issued", date(d.Published))
	g.Add(ds, "dct:modified", date(d.Updated))
	g.Add(ds, "dct:language", c.language(g))
	if code := frequencyOf(d.Frequency); code != "" {
		f := authority(g, euFreq+code)
		g.Add(ds, "dct:accrualPeriodicity", f)
		g.Add(f, "rdf:type", Q("dct:Frequency"))
	}
	for _, r := range e.Resources {
		g.Add(ds, "dcat:distribution", c.distribution(g, e, r))
	}
	rec := c.recordIRI(e)
	g.Add(rec, "rdf:type", Q("dcat:CatalogRecord"))
	g.Add(rec, "foaf:primaryTopic", ds)
	g.Add(rec, "dct:identifier", Lit(e.ID))
	g.Add(rec, "dct:issued", dateTime(e.Created))
	g.Add(rec, "dct:modified", dateTime(e.Modified))
	ap := IRI("http://data.europa.eu/r5r/")
	g.Add(rec, "dct:conformsTo", ap)
	g.Add(ap, "rdf:type", Q("dct:Standard"))
}

// describe is a dataset's description: its text, else its summary, else its
// title with its agency (DCAT-AP requires one).
func describe(c *Catalog, e *Entry) string {
	if n := notes(e.Dataset); n != "" {
		return n
	}
	s := e.Dataset.Title
	if e.Agency != nil {
		s += " – " + e.Agency.Name
	}
	return s
}

func (c *Catalog) distribution(g *Graph, e *Entry, r *Resource) Term {
	d := e.Dataset
	dist := IRI(c.PageURL(d) + "#resource-" + r.ID)
	g.Add(dist, "rdf:type", Q("dcat:Distribution"))
	g.Add(dist, "dct:title", LangLit(r.Name, "vi"))
	g.Add(dist, "dct:description", LangLit(resourceDescription(r), "vi"))
	q := url.Values{"bang": {r.Table.Name}}
	g.Add(dist, "dcat:accessURL", IRI(c.PageURL(d)+"?"+q.Encode()))
	g.Add(dist, "dcat:downloadURL", IRI(r.URL))
	f := authority(g, euFileType+r.EUType)
	g.Add(dist, "dct:format", f)
	g.Add(f, "rdf:type", Q("dct:MediaTypeOrExtent"))
	mt := IRI(ianaMedia + r.Media)
	g.Add(dist, "dcat:mediaType", mt)
	g.Add(mt, "rdf:type", Q("dct:MediaType"))
	g.Add(dist, "dct:license", c.license(g, e.License))
	g.Add(dist, "dct:language", c.language(g))
	g.Add(dist, "dct:issued", dateTime(e.Created))
	if !r.Modified.IsZero() {
		g.Add(dist, "dct:modified", dateTime(r.Modified))
	}
	if r.Size >= 0 {
		g.Add(dist, "dcat:byteSize", Typed(strconv.FormatInt(r.Size, 10), "xsd:nonNegativeInteger"))
	}
	if r.Hash != "" {
		sum := g.BNode()
		g.Add(dist, "spdx:checksum", sum)
		g.Add(sum, "rdf:type", Q("spdx:Checksum"))
		// The https form: DCAT-AP 3.0.1's vocabulary shape asks for it (the
		// SPDX 2 ontology's own IRIs are http).
		alg := IRI("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")
		g.Add(sum, "spdx:algorithm", alg)
		g.Add(alg, "rdf:type", Q("spdx:ChecksumAlgorithm"))
		g.Add(sum, "spdx:checksumValue", Typed(r.Hash, "xsd:hexBinary"))
	}
	return dist
}

func (c *Catalog) license(g *Graph, l License) Term {
	var t Term
	switch {
	case l.EU != "":
		t = IRI(l.EU)
	case l.Legal != "":
		t = IRI(l.Legal)
	default:
		t = IRI(c.Base + "/#license-" + Slug(l.Title))
		g.Add(t, "rdfs:label", LangLit(l.Title, "vi"))
	}
	g.Add(t, "rdf:type", Q("dct:LicenseDocument"))
	return t
}

// Slug is content.Slugify, or "x" for text without a letter or digit.
func Slug(s string) string {
	if v := content.Slugify(s); v != "" {
		return v
	}
	return "x"
}

func (c *Catalog) language(g *Graph) Term {
	l := authority(g, euLanguage+"VIE")
	g.Add(l, "rdf:type", Q("dct:LinguisticSystem"))
	return l
}

func (c *Catalog) country(g *Graph) Term {
	v := authority(g, euCountry+"VNM")
	g.Add(v, "rdf:type", Q("dct:Location"))
	return v
}

// agent is an agency as a foaf:Agent.
func (c *Catalog) agent(g *Graph, a *content.Agency) Term {
	t := IRI(c.Base + "/" + a.Slug + "#agency")
	g.Add(t, "rdf:type", Q("foaf:Agent"))
	g.Add(t, "rdf:type", Q("foaf:Organization"))
	g.Add(t, "foaf:name", LangLit(a.Name, "vi"))
	return t
}

// sourceAgent is the producer a dataset names in source: as written, under
// its dataset's address (it is text, not a known agency).
func (c *Catalog) sourceAgent(g *Graph, e *Entry) Term {
	t := IRI(c.PageURL(e.Dataset) + "#source")
	g.Add(t, "rdf:type", Q("foaf:Agent"))
	g.Add(t, "foaf:name", LangLit(e.Dataset.Source, "vi"))
	return t
}

// catalogPublisher is the province's own agency (the first of kind
// "province"), else the portal itself.
func (c *Catalog) catalogPublisher(g *Graph) Term {
	for _, a := range c.Site.Agencies {
		if a.Kind == "province" {
			return c.agent(g, a)
		}
	}
	t := IRI(c.Base + "/#publisher")
	g.Add(t, "rdf:type", Q("foaf:Agent"))
	g.Add(t, "foaf:name", LangLit(c.Site.Config.Title, "vi"))
	return t
}

func (c *Catalog) contact(g *Graph, a *content.Agency) Term {
	t := IRI(c.Base + "/" + a.Slug + "#contact")
	g.Add(t, "rdf:type", Q("vcard:Kind"))
	g.Add(t, "rdf:type", Q("vcard:Organization"))
	g.Add(t, "vcard:fn", LangLit(a.Name, "vi"))
	if a.Email != "" {
		g.Add(t, "vcard:hasEmail", IRI("mailto:"+a.Email))
	}
	if a.Phone != "" {
		g.Add(t, "vcard:hasTelephone", IRI("tel:"+telDigits(a.Phone)))
	}
	if a.Website != "" {
		g.Add(t, "vcard:hasURL", IRI(a.Website))
	} else {
		g.Add(t, "vcard:hasURL", IRI(c.Base+"/"+a.Slug))
	}
	if a.Address != "" {
		adr := g.BNode()
		g.Add(t, "vcard:hasAddress", adr)
		g.Add(adr, "rdf:type", Q("vcard:Address"))
		g.Add(adr, "vcard:street-address", LangLit(a.Address, "vi"))
		g.Add(adr, "vcard:country-name", LangLit("Việt Nam", "vi"))
	}
	return t
}

// telDigits keeps the digits and a leading + of a telephone number.
func telDigits(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' || s[i] == '+' && len(b) == 0 {
			b = append(b, s[i])
		}
	}
	return string(b)
}

func (c *Catalog) categoryScheme(g *Graph) Term {
	s := IRI(c.Base + "/danh-muc")
	g.Add(s, "rdf:type", Q("skos:ConceptScheme"))
	g.Add(s, "dct:title", LangLit("Danh mục công khai", "vi"))
	g.Add(s, "dct:title", LangLit("Categories of disclosure", "en"))
	return s
}

func (c *Catalog) category(g *Graph, ci content.CategoryInfo) Term {
	t := IRI(c.Base + "/danh-muc/" + string(ci.Slug))
	g.Add(t, "rdf:type", Q("skos:Concept"))
	g.Add(t, "skos:prefLabel", LangLit(ci.NameVI, "vi"))
	g.Add(t, "skos:prefLabel", LangLit(ci.NameEN, "en"))
	g.Add(t, "skos:inScheme", c.categoryScheme(g))
	return t
}

var euThemeLabels = map[string]string{
	"ECON": "Economy and finance",
	"REGI": "Regions and cities",
	"GOVE": "Government and public sector",
}

func euThemeConcept(g *Graph, code string) Term {
	t := authority(g, euTheme+code)
	g.Add(t, "rdf:type", Q("skos:Concept"))
	g.Add(t, "skos:prefLabel", LangLit(euThemeLabels[code], "en"))
	euThemeScheme(g)
	return t
}

func euThemeScheme(g *Graph) Term {
	scheme := IRI(strings.TrimSuffix(euTheme, "/"))
	g.Add(scheme, "rdf:type", Q("skos:ConceptScheme"))
	g.Add(scheme, "dct:title", LangLit("Data theme", "en"))
	return scheme
}

// issued is when the catalog's first dataset was created.
func (c *Catalog) issued() time.Time {
	var t time.Time
	for _, e := range c.Entries {
		if t.IsZero() || e.Created.Before(t) {
			t = e.Created
		}
	}
	return t
}

// authority is a concept of an EU authority table ("…/authority/language/VIE")
// stated in its table (skos:inScheme "…/authority/language"), as the tables
// themselves say: a validator then needs not load them.
func authority(g *Graph, iri string) Term {
	t := IRI(iri)
	g.Add(t, "skos:inScheme", IRI(iri[:strings.LastIndexByte(iri, '/')]))
	return t
}

// places are a dataset's places as dct:Location nodes: the most specific
// named level of each, at its page on the portal.
func (c *Catalog) places(g *Graph, ps []content.Place) []Term {
	var out []Term
	for _, p := range ps {
		name := p.Commune
		if name == "" {
			name = p.District
		}
		if name == "" {
			name = p.Province
		}
		slug := content.Slugify(name)
		if slug == "" {
			continue
		}
		t := IRI(c.Base + "/dia-ban/" + slug)
		g.Add(t, "rdf:type", Q("dct:Location"))
		g.Add(t, "skos:prefLabel", LangLit(name, "vi"))
		g.Add(t, "locn:geographicName", LangLit(p.Label(), "vi"))
		out = append(out, t)
	}
	return out
}

func date(t time.Time) Term {
	if t.IsZero() {
		return Term{}
	}
	return Typed(local(t).Format("2006-01-02"), "xsd:date")
}

func dateTime(t time.Time) Term {
	if t.IsZero() {
		return Term{}
	}
	return Typed(t.UTC().Format("2006-01-02T15:04:05.999999Z"), "xsd:dateTime")
}
