package main

import (
	"context"
	"os"
	"testing"

	"github.com/congkhai/congkhai/bench/lawcorpus"
)

// TestLawRelevance measures the law set (testdata/relevance-law.tsv) on a
// corpus of one notice per article of the laws in ../shared/data/vlc: the
// portal with its thesaurus, without it, and PostgreSQL FTS + unaccent
// (CONGKHAI_TEST_PG). It prints the figures and holds the portal to its
// floors and ahead of PostgreSQL. Without the law texts it is skipped.
func TestLawRelevance(t *testing.T) {
	data := lawcorpus.Find("../../../shared/data", "/work/shared/data")
	if data == "" {
		t.Skip("the law texts (../shared/data/vlc) are not here")
	}
	js, err := readJudgments("testdata/relevance-law.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if len(js) < 100 {
		t.Errorf("%d queries, want at least 100", len(js))
	}
	dsn := os.Getenv("CONGKHAI_TEST_PG")
	if dsn == "" {
		dsn = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	s, err := runLaw(context.Background(), data, t.TempDir(), dsn, js)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("law corpus, %d articles:\n%s", s.Docs, table([]set{s}))
	if s.Skipped != "" {
		if os.Getenv("CI") != "" {
			t.Errorf("PostgreSQL: %s", s.Skipped)
		} else {
			t.Logf("without the baseline: %s", s.Skipped)
		}
	}
	if testing.Verbose() {
		for _, sc := range s.Scores {
			for _, q := range sc.PerQuery {
				if q.NDCG < 0.5 {
					t.Logf("%s: nDCG@10 %.2f for %q (%s), %d hits, first %s", sc.Engine, q.NDCG, q.Query, q.Kind, q.Total, q.Top)
				}
			}
		}
	}
	portal := s.Scores[0]
	if portal.NDCG < lawFloor {
		t.Errorf("nDCG@10 %.3f, want at least %.2f", portal.NDCG, lawFloor)
	}
	if portal.ZeroRate > lawZeroCeiling {
		t.Errorf("zero-result rate %.1f %%, want at most %.1f %%", 100*portal.ZeroRate, 100*lawZeroCeiling)
	}
	if len(s.Scores) == 3 {
		pg := s.Scores[2]
		if portal.NDCG <= pg.NDCG || portal.ZeroRate > pg.ZeroRate {
			t.Errorf("the portal (nDCG@10 %.3f, zero %.1f %%) is not ahead of PostgreSQL (%.3f, %.1f %%)",
				portal.NDCG, 100*portal.ZeroRate, pg.NDCG, 100*pg.ZeroRate)
		}
	}
}

// The least nDCG@10 and the most zero-result rate the law set must reach:
// the figures measured (docs/search.md, "Relevance"), less a margin.
const (
	lawFloor       = 0.73
	lawZeroCeiling = 0.02
)
