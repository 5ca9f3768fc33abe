package portal

import (
	"bufio"
	"cmp"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/internal/atomicfile"
	"github.com/congkhai/congkhai/publish"
)

// The record and the content folder.
//
// Every version of every notice and dataset is kept by package publish in the
// portal's database. The content folder stays the source of what is served:
// a version is published by writing its files into the folder (Publish,
// ApproveDraft), and what is written into the folder by hand is recorded.
// Each replica — a serve process with its own content and data folders on a
// shared PostgreSQL database — keeps its folder in step with the record:
//
//   - A recorder goroutine (Run) follows the record: woken by
//     publish.Store.Listen (PostgreSQL's NOTIFY) and every pollEvery, it reads
//     the versions recorded since its cursor (VersionsSince) and applies each
//     to the folder: writes the files that differ (content.WriteItem: atomic,
//     never through a link), removes those the version dropped (all of them
//     for a withdrawal), reloads the paths it touched and moves its cursor.
//     The versions this replica recorded come back the same way and change
//     nothing.
//   - What the replica knows of every item — the version number, its files
//     with their hashes and the size and time they had on disk when written
//     or read — is the recorder's state, kept with the cursor in RecordFile
//     (written atomically a second after changes, and at Close). A replica
//     with no state file applies the latest version of every item
//     (EachLatest), then follows from the head it read first.
//   - After every reload, the items whose files the watcher reported are
//     compared with that state: the markdown file by the hash the loader
//     computed, other files by size and time, read again only when those
//     differ. An item whose files loaded and differ is recorded as a hand edit
//     (actor publish.ActorFile), a new one as published, one whose markdown
//     file is gone as withdrawn; each based on the version the replica knows
//     (NewVersion.CheckBase), so that a replica that has not yet applied a
//     version made elsewhere never records its older files over it: the
//     record wins, and its version overwrites the local edit (logged). A file
//     that does not load (its last good version is served) is not recorded
//     until it does. The first start on a folder with an empty record
//     records every item this way, in batches (RecordBatch), in the
//     background.
//   - A crash leaves each file old or new (WriteItem), and a version recorded
//     is durable; a restart applies again every version after the cursor it
//     saved, so none that the record acknowledged is lost, and applying a
//     version twice changes nothing.

// Reasons of the versions the recorder records for hand edits.
const (
	ReasonHandEdit   = "Sửa trực tiếp tệp trong thư mục nội dung"
	ReasonHandAdd    = "Thêm tệp vào thư mục nội dung"
	ReasonHandRemove = "Xóa tệp khỏi thư mục nội dung"
)

const (
	// pollEvery is how often the recorder asks the record for versions it
	// was not told about (another process on SQLite, a lost notification).
	pollEvery = time.Second
	// stateQuiet and stateMaxWait time the writes of RecordFile.
	stateQuiet   = time.Second
	stateMaxWait = 10 * time.Second
	// applyBatch is how many versions the recorder reads at a time, and
	// applyBytes the bytes of files it holds before it writes them and
	// reloads; recordBatch is how many hand edits it records per
	// transaction, and recordBytes the bytes of new files it stores per
	// transaction.
	applyBatch  = 200
	applyBytes  = 64 << 20
	recordBatch = 200
	recordBytes = 64 << 20
)

// fileState is a file of an item as the replica last wrote or read it.
type fileState struct {
	Name    string
	Hash    string
	Size    int64
	ModTime int64 // on disk, in Unix nanoseconds; 0 when unknown
}

// itemState is what the replica knows of an item of the record: its latest
// version, as its folder holds it. Values are never changed once shared:
// a change makes a new one.
type itemState struct {
	Path      string
	Kind      publish.Kind
	Number    int
	ID        int64
	Digest    string
	Withdrawn bool
	Action    publish.Action
	At        time.Time // of the latest version
	Reason    string    // of the latest version
	First     time.Time // when the first version was recorded
	Mods      int       // corrections and hand edits after the first version
	LastMod   time.Time // of the last of them
	ModReason string    // its reason
	Title     string    // the title, kept for a withdrawn item's tombstone
	Files     []fileState
}

func (st *itemState) file(name string) (fileState, bool) {
	for _, f := range st.Files {
		if f.Name == name {
			return f, true
		}
	}
	return fileState{}, false
}

// modification reports whether a version counts in "Đã sửa đổi N lần": a
// correction or a hand edit after the first version.
func modification(v *publish.Version) bool {
	return v.Number > 1 && (v.Action == publish.ActionCorrect || v.Action == publish.ActionHandEdit)
}

// recorder keeps the content folder and the record in step (see above).
type recorder struct {
	p     *Portal
	store *publish.Store
	dir   string
	file  string
	key   string // the content folder's absolute path: a state file of another folder is not used

	mu     sync.Mutex // serialises recording and applying; guards cursor and items
	cursor int64
	items  map[string]*itemState
	index  atomic.Pointer[recordIndex]
	ready  bool // caught up once since the start

	pmu      sync.Mutex // guards pending, full and progress
	pending  map[string]bool
	full     bool
	progress chan struct{} // closed and replaced whenever the recorder finishes a round
	wake     chan struct{}

	saveMu    sync.Mutex
	saveWake  chan struct{}
	saveDirty atomic.Bool
}

func newRecorder(p *Portal) *recorder {
	key := p.cfg.Dir
	if abs, err := filepath.Abs(p.cfg.Dir); err == nil {
		key = abs
	}
	return &recorder{p: p, store: p.cfg.Publish, dir: p.cfg.Dir, file: p.cfg.RecordFile, key: key,
		items: map[string]*itemState{}, pending: map[string]bool{}, progress: make(chan struct{}),
		wake: make(chan struct{}, 1), saveWake: make(chan struct{}, 1)}
}

// touch queues the items under paths (nil: every item) for comparison with
// the record.
func (r *recorder) touch(paths []string) {
	r.pmu.Lock()
	if paths == nil || slices.Contains(paths, ".") {
		r.full = true
	}
	for _, p := range paths {
		r.pending[p] = true
	}
	r.pmu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// round marks the end of a round of work for WaitRecord.
func (r *recorder) round() {
	r.pmu.Lock()
	close(r.progress)
	r.progress = make(chan struct{})
	r.pmu.Unlock()
}

// run follows the record until ctx ends: it catches up, compares the whole
// folder with the record, then applies new versions and records hand edits
// as they come.
func (r *recorder) run(ctx context.Context) {
	log := r.p.log
	if removed, err := content.CleanTemp(r.dir); err != nil {
		log.Warn("temporary files not cleaned", "err", err)
	} else if len(removed) > 0 {
		log.Info("temporary files of an interrupted write removed", "files", removed)
	}
	listen := r.store.Listen(ctx)
	saveCtx, stopSave := context.WithCancel(context.Background())
	saveDone := make(chan struct{})
	go func() { defer close(saveDone); r.saveLoop(saveCtx) }()
	defer func() { stopSave(); <-saveDone; r.saveState() }()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for ctx.Err() == nil {
		if err := r.start(ctx); err == nil {
			break
		} else if ctx.Err() == nil {
			log.Error("publishing record: catching up failed; retrying", "err", err)
		}
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-listen:
			if !ok {
				return
			}
		case <-tick.C:
		case <-r.wake:
		}
		if err := r.follow(ctx); err != nil && ctx.Err() == nil {
			log.Error("publishing record: applying versions failed", "err", err)
		}
		if err := r.reconcile(ctx); err != nil && ctx.Err() == nil {
			log.Error("publishing record: recording hand edits failed", "err", err)
		}
		r.round()
	}
}

// start catches up with the record once: the latest version of every item
// for a replica without state, then every version since the cursor; then the
// whole folder is compared with the record.
func (r *recorder) start(ctx context.Context) error {
	start := time.Now()
	r.mu.Lock()
	fresh := r.cursor == 0 && len(r.items) == 0
	r.mu.Unlock()
	if fresh {
		head, err := r.store.Head(ctx)
		if err != nil {
			return err
		}
		if head > 0 {
			var batch []publish.Version
			flush := func() error {
				err := r.apply(ctx, batch, 0)
				batch = batch[:0]
				var skipped *skippedError
				if errors.As(err, &skipped) {
					return nil // logged; the item keeps its files here
				}
				return err
			}
			err := r.store.EachLatest(ctx, func(v *publish.Version) error {
				batch = append(batch, *v)
				if len(batch) == applyBatch {
					return flush()
				}
				return nil
			})
			if err == nil {
				err = flush()
			}
			if err != nil {
				return err
			}
			r.mu.Lock()
			r.cursor = max(r.cursor, head)
			r.mu.Unlock()
			r.dirty()
			r.p.log.Info("publishing record: folder brought to the latest versions", "items", len(r.items), "head", head, "took_ms", time.Since(start).Milliseconds())
		}
	}
	if err := r.follow(ctx); err != nil {
		return err
	}
	r.pmu.Lock()
	r.full = true
	r.pmu.Unlock()
	if err := r.reconcile(ctx); err != nil {
		return err
	}
	r.mu.Lock()
	r.ready = true
	cursor, n := r.cursor, len(r.items)
	r.mu.Unlock()
	r.round()
	r.p.log.Info("publishing record: caught up", "version", cursor, "items", n, "took_ms", time.Since(start).Milliseconds())
	return nil
}

// follow applies the versions recorded since the cursor, a batch at a time.
func (r *recorder) follow(ctx context.Context) error {
	for {
		r.mu.Lock()
		cursor := r.cursor
		r.mu.Unlock()
		vs, err := r.store.VersionsSince(ctx, cursor, applyBatch)
		if err != nil {
			return err
		}
		if len(vs) == 0 {
			return nil
		}
		var skipped *skippedError
		if err := r.apply(ctx, vs, vs[len(vs)-1].ID); err != nil && !errors.As(err, &skipped) {
			return err
		}
		if len(vs) < applyBatch {
			return nil
		}
	}
}

// change is what applying one version does to the folder.
type change struct {
	v      *publish.Version
	writes map[string][]byte
	remove []string
	state  *itemState
}

// apply applies versions to the folder in one reload and moves the cursor to
// cursor (0: leaves it). A version older than what the replica knows of its
// item changes nothing.
func (r *recorder) apply(ctx context.Context, vs []publish.Version, cursor int64) error {
	if len(vs) == 0 {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var changes []*change
	var skipped error
	held := 0 // bytes of files to write
	flush := func() error {
		s, err := r.commit(ctx, changes)
		skipped = errors.Join(skipped, s)
		changes, held = changes[:0], 0
		return err
	}
	for i := range vs {
		ch, err := r.plan(ctx, &vs[i], r.p.Snapshot())
		if err != nil {
			return fmt.Errorf("apply version %d of %s: %w", vs[i].Number, vs[i].Path, err)
		}
		if ch == nil {
			continue
		}
		changes = append(changes, ch)
		for _, b := range ch.writes {
			held += len(b)
		}
		if held >= applyBytes {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if cursor > r.cursor {
		r.cursor = cursor
		r.dirty()
	}
	if skipped != nil {
		return &skippedError{skipped}
	}
	return nil
}

// skippedError is apply's error for versions the folder cannot take: they
// are passed over (the cursor moves on), and the item keeps its files.
type skippedError struct{ err error }

func (e *skippedError) Error() string { return "not written into the folder: " + e.err.Error() }
func (e *skippedError) Unwrap() error { return e.err }

// plan works out what applying v changes in the folder; nil when v is not
// newer than what the replica knows. r.mu is held.
func (r *recorder) plan(ctx context.Context, v *publish.Version, snap *Snapshot) (*change, error) {
	prev := r.items[v.Path]
	if prev != nil && v.Number <= prev.Number {
		return nil, nil
	}
	ch := &change{v: v, writes: map[string][]byte{}}
	want := map[string]bool{}
	var files []fileState
	if !v.Withdrawn() {
		for _, f := range v.Files {
			want[f.Name] = true
			h, err := r.diskHash(f.Name, prev)
			if err != nil {
				return nil, err
			}
			if h != f.Hash {
				if prev != nil && h != "" {
					if pf, ok := prev.file(f.Name); !ok || pf.Hash != h {
						r.p.log.Warn("publishing record: a file edited here and not recorded yet is replaced by a version of the record",
							"file", f.Name, "version", v.Number, "path", v.Path)
					}
				}
				b, err := r.store.Blob(ctx, f.Hash)
				if err != nil {
					return nil, err
				}
				ch.writes[f.Name] = b
			}
			files = append(files, fileState{Name: f.Name, Hash: f.Hash, Size: f.Size})
		}
	}
	for _, name := range r.currentFiles(v.Path, v.Kind, prev, snap) {
		if !want[name] && !r.sharedElsewhere(name, v.Path, snap) {
			ch.remove = append(ch.remove, name)
		}
	}
	st, err := r.nextState(ctx, v, prev)
	if err != nil {
		return nil, err
	}
	st.Files = files
	ch.state = st
	return ch, nil
}

// nextState returns what the replica knows of v's item once v is applied,
// without its files. r.mu is held.
func (r *recorder) nextState(ctx context.Context, v *publish.Version, prev *itemState) (*itemState, error) {
	st := &itemState{Path: v.Path, Kind: v.Kind, Number: v.Number, ID: v.ID, Digest: v.Digest, Withdrawn: v.Withdrawn(),
		Action: v.Action, At: v.At, Reason: v.Reason}
	if prev != nil {
		st.First, st.Mods, st.LastMod, st.ModReason, st.Title = prev.First, prev.Mods, prev.LastMod, prev.ModReason, prev.Title
	}
	switch {
	case v.Number == 1:
		st.First = v.At
	case prev == nil || v.Number != prev.Number+1:
		// Versions were missed (a replica catching up): count them.
		all, err := r.store.Versions(ctx, v.Path)
		if err != nil {
			return nil, err
		}
		st.First, st.Mods, st.LastMod, st.ModReason = all[0].At, 0, time.Time{}, ""
		for i := range all {
			if all[i].Number <= v.Number && modification(&all[i]) {
				st.Mods++
				st.LastMod, st.ModReason = all[i].At, all[i].Reason
			}
		}
	case modification(v):
		st.Mods++
		st.LastMod, st.ModReason = v.At, v.Reason
	}
	if st.Withdrawn {
		st.Title = r.titleOf(ctx, v)
	}
	return st, nil
}

// titleOf returns the title in a version's markdown file ("" when it cannot
// be read).
func (r *recorder) titleOf(ctx context.Context, v *publish.Version) string {
	b, err := r.store.Blob(ctx, v.Main().Hash)
	if err != nil {
		return ""
	}
	if v.Kind == publish.Dataset {
		d, _ := content.DecodeDataset(b)
		return d.Title
	}
	n, _ := content.DecodeNotice(b)
	return n.Title
}

// commit writes the changes into the folder, reloads what they touched, and
// takes their versions as known. A version the folder cannot take (a name
// WriteItem refuses, a link on the way) is skipped and returned in skipped;
// err is an error writing the folder, after which the changes left are not
// applied. r.mu is held.
func (r *recorder) commit(ctx context.Context, changes []*change) (skipped, err error) {
	if len(changes) == 0 {
		return nil, nil
	}
	var paths []string
	p := r.p
	p.mu.Lock()
	var werr error
	var states []*itemState
	for _, ch := range changes {
		if len(ch.writes) > 0 || len(ch.remove) > 0 {
			if err := content.WriteItem(r.dir, ch.writes, ch.remove); errors.Is(err, content.ErrWrite) || errors.Is(err, content.ErrSymlink) {
				// A name the folder cannot take, or a link on the way: trying
				// again changes nothing. The item keeps what it had here.
				p.log.Error("publishing record: a version cannot be written into this folder; the item keeps its files here",
					"path", ch.v.Path, "version", ch.v.Number, "err", err)
				skipped = errors.Join(skipped, fmt.Errorf("version %d of %s: %w", ch.v.Number, ch.v.Path, err))
				continue
			} else if err != nil {
				werr = fmt.Errorf("write version %d of %s: %w", ch.v.Number, ch.v.Path, err)
				break
			}
			for name := range ch.writes {
				paths = append(paths, name)
			}
			paths = append(paths, ch.remove...)
		}
		r.stamp(ch.state)
		r.items[ch.state.Path] = ch.state
		states = append(states, ch.state)
	}
	r.publishIndex(states)
	if len(paths) > 0 {
		p.loadLocked(ctx, nil, paths)
	} else if cur := p.snap.Load(); cur.rec != p.records() {
		p.swapLocked(cur.withRecords(p.records(), p.gen+1))
	}
	p.mu.Unlock()
	r.dirty()
	return skipped, werr
}

// stamp fills the sizes and times the files of st have on disk.
func (r *recorder) stamp(st *itemState) {
	for i := range st.Files {
		f := &st.Files[i]
		if info, err := fs.Stat(r.p.cfg.Content, f.Name); err == nil && info.Size() == f.Size {
			f.ModTime = info.ModTime().UnixNano()
		}
	}
}

// diskHash returns the hash of the file name in the folder ("" when there is
// none), from what st knows of it when its size and time are those known.
func (r *recorder) diskHash(name string, st *itemState) (string, error) {
	fsys := r.p.cfg.Content
	info, err := fs.Stat(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if st != nil {
		if f, ok := st.file(name); ok && f.Size == info.Size() && f.ModTime != 0 && f.ModTime == info.ModTime().UnixNano() {
			return f.Hash, nil
		}
	}
	b, err := fs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return publish.Hash(b), nil
}

// currentFiles returns the files the folder holds for an item: those of the
// version known, those the snapshot has (a notice's markdown file and
// attachments, every file under a dataset's folder), and those on disk in a
// dataset's folder.
func (r *recorder) currentFiles(p string, kind publish.Kind, st *itemState, snap *Snapshot) []string {
	set := map[string]bool{}
	if st != nil {
		for _, f := range st.Files {
			set[f.Name] = true
		}
	}
	if kind == publish.Dataset {
		set[p+"/index.md"] = true
		if d, ok := snap.Site.Dataset(p); ok {
			set[d.IndexSource] = true
		}
		for _, name := range snap.folderFiles(p) {
			set[name] = true
		}
		_ = fs.WalkDir(r.p.cfg.Content, p, func(name string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() && !atomicfile.IsTemp(d.Name()) {
				set[name] = true
			}
			return nil
		})
	} else {
		set[p+".md"] = true
		if n, ok := snap.Site.Notice(p); ok {
			for _, a := range n.Attachments {
				if a.Path != "" {
					set[a.Path] = true
				}
			}
		}
	}
	out := make([]string, 0, len(set))
	for name := range set {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// sharedElsewhere reports whether a file is also another item's: an
// attachment of another notice of the snapshot or of another version known.
func (r *recorder) sharedElsewhere(name, item string, snap *Snapshot) bool {
	if strings.HasSuffix(name, ".md") {
		return false
	}
	for _, n := range snap.Site.Notices {
		if n.Path == item {
			continue
		}
		for _, a := range n.Attachments {
			if a.Path == name {
				return true
			}
		}
	}
	for p, st := range r.items {
		if p == item || st.Withdrawn {
			continue
		}
		if _, ok := st.file(name); ok {
			return true
		}
	}
	return false
}

// reconcile records the items queued by touch whose files differ from the
// record, in batches.
func (r *recorder) reconcile(ctx context.Context) error {
	r.pmu.Lock()
	full, pending := r.full, r.pending
	r.full, r.pending = false, map[string]bool{}
	r.pmu.Unlock()
	if !full && len(pending) == 0 {
		return nil
	}
	snap := r.p.Snapshot()
	items := r.candidates(snap, full, pending)
	start, recorded := time.Now(), 0
	for len(items) > 0 && ctx.Err() == nil {
		n, rest, err := r.recordSome(ctx, snap, items)
		if err != nil {
			// Put them back for the next round.
			r.pmu.Lock()
			for _, it := range items {
				r.pending[it.path] = true
			}
			r.pmu.Unlock()
			return err
		}
		recorded += n
		items = rest
	}
	if recorded > 0 {
		r.p.log.Info("publishing record: files of the folder recorded", "items", recorded, "took_ms", time.Since(start).Milliseconds())
	}
	return ctx.Err()
}

// candidate is an item to compare with the record.
type candidate struct {
	path string
	kind publish.Kind
}

// candidates lists the items the changed paths may belong to (every item of
// the snapshot and of the record when full), in path order.
func (r *recorder) candidates(snap *Snapshot, full bool, pending map[string]bool) []candidate {
	set := map[string]publish.Kind{}
	site := snap.Site
	r.mu.Lock()
	defer r.mu.Unlock()
	if full {
		for _, n := range site.Notices {
			set[n.Path] = publish.Notice
		}
		for _, d := range site.Datasets {
			set[d.Path] = publish.Dataset
		}
		for p, st := range r.items {
			set[p] = st.Kind
		}
	} else {
		agencies := map[string]bool{}
		files := map[string]bool{}
		for name := range pending {
			parts := strings.Split(name, "/")
			switch {
			case len(parts) == 1:
				agencies[parts[0]] = true
				continue
			case len(parts) == 2 && strings.HasSuffix(parts[1], ".md"):
				set[parts[0]+"/"+strings.TrimSuffix(parts[1], ".md")] = publish.Notice
			default:
				set[parts[0]+"/"+parts[1]] = publish.Dataset
			}
			files[name] = true
		}
		for _, n := range site.Notices {
			if agencies[n.Agency] {
				set[n.Path] = publish.Notice
			}
			for _, a := range n.Attachments {
				if a.Path != "" && (files[a.Path] || files[path.Dir(a.Path)]) {
					set[n.Path] = publish.Notice
				}
			}
		}
		for _, d := range site.Datasets {
			if agencies[d.Agency] {
				set[d.Path] = publish.Dataset
			}
		}
		if len(agencies) > 0 {
			for p, st := range r.items {
				agency, _, _ := strings.Cut(p, "/")
				if agencies[agency] {
					set[p] = st.Kind
				}
			}
		}
		// A path may name a dataset's folder that is not one, or a notice
		// that is a dataset: the kind is the snapshot's, else the record's.
		for p := range set {
			switch {
			case isNotice(site, p):
				set[p] = publish.Notice
			case isDataset(site, p):
				set[p] = publish.Dataset
			default:
				if st, ok := r.items[p]; ok {
					set[p] = st.Kind
				}
			}
		}
	}
	out := make([]candidate, 0, len(set))
	for p, k := range set {
		out = append(out, candidate{p, k})
	}
	slices.SortFunc(out, func(a, b candidate) int { return cmp.Compare(a.path, b.path) })
	return out
}

func isNotice(site *content.Site, p string) bool  { _, ok := site.Notice(p); return ok }
func isDataset(site *content.Site, p string) bool { _, ok := site.Dataset(p); return ok }

// local is an item's files as the folder holds them now.
type local struct {
	c      candidate
	files  []fileState
	read   map[string][]byte // files read for their hash, new to the record
	gone   bool              // its markdown file is not in the folder
	broken bool              // its markdown file is there but does not load: wait
}

// recordSome compares items with the record until it has a batch to record,
// records it, and returns how many it recorded and the items left.
func (r *recorder) recordSome(ctx context.Context, snap *Snapshot, items []candidate) (int, []candidate, error) {
	var nvs []publish.NewVersion
	var locals []*local
	bytes := 0
	i := 0
	for ; i < len(items) && len(nvs) < recordBatch && bytes < recordBytes; i++ {
		if ctx.Err() != nil {
			return 0, nil, ctx.Err()
		}
		r.mu.Lock()
		prev := r.items[items[i].path]
		r.mu.Unlock()
		l, err := r.localFiles(items[i], prev, snap)
		if err != nil {
			r.p.log.Warn("publishing record: cannot read an item's files", "path", items[i].path, "err", err)
			continue
		}
		nv, ok := r.handVersion(l, prev)
		if !ok {
			continue
		}
		if err := r.fits(l); err != nil {
			r.p.log.Warn("publishing record: a hand edit cannot be recorded", "path", l.c.path, "err", err)
			continue
		}
		for _, b := range l.read {
			bytes += len(b)
		}
		nvs = append(nvs, nv)
		locals = append(locals, l)
	}
	rest := items[i:]
	if len(nvs) == 0 {
		return 0, rest, nil
	}
	// The new files are stored in chunks PutFiles takes (its limits are
	// those of one version).
	lim := r.store.Limits()
	chunk, size := map[string][]byte{}, int64(0)
	put := func() error {
		if len(chunk) == 0 {
			return nil
		}
		_, err := r.store.PutFiles(ctx, chunk)
		chunk, size = map[string][]byte{}, 0
		return err
	}
	for _, l := range locals {
		for name, b := range l.read {
			if len(chunk) >= lim.VersionFiles || size+int64(len(b)) > lim.VersionSize {
				if err := put(); err != nil {
					return 0, nil, err
				}
			}
			chunk[name] = b
			size += int64(len(b))
		}
	}
	if err := put(); err != nil {
		return 0, nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	// The bases were read without the lock: a version applied meanwhile
	// makes them stale, and RecordBatch refuses those.
	res, err := r.store.RecordBatch(ctx, nvs)
	if err != nil {
		return 0, nil, err
	}
	recorded := 0
	var states []*itemState
	for k, rr := range res {
		l := locals[k]
		switch {
		case errors.Is(rr.Err, publish.ErrConflict):
			// The record has a version this replica has not applied yet:
			// it wins, and will be applied over these files.
			r.p.log.Debug("publishing record: a hand edit is not recorded: the record has a newer version", "path", l.c.path)
			continue
		case rr.Err != nil:
			r.p.log.Warn("publishing record: a hand edit cannot be recorded", "path", l.c.path, "err", rr.Err)
			continue
		}
		v := rr.Version
		if rr.Created {
			recorded++
			r.p.log.Info("publishing record: hand edit recorded", "path", v.Path, "version", v.Number, "action", string(v.Action))
		}
		prev := r.items[v.Path]
		if prev != nil && v.Number <= prev.Number {
			continue
		}
		// The folder holds the version already: only the state changes, with
		// the sizes and times the files had when read.
		st, err := r.nextState(ctx, v, prev)
		if err != nil {
			return recorded, rest, err
		}
		for _, f := range v.Files {
			fst := fileState{Name: f.Name, Hash: f.Hash, Size: f.Size}
			for _, lf := range l.files {
				if lf.Name == f.Name && lf.Hash == f.Hash {
					fst.ModTime = lf.ModTime
				}
			}
			st.Files = append(st.Files, fst)
		}
		if st.Withdrawn {
			st.Files = nil
		}
		r.items[st.Path] = st
		states = append(states, st)
	}
	if len(states) > 0 {
		r.publishIndex(states)
		r.refreshSnapshot()
		r.dirty()
	}
	return recorded, rest, nil
}

// fits checks an item's files against the record's limits.
func (r *recorder) fits(l *local) error {
	lim := r.store.Limits()
	var total int64
	for _, f := range l.files {
		if f.Size > lim.FileSize {
			return fmt.Errorf("%w: %s has %d bytes, the record takes at most %d", publish.ErrTooLarge, f.Name, f.Size, lim.FileSize)
		}
		total += f.Size
	}
	if total > lim.VersionSize || len(l.files) > lim.VersionFiles {
		return fmt.Errorf("%w: %d files of %d bytes, the record takes at most %d files of %d bytes", publish.ErrTooLarge, len(l.files), total, lim.VersionFiles, lim.VersionSize)
	}
	return nil
}

// refreshSnapshot swaps in a snapshot with the current record index when it
// changed. r.mu is held.
func (r *recorder) refreshSnapshot() {
	p := r.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if cur := p.snap.Load(); cur.rec != p.records() {
		p.swapLocked(cur.withRecords(p.records(), p.gen+1))
	}
}

// localFiles reads what the folder holds of an item now.
func (r *recorder) localFiles(c candidate, prev *itemState, snap *Snapshot) (*local, error) {
	l := &local{c: c, read: map[string][]byte{}}
	site := snap.Site
	fsys := r.p.cfg.Content
	var main, mainHash string
	var others []string
	if n, ok := site.Notice(c.path); ok && c.kind == publish.Notice {
		main, mainHash = n.Source, n.Hash
		for _, a := range n.Attachments {
			if a.Path != "" {
				others = append(others, a.Path)
			}
		}
		// A file of the version known stays the notice's while the folder
		// has it, named as an attachment or not (an image of its body).
		if prev != nil {
			for _, f := range prev.Files {
				if _, ok := site.Files[f.Name]; ok && f.Name != main {
					others = append(others, f.Name)
				}
			}
		}
	} else if d, ok := site.Dataset(c.path); ok && c.kind == publish.Dataset {
		main, mainHash = d.IndexSource, d.Hash
		others = append(others, snap.folderFiles(c.path)...)
	} else {
		main = c.path + ".md"
		if c.kind == publish.Dataset {
			main = c.path + "/index.md"
		}
		// A link is a problem to fix (the loader reports it), not a removal.
		if _, err := fs.Lstat(fsys, main); errors.Is(err, fs.ErrNotExist) && !errors.Is(err, content.ErrSymlink) {
			l.gone = true
		} else {
			l.broken = true
		}
		return l, nil
	}
	slices.Sort(others)
	others = slices.Compact(others)
	known := func(name string) (fileState, bool) {
		if prev == nil {
			return fileState{}, false
		}
		return prev.file(name)
	}
	if k, ok := known(main); ok && k.Hash == mainHash {
		l.files = append(l.files, k)
	} else {
		info, err := fs.Stat(fsys, main)
		if err != nil {
			l.broken = true // changed since the snapshot: a reload follows
			return l, nil
		}
		b, err := fs.ReadFile(fsys, main)
		if err != nil || publish.Hash(b) != mainHash {
			l.broken = true // the file is not the version loaded: broken, or changing
			return l, nil
		}
		l.read[main] = b
		l.files = append(l.files, fileState{Name: main, Hash: mainHash, Size: int64(len(b)), ModTime: info.ModTime().UnixNano()})
	}
	for _, name := range others {
		sf, ok := snap.contentFile(name)
		if !ok {
			continue
		}
		f := fileState{Name: name, Size: sf.Size, ModTime: sf.ModTime.UnixNano()}
		if k, ok := known(name); ok && k.Size == f.Size && k.ModTime == f.ModTime && k.ModTime != 0 {
			f.Hash = k.Hash
		} else {
			b, err := fs.ReadFile(fsys, name)
			if errors.Is(err, fs.ErrNotExist) {
				continue // removed since the snapshot: a reload follows
			}
			if err != nil {
				return nil, err
			}
			f.Hash, f.Size = publish.Hash(b), int64(len(b))
			if !ok || k.Hash != f.Hash {
				l.read[name] = b
			}
		}
		l.files = append(l.files, f)
	}
	return l, nil
}

// handVersion returns the version that records an item's local files, and
// false when there is nothing to record.
func (r *recorder) handVersion(l *local, prev *itemState) (publish.NewVersion, bool) {
	nv := publish.NewVersion{Path: l.c.path, Kind: l.c.kind, Actor: publish.ActorFile, CheckBase: true}
	if prev != nil {
		nv.Base = prev.Number
		if prev.Kind != l.c.kind {
			return nv, false // the path changed kind: left to whoever changed it
		}
	}
	switch {
	case l.broken:
		return nv, false
	case l.gone:
		if prev == nil || prev.Withdrawn {
			return nv, false
		}
		nv.Action, nv.Reason = publish.ActionWithdraw, ReasonHandRemove
		return nv, true
	}
	files := make([]publish.File, len(l.files))
	for i, f := range l.files {
		files[i] = publish.File{Name: f.Name, Hash: f.Hash, Size: f.Size}
	}
	if prev != nil && !prev.Withdrawn && publish.Digest(files) == prev.Digest {
		return nv, false
	}
	nv.Files = files
	if prev == nil {
		nv.Action, nv.Reason = publish.ActionPublish, ReasonHandAdd
	} else {
		nv.Action, nv.Reason = publish.ActionHandEdit, ReasonHandEdit
	}
	return nv, true
}

// State file.

const (
	stateMagic   = "congkhai publishing record state"
	stateVersion = 1
)

type stateHeader struct {
	Magic   string
	Version int
	Key     string
	Cursor  int64
	Items   int
}

// loadState reads RecordFile; a missing, damaged or foreign file leaves the
// state empty (the replica then catches up from the latest versions).
func (r *recorder) loadState() {
	f, err := os.Open(r.file)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		r.p.log.Warn("publishing record state not read", "file", r.file, "err", err)
		return
	}
	defer f.Close()
	dec := gob.NewDecoder(bufio.NewReader(f))
	var h stateHeader
	if err := dec.Decode(&h); err != nil || h.Magic != stateMagic || h.Version != stateVersion || h.Key != r.key {
		r.p.log.Warn("publishing record state not used: catching up from the record", "file", r.file, "err", err)
		return
	}
	items := make(map[string]*itemState, h.Items)
	for range h.Items {
		var st itemState
		if err := dec.Decode(&st); err != nil {
			r.p.log.Warn("publishing record state damaged: catching up from the record", "file", r.file, "err", err)
			return
		}
		items[st.Path] = &st
	}
	r.mu.Lock()
	r.cursor, r.items = h.Cursor, items
	r.index.Store(buildIndex(items))
	r.mu.Unlock()
}

// dirty notes a change of the state for the next save.
func (r *recorder) dirty() {
	r.saveDirty.Store(true)
	select {
	case r.saveWake <- struct{}{}:
	default:
	}
}

// saveLoop writes the state stateQuiet after changes stop, at most
// stateMaxWait after the first.
func (r *recorder) saveLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.saveWake:
		}
		deadline := time.NewTimer(stateMaxWait)
		quiet := time.NewTimer(stateQuiet)
	wait:
		for {
			select {
			case <-ctx.Done():
				deadline.Stop()
				quiet.Stop()
				return
			case <-r.saveWake:
				quiet.Reset(stateQuiet)
			case <-quiet.C:
				break wait
			case <-deadline.C:
				break wait
			}
		}
		deadline.Stop()
		quiet.Stop()
		r.saveState()
	}
}

// saveState writes the state to RecordFile atomically when it changed.
func (r *recorder) saveState() {
	r.saveMu.Lock()
	defer r.saveMu.Unlock()
	if !r.saveDirty.Swap(false) {
		return
	}
	r.mu.Lock()
	h := stateHeader{Magic: stateMagic, Version: stateVersion, Key: r.key, Cursor: r.cursor, Items: len(r.items)}
	items := make([]*itemState, 0, len(r.items))
	for _, st := range r.items {
		items = append(items, st)
	}
	r.mu.Unlock()
	err := atomicfile.Write(r.file, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<16)
		enc := gob.NewEncoder(bw)
		if err := enc.Encode(&h); err != nil {
			return err
		}
		for _, st := range items {
			if err := enc.Encode(st); err != nil {
				return err
			}
		}
		return bw.Flush()
	})
	if err != nil {
		r.saveDirty.Store(true)
		r.p.log.Warn("publishing record state not written", "file", r.file, "err", err)
	}
}
