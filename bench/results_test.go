package main

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/congkhai/congkhai/bench/load"
)

// The results file has every required figure, measured or marked not yet
// measured, with names in the Markdown table, and a well-formed plot.
func TestResultsHaveEveryFigure(t *testing.T) {
	r := &Results{Mode: "quick", Raw: map[string]any{}}
	r.add("search_p50", 3.2, "ms", f64(9.6), "PostgreSQL", false, "≤ 5 ms", boolp(true), "")
	r.add("page_home", 900, "req/s", f64(1800), "nginx", true, "≥ 50%", boolp(true), "")
	r.add("search_floor", 0.9, "ms", nil, "", false, "", nil, "p99 13 ms")
	r.skip("rss_capped", "no memory cgroup could be made: read-only")
	r.skip("feedback_postgres", "no PostgreSQL")
	r.Scaling = []ScalePoint{
		{Notices: 1000, RSSMB: 60, HWMMB: 70, IndexMB: 13, Search: load.Summary{P50: 2, P99: 9}},
		{Notices: 5000, RSSMB: 160, HWMMB: 170, IndexMB: 63, Search: load.Summary{P50: 5, P99: 40}},
	}
	dir := t.TempDir()
	if err := r.write(dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got Results
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	ids := map[string]Figure{}
	for _, f := range got.Figures {
		ids[f.ID] = f
	}
	md, _ := os.ReadFile(filepath.Join(dir, "results.md"))
	for _, id := range RequiredFigures {
		f, ok := ids[id]
		if !ok {
			t.Errorf("figure %s missing from results.json", id)
			continue
		}
		if f.Name == "" || figureNames[id] == "" {
			t.Errorf("figure %s has no name", id)
		}
		if f.Value == nil && !strings.HasPrefix(f.Note, "NOT YET MEASURED") {
			t.Errorf("figure %s neither measured nor marked: %+v", id, f)
		}
		if !strings.Contains(string(md), f.Name) {
			t.Errorf("figure %s missing from results.md", id)
		}
	}
	if len(got.Figures) != len(RequiredFigures) {
		t.Errorf("%d figures, want %d", len(got.Figures), len(RequiredFigures))
	}
	// The floor and the capped run are required, in the file's order.
	for i, id := range RequiredFigures {
		if i < len(got.Figures) && got.Figures[i].ID != id {
			t.Errorf("figure %d is %s, want %s", i, got.Figures[i].ID, id)
		}
	}
	for _, id := range []string{"search_floor", "rss_capped"} {
		if !slices.Contains(RequiredFigures, id) {
			t.Errorf("%s is not a required figure", id)
		}
	}
	if f := ids["search_floor"]; f.Value == nil || *f.Value != 0.9 || f.Ratio != nil {
		t.Errorf("search_floor: %+v", f)
	}
	if f := ids["rss_capped"]; f.Value != nil || !strings.Contains(f.Note, "read-only") {
		t.Errorf("rss_capped not marked skipped with its reason: %+v", f)
	}
	// Lower-is-better ratios are baseline/portal, higher-is-better portal/baseline.
	if r := ids["search_p50"].Ratio; r == nil || *r != 3 {
		t.Errorf("search ratio %v, want 3", r)
	}
	if r := ids["page_home"].Ratio; r == nil || *r != 0.5 {
		t.Errorf("page ratio %v, want 0.5", r)
	}
	if !strings.Contains(string(md), "**not yet measured**") {
		t.Error("results.md does not flag unmeasured figures")
	}
	svg, err := os.Open(filepath.Join(dir, "scaling.svg"))
	if err != nil {
		t.Fatal(err)
	}
	defer svg.Close()
	dec := xml.NewDecoder(svg)
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("scaling.svg: %v", err)
		}
	}
}

func TestSustainable(t *testing.T) {
	ok := load.Summary{Offered: 100, Achieved: 95, P99: 150}
	if !sustainable(ok) {
		t.Error("within bounds judged unsustainable")
	}
	for _, s := range []load.Summary{
		{Offered: 100, Achieved: 80, P99: 10},
		{Offered: 100, Achieved: 100, P99: 250},
		{Offered: 100, Achieved: 100, P99: 10, Errors: 1},
	} {
		if sustainable(s) {
			t.Errorf("%+v judged sustainable", s)
		}
	}
}

func TestNewMode(t *testing.T) {
	m, err := newMode(options{quick: true, rate: 20})
	if err != nil || m.name != "quick" || len(m.sizes) != 3 {
		t.Fatalf("%+v %v", m, err)
	}
	m, err = newMode(options{sizes: "30000, 10000,100000", rate: 20})
	if err != nil || m.sizes[0] != 10000 || m.sizes[2] != 100000 || m.rowsPer != 10 {
		t.Fatalf("%+v %v", m, err)
	}
	if _, err := newMode(options{sizes: "abc"}); err == nil {
		t.Error("bad --sizes accepted")
	}
}
