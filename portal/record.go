package portal

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/congkhai/congkhai/content"
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
