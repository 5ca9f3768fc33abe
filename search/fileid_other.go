//go:build !linux

package search

import (
	"fmt"
	"os"
)

// fileIdentity is the file's size and modification time (the change time
// and inode are read on Linux only).
func fileIdentity(fi os.FileInfo) string {
	return fmt.Sprintf("%d %d", fi.Size(), fi.ModTime().UnixNano())
}
