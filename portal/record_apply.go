package portal

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/internal/atomicfile"
	"github.com/congkhai/congkhai/publish"
)

// Applying the record to the folder: the versions recorded elsewhere (or
// through this portal) written into the content folder.

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
