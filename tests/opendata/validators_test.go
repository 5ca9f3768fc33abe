package opendata

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestCKANClient: the CKAN JavaScript client (npm "ckan") reads
// package_search, package_show and a table's rows from the binary.
func TestCKANClient(t *testing.T) {
	needNode(t)
	p := start(t, "")
	var out struct {
		Search struct {
			Count   int
			Results []map[string]any
		}
		Show map[string]any
		Rows struct {
			Total  int
			Fields []struct{ ID, Type string }
			Hits   []map[string]any
		}
	}
	if err := json.Unmarshal(node(t, "ckan-client.mjs", p.Base), &out); err != nil {
		t.Fatal(err)
	}
	if out.Search.Count != 11 || len(out.Search.Results) != 5 {
		t.Errorf("package_search: count %d, %d results; want 11 and 5", out.Search.Count, len(out.Search.Results))
	}
	if out.Show["id"] != out.Search.Results[0]["id"] || out.Show["name"] != out.Search.Results[0]["name"] {
		t.Errorf("package_show returned %v, want %v", out.Show["name"], out.Search.Results[0]["name"])
	}
	if out.Rows.Total == 0 || len(out.Rows.Hits) != 3 || len(out.Rows.Fields) < 2 || out.Rows.Fields[0].ID != "_id" || out.Rows.Fields[0].Type != "integer" {
		t.Errorf("datastore query: %+v", out.Rows)
	}
	if out.Rows.Hits[0]["_id"] != float64(2) {
		t.Errorf("rows from offset 1 start at _id %v, want 2", out.Rows.Hits[0]["_id"])
	}
}

// shapeFiles are the vendored DCAT-AP 3.0.1 shapes: the release's SHACL
// (shacl/) and the shapes of its HTML specification (html/shacl/), with the
// controlled vocabularies' and the recommendations' shapes.
func shapeFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(here(), "testdata", "dcat-ap-3.0.1", "*.ttl"))
	if err != nil || len(files) < 8 {
		t.Fatalf("vendored shapes: %v %v", files, err)
	}
	return files
}

type shaclReport struct {
	Triples  int
	Conforms bool
	Results  []struct{ Severity, Message, Focus, Path, Value, Component, Shape string }
}

// TestDCATShapes validates the catalog (first and last page, each format)
// and a dataset's own descriptions against the DCAT-AP 3.0.1 shapes: no
// violation (recommendations are warnings and are logged).
func TestDCATShapes(t *testing.T) {
	needNode(t)
	p := start(t, "")
	dir := t.TempDir()
	shapes := shapeFiles(t)
	urls := map[string]string{}
	for _, f := range []string{"ttl", "jsonld", "rdf"} {
		urls["catalog."+f] = p.Base + "/catalog." + f
		urls["dataset."+f] = p.Base + "/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen." + f
	}
	urls["since.ttl"] = p.Base + "/catalog.ttl?modified_since=2026-01-01&page=1"
	triples := map[string]int{}
	for name, u := range urls {
		t.Run(name, func(t *testing.T) {
			file := fetch(t, u, dir, name)
			var rep shaclReport
			if err := json.Unmarshal(node(t, "shacl.mjs", append([]string{file}, shapes...)...), &rep); err != nil {
				t.Fatal(err)
			}
			warnings := 0
			for _, r := range rep.Results {
				if r.Severity == "Violation" {
					t.Errorf("violation: %s %s = %s (%s, %s)", r.Focus, r.Path, r.Value, r.Message, r.Component)
				} else {
					warnings++
				}
			}
			if rep.Triples < 50 {
				t.Errorf("%d triples", rep.Triples)
			}
			t.Logf("%d triples, %d warnings (recommended properties)", rep.Triples, warnings)
			triples[name] = rep.Triples
		})
	}
	for _, kind := range []string{"catalog", "dataset"} {
		if a, b, c := triples[kind+".ttl"], triples[kind+".jsonld"], triples[kind+".rdf"]; a != b || b != c {
			t.Errorf("%s: %d triples in Turtle, %d in JSON-LD, %d in RDF/XML", kind, a, b, c)
		}
	}
}

// TestRapper parses the Turtle and RDF/XML with Debian's raptor (rapper),
// strictly, counting the same triples.
func TestRapper(t *testing.T) {
	_, err := exec.LookPath("rapper")
	need(t, err == nil, "rapper (apt-get install raptor2-utils)")
	p := start(t, "")
	dir := t.TempDir()
	count := regexp.MustCompile(`returned (\d+) triples`)
	for _, doc := range []string{"/catalog", "/catalog?page=2", "/ubnd-xa-cam-quan/du-toan-chi-ngan-sach-xa-2026"} {
		n := map[string]int{}
		for _, f := range []struct{ ext, parser string }{{"ttl", "turtle"}, {"rdf", "rdfxml"}} {
			path, query, _ := strings.Cut(doc, "?")
			u := p.Base + path + "." + f.ext
			if query != "" {
				u += "?" + query
			}
			file := fetch(t, u, dir, "doc."+f.ext)
			out, err := exec.Command("rapper", "-q", "-i", f.parser, "-c", file).CombinedOutput()
			if err != nil {
				t.Errorf("rapper %s %s: %v\n%s", f.parser, u, err, out)
				continue
			}
			out, _ = exec.Command("rapper", "-i", f.parser, "-c", file).CombinedOutput()
			m := count.FindSubmatch(out)
			if m == nil {
				t.Errorf("rapper %s: %s", u, out)
				continue
			}
			n[f.ext], _ = strconv.Atoi(string(m[1]))
		}
		if n["ttl"] != n["rdf"] || n["ttl"] == 0 {
			t.Errorf("%s: %d triples in Turtle, %d in RDF/XML", doc, n["ttl"], n["rdf"])
		}
	}
}

// TestJSONLDExpands expands the DCAT-AP JSON-LD (its context is inline) and
// the pages' schema.org JSON-LD (against the vendored context) with the
// network refused.
func TestJSONLDExpands(t *testing.T) {
	needNode(t)
	p := start(t, "")
	dir := t.TempDir()
	files := []string{
		fetch(t, p.Base+"/catalog.jsonld", dir, "catalog.jsonld"),
		fetch(t, p.Base+"/so-tai-chinh/du-toan-ngan-sach-2026.jsonld", dir, "dataset.jsonld"),
	}
	pageLD := regexp.MustCompile(`<script type="application/ld\+json">(.*?)</script>`)
	for i, path := range []string{"/so-tai-chinh/du-toan-ngan-sach-2026", "/so-tai-chinh"} {
		_, body := p.Get(t, path)
		m := pageLD.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s has no JSON-LD", path)
		}
		f := filepath.Join(dir, "page"+strconv.Itoa(i)+".jsonld")
		if err := os.WriteFile(f, []byte(m[1]), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	var docs [][]map[string]any
	if err := json.Unmarshal(node(t, "jsonld.mjs", files...), &docs); err != nil {
		t.Fatal(err)
	}
	want := []string{"http://www.w3.org/ns/dcat#Catalog", "http://www.w3.org/ns/dcat#Dataset", "http://schema.org/Dataset", "http://schema.org/GovernmentOrganization"}
	for i, doc := range docs {
		b, _ := json.Marshal(doc)
		if !strings.Contains(string(b), want[i]) {
			t.Errorf("%s expanded without %s: %.300s", files[i], want[i], b)
		}
	}
	ds, _ := json.Marshal(docs[2])
	for _, prop := range []string{"name", "description", "url", "identifier", "keywords", "license", "creator", "publisher", "datePublished",
		"dateModified", "inLanguage", "spatialCoverage", "includedInDataCatalog", "distribution", "contentUrl", "encodingFormat", "contentSize"} {
		if !strings.Contains(string(ds), `"http://schema.org/`+prop+`"`) {
			t.Errorf("the page's Dataset has no schema:%s once expanded", prop)
		}
	}
}

// TestDataPackages validates every demo dataset's datapackage.json with the
// Frictionless library (datapackage-js): the descriptor against its profile,
// then every row of every CSV cast to its schema.
func TestDataPackages(t *testing.T) {
	needNode(t)
	p := start(t, "")
	var urls []string
	for _, n := range packageNames(t, p.Base) {
		urls = append(urls, p.Base+"/tai-ve/"+strings.Replace(n, "--", "/", 1)+"/datapackage.json")
	}
	var out []struct {
		URL       string
		Valid     bool
		Errors    []string
		Resources []struct {
			Name    string
			Tabular bool
			Rows    int
			Errors  []string
		}
	}
	if err := json.Unmarshal(node(t, "datapackage.mjs", urls...), &out); err != nil {
		t.Fatal(err)
	}
	if len(out) != 11 {
		t.Fatalf("%d packages validated, want 11", len(out))
	}
	for _, dp := range out {
		if !dp.Valid || len(dp.Errors) > 0 || len(dp.Resources) == 0 {
			t.Errorf("%s: valid %v, errors %v", dp.URL, dp.Valid, dp.Errors)
		}
		for _, r := range dp.Resources {
			if !r.Tabular || len(r.Errors) > 0 || r.Rows == 0 {
				t.Errorf("%s %s: tabular %v, %d rows, %v", dp.URL, r.Name, r.Tabular, r.Rows, r.Errors)
			}
		}
	}
}

// TestStructuredData runs a structured-data test (structured-data-testing-tool)
// on every dataset page: a schema.org Dataset in JSON-LD with every property
// Google Dataset Search reads.
func TestStructuredData(t *testing.T) {
	needNode(t)
	p := start(t, "")
	dir := t.TempDir()
	var files []string
	for i, n := range packageNames(t, p.Base) {
		files = append(files, fetch(t, p.Base+"/"+strings.Replace(n, "--", "/", 1), dir, "page"+strconv.Itoa(i)+".html"))
	}
	var out []struct {
		File    string
		Schemas []string
		Passed  int
		Failed  []string
	}
	if err := json.Unmarshal(node(t, "structured.mjs", files...), &out); err != nil {
		t.Fatal(err)
	}
	for _, r := range out {
		if len(r.Failed) > 0 || r.Passed < 19 || len(r.Schemas) == 0 || r.Schemas[0] != "Dataset" {
			t.Errorf("%s: schemas %v, %d passed, failed %v", r.File, r.Schemas, r.Passed, r.Failed)
		}
	}
}
