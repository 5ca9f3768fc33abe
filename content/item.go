package content

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/congkhai/congkhai/msg"
)

// Item is one notice or dataset loaded from its files alone, by ParseItem.
// Exactly one of Notice and Dataset is set. A notice's body and a dataset's
// tables read from the files given to ParseItem, kept in memory, never from
// the content folder.
type Item struct {
	Notice  *Notice
	Dataset *Dataset
	// Files are the item's files other than its markdown file (attachments,
	// images, tables), by slash path in the content folder.
	Files map[string]*File
}

// Path returns the item's path ("agency/slug").
func (it *Item) Path() string {
	if it.Notice != nil {
		return it.Notice.Path
	}
	return it.Dataset.Path
}

// Title returns the item's title.
func (it *Item) Title() string {
	if it.Notice != nil {
		return it.Notice.Title
	}
	return it.Dataset.Title
}

// ItemMain returns the markdown file of the item at p ("agency/slug") that
// files hold: p.md for a notice, p/index.md for a dataset. ok is false when
// files hold neither or both.
func ItemMain(p string, files map[string][]byte) (name string, dataset, ok bool) {
	_, isNotice := files[p+".md"]
	_, isSet := files[p+"/index.md"]
	switch {
	case isNotice && !isSet:
		return p + ".md", false, true
	case isSet && !isNotice:
		return p + "/index.md", true, true
	}
	return "", false, false
}

// ParseItem loads the notice or dataset at p ("agency/slug") from files (slash
// path in the content folder → bytes): the markdown file (p.md for a notice,
// p/index.md for a dataset) and the item's other files — a notice's attachment
// files, everything in a dataset's folder. It is how the portal checks a
// version before writing it and reads a version of the record (a dataset as
// in force on a date is its version's files loaded here); it parses exactly
// as Load does, against site (the agencies, the other notices and datasets
// that related paths name, site.yaml's markdown mode).
//
// The problems are Load's for these files — the file's own, its broken
// references (an attachment file that files do not hold: the content folder is
// not consulted), its tables' — and those of the item as a whole: a path that
// is not agency/slug, an agency that site does not have, a path another item
// of site takes as the other kind, a file outside the agency folder (or, for a
// dataset, outside its folder), a hidden or ignored name, another markdown
// file, an empty file. The Item is nil when the markdown file does not load;
// otherwise it is what Load would publish (without the broken references). A
// file that `congkhai check` accepts gives no problem other than guesses
// (Problem.Guess).
func ParseItem(p string, files map[string][]byte, site *Site) (*Item, []Problem) {
	if site == nil {
		site = newSite(defaultConfig())
	}
	var ps []Problem
	bad := func(file, format string, args ...any) {
		ps = append(ps, Problem{Path: file, Msg: msg.New(format, args...)})
	}
	agency, slug, ok := strings.Cut(p, "/")
	if !ok || !validSlug(agency) || !validSlug(slug) || isReserved(agency) {
		bad(p, "item path %q: want agency/slug, lower-case ASCII letters, digits and hyphens", p)
		return nil, ps
	}
	main, isSet, ok := ItemMain(p, files)
	if !ok {
		bad(p, "the files of %s must hold %s.md (a notice) or %s/index.md (a dataset), not both", p, p, p)
		return nil, ps
	}
	if _, ok := site.agencies[agency]; !ok {
		bad(main, "agency %q is not an agency of this site (its folder needs an _agency.md that loads)", agency)
	}
	if _, ok := site.datasets[p]; ok && !isSet {
		bad(main, "path /%s is already used by the dataset %s", p, site.datasets[p].IndexSource)
	}
	if n, ok := site.notices[p]; ok && isSet {
		bad(main, "path /%s is already used by the notice %s", p, n.Source)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	mem := memFS{}
	itemFiles := map[string]*File{}
	var tableFiles []*File
	for _, name := range names {
		b := files[name]
		switch {
		case !fs.ValidPath(name) || strings.Contains(name, "\\"):
			bad(name, "not a clean slash path in the content folder")
			continue
		case !strings.HasPrefix(name, agency+"/"):
			bad(name, "outside the agency folder %s/", agency)
			continue
		case watchIgnored(name) || strings.Count(name, "/") > maxDepth:
			bad(name, "a hidden, temporary or too deeply nested name: the portal would not publish it")
			continue
		case name != main && strings.EqualFold(path.Ext(name), ".md"):
			bad(name, "another markdown file: an item has one (%s)", main)
			continue
		case isSet && !strings.HasPrefix(name, p+"/"):
			bad(name, "outside the dataset's folder %s/", p)
			continue
		case !isSet && site.datasets[path.Dir(name)] != nil:
			bad(name, "inside the folder of the dataset %s", path.Dir(name))
			continue
		}
		mem[name] = b
		if name == main {
			continue
		}
		f := &File{Path: name, Size: int64(len(b)), Type: mediaType(path.Base(name))}
		itemFiles[name] = f
		if len(b) == 0 {
			bad(name, "the file is empty (0 bytes)")
		}
		if isSet && path.Dir(name) == p && isTableFile(path.Base(name)) {
			tableFiles = append(tableFiles, f)
		}
	}
	kind := kindNotice
	if isSet {
		kind = kindDataset
	}
	raw := files[main]
	unsafe := site.Config.Markdown.UnsafeHTML
	pf, fps := parseMarkdownFile(main, kind, raw, unsafe)
	for i := range fps {
		fps[i].Path = main
	}
	ps = append(ps, fps...)
	if pf == nil {
		sortProblems(ps)
		return nil, ps
	}
	for i := range pf.warnings {
		pf.warnings[i].Path = main
	}
	ps = append(ps, pf.warnings...)
	hash := hexHash(raw)
	// The loader runs on the item's files, against a site that has the
	// agencies, notices and datasets of site and only the item's files.
	view := newSite(site.Config)
	view.agencies, view.notices, view.datasets, view.Files = site.agencies, site.notices, site.datasets, itemFiles
	l := &loader{fsys: mem, site: view}
	it := &Item{Files: itemFiles}
	if isSet {
		m := &mdFile{path: main, kind: kindDataset, entry: pf}
		var ts []*Table
		for _, f := range tableFiles {
			if pf.dataset.Restricted() {
				break // read by the accountability pages, never as tables
			}
			ts = append(ts, l.loadTables(context.Background(), f, pf.columns, pf.tables)...)
		}
		ds := l.assembleDataset(m, tableFiles, ts)
		ds.Hash = hash
		it.Dataset = ds
	} else {
		n := pf.notice
		n.Hash = hash
		n.src = noticeSource{fsys: mem, unsafe: unsafe}
		n.Attachments = l.resolveAttachments(view, n, pf)
		n.Related = l.resolveRelated(view, n, pf)
		it.Notice = n
	}
	ps = append(ps, l.problems...)
	sortProblems(ps)
	return it, ps
}

// maxDepth bounds the folders of a name below its agency folder.
const maxDepth = 16

// memFS is a read-only file system of files held in memory, by slash path:
// what ParseItem loads an item from. Folders are not listed.
type memFS map[string][]byte

func (m memFS) Open(name string) (fs.File, error) {
	b, ok := m[name]
	if !ok || !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &memFile{Reader: bytes.NewReader(b), name: path.Base(name), size: int64(len(b))}, nil
}

// memFile is an open file of a memFS: it reads, seeks and reads at offsets.
type memFile struct {
	*bytes.Reader
	name string
	size int64
}

var _ io.ReaderAt = (*memFile)(nil)

func (f *memFile) Stat() (fs.FileInfo, error) { return memInfo{f.name, f.size}, nil }
func (f *memFile) Close() error               { return nil }

type memInfo struct {
	name string
	size int64
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
