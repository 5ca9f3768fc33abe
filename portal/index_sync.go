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
	ix := p.idx.ix
	if p.idx.man == nil { // clean is nil too: both are dropped together
		if err := p.readManifest(p.idx); err != nil {
			return 0, err
		}
	}
	old := p.idx.man
	// want keeps only the entries that differ from old. seen counts the wanted
	// keys old has: when it has them all, nothing was removed, and an edit does
	// not walk the 100,000 entries of old a second time.
	want := manifest{}
	seen := 0
	consider := func(key string, e manifestEntry) {
		o, ok := old[key]
		if ok {
			seen++
		}
		if !ok || o.Sum != e.Sum || o.Sum == 0 {
			want[key] = e
		}
	}
	// The notices left clean since the last sync are in old, unchanged.
	passed := p.eachWanted(snap, p.idx.clean, consider)
	seen += passed
	qas := map[string]feedback.PublicQA{}
	if src := p.qa.Load(); src != nil {
		all, err := (*src).AllPublicQA(ctx)
		if err != nil {
			return 0, fmt.Errorf("published q&a: %w", err)
		}
		for _, qa := range all {
			key := "q:" + strconv.FormatInt(qa.ID, 10)
			sum := sha256.Sum256([]byte(qa.Question + "\x00" + qa.Answer + "\x00" + qa.Agency + "\x00" + qa.PublishedAt.String()))
			consider(key, manifestEntry{Sum: hashSum(hex.EncodeToString(sum[:12]))})
			qas[key] = qa
		}
	}

	changed := make([]string, 0, len(want))
	for key := range want {
		changed = append(changed, key)
	}
	var removed []string
	if seen < len(old) {
		keys := make(map[string]bool, len(old))
		p.eachWanted(snap, nil, func(key string, _ manifestEntry) { keys[key] = true })
		for key := range old {
			if _, ok := qas[key]; !ok && !keys[key] {
				removed = append(removed, key)
			}
		}
	}
	if len(changed) == 0 && len(removed) == 0 {
		return 0, nil
	}
	sort.Strings(changed)
	sort.Strings(removed)

	// Mark what is about to change as dirty first: if the process dies half way,
	// the next sync redoes those entries (and still knows how many rows to delete).
	// The manifest is changed in place: what is in memory is what was last saved,
	// or dirtier.
	bulk := len(changed)+len(removed) > manifestBulk || p.idx.resave
	dirty := old
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
		if err := p.saveManifest(dirty); err != nil {
			return 0, err
		}
	} else if err := p.logManifest(dirtyLog, len(changed)); err != nil {
		return 0, err
	}

	final := dirty
	var dels []string
	for _, key := range removed {
		dels = append(dels, docIDs(key, old[key])...)
		delete(final, key)
	}
	if len(dels) > 0 {
		if err := ix.Apply(ctx, nil, dels); err != nil {
			return 0, err
		}
	}
	var batch []search.Document
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := ix.Apply(ctx, batch, nil)
		batch = batch[:0]
		return err
	}
	applyDocs, applyRows := p.applySizes()
	start := time.Now()
	tables := false
	for i, key := range changed {
		kind, id, _ := strings.Cut(key, ":")
		if kind == "t" && !tables {
			// Keys are sorted: notices, datasets and answers come before tables.
			tables = true
			if err := flush(); err != nil {
				return 0, err
			}
			if i >= 1000 {
				p.log.Info("search index: notices and datasets indexed, tables next", "entries", i, "took_ms", time.Since(start).Milliseconds())
			}
		}
		switch kind {
		case "n":
			n, _ := snap.Site.Notice(id)
			batch = append(batch, p.noticeDoc(snap, n))
		case "d":
			d, _ := snap.Site.Dataset(id)
			batch = append(batch, p.datasetDoc(snap, d))
		case "q":
			batch = append(batch, qaDoc(snap, qas[key]))
		case "t":
			d, t := tableByFile(snap, id)
			rows := 0
			err := t.Each(ctx, func(r content.Row) error {
				rows = r.N
				batch = append(batch, p.rowDoc(snap, d, t, r))
				if len(batch) >= applyRows {
					return flush()
				}
				return nil
			})
			if err != nil {
				return 0, fmt.Errorf("index %s: %w", t.File, err)
			}
			// Rows past the new end of a shorter table.
			if prev := old[key].Rows; prev > rows {
				var extra []string
				for i := rows + 1; i <= prev; i++ {
					extra = append(extra, rowID(id, i))
				}
				if err := flush(); err != nil {
					return 0, err
				}
				if err := ix.Apply(ctx, nil, extra); err != nil {
					return 0, err
				}
			}
			e := want[key]
			e.Rows = rows
			want[key] = e
		}
		if len(batch) >= applyDocs {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := flush(); err != nil {
		return 0, err
	}
	var finalLog []byte
	for _, key := range changed {
		final[key] = want[key]
		finalLog = appendEntry(finalLog, key, want[key])
	}
	for _, key := range removed {
		finalLog = append(append(finalLog, key...), "\t-\n"...)
	}
	if bulk || p.idx.logged+len(changed)+len(removed) > manifestLogMax {
		err = p.saveManifest(final)
	} else {
		err = p.logManifest(finalLog, len(changed)+len(removed))
	}
	if err != nil {
		return 0, err
	}
	return len(changed) + len(removed), nil
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
			fn("t:"+t.File, manifestEntry{Sum: hashSum(t.Hash + "|" + d.Hash + "|" + d.Path)})
		}
	}
	return passed
}

func tableByFile(snap *Snapshot, file string) (*content.Dataset, *content.Table) {
	for _, d := range snap.Site.Datasets {
		for _, t := range d.Tables {
			if t.File == file {
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
