//go:build linux

package search

import (
	"fmt"
	"os"
	"syscall"
)

// fileIdentity changes whenever the file is written: its size, its
// modification time, its change time (which no user program can set) and
// its inode.
func fileIdentity(fi os.FileInfo) string {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fmt.Sprintf("%d %d", fi.Size(), fi.ModTime().UnixNano())
	}
	return fmt.Sprintf("%d %d %d.%09d %d", fi.Size(), fi.ModTime().UnixNano(), st.Ctim.Sec, st.Ctim.Nsec, st.Ino)
}
