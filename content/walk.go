package content

import (
	"context"
	"errors"
	"io/fs"
	"mime"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/congkhai/congkhai/calendar"
)

// file kinds found by the walk.
const (
	kindAgency = iota + 1
	kindNotice
	kindDataset
)

type mdFile struct {
	path    string
	kind    int
	size    int64     // as listed
	modTime time.Time // idem
	// results
	entry  *parsedFile
	reused bool
	stale  bool // entry is the last good version of a file that does not load now
}

type agencyDir struct {
	slug    string
	md      *mdFile
	notices []*mdFile
	sets    []*mdFile
	files   []*File
	tables  map[string][]*File // dataset dir → its table files
}

// node is a file or folder of the content folder as the walk found it. The
// nodes of a Site are kept in walk order (see walkLess), so that a reload can
// list again only what the watcher reported and reuse the rest of the list.
type node struct {
	path    string
	dir     bool
	mode    fs.FileMode // type bits
	size    int64
	modTime time.Time
	err     string // the folder or file could not be read
}

func (a *node) same(b *node) bool {
	return a.path == b.path && a.dir == b.dir && a.mode == b.mode && a.size == b.size &&
		a.modTime.Equal(b.modTime) && a.err == b.err
}

// sameNodes reports whether two lists of nodes are the same files as listed.
func sameNodes(a, b []node) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].same(&b[i]) {
			return false
		}
	}
	return true
}

// walkLess orders slash paths as fs.WalkDir visits them: a folder, then what is
// inside it, then its next sibling ("a", "a/x", "a-b"), i.e. by bytes with '/'
// lowest.
func walkLess(a, b string) bool {
	for i := 0; i < len(a) && i < len(b); i++ {
		ca, cb := a[i], b[i]
		if ca == cb {
			continue
		}
		if ca == '/' {
			return true
		}
		if cb == '/' {
			return false
		}
		return ca < cb
	}
	return len(a) < len(b)
}

// list walks root (a slash path in fsys, "." for all of it) and returns its nodes
// in walk order, leaving out ignored names. A root that does not exist gives no
// node.
func list(ctx context.Context, fsys fs.FS, root string) []node {
	if root != "." {
		// fs.WalkDir follows a root that is a link (it stats it), though
		// never a link below it: a link is listed as a link, never entered.
		info, err := fs.Lstat(fsys, root)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil // gone: a deletion or the old name of a rename
		case err == nil && info.Mode()&fs.ModeSymlink != 0:
			return []node{{path: root, mode: fs.ModeSymlink}}
		}
	}
	var nodes []node
	// Each file's size and time cost a stat system call: a hundred thousand of
	// them are made after the walk, several at a time.
	var pending []int
	var entries []fs.DirEntry
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return fs.SkipAll
		}
		if err != nil {
			if p == root && root != "." && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll // gone: a deletion or the old name of a rename
			}
			nodes = append(nodes, node{path: p, dir: d == nil || d.IsDir(), err: err.Error()})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p == "." {
			return nil
		}
		if ignoredName(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			pending = append(pending, len(nodes))
			entries = append(entries, d)
		}
		nodes = append(nodes, node{path: p, dir: d.IsDir(), mode: d.Type()})
		return nil
	})
	if err != nil && ctx.Err() == nil {
		nodes = append(nodes, node{path: root, dir: true, err: err.Error()})
	}
	vanished := make([]bool, len(pending))
	parallelN(statWorkers, len(pending), func(i int) {
		n := &nodes[pending[i]]
		info, err := entries[i].Info()
		switch {
		case errors.Is(err, fs.ErrNotExist):
			vanished[i] = true // deleted while walking
		case err != nil:
			n.err = err.Error()
		default:
			n.size, n.modTime = info.Size(), info.ModTime()
		}
	})
	if slices.Contains(vanished, true) {
		kept, k := nodes[:0], 0
		for i, n := range nodes {
			if k < len(pending) && pending[k] == i {
				k++
				if vanished[k-1] {
					continue
				}
			}
			kept = append(kept, n)
		}
		nodes = kept
	}
	return nodes
}

// statWorkers is how many stat calls list makes at a time: they wait on the
// file system more than they use a CPU.
const statWorkers = 8

// relist returns the nodes of prev with every path in changed (and everything
// below it) listed again from fsys. A path whose folder was not in prev is
// listed from its topmost new folder, so a folder copied in whole arrives with
// its contents whatever the order of the watcher's events.
func relist(ctx context.Context, fsys fs.FS, prev []node, changed []string) []node {
	has := func(nodes []node, p string) bool {
		i := sort.Search(len(nodes), func(i int) bool { return !walkLess(nodes[i].path, p) })
		return i < len(nodes) && nodes[i].path == p
	}
	dirs := map[string]bool{} // isDir of the folders on the way, asked once
	var roots []string
	for _, p := range changed {
		p = path.Clean(strings.Trim(p, "/"))
		if p == "." || !fs.ValidPath(p) || watchIgnored(p) {
			continue
		}
		// List from the topmost folder on the way that is new, or that is no
		// longer a folder (a link now: nothing below a link is listed).
		for dir := path.Dir(p); dir != "."; dir = path.Dir(dir) {
			isdir, ok := dirs[dir]
			if !ok {
				isdir = isDir(fsys, dir)
				dirs[dir] = isdir
			}
			if !has(prev, dir) || !isdir {
				p = dir
			}
		}
		roots = append(roots, p)
	}
	sort.Slice(roots, func(i, j int) bool { return walkLess(roots[i], roots[j]) })
	nodes := prev
	last := ""
	for _, root := range roots {
		if last != "" && (root == last || strings.HasPrefix(root, last+"/")) {
			continue // inside a root already listed
		}
		last = root
		i := sort.Search(len(nodes), func(i int) bool { return !walkLess(nodes[i].path, root) })
		j := i
		for j < len(nodes) && (nodes[j].path == root || strings.HasPrefix(nodes[j].path, root+"/")) {
			j++
		}
		fresh := list(ctx, fsys, root)
		out := make([]node, 0, len(nodes)-(j-i)+len(fresh))
		out = append(out, nodes[:i]...)
		out = append(out, fresh...)
		out = append(out, nodes[j:]...)
		nodes = out
	}
	return nodes
}

// isDir reports whether p is a folder, not a link to one.
func isDir(fsys fs.FS, p string) bool {
	info, err := fs.Lstat(fsys, p)
	return err == nil && info.IsDir()
}

// classify sorts the nodes into agency folders, reporting what is misplaced or
// misnamed.
func (l *loader) classify(nodes []node) []*agencyDir {
	byName := map[string]*agencyDir{}
	var dirs []*agencyDir
	skip := "" // a folder whose contents are skipped
	for i := range nodes {
		nd := &nodes[i]
		p := nd.path
		if skip != "" && strings.HasPrefix(p, skip) {
			continue
		}
		skip = ""
		skipDir := func() {
			if nd.dir {
				skip = p + "/"
			}
		}
		if nd.err != "" {
			if p == "." {
				l.problem(".", 0, "cannot read the content folder: %s", nd.err)
				return nil
			}
			l.problem(p, 0, "cannot read: %s", nd.err)
			skipDir()
			continue
		}
		name := path.Base(p)
		if nd.mode&fs.ModeSymlink != 0 {
			l.problem(p, 0, "is a symbolic link; not published (links are never followed: put the file or folder itself in the content folder)")
			continue
		}
		parts := strings.Split(p, "/")
		depth := len(parts)
		isMD := strings.EqualFold(path.Ext(name), ".md")
		if depth == 1 {
			if nd.dir {
				switch {
				case !validSlug(name):
					l.problem(p, 0, "agency folder name %q must be lower-case ASCII letters, digits and hyphens (e.g. so-tai-chinh)", name)
					skipDir()
					continue
				case isReserved(name):
					l.problem(p, 0, "agency folder name %q is reserved for the portal's own pages; choose another name", name)
					skipDir()
					continue
				}
				ad := &agencyDir{slug: name, tables: map[string][]*File{}}
				byName[name] = ad
				dirs = append(dirs, ad)
				continue
			}
			if isMD && !strings.EqualFold(name, "README.md") {
				l.problem(p, 0, "a notice must be inside an agency folder (agency/notice.md)")
			}
			continue
		}
		ad := byName[parts[0]]
		if ad == nil {
			continue
		}
		if nd.dir {
			if depth == 2 && !validSlug(name) {
				l.problem(p, 0, "folder name %q must be lower-case ASCII letters, digits and hyphens", name)
				skipDir()
			}
			continue
		}
		if !nd.mode.IsRegular() {
			continue
		}
		md := &mdFile{path: p, size: nd.size, modTime: nd.modTime}
		switch {
		case depth == 2 && name == "_agency.md":
			md.kind = kindAgency
			ad.md = md
			continue
		case depth == 2 && name == "index.md":
			l.problem(p, 0, "an agency's description goes in _agency.md; index.md belongs in a dataset folder")
			continue
		case depth == 2 && isMD:
			md.kind = kindNotice
			ad.notices = append(ad.notices, md)
			continue
		case depth == 3 && name == "index.md":
			md.kind = kindDataset
			ad.sets = append(ad.sets, md)
			continue
		case isMD:
			l.problem(p, 0, "markdown file in the wrong place: notices are agency/notice.md and datasets agency/dataset/index.md")
			continue
		}
		f := &File{Path: p, Size: nd.size, ModTime: nd.modTime.In(calendar.Location), Type: mediaType(name)}
		ad.files = append(ad.files, f)
		if depth == 3 && isTableFile(name) {
			dir := path.Dir(p)
			ad.tables[dir] = append(ad.tables[dir], f)
		}
	}
	// Tables only belong to folders that are datasets.
	for _, ad := range dirs {
		sets := map[string]bool{}
		for _, m := range ad.sets {
			sets[path.Dir(m.path)] = true
		}
		for dir, ts := range ad.tables {
			if !sets[dir] {
				delete(ad.tables, dir)
				continue
			}
			sort.Slice(ts, func(i, j int) bool { return ts[i].Path < ts[j].Path })
		}
	}
	return dirs
}

var mediaTypes = map[string]string{
	".pdf":     "application/pdf",
	".doc":     "application/msword",
	".docx":    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xls":     "application/vnd.ms-excel",
	".xlsx":    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".ppt":     "application/vnd.ms-powerpoint",
	".pptx":    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".odt":     "application/vnd.oasis.opendocument.text",
	".ods":     "application/vnd.oasis.opendocument.spreadsheet",
	".csv":     "text/csv; charset=utf-8",
	".txt":     "text/plain; charset=utf-8",
	".json":    "application/json",
	".geojson": "application/geo+json",
	".xml":     "application/xml",
	".kml":     "application/vnd.google-earth.kml+xml",
	".kmz":     "application/vnd.google-earth.kmz",
	".zip":     "application/zip",
	".rar":     "application/vnd.rar",
	".7z":      "application/x-7z-compressed",
	".png":     "image/png",
	".jpg":     "image/jpeg",
	".jpeg":    "image/jpeg",
	".gif":     "image/gif",
	".webp":    "image/webp",
	".svg":     "image/svg+xml",
	".tif":     "image/tiff",
	".tiff":    "image/tiff",
	".mp4":     "video/mp4",
	".mp3":     "audio/mpeg",
}

// mediaType returns the media type of a file name by its extension: from a fixed
// table first (so the answer does not depend on the machine's mime.types), then the
// system's, then application/octet-stream.
func mediaType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := mediaTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}
