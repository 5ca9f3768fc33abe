// Package demo embeds the demo province's content folder (demo/site), served by
// `congkhai serve` when no --content folder is given.
package demo

import (
	"embed"
	"io/fs"
)

//go:embed all:site
var files embed.FS

// FS returns the demo content folder.
func FS() fs.FS {
	sub, err := fs.Sub(files, "site")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder exists
	}
	return sub
}
