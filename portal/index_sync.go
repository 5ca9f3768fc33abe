package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/feedback"
	"github.com/congkhai/congkhai/search"
)

// applySizes is how many notices (or datasets, or answers) and how many
// table rows a sync hands the index per Apply. Each Apply waits for its
// documents to be on disk, and search.Index.Apply indexes the batches of one
// call two at a time; with Config.BuildOnly the calls are large enough to
// have several batches (even larger ones would mostly hold more memory),
// otherwise each is mostly one batch, which keeps a serving portal's memory as it
// was before batches overlapped.
func (p *Portal) applySizes() (docs, rows int) {
	if p.cfg.BuildOnly {
		return 2000, 10000
	}
	return 200, 1000
}

// syncIndex brings the index in line with snap and returns how many notices,
// datasets and tables changed.
func (p *Portal) syncIndex(ctx context.Context, snap *Snapshot) (n int, err error) {
	defer func() {
		if err != nil {
			// The manifest in memory may be ahead of the saved one: read it again.
			p.idx.man, p.idx.clean = nil, nil
			return
		}
		p.idx.clean = snap.Site.Notices
	}()
	if p.idx.man == nil { // clean is nil too: both are dropped together
		if err := p.readManifest(p.idx); err != nil {
			return 0, err
		}
	}
	d, err := p.diffIndex(ctx, snap)
	if err != nil {
		return 0, err
	}
	if len(d.changed) == 0 && len(d.removed) == 0 {
		return 0, nil
	}
	bulk := len(d.changed)+len(d.removed) > manifestBulk || p.idx.resave
	if err := p.markDirty(d.changed, bulk); err != nil {
		return 0, err
	}
	if err := p.applyDiff(ctx, snap, d); err != nil {
		return 0, err
	}
	if err := p.recordDiff(d, bulk); err != nil {
		return 0, err
	}
	return len(d.changed) + len(d.removed), nil
}

// indexDiff is what a sync changes in the index.
type indexDiff struct {
	want    manifest // the entries of the changed keys (a table's Rows once indexed)
	changed []string // keys to index again, sorted
	removed []string // keys to remove, sorted
	qas     map[string]feedback.PublicQA
}

// diffIndex compares the manifest with what the index should hold for snap.
func (p *Portal) diffIndex(ctx context.Context, snap *Snapshot) (*indexDiff, error) {
	old := p.idx.man
	// want keeps only the entries that differ from old. seen counts the wanted
	// keys old has: when it has them all, nothing was removed, and an edit does
	// not walk the 100,000 entries of old a second time.
	d := &indexDiff{want: manifest{}, qas: map[string]feedback.PublicQA{}}
	seen := 0
	consider := func(key string, e manifestEntry) {
		o, ok := old[key]
		if ok {
			seen++
		}
		if !ok || o.Sum != e.Sum || o.Sum == 0 {
			d.want[key] = e
		}
	}
	// The notices left clean since the last sync are in old, unchanged.
	passed := p.eachWanted(snap, p.idx.clean, consider)
	seen += passed
	if src := p.qa.Load(); src != nil {
		all, err := (*src).AllPublicQA(ctx)
		if err != nil {
			return nil, fmt.Errorf("published q&a: %w", err)
		}
		for _, qa := range all {
			key := "q:" + strconv.FormatInt(qa.ID, 10)
			sum := sha256.Sum256([]byte(qa.Question + "\x00" + qa.Answer + "\x00" + qa.Agency + "\x00" + qa.PublishedAt.String()))
			consider(key, manifestEntry{Sum: hashSum(hex.EncodeToString(sum[:12]))})
			d.qas[key] = qa
		}
	}
	d.changed = make([]string, 0, len(d.want))
	for key := range d.want {
		d.changed = append(d.changed, key)
	}
	if seen < len(old) {
		keys := make(map[string]bool, len(old))
		p.eachWanted(snap, nil, func(key string, _ manifestEntry) { keys[key] = true })
		for key := range old {
			if _, ok := d.qas[key]; !ok && !keys[key] {
				d.removed = append(d.removed, key)
			}
		}
	}
	sort.Strings(d.changed)
	sort.Strings(d.removed)
	return d, nil
}

// markDirty marks the changed entries dirty, before they are applied: if the
// process dies half way, the next sync redoes those entries (and still knows
// how many rows to delete). The manifest is changed in place: what is in
// memory is what was last saved, or dirtier.
func (p *Portal) markDirty(changed []string, bulk bool) error {
	dirty := p.idx.man
	var dirtyLog []byte
	for _, k := range changed {
		e := dirty[k]
		e.Sum = 0
		dirty[k] = e
		if !bulk {
			dirtyLog = appendEntry(dirtyLog, k, e)
		}
	}
	if bulk {
		return p.saveManifest(dirty)
	}
	return p.logManifest(dirtyLog, len(changed))
}

// docBatch gathers documents for one call of Index.Apply.
type docBatch struct {
	ix   *search.Index
	docs []search.Document
}

func (b *docBatch) flush(ctx context.Context) error {
	if len(b.docs) == 0 {
		return nil
	}
	err := b.ix.Apply(ctx, b.docs, nil)
	b.docs = b.docs[:0]
	return err
}

// applyDiff removes the removed entries' documents from the index (and the
// entries from the manifest) and indexes the changed ones.
func (p *Portal) applyDiff(ctx context.Context, snap *Snapshot, d *indexDiff) error {
	ix, man := p.idx.ix, p.idx.man
	var dels []string
	for _, key := range d.removed {
		dels = append(dels, docIDs(key, man[key])...)
		delete(man, key)
	}
	if len(dels) > 0 {
		if err := ix.Apply(ctx, nil, dels); err != nil {
			return err
		}
	}
	b := &docBatch{ix: ix}
	applyDocs, applyRows := p.applySizes()
	start := time.Now()
	tables := false
	for i, key := range d.changed {
		kind, id, _ := strings.Cut(key, ":")
		if kind == "t" && !tables {
			// Keys are sorted: notices, datasets and answers come before tables.
			tables = true
			if err := b.flush(ctx); err != nil {
				return err
			}
			if i >= 1000 {
				p.log.Info("search index: notices and datasets indexed, tables next", "entries", i, "took_ms", time.Since(start).Milliseconds())
			}
		}
		switch kind {
		case "n":
			n, _ := snap.Site.Notice(id)
			b.docs = append(b.docs, p.noticeDoc(snap, n))
		case "d":
			ds, _ := snap.Site.Dataset(id)
			b.docs = append(b.docs, p.datasetDoc(snap, ds))
		case "q":
			b.docs = append(b.docs, qaDoc(snap, d.qas[key]))
		case "t":
			rows, err := p.indexTable(ctx, snap, b, id, man[key].Rows, applyRows)
			if err != nil {
				return err
			}
			e := d.want[key]
			e.Rows = rows
			d.want[key] = e
		}
		if len(b.docs) >= applyDocs {
			if err := b.flush(ctx); err != nil {
				return err
			}
		}
	}
	return b.flush(ctx)
}

// indexTable indexes the rows of the table with the id (handing b to the index
// every applyRows rows), deletes the rows past its end when it had prev
// rows, and returns its number of rows.
func (p *Portal) indexTable(ctx context.Context, snap *Snapshot, b *docBatch, id string, prev, applyRows int) (int, error) {
	d, t := tableByID(snap, id)
	rows := 0
	err := t.Each(ctx, func(r content.Row) error {
		rows = r.N
		b.docs = append(b.docs, p.rowDoc(snap, d, t, r))
		if len(b.docs) >= applyRows {
			return b.flush(ctx)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("index %s: %w", t.File, err)
	}
	// Rows past the new end of a shorter table.
	if prev > rows {
		var extra []string
		for i := rows + 1; i <= prev; i++ {
			extra = append(extra, rowID(id, i))
		}
		if err := b.flush(ctx); err != nil {
			return 0, err
		}
		if err := b.ix.Apply(ctx, nil, extra); err != nil {
			return 0, err
		}
	}
	return rows, nil
}

// recordDiff writes the applied entries into the manifest: appended to its
// log, or the manifest saved whole after a bulk sync or when the log is long.
func (p *Portal) recordDiff(d *indexDiff, bulk bool) error {
	final := p.idx.man
	var finalLog []byte
	for _, key := range d.changed {
		final[key] = d.want[key]
		finalLog = appendEntry(finalLog, key, d.want[key])
	}
	for _, key := range d.removed {
		finalLog = append(append(finalLog, key...), "\t-\n"...)
	}
	if bulk || p.idx.logged+len(d.changed)+len(d.removed) > p.idx.logMax {
		return p.saveManifest(final)
	}
	return p.logManifest(finalLog, len(d.changed)+len(d.removed))
}

// eachWanted calls fn with each entry the index should hold for snap (each
// key once), with hashes that change whenever a document built from the entry
// would. Published answers are not among them. A notice found at the same
// index in clean is passed over, and counted in the result.
func (p *Portal) eachWanted(snap *Snapshot, clean []*content.Notice, fn func(key string, e manifestEntry)) (passed int) {
	for i, n := range snap.Site.Notices {
		if i < len(clean) && clean[i] == n {
			passed++
			continue
		}
		fn("n:"+n.Path, manifestEntry{Sum: hashSum(n.Hash)})
	}
	for _, d := range snap.Site.Datasets {
		var th []string
		for _, t := range d.Tables {
			th = append(th, t.Name)
		}
		fn("d:"+d.Path, manifestEntry{Sum: hashSum(d.Hash + "|" + strings.Join(th, ","))})
		for _, t := range d.Tables {
			// A row document carries its dataset's title, place and URL: a change
			// in index.md re-indexes the rows too.
			fn("t:"+t.ID, manifestEntry{Sum: hashSum(t.Hash + "|" + d.Hash + "|" + d.Path)})
		}
	}
	return passed
}

func tableByID(snap *Snapshot, id string) (*content.Dataset, *content.Table) {
	for _, d := range snap.Site.Datasets {
		for _, t := range d.Tables {
			if t.ID == id {
				return d, t
			}
		}
	}
	return nil, nil
}

// docIDs are the search document IDs of a manifest entry.
func docIDs(key string, e manifestEntry) []string {
	kind, id, _ := strings.Cut(key, ":")
	switch kind {
	case "t":
		ids := make([]string, 0, e.Rows)
		for i := 1; i <= e.Rows; i++ {
			ids = append(ids, rowID(id, i))
		}
		return ids
	default:
		return []string{key}
	}
}
