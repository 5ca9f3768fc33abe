package content

import (
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// openAt opens the folder again for openat2 (os.Root does not lend its own).
// The two must be the same folder: the path could have changed in between.
func (d *Dir) openAt() error {
	f, err := os.Open(d.name)
	if err != nil {
		return err
	}
	a, err1 := f.Stat()
	b, err2 := d.root.Stat(".")
	if err := errors.Join(err1, err2); err != nil || !os.SameFile(a, b) {
		f.Close()
		if err == nil {
			err = errors.New("content: the folder changed while it was opened")
		}
		return err
	}
	d.at, d.fd = f, int(f.Fd())
	return nil
}

// beneath is how openat2 resolves a name: inside the folder, following no
// link, not even the last element.
var beneath = unix.OpenHow{
	Flags:   unix.O_RDONLY | unix.O_CLOEXEC,
	Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
}

// openBeneath opens name with openat2. done is false when openat2 is not
// available (the caller walks the name instead).
func (d *Dir) openBeneath(name string) (f *os.File, done bool, err error) {
	if d.at == nil || d.walk.Load() {
		return nil, false, nil
	}
	how := beneath
	for {
		fd, err := unix.Openat2(d.fd, name, &how)
		switch err {
		case nil:
			// The folder's path, not the name, so that the entries a folder
			// lists describe themselves (os.File's ReadDir).
			return os.NewFile(uintptr(fd), filepath.Join(d.name, filepath.FromSlash(name))), true, nil
		case unix.EINTR:
			continue
		case unix.ENOSYS, unix.EPERM:
			// No openat2 in this kernel, or a sandbox that refuses it.
			d.walk.Store(true)
			return nil, false, nil
		case unix.ELOOP:
			return nil, true, linkError{}
		}
		return nil, true, err
	}
}
