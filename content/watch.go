package content

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watch watches the folder dir and everything below it, including folders created
// later, and calls onChange with the slash paths (relative to dir) of the files and
// folders that changed, once per burst of changes: after debounce without a new event
// (at most 10×debounce after the first). Dot-files, "_"-files other than _agency.md,
// and editor backup and temporary files are ignored. A path "." means the watcher lost
// events and the whole folder should be reloaded; it is also the first call, made
// once the watches are in place, so that a change made between the caller's first
// load and the start of the watch is not missed. onChange runs on Watch's
// goroutine; calls never overlap.
//
// Watch returns nil when ctx is done, or an error (prefixed "content: watch") if the
// watcher cannot be started or fails.
func Watch(ctx context.Context, dir string, debounce time.Duration, onChange func(paths []string)) error {
	if debounce <= 0 {
		debounce = 200 * time.Millisecond
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("content: watch %s: %w", dir, err)
	}
	defer w.Close()
	dir = filepath.Clean(dir)
	if err := addTree(w, dir, dir, nil); err != nil {
		return fmt.Errorf("content: watch %s: %w", dir, err)
	}
	onChange([]string{"."})
	pending := map[string]bool{}
	var timer *time.Timer
	var timerC <-chan time.Time
	var first time.Time
	note := func(rel string) {
		if len(pending) == 0 {
			first = time.Now()
		}
		pending[rel] = true
		wait := debounce
		if limit := 10*debounce - time.Since(first); limit < wait {
			wait = max(limit, 0)
		}
		if timer == nil {
			timer = time.NewTimer(wait)
		} else {
			timer.Stop()
			timer.Reset(wait)
		}
		timerC = timer.C
	}
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return errors.New("content: watch: the watcher stopped")
			}
			rel, ok := relPath(dir, ev.Name)
			if !ok || watchIgnored(rel) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if info, err := os.Lstat(ev.Name); err == nil && info.IsDir() {
					// A new folder, maybe copied in whole: watch it and report what is
					// already inside, since those files raised no event for us.
					_ = addTree(w, dir, ev.Name, note)
				}
			}
			if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
				// A folder that went away: drop its watches and those below it. Inotify
				// keeps watching a moved folder under its old name otherwise; the new
				// name arrives as a Create and is watched afresh.
				prefix := ev.Name + string(filepath.Separator)
				for _, p := range w.WatchList() {
					if p == ev.Name || strings.HasPrefix(p, prefix) {
						_ = w.Remove(p)
					}
				}
			}
			if ev.Op == fsnotify.Chmod {
				continue
			}
			note(rel)
		case err, ok := <-w.Errors:
			if !ok {
				return errors.New("content: watch: the watcher stopped")
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				note(".")
			}
		case <-timerC:
			timerC = nil
			paths := make([]string, 0, len(pending))
			for p := range pending {
				paths = append(paths, p)
			}
			clear(pending)
			sort.Strings(paths)
			onChange(paths)
		}
	}
}

// addTree watches root and every folder below it that is not ignored; note, when not
// nil, is called with every file and folder found.
func addTree(w *fsnotify.Watcher, dir, root string, note func(string)) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			return nil // vanished while walking
		}
		rel, _ := relPath(dir, p)
		if p != dir && watchIgnored(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if note != nil && p != root {
			note(rel)
		}
		if d.IsDir() {
			if err := w.Add(p); err != nil && p == root {
				return err
			}
		}
		return nil
	})
}

func relPath(dir, name string) (string, bool) {
	rel, err := filepath.Rel(dir, name)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// watchIgnored reports whether any element of the slash path rel is ignored.
func watchIgnored(rel string) bool {
	if rel == "." {
		return false
	}
	for _, el := range strings.Split(rel, "/") {
		if ignoredName(el) {
			return true
		}
	}
	return false
}
