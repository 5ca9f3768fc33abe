package portal

import (
	clist "container/list"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/congkhai/congkhai/calendar"
	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/publish"
)

// History is the public record of an item: every version, oldest first.
type History struct {
	Path     string
	Kind     publish.Kind
	Versions []publish.Version // numbers 1, 2, ... with their files, times, agencies, actors and reasons
	// Modifications counts the corrections and hand edits after the first
	// version ("Đã sửa đổi N lần"); LastModified is the last one's time.
	Modifications int
	LastModified  time.Time
	Withdrawn     bool // the latest version withdrew the item
}

// History returns the versions of the item at path from the record. Errors:
// ErrNoRecord, publish.ErrNotFound (never published), the database's.
func (p *Portal) History(ctx context.Context, path string) (*History, error) {
	if p.cfg.Publish == nil {
		return nil, ErrNoRecord
	}
	vs, err := p.cfg.Publish.Versions(ctx, path)
	if err != nil {
		return nil, err
	}
	h := &History{Path: path, Kind: vs[0].Kind, Versions: vs, Withdrawn: vs[len(vs)-1].Withdrawn()}
	for i := range vs {
		if modification(&vs[i]) {
			h.Modifications++
			h.LastModified = vs[i].At
		}
	}
	return h, nil
}

// ItemVersion is a version of an item loaded from its files.
type ItemVersion struct {
	Version *publish.Version
	// Item is the version loaded by content.ParseItem against the current
	// site (nil when its markdown file does not load); its body and tables
	// read from the version's files, held in memory. Shared: do not change.
	Item     *content.Item
	Problems []content.Problem
	Files    map[string][]byte
}

// VersionItem returns version n of the item at path, loaded from its files.
// Loaded versions are kept (versionCacheMax bytes of files), so the pages of
// a history, a diff and a dataset as in force on a date cost the database
// once. Errors: ErrNoRecord, publish.ErrNotFound, the database's.
func (p *Portal) VersionItem(ctx context.Context, path string, n int) (*ItemVersion, error) {
	if p.cfg.Publish == nil {
		return nil, ErrNoRecord
	}
	v, err := p.cfg.Publish.Version(ctx, path, n)
	if err != nil {
		return nil, err
	}
	return p.loadVersion(ctx, v)
}

// ItemAt returns the version of the item at path that was in force on the day
// of t in Asia/Ho_Chi_Minh (at the end of that day): what `?ngay=2025-06-30`
// shows of a dataset. A withdrawal is returned as such (Version.Withdrawn),
// with the files it withdrew. Errors: ErrNoRecord, publish.ErrNotFound (not
// yet on the record that day), the database's.
func (p *Portal) ItemAt(ctx context.Context, path string, t time.Time) (*ItemVersion, error) {
	if p.cfg.Publish == nil {
		return nil, ErrNoRecord
	}
	y, m, d := t.In(calendar.Location).Date()
	end := time.Date(y, m, d+1, 0, 0, 0, 0, calendar.Location).Add(-time.Nanosecond)
	v, err := p.cfg.Publish.VersionAt(ctx, path, end)
	if err != nil {
		return nil, err
	}
	return p.loadVersion(ctx, v)
}

func (p *Portal) loadVersion(ctx context.Context, v *publish.Version) (*ItemVersion, error) {
	if iv := p.versions().get(v.ID); iv != nil {
		return iv, nil
	}
	files, err := p.blobs(ctx, v.Files)
	if err != nil {
		return nil, err
	}
	it, ps := content.ParseItem(v.Path, files, p.Snapshot().Site)
	iv := &ItemVersion{Version: v, Item: it, Problems: ps, Files: files}
	var size int64
	for _, b := range files {
		size += int64(len(b))
	}
	p.versions().put(v.ID, iv, size)
	return iv, nil
}

// Diff is what changed between two versions of an item.
type Diff struct {
	Path   string
	A, B   *publish.Version
	Fields []FieldDiff   // the front matter fields that differ, in the order of docs/content.md
	Body   []publish.Op  // the markdown body word by word; nil when the bodies are equal
	Tables []TableChange // a dataset's tables that differ, matched by name
	Files  []FileChange  // the other files added, removed or changed
}

// FieldDiff is a front matter field that differs, as text compared word by
// word (dates as dd/mm/yyyy, lists one item a line).
type FieldDiff struct {
	Name     string // the field as written: "title", "number", "places"...
	Old, New string
	Ops      []publish.Op
}

// TableChange is a table of a dataset that differs between two versions.
type TableChange struct {
	Name  string // in URLs (the new version's, else the old one's)
	Title string
	Only  string // "A" (removed) or "B" (added) when one version has it; "" when both do
	Diff  publish.TableDiff
	// A and B are the tables as compared (their header and cells as
	// written), to show the rows Diff names.
	A, B publish.Table
}

// FileChange is a file other than the markdown file and the tables that a
// version added, removed or changed.
type FileChange struct {
	Name   string
	Change string // "added", "removed" or "changed"
	Old    int64  // size in bytes
	New    int64
}

// Diff compares versions a and b of the item at path: the front matter
// field by field and the body word by word (publish.DiffText), every table
// cell by cell (publish.DiffTable, both versions' tables read with package
// tables through content.ParseItem), and the other files by hash. Errors:
// ErrNoRecord, publish.ErrNotFound, the database's.
func (p *Portal) Diff(ctx context.Context, path string, a, b int) (*Diff, error) {
	// The two versions load side by side: reading a large table is most of
	// a diff's time.
	var vb *ItemVersion
	var errB error
	done := make(chan struct{})
	go func() { defer close(done); vb, errB = p.VersionItem(ctx, path, b) }()
	va, err := p.VersionItem(ctx, path, a)
	<-done
	if err == nil {
		err = errB
	}
	if err != nil {
		return nil, err
	}
	d := &Diff{Path: path, A: va.Version, B: vb.Version}
	ma, mb := string(va.Files[va.Version.Main().Name]), string(vb.Files[vb.Version.Main().Name])
	fa, ba := frontFields(va.Version.Kind, ma)
	fb, bb := frontFields(vb.Version.Kind, mb)
	for i := range max(len(fa), len(fb)) {
		var x, y field
		if i < len(fa) {
			x = fa[i]
		}
		if i < len(fb) {
			y = fb[i]
		}
		if x.value == y.value {
			continue
		}
		d.Fields = append(d.Fields, FieldDiff{Name: cmpOr(y.name, x.name), Old: x.value, New: y.value, Ops: publish.DiffText(x.value, y.value)})
	}
	if ba != bb {
		d.Body = publish.DiffText(ba, bb)
	}
	tables := map[string]bool{}
	if va.Item != nil && va.Item.Dataset != nil || vb.Item != nil && vb.Item.Dataset != nil {
		if d.Tables, err = diffTables(ctx, va.Item, vb.Item, tables); err != nil {
			return nil, err
		}
	}
	d.Files = diffFiles(va.Version, vb.Version, tables)
	return d, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// field is a front matter field as text.
type field struct{ name, value string }

// frontFields returns a markdown file's front matter as fields in a fixed
// order (so that versions line up field by field) and its body.
func frontFields(kind publish.Kind, raw string) ([]field, string) {
	date := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		t = t.In(calendar.Location)
		if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
			return t.Format("02/01/2006")
		}
		return t.Format("02/01/2006 15:04")
	}
	places := func(ps []content.Place) string {
		var lines []string
		for _, p := range ps {
			lines = append(lines, p.Label())
		}
		return strings.Join(lines, "\n")
	}
	if kind == publish.Dataset {
		d, _ := content.DecodeDataset([]byte(raw))
		var cols, decls []string
		for _, c := range d.Columns {
			cols = append(cols, strings.Join(nonEmpty(c.Name, c.Title, string(c.Type), c.Unit, c.Description), " · "))
		}
		for _, t := range d.Tables {
			decls = append(decls, strings.Join(nonEmpty(t.File, t.Sheet, strings.Join(t.Sheets, ", "), t.Name, t.Title, t.Unit, t.Numbers,
				intText("header_rows", t.HeaderRows), intText("skip_rows", t.SkipRows), boolText("exclude", t.Exclude)), " · "))
		}
		return []field{
			{"title", d.Title}, {"category", string(d.Category)}, {"published", date(d.Published)}, {"updated", date(d.Updated)},
			{"summary", d.Summary}, {"license", d.License}, {"source", d.Source}, {"frequency", d.Frequency},
			{"places", places(d.Places)}, {"tags", strings.Join(d.Tags, "\n")}, {"columns", strings.Join(cols, "\n")},
			{"tables", strings.Join(decls, "\n")},
		}, d.Body
	}
	n, _ := content.DecodeNotice([]byte(raw))
	var atts []string
	for _, a := range n.Attachments {
		atts = append(atts, strings.Join(nonEmpty(a.Title, a.File, a.URL), " · "))
	}
	comment := ""
	if n.Comment != nil {
		comment = date(n.Comment.Opens) + " – " + date(n.Comment.Closes)
	}
	return []field{
		{"title", n.Title}, {"category", string(n.Category)}, {"published", date(n.Published)}, {"updated", date(n.Updated)},
		{"number", n.Number}, {"signer", n.Signer}, {"signer_title", n.SignerTitle}, {"effective", date(n.Effective)},
		{"expires", date(n.Expires)}, {"summary", n.Summary}, {"places", places(n.Places)}, {"tags", strings.Join(n.Tags, "\n")},
		{"attachments", strings.Join(atts, "\n")}, {"related", strings.Join(n.Related, "\n")}, {"comment", comment},
	}, n.Body
}

func nonEmpty(vs ...string) []string {
	var out []string
	for _, v := range vs {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

func intText(name string, v *int) string {
	if v == nil {
		return ""
	}
	return name + ": " + strconv.Itoa(*v)
}

func boolText(name string, v bool) string {
	if !v {
		return ""
	}
	return name
}

// diffTables compares the tables of two versions of a dataset by name, and
// notes in files the table files it compared.
func diffTables(ctx context.Context, a, b *content.Item, files map[string]bool) ([]TableChange, error) {
	byName := func(it *content.Item) map[string]*content.Table {
		m := map[string]*content.Table{}
		if it != nil && it.Dataset != nil {
			for _, t := range it.Dataset.Tables {
				m[t.Name] = t
				files[t.File] = true
			}
		}
		return m
	}
	ta, tb := byName(a), byName(b)
	var names []string
	for n := range ta {
		names = append(names, n)
	}
	for n := range tb {
		if _, ok := ta[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	var out []TableChange
	for _, name := range names {
		x, y := ta[name], tb[name]
		if x != nil && y != nil && x.Hash == y.Hash && x.Sheet == y.Sheet && reflect.DeepEqual(x.Columns, y.Columns) {
			continue
		}
		tc := TableChange{Name: name}
		var errA, errB error
		done := make(chan struct{})
		go func() {
			defer close(done)
			if y != nil {
				tc.B, errB = textTable(ctx, y)
			}
		}()
		if x != nil {
			tc.A, errA = textTable(ctx, x)
		}
		<-done
		if err := errors.Join(errA, errB); err != nil {
			return nil, err
		}
		switch {
		case y != nil:
			tc.Title = y.Title
		case x != nil:
			tc.Title = x.Title
		}
		if x == nil {
			tc.Only = "B"
		}
		if y == nil {
			tc.Only = "A"
		}
		tc.Diff = publish.DiffTable(tc.A, tc.B)
		if tc.Only == "" && tc.Diff.Empty() {
			continue
		}
		out = append(out, tc)
	}
	return out, nil
}

// textTable reads a table's header and cells as written.
func textTable(ctx context.Context, t *content.Table) (publish.Table, error) {
	out := publish.Table{Columns: make([]string, len(t.Columns)), Rows: make([][]string, 0, t.RowCount)}
	for i, c := range t.Columns {
		out.Columns[i] = c.Name
	}
	// One backing array for every cell: a 50,000-row table is one allocation
	// of strings, not one per row.
	cells := make([]string, 0, t.RowCount*len(t.Columns))
	err := t.Each(ctx, func(r content.Row) error {
		start := len(cells)
		for _, v := range r.Cells {
			cells = append(cells, v.Raw)
		}
		out.Rows = append(out.Rows, cells[start:len(cells):len(cells)])
		return nil
	})
	if err != nil {
		return publish.Table{}, fmt.Errorf("portal: read table %s: %w", t.ID, err)
	}
	return out, nil
}

// diffFiles compares the files of two versions other than their markdown
// files and the tables already compared.
func diffFiles(a, b *publish.Version, tables map[string]bool) []FileChange {
	skip := func(name string) bool { return tables[name] || strings.HasSuffix(name, ".md") }
	var out []FileChange
	for _, f := range a.Files {
		if skip(f.Name) {
			continue
		}
		g, ok := b.File(f.Name)
		switch {
		case !ok:
			out = append(out, FileChange{Name: f.Name, Change: "removed", Old: f.Size})
		case g.Hash != f.Hash:
			out = append(out, FileChange{Name: f.Name, Change: "changed", Old: f.Size, New: g.Size})
		}
	}
	for _, g := range b.Files {
		if _, ok := a.File(g.Name); !ok && !skip(g.Name) {
			out = append(out, FileChange{Name: g.Name, Change: "added", New: g.Size})
		}
	}
	slices.SortFunc(out, func(x, y FileChange) int { return strings.Compare(x.Name, y.Name) })
	return out
}

// versionCacheMax bounds the bytes of files of the versions kept loaded.
const versionCacheMax = 64 << 20

// versionCache keeps loaded versions by id, the least recently used dropped
// first past versionCacheMax bytes. Versions never change, so entries are
// never stale.
type versionCache struct {
	mu    sync.Mutex
	size  int64
	order *clist.List // of *cachedVersion, most recent first
	byID  map[int64]*clist.Element
}

type cachedVersion struct {
	id   int64
	iv   *ItemVersion
	size int64
}

func (p *Portal) versions() *versionCache {
	p.vcOnce.Do(func() { p.vc = &versionCache{order: clist.New(), byID: map[int64]*clist.Element{}} })
	return p.vc
}

func (c *versionCache) get(id int64) *ItemVersion {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byID[id]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*cachedVersion).iv
	}
	return nil
}

func (c *versionCache) put(id int64, iv *ItemVersion, size int64) {
	if size > versionCacheMax/2 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byID[id]; ok {
		return
	}
	c.byID[id] = c.order.PushFront(&cachedVersion{id, iv, size})
	c.size += size
	for c.size > versionCacheMax {
		e := c.order.Back()
		cv := e.Value.(*cachedVersion)
		c.order.Remove(e)
		delete(c.byID, cv.id)
		c.size -= cv.size
	}
}

// clear drops every version kept.
func (c *versionCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order.Init()
	clear(c.byID)
	c.size = 0
}
