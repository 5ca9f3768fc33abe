package server

// Feeds: every list of the portal in Atom 1.0, RSS 2.0 and JSON Feed 1.1.
//
// The three formats are written from the portal's own structs rather than with
// gorilla/feeds, whose output readers mishandle (../shared/LIBRARY-NOTES.md): its
// Atom feed has one <link> (no rel="self" beside rel="alternate"), categories as
// element text (RFC 4287 wants a term attribute), no xml:lang and no <published>;
// its JSON attachments say "size" where JSON Feed says "size_in_bytes"; its RSS
// puts content in CDATA without removing the characters XML 1.0 forbids.
//
// Entry ids are tag URIs (RFC 4151) minted from the public host and the content
// path — "tag:congkhai.example.vn,2026:so-tai-chinh/du-toan-2026" — so they survive
// edits (no date of the entry in them), restarts (nothing random) and the order
// of the list. A table of a dataset's feed is identified by its content hash as
// well: a new version of the table is a new entry, the same file is never one twice.

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/singleflight"

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

// feedFormat is one of the three syndication formats.
type feedFormat struct {
	ext, mime, label string
	render           func(f *feed) ([]byte, error)
}

var feedFormats = []feedFormat{
	{"atom", "application/atom+xml; charset=utf-8", "Atom", renderAtom},
	{"rss", "application/rss+xml; charset=utf-8", "RSS", renderRSS},
	{"json", "application/feed+json; charset=utf-8", "JSON Feed", renderJSONFeed},
}

func formatOf(p string) (feedFormat, bool) {
	ext := strings.TrimPrefix(path.Ext(p), ".")
	for _, f := range feedFormats {
		if f.ext == ext {
			return f, true
		}
	}
	return feedFormat{}, false
}

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
	e.HTML = h.String()
	return e
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
	if len(d.Tables) > 0 {
		h.WriteString("\n<h2>Bảng dữ liệu</h2>\n<ul>\n")
		for _, t := range d.Tables {
			h.WriteString(`<li><a href="` + html.EscapeString(b.abs("/"+d.Path)+"?bang="+url.QueryEscape(t.Name)) + `">` +
				html.EscapeString(t.Name) + "</a> (" + formatNumber(float64(t.RowCount), 0) + " dòng)</li>\n")
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
	when := t.ModTime
	if when.IsZero() {
		when = d.Updated
	}
	page := b.abs("/"+d.Path) + "?bang=" + url.QueryEscape(t.Name)
	e := feedEntry{
		ID:        b.tag(d.Path + "/" + t.Name + ";" + hash),
		Title:     d.Title + ": bảng " + t.Name + " (" + formatDate(when) + ")",
		URL:       page,
		Summary:   "Bảng " + t.Name + ", " + formatNumber(float64(t.RowCount), 0) + " dòng, cập nhật ngày " + formatDate(when) + ".",
		Author:    b.agencyName(d.Agency),
		Published: when, Updated: when,
		Categories: b.categories(d.Category, d.Places, d.Tags),
		Enclosures: []feedEnclosure{{URL: b.abs("/" + t.File), Type: tableType(t.Format), Length: t.Size, Title: path.Base(t.File)}},
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
	h.WriteString(`Tải về: <a href="` + html.EscapeString(b.abs("/"+t.File)) + `">tệp gốc (` + strings.ToUpper(t.Format) + ", " + formatBytes(t.Size) + `)</a> · ` +
		`<a href="` + html.EscapeString(b.abs("/tai-ve/"+d.Path+"/"+t.Name+".csv")) + `">CSV</a> · ` +
		`<a href="` + html.EscapeString(b.abs("/tai-ve/"+d.Path+"/"+t.Name+".json")) + `">JSON</a></p>`)
	e.HTML = h.String()
	return e
}

func tableType(format string) string {
	if format == "xlsx" {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
		f.Updated = time.Date(2000, 1, 1, 0, 0, 0, 0, content.Location)
	}
	return f
}

// XML 1.0 allows tab, newline, carriage return and U+0020 upwards except the
// surrogates, U+FFFE and U+FFFF. Everything else makes a document that strict
// readers refuse, so it is removed from every string a feed carries.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

func cleanXML(s string) string {
	if utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool { return !xmlChar(r) }) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if !xmlChar(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

// clean removes forbidden characters from every string of the feed, in place.
func (f *feed) clean() {
	f.Title, f.Subtitle, f.Author = cleanXML(f.Title), cleanXML(f.Subtitle), cleanXML(f.Author)
	for i := range f.Entries {
		e := &f.Entries[i]
		e.Title, e.Summary, e.HTML, e.Author = cleanXML(e.Title), cleanXML(e.Summary), cleanXML(e.HTML), cleanXML(e.Author)
		for j := range e.Categories {
			e.Categories[j].Term = cleanXML(e.Categories[j].Term)
		}
		for j := range e.Enclosures {
			e.Enclosures[j].Title = cleanXML(e.Enclosures[j].Title)
		}
	}
}

// Atom 1.0 (RFC 4287).

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomLink struct {
	Rel    string `xml:"rel,attr,omitempty"`
	Type   string `xml:"type,attr,omitempty"`
	Href   string `xml:"href,attr"`
	Title  string `xml:"title,attr,omitempty"`
	Length string `xml:"length,attr,omitempty"`
}

type atomCategory struct {
	Term   string `xml:"term,attr"`
	Scheme string `xml:"scheme,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Author     *atomPerson    `xml:"author,omitempty"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Content    *atomText      `xml:"content,omitempty"`
}

type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID       string      `xml:"id"`
	Title    atomText    `xml:"title"`
	Subtitle *atomText   `xml:"subtitle,omitempty"`
	Updated  string      `xml:"updated"`
	Author   atomPerson  `xml:"author"`
	Links    []atomLink  `xml:"link"`
	Gen      string      `xml:"generator"`
	Entries  []atomEntry `xml:"entry"`
}

func atomTime(t time.Time) string { return t.In(content.Location).Format(time.RFC3339) }

func renderAtom(f *feed) ([]byte, error) {
	af := atomFeed{
		Lang: feedLang, ID: f.ID, Title: atomText{Body: f.Title}, Updated: atomTime(f.Updated),
		Author: atomPerson{f.Author}, Gen: "congkhai",
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: f.SelfURL},
			{Rel: "alternate", Type: "text/html", Href: f.HomeURL},
		},
	}
	if f.Subtitle != "" {
		af.Subtitle = &atomText{Body: f.Subtitle}
	}
	for _, e := range f.Entries {
		ae := atomEntry{
			ID: e.ID, Title: atomText{Type: "text", Body: e.Title}, Updated: atomTime(e.Updated), Published: atomTime(e.Published),
			Links: []atomLink{{Rel: "alternate", Type: "text/html", Href: e.URL}},
		}
		if e.Author != "" {
			ae.Author = &atomPerson{e.Author}
		}
		for _, c := range e.Categories {
			ae.Categories = append(ae.Categories, atomCategory(c))
		}
		for _, enc := range e.Enclosures {
			l := atomLink{Rel: "enclosure", Type: enc.Type, Href: enc.URL, Title: enc.Title}
			if enc.Length > 0 {
				l.Length = strconv.FormatInt(enc.Length, 10)
			}
			ae.Links = append(ae.Links, l)
		}
		if e.Summary != "" {
			ae.Summary = &atomText{Type: "text", Body: e.Summary}
		}
		if e.HTML != "" {
			ae.Content = &atomText{Type: "html", Body: e.HTML}
		}
		af.Entries = append(af.Entries, ae)
	}
	return marshalXML(af)
}

func marshalXML(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("server: feed: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// RSS 2.0, with atom:link rel="self" as the RSS Advisory Board recommends and
// the full content in content:encoded.

type rssDoc struct {
	XMLName   xml.Name   `xml:"rss"`
	Version   string     `xml:"version,attr"`
	AtomNS    string     `xml:"xmlns:atom,attr"`
	ContentNS string     `xml:"xmlns:content,attr"`
	DCNS      string     `xml:"xmlns:dc,attr"`
	Channel   rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language"`
	LastBuildDate string    `xml:"lastBuildDate"`
	Generator     string    `xml:"generator"`
	Self          atomLink  `xml:"atom:link"`
	Items         []rssItem `xml:"item"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	ID          string `xml:",chardata"`
}

type rssCategory struct {
	Domain string `xml:"domain,attr,omitempty"`
	Name   string `xml:",chardata"`
}

type rssEnclosure struct {
	URL    string `xml:"url,attr"`
	Length string `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

type rssItem struct {
	Title       string         `xml:"title"`
	Link        string         `xml:"link"`
	Description string         `xml:"description"`
	Content     string         `xml:"content:encoded,omitempty"`
	Creator     string         `xml:"dc:creator,omitempty"`
	Categories  []rssCategory  `xml:"category"`
	Enclosures  []rssEnclosure `xml:"enclosure"`
	GUID        rssGUID        `xml:"guid"`
	PubDate     string         `xml:"pubDate"`
}

func rssTime(t time.Time) string { return t.In(content.Location).Format(time.RFC1123Z) }

func renderRSS(f *feed) ([]byte, error) {
	desc := f.Subtitle
	if desc == "" {
		desc = f.Title
	}
	doc := rssDoc{
		Version: "2.0", AtomNS: "http://www.w3.org/2005/Atom", ContentNS: "http://purl.org/rss/1.0/modules/content/",
		DCNS: "http://purl.org/dc/elements/1.1/",
		Channel: rssChannel{
			Title: f.Title, Link: f.HomeURL, Description: desc, Language: feedLang,
			LastBuildDate: rssTime(f.Updated), Generator: "congkhai",
			Self: atomLink{Rel: "self", Type: "application/rss+xml", Href: f.SelfURL},
		},
	}
	for _, e := range f.Entries {
		it := rssItem{
			Title: e.Title, Link: e.URL, Description: e.Summary, Content: e.HTML, Creator: e.Author,
			GUID: rssGUID{IsPermaLink: "false", ID: e.ID}, PubDate: rssTime(e.Published),
		}
		if it.Description == "" {
			it.Description = e.Title
		}
		for _, c := range e.Categories {
			it.Categories = append(it.Categories, rssCategory{Domain: c.Scheme, Name: c.Term})
		}
		for _, enc := range e.Enclosures {
			// RSS requires a length; 0 is the accepted "unknown".
			it.Enclosures = append(it.Enclosures, rssEnclosure{URL: enc.URL, Length: strconv.FormatInt(max(enc.Length, 0), 10), Type: enc.Type})
		}
		doc.Channel.Items = append(doc.Channel.Items, it)
	}
	return marshalXML(doc)
}

// JSON Feed 1.1 (https://jsonfeed.org/version/1.1).

type jsonAuthor struct {
	Name string `json:"name"`
}

type jsonAttachment struct {
	URL      string `json:"url"`
	MIMEType string `json:"mime_type"`
	Title    string `json:"title,omitempty"`
	Size     int64  `json:"size_in_bytes,omitempty"`
}

type jsonItem struct {
	ID            string           `json:"id"`
	URL           string           `json:"url"`
	Title         string           `json:"title"`
	ContentHTML   string           `json:"content_html"`
	Summary       string           `json:"summary,omitempty"`
	DatePublished string           `json:"date_published"`
	DateModified  string           `json:"date_modified"`
	Authors       []jsonAuthor     `json:"authors,omitempty"`
	Tags          []string         `json:"tags,omitempty"`
	Language      string           `json:"language"`
	Attachments   []jsonAttachment `json:"attachments,omitempty"`
}

type jsonFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url"`
	FeedURL     string       `json:"feed_url"`
	Description string       `json:"description,omitempty"`
	Language    string       `json:"language"`
	Authors     []jsonAuthor `json:"authors"`
	Items       []jsonItem   `json:"items"`
}

func renderJSONFeed(f *feed) ([]byte, error) {
	jf := jsonFeed{
		Version: "https://jsonfeed.org/version/1.1", Title: f.Title, HomePageURL: f.HomeURL, FeedURL: f.SelfURL,
		Description: f.Subtitle, Language: feedLang, Authors: []jsonAuthor{{f.Author}}, Items: []jsonItem{},
	}
	for _, e := range f.Entries {
		it := jsonItem{
			ID: e.ID, URL: e.URL, Title: e.Title, ContentHTML: e.HTML, Summary: e.Summary,
			DatePublished: atomTime(e.Published), DateModified: atomTime(e.Updated), Language: feedLang,
		}
		if e.Author != "" {
			it.Authors = []jsonAuthor{{e.Author}}
		}
		for _, c := range e.Categories {
			it.Tags = append(it.Tags, c.Term)
		}
		for _, enc := range e.Enclosures {
			it.Attachments = append(it.Attachments, jsonAttachment{URL: enc.URL, MIMEType: enc.Type, Title: enc.Title, Size: enc.Length})
		}
		jf.Items = append(jf.Items, it)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(jf); err != nil {
		return nil, fmt.Errorf("server: feed: %w", err)
	}
	return buf.Bytes(), nil
}

// Serving: feeds are rendered once per content generation and kept, with an ETag
// (hash of the body) and a Last-Modified date that only moves when the body does.

// feedCache holds rendered feeds of the current generation. Its zero value is
// ready to use.
type feedCache struct {
	mu       sync.RWMutex
	gen      uint64
	entries  map[string]*cachedFeed
	versions map[string]feedVersion // key → last body's ETag and date, across generations
	group    singleflight.Group
}

// feedCacheMax bounds both maps: random query strings (search feeds) cannot grow them.
const feedCacheMax = 4096

type cachedFeed struct {
	body    []byte
	header  http.Header // Content-Type, ETag, Last-Modified, Cache-Control, shared read-only
	etag    string
	lastMod time.Time
}

type feedVersion struct {
	etag    string
	lastMod time.Time
}

func (fc *feedCache) get(gen uint64, key string) (*cachedFeed, bool) {
	fc.mu.RLock()
	defer fc.mu.RUnlock()
	if fc.gen != gen {
		return nil, false
	}
	p, ok := fc.entries[key]
	return p, ok
}

// put stores a feed rendered from generation gen and returns the cached form,
// whose Last-Modified is the previous one when the body did not change.
func (fc *feedCache) put(gen uint64, key string, body []byte, mime string, now time.Time) *cachedFeed {
	p := newCachedPage(body, mime)
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if fc.versions == nil || len(fc.versions) >= feedCacheMax {
		fc.versions = map[string]feedVersion{}
	}
	v, seen := fc.versions[key]
	if !seen || v.etag != p.etag {
		lm := now.UTC().Truncate(time.Second)
		if seen && !lm.After(v.lastMod) {
			lm = v.lastMod.Add(time.Second)
		}
		v = feedVersion{etag: p.etag, lastMod: lm}
		fc.versions[key] = v
	}
	cf := &cachedFeed{body: body, etag: p.etag, lastMod: v.lastMod, header: http.Header{
		echo.HeaderContentType:  {mime},
		"Etag":                  {p.etag},
		echo.HeaderLastModified: {v.lastMod.Format(http.TimeFormat)},
		// Readers may keep a feed a minute; after that they ask again and get a 304.
		"Cache-Control": {"public, max-age=60"},
	}}
	if gen < fc.gen {
		return cf // rendered from an older snapshot while a newer one arrived
	}
	if gen != fc.gen || fc.entries == nil || len(fc.entries) >= feedCacheMax {
		fc.gen = gen
		fc.entries = map[string]*cachedFeed{}
	}
	fc.entries[key] = cf
	return cf
}

// write sends the feed, or 304 when the client has it: If-None-Match decides when
// present, If-Modified-Since otherwise (RFC 9110 §13.2.2).
func (cf *cachedFeed) write(c echo.Context) error {
	h := c.Response().Header()
	for k, v := range cf.header {
		h[k] = v
	}
	req := c.Request()
	if inm := req.Header.Get("If-None-Match"); inm != "" {
		if etagMatch(inm, cf.etag) {
			return c.NoContent(http.StatusNotModified)
		}
	} else if ims := req.Header.Get("If-Modified-Since"); ims != "" {
		if t, err := http.ParseTime(ims); err == nil && !cf.lastMod.After(t) {
			return c.NoContent(http.StatusNotModified)
		}
	}
	if !strings.Contains(req.Header.Get(echo.HeaderAcceptEncoding), "gzip") {
		// One write for the body rather than 2 KB chunks (see cachedPage.write).
		c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(len(cf.body)))
	}
	return c.Blob(http.StatusOK, cf.header.Get(echo.HeaderContentType), cf.body)
}

// serveFeed answers a request for a feed in the format its path ends with. query
// is the part of the URL the list depends on (nil for lists; the search feed's
// parameters), kept on the self link and in the cache key; other query strings are
// ignored, so they cannot multiply renders. build returns the feed or an error
// (echo.NewHTTPError(404) for an unknown list).
func (s *Server) serveFeed(c echo.Context, query url.Values, build func(b *feedBuilder) (*feed, error)) error {
	return s.serveFeedKeyed(c, query, "", build)
}

// serveFeedKeyed is serveFeed for feeds that depend on more than the content
// snapshot (search results, published Q&A): extra is added to the cache key.
func (s *Server) serveFeedKeyed(c echo.Context, query url.Values, extra string, build func(b *feedBuilder) (*feed, error)) error {
	p := c.Request().URL.Path
	ff, ok := formatOf(p)
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	snap := s.deps.Portal.Snapshot()
	key := p
	if len(query) > 0 {
		key += "?" + query.Encode()
	}
	// The base URL may come from the request's host when none is configured.
	key = s.baseURL(c, snap) + key
	if extra != "" {
		key += "#" + extra
	}
	if cf, ok := s.feeds.get(snap.Gen, key); ok {
		return cf.write(c)
	}
	v, err, _ := s.feeds.group.Do(strconv.FormatUint(snap.Gen, 10)+" "+key, func() (any, error) {
		b := s.newFeedBuilder(c, snap)
		f, err := build(b)
		if err != nil {
			return nil, err
		}
		b.finish(f)
		f.SelfURL = b.base + p
		if len(query) > 0 {
			f.SelfURL += "?" + query.Encode()
		}
		f.clean()
		body, err := ff.render(f)
		if err != nil {
			return nil, err
		}
		return s.feeds.put(snap.Gen, key, body, ff.mime, s.now()), nil
	})
	if err != nil {
		return err
	}
	return v.(*cachedFeed).write(c)
}

// feedLinks are the <link rel="alternate"> of the HTML list at listPath, whose
// feeds are listPath + "/feed.<ext>" (or "/feed.<ext>" for the home page).
func feedLinks(listPath, title string) []feedLink {
	prefix := strings.TrimSuffix(listPath, "/")
	out := make([]feedLink, 0, len(feedFormats))
	for _, f := range feedFormats {
		out = append(out, feedLink{Type: strings.TrimSuffix(f.mime, "; charset=utf-8"), Title: title + " (" + f.label + ")", URL: prefix + "/feed." + f.ext})
	}
	return out
}

// listFeed builds the feed of the HTML list at listPath ("/", "/du-thao",
// "/danh-muc/gia-dat", "/dia-ban/xa-cam-quan", "/the/boi-thuong", "/<agency>",
// "/<agency>/<dataset>"), for the feed routes and for email alerts. An unknown
// list is an echo 404 error.
func listFeed(b *feedBuilder, listPath string, now time.Time) (*feed, error) {
	notFound := echo.NewHTTPError(http.StatusNotFound)
	segs := strings.Split(strings.Trim(listPath, "/"), "/")
	snap := b.snap
	switch {
	case listPath == "/":
		f := b.newFeed("/", "", snap.Site.Config.Description)
		f.Entries = b.listEntries(snap.Site.Notices, snap.Site.Datasets)
		return f, nil
	case listPath == "/du-thao":
		// Every draft for comment, whatever its window: a reader learns of a
		// draft when it is published; the window is in the entry.
		open, upcoming, closed := snap.Drafts(now)
		all := append(append(append([]*content.Notice{}, open...), upcoming...), closed...)
		f := b.newFeed("/du-thao", "Dự thảo lấy ý kiến", "")
		f.Entries = b.listEntries(all, nil)
		return f, nil
	case len(segs) == 2 && segs[0] == "danh-muc":
		cat := content.Category(segs[1])
		ci, ok := cat.Info()
		if !ok {
			return nil, notFound
		}
		f := b.newFeed(listPath, ci.NameVI, "")
		f.Entries = b.listEntries(snap.CategoryNotices(cat), snap.CategoryDatasets(cat))
		return f, nil
	case len(segs) == 2 && segs[0] == "dia-ban":
		t, ok := snap.Place(segs[1])
		if !ok {
			return nil, notFound
		}
		f := b.newFeed(listPath, t.Name, "Văn bản và dữ liệu về "+t.Name)
		f.Entries = b.listEntries(t.Notices, t.Datasets)
		return f, nil
	case len(segs) == 2 && segs[0] == "the":
		t, ok := snap.Tag(segs[1])
		if !ok {
			return nil, notFound
		}
		f := b.newFeed(listPath, t.Name, "Văn bản và dữ liệu gắn từ khóa "+t.Name)
		f.Entries = b.listEntries(t.Notices, t.Datasets)
		return f, nil
	case len(segs) == 1:
		a, ok := snap.Site.Agency(segs[0])
		if !ok {
			return nil, notFound
		}
		f := b.newFeed(listPath, a.Name, "Văn bản và dữ liệu do "+a.Name+" công khai")
		f.Entries = b.listEntries(snap.AgencyNotices(a.Slug), snap.AgencyDatasets(a.Slug))
		return f, nil
	case len(segs) == 2:
		// The versions of a dataset's tables.
		d, ok := snap.Site.Dataset(segs[0] + "/" + segs[1])
		if !ok {
			return nil, notFound
		}
		f := b.newFeed(listPath, d.Title, "Các phiên bản bảng dữ liệu của "+d.Title)
		for _, t := range d.Tables {
			f.Entries = append(f.Entries, b.tableEntry(d, t))
		}
		return f, nil
	}
	return nil, notFound
}

// listFeedHandler serves the feeds of the lists whose path is the request's
// without its last element ("/so-tai-chinh/feed.atom" → "/so-tai-chinh").
func (s *Server) listFeedHandler(c echo.Context) error {
	listPath := path.Dir(c.Request().URL.Path)
	return s.serveFeed(c, nil, func(b *feedBuilder) (*feed, error) {
		return listFeed(b, listPath, s.now())
	})
}

// feedRoutes registers the feeds of one list: prefix + "/feed.atom", ".rss", ".json".
func feedRoutes(e *echo.Echo, prefix string, h echo.HandlerFunc) {
	for _, f := range feedFormats {
		e.GET(prefix+"/feed."+f.ext, h)
	}
}

// isFeedName reports whether the last element of a path names a feed
// ("feed.atom", "search.rss"): those are compressed like pages.
func isFeedName(last string) bool {
	name, ext, _ := strings.Cut(last, ".")
	if _, ok := formatOf(last); !ok || strings.Contains(ext, ".") {
		return false
	}
	return name == "feed" || name == "search" || ext != "json"
}

// Label is the format's short name for the visible subscribe links.
func (l feedLink) Label() string {
	for _, f := range feedFormats {
		if strings.HasPrefix(f.mime, l.Type) {
			return f.label
		}
	}
	return l.Type
}

// reset empties the cache (benchmarks of the render).
func (fc *feedCache) reset() {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	fc.entries, fc.versions = nil, nil
}
