// Package atomicfile writes a file so that, even after a crash, it holds
// either its old bytes or the new ones.
package atomicfile

import (
	"io"
	"os"
	"path/filepath"
)

// Write writes name through write: into a temporary file of the same folder,
// synced, then renamed over name, and the folder synced so that the rename
// itself is durable. The file is created with mode 0600.
func Write(name string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(name)
	f, err := os.CreateTemp(dir, "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
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
	if err := os.Rename(f.Name(), name); err != nil {
		return err
	}
	return SyncDir(dir)
}

// SyncDir makes the names in dir durable: a file created in it or renamed
// into it survives a crash once SyncDir returns.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
