//go:build unix

package search

import (
	"os"

	"golang.org/x/sys/unix"
)

// adviseRandom tells the kernel that b, the mapping of file, is read at
// random, and drops the file's pages that no process maps from the page
// cache. Failures only cost read-ahead; they are ignored.
func adviseRandom(b []byte, file string) {
	_ = unix.Madvise(b, unix.MADV_RANDOM)
	if f, err := os.Open(file); err == nil {
		_ = unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
		f.Close()
	}
}
