package portal

import (
	"bufio"
	"context"
	"encoding/gob"
	"errors"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/internal/atomicfile"
	"github.com/congkhai/congkhai/publish"
)

// The state file (<data>/publish.state): the cursor and what the replica
// knows of each item, so a restart follows on without reading every file.

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
	if err := dec.Decode(&h); err != nil || h.Magic != stateMagic || h.Version != stateVersion || h.Key != r.key || h.Items < 0 || h.Items > 1<<26 {
		r.p.log.Warn("publishing record state not used: catching up from the record", "file", r.file, "err", err)
		return
	}
	items := make(map[string]*itemState, min(h.Items, 1<<20))
	words := map[string]string{}
	// The states come in blocks rather than an object each: they are held
	// for as long as the portal runs, and the GC marks them.
	var block []itemState
	for range h.Items {
		if len(block) == cap(block) {
			block = make([]itemState, 0, 4096)
		}
		block = block[:len(block)+1]
		st := &block[len(block)-1]
		if err := dec.Decode(st); err != nil {
			r.p.log.Warn("publishing record state damaged: catching up from the record", "file", r.file, "err", err)
			return
		}
		st.compact(words)
		items[st.Path] = st
	}
	r.mu.Lock()
	r.cursor, r.items = h.Cursor, items
	r.index.Store(buildIndex(items))
	r.mu.Unlock()
}

// compact makes st's kind, action and reasons, which few values take, one
// copy each (interned in words) where gob decoded one per item: the state of
// 100,000 items is held for as long as the portal runs. Paths, file names
// and hashes are shared with the content later (share).
func (st *itemState) compact(words map[string]string) {
	intern := func(s string) string {
		if s == "" {
			return ""
		}
		if v, ok := words[s]; ok {
			return v
		}
		words[s] = s
		return s
	}
	st.Kind = publish.Kind(intern(string(st.Kind)))
	st.Action = publish.Action(intern(string(st.Action)))
	st.Reason, st.ModReason = intern(st.Reason), intern(st.ModReason)
}

// share makes the state's paths, main file names and hashes the strings of
// site's notices and datasets where they are equal (the file unchanged since
// the record last saw it, as at most starts): they are otherwise two copies
// of the same text, held as long as the portal runs. It runs once, when
// both the state and the content are loaded and before the recorder starts.
// The map is made again: its keys would keep the copies.
func (r *recorder) share(site *content.Site) {
	r.mu.Lock()
	defer r.mu.Unlock()
	items := make(map[string]*itemState, len(r.items))
	for _, st := range r.items {
		var path, main, hash string
		switch st.Kind {
		case publish.Notice:
			if n, ok := site.Notice(st.Path); ok {
				path, main, hash = n.Path, n.Source, n.Hash
			}
		case publish.Dataset:
			if d, ok := site.Dataset(st.Path); ok {
				path, main, hash = d.Path, d.IndexSource, d.Hash
			}
		}
		if path != "" {
			st.Path = path
			for i := range st.Files {
				if f := &st.Files[i]; f.Name == main {
					f.Name = main
					if f.Hash == hash {
						f.Hash = hash
					}
				}
			}
		}
		items[st.Path] = st
	}
	r.items = items
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
