//go:build linux && (amd64 || arm64)

package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// evictCache drops the files under each directory from the page cache
// (written back first, then posix_fadvise POSIX_FADV_DONTNEED), so that the
// next process to read them is charged for their pages. Pages some process
// still maps stay. It returns the files evicted.
func evictCache(dirs ...string) (int, error) {
	const fadvDontNeed = 4
	n := 0
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return nil
			}
			f, err := os.Open(p)
			if err != nil {
				return nil
			}
			defer f.Close()
			_ = f.Sync()
			if _, _, e := syscall.Syscall6(syscall.SYS_FADVISE64, f.Fd(), 0, 0, fadvDontNeed, 0, 0); e != 0 {
				return e
			}
			n++
			return nil
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
