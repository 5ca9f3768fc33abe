package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

// judgment is one query of a relevance set and its graded documents.
type judgment struct {
	query, kind string
	grades      map[string]int // document ID or row~TEXT → 2 (answers it) or 1 (related)
}

// readJudgments reads a relevance set: query TAB judged documents (ID:grade
// separated by ";") TAB what kind of query; # starts a comment line.
func readJudgments(path string) ([]judgment, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []judgment
	sc := bufio.NewScanner(f)
	for ln := 1; sc.Scan(); ln++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 2 {
			return nil, fmt.Errorf("%s:%d: want query TAB judgments", path, ln)
		}
		j := judgment{query: cols[0], grades: map[string]int{}}
		if len(cols) > 2 {
			j.kind = cols[2]
		}
		for _, g := range strings.Split(cols[1], ";") {
			g = strings.TrimSpace(g)
			i := strings.LastIndexByte(g, ':')
			if i < 0 {
				return nil, fmt.Errorf("%s:%d: judgment %q is not ID:grade", path, ln, g)
			}
			n, err := strconv.Atoi(g[i+1:])
			if err != nil || n < 1 || n > 2 {
				return nil, fmt.Errorf("%s:%d: judgment %q is not ID:grade", path, ln, g)
			}
			j.grades[g[:i]] = n
		}
		out = append(out, j)
	}
	return out, sc.Err()
}

// hit is what the measure needs of a hit.
type hit struct {
	id, kind, title string
}

// matches tells whether a hit is the judged document: an exact ID, or
// row~TEXT for a table row whose title contains TEXT.
func matches(h hit, want string) bool {
	if rest, ok := strings.CutPrefix(want, "row~"); ok {
		return h.kind == "row" && strings.Contains(h.title, rest)
	}
	return h.id == want
}

// ndcg10 is the normalised discounted cumulative gain of the first ten
// hits (gain 2^grade − 1), each judged document counted once.
func ndcg10(hits []hit, grades map[string]int) float64 {
	seen := map[string]bool{}
	dcg := 0.0
	for i, h := range hits[:min(10, len(hits))] {
		for want, g := range grades {
			if !seen[want] && matches(h, want) {
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
	slices.Sort(gs)
	slices.Reverse(gs)
	ideal := 0.0
	for i, g := range gs[:min(10, len(gs))] {
		ideal += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
	}
	if ideal == 0 {
		return 0
	}
	return dcg / ideal
}

// engine answers a query with its total and its first ten hits.
type engine func(q string) (total int, hits []hit, err error)

// score is the measure of one engine over one set.
type score struct {
	Engine   string     `json:"engine"`
	Queries  int        `json:"queries"`
	NDCG     float64    `json:"ndcg10"`
	ZeroRate float64    `json:"zero_result_rate"` // share of queries (each has a relevant document) without any hit
	PerQuery []perQuery `json:"per_query"`
}

type perQuery struct {
	Query string  `json:"query"`
	Kind  string  `json:"kind"`
	NDCG  float64 `json:"ndcg10"`
	Total int     `json:"total"`
	Top   string  `json:"top"` // ID of the first hit
}

// measure runs every query of js on e.
func measure(name string, js []judgment, e engine) (score, error) {
	s := score{Engine: name, Queries: len(js)}
	zeros := 0
	for _, j := range js {
		total, hits, err := e(j.query)
		if err != nil {
			return s, fmt.Errorf("%s: %q: %w", name, j.query, err)
		}
		if total == 0 {
			zeros++
		}
		n := ndcg10(hits, j.grades)
		s.NDCG += n
		pq := perQuery{Query: j.query, Kind: j.kind, NDCG: n, Total: total}
		if len(hits) > 0 {
			pq.Top = hits[0].id
		}
		s.PerQuery = append(s.PerQuery, pq)
	}
	if len(js) > 0 {
		s.NDCG /= float64(len(js))
		s.ZeroRate = float64(zeros) / float64(len(js))
	}
	return s, nil
}
