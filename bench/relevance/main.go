// Command relevance measures how well search answers citizens' queries
// (docs/search.md, "Relevance"): nDCG@10 and the zero-result rate of two
// relevance sets, each query graded by hand.
//
//	go run ./bench/relevance [--data ../shared/data] [--pg postgres://…] [--out bench-results]
//
// The demo's set (portal/testdata/relevance-demo.tsv) runs on the bundled
// demo; the law set (bench/relevance/testdata/relevance-law.tsv) on a
// corpus of one notice per article of 39 real laws (bench/lawcorpus), read
// from the shared data folder when it is there. Each runs on the portal
// with its thesaurus and without (search.NoThesaurus); the law set also on
// PostgreSQL full-text search with unaccent, built as the bench's
// baseline. Results go to <out>/<date>-relevance/: results.md,
// results.json and per-query.tsv.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/congkhai/congkhai/bench/lawcorpus"
	"github.com/congkhai/congkhai/demo"
	"github.com/congkhai/congkhai/portal"
	"github.com/congkhai/congkhai/search"
)

// set is one relevance set with its scores.
type set struct {
	Name    string  `json:"name"`
	Docs    int     `json:"documents"`
	Scores  []score `json:"scores"`
	Skipped string  `json:"skipped,omitempty"`
}

func main() {
	var (
		data     = flag.String("data", "", "shared data folder with vlc/*.txt (default ../shared/data when present)")
		pg       = flag.String("pg", envOr("CONGKHAI_TEST_PG", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"), "PostgreSQL for the baseline")
		skipPG   = flag.Bool("skip-pg", false, "skip the PostgreSQL baseline")
		out      = flag.String("out", "bench-results", "output folder")
		demoSet  = flag.String("demo-set", "portal/testdata/relevance-demo.tsv", "the demo's relevance set")
		lawSet   = flag.String("law-set", "bench/relevance/testdata/relevance-law.tsv", "the law corpus's relevance set")
		verbose  = flag.Bool("v", false, "print the queries under nDCG@10 0.5")
		keepWork = flag.Bool("keep", false, "keep the work folder (law corpus and indexes)")
	)
	flag.Parse()
	log.SetFlags(log.Ltime)
	ctx := context.Background()
	if *data == "" {
		*data = lawcorpus.Find("../shared/data")
	}
	dir := filepath.Join(*out, time.Now().Format("2006-01-02")+"-relevance")
	work := filepath.Join(*out, "work-relevance")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	var sets []set

	log.Print("demo: indexing")
	js, err := readJudgments(*demoSet)
	if err != nil {
		log.Fatal(err)
	}
	p, err := portal.Open(ctx, portal.Config{Content: demo.FS(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)), IndexDir: filepath.Join(work, "demo-index")})
	if err != nil {
		log.Fatal(err)
	}
	if err := p.WaitIndexed(ctx); err != nil {
		log.Fatal(err)
	}
	s := set{Name: "demo", Docs: int(p.IndexStatus().Docs)}
	for _, e := range []struct {
		name string
		th   *search.Thesaurus
	}{{"portal", nil}, {"portal without the thesaurus", search.NoThesaurus}} {
		sc, err := measure(e.name, js, portalEngine(ctx, p, e.th))
		if err != nil {
			log.Fatal(err)
		}
		s.Scores = append(s.Scores, sc)
	}
	p.Close()
	sets = append(sets, s)

	law := set{Name: "law"}
	if *data == "" {
		law.Skipped = "the law texts (../shared/data/vlc) are not here"
		log.Print("law: skipped: " + law.Skipped)
	} else {
		js, err := readJudgments(*lawSet)
		if err != nil {
			log.Fatal(err)
		}
		dsn := *pg
		if *skipPG {
			dsn = ""
		}
		law, err = runLaw(ctx, *data, work, dsn, js)
		if err != nil {
			log.Fatal(err)
		}
	}
	sets = append(sets, law)
	if !*keepWork {
		_ = os.RemoveAll(work)
	}
	if err := writeResults(dir, sets, *verbose); err != nil {
		log.Fatal(err)
	}
	log.Printf("results in %s", dir)
}

// runLaw builds the law corpus under work, indexes it and measures js on
// the portal with and without its thesaurus, and on PostgreSQL unless dsn
// is empty.
func runLaw(ctx context.Context, data, work, dsn string, js []judgment) (set, error) {
	s := set{Name: "law"}
	laws, err := lawcorpus.Load(data)
	if err != nil {
		return s, err
	}
	ids := map[string]bool{}
	for _, l := range laws {
		for i := range l.Articles {
			ids[l.ID(&l.Articles[i])] = true
		}
	}
	for _, j := range js {
		for id := range j.Grades {
			if !ids[id] {
				return s, fmt.Errorf("%q: judged document %s is not in the law corpus", j.Query, id)
			}
		}
	}
	site := filepath.Join(work, "law-site")
	_ = os.RemoveAll(site)
	if s.Docs, err = lawcorpus.Write(site, laws); err != nil {
		return s, err
	}
	// PostgreSQL loads in its own process while the portal indexes.
	var pg *pgEngine
	pgErr := make(chan error, 1)
	if dsn != "" {
		go func() {
			var err error
			if pg, err = openPG(ctx, dsn); err != nil {
				pgErr <- errSkip{err}
				return
			}
			pgErr <- pg.load(ctx, laws)
		}()
	} else {
		pgErr <- errSkip{errors.New("no PostgreSQL")}
	}
	start := time.Now()
	p, err := openPortal(ctx, site, filepath.Join(work, "law-index"))
	if err != nil {
		<-pgErr
		return s, err
	}
	defer p.Close()
	log.Printf("law: %d articles of %d laws indexed in %s", s.Docs, len(laws), time.Since(start).Round(time.Millisecond))
	engines := []struct {
		name string
		e    engine
	}{
		{"portal", portalEngine(ctx, p, nil)},
		{"portal without the thesaurus", portalEngine(ctx, p, search.NoThesaurus)},
	}
	err = <-pgErr
	var skip errSkip
	switch {
	case errors.As(err, &skip):
		if dsn != "" {
			s.Skipped = "PostgreSQL: " + skip.Error()
		}
	case err != nil:
		return s, err
	default:
		defer pg.close(ctx)
		engines = append(engines, struct {
			name string
			e    engine
		}{"PostgreSQL FTS + unaccent", pg.engine(ctx)})
	}
	// The engines answer side by side; each measure is sequential.
	start = time.Now()
	s.Scores = make([]score, len(engines))
	errs := make([]error, len(engines))
	var wg sync.WaitGroup
	for i, e := range engines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Scores[i], errs[i] = measure(e.name, js, e.e)
		}()
	}
	wg.Wait()
	log.Printf("law: %d queries on %d engines in %s", len(js), len(engines), time.Since(start).Round(time.Millisecond))
	return s, errors.Join(errs...)
}

// errSkip is a baseline that cannot run here.
type errSkip struct{ err error }

func (e errSkip) Error() string { return e.err.Error() }

// table is the results as a markdown table.
func table(sets []set) string {
	var b strings.Builder
	b.WriteString("| set | engine | queries | nDCG@10 | zero-result rate |\n|---|---|---|---|---|\n")
	for _, s := range sets {
		if len(s.Scores) == 0 {
			fmt.Fprintf(&b, "| %s | skipped: %s | | | |\n", s.Name, s.Skipped)
		}
		for _, sc := range s.Scores {
			fmt.Fprintf(&b, "| %s (%d documents) | %s | %d | %.3f | %.1f %% |\n", s.Name, s.Docs, sc.Engine, sc.Queries, sc.NDCG, 100*sc.ZeroRate)
		}
	}
	return b.String()
}

func writeResults(dir string, sets []set, verbose bool) error {
	md := "# Relevance\n\n" + table(sets)
	for _, s := range sets {
		if s.Skipped != "" && len(s.Scores) > 0 {
			md += fmt.Sprintf("\n%s: %s\n", s.Name, s.Skipped)
		}
	}
	fmt.Print(md)
	if err := os.WriteFile(filepath.Join(dir, "results.md"), []byte(md), 0o644); err != nil {
		return err
	}
	b, err := json.MarshalIndent(sets, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), b, 0o644); err != nil {
		return err
	}
	var tsv strings.Builder
	tsv.WriteString("set\tengine\tquery\tkind\tndcg10\ttotal\ttop\n")
	for _, s := range sets {
		for _, sc := range s.Scores {
			for _, q := range sc.PerQuery {
				fmt.Fprintf(&tsv, "%s\t%s\t%s\t%s\t%.3f\t%d\t%s\n", s.Name, sc.Engine, q.Query, q.Kind, q.NDCG, q.Total, q.Top)
				if verbose && q.NDCG < 0.5 {
					fmt.Printf("%s, %s: nDCG@10 %.2f for %q (%s), %d hits, first %s\n", s.Name, sc.Engine, q.NDCG, q.Query, q.Kind, q.Total, q.Top)
				}
			}
		}
	}
	return os.WriteFile(filepath.Join(dir, "per-query.tsv"), []byte(tsv.String()), 0o644)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}
