package content

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/congkhai/congkhai/internal/atomicfile"
)

// ErrWrite is wrapped by the errors of WriteItem about the names it is given.
var ErrWrite = errors.New("content: cannot write")

// WriteItem writes files (slash path in the content folder → bytes) into the
// content folder dir and then removes the files named in remove, so that the
// folder holds an item's new version. Each file is written atomically (a
// synced temporary file renamed over it, the folder synced: package
// internal/atomicfile), so that a crash leaves every file with its old bytes
// or its new ones, never a mix; markdown files are written last, after the
// attachments and tables they name, and files are removed last. Folders are
// created as needed; folders that removing files leaves empty are removed,
// up to the agency folder.
//
// No symbolic link is ever followed: every folder on the way is opened one
// element at a time, checked to be a folder and not a link, and a name that
// is a link, or goes through one, is refused (ErrSymlink). Every name must be
// inside an agency folder (agency/...), clean, with no hidden, ignored or
// reserved element (_agency.md, site.yaml); otherwise nothing is written and
// the error wraps ErrWrite. Removing a file that does not exist is not an
// error.
func WriteItem(dir string, files map[string][]byte, remove []string) error {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	for _, name := range append(slices.Clone(names), remove...) {
		if err := checkWriteName(name); err != nil {
			return err
		}
	}
	// Attachments and tables first, markdown files last, each in name order.
	slices.SortFunc(names, func(a, b string) int {
		ma, mb := strings.HasSuffix(a, ".md"), strings.HasSuffix(b, ".md")
		if ma != mb {
			if ma {
				return 1
			}
			return -1
		}
		return strings.Compare(a, b)
	})
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("content: write: %w", err)
	}
	defer root.Close()
	for _, name := range names {
		if err := writeOne(root, name, files[name]); err != nil {
			return fmt.Errorf("content: write %s: %w", name, err)
		}
	}
	for _, name := range remove {
		if _, ok := files[name]; ok {
			continue
		}
		if err := removeOne(root, name); err != nil {
			return fmt.Errorf("content: remove %s: %w", name, err)
		}
	}
	return nil
}

// checkWriteName refuses a name WriteItem may not write or remove.
func checkWriteName(name string) error {
	bad := func(why string) error { return fmt.Errorf("%w %q: %s", ErrWrite, name, why) }
	if !fs.ValidPath(name) || strings.Contains(name, "\\") {
		return bad("not a clean slash path")
	}
	parts := strings.Split(name, "/")
	switch {
	case len(parts) < 2:
		return bad("not inside an agency folder")
	case !validSlug(parts[0]) || isReserved(parts[0]):
		return bad("not inside an agency folder (the first folder is not an agency's name)")
	case len(parts) > maxDepth+1:
		return bad("too deeply nested")
	case parts[len(parts)-1] == "_agency.md":
		return bad("an agency's _agency.md is not an item's file")
	}
	for _, el := range parts {
		if ignoredName(el) {
			return bad("a hidden, temporary or ignored name")
		}
	}
	return nil
}

// openFolder opens the folder rel (a slash path) of root one element at a
// time, refusing links and what is not a folder, and creating what is
// missing when create is set. The caller closes the returned root, unless it
// is root itself.
func openFolder(root *os.Root, rel string, create bool) (*os.Root, error) {
	cur := root
	closeCur := func() {
		if cur != root {
			cur.Close()
		}
	}
	if rel == "." {
		return root, nil
	}
	for _, el := range strings.Split(rel, "/") {
		info, err := cur.Lstat(el)
		if errors.Is(err, fs.ErrNotExist) && create {
			if err = cur.Mkdir(el, 0o755); err == nil || errors.Is(err, fs.ErrExist) {
				if err == nil {
					if err := atomicfile.SyncRoot(cur); err != nil {
						closeCur()
						return nil, err
					}
				}
				info, err = cur.Lstat(el)
			}
		}
		if err != nil {
			closeCur()
			return nil, err
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			closeCur()
			return nil, linkError{}
		}
		if !info.IsDir() {
			closeCur()
			return nil, errNotDir
		}
		next, err := cur.OpenRoot(el)
		if err != nil {
			closeCur()
			return nil, err
		}
		got, err := next.Stat(".")
		if err != nil || !os.SameFile(got, info) {
			next.Close()
			closeCur()
			if err == nil {
				err = linkError{} // replaced after Lstat
			}
			return nil, err
		}
		closeCur()
		cur = next
	}
	return cur, nil
}

func writeOne(root *os.Root, name string, b []byte) error {
	parent, err := openFolder(root, path.Dir(name), true)
	if err != nil {
		return err
	}
	if parent != root {
		defer parent.Close()
	}
	base := path.Base(name)
	if info, err := parent.Lstat(base); err == nil && !info.Mode().IsRegular() {
		if info.Mode()&fs.ModeSymlink != 0 {
			return linkError{}
		}
		return errors.New("not a regular file")
	}
	return atomicfile.WriteIn(parent, base, 0o644, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

func removeOne(root *os.Root, name string) error {
	dir := path.Dir(name)
	parent, err := openFolder(root, dir, false)
	if errors.Is(err, fs.ErrNotExist) && !errors.Is(err, ErrSymlink) {
		return nil // a link on the way is refused, though it is "not there"
	}
	if err != nil {
		return err
	}
	if parent != root {
		defer parent.Close()
	}
	base := path.Base(name)
	info, err := parent.Lstat(base)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if info.IsDir() {
		return errors.New("a folder, not a file")
	}
	if err := parent.Remove(base); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := atomicfile.SyncRoot(parent); err != nil {
		return err
	}
	// Folders left empty go too, up to the agency folder.
	for ; strings.Contains(dir, "/"); dir = path.Dir(dir) {
		up, err := openFolder(root, path.Dir(dir), false)
		if err != nil {
			return nil
		}
		err = up.Remove(path.Base(dir)) // fails on a folder that is not empty
		if err == nil {
			err = atomicfile.SyncRoot(up)
		}
		if up != root {
			up.Close()
		}
		if err != nil {
			return nil
		}
	}
	return nil
}

// CleanTemp removes the temporary files that a crash during WriteItem (or any
// write through package internal/atomicfile) can leave in the content folder
// dir, and returns their slash paths. It never follows a link.
func CleanTemp(dir string) ([]string, error) {
	var removed []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil
		}
		if !d.Type().IsRegular() || !atomicfile.IsTemp(d.Name()) {
			return nil
		}
		if err := os.Remove(p); err == nil {
			rel, _ := filepath.Rel(dir, p)
			removed = append(removed, filepath.ToSlash(rel))
		}
		return nil
	})
	return removed, err
}
