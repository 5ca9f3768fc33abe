// Package relevance reads graded relevance sets and scores a ranking
// against them (nDCG@10), for the portal's relevance test and the
// relevance bench (bench/relevance).
//
// A set is a text file, one query a line: the query, a tab, its judged
// documents separated by ";" (ID:grade, 2 when the document answers the
// query, 1 when related), and optionally a tab and the kind of query. A
// line starting with # is a comment. An ID is a search document's
// ("n:ubnd-tinh/cong-van-6733-ubnd-kstt"), "row~TEXT" for a table row whose
// title contains TEXT, or "kind~KIND" for any document of that kind.
package relevance

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Judgment is one query of a set and its graded documents.
type Judgment struct {
	Query, Kind string
	Grades      map[string]int // document ID, row~TEXT or kind~KIND → 2 or 1
}

// Read reads the set at path.
func Read(path string) ([]Judgment, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Judgment
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
		j := Judgment{Query: cols[0], Grades: map[string]int{}}
		if len(cols) > 2 {
			j.Kind = cols[2]
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
			j.Grades[g[:i]] = n
		}
		out = append(out, j)
	}
	return out, sc.Err()
}

// Hit is what the measure needs of a search hit.
type Hit struct {
	ID, Kind, Title string
}

// Matches tells whether h is the judged document want.
func Matches(h Hit, want string) bool {
	if rest, ok := strings.CutPrefix(want, "row~"); ok {
		return h.Kind == "row" && strings.Contains(h.Title, rest)
	}
	if rest, ok := strings.CutPrefix(want, "kind~"); ok {
		return h.Kind == rest
	}
	return h.ID == want
}

// NDCG10 is the normalised discounted cumulative gain of the first ten
// hits (gain 2^grade − 1), each judged document counted once.
func NDCG10(hits []Hit, grades map[string]int) float64 {
	seen := map[string]bool{}
	dcg := 0.0
	for i, h := range hits[:min(10, len(hits))] {
		for want, g := range grades {
			if !seen[want] && Matches(h, want) {
				seen[want] = true
				dcg += gain(g) / math.Log2(float64(i+2))
				break
			}
		}
	}
	gs := make([]int, 0, len(grades))
	for _, g := range grades {
		gs = append(gs, g)
	}
	slices.Sort(gs)
	slices.Reverse(gs) // the best order: highest grades first
	ideal := 0.0
	for i, g := range gs[:min(10, len(gs))] {
		ideal += gain(g) / math.Log2(float64(i+2))
	}
	if ideal == 0 {
		return 0
	}
	return dcg / ideal
}

func gain(grade int) float64 { return math.Pow(2, float64(grade)) - 1 }
