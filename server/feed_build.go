package server

// The feed model and its builder: content (notices, datasets, table versions)
// turned into entries with absolute addresses, in the order every format shares.
//
// Entry ids are tag URIs (RFC 4151) minted from the public host and the content
// path — "tag:congkhai.example.vn,2026:so-tai-chinh/du-toan-2026" — so they survive
// edits (no date of the entry in them), restarts (nothing random) and the order
// of the list. A table of a dataset's feed is identified by its content hash as
// well: a new version of the table is a new entry, the same file is never one twice.

import (
	"html"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/congkhai/congkhai/calendar"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/portal"
)

// feedLimit is how many entries a feed carries, newest first.
const feedLimit = 50

// tagDate is the date part of every tag URI. It is a constant on purpose: an id
// must never change, and RFC 4151 only asks for a day on which the authority held
// the name, not the entry's date.
const tagDate = "2026"

// feedLang is the language of the content (the UI may be English; content is not).
const feedLang = "vi"

// feed is a list as every format needs it. Build one with a feedBuilder and serve
// it with Server.serveFeed; the search feed fills Entries from its hits.
type feed struct {
	ID        string // tag URI of the list
	Title     string
	ListTitle string // the list's own name, without the portal's ("Sở Tài chính")
	Subtitle  string
	HomeURL   string // absolute address of the HTML list
	SelfURL   string // absolute address of this feed in this format (set by serveFeed)
	Author    string // the portal's name
	Updated   time.Time
	Entries   []feedEntry
}

// feedEntry is one notice, dataset or table version.
type feedEntry struct {
	ID         string // tag URI, stable across edits and restarts
	Title      string
	URL        string // absolute
	Summary    string // plain text
	HTML       string // full content, absolute links
	Author     string // the agency
	Published  time.Time
	Updated    time.Time
	Categories []feedCategory
	Enclosures []feedEnclosure
}

type feedCategory struct {
	Term   string // as readers show it ("Bảng giá đất", "cao tốc Bắc – Nam")
	Scheme string // absolute address of the kind of category ("https://…/danh-muc")
}

type feedEnclosure struct {
	URL    string
	Type   string
	Length int64
	Title  string
}

// feedBuilder turns content into entries with absolute addresses.
type feedBuilder struct {
	base string // "https://congkhai.example.vn"
	host string // "congkhai.example.vn": the tag URIs' authority
	snap *portal.Snapshot
	site string // the portal's title
}

func (s *Server) newFeedBuilder(c echo.Context, snap *portal.Snapshot) *feedBuilder {
	return newFeedBuilder(s.baseURL(c, snap), snap)
}

func newFeedBuilder(base string, snap *portal.Snapshot) *feedBuilder {
	host := base
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		host = u.Hostname() // a port is not allowed in a tag URI's authority
	}
	return &feedBuilder{base: base, host: strings.ToLower(host), snap: snap, site: snap.Site.Config.Title}
}

// tag mints the tag URI of a content path ("so-tai-chinh/du-toan-2026") or of a
// list path ("/danh-muc/gia-dat"). Entry ids never start with a slash, list ids
// always do, so the two cannot collide.
func (b *feedBuilder) tag(specific string) string {
	return "tag:" + b.host + "," + tagDate + ":" + specific
}

// newFeed starts the feed of the HTML list at listPath ("/", "/so-tai-chinh").
func (b *feedBuilder) newFeed(listPath, title, subtitle string) *feed {
	t, lt := b.site, b.site
	if title != "" {
		t, lt = title+" – "+b.site, title
	}
	return &feed{ID: b.tag(listPath), Title: t, ListTitle: lt, Subtitle: subtitle, HomeURL: b.abs(listPath), Author: b.site}
}

func (b *feedBuilder) abs(p string) string {
	if p == "/" {
		return b.base + "/"
	}
	return b.base + p
}

func (b *feedBuilder) agencyName(slug string) string {
	if a, ok := b.snap.Site.Agency(slug); ok {
		return a.Name
	}
	return slug
}

func (b *feedBuilder) categories(cat content.Category, places []content.Place, tags []string) []feedCategory {
	var out []feedCategory
	if ci, ok := cat.Info(); ok {
		out = append(out, feedCategory{ci.NameVI, b.base + "/danh-muc"})
	}
	seen := map[string]bool{}
	for _, p := range places {
		for _, name := range []string{p.Commune, p.District, p.Province} {
			if name != "" && !seen[name] {
				seen[name] = true
				out = append(out, feedCategory{name, b.base + "/dia-ban"})
			}
		}
	}
	for _, t := range tags {
		out = append(out, feedCategory{t, b.base + "/the"})
	}
	return out
}

// rootRelative matches href and src attributes that start at the site root; feed
// readers resolve them against the feed's host at best, so they are made absolute.
var rootRelative = regexp.MustCompile(`(href|src)="/([^/"])`)

func (b *feedBuilder) absHTML(h string) string {
	return rootRelative.ReplaceAllString(h, `$1="`+b.base+`/$2`)
}

// noticeEntry is a notice with its metadata, body and attachments.
func (b *feedBuilder) noticeEntry(n *content.Notice) feedEntry {
	e := feedEntry{
		ID: b.tag(n.Path), Title: n.Title, URL: b.abs("/" + n.Path), Summary: n.Summary,
		Author: b.agencyName(n.Agency), Published: n.Published, Updated: n.Updated,
		Categories: b.categories(n.Category, n.Places, n.Tags),
	}
	var h strings.Builder
	var meta []string
	if n.Number != "" {
		meta = append(meta, "Số, ký hiệu: "+html.EscapeString(n.Number))
	}
	meta = append(meta, "Cơ quan: "+html.EscapeString(e.Author))
	meta = append(meta, "Ngày ban hành: "+formatDate(n.Published))
	if n.Signer != "" {
		meta = append(meta, "Người ký: "+html.EscapeString(n.Signer))
	}
	if n.Comment != nil {
		meta = append(meta, "Nhận góp ý từ "+formatDate(n.Comment.Opens)+" đến hết ngày "+formatDate(n.Comment.Closes))
	}
	h.WriteString("<p>" + strings.Join(meta, "<br>") + "</p>\n")
	// Bodies are rendered here, for the feedLimit entries of a feed only; a body
	// that cannot be read (the file went away since the last reload) is left out.
	if body, err := n.Body(); err == nil {
		h.WriteString(b.absHTML(string(body.HTML)))
	}
	if len(n.Attachments) > 0 {
		h.WriteString("\n<h2>Tệp đính kèm</h2>\n<ul>\n")
		for _, a := range n.Attachments {
			u := a.URL
			if a.Path != "" {
				u = b.abs("/" + a.Path)
				e.Enclosures = append(e.Enclosures, feedEnclosure{URL: u, Type: a.Type, Length: a.Size, Title: a.Title})
			}
			h.WriteString(`<li><a href="` + html.EscapeString(u) + `">` + html.EscapeString(a.Title) + "</a></li>\n")
		}
		h.WriteString("</ul>")
	}
	e.HTML = b.correction(n.Path, &e) + h.String()
	return e
}

// correction moves an entry's updated date to the item's last correction or
// hand edit on the record, when later than what its file says, and returns
// the paragraph that says so ("" when none): a corrected item keeps its
// entry id and comes back to readers as updated.
func (b *feedBuilder) correction(p string, e *feedEntry) string {
	r, ok := b.snap.Record(p)
	if !ok || r.Modifications == 0 {
		return ""
	}
	if r.LastModified.After(e.Updated) {
		e.Updated = r.LastModified
	}
	s := "<p><strong>Đã sửa đổi " + formatNumber(float64(r.Modifications), 0) + " lần</strong>, lần gần nhất ngày " + formatDate(r.LastModified)
	if r.ModReason != "" {
		s += ": " + html.EscapeString(r.ModReason)
	}
	return s + `. <a href="` + html.EscapeString(b.abs(filePath(p)+"/lich-su")) + `">Lịch sử thay đổi</a></p>` + "\n"
}

// tombEntries are the items of an agency ("" for all) withdrawn from the
// site, newest first, as entries with their item's id: readers see the
// entry updated, its title saying it was withdrawn, and its reason.
func (b *feedBuilder) tombEntries(agency string) []feedEntry {
	var out []feedEntry
	for _, t := range b.snap.Tombstones() {
		if agency != "" && t.Agency != agency {
			continue
		}
		if len(out) == feedLimit {
			break
		}
		title := t.Title
		if title == "" {
			title = t.Path
		}
		e := feedEntry{
			ID: b.tag(t.Path), Title: "Đã rút: " + title, URL: b.abs(filePath(t.Path)), Author: b.agencyName(t.Agency),
			Summary:   "Đã rút khỏi cổng ngày " + formatDate(t.At) + ". Lý do: " + t.Reason,
			Published: t.At, Updated: t.At,
		}
		if r, ok := b.snap.Record(t.Path); ok && !r.Recorded.IsZero() {
			e.Published = r.Recorded
		}
		e.HTML = "<p>" + html.EscapeString(e.Summary) + `</p>` + "\n" + `<p><a href="` + html.EscapeString(b.abs(filePath(t.Path)+"/lich-su")) + `">Lịch sử thay đổi</a></p>`
		out = append(out, e)
	}
	return out
}

// datasetEntry is a dataset as an item of a list: its description and tables.
func (b *feedBuilder) datasetEntry(d *content.Dataset) feedEntry {
	e := feedEntry{
		ID: b.tag(d.Path), Title: d.Title, URL: b.abs("/" + d.Path), Summary: d.Summary,
		Author: b.agencyName(d.Agency), Published: d.Published, Updated: d.Updated,
		Categories: b.categories(d.Category, d.Places, d.Tags),
	}
	var h strings.Builder
	h.WriteString("<p>Dữ liệu mở · Cơ quan: " + html.EscapeString(e.Author) + " · Cập nhật: " + formatDate(d.Updated) + "</p>\n")
	h.WriteString(b.absHTML(string(d.HTML)))
	if c := b.correction(d.Path, &e); c != "" {
		h.WriteString("\n" + c)
	}
	if len(d.Tables) > 0 {
		h.WriteString("\n<h2>Bảng dữ liệu</h2>\n<ul>\n")
		for _, t := range d.Tables {
			h.WriteString(`<li><a href="` + html.EscapeString(b.abs("/"+d.Path)+"?bang="+url.QueryEscape(t.Name)) + `">` +
				html.EscapeString(t.Title) + "</a> (" + formatNumber(float64(t.RowCount), 0) + " dòng)</li>\n")
		}
		h.WriteString("</ul>")
	}
	e.HTML = h.String()
	return e
}

// tableEntry is one version of a table: its id carries the file's hash, so a new
// version is a new entry and an untouched file never comes back as new.
func (b *feedBuilder) tableEntry(d *content.Dataset, t *content.Table) feedEntry {
	hash := t.Hash
	if len(hash) > 16 {
		hash = hash[:16]
	}
	when := d.Updated // what index.md says, never when the file was copied
	page := b.abs("/"+d.Path) + "?bang=" + url.QueryEscape(t.Name)
	e := feedEntry{
		ID:        b.tag(d.Path + "/" + t.Name + ";" + hash),
		Title:     d.Title + ": bảng " + t.Title + " (" + formatDate(when) + ")",
		URL:       page,
		Summary:   "Bảng " + t.Title + ", " + formatNumber(float64(t.RowCount), 0) + " dòng, cập nhật ngày " + formatDate(when) + ".",
		Author:    b.agencyName(d.Agency),
		Published: when, Updated: when,
		Categories: b.categories(d.Category, d.Places, d.Tags),
		Enclosures: []feedEnclosure{{URL: b.abs(filePath(t.File)), Type: tableType(t.Format), Length: t.Size, Title: path.Base(t.File)}},
	}
	var h strings.Builder
	h.WriteString("<p>" + html.EscapeString(e.Summary) + "</p>\n<p>")
	var cols []string
	for _, c := range t.Columns {
		s := html.EscapeString(c.Title)
		if c.Unit != "" {
			s += " (" + html.EscapeString(c.Unit) + ")"
		}
		cols = append(cols, s)
	}
	if len(cols) > 0 {
		h.WriteString("Các cột: " + strings.Join(cols, ", ") + ".</p>\n<p>")
	}
	h.WriteString(`Tải về: <a href="` + html.EscapeString(b.abs(filePath(t.File))) + `">tệp gốc (` + strings.ToUpper(t.Format) + ", " + formatBytes(t.Size) + `)</a> · ` +
		`<a href="` + html.EscapeString(b.abs("/tai-ve/"+d.Path+"/"+t.Name+".csv")) + `">CSV</a> · ` +
		`<a href="` + html.EscapeString(b.abs("/tai-ve/"+d.Path+"/"+t.Name+".json")) + `">JSON</a></p>`)
	e.HTML = h.String()
	return e
}

func tableType(format string) string {
	switch format {
	case "xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case "xls":
		return "application/vnd.ms-excel"
	case "ods":
		return "application/vnd.oasis.opendocument.spreadsheet"
	}
	return "text/csv"
}

// listEntries turns notices and datasets into entries, newest first.
func (b *feedBuilder) listEntries(ns []*content.Notice, ds []*content.Dataset) []feedEntry {
	es := make([]feedEntry, 0, min(len(ns)+len(ds), feedLimit))
	// Both lists are sorted by publication; taking the newest feedLimit updates
	// needs every item, but only the chosen ones are rendered.
	type ref struct {
		n       *content.Notice
		d       *content.Dataset
		updated time.Time
		pub     time.Time
		path    string
	}
	refs := make([]ref, 0, len(ns)+len(ds))
	for _, n := range ns {
		refs = append(refs, ref{n: n, updated: n.Updated, pub: n.Published, path: n.Path})
	}
	for _, d := range ds {
		refs = append(refs, ref{d: d, updated: d.Updated, pub: d.Published, path: d.Path})
	}
	sort.SliceStable(refs, func(i, j int) bool {
		a, c := refs[i], refs[j]
		if !a.updated.Equal(c.updated) {
			return a.updated.After(c.updated)
		}
		if !a.pub.Equal(c.pub) {
			return a.pub.After(c.pub)
		}
		return a.path < c.path
	})
	for _, r := range refs[:min(len(refs), feedLimit)] {
		if r.n != nil {
			es = append(es, b.noticeEntry(r.n))
		} else {
			es = append(es, b.datasetEntry(r.d))
		}
	}
	return es
}

// finish sorts and cuts the entries and sets the feed's updated date: the newest
// entry's, or the site's newest when the list is empty (Atom requires one).
func (b *feedBuilder) finish(f *feed) *feed {
	sort.SliceStable(f.Entries, func(i, j int) bool {
		a, c := f.Entries[i], f.Entries[j]
		if !a.Updated.Equal(c.Updated) {
			return a.Updated.After(c.Updated)
		}
		return a.ID < c.ID
	})
	if len(f.Entries) > feedLimit {
		f.Entries = f.Entries[:feedLimit]
	}
	for _, e := range f.Entries {
		if e.Updated.After(f.Updated) {
			f.Updated = e.Updated
		}
	}
	if f.Updated.IsZero() {
		for _, n := range b.snap.Site.Notices {
			if n.Updated.After(f.Updated) {
				f.Updated = n.Updated
			}
		}
		for _, d := range b.snap.Site.Datasets {
			if d.Updated.After(f.Updated) {
				f.Updated = d.Updated
			}
		}
	}
	if f.Updated.IsZero() {
		f.Updated = time.Date(2000, 1, 1, 0, 0, 0, 0, calendar.Location)
	}
	return f
}
