package content

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"sync/atomic"
)

// Dir is a content folder on disk, read as a file system that never follows a
// symbolic link. It is what a portal should read a content folder through: Load
// never lists a link (each is reported as a problem instead), and Dir makes sure
// that a file or folder replaced by a link after Load listed it is not followed
// either when a page, a download or a table reads it.
//
// On Linux, Dir opens a name with one openat2 call that the kernel resolves
// beneath the folder without following any link. Elsewhere, or where the kernel
// refuses openat2 (before 5.6, or a sandbox that blocks it), it opens the name
// from an os.Root (nothing outside the folder can be reached, whatever a link or
// a ".." says) one element at a time: each folder is checked with Lstat to be a
// folder and not a link, opened, and checked to be the folder Lstat saw; the last
// element is checked and opened the same way. Either way a link swapped in at
// any moment is refused, not followed: what is opened is always a file or folder
// that was, when it was opened, at its place in the tree with no link on the
// way.
//
// Opening a link, or a name with a link on its way, fails with an error that
// wraps fs.ErrNotExist (for the content, a link is not there) and ErrSymlink.
// Dir implements fs.FS, fs.ReadLinkFS (Lstat does not follow the last element
// either) and fs.StatFS. Close it when done.
type Dir struct {
	root *os.Root
	name string   // the folder as given to OpenDir
	at   *os.File // the folder, for openat2; nil where Dir walks
	fd   int      // at's descriptor
	// walk is set once openat2 proved unavailable: every name is then walked.
	walk atomic.Bool
}

var (
	_ fs.ReadLinkFS = (*Dir)(nil)
	_ fs.StatFS     = (*Dir)(nil)
)

// ErrSymlink is wrapped by the errors of Dir for a name that is, or goes
// through, a symbolic link. Such errors also wrap fs.ErrNotExist.
var ErrSymlink = errors.New("a symbolic link, never followed")

// linkError is ErrSymlink that is also fs.ErrNotExist.
type linkError struct{}

func (linkError) Error() string { return ErrSymlink.Error() }

func (linkError) Is(target error) bool { return target == ErrSymlink || target == fs.ErrNotExist }

// errNotDir is the error for a name whose folder on the way is a file.
var errNotDir = errors.New("not a folder")

// OpenDir opens the content folder at dir (the folder itself may be reached
// through a link: it is the operator's choice). The error is that of opening
// the folder.
func OpenDir(dir string) (*Dir, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	d := &Dir{root: r, name: dir}
	if err := d.openAt(); err != nil {
		r.Close()
		return nil, err
	}
	return d, nil
}

// Close closes the folder; files already open stay usable.
func (d *Dir) Close() error {
	if d.at != nil {
		d.at.Close()
	}
	return d.root.Close()
}

// Open opens the file or folder at the slash path name, refusing links.
func (d *Dir) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if f, done, err := d.openBeneath(name); done {
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return f, nil
	}
	parent, base, done, err := d.parent(name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer done()
	f, err := openChecked(parent, base)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return f, nil
}

// openChecked opens base in parent when it is not a link, and checks that what
// was opened is what Lstat saw there (not a file a link swapped in led to).
func openChecked(parent *os.Root, base string) (*os.File, error) {
	at, err := parent.Lstat(base)
	if err != nil {
		return nil, unwrapPath(err)
	}
	if at.Mode()&fs.ModeSymlink != 0 {
		return nil, linkError{}
	}
	f, err := parent.Open(base)
	if err != nil {
		return nil, swappedForLink(parent, base, err)
	}
	got, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, unwrapPath(err)
	}
	if !os.SameFile(got, at) {
		f.Close()
		return nil, linkError{}
	}
	return f, nil
}

// swappedForLink returns the error of opening base in parent: linkError when
// base is now a link (swapped in after Lstat: os.Root refuses one that leads
// outside with an error of its own), else the cause of err.
func swappedForLink(parent *os.Root, base string, err error) error {
	if at, lerr := parent.Lstat(base); lerr == nil && at.Mode()&fs.ModeSymlink != 0 {
		return linkError{}
	}
	return unwrapPath(err)
}

// Stat returns the description of the file or folder at name, refusing links.
func (d *Dir) Stat(name string) (fs.FileInfo, error) {
	f, err := d.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Stat()
}

// Lstat describes name without following it when it is a link; a link on the
// way to it is refused.
func (d *Dir) Lstat(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "lstat", Path: name, Err: fs.ErrInvalid}
	}
	parent, base, done, err := d.parent(name)
	if err != nil {
		return nil, &fs.PathError{Op: "lstat", Path: name, Err: err}
	}
	defer done()
	info, err := parent.Lstat(base)
	if err != nil {
		return nil, &fs.PathError{Op: "lstat", Path: name, Err: unwrapPath(err)}
	}
	return info, nil
}

// ReadLink returns the destination of the link at name (which Dir never
// follows); a link on the way to it is refused.
func (d *Dir) ReadLink(name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
	}
	parent, base, done, err := d.parent(name)
	if err != nil {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: err}
	}
	defer done()
	s, err := parent.Readlink(base)
	if err != nil {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: unwrapPath(err)}
	}
	return s, nil
}

// parent opens the folder that holds name, one checked folder at a time, and
// returns it with name's last element ("." for the root itself) and a function
// that closes what parent opened.
func (d *Dir) parent(name string) (r *os.Root, base string, done func(), err error) {
	r, done = d.root, func() {}
	if name == "." {
		return r, ".", done, nil
	}
	elems := strings.Split(name, "/")
	var opened []*os.Root
	done = func() {
		for _, o := range opened {
			o.Close()
		}
	}
	for _, el := range elems[:len(elems)-1] {
		at, err := r.Lstat(el)
		if err != nil {
			done()
			return nil, "", nil, unwrapPath(err)
		}
		switch {
		case at.Mode()&fs.ModeSymlink != 0:
			done()
			return nil, "", nil, linkError{}
		case !at.IsDir():
			done()
			return nil, "", nil, errNotDir
		}
		sub, err := r.OpenRoot(el)
		if err != nil {
			done()
			return nil, "", nil, swappedForLink(r, el, err)
		}
		opened = append(opened, sub)
		got, err := sub.Stat(".")
		if err != nil {
			done()
			return nil, "", nil, unwrapPath(err)
		}
		if !os.SameFile(got, at) {
			done() // replaced by a link (or another folder) after Lstat
			return nil, "", nil, linkError{}
		}
		r = sub
	}
	return r, elems[len(elems)-1], done, nil
}

// unwrapPath returns the cause of a *fs.PathError, so that the errors of Dir
// name the path asked for, not the element of it that failed.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
