package main

import (
	"fmt"

	"github.com/congkhai/congkhai/internal/relevance"
)

// judgment is one query of a relevance set, hit what the measure needs of
// a hit (internal/relevance).
type (
	judgment = relevance.Judgment
	hit      = relevance.Hit
)

// readJudgments reads a relevance set (the format: internal/relevance).
var readJudgments = relevance.Read

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
		total, hits, err := e(j.Query)
		if err != nil {
			return s, fmt.Errorf("%s: %q: %w", name, j.Query, err)
		}
		if total == 0 {
			zeros++
		}
		n := relevance.NDCG10(hits, j.Grades)
		s.NDCG += n
		pq := perQuery{Query: j.Query, Kind: j.Kind, NDCG: n, Total: total}
		if len(hits) > 0 {
			pq.Top = hits[0].ID
		}
		s.PerQuery = append(s.PerQuery, pq)
	}
	if len(js) > 0 {
		s.NDCG /= float64(len(js))
		s.ZeroRate = float64(zeros) / float64(len(js))
	}
	return s, nil
}
