package content

import (
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/congkhai/congkhai/msg"
)

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
	l := &loader{fsys: fsys, prev: prev, kept: newKeptBodies(keptBodiesMax)}
	if prev != nil && prev.kept != nil {
		l.kept = prev.kept
	}
	// A reload keeps the bodies of the notices it reads; a first load (from
	// nothing, or from the cache) reads them all, and keeps none.
	l.keepBodies = prev != nil && prev.nodes != nil
	if nodes == nil {
		nodes = list(ctx, fsys, ".")
	}
	site := l.load(ctx, nodes)
	if err := ctx.Err(); err != nil {
		if prev == nil {
			prev = newSite(defaultConfig())
		}
		return prev, []Problem{{Path: ".", Msg: msg.New("load cancelled: %v", err)}}
	}
	sortProblems(l.problems)
	if prev != nil && prev.nodes != nil && l.parsedCount.Load() == 0 && slices.EqualFunc(l.problems, prev.problems, sameProblem) &&
		reflect.DeepEqual(site.Config, prev.Config) && sameNodes(nodes, prev.nodes) {
		return prev, prev.problems // nothing changed
	}
	site.problems = l.problems
	site.parsedFiles = int(l.parsedCount.Load())
	l.kept.retain(site)
	return site, l.problems
}

// sameProblem reports whether two problems are the same, messages included.
func sameProblem(a, b Problem) bool { return reflect.DeepEqual(a, b) }

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

func newSite(cfg SiteConfig) *Site {
	return &Site{
		Config:   cfg,
		Files:    map[string]*File{},
		agencies: map[string]*Agency{},
		notices:  map[string]*Notice{},
		datasets: map[string]*Dataset{},
		parsed:   map[string]*parsedFile{},
		tables:   map[string][]*Table{},
	}
}

// loader is one Load: what it reads from, the previous site it reuses, and what it
// found. Its methods take the load's context as an argument.
type loader struct {
	fsys        fs.FS
	prev        *Site
	site        *Site // being built
	mu          sync.Mutex
	problems    []Problem
	parsedCount atomic.Int64 // markdown files parsed and tables scanned
	kept        *keptBodies  // the last good bodies of notices
	keepBodies  bool         // keep the bodies of the notices read
}

func (l *loader) problem(p string, line int, format string, args ...any) {
	l.mu.Lock()
	l.problems = append(l.problems, Problem{Path: p, Line: line, Msg: msg.New(format, args...)})
	l.mu.Unlock()
}

func (l *loader) add(ps ...Problem) {
	l.mu.Lock()
	l.problems = append(l.problems, ps...)
	l.mu.Unlock()
}

// load builds the site from the listed nodes, step by step.
func (l *loader) load(ctx context.Context, nodes []node) *Site {
	cfg := l.loadConfig()
	site := newSite(cfg)
	site.nodes = nodes
	site.kept = l.kept
	l.site = site
	dirs := l.classify(nodes)
	n := l.parseAll(ctx, dirs, cfg.Markdown.UnsafeHTML)
	l.placeAgencies(dirs)
	l.checkPublishing(site)
	// Datasets first claim their tables, then notices and datasets take their paths.
	jobs := l.scanTables(ctx, dirs)
	paths := make(claims, n)
	if l.prev != nil {
		site.notices = make(map[string]*Notice, len(l.prev.notices))
	}
	entries, adopted := l.placeNotices(dirs, paths)
	l.placeDatasets(jobs, paths)
	l.resolveNotices(entries)
	for _, pf := range adopted {
		pf.published = true
	}
	sortSite(site)
	return site
}

// parseAll parses the markdown files of dirs in parallel, reusing the previous
// site's entries of unchanged files, and returns how many files there are.
func (l *loader) parseAll(ctx context.Context, dirs []*agencyDir, unsafe bool) int {
	site := l.site
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
		if last := l.reusable(m, unsafe); last != nil {
			m.entry, m.reused = last, true
			site.parsed[m.path] = last
		} else {
			toRead = append(toRead, m)
		}
	}
	parallel(len(toRead), func(i int) {
		if ctx.Err() != nil {
			return
		}
		m := toRead[i]
		m.entry = l.parseFile(m, unsafe)
		if m.entry != nil {
			l.mu.Lock()
			site.parsed[m.path] = m.entry
			l.mu.Unlock()
		}
	})
	for _, m := range mds {
		if m.entry != nil && !m.stale {
			l.add(m.entry.warnings...)
		}
	}
	return len(mds)
}

// placeAgencies publishes the agencies that loaded, with their files, and drops
// parents that are not agencies of the site.
func (l *loader) placeAgencies(dirs []*agencyDir) {
	site := l.site
	for _, d := range dirs {
		if d.md == nil || d.md.entry == nil {
			if d.md != nil || len(d.notices)+len(d.sets)+len(d.files) > 0 {
				m := msg.New("agency folder has no _agency.md")
				if d.md != nil {
					m = msg.New("the agency did not load")
				}
				l.problem(d.slug, 0, "%v; its %d notices, %d datasets and %d files are not published", m, len(d.notices), len(d.sets), len(d.files))
			}
			continue
		}
		a := *d.md.entry.agency
		a.Hash = d.md.entry.hash
		site.agencies[a.Slug] = &a
		site.Agencies = append(site.Agencies, &a)
		withheld := withheldFolders(d)
		for _, f := range d.files {
			if withheld[path.Dir(f.Path)] {
				continue
			}
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
}

// setJob is a dataset of a published agency and the tables its folder holds.
type setJob struct {
	d      *agencyDir
	m      *mdFile
	tables []*Table
}

// scanTables loads the tables of every dataset that parsed, in parallel.
func (l *loader) scanTables(ctx context.Context, dirs []*agencyDir) []*setJob {
	var jobs []*setJob
	for _, d := range dirs {
		if _, ok := l.site.agencies[d.slug]; !ok {
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
		if ctx.Err() != nil {
			return
		}
		j := jobs[i]
		if j.m.entry.dataset.Restricted() {
			return // read by the accountability pages, never as tables
		}
		dir := path.Dir(j.m.path)
		for _, tf := range j.d.tables[dir] {
			j.tables = append(j.tables, l.loadTables(ctx, tf, j.m.entry.columns, j.m.entry.tables)...)
		}
	})
	return jobs
}

// claims maps the URL paths taken in a load to the files that took them:
// notices and datasets share one space of paths.
type claims map[string]string

// claim takes path p for the file src; false, with a problem, when another
// file has it.
func (l *loader) claim(c claims, p, src string) bool {
	if other, ok := c[p]; ok {
		l.problem(src, 0, "path /%s is already used by %s", p, other)
		return false
	}
	c[p] = src
	return true
}

// placeNotices publishes the notices of published agencies. It returns the
// entries of site.Notices, index for index, and the entries whose notice this
// load completes (to be marked published once the load is done).
func (l *loader) placeNotices(dirs []*agencyDir, paths claims) (entries, adopted []*parsedFile) {
	site := l.site
	for _, d := range dirs {
		if _, ok := site.agencies[d.slug]; !ok {
			continue
		}
		for _, m := range d.notices {
			if m.entry == nil || !l.claim(paths, m.entry.notice.Path, m.path) {
				continue
			}
			// A published notice is read-only: it is replaced by a copy in
			// resolveNotices if this load resolves it differently.
			n := m.entry.notice
			if !m.entry.published {
				n.Hash = m.entry.hash
				n.src = noticeSource{fsys: l.fsys, unsafe: m.entry.unsafe, kept: l.kept}
				adopted = append(adopted, m.entry)
			}
			site.notices[n.Path] = n
			site.Notices = append(site.Notices, n)
			entries = append(entries, m.entry)
		}
	}
	return entries, adopted
}

// placeDatasets publishes the datasets with their tables, checking the
// declared columns against the tables' headers.
func (l *loader) placeDatasets(jobs []*setJob, paths claims) {
	site := l.site
	for _, j := range jobs {
		if !l.claim(paths, j.m.entry.dataset.Path, j.m.path) {
			continue
		}
		ds := l.assembleDataset(j.m, j.d.tables[path.Dir(j.m.path)], j.tables)
		for _, t := range ds.Tables {
			site.tables[t.File] = append(site.tables[t.File], t)
		}
		site.datasets[ds.Path] = ds
		site.Datasets = append(site.Datasets, ds)
	}
}

// assembleDataset completes the dataset parsed from m with its tables (read
// from the table files of its folder), orders and names them, and reports the
// declared files and columns that no table has.
func (l *loader) assembleDataset(m *mdFile, files []*File, tables []*Table) *Dataset {
	ds := *m.entry.dataset
	ds.Hash = m.entry.hash
	if ds.Restricted() {
		ds.Exports = exportFiles(files)
		if len(ds.Exports) == 0 {
			l.problem(m.path, 0, "the dataset has no export file: add the .csv, .xlsx, .xls or .ods file of the one-stop software to its folder")
		}
		return &ds
	}
	ds.Tables = orderTables(tables, m.entry.tables)
	shortSheetNames(ds.Tables)
	if len(ds.Tables) == 0 {
		l.problem(m.path, 0, "the dataset has no table: add a .csv, .xlsx, .xls or .ods file to its folder")
	}
	found := map[string]bool{}
	names := map[string]string{}
	for _, t := range ds.Tables {
		// /tai-ve/<dataset>/datapackage.json is the dataset's Data Package.
		if t.Name == "datapackage" {
			l.problem(t.File, 0, "%s would be named %q in URLs, which the dataset's Data Package takes; it is published as %q", tableLabel(t), t.Name, t.Name+"-2")
			t.Name += "-2"
		}
		if other, dup := names[t.Name]; dup {
			l.problem(t.File, 0, "%s is named %q in URLs like %s; it is published as %q (declare a name in index.md: tables: - file: …, name: …)",
				tableLabel(t), t.Name, other, t.Name+"-2")
			t.Name += "-2"
		}
		names[t.Name] = tableLabel(t)
		for _, c := range t.Columns {
			found[c.Name] = true
		}
	}
	for _, d := range m.entry.tables {
		if !slices.ContainsFunc(files, func(f *File) bool { return path.Base(f.Path) == d.File }) {
			l.problem(m.path, d.Line, "file %q is not in the dataset's folder", d.File)
		}
	}
	for _, c := range ds.Columns {
		if !found[c.Name] && len(ds.Tables) > 0 {
			l.problem(m.path, m.entry.columnLines[c.Name], "declared column %q is not a header of any table", c.Name)
		}
	}
	return &ds
}

// resolveNotices resolves the notices' attachments and related paths;
// entries are those of site.Notices, index for index.
func (l *loader) resolveNotices(entries []*parsedFile) {
	site := l.site
	for i, n := range site.Notices {
		pf := entries[i]
		att := l.resolveAttachments(site, n, pf)
		rel := l.resolveRelated(site, n, pf)
		if pf.published && pf.notice == n {
			if slices.Equal(att, n.Attachments) && slices.Equal(rel, n.Related) && sameFS(n.src.fsys, l.fsys) && n.src.kept == l.kept {
				continue
			}
			c := *n
			c.src.fsys, c.src.kept = l.fsys, l.kept
			n = &c
			site.Notices[i], site.notices[n.Path] = n, n
		}
		n.Attachments, n.Related = att, rel
	}
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

// orderTables orders a dataset's tables: the files index.md declares first, in
// its order, then the others by file name; a workbook's sheets stay in the order
// they were read (the workbook's, or the one declared).
func orderTables(ts []*Table, decls []TableDecl) []*Table {
	rank := map[string]int{}
	for i, d := range decls {
		if _, ok := rank[d.File]; !ok {
			rank[d.File] = i
		}
	}
	key := func(t *Table) (int, string) {
		if r, ok := rank[path.Base(t.File)]; ok {
			return r, t.File
		}
		return len(decls), t.File
	}
	out := append([]*Table(nil), ts...)
	slices.SortStableFunc(out, func(a, b *Table) int {
		ra, fa := key(a)
		rb, fb := key(b)
		if ra != rb {
			return ra - rb
		}
		return strings.Compare(fa, fb)
	})
	return out
}

// tableLabel names a table for a publisher: its file, and its sheet.
func tableLabel(t *Table) string {
	if t.Sheet != "" {
		return fmt.Sprintf("sheet %q of %s", t.Sheet, path.Base(t.File))
	}
	return path.Base(t.File)
}

// shortSheetNames names the tables of a dataset whose tables all come from one
// workbook by their sheets alone ("bieu-48" rather than the workbook's name
// and the sheet's), unless index.md named them.
func shortSheetNames(ts []*Table) {
	if len(ts) < 2 {
		return
	}
	for _, t := range ts {
		if t.File != ts[0].File || t.Sheet == "" {
			return
		}
	}
	for _, t := range ts {
		base := Slugify(strings.TrimSuffix(path.Base(t.File), path.Ext(t.File)))
		if s := Slugify(t.Sheet); s != "" && t.Name == base+"-"+s {
			t.Name = s
		}
	}
}
