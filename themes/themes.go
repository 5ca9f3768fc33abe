package themes

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
)

//go:embed all:default
var embedded embed.FS

// Default returns the embedded default theme.
func Default() fs.FS {
	sub, err := fs.Sub(embedded, "default")
	if err != nil {
		panic(err) // the embed pattern guarantees the folder exists
	}
	return sub
}

// Theme is the default theme with an optional override folder on top of it.
type Theme struct {
	fsys   fs.FS
	static map[string]string // "style.css" -> "style.3f2a9c1e.css"
	byHash map[string]string // reverse
}

// Load returns the theme: files in dir (when not empty) take precedence over the
// embedded default, file by file. It fails when dir is given but is not a readable
// folder, or when a static file cannot be read.
func Load(dir string) (*Theme, error) {
	var fsys fs.FS = Default()
	if dir != "" {
		st, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("themes: override folder: %w", err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("themes: override %s is not a folder", dir)
		}
		fsys = layered{top: os.DirFS(dir), bottom: fsys}
	}
	t := &Theme{fsys: fsys, static: map[string]string{}, byHash: map[string]string{}}
	err := fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == "static" {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		t.static[name] = hashed
		t.byHash[hashed] = name
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("themes: static files: %w", err)
	}
	return t, nil
}

// FS is the merged file system of the theme.
func (t *Theme) FS() fs.FS { return t.fsys }

// StaticURL returns the fingerprinted URL of a static file ("style.css" →
// "/static/style.3f2a9c1e0b.css"). An unknown name yields "/static/" + name so a
// missing file shows as a 404 rather than breaking the page.
func (t *Theme) StaticURL(name string) string {
	if h, ok := t.static[name]; ok {
		return "/static/" + h
	}
	return "/static/" + name
}

// StaticFile resolves a fingerprinted name to the file's path in FS; ok is false
// when the name is not a current fingerprint.
func (t *Theme) StaticFile(hashed string) (p string, ok bool) {
	name, ok := t.byHash[hashed]
	if !ok {
		return "", false
	}
	return "static/" + name, true
}

// layered reads from top, then bottom. Directory listings are merged.
type layered struct{ top, bottom fs.FS }

func (l layered) Open(name string) (fs.File, error) {
	f, err := l.top.Open(name)
	if err == nil {
		st, serr := f.Stat()
		if serr == nil && !st.IsDir() {
			return f, nil
		}
		f.Close()
	}
	return l.bottom.Open(name)
}

func (l layered) ReadDir(name string) ([]fs.DirEntry, error) {
	seen := map[string]bool{}
	var out []fs.DirEntry
	top, terr := fs.ReadDir(l.top, name)
	for _, e := range top {
		seen[e.Name()] = true
		out = append(out, e)
	}
	bottom, berr := fs.ReadDir(l.bottom, name)
	for _, e := range bottom {
		if !seen[e.Name()] {
			out = append(out, e)
		}
	}
	if terr != nil && berr != nil {
		return nil, berr
	}
	// fs.ReadDirFS promises entries sorted by name.
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}
