package portal

import (
	"context"
	"strings"
	"testing"

	"github.com/congkhai/congkhai/internal/relevance"
	"github.com/congkhai/congkhai/search"
)

// readJudgments reads a relevance set (the format: internal/relevance).
func readJudgments(t testing.TB, path string) []relevance.Judgment {
	t.Helper()
	js, err := relevance.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// ndcg10 scores the hits of a search against a judgment's grades.
func ndcg10(hits []search.Hit, grades map[string]int) float64 {
	rh := make([]relevance.Hit, len(hits))
	for i, h := range hits {
		rh[i] = relevance.Hit{ID: h.ID, Kind: h.Kind, Title: h.Title}
	}
	return relevance.NDCG10(rh, grades)
}

// measureRelevance runs the set and returns nDCG@10 and the share of queries
// without any hit with every word (every query has a relevant document).
func measureRelevance(t *testing.T, p *Portal, js []relevance.Judgment, th *search.Thesaurus) (ndcg, zero float64) {
	t.Helper()
	var sum float64
	zeros := 0
	for _, j := range js {
		res, err := p.Search(context.Background(), search.Request{Query: j.Query, Size: 10, Thesaurus: th})
		if err != nil {
			t.Fatalf("Search(%q): %v", j.Query, err)
		}
		if res.Total == 0 {
			zeros++
		}
		// The page as it is read: the hits with every word, then the
		// partial matches.
		shown := append(res.Hits, res.Partial...)
		n := ndcg10(shown, j.Grades)
		if n < 0.5 && testing.Verbose() {
			t.Logf("nDCG@10 %.2f for %q (%s): %s", n, j.Query, j.Kind, describe(shown[:min(3, len(shown))]))
		}
		sum += n
	}
	return sum / float64(len(js)), float64(zeros) / float64(len(js))
}

// TestRelevance measures the relevance set of the demo (testdata/
// relevance-demo.tsv) with the thesaurus and without, prints the figures
// and holds them to their thresholds.
func TestRelevance(t *testing.T) {
	p := openDemo(t)
	js := readJudgments(t, "testdata/relevance-demo.tsv")
	snap := p.Snapshot()
	for _, j := range js {
		for id := range j.Grades {
			kind, path, _ := strings.Cut(id, ":")
			ok := strings.HasPrefix(id, "row~")
			if kind == "n" {
				_, ok = snap.Site.Notice(path)
			} else if kind == "d" {
				_, ok = snap.Site.Dataset(path)
			}
			if !ok {
				t.Errorf("%q: judged document %s is not in the demo", j.Query, id)
			}
		}
	}
	if len(js) < 200 {
		t.Errorf("%d queries, want at least 200", len(js))
	}
	ndcg, zero := measureRelevance(t, p, js, nil)
	ndcgOff, zeroOff := measureRelevance(t, p, js, search.NoThesaurus)
	t.Logf("relevance on the demo, %d queries: nDCG@10 %.3f, zero-result rate %.1f %%; without the thesaurus: nDCG@10 %.3f, zero-result rate %.1f %%",
		len(js), ndcg, 100*zero, ndcgOff, 100*zeroOff)
	if zero > 0.02 {
		t.Errorf("zero-result rate %.1f %%, want at most 2 %%", 100*zero)
	}
	if ndcg < relevanceFloor {
		t.Errorf("nDCG@10 %.3f, want at least %.2f", ndcg, relevanceFloor)
	}
}

// relevanceFloor is the least nDCG@10 the demo's set must reach.
const relevanceFloor = 0.9
