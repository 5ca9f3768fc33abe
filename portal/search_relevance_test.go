package portal

import (
	"bufio"
	"context"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/congkhai/congkhai/search"
)

// judgment is one query of the relevance set and its graded documents.
type judgment struct {
	query, kind string
	grades      map[string]int // ID or row~TEXT → 2 (answers it) or 1 (related)
}

func readJudgments(t testing.TB, path string) []judgment {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []judgment
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 2 {
			t.Fatalf("%s: %q: want query TAB judgments", path, line)
		}
		j := judgment{query: cols[0], grades: map[string]int{}}
		if len(cols) > 2 {
			j.kind = cols[2]
		}
		for _, g := range strings.Split(cols[1], ";") {
			g = strings.TrimSpace(g)
			i := strings.LastIndexByte(g, ':')
			n, err := strconv.Atoi(g[i+1:])
			if i < 0 || err != nil {
				t.Fatalf("%s: %q: judgment %q is not ID:grade", path, line, g)
			}
			j.grades[g[:i]] = n
		}
		out = append(out, j)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// ndcg10 is the normalised discounted cumulative gain of the first ten
// hits (gain 2^grade − 1), each judged document counted once.
func ndcg10(hits []search.Hit, grades map[string]int) float64 {
	seen := map[string]bool{}
	dcg := 0.0
	for i, h := range hits[:min(10, len(hits))] {
		for want, g := range grades {
			if !seen[want] && match(h, want) {
				seen[want] = true
				dcg += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
				break
			}
		}
	}
	var gs []int
	for _, g := range grades {
		gs = append(gs, g)
	}
	// Best order: highest grades first.
	for i := range gs {
		for j := i + 1; j < len(gs); j++ {
			if gs[j] > gs[i] {
				gs[i], gs[j] = gs[j], gs[i]
			}
		}
	}
	ideal := 0.0
	for i, g := range gs[:min(10, len(gs))] {
		ideal += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
	}
	if ideal == 0 {
		return 0
	}
	return dcg / ideal
}

// relevance runs the set and returns nDCG@10 and the share of queries
// without any hit (every query has a relevant document).
func relevance(t *testing.T, p *Portal, js []judgment, th *search.Thesaurus) (ndcg, zero float64) {
	t.Helper()
	var sum float64
	zeros := 0
	for _, j := range js {
		res, err := p.Search(context.Background(), search.Request{Query: j.query, Size: 10, Thesaurus: th})
		if err != nil {
			t.Fatalf("Search(%q): %v", j.query, err)
		}
		if res.Total == 0 {
			zeros++
		}
		n := ndcg10(res.Hits, j.grades)
		if n < 0.5 && testing.Verbose() {
			t.Logf("nDCG@10 %.2f for %q (%s): %s", n, j.query, j.kind, describe(res.Hits[:min(3, len(res.Hits))]))
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
		for id := range j.grades {
			kind, path, _ := strings.Cut(id, ":")
			ok := strings.HasPrefix(id, "row~")
			if kind == "n" {
				_, ok = snap.Site.Notice(path)
			} else if kind == "d" {
				_, ok = snap.Site.Dataset(path)
			}
			if !ok {
				t.Errorf("%q: judged document %s is not in the demo", j.query, id)
			}
		}
	}
	if len(js) < 200 {
		t.Errorf("%d queries, want at least 200", len(js))
	}
	ndcg, zero := relevance(t, p, js, nil)
	ndcgOff, zeroOff := relevance(t, p, js, search.NoThesaurus)
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
