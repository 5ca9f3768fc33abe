package portal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/feedback"
	"github.com/congkhai/congkhai/search"
)

// QASource lists the published questions and answers (the feedback store).
type QASource interface {
	AllPublicQA(ctx context.Context) ([]feedback.PublicQA, error)
}

// qaRecheck is how often the index asks the QA source for changes made by other
// replicas (a publish on this replica is indexed at once through IndexQA).
const qaRecheck = time.Minute

// SetQA sets the source of published questions and answers (for a store opened
// after the portal) and indexes them.
func (p *Portal) SetQA(src QASource) {
	p.qa.Store(&src)
	p.IndexQA()
}

// IndexQA asks the indexer to pick up published questions and answers now.
func (p *Portal) IndexQA() {
	if p.idx != nil {
		p.idx.poke()
	}
}

// The index is kept in step with the snapshots by one goroutine. It compares a
// manifest of what is indexed (a hash per notice, dataset and table, saved in the
// index itself) with the new snapshot and applies only the difference, so an edit
// is searchable within a second and a restart re-indexes nothing that did not change.

// The manifest is saved whole under manifestKey now and then (a sync that
// changes many entries, or when the log is long), and between those a sync
// appends its changes to a log under manifestLogKey: rewriting 100,000 lines
// twice per edit was a tenth of a second of an edit's time to searchable.
//
// The saved manifest begins with a line "!epoch\tE"; a log begins with the
// epoch of the manifest it follows and is ignored under any other (a crash
// between saving a manifest and clearing the log). Its records are lines
// "key\t#sum\trows" (an entry, "#0" while dirty) and "key\t-" (removed),
// replayed in order; an unfinished last line is a torn append and ignored.
const (
	manifestKey    = "portal.manifest"
	manifestLogKey = "portal.manifest.log"
	// manifestBulk: a sync changing more entries saves the whole manifest.
	manifestBulk = 1000
)

// manifestLogMax is the number of records the log may hold before the
// manifest is saved whole (a variable for the tests).
var manifestLogMax = 20_000

// rowsPerPage must match the dataset page's page size, so a row hit links to
// the page that shows the row.
const rowsPerPage = 50

// manifestEntry is what the index holds for one notice, dataset or table.
type manifestEntry struct {
	// Sum is a 64-bit digest of the entry's content hash (hashSum), 0 while an
	// apply is in progress. A digest rather than the hash: the manifest of
	// 100,000 notices stays in memory between syncs, and hex hashes made it
	// twice as large.
	Sum  uint64
	Rows int // tables: rows indexed (IDs 1..Rows)
}

// hashSum is the digest of a content hash kept in the manifest: FNV-1a, 64
// bits (hash/fnv's New64a), never 0. Written out because every sync digests
// the hash of every notice, and hash/fnv allocates a hasher and a byte copy
// of the string per call.
func hashSum(h string) uint64 {
	s := uint64(14695981039346656037) // offset basis
	for i := 0; i < len(h); i++ {
		s ^= uint64(h[i])
		s *= 1099511628211 // prime
	}
	if s == 0 {
		return 1
	}
	return s
}

type manifest map[string]manifestEntry

// indexer owns the index's manifest and runs syncs one at a time.
type indexer struct {
	ix     *search.Index
	man    manifest // what the index holds, as last saved; nil until read
	epoch  uint64   // of the saved manifest
	logged int      // records in the manifest log (0: no log)
	resave bool     // what was read on disk was not all usable: save whole next
	// clean holds the notices of the last snapshot synced without error: the
	// manifest has each of them with its current sum. A notice is immutable,
	// and a reload shares the unchanged ones with the previous site, so a sync
	// skips the notices found at the same place here (a pointer comparison)
	// instead of hashing and looking up all 100,000 after each edit.
	clean   []*content.Notice
	wake    chan struct{}
	done    chan struct{}
	mu      sync.Mutex
	synced  uint64 // generation last fully indexed
	changed int    // entries changed by the last sync
	version uint64 // increases with every sync that changed the index
	err     error  // last sync error
	docs    uint64
	waiters []chan struct{}
}

// IndexStatus tells whether the search index has caught up with the content.
type IndexStatus struct {
	Enabled bool
	Synced  bool   // the index reflects the current snapshot
	Docs    uint64 // documents in the index
	Changed int    // notices, datasets and tables re-indexed or removed by the last sync
	Version uint64 // increases whenever the index's content changes (a cache key for results)
	Err     string // the last indexing error, if any
}

// openIndex opens (or rebuilds) the index and reads its manifest. It runs
// while the first content load does, and touches nothing of p but the log.
func (p *Portal) openIndex(dir string) (*indexer, error) {
	ix, rebuilt, err := search.OpenOrRebuild(dir, search.Options{SuggestKinds: []string{"notice", "dataset", "qa"}})
	if err != nil {
		return nil, fmt.Errorf("portal: search index: %w", err)
	}
	if rebuilt {
		p.log.Warn("search index was unusable (older format or torn by a crash) and is being rebuilt from the content", "dir", dir)
	}
	x := &indexer{ix: ix, wake: make(chan struct{}, 1), done: make(chan struct{})}
	if err := p.readManifest(x); err != nil {
		ix.Close()
		return nil, fmt.Errorf("portal: search index: %w", err)
	}
	return x, nil
}

// startIndex starts keeping the index x in step with the snapshots.
func (p *Portal) startIndex(x *indexer) {
	p.idx = x
	ctx, cancel := context.WithCancel(context.Background())
	p.stopIndex = cancel
	go p.indexLoop(ctx)
	x.poke()
}

func (x *indexer) poke() {
	select {
	case x.wake <- struct{}{}:
	default:
	}
}

func (p *Portal) indexLoop(ctx context.Context) {
	defer close(p.idx.done)
	recheck := time.NewTicker(qaRecheck)
	defer recheck.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.idx.wake:
		case <-recheck.C:
			if p.qa.Load() == nil {
				continue
			}
		}
		snap := p.Snapshot()
		start := time.Now()
		n, err := p.syncIndex(ctx, snap)
		if errors.Is(err, context.Canceled) {
			return
		}
		docs, _ := p.idx.ix.Count()
		p.idx.mu.Lock()
		p.idx.err = err
		p.idx.docs = docs
		if err == nil {
			p.idx.synced = snap.Gen
			p.idx.changed = n
			if n > 0 {
				p.idx.version++
			}
			for _, w := range p.idx.waiters {
				close(w)
			}
			p.idx.waiters = nil
		}
		p.idx.mu.Unlock()
		if err != nil {
			p.log.Error("search index sync failed", "generation", snap.Gen, "err", err)
			continue
		}
		if n > 0 {
			p.log.Info("search index synced", "generation", snap.Gen, "changed", n, "docs", docs, "took_ms", time.Since(start).Milliseconds())
		}
		// The first searches would build the facet index of every segment (a
		// second at a million documents). Built here, after the index is
		// marked synced: a search that comes first builds what it needs itself,
		// and the index is searchable meanwhile.
		wstart := time.Now()
		if err := p.idx.ix.Warm(); err != nil {
			p.log.Warn("search index warm-up", "err", err)
		} else if ms := time.Since(wstart).Milliseconds(); ms >= 100 {
			p.log.Info("search index warmed", "took_ms", ms)
		}
	}
}

// WaitIndexed blocks until the index reflects the snapshot current at the call,
// or ctx ends. It returns at once when the portal has no index.
func (p *Portal) WaitIndexed(ctx context.Context) error {
	if p.idx == nil {
		return nil
	}
	gen := p.Snapshot().Gen
	for {
		p.idx.mu.Lock()
		if p.idx.synced >= gen {
			p.idx.mu.Unlock()
			return nil
		}
		w := make(chan struct{})
		p.idx.waiters = append(p.idx.waiters, w)
		p.idx.mu.Unlock()
		select {
		case <-w:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// IndexStatus reports the search index's state.
func (p *Portal) IndexStatus() IndexStatus {
	if p.idx == nil {
		return IndexStatus{}
	}
	p.idx.mu.Lock()
	defer p.idx.mu.Unlock()
	st := IndexStatus{Enabled: true, Synced: p.idx.synced >= p.Snapshot().Gen, Docs: p.idx.docs, Changed: p.idx.changed, Version: p.idx.version}
	if p.idx.err != nil {
		st.Err = p.idx.err.Error()
	}
	return st
}

// ErrNoIndex is returned by Search and Suggest when the portal runs without an index.
var ErrNoIndex = errors.New("portal: search is not enabled")

// Search runs a search. Errors: ErrNoIndex; search.ErrBadQuery (wrapped) for a
// request the user must correct; others are internal.
func (p *Portal) Search(ctx context.Context, r search.Request) (*search.Result, error) {
	if p.idx == nil {
		return nil, ErrNoIndex
	}
	snap := p.Snapshot()
	res, err := p.idx.ix.Search(ctx, r)
	if err != nil {
		return nil, err
	}
	hits := res.Hits[:0]
	for _, h := range res.Hits {
		if h.Kind == "row" && !resolveRow(snap, &h) {
			continue
		}
		hits = append(hits, h)
	}
	res.Hits = hits
	return res, nil
}

// Suggest completes a title prefix. Errors as Search.
func (p *Portal) Suggest(ctx context.Context, prefix string, n int) ([]search.Suggestion, error) {
	if p.idx == nil {
		return nil, ErrNoIndex
	}
	return p.idx.ix.Suggest(ctx, prefix, n)
}

// Close writes the content cache if a change is pending, stops indexing and
// closes the index.
func (p *Portal) Close() error {
	p.flushCache()
	if p.idx == nil {
		return nil
	}
	p.stopIndex()
	<-p.idx.done
	return p.idx.ix.Close()
}

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

// readManifest reads x's saved manifest and replays its log. What cannot be
// read counts as not indexed: everything is indexed again.
func (p *Portal) readManifest(x *indexer) error {
	ix := x.ix
	b, err := ix.Meta(manifestKey)
	if err != nil {
		return fmt.Errorf("read manifest: %w", err)
	}
	lb, err := ix.Meta(manifestLogKey)
	if err != nil {
		return fmt.Errorf("read manifest log: %w", err)
	}
	resave := false
	m, epoch, err := decodeManifest(b)
	if err != nil {
		p.log.Warn("search manifest unreadable; re-indexing everything", "err", err)
		m, epoch, lb, resave = manifest{}, 0, nil, true
	}
	n, err := replayManifestLog(m, epoch, lb)
	if err != nil {
		p.log.Warn("search manifest log unreadable; re-indexing everything", "err", err)
		m, n, resave = manifest{}, 0, true
	}
	if len(lb) > 0 && n == 0 {
		resave = true // a log of another epoch, or torn in its first append
	}
	x.man, x.epoch, x.logged, x.resave = m, epoch, n, resave
	return nil
}

// saveManifest saves m whole under a new epoch and drops the log.
func (p *Portal) saveManifest(m manifest) error {
	ix := p.idx.ix
	if err := ix.SetMeta(manifestKey, encodeManifest(m, p.idx.epoch+1)); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	p.idx.epoch++
	if err := ix.SetMeta(manifestLogKey, nil); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	p.idx.logged, p.idx.resave = 0, false
	return nil
}

// logManifest appends n records to the manifest's log.
func (p *Portal) logManifest(records []byte, n int) error {
	if n == 0 {
		return nil
	}
	var err error
	if p.idx.logged == 0 {
		// A new log replaces whatever file is there (written atomically):
		// appended to a log of another epoch, these records would be ignored.
		err = p.idx.ix.SetMeta(manifestLogKey, append(epochLine(nil, p.idx.epoch), records...))
	} else {
		err = p.idx.ix.AppendMeta(manifestLogKey, records)
	}
	if err != nil {
		return fmt.Errorf("write manifest log: %w", err)
	}
	p.idx.logged += n
	return nil
}

func epochLine(b []byte, epoch uint64) []byte {
	b = append(b, "!epoch\t"...)
	b = strconv.AppendUint(b, epoch, 10)
	return append(b, '\n')
}

// appendEntry appends the line of one entry: "key\t#sum\trows".
func appendEntry(b []byte, k string, e manifestEntry) []byte {
	b = append(b, k...)
	b = append(b, '\t', '#')
	b = strconv.AppendUint(b, e.Sum, 16)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(e.Rows), 10)
	return append(b, '\n')
}

// replayManifestLog applies the log b, written after the manifest of epoch,
// to m and returns the number of records. A log of another epoch is ignored.
func replayManifestLog(m manifest, epoch uint64, b []byte) (int, error) {
	first, rest, ok := bytes.Cut(b, []byte{'\n'})
	if !ok || string(first) != "!epoch\t"+strconv.FormatUint(epoch, 10) {
		return 0, nil // no log, a torn first append, or an older manifest's
	}
	n := 0
	for {
		line, next, ok := bytes.Cut(rest, []byte{'\n'})
		if !ok {
			return n, nil // an unfinished line: a torn append
		}
		rest = next
		if k, ok := bytes.CutSuffix(line, []byte("\t-")); ok && len(k) > 0 && !bytes.ContainsRune(k, '\t') {
			delete(m, string(k))
		} else {
			k, e, err := decodeEntry(line)
			if err != nil {
				return 0, err
			}
			m[k] = e
		}
		n++
	}
}

// The manifest is saved as a line "!epoch\tE" and then lines "key\t#sum\trows\n"
// (sum in hexadecimal, "#0" while dirty), sorted by key. Older versions wrote
// no epoch, the hash itself instead of "#sum", or a JSON object; all are
// still read (as epoch 0).
func encodeManifest(m manifest, epoch uint64) []byte {
	keys := make([]string, 0, len(m))
	n := 32
	for k := range m {
		keys = append(keys, k)
		n += len(k) + 30
	}
	sort.Strings(keys)
	b := epochLine(make([]byte, 0, n), epoch)
	for _, k := range keys {
		b = appendEntry(b, k, m[k])
	}
	return b
}

// decodeManifest reads what encodeManifest (or an older version) wrote.
// On error it returns an empty manifest: everything is indexed again.
func decodeManifest(b []byte) (manifest, uint64, error) {
	m := manifest{}
	if len(b) == 0 {
		return m, 0, nil
	}
	if b[0] == '{' {
		var old map[string]struct {
			Hash string `json:"h"`
			Rows int    `json:"r"`
		}
		if err := json.Unmarshal(b, &old); err != nil {
			return manifest{}, 0, err
		}
		for k, e := range old {
			m[k] = manifestEntry{Sum: oldSum(e.Hash), Rows: e.Rows}
		}
		return m, 0, nil
	}
	var epoch uint64
	if e, ok := bytes.CutPrefix(b, []byte("!epoch\t")); ok {
		line, rest, ok := bytes.Cut(e, []byte{'\n'})
		n, err := strconv.ParseUint(string(line), 10, 64)
		if !ok || err != nil {
			return manifest{}, 0, fmt.Errorf("manifest: bad epoch line %q", line)
		}
		epoch, b = n, rest
	}
	for len(b) > 0 {
		line, rest, ok := bytes.Cut(b, []byte{'\n'})
		if !ok {
			return manifest{}, 0, errors.New("manifest: last line not ended")
		}
		b = rest
		k, e, err := decodeEntry(line)
		if err != nil {
			return manifest{}, 0, err
		}
		m[k] = e
	}
	return m, epoch, nil
}

// decodeEntry reads one line "key\t#sum\trows" (or an older "key\thash\trows").
func decodeEntry(line []byte) (string, manifestEntry, error) {
	k, v, ok1 := bytes.Cut(line, []byte{'\t'})
	h, r, ok2 := bytes.Cut(v, []byte{'\t'})
	rows, err := strconv.Atoi(string(r))
	sum := oldSum(string(h))
	if len(h) > 0 && h[0] == '#' {
		var serr error
		sum, serr = strconv.ParseUint(string(h[1:]), 16, 64)
		err = errors.Join(err, serr)
	}
	if !ok1 || !ok2 || err != nil || rows < 0 || len(k) == 0 {
		return "", manifestEntry{}, fmt.Errorf("manifest: bad line %q", line)
	}
	return string(k), manifestEntry{Sum: sum, Rows: rows}, nil
}

// oldSum is the digest of a hash as older versions saved it ("" when dirty).
func oldSum(h string) uint64 {
	if h == "" {
		return 0
	}
	return hashSum(h)
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

func rowID(file string, n int) string { return "r:" + file + "#" + strconv.Itoa(n) }

// placeLabels turns places into facet values: each named level, most specific
// first, without the site's own province (every document would carry it).
func placeLabels(site *content.Site, places []content.Place) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] && s != site.Config.Province {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, pl := range places {
		add(pl.Commune)
		add(pl.District)
		add(pl.Province)
	}
	return out
}

func (p *Portal) noticeDoc(snap *Snapshot, n *content.Notice) search.Document {
	// Bodies are not kept in memory; only changed notices come here.
	body, err := n.Body()
	if err != nil {
		// Changed or deleted since the snapshot: the reload that follows brings
		// a new hash (or removes the notice) and this document is redone.
		p.log.Warn("notice indexed without its body", "path", n.Path, "err", err)
	}
	return search.Document{
		ID:        "n:" + n.Path,
		Kind:      "notice",
		URL:       "/" + n.Path,
		Title:     n.Title,
		Body:      body.Text,
		Number:    n.Number,
		Signer:    n.Signer,
		Agency:    n.Agency,
		Category:  string(n.Category),
		Places:    placeLabels(snap.Site, n.Places),
		Tags:      n.Tags,
		Published: n.Published,
	}
}

func (p *Portal) datasetDoc(snap *Snapshot, d *content.Dataset) search.Document {
	var b strings.Builder
	b.WriteString(d.Text)
	for _, c := range d.Columns {
		b.WriteString("\n" + c.Title + " " + c.Description)
	}
	return search.Document{
		ID:        "d:" + d.Path,
		Kind:      "dataset",
		URL:       "/" + d.Path,
		Title:     d.Title,
		Body:      b.String(),
		Agency:    d.Agency,
		Category:  string(d.Category),
		Places:    placeLabels(snap.Site, d.Places),
		Tags:      d.Tags,
		Published: d.Published,
	}
}

// rowDoc makes one table row searchable: its text cells form the title (a road
// and its segment, an item of a budget), every cell with its column title forms
// the body, the dataset's title its context, and a column of communes adds the
// row's place.
func (p *Portal) rowDoc(snap *Snapshot, d *content.Dataset, t *content.Table, r content.Row) search.Document {
	var title, body, cols []string
	places := placeLabels(snap.Site, d.Places)
	for i, v := range r.Cells {
		if v.Raw == "" || i >= len(t.Columns) {
			continue
		}
		col := t.Columns[i]
		if col.Type == content.TypeText || col.Type == "" {
			// Other columns' titles are in the body beside their values.
			cols = append(cols, col.Title)
			// Text cells are the row's title; not repeated in the body, which
			// would double the index for nothing.
			title = append(title, v.Raw)
			if isPlaceColumn(col) {
				places = append(places, v.Raw)
			}
			continue
		}
		body = append(body, col.Title+": "+v.Raw)
	}
	tt := strings.Join(title, " – ")
	if len([]rune(tt)) > 200 {
		tt = string([]rune(tt)[:200]) + "…"
	}
	if tt == "" {
		tt = d.Title + " – " + strconv.Itoa(r.N)
	}
	return search.Document{
		ID:    rowID(t.File, r.N),
		Kind:  "row",
		Lean:  true, // URL and the rest come back from resolveRow
		Title: tt,
		Body:  strings.Join(body, "; "),
		// The dataset's title and the column titles help a query find the row
		// ("giá đất Trần Hưng Đạo") but cannot match it alone ("giá đất").
		Context:   d.Title + "\n" + strings.Join(cols, " "),
		Agency:    d.Agency,
		Category:  string(d.Category),
		Places:    places,
		Published: d.Updated,
	}
}

// rowURL is the dataset page at the row.
func rowURL(d *content.Dataset, t *content.Table, n int) string {
	page := (n-1)/rowsPerPage + 1
	return fmt.Sprintf("/%s?bang=%s&trang=%d#r%d", d.Path, t.Name, page, n)
}

// resolveRow fills what a row's hit does not store (rowDoc makes them lean)
// from its dataset. It reports false when the row's table is no longer in
// the snapshot: a change the index has not caught up with yet.
func resolveRow(snap *Snapshot, h *search.Hit) bool {
	file, num, ok := strings.Cut(strings.TrimPrefix(h.ID, "r:"), "#")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 1 {
		return false
	}
	// A dataset's tables are the table files of its own folder.
	d, ok := snap.Site.Dataset(path.Dir(file))
	if !ok {
		return false
	}
	i := slices.IndexFunc(d.Tables, func(t *content.Table) bool { return t.File == file })
	if i < 0 || n > d.Tables[i].RowCount {
		return false
	}
	t := d.Tables[i]
	h.URL, h.Parent = rowURL(d, t, n), "d:"+d.Path
	h.Agency, h.Category, h.Published = d.Agency, string(d.Category), d.Updated
	h.Places = placeLabels(snap.Site, d.Places)
	return true
}

// isPlaceColumn recognises a column of communes or wards by its name or title.
func isPlaceColumn(c content.Column) bool {
	for _, s := range []string{c.Name, c.Title} {
		f := strings.ReplaceAll(content.Fold(s), "_", " ")
		switch f {
		case "xa", "phuong", "xa phuong", "phuong xa", "xa, phuong", "xa, phuong, thi tran", "xa, thi tran", "commune", "ward":
			return true
		}
	}
	return false
}

// qaDoc makes a published question and answer searchable. It holds no personal
// data: the store publishes only the texts staff edited for publication.
func qaDoc(snap *Snapshot, qa feedback.PublicQA) search.Document {
	title := qa.Question
	if r := []rune(title); len(r) > 160 {
		title = string(r[:160]) + "…"
	}
	var places []string
	var category string
	if n, d := snap.Lookup(qa.TargetPath); n != nil {
		places, category = placeLabels(snap.Site, n.Places), string(n.Category)
	} else if d != nil {
		places, category = placeLabels(snap.Site, d.Places), string(d.Category)
	}
	body := qa.Question + "\n" + qa.Answer
	if qa.TargetTitle != "" {
		body += "\n" + qa.TargetTitle
	}
	return search.Document{
		ID:        "q:" + strconv.FormatInt(qa.ID, 10),
		Kind:      "qa",
		URL:       "/hoi-dap/" + strconv.FormatInt(qa.ID, 10),
		Title:     title,
		Body:      body,
		Agency:    qa.Agency,
		Category:  category,
		Places:    places,
		Published: qa.PublishedAt,
	}
}
