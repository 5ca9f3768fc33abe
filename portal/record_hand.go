package portal

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/publish"
)

// Recording the folder: items whose files changed by hand, or that the
// record does not have yet, recorded as versions.

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
		n, rest, err := r.recordSome(ctx, snap, items, full)
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
// records it, and returns how many it recorded and the items left. Each
// version is logged, at debug level when the whole folder is compared
// (full).
func (r *recorder) recordSome(ctx context.Context, snap *Snapshot, items []candidate, full bool) (int, []candidate, error) {
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
			// A comparison of the whole folder (each start) is summed
			// up once by reconcile, not told file by file.
			level := slog.LevelInfo
			if full {
				level = slog.LevelDebug
			}
			r.p.log.Log(ctx, level, "publishing record: hand edit recorded", "path", v.Path, "version", v.Number, "action", string(v.Action))
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
