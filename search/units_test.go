package search

import (
	"encoding/csv"
	"flag"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite units2025.txt from the official conversion table")

// conversionTable is the official table of communes before and after the
// 2025 reform, kept by the tables package as a test corpus.
const conversionTable = "../tables/testdata/corpus/bang-chuyen-doi-dvhc-cap-xa-moi-cu-2025.csv"

// TestUnitsList: units2025.txt is what unitsFromTable derives from the
// official conversion table (-update rewrites it).
func TestUnitsList(t *testing.T) {
	f, err := os.Open(conversionTable)
	if err != nil {
		t.Skipf("conversion table: %v", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := unitsFromTable(rows)
	if *update {
		if err := os.WriteFile("units2025.txt", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got != unitsText {
		t.Errorf("units2025.txt is not what the conversion table gives; run go test ./search -run TestUnitsList -update")
	}
}

var codeSuffix = regexp.MustCompile(`\s*\(\d+\)\s*$`)

// unitsFromTable writes the list: a "[province]" line per province of the
// reform, its old provinces, then "old = new" per commune renamed or merged.
func unitsFromTable(rows [][]string) string {
	type pair struct{ old, new string }
	byProv := map[string][]pair{}
	oldProv := map[string][]string{}
	var provs []string
	for _, r := range rows {
		if len(r) < 8 || !codeSuffix.MatchString(r[0]) || r[1] == "" || r[3] == "" {
			continue
		}
		prov := unitName(codeSuffix.ReplaceAllString(r[0], ""))
		if _, ok := byProv[prov]; !ok {
			provs = append(provs, prov)
			byProv[prov] = nil
		}
		if op := unitName(codeSuffix.ReplaceAllString(r[7], "")); op != "" && op != prov && !slices.Contains(oldProv[prov], op) {
			oldProv[prov] = append(oldProv[prov], op)
		}
		p := pair{unitName(r[3]), unitName(r[1])}
		if p.old != p.new && p.old != "" && p.new != "" && !slices.Contains(byProv[prov], p) {
			byProv[prov] = append(byProv[prov], p)
		}
	}
	var b strings.Builder
	b.WriteString("# Communes and provinces before and after the 2025 reform, derived by TestUnitsList from\n")
	b.WriteString("# the official conversion table (tables/testdata/corpus/bang-chuyen-doi-dvhc-cap-xa-moi-cu-2025.csv).\n")
	b.WriteString("# [province] starts a province of the reform; \"< old\" names a province merged into it;\n")
	b.WriteString("# \"old = new\" a commune or ward renamed or merged.\n")
	for _, prov := range provs {
		b.WriteString("[" + prov + "]\n")
		for _, op := range oldProv[prov] {
			b.WriteString("< " + op + "\n")
		}
		for _, p := range byProv[prov] {
			b.WriteString(p.old + " = " + p.new + "\n")
		}
	}
	return b.String()
}
