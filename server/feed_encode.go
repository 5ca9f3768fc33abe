package server

// Feed encoders: a feed model to the bytes of Atom 1.0, RSS 2.0 or JSON Feed 1.1.
// Pure functions: no request, no cache, no content lookup.
//
// The three formats are written from the portal's own structs rather than with
// gorilla/feeds, whose output readers mishandle (../shared/LIBRARY-NOTES.md): its
// Atom feed has one <link> (no rel="self" beside rel="alternate"), categories as
// element text (RFC 4287 wants a term attribute), no xml:lang and no <published>;
// its JSON attachments say "size" where JSON Feed says "size_in_bytes"; its RSS
// puts content in CDATA without removing the characters XML 1.0 forbids.

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

	"github.com/congkhai/congkhai/content"
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
