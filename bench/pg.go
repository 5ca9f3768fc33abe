package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/congkhai/congkhai/bench/corpus"
	"github.com/congkhai/congkhai/bench/pgfts"
)

// The PostgreSQL baseline: what a team would otherwise build. Its own schema,
// a text search configuration copied from simple with unaccent in front, a
// stored generated tsvector (title and number weight A, body, signer, tags and
// places weight B), a GIN index; plainto_tsquery (all terms), ts_rank_cd, and
// facets plus ts_headline in one statement over a materialised CTE of matches
// (LIBRARY-NOTES, "bleve vs PostgreSQL FTS").

const pgSchema = "congkhai_bench"

type pgBase struct {
	pool *pgxpool.Pool
}

func openPG(ctx context.Context, dsn string, conns int) (*pgBase, error) {
	pool, err := pgfts.Open(ctx, dsn, conns, pgSchema)
	if err != nil {
		return nil, err
	}
	return &pgBase{pool: pool}, nil
}

func (p *pgBase) close(ctx context.Context) { pgfts.Close(ctx, p.pool, pgSchema) }

// quiesce cancels the searches still running in the server (a client that
// gave up does not stop PostgreSQL's backend) and waits, at most 30 s, until
// none is left, so that they do not take the CPU from the next measurement.
func (p *pgBase) quiesce(ctx context.Context) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		var n int
		err := p.pool.QueryRow(ctx, `SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'`).Scan(&n)
		if err != nil || n == 0 {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// setup creates the schema; an error from CREATE EXTENSION is returned as is.
func (p *pgBase) setup(ctx context.Context) error {
	stmts := []string{
		`CREATE TABLE ` + pgSchema + `.docs (
			id bigint PRIMARY KEY,
			url text NOT NULL,
			kind text NOT NULL,
			title text NOT NULL,
			number text NOT NULL DEFAULT '',
			body text NOT NULL,
			extra text NOT NULL DEFAULT '',
			agency text NOT NULL,
			category text NOT NULL,
			year int,
			places text[] NOT NULL DEFAULT '{}',
			tsv tsvector GENERATED ALWAYS AS (
				setweight(to_tsvector('` + pgSchema + `.vn', title || ' ' || number), 'A') ||
				setweight(to_tsvector('` + pgSchema + `.vn', body || ' ' || extra), 'B')) STORED)`,
	}
	return pgfts.Setup(ctx, p.pool, pgSchema, stmts...)
}

// pgDocs streams the same documents the portal indexes: notices, datasets and rows.
type pgDocs struct {
	c      *corpus.Corpus
	rows   chan []any
	cur    []any
	cancel chan struct{}
}

func newPGDocs(c *corpus.Corpus) *pgDocs {
	d := &pgDocs{c: c, rows: make(chan []any, 1024), cancel: make(chan struct{})}
	go d.produce()
	return d
}

var unescape = strings.NewReplacer(`\*`, "*", `\_`, "_", "\\`", "`", `\#`, "#", `\[`, "[", "&lt;", "<", `\-`, "-", `\+`, "+", `\>`, ">")

func (d *pgDocs) produce() {
	defer close(d.rows)
	send := func(r []any) bool {
		select {
		case d.rows <- r:
			return true
		case <-d.cancel:
			return false
		}
	}
	var id int64
	for i := 0; i < d.c.Cfg.Notices; i++ {
		n := d.c.Notice(i)
		id++
		places := placesOf(d.c.Province.Name, n.Place.Commune, n.Place.District)
		extra := n.Signer + " " + strings.Join(n.Tags, " ") + " " + strings.Join(places, " ")
		if !send([]any{id, "/" + n.Path(), "notice", n.Title, n.Number, unescape.Replace(n.Body), extra, n.Agency.Slug, n.Category,
			int32(n.Published.Year()), places}) {
			return
		}
	}
	for _, ds := range d.c.Datasets {
		id++
		places := placesOf(d.c.Province.Name, "", ds.District)
		if !send([]any{id, "/" + ds.Agency.Slug + "/" + ds.Slug, "dataset", ds.Title, "",
			"Bảng giá các loại đất ở trên địa bàn " + ds.District + ", theo đoạn đường và vị trí. Xã, phường Tên đường Đoạn từ Đến Vị trí 1 Vị trí 2 Vị trí 3 Vị trí 4",
			"giá đất bảng giá " + strings.Join(places, " "), ds.Agency.Slug, "gia-dat", int32(ds.Year), places}) {
			return
		}
		ok := true
		d.c.EachRow(ds, func(n int, r corpus.Row) {
			if !ok {
				return
			}
			id++
			rp := append([]string{r.Commune}, places...)
			body := fmt.Sprintf("Xã, phường: %s; Tên đường: %s; Đoạn từ: %s; Đến: %s; Vị trí 1: %d; Vị trí 2: %d; Vị trí 3: %d; Vị trí 4: %d\n%s",
				r.Commune, r.Road, r.From, r.To, r.VT[0], r.VT[1], r.VT[2], r.VT[3], ds.Title)
			ok = send([]any{id, fmt.Sprintf("/%s/%s?bang=%s&trang=%d#r%d", ds.Agency.Slug, ds.Slug, ds.Table, (n-1)/50+1, n), "row",
				r.Commune + " – " + r.Road + " – " + r.From + " – " + r.To, "", body, strings.Join(rp, " "), ds.Agency.Slug, "gia-dat",
				int32(ds.Year), rp})
		})
		if !ok {
			return
		}
	}
}

func placesOf(province string, ps ...string) []string {
	out := []string{}
	for _, p := range ps {
		if p != "" && p != province {
			out = append(out, p)
		}
	}
	return out
}

func (d *pgDocs) Next() bool {
	r, ok := <-d.rows
	d.cur = r
	return ok
}
func (d *pgDocs) Values() ([]any, error) { return d.cur, nil }
func (d *pgDocs) Err() error             { return nil }
func (d *pgDocs) stop() {
	close(d.cancel)
	for range d.rows { //nolint:revive // drain
	}
}

// load copies every document and builds the GIN index; it returns the number
// of documents and the time of COPY + CREATE INDEX + ANALYZE.
func (p *pgBase) load(ctx context.Context, c *corpus.Corpus) (int64, time.Duration, error) {
	start := time.Now()
	src := newPGDocs(c)
	defer src.stop()
	n, err := p.pool.CopyFrom(ctx, pgx.Identifier{pgSchema, "docs"},
		[]string{"id", "url", "kind", "title", "number", "body", "extra", "agency", "category", "year", "places"}, src)
	if err != nil {
		return n, 0, fmt.Errorf("COPY: %w", err)
	}
	for _, s := range []string{
		"CREATE INDEX docs_tsv ON " + pgSchema + ".docs USING gin (tsv)",
		"ANALYZE " + pgSchema + ".docs",
	} {
		if _, err := p.pool.Exec(ctx, s); err != nil {
			return n, 0, fmt.Errorf("%s: %w", s, err)
		}
	}
	return n, time.Since(start), nil
}

func (p *pgBase) size(ctx context.Context) (int64, error) {
	var n int64
	err := p.pool.QueryRow(ctx, "SELECT pg_total_relation_size('"+pgSchema+".docs')").Scan(&n)
	return n, err
}

// pgSearchSQL is the portal's search in one statement: matches materialised
// once, the top 10 with a highlighted snippet, facets by GROUPING SETS
// (agency, category, year, kind) and the top places.
const pgSearchSQL = `
WITH q AS (SELECT plainto_tsquery('` + pgSchema + `.vn', $1) AS q),
m AS MATERIALIZED (
	SELECT d.id, d.agency, d.category, d.year, d.kind, d.places, ts_rank_cd(d.tsv, q.q) AS rank
	FROM ` + pgSchema + `.docs d, q WHERE d.tsv @@ q.q),
t AS (SELECT id, rank FROM m ORDER BY rank DESC, id LIMIT 10),
top AS (
	SELECT d.url, d.title, ts_headline('` + pgSchema + `.vn', d.body, (SELECT q FROM q), 'MaxFragments=2, MaxWords=20, MinWords=8') AS snippet, t.rank
	FROM t JOIN ` + pgSchema + `.docs d USING (id)),
f AS (SELECT agency, category, year, kind, count(*) AS n FROM m GROUP BY GROUPING SETS ((agency), (category), (year), (kind))),
p AS (SELECT pl, count(*) AS n FROM m, unnest(m.places) pl GROUP BY pl ORDER BY n DESC LIMIT 10)
SELECT (SELECT count(*) FROM m),
	(SELECT coalesce(json_agg(top ORDER BY rank DESC), '[]') FROM top),
	(SELECT coalesce(json_agg(f), '[]') FROM f),
	(SELECT coalesce(json_agg(p), '[]') FROM p)`

type pgHit struct {
	URL string `json:"url"`
}

func (p *pgBase) search(ctx context.Context, q string) (int, []pgHit, error) {
	var total int
	var top, facets, places []byte
	if err := p.pool.QueryRow(ctx, pgSearchSQL, q).Scan(&total, &top, &facets, &places); err != nil {
		return 0, nil, err
	}
	var hits []pgHit
	if err := json.Unmarshal(top, &hits); err != nil {
		return 0, nil, err
	}
	return total, hits, nil
}
