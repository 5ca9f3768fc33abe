package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/congkhai/congkhai/bench/lawcorpus"
	"github.com/congkhai/congkhai/bench/pgfts"
	"github.com/congkhai/congkhai/portal"
	"github.com/congkhai/congkhai/search"
)

// openPortal opens a portal on a content folder with its index in
// indexDir and waits until every document is indexed. It builds the index
// as congkhai index does (portal.Config.BuildOnly: larger batches, the same
// answers).
func openPortal(ctx context.Context, content, indexDir string) (*portal.Portal, error) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p, err := portal.Open(ctx, portal.Config{Content: os.DirFS(content), Log: log, IndexDir: indexDir, BuildOnly: true})
	if err != nil {
		return nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	if err := p.WaitIndexed(wctx); err != nil {
		p.Close()
		return nil, err
	}
	if st := p.IndexStatus(); st.Err != "" || st.Docs == 0 {
		p.Close()
		return nil, fmt.Errorf("index status %+v", st)
	}
	return p, nil
}

// portalEngine searches the portal as its search page does, with the
// thesaurus th (nil: the portal's own; search.NoThesaurus: none).
func portalEngine(ctx context.Context, p *portal.Portal, th *search.Thesaurus) engine {
	return func(q string) (int, []hit, error) {
		res, err := p.Search(ctx, search.Request{Query: q, Size: 10, Thesaurus: th})
		if err != nil {
			return 0, nil, err
		}
		// The page as it is read: the hits with every word, then the
		// partial matches.
		shown := append(res.Hits, res.Partial...)
		hits := make([]hit, len(shown))
		for i, h := range shown {
			hits[i] = hit{ID: h.ID, Kind: h.Kind, Title: h.Title}
		}
		return int(res.Total), hits, nil
	}
}

// The PostgreSQL baseline over the same articles, built as the bench's
// (bench/pg.go): a text search configuration copied from simple with
// unaccent in front, a stored tsvector (title and number weight A, summary
// and body weight B), a GIN index, plainto_tsquery (all terms) ranked by
// ts_rank_cd.
const pgSchema = "congkhai_relevance"

type pgEngine struct{ pool *pgxpool.Pool }

func openPG(ctx context.Context, dsn string) (*pgEngine, error) {
	pool, err := pgfts.Open(ctx, dsn, 2, pgSchema)
	if err != nil {
		return nil, err
	}
	return &pgEngine{pool: pool}, nil
}

func (p *pgEngine) close(ctx context.Context) { pgfts.Close(ctx, p.pool, pgSchema) }

// load creates the schema and copies every article in.
func (p *pgEngine) load(ctx context.Context, laws []*lawcorpus.Law) error {
	if err := pgfts.Setup(ctx, p.pool, pgSchema, `CREATE TABLE `+pgSchema+`.docs (
			id text PRIMARY KEY,
			title text NOT NULL,
			number text NOT NULL,
			body text NOT NULL,
			tsv tsvector GENERATED ALWAYS AS (
				setweight(to_tsvector('`+pgSchema+`.vn', title || ' ' || number), 'A') ||
				setweight(to_tsvector('`+pgSchema+`.vn', body), 'B')) STORED)`); err != nil {
		return err
	}
	var rows [][]any
	for _, l := range laws {
		for i := range l.Articles {
			a := &l.Articles[i]
			rows = append(rows, []any{l.ID(a), l.NoticeTitle(a), l.Number, l.Summary(a) + "\n" + a.Text()})
		}
	}
	if _, err := p.pool.CopyFrom(ctx, pgx.Identifier{pgSchema, "docs"}, []string{"id", "title", "number", "body"}, pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("COPY: %w", err)
	}
	for _, s := range []string{"CREATE INDEX docs_tsv ON " + pgSchema + ".docs USING gin (tsv)", "ANALYZE " + pgSchema + ".docs"} {
		if _, err := p.pool.Exec(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}

const pgSearchSQL = `
WITH q AS (SELECT plainto_tsquery('` + pgSchema + `.vn', $1) AS q),
m AS MATERIALIZED (SELECT d.id, ts_rank_cd(d.tsv, q.q) AS rank FROM ` + pgSchema + `.docs d, q WHERE d.tsv @@ q.q)
SELECT (SELECT count(*) FROM m), coalesce((SELECT array_agg(id ORDER BY rank DESC, id) FROM (SELECT id, rank FROM m ORDER BY rank DESC, id LIMIT 10) t), '{}')`

func (p *pgEngine) engine(ctx context.Context) engine {
	return func(q string) (int, []hit, error) {
		var total int
		var ids []string
		if err := p.pool.QueryRow(ctx, pgSearchSQL, q).Scan(&total, &ids); err != nil {
			return 0, nil, err
		}
		hits := make([]hit, len(ids))
		for i, id := range ids {
			hits[i] = hit{ID: id, Kind: "notice"}
		}
		return total, hits, nil
	}
}
