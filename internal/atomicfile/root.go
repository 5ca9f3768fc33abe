package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
)

// WriteIn writes the file name of the folder dir through write, as Write
// does: into a temporary file of the same folder (".name.<random>.tmp",
// created new, so never through a link), synced, renamed over name, and the
// folder synced. name is a name in dir, not a path. The file is created with
// mode perm (less the umask). A crash leaves name with its old bytes or the
// new ones, and at most a temporary file beside it (IsTemp recognises it).
func WriteIn(dir *os.Root, name string, perm os.FileMode, write func(io.Writer) error) (err error) {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
		return &fs.PathError{Op: "write", Path: name, Err: fs.ErrInvalid}
	}
	var tmp string
	var f *os.File
	for range 10 {
		var b [6]byte
		_, _ = rand.Read(b[:])
		tmp = "." + name + "." + hex.EncodeToString(b[:]) + ".tmp"
		f, err = dir.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			_ = dir.Remove(tmp)
		}
	}()
	if err := write(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := dir.Rename(tmp, name); err != nil {
		return err
	}
	return SyncRoot(dir)
}

// SyncRoot makes the names in the folder dir durable, as SyncDir does.
func SyncRoot(dir *os.Root) error {
	d, err := dir.Open(".")
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// IsTemp reports whether name is a temporary file of Write or WriteIn for
// some file of its folder: one a crash may leave behind.
func IsTemp(name string) bool {
	if !strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".tmp") {
		return false
	}
	rest := strings.TrimSuffix(name[1:], ".tmp")
	i := strings.LastIndexByte(rest, '.')
	return i > 0 && len(rest)-i-1 >= 1
}
