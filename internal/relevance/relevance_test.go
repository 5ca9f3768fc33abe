package relevance

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestNDCG10(t *testing.T) {
	grades := map[string]int{"a": 2, "b": 1, "row~Trần Phú": 2}
	tests := []struct {
		name string
		hits []Hit
		want float64
	}{
		{"none", nil, 0},
		{"ideal", []Hit{{ID: "a"}, {ID: "r1", Kind: "row", Title: "Đường Trần Phú"}, {ID: "b"}}, 1},
		{"judged once", []Hit{{ID: "a"}, {ID: "a"}, {ID: "r1", Kind: "row", Title: "Trần Phú"}, {ID: "b"}}, (3 + 3/math.Log2(4) + 1/math.Log2(5)) / (3 + 3/math.Log2(3) + 1/math.Log2(4))},
		{"a row's text is not a notice", []Hit{{ID: "n", Kind: "notice", Title: "Trần Phú"}}, 0},
		{"only the related one", []Hit{{ID: "b"}}, 1 / (3 + 3/math.Log2(3) + 1/math.Log2(4))},
	}
	for _, tt := range tests {
		if got := NDCG10(tt.hits, grades); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: NDCG10 = %.4f, want %.4f", tt.name, got, tt.want)
		}
	}
	if !Matches(Hit{Kind: "dataset"}, "kind~dataset") || Matches(Hit{Kind: "row"}, "kind~dataset") {
		t.Error("kind~ judgments")
	}
}

func TestRead(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, text string
		ok         bool
	}{
		{"set", "# comment\nđền bù\tn:a/b:2; row~Trần Phú:1\teveryday\n\nsổ đỏ\tn:c:2\n", true},
		{"no judgments", "đền bù\n", false},
		{"no grade", "đền bù\tn:a/b\n", false},
		{"grade out of range", "đền bù\tn:a:3\n", false},
	}
	for _, tt := range tests {
		p := filepath.Join(dir, tt.name+".tsv")
		if err := os.WriteFile(p, []byte(tt.text), 0o600); err != nil {
			t.Fatal(err)
		}
		js, err := Read(p)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err %v, want ok %v", tt.name, err, tt.ok)
			continue
		}
		if tt.ok && (len(js) != 2 || js[0].Kind != "everyday" || js[0].Grades["row~Trần Phú"] != 1 || js[1].Grades["n:c"] != 2) {
			t.Errorf("%s: %+v", tt.name, js)
		}
	}
}
