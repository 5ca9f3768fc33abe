package search

import (
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names in the index. Text is indexed twice: exact (accents kept)
// and folded ("_f").
const (
	fTitle     = "title"
	fTitleF    = "title_f"
	fBody      = "body"
	fBodyF     = "body_f"
	fNumber    = "number"   // whole number as one folded token
	fNumberT   = "number_t" // number split into folded words
	fExtra     = "extra"    // signer, tags and places as text
	fExtraF    = "extra_f"
	fContextF  = "context_f" // Document.Context, folded
	fPrefix    = "title_p"   // edge n-grams of folded title words (Suggest)
	fTitleKey  = "title_k"   // whole folded title as one token (Suggest)
	fKind      = "kind"
	fAgency    = "agency"
	fCategory  = "category"
	fPlaces    = "places"
	fPlacesF   = "places_f" // folded place labels, for filters as typed
	fYear      = "year"
	fPublished = "published"
	fURL       = "url"
	fParent    = "parent"
	fMeta      = "meta" // agency, category, published and places, one per line (stored only)
)

// fields turns a Document into the property map the mapping describes.
// Empty values are left out so that facets have no "" bucket.
func (ix *Index) fields(d *Document) map[string]interface{} {
	m := make(map[string]interface{}, 16)
	put := func(k, v string) {
		if v = clean(v); v != "" {
			m[k] = v
		}
	}
	put("title", d.Title)
	put("body", d.Body)
	put("number", d.Number)
	put("kind", d.Kind)
	put("agency", d.Agency)
	put("category", d.Category)
	if !d.Lean {
		put("url", d.URL)
		put("parent", d.Parent)
	}
	if ix.suggest == nil || ix.suggest[d.Kind] {
		put("suggest", d.Title)
	}
	var places []string
	for _, p := range d.Places {
		if p = clean(p); p != "" {
			places = append(places, p)
		}
	}
	if len(places) > 0 {
		m["places"] = places
	}
	extra := make([]string, 0, 1+len(d.Tags)+len(places))
	if s := clean(d.Signer); s != "" {
		extra = append(extra, s)
	}
	for _, t := range d.Tags {
		if t = clean(t); t != "" {
			extra = append(extra, t)
		}
	}
	if d.Context == "" {
		extra = append(extra, places...)
	}
	if len(extra) > 0 {
		m["extra"] = extra
	}
	if c := clean(d.Context); c != "" {
		if len(places) > 0 {
			c += "\n" + strings.Join(places, "\n")
		}
		m["context"] = c
	}
	var pub string
	if !d.Published.IsZero() {
		pub = d.Published.UTC().Format(publishedLayout)
		m["published"] = pub
		m["year"] = strconv.Itoa(d.Published.Year())
	}
	if !d.Lean {
		m["meta"] = strings.Join(append([]string{clean(d.Agency), clean(d.Category), pub}, places...), "\n")
	}
	return m
}

// publishedLayout writes a date as a term whose byte order is time order:
// one term and one doc value per document. bleve's date type would index 16
// prefix-coded terms per document for range queries, which nothing here
// runs (years are their own field).
const publishedLayout = "20060102150405"

// parsePublished reads a publishedLayout term as the number its digits spell
// (20250301120000), which orders like the time itself.
func parsePublished(term []byte) (int64, bool) {
	if len(term) != len(publishedLayout) {
		return 0, false
	}
	var n int64
	for _, c := range term {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// newMapping is the explicit mapping of every field. Nothing is dynamic and
// _all is empty: each query names its fields and analyzer, which avoids the
// trap of a field silently analysed with bleve's standard analyzer.
func newMapping() *mapping.IndexMappingImpl {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = AnalyzerFold
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false

	text := func(name, analyzer string, store, vectors bool) *mapping.FieldMapping {
		fm := bleve.NewTextFieldMapping()
		fm.Name = name
		fm.Analyzer = analyzer
		fm.Store = store
		fm.IncludeTermVectors = vectors // positions: phrases and highlights
		fm.IncludeInAll = false
		fm.DocValues = false
		return fm
	}
	kw := func(name string, store, docValues bool) *mapping.FieldMapping {
		fm := bleve.NewKeywordFieldMapping()
		fm.Name = name
		fm.Analyzer = keyword.Name
		fm.Store = store
		fm.IncludeTermVectors = false
		fm.IncludeInAll = false
		fm.DocValues = docValues // facets and sorting read doc values
		return fm
	}
	storedOnly := func(name string) *mapping.FieldMapping {
		fm := bleve.NewTextFieldMapping()
		fm.Name = name
		fm.Index = false
		fm.Store = true
		fm.IncludeTermVectors = false
		fm.IncludeInAll = false
		fm.DocValues = false
		return fm
	}

	dm := bleve.NewDocumentStaticMapping()
	// The exact title has no term vectors either: the folded title's
	// positions give the bonus for adjacent words, and phrases in it are
	// checked on the stored title (textPhrase).
	dm.AddFieldMappingsAt("title", text(fTitle, AnalyzerExact, true, false), text(fTitleF, AnalyzerFold, false, true))
	// Bodies have no term vectors (a fifth of the index): highlights come
	// from analysing the page's hits again (markHits), quoted phrases from
	// reading the candidates' bodies (textPhrase), and the bonus for
	// adjacent words counts in titles only.
	dm.AddFieldMappingsAt("body", text(fBody, AnalyzerExact, true, false), text(fBodyF, AnalyzerFold, false, false))
	dm.AddFieldMappingsAt("number", text(fNumber, AnalyzerKey, false, false), text(fNumberT, AnalyzerFold, false, true))
	dm.AddFieldMappingsAt("extra", text(fExtra, AnalyzerExact, false, true), text(fExtraF, AnalyzerFold, false, true))
	// Context: folded only, no positions (never in phrases or highlights).
	dm.AddFieldMappingsAt("context", text(fContextF, AnalyzerFold, false, false))
	dm.AddFieldMappingsAt("suggest", text(fPrefix, AnalyzerPrefix, false, false), text(fTitleKey, AnalyzerKey, false, false))
	dm.AddFieldMappingsAt("kind", kw(fKind, true, true))
	// Facet and filter fields are not stored: what a hit shows of them is in
	// meta, which lean documents leave out. (Whether a field is stored must be
	// the same for every document: zap keeps a field's options per segment
	// and a merge keeps only the options all its segments share.)
	dm.AddFieldMappingsAt("agency", kw(fAgency, false, true))
	dm.AddFieldMappingsAt("category", kw(fCategory, false, true))
	dm.AddFieldMappingsAt("places", kw(fPlaces, false, true), text(fPlacesF, AnalyzerKey, false, false))
	dm.AddFieldMappingsAt("year", kw(fYear, false, true))
	dm.AddFieldMappingsAt("published", kw(fPublished, false, true))
	dm.AddFieldMappingsAt("url", storedOnly(fURL))
	dm.AddFieldMappingsAt("parent", storedOnly(fParent))
	dm.AddFieldMappingsAt("meta", storedOnly(fMeta))

	im.DefaultMapping = dm
	return im
}
