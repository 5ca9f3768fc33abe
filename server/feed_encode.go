package server

// Feed encoders: a feed model to the bytes of Atom 1.0, RSS 2.0 or JSON Feed 1.1.
// Pure functions: no request, no cache, no content lookup.
//
// The feed is built as a gorilla/feeds Feed and rendered through the library's
// own intermediate structs (AtomFeed, RssFeed, JSONFeed), embedded in structs of
// ours where the library falls short:
//
//   - Atom: the feed's <id> is always its link (set back to the list's tag URI);
//     one <link> (self and alternate are both written); no xml:lang, no
//     <generator>; entries without <published> (set), summaries typed html
//     (they are plain text), categories as element text where RFC 4287 wants a
//     term attribute, one enclosure per entry and no title on it; an entry
//     without dates gets an empty <updated> (the feed's date is used instead).
//   - RSS: no <language>, no <generator>, no atom:link rel="self"; the entry's
//     agency written as <author>, which RSS reserves for an email address (it is
//     dc:creator), as is the channel's managingEditor (left out); one category
//     as text and one enclosure, dropped when its length is unknown (every
//     attachment is written, length 0 when unknown, as RSS asks); content in
//     CDATA, where a character XML 1.0 forbids makes the document unreadable —
//     every string is cleaned of them before it reaches the library.
//   - JSON Feed: items are left out when there are none (the list is required);
//     no language on the items; attachments say "size" where JSON Feed says
//     "size_in_bytes" (ours are written); the "author" field JSON Feed 1.1
//     deprecates is left out.
//
// encoding/xml and encoding/json promote the fields of an embedded struct, and
// a field of ours with the same element name replaces the library's; elements
// follow the library's order, which Atom and RSS leave free.

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/congkhai/congkhai/calendar"

	"github.com/gorilla/feeds"
)

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

// feedTime is a date as every format writes it: in the portal's zone, to the
// second (JSON dates would otherwise carry a file time's nanoseconds).
func feedTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(calendar.Location).Truncate(time.Second)
}

// libraryFeed is f as gorilla/feeds models it, every string cleaned of the
// characters XML forbids. Enclosures and categories are not in it: the library
// keeps one enclosure per item and no categories; each encoder adds them.
func libraryFeed(f *feed) *feeds.Feed {
	lf := &feeds.Feed{
		Id: cleanXML(f.ID), Title: cleanXML(f.Title), Description: cleanXML(f.Subtitle),
		Link:    &feeds.Link{Href: cleanXML(f.HomeURL), Rel: "alternate", Type: "text/html"},
		Author:  &feeds.Author{Name: cleanXML(f.Author)},
		Updated: feedTime(f.Updated),
		Items:   make([]*feeds.Item, 0, len(f.Entries)),
	}
	for _, e := range f.Entries {
		it := &feeds.Item{
			Id: cleanXML(e.ID), IsPermaLink: "false", Title: cleanXML(e.Title),
			Link:        &feeds.Link{Href: cleanXML(e.URL), Type: "text/html"},
			Description: cleanXML(e.Summary), Content: cleanXML(e.HTML),
			Created: feedTime(e.Published), Updated: feedTime(e.Updated),
		}
		if e.Author != "" {
			it.Author = &feeds.Author{Name: cleanXML(e.Author)}
		}
		lf.Items = append(lf.Items, it)
	}
	return lf
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

// Atom 1.0 (RFC 4287).

type atomFeed struct {
	*feeds.AtomFeed
	Lang      string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	Links     []atomLink  `xml:"link"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomEntry struct {
	*feeds.AtomEntry
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
}

// atomLink is a link with the title an enclosure has, which the library's
// AtomLink lacks, its attributes in the order readers and tests look for
// (rel, type, href).
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

func renderAtom(f *feed) ([]byte, error) {
	lf := libraryFeed(f)
	lib := (&feeds.Atom{Feed: lf}).AtomFeed()
	lib.Id, lib.Link = lf.Id, nil
	af := atomFeed{
		AtomFeed: lib, Lang: feedLang, Generator: "congkhai",
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: cleanXML(f.SelfURL)},
			{Rel: "alternate", Type: "text/html", Href: lf.Link.Href},
		},
		Entries: make([]atomEntry, 0, len(lib.Entries)),
	}
	for i, le := range lib.Entries {
		e := f.Entries[i]
		if le.Updated == "" { // an entry without any date: Atom requires one
			le.Updated = lib.Updated
		}
		if p := lf.Items[i].Created; !p.IsZero() {
			le.Published = p.Format(time.RFC3339)
		}
		if le.Summary != nil {
			le.Summary.Type = "text"
		}
		ae := atomEntry{AtomEntry: le, Links: make([]atomLink, 0, 1+len(e.Enclosures))}
		for _, l := range le.Links { // the alternate link
			ae.Links = append(ae.Links, atomLink{Rel: l.Rel, Type: l.Type, Href: l.Href})
		}
		le.Links = nil
		for _, enc := range e.Enclosures {
			l := atomLink{Rel: "enclosure", Type: enc.Type, Href: cleanXML(enc.URL), Title: cleanXML(enc.Title)}
			if enc.Length > 0 {
				l.Length = strconv.FormatInt(enc.Length, 10)
			}
			ae.Links = append(ae.Links, l)
		}
		for _, c := range e.Categories {
			ae.Categories = append(ae.Categories, atomCategory{Term: cleanXML(c.Term), Scheme: cleanXML(c.Scheme)})
		}
		af.Entries = append(af.Entries, ae)
	}
	lib.Entries = nil
	return marshalXML(af)
}

// RSS 2.0, with atom:link rel="self" as the RSS Advisory Board recommends, the
// full content in content:encoded and the agency in dc:creator.

type rssDoc struct {
	*feeds.RssFeedXml
	AtomNS  string     `xml:"xmlns:atom,attr"`
	DCNS    string     `xml:"xmlns:dc,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	*feeds.RssFeed
	Self  atomLink  `xml:"atom:link"`
	Items []rssItem `xml:"item"`
}

type rssItem struct {
	*feeds.RssItem
	Creator    string                `xml:"dc:creator,omitempty"`
	Categories []rssCategory         `xml:"category"`
	Enclosures []*feeds.RssEnclosure `xml:"enclosure"`
}

type rssCategory struct {
	Domain string `xml:"domain,attr,omitempty"`
	Name   string `xml:",chardata"`
}

func renderRSS(f *feed) ([]byte, error) {
	lf := libraryFeed(f)
	ch := (&feeds.Rss{Feed: lf}).RssFeed()
	if ch.Description == "" {
		ch.Description = ch.Title // required
	}
	ch.Language, ch.Generator, ch.ManagingEditor = feedLang, "congkhai", ""
	doc := rssDoc{
		RssFeedXml: ch.FeedXml().(*feeds.RssFeedXml),
		AtomNS:     "http://www.w3.org/2005/Atom", DCNS: "http://purl.org/dc/elements/1.1/",
		Channel: rssChannel{
			RssFeed: ch,
			Self:    atomLink{Rel: "self", Type: "application/rss+xml", Href: cleanXML(f.SelfURL)},
			Items:   make([]rssItem, 0, len(ch.Items)),
		},
	}
	for i, li := range ch.Items {
		e := f.Entries[i]
		if li.Description == "" {
			li.Description = li.Title // required
		}
		it := rssItem{RssItem: li, Creator: li.Author}
		li.Author = "" // RSS's author is an email address
		for _, c := range e.Categories {
			it.Categories = append(it.Categories, rssCategory{Domain: cleanXML(c.Scheme), Name: cleanXML(c.Term)})
		}
		for _, enc := range e.Enclosures {
			// RSS requires a length; 0 is the accepted "unknown".
			it.Enclosures = append(it.Enclosures, &feeds.RssEnclosure{Url: cleanXML(enc.URL), Length: strconv.FormatInt(max(enc.Length, 0), 10), Type: enc.Type})
		}
		doc.Channel.Items = append(doc.Channel.Items, it)
	}
	ch.Items = nil
	return marshalXML(doc)
}

// JSON Feed 1.1 (https://jsonfeed.org/version/1.1).

type jsonFeed struct {
	*feeds.JSONFeed
	Items []jsonItem `json:"items"`
}

type jsonItem struct {
	*feeds.JSONItem
	Language    string           `json:"language"`
	Attachments []jsonAttachment `json:"attachments,omitempty"`
}

type jsonAttachment struct {
	URL      string `json:"url"`
	MIMEType string `json:"mime_type"`
	Title    string `json:"title,omitempty"`
	Size     int64  `json:"size_in_bytes,omitempty"`
}

func renderJSONFeed(f *feed) ([]byte, error) {
	lf := libraryFeed(f)
	lib := (&feeds.JSON{Feed: lf}).JSONFeed()
	lib.Language, lib.FeedUrl, lib.Author = feedLang, cleanXML(f.SelfURL), nil
	jf := jsonFeed{JSONFeed: lib, Items: make([]jsonItem, 0, len(lib.Items))}
	for i, li := range lib.Items {
		e := f.Entries[i]
		li.Author = nil
		for _, c := range e.Categories {
			li.Tags = append(li.Tags, cleanXML(c.Term))
		}
		it := jsonItem{JSONItem: li, Language: feedLang}
		for _, enc := range e.Enclosures {
			it.Attachments = append(it.Attachments, jsonAttachment{URL: cleanXML(enc.URL), MIMEType: enc.Type, Title: cleanXML(enc.Title), Size: enc.Length})
		}
		jf.Items = append(jf.Items, it)
	}
	lib.Items = nil
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(jf); err != nil {
		return nil, fmt.Errorf("server: feed: %w", err)
	}
	return buf.Bytes(), nil
}
