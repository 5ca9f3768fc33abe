package opendata

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestWritersEscape(t *testing.T) {
	g := &Graph{}
	s := IRI("https://x.example/a b#c")
	g.Add(s, "rdf:type", Q("dcat:Dataset"))
	g.Add(s, "dct:title", LangLit("Tên \"có\" ngoặc\nvà dòng mới \\ <b>&", "vi"))
	g.Add(s, "dct:description", Lit("\x0bcontrol"))
	g.Add(s, "dct:issued", Typed("2026-01-02", "xsd:date"))
	g.Add(s, "dct:title", Lit("")) // left out
	b := g.BNode()
	g.Add(s, "spdx:checksum", b)
	g.Add(b, "spdx:checksumValue", Typed("ab01", "xsd:hexBinary"))
	tests := []struct {
		format string
		want   []string
	}{
		{"ttl", []string{`<https://x.example/a\u0020b#c> a dcat:Dataset`, `"Tên \"có\" ngoặc\nvà dòng mới \\ <b>&"@vi`, `"\u000Bcontrol"`, `"2026-01-02"^^xsd:date`, `spdx:checksum _:b1`}},
		{"rdf", []string{`rdf:about="https://x.example/a b#c"`, `<dct:title xml:lang="vi">Tên &#34;có&#34; ngoặc&#xA;và dòng mới \ &lt;b&gt;&amp;</dct:title>`, `<dct:description>control</dct:description>`, `rdf:nodeID="b1"`}},
		{"jsonld", []string{`"@type":["dcat:Dataset"]`, `"dct:issued":[{"@type":"xsd:date","@value":"2026-01-02"}]`, `"@id":"_:b1"`}},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := g.Write(&buf, tt.format); err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(buf.String(), w) {
				t.Errorf("%s: missing %s in\n%s", tt.format, w, buf.String())
			}
		}
		if strings.Contains(buf.String(), `dct:title ""`) {
			t.Errorf("%s: an empty literal was written", tt.format)
		}
	}
	var doc map[string]any
	var buf bytes.Buffer
	g.WriteJSONLD(&buf)
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Errorf("JSON-LD is not JSON: %v", err)
	}
}

// golden compares got with testdata/golden/name (rewritten with -update).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./opendata -update)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s\n(run go test ./opendata -update and review the diff)", name, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s differs in length (run go test ./opendata -update and review the diff)", name)
	}
}

func indent(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestGolden keeps the demo's descriptions as reviewed: the catalog in the
// three RDF formats, a package, a Data Package and a schema.org Dataset.
func TestGolden(t *testing.T) {
	c := demoCatalog(t)
	page := func(f string) CatalogPage {
		u := func(n int) string { return testBase + "/catalog." + f + "?page=" + itoa(n) }
		return CatalogPage{Entries: c.Entries[:2], Page: 1, PerPage: 2, Total: len(c.Entries), SelfURL: u(1), PageURL: u}
	}
	for _, f := range []string{"ttl", "jsonld", "rdf"} {
		var b bytes.Buffer
		if err := c.CatalogGraph(page(f)).Write(&b, f); err != nil {
			t.Fatal(err)
		}
		golden(t, "catalog."+f, b.Bytes())
	}
	e, _ := c.Entry("so-tai-chinh/du-toan-ngan-sach-2026")
	golden(t, "package.json", indent(t, c.Package(e)))
	dp, err := c.DataPackage(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "datapackage.json", indent(t, dp))
	golden(t, "schema-dataset.json", indent(t, c.SchemaDataset(e)))
	a, _ := c.Site.Agency("so-tai-chinh")
	golden(t, "schema-agency.json", indent(t, c.SchemaAgency(a)))
}
