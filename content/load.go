package content

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/mail"
	"net/url"
	"path"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// DefaultTitle is the portal title used when site.yaml has none.
const DefaultTitle = "Cổng thông tin công khai"

// DefaultLicense is a dataset's license when index.md names none.
const DefaultLicense = "Giấy phép dữ liệu mở (CC BY 4.0)"

// Load reads the content folder fsys (see docs/content.md) and returns a complete,
// consistent Site with every problem found, sorted by path and line. It never fails
// and never returns a half-built site: a file with a problem that prevents it from
// loading is left out, or, when prev (the Site of the previous load, may be nil) has
// a version of the same file, that last good version is kept. Problems in references
// (missing attachments, related paths that lead nowhere, unknown parent agencies,
// malformed table rows) are reported but do not stop a file from loading; the broken
// reference is dropped. Load reuses prev's parsed files whose bytes are unchanged,
// and prev's table scans whose size, modification time and hash are unchanged.
//
// prev may also come from ReadCache (a cache of an earlier process): files whose
// size and modification time match their entry are then neither read nor parsed.
// When prev was loaded from fsys and nothing in the folder changed since, Load
// returns prev itself (with its problems), so callers can tell that nothing
// changed.
//
// If ctx ends before Load finishes, it returns prev (or an empty Site when prev is
// nil) and a problem saying so.
func Load(ctx context.Context, fsys fs.FS, prev *Site) (*Site, []Problem) {
	return load(ctx, fsys, prev, nil)
}

// LoadCached is Load with a previous site that takes a while to get (the
// content cache, read from disk): prev runs while the folder is listed.
func LoadCached(ctx context.Context, fsys fs.FS, prev func() *Site) (*Site, []Problem) {
	ch := make(chan *Site, 1)
	go func() { ch <- prev() }()
	nodes := list(ctx, fsys, ".")
	return load(ctx, fsys, <-ch, nodes)
}

// Reload is Load for a folder in which only the given paths changed since prev was
// loaded from it: slash paths relative to the folder, files or folders, as Watch
// reports them (a folder stands for everything below it: a deleted or renamed
// folder, a folder copied in). Instead of walking the whole folder it lists those
// paths again and reuses prev's list of everything else, so its cost follows the
// change, not the size of the folder. site.yaml is read every time. With a path
// ".", or a prev that was not loaded by Load or Reload (nil, or from ReadCache),
// Reload is Load. A change Reload is not told about is not seen until a Load.
func Reload(ctx context.Context, fsys fs.FS, prev *Site, paths []string) (*Site, []Problem) {
	if prev == nil || prev.nodes == nil || slices.Contains(paths, ".") {
		return load(ctx, fsys, prev, nil)
	}
	return load(ctx, fsys, prev, relist(ctx, fsys, prev.nodes, paths))
}

func load(ctx context.Context, fsys fs.FS, prev *Site, nodes []node) (*Site, []Problem) {
	l := &loader{ctx: ctx, fsys: fsys, prev: prev}
	if nodes == nil {
		nodes = list(ctx, fsys, ".")
	}
	site := l.load(nodes)
	if err := ctx.Err(); err != nil {
		if prev == nil {
			prev = newSite(defaultConfig())
		}
		return prev, []Problem{{Path: ".", Msg: "load cancelled: " + err.Error()}}
	}
	sortProblems(l.problems)
	if prev != nil && prev.nodes != nil && l.parsedCount.Load() == 0 && slices.Equal(l.problems, prev.problems) &&
		reflect.DeepEqual(site.Config, prev.Config) && sameNodes(nodes, prev.nodes) {
		return prev, prev.problems // nothing changed
	}
	site.problems = l.problems
	site.parsedFiles = int(l.parsedCount.Load())
	return site, l.problems
}

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

// Parsed is the number of markdown files and tables that the Load or Reload which
// returned s read and parsed (the rest came from the previous Site or the cache).
func (s *Site) Parsed() int { return s.parsedFiles }

func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		if ps[i].Path != ps[j].Path {
			return ps[i].Path < ps[j].Path
		}
		return ps[i].Line < ps[j].Line
	})
}

func defaultConfig() SiteConfig {
	c := SiteConfig{Title: DefaultTitle, Languages: []string{"vi"}}
	c.Feedback.DeadlineDays = 15
	return c
}

func newSite(cfg SiteConfig) *Site {
	return &Site{
		Config:   cfg,
		Files:    map[string]*File{},
		agencies: map[string]*Agency{},
		notices:  map[string]*Notice{},
		datasets: map[string]*Dataset{},
		parsed:   map[string]*parsedFile{},
		tables:   map[string]*Table{},
	}
}

type loader struct {
	ctx         context.Context
	fsys        fs.FS
	prev        *Site
	site        *Site // being built
	mu          sync.Mutex
	problems    []Problem
	parsedCount atomic.Int64 // markdown files parsed and tables scanned
}

func (l *loader) problem(p string, line int, format string, args ...any) {
	l.mu.Lock()
	l.problems = append(l.problems, Problem{Path: p, Line: line, Msg: fmt.Sprintf(format, args...)})
	l.mu.Unlock()
}

func (l *loader) add(ps ...Problem) {
	l.mu.Lock()
	l.problems = append(l.problems, ps...)
	l.mu.Unlock()
}

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
}

type agencyDir struct {
	slug    string
	md      *mdFile
	notices []*mdFile
	sets    []*mdFile
	files   []*File
	tables  map[string][]*File // dataset dir → its table files
}

// parsedFile is the parse of one markdown file, before references are resolved.
type parsedFile struct {
	hash    string
	size    int64     // of the file when it was read
	modTime time.Time // idem; zero for file systems without times (embed)
	unsafe  bool
	agency  *Agency
	notice  *Notice
	dataset *Dataset
	// references as written, with their lines
	parentLine  int
	attachments []rawAttachment
	related     []rawRef
	columns     declaredColumns
	columnLines map[string]int
	// published: notice has been part of a snapshot and is read-only. The
	// first load that uses an entry completes its notice in place; later
	// loads publish the same notice again when its attachments and related
	// paths resolve as before, and a copy otherwise (one copy of each notice
	// in memory, not one per entry and one per snapshot).
	published bool
}

type rawAttachment struct {
	Attachment
	file string // as written
	line int
}

type rawRef struct {
	ref  string
	line int
}

func (l *loader) load(nodes []node) *Site {
	cfg := l.loadConfig()
	site := newSite(cfg)
	site.nodes = nodes
	l.site = site
	dirs := l.classify(nodes)
	// Markdown files, parsed in parallel.
	var mds []*mdFile
	for _, d := range dirs {
		if d.md != nil {
			mds = append(mds, d.md)
		}
		mds = append(mds, d.notices...)
		mds = append(mds, d.sets...)
	}
	// Unchanged files first, without handing them to workers: after an edit
	// that is all files but one.
	var toRead []*mdFile
	site.parsed = make(map[string]*parsedFile, len(mds))
	for _, m := range mds {
		if last := l.reusable(m, cfg.Markdown.UnsafeHTML); last != nil {
			m.entry, m.reused = last, true
			site.parsed[m.path] = last
		} else {
			toRead = append(toRead, m)
		}
	}
	parallel(len(toRead), func(i int) {
		if l.ctx.Err() != nil {
			return
		}
		m := toRead[i]
		m.entry = l.parseFile(m, cfg.Markdown.UnsafeHTML)
		if m.entry != nil {
			l.mu.Lock()
			site.parsed[m.path] = m.entry
			l.mu.Unlock()
		}
	})
	// Agencies.
	for _, d := range dirs {
		if d.md == nil || d.md.entry == nil {
			if d.md != nil || len(d.notices)+len(d.sets)+len(d.files) > 0 {
				msg := "agency folder has no _agency.md"
				if d.md != nil {
					msg = "the agency did not load"
				}
				l.problem(d.slug, 0, "%s; its %d notices, %d datasets and %d files are not published", msg, len(d.notices), len(d.sets), len(d.files))
			}
			continue
		}
		a := *d.md.entry.agency
		a.Hash = d.md.entry.hash
		site.agencies[a.Slug] = &a
		site.Agencies = append(site.Agencies, &a)
		for _, f := range d.files {
			site.Files[f.Path] = f
			if f.Size == 0 {
				l.problem(f.Path, 0, "the file is empty (0 bytes)")
			}
		}
	}
	for _, a := range site.Agencies {
		if a.Parent == "" {
			continue
		}
		if _, ok := site.agencies[a.Parent]; !ok || a.Parent == a.Slug {
			pf := l.entryFor(a.Source)
			line := 0
			if pf != nil {
				line = pf.parentLine
			}
			l.problem(a.Source, line, "parent %q is not an agency of this site", a.Parent)
			a.Parent = ""
		}
	}
	// Datasets first claim their tables, then notices and datasets take their paths.
	type setJob struct {
		d      *agencyDir
		m      *mdFile
		tables []*Table
	}
	var jobs []*setJob
	for _, d := range dirs {
		if _, ok := site.agencies[d.slug]; !ok {
			continue
		}
		for _, m := range d.sets {
			if m.entry == nil {
				continue
			}
			jobs = append(jobs, &setJob{d: d, m: m})
		}
	}
	parallel(len(jobs), func(i int) {
		if l.ctx.Err() != nil {
			return
		}
		j := jobs[i]
		dir := path.Dir(j.m.path)
		for _, tf := range j.d.tables[dir] {
			if t := l.loadTable(tf, j.m.entry.columns); t != nil {
				j.tables = append(j.tables, t)
			}
		}
	})
	paths := make(map[string]string, len(mds)) // URL path → source, for duplicates
	if l.prev != nil {
		site.notices = make(map[string]*Notice, len(l.prev.notices))
	}
	claim := func(p, src string) bool {
		if other, ok := paths[p]; ok {
			l.problem(src, 0, "path /%s is already used by %s", p, other)
			return false
		}
		paths[p] = src
		return true
	}
	var adopted []*parsedFile
	var entries []*parsedFile // of site.Notices, index for index
	for _, d := range dirs {
		if _, ok := site.agencies[d.slug]; !ok {
			continue
		}
		for _, m := range d.notices {
			if m.entry == nil || !claim(m.entry.notice.Path, m.path) {
				continue
			}
			// A published notice is read-only: it is replaced by a copy below
			// if this load resolves it differently.
			n := m.entry.notice
			if !m.entry.published {
				n.Hash = m.entry.hash
				n.src = noticeSource{fsys: l.fsys, unsafe: m.entry.unsafe}
				adopted = append(adopted, m.entry)
			}
			site.notices[n.Path] = n
			site.Notices = append(site.Notices, n)
			entries = append(entries, m.entry)
		}
	}
	for _, j := range jobs {
		ds := *j.m.entry.dataset
		ds.Hash = j.m.entry.hash
		if !claim(ds.Path, j.m.path) {
			continue
		}
		sort.Slice(j.tables, func(a, b int) bool { return j.tables[a].Name < j.tables[b].Name })
		ds.Tables = j.tables
		if len(ds.Tables) == 0 {
			l.problem(j.m.path, 0, "the dataset has no table: add a .csv or .xlsx file to its folder")
		}
		found := map[string]bool{}
		for _, t := range ds.Tables {
			site.tables[t.File] = t
			if t.ModTime.After(ds.Updated) {
				ds.Updated = t.ModTime
			}
			for _, c := range t.Columns {
				found[c.Name] = true
			}
		}
		for _, c := range ds.Columns {
			if !found[c.Name] && len(ds.Tables) > 0 {
				l.problem(j.m.path, j.m.entry.columnLines[c.Name], "declared column %q is not a header of any table", c.Name)
			}
		}
		site.datasets[ds.Path] = &ds
		site.Datasets = append(site.Datasets, &ds)
	}
	// Resolve notices' attachments and related paths.
	for i, n := range site.Notices {
		pf := entries[i]
		att := l.resolveAttachments(site, n, pf)
		rel := l.resolveRelated(site, n, pf)
		if pf.published && pf.notice == n {
			if slices.Equal(att, n.Attachments) && slices.Equal(rel, n.Related) && sameFS(n.src.fsys, l.fsys) {
				continue
			}
			c := *n
			c.src.fsys = l.fsys
			n = &c
			site.Notices[i], site.notices[n.Path] = n, n
		}
		n.Attachments, n.Related = att, rel
	}
	for _, pf := range adopted {
		pf.published = true
	}
	sortSite(site)
	return site
}

// sameFS reports whether a and b are the same file system (false when they
// cannot be compared, as a map-based test file system).
func sameFS(a, b fs.FS) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}

// entryFor returns the parsed entry used for a source path in this load.
func (l *loader) entryFor(src string) *parsedFile {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.site.parsed[src]
}

func parallel(n int, fn func(i int)) { parallelN(runtime.GOMAXPROCS(0), n, fn) }

// parallelN calls fn(0) … fn(n-1) on up to workers goroutines.
func parallelN(workers, n int, fn func(i int)) {
	workers = min(workers, n)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

func sortSite(s *Site) {
	coll := collate.New(language.Vietnamese)
	sort.SliceStable(s.Agencies, func(i, j int) bool {
		a, b := s.Agencies[i], s.Agencies[j]
		if (a.Order != 0) != (b.Order != 0) {
			return a.Order != 0
		}
		if a.Order != b.Order {
			return a.Order < b.Order
		}
		if c := coll.CompareString(a.Name, b.Name); c != 0 {
			return c < 0
		}
		return a.Slug < b.Slug
	})
	// Paths are unique, so these orders are total and need no stable sort.
	// Notices are sorted by keys copied side by side: at 100,000 notices,
	// comparing through the pointers (a cache miss each) took 50 ms per load.
	type noticeKey struct {
		sec  int64 // Published, newest first
		nsec int64
		path string
		n    *Notice
	}
	keys := make([]noticeKey, len(s.Notices))
	for i, n := range s.Notices {
		keys[i] = noticeKey{n.Published.Unix(), int64(n.Published.Nanosecond()), n.Path, n}
	}
	slices.SortFunc(keys, func(a, b noticeKey) int {
		if a.sec != b.sec {
			return cmp.Compare(b.sec, a.sec)
		}
		if a.nsec != b.nsec {
			return cmp.Compare(b.nsec, a.nsec)
		}
		return strings.Compare(a.path, b.path)
	})
	for i, k := range keys {
		s.Notices[i] = k.n
	}
	slices.SortFunc(s.Datasets, func(a, b *Dataset) int {
		if c := b.Published.Compare(a.Published); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
}

// site.yaml

func (l *loader) loadConfig() SiteConfig {
	const name = "site.yaml"
	fallback := defaultConfig()
	if l.prev != nil {
		fallback = l.prev.Config
	}
	b, err := fs.ReadFile(l.fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		l.problem(name, 0, "missing: the content folder needs a site.yaml with at least a title")
		return defaultConfig()
	}
	if err != nil {
		l.problem(name, 0, "cannot read: %v", err)
		return fallback
	}
	if line := invalidUTF8Line(b); line > 0 {
		l.problem(name, line, "not UTF-8 text: save the file as UTF-8")
		return fallback
	}
	b = cleanText(b)
	var cfg SiteConfig
	root, ps := decodeYAML(b, 0, &cfg)
	if len(ps) > 0 {
		for _, p := range ps {
			p.Path = name
			l.add(p)
		}
		return fallback
	}
	cfg.Title = strings.TrimSpace(cfg.Title)
	if cfg.Title == "" {
		l.problem(name, 1, "title is required")
		cfg.Title = DefaultTitle
	}
	cfg.BaseURL = strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/")
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			l.problem(name, nodeLine(root, "base_url"), "base_url %q is not an http:// or https:// address", cfg.BaseURL)
			cfg.BaseURL = ""
		}
	}
	var langs []string
	for i, lang := range cfg.Languages {
		lang = strings.ToLower(strings.TrimSpace(lang))
		if lang != "vi" && lang != "en" {
			l.problem(name, nodeLine(root, "languages", i), "language %q is not supported (vi, en)", lang)
			continue
		}
		langs = append(langs, lang)
	}
	if len(langs) == 0 {
		langs = []string{"vi"}
	}
	cfg.Languages = langs
	if cfg.Feedback.DeadlineDays <= 0 {
		cfg.Feedback.DeadlineDays = 15
	}
	for k, v := range cfg.Feedback.Deadlines {
		switch k {
		case "question", "complaint", "suggestion", "comment":
		default:
			l.problem(name, nodeLine(root, "feedback", "deadlines", k), "unknown feedback type %q (question, complaint, suggestion, comment)", k)
			delete(cfg.Feedback.Deadlines, k)
			continue
		}
		if v <= 0 {
			l.problem(name, nodeLine(root, "feedback", "deadlines", k), "deadline for %q must be a positive number of working days", k)
			delete(cfg.Feedback.Deadlines, k)
		}
	}
	cfg.Feedback.Holidays = l.checkDays(root, "holidays", cfg.Feedback.Holidays)
	cfg.Feedback.WorkingDays = l.checkDays(root, "working_days", cfg.Feedback.WorkingDays)
	return cfg
}

func (l *loader) checkDays(root *yaml.Node, key string, days []string) []string {
	var out []string
	for i, d := range days {
		t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(d), Location)
		if err != nil {
			if t2, _, err2 := parseDate(d); err2 == nil {
				t, err = t2, nil
			}
		}
		if err != nil {
			l.problem("site.yaml", nodeLine(root, "feedback", key, i), "bad date %q in %s: write 2026-02-16", d, key)
			continue
		}
		out = append(out, t.Format("2006-01-02"))
	}
	return out
}

// Walking the folder.

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
	var roots []string
	for _, p := range changed {
		p = path.Clean(strings.Trim(p, "/"))
		if p == "." || !fs.ValidPath(p) || watchIgnored(p) {
			continue
		}
		for dir := path.Dir(p); dir != "." && !has(prev, dir); dir = path.Dir(p) {
			p = dir
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
			l.problem(p, 0, "symbolic links are not followed; copy the file instead")
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
		f := &File{Path: p, Size: nd.size, ModTime: nd.modTime.In(Location), Type: mediaType(name)}
		ad.files = append(ad.files, f)
		if depth == 3 {
			switch strings.ToLower(path.Ext(name)) {
			case ".csv", ".xlsx":
				dir := path.Dir(p)
				ad.tables[dir] = append(ad.tables[dir], f)
			}
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

func pathBase(p string) string { return path.Base(p) }
func pathExt(p string) string  { return path.Ext(p) }

// sameTable reports whether the file at p, of the same size and time as old, is
// old. With times, size and time decide (hashing a table of a million rows on
// every reload would make every edit wait for it); without (embed), the hash.
func (l *loader) sameTable(p string, modTime time.Time, old *Table) bool {
	if !modTime.IsZero() {
		return true
	}
	h, err := hashFile(l.fsys, p)
	return err == nil && h == old.Hash
}

// Markdown files.

// parseFile reads and parses one markdown file. It returns the entry to use: the new
// parse, prev's parse when unchanged, prev's last good parse when the file has a
// problem that stops it loading, or nil.
func (l *loader) parseFile(m *mdFile, unsafe bool) *parsedFile {
	var last *parsedFile
	if l.prev != nil {
		// An entry rendered with the other markdown mode is only a fallback.
		last = l.prev.parsed[m.path]
	}
	if r := l.reusable(m, unsafe); r != nil {
		m.reused = true
		return r
	}
	b, err := fs.ReadFile(l.fsys, m.path)
	if err != nil {
		l.problem(m.path, 0, "cannot read: %v", err)
		return last
	}
	sum := sha256.Sum256(b)
	hash := hex.EncodeToString(sum[:])
	if last != nil && last.hash == hash && last.unsafe == unsafe {
		m.reused = true
		return last
	}
	pf, ps := parseMarkdownFile(m.path, m.kind, b, unsafe)
	for i := range ps {
		ps[i].Path = m.path
	}
	l.add(ps...)
	if pf == nil {
		if last != nil {
			l.problem(m.path, 0, "the last good version stays online until this is fixed")
		}
		return last
	}
	pf.hash = hash
	pf.unsafe = unsafe
	pf.size, pf.modTime = m.size, m.modTime
	l.parsedCount.Add(1)
	return pf
}

// reusable returns prev's parse of m when the file's size and time (as listed)
// are those of that parse: a reload after one edit then reads one file, not the
// whole folder (a hundred thousand notices), and a restart with the cache reads
// none.
func (l *loader) reusable(m *mdFile, unsafe bool) *parsedFile {
	if l.prev == nil {
		return nil
	}
	last := l.prev.parsed[m.path]
	if last != nil && last.unsafe == unsafe && !m.modTime.IsZero() &&
		last.size == m.size && last.modTime.Equal(m.modTime) {
		return last
	}
	return nil
}

// parseMarkdownFile parses a markdown file of the given kind at path p. It returns
// nil and the problems when the file cannot be loaded.
func parseMarkdownFile(p string, kind int, raw []byte, unsafe bool) (pf *parsedFile, ps []Problem) {
	defer func() {
		if r := recover(); r != nil {
			pf, ps = nil, []Problem{{Line: 0, Msg: fmt.Sprintf("internal error while loading: %v", r)}}
		}
	}()
	if len(raw) == 0 {
		return nil, []Problem{{Msg: "the file is empty (0 bytes)"}}
	}
	if line := invalidUTF8Line(raw); line > 0 {
		return nil, []Problem{{Line: line, Msg: "not UTF-8 text: save the file as UTF-8"}}
	}
	b := cleanText(raw)
	fm, prob := splitFrontMatter(b)
	if prob != nil {
		return nil, []Problem{*prob}
	}
	switch kind {
	case kindAgency:
		return parseAgency(p, fm, unsafe)
	case kindNotice:
		return parseNotice(p, fm, unsafe)
	default:
		return parseDataset(p, fm, unsafe)
	}
}

type problems []Problem

func (ps *problems) add(line int, format string, args ...any) {
	*ps = append(*ps, Problem{Line: line, Msg: fmt.Sprintf(format, args...)})
}

type agencyMeta struct {
	Name      string   `yaml:"name"`
	ShortName string   `yaml:"short_name"`
	Kind      string   `yaml:"kind"`
	Parent    string   `yaml:"parent"`
	Order     int      `yaml:"order"`
	Address   string   `yaml:"address"`
	Phone     string   `yaml:"phone"`
	Email     string   `yaml:"email"`
	Website   string   `yaml:"website"`
	Staff     []string `yaml:"staff"`
	Places    []Place  `yaml:"places"`
}

func parseAgency(p string, fm *frontMatter, unsafe bool) (*parsedFile, []Problem) {
	var meta agencyMeta
	root, ps0 := decodeYAML(fm.yaml, fm.offset, &meta)
	if len(ps0) > 0 {
		return nil, ps0
	}
	var ps problems
	line := func(keys ...any) int { return nodeLine(root, keys...) + fm.offset }
	a := &Agency{
		Slug:      strings.Split(p, "/")[0],
		Name:      strings.TrimSpace(meta.Name),
		ShortName: strings.TrimSpace(meta.ShortName),
		Kind:      strings.TrimSpace(meta.Kind),
		Parent:    strings.TrimSpace(meta.Parent),
		Address:   strings.TrimSpace(meta.Address),
		Phone:     strings.TrimSpace(meta.Phone),
		Email:     strings.TrimSpace(meta.Email),
		Website:   strings.TrimSpace(meta.Website),
		Order:     meta.Order,
		Places:    cleanPlaces(meta.Places),
		Source:    p,
	}
	if a.Name == "" {
		ps.add(line("name"), "name is required")
	}
	if a.ShortName == "" {
		a.ShortName = a.Name
	}
	switch a.Kind {
	case "":
		a.Kind = "other"
	case "province", "department", "district", "commune", "other":
	default:
		ps.add(line("kind"), "unknown kind %q (province, department, district, commune, other)", a.Kind)
	}
	if a.Email != "" {
		if _, err := mail.ParseAddress(a.Email); err != nil {
			ps.add(line("email"), "email %q is not an address", a.Email)
		}
	}
	for i, s := range meta.Staff {
		s = strings.TrimSpace(s)
		if _, err := mail.ParseAddress(s); err != nil || !strings.Contains(s, "@") {
			ps.add(line("staff", i), "staff address %q is not an email address", s)
			continue
		}
		a.Staff = append(a.Staff, s)
	}
	if len(ps) > 0 {
		return nil, ps
	}
	body := bytes.TrimSpace(fm.body)
	r, err := renderMarkdown(body, unsafe, a.Slug)
	if err != nil {
		return nil, []Problem{{Line: fm.bodyLine, Msg: err.Error()}}
	}
	a.Body, a.HTML = string(body), r.html
	return &parsedFile{agency: a, parentLine: line("parent")}, nil
}

type noticeMeta struct {
	Title       string   `yaml:"title"`
	Category    string   `yaml:"category"`
	Published   string   `yaml:"published"`
	Updated     string   `yaml:"updated"`
	Number      string   `yaml:"number"`
	Signer      string   `yaml:"signer"`
	SignerTitle string   `yaml:"signer_title"`
	Effective   string   `yaml:"effective"`
	Expires     string   `yaml:"expires"`
	Summary     string   `yaml:"summary"`
	Places      []Place  `yaml:"places"`
	Tags        []string `yaml:"tags"`
	Attachments []struct {
		Title string `yaml:"title"`
		File  string `yaml:"file"`
		URL   string `yaml:"url"`
	} `yaml:"attachments"`
	Related []string `yaml:"related"`
	Comment *struct {
		Opens  string `yaml:"opens"`
		Closes string `yaml:"closes"`
	} `yaml:"comment"`
}

// common holds what notices and datasets share.
type common struct {
	title     string
	category  Category
	published time.Time
	updated   time.Time
}

func parseCommon(ps *problems, line func(...any) int, title, category, published, updated string) common {
	var c common
	c.title = strings.TrimSpace(title)
	if c.title == "" {
		ps.add(line("title"), "title is required")
	}
	if strings.TrimSpace(category) == "" {
		ps.add(line("category"), "category is required; accepted: %s", acceptedCategories())
	} else if cat, ok := ParseCategory(category); ok {
		c.category = cat
	} else {
		ps.add(line("category"), "unknown category %q; accepted: %s", category, acceptedCategories())
	}
	if strings.TrimSpace(published) == "" {
		ps.add(line("published"), "published (the publication date) is required")
	} else {
		c.published = parseDateField(ps, line("published"), "published", published)
	}
	c.updated = c.published
	if strings.TrimSpace(updated) != "" {
		if u := parseDateField(ps, line("updated"), "updated", updated); !u.IsZero() {
			c.updated = u
		}
	}
	return c
}

func parseDateField(ps *problems, line int, field, v string) time.Time {
	if strings.TrimSpace(v) == "" {
		return time.Time{}
	}
	t, _, err := parseDate(v)
	if err != nil {
		ps.add(line, "%s: %v", field, err)
	}
	return t
}

func cleanPlaces(in []Place) []Place {
	var out []Place
	for _, p := range in {
		p = Place{Province: strings.TrimSpace(p.Province), District: strings.TrimSpace(p.District), Commune: strings.TrimSpace(p.Commune)}
		if p != (Place{}) {
			out = append(out, p)
		}
	}
	return out
}

func cleanTags(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range in {
		t = strings.Join(strings.Fields(t), " ")
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

func slugOf(p string, kind int) (agency, slug string) {
	parts := strings.Split(p, "/")
	agency = parts[0]
	if kind == kindDataset {
		return agency, parts[len(parts)-2]
	}
	return agency, strings.TrimSuffix(parts[len(parts)-1], path.Ext(p))
}

func parseNotice(p string, fm *frontMatter, unsafe bool) (*parsedFile, []Problem) {
	var meta noticeMeta
	root, ps0 := decodeYAML(fm.yaml, fm.offset, &meta)
	if len(ps0) > 0 {
		return nil, ps0
	}
	var ps problems
	line := func(keys ...any) int { return nodeLine(root, keys...) + fm.offset }
	agency, slug := slugOf(p, kindNotice)
	if !validSlug(slug) {
		ps.add(0, "file name %q must be lower-case ASCII letters, digits and hyphens (e.g. du-toan-2025.md)", slug+path.Ext(p))
	}
	c := parseCommon(&ps, line, meta.Title, meta.Category, meta.Published, meta.Updated)
	n := &Notice{
		Path:        agency + "/" + slug,
		Agency:      agency,
		Slug:        slug,
		Title:       c.title,
		Category:    c.category,
		Published:   c.published,
		Updated:     c.updated,
		Number:      strings.TrimSpace(meta.Number),
		Signer:      strings.TrimSpace(meta.Signer),
		SignerTitle: strings.TrimSpace(meta.SignerTitle),
		Effective:   parseDateField(&ps, line("effective"), "effective", meta.Effective),
		Expires:     parseDateField(&ps, line("expires"), "expires", meta.Expires),
		Places:      cleanPlaces(meta.Places),
		Tags:        cleanTags(meta.Tags),
		Source:      p,
	}
	if !n.Effective.IsZero() && !n.Expires.IsZero() && n.Expires.Before(n.Effective) {
		ps.add(line("expires"), "expires (%s) is before effective (%s)", n.Expires.Format("02/01/2006"), n.Effective.Format("02/01/2006"))
	}
	pf := &parsedFile{notice: n}
	for i, a := range meta.Attachments {
		ra := rawAttachment{Attachment: Attachment{Title: strings.TrimSpace(a.Title)}, file: strings.TrimSpace(a.File), line: line("attachments", i)}
		u := strings.TrimSpace(a.URL)
		switch {
		case ra.file != "" && u != "":
			ps.add(ra.line, "attachment has both file and url; give one")
			continue
		case ra.file == "" && u == "":
			ps.add(ra.line, "attachment needs a file (in the content folder) or a url")
			continue
		case u != "":
			pu, err := url.Parse(u)
			if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
				ps.add(line("attachments", i, "url"), "attachment url %q must be an http:// or https:// address", u)
				continue
			}
			ra.URL = u
			if ra.Title == "" {
				ra.Title = path.Base(pu.Path)
			}
		default:
			ra.line = line("attachments", i, "file")
			if ra.Title == "" {
				ra.Title = path.Base(ra.file)
			}
		}
		pf.attachments = append(pf.attachments, ra)
	}
	for i, r := range meta.Related {
		if r = strings.TrimSpace(r); r != "" {
			pf.related = append(pf.related, rawRef{ref: r, line: line("related", i)})
		}
	}
	if meta.Comment != nil {
		if c.category != CatDraft && c.category != "" {
			ps.add(line("comment"), "comment (a window for comments) is only for drafts (category du-thao)")
		}
		opens := parseDateField(&ps, line("comment", "opens"), "comment opens", meta.Comment.Opens)
		var closes time.Time
		if strings.TrimSpace(meta.Comment.Closes) != "" {
			t, hasTime, err := parseDate(meta.Comment.Closes)
			if err != nil {
				ps.add(line("comment", "closes"), "comment closes: %v", err)
			} else if !hasTime {
				t = endOfDay(t)
			}
			closes = t
		}
		if opens.IsZero() && strings.TrimSpace(meta.Comment.Opens) == "" {
			ps.add(line("comment"), "comment needs opens (first day comments are accepted)")
		}
		if closes.IsZero() && strings.TrimSpace(meta.Comment.Closes) == "" {
			ps.add(line("comment"), "comment needs closes (last day comments are accepted)")
		}
		if !opens.IsZero() && !closes.IsZero() {
			if closes.Before(opens) {
				ps.add(line("comment", "closes"), "comment closes (%s) is before opens (%s)", closes.Format("02/01/2006"), opens.Format("02/01/2006"))
			}
			n.Comment = &CommentWindow{Opens: opens, Closes: closes}
		}
	} else if c.category == CatDraft {
		ps.add(line("category"), "a draft (du-thao) needs a comment window:\ncomment:\n  opens: 2025-03-01\n  closes: 2025-03-31")
	}
	if len(ps) > 0 {
		return nil, ps
	}
	n.Summary = strings.Join(strings.Fields(meta.Summary), " ")
	if n.Summary == "" {
		// The body itself is rendered when it is shown (Notice.Body).
		first, err := markdownSummary(bytes.TrimSpace(fm.body), unsafe, agency)
		if err != nil {
			return nil, []Problem{{Line: fm.bodyLine, Msg: err.Error()}}
		}
		n.Summary = summarize(first, 300)
	}
	return pf, nil
}

type datasetMeta struct {
	Title     string   `yaml:"title"`
	Category  string   `yaml:"category"`
	Published string   `yaml:"published"`
	Updated   string   `yaml:"updated"`
	Summary   string   `yaml:"summary"`
	License   string   `yaml:"license"`
	Source    string   `yaml:"source"`
	Frequency string   `yaml:"frequency"`
	Places    []Place  `yaml:"places"`
	Tags      []string `yaml:"tags"`
	Columns   []struct {
		Name        string `yaml:"name"`
		Title       string `yaml:"title"`
		Type        string `yaml:"type"`
		Unit        string `yaml:"unit"`
		Description string `yaml:"description"`
	} `yaml:"columns"`
}

func parseDataset(p string, fm *frontMatter, unsafe bool) (*parsedFile, []Problem) {
	var meta datasetMeta
	root, ps0 := decodeYAML(fm.yaml, fm.offset, &meta)
	if len(ps0) > 0 {
		return nil, ps0
	}
	var ps problems
	line := func(keys ...any) int { return nodeLine(root, keys...) + fm.offset }
	agency, slug := slugOf(p, kindDataset)
	if !validSlug(slug) {
		ps.add(0, "dataset folder name %q must be lower-case ASCII letters, digits and hyphens", slug)
	}
	c := parseCommon(&ps, line, meta.Title, meta.Category, meta.Published, meta.Updated)
	ds := &Dataset{
		Path:        agency + "/" + slug,
		Agency:      agency,
		Slug:        slug,
		Title:       c.title,
		Category:    c.category,
		Published:   c.published,
		Updated:     c.updated,
		License:     strings.TrimSpace(meta.License),
		Source:      strings.TrimSpace(meta.Source),
		Frequency:   strings.TrimSpace(meta.Frequency),
		Places:      cleanPlaces(meta.Places),
		Tags:        cleanTags(meta.Tags),
		IndexSource: p,
	}
	if ds.License == "" {
		ds.License = DefaultLicense
	}
	pf := &parsedFile{dataset: ds, columns: declaredColumns{}, columnLines: map[string]int{}}
	for i, col := range meta.Columns {
		c := Column{Name: strings.TrimSpace(col.Name), Title: strings.TrimSpace(col.Title), Type: ColumnType(strings.ToLower(strings.TrimSpace(col.Type))), Unit: strings.TrimSpace(col.Unit), Description: strings.TrimSpace(col.Description)}
		l := line("columns", i)
		switch c.Type {
		case "", TypeText, TypeInteger, TypeDecimal, TypeMoney, TypeDate:
		default:
			ps.add(line("columns", i, "type"), "unknown column type %q (text, integer, decimal, money, date)", c.Type)
		}
		if c.Name == "" {
			ps.add(l, "a declared column needs the name of its header")
			continue
		}
		if _, dup := pf.columns[c.Name]; dup {
			ps.add(l, "column %q is declared twice", c.Name)
			continue
		}
		pf.columns[c.Name] = c
		pf.columnLines[c.Name] = l
		ds.Columns = append(ds.Columns, c)
	}
	if len(ps) > 0 {
		return nil, ps
	}
	body := bytes.TrimSpace(fm.body)
	r, err := renderMarkdown(body, unsafe, agency+"/"+slug)
	if err != nil {
		return nil, []Problem{{Line: fm.bodyLine, Msg: err.Error()}}
	}
	ds.HTML, ds.Text = r.html, r.text
	ds.Summary = strings.Join(strings.Fields(meta.Summary), " ")
	if ds.Summary == "" {
		ds.Summary = summarize(r.firstPara, 300)
	}
	return pf, nil
}

// References.

func (l *loader) resolveAttachments(site *Site, n *Notice, pf *parsedFile) []Attachment {
	var out []Attachment
	for _, ra := range pf.attachments {
		a := ra.Attachment
		if ra.file == "" {
			out = append(out, a)
			continue
		}
		f := strings.ReplaceAll(ra.file, "\\", "/")
		bad := strings.HasPrefix(f, "/")
		for _, el := range strings.Split(f, "/") {
			if el == ".." {
				bad = true
			}
		}
		if bad {
			l.problem(n.Source, ra.line, "attachment file %q must be a path inside the agency folder, relative to the notice, without \"..\"", ra.file)
			continue
		}
		p := path.Join(path.Dir(n.Source), f)
		file, ok := site.Files[p]
		if !ok {
			l.problem(n.Source, ra.line, "attachment file %q does not exist (looked for %s)", ra.file, p)
			continue
		}
		a.Path, a.Size, a.Type = file.Path, file.Size, file.Type
		out = append(out, a)
	}
	return out
}

func (l *loader) resolveRelated(site *Site, n *Notice, pf *parsedFile) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range pf.related {
		p := strings.Trim(r.ref, "/")
		p = strings.TrimSuffix(p, ".md")
		p = strings.TrimSuffix(p, "/index")
		if !strings.Contains(p, "/") {
			p = n.Agency + "/" + p
		}
		_, isNotice := site.notices[p]
		_, isSet := site.datasets[p]
		if !isNotice && !isSet {
			l.problem(n.Source, r.line, "related %q is not a notice or dataset of this site", r.ref)
			continue
		}
		if p == n.Path || seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, p)
	}
	return out
}

// Tables.

// loadTable returns the table at p: prev's scan when the file is unchanged, or a new
// scan. It returns nil, with a problem, when the table cannot be used.
func (l *loader) loadTable(f *File, decl declaredColumns) *Table {
	p := f.Path
	name := strings.TrimSuffix(path.Base(p), path.Ext(p))
	if !validSlug(name) || path.Ext(p) != strings.ToLower(path.Ext(p)) {
		l.problem(p, 0, "table file name %q must be lower-case ASCII letters, digits and hyphens, ending in .csv or .xlsx", path.Base(p))
		return nil
	}
	if l.prev != nil {
		if old := l.prev.tables[p]; old != nil && old.Size == f.Size && old.ModTime.Equal(f.ModTime) && old.src.scan != nil && old.src.scan.declSig == decl.signature() && l.sameTable(p, f.ModTime, old) {
			t := *old
			t.src.fsys = l.fsys
			l.add(old.src.scan.problems...)
			return &t
		}
	}
	l.parsedCount.Add(1)
	t, err := scanTable(l.ctx, l.fsys, p, f.Size, f.ModTime, decl)
	if err != nil {
		if l.ctx.Err() == nil {
			l.problem(p, 0, "%v", err)
		}
		return nil
	}
	l.add(t.src.scan.problems...)
	return t
}
