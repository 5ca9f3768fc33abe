package server

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/congkhai/congkhai/calendar"

	"github.com/mmcdole/gofeed"
)

// encoderFeed is a feed model with what the library gets wrong by default: two
// enclosures (one of unknown length), categories, an agency, a summary-less
// entry, content holding "]]>" and an entry without any date.
func encoderFeed() *feed {
	day := func(d int) time.Time { return time.Date(2026, 3, d, 8, 0, 0, 0, calendar.Location) }
	return &feed{
		ID: "tag:x.example.vn,2026:/so-a", Title: "Sở A – Cổng", Author: "Cổng", Subtitle: "",
		HomeURL: "https://x.example.vn/so-a", SelfURL: "https://x.example.vn/so-a/feed.x",
		Updated: day(9),
		Entries: []feedEntry{
			{
				ID: "tag:x.example.vn,2026:so-a/tb-1", Title: "Thông báo 1", URL: "https://x.example.vn/so-a/tb-1",
				Summary: "Tóm tắt & <chú ý>", HTML: "<p>a ]]> b</p>", Author: "Sở A",
				Published: day(2), Updated: day(9).Add(123 * time.Millisecond),
				Categories: []feedCategory{{Term: "Giá đất", Scheme: "https://x.example.vn/danh-muc"}, {Term: "cao tốc", Scheme: "https://x.example.vn/the"}},
				Enclosures: []feedEnclosure{
					{URL: "https://x.example.vn/so-a/files/a.pdf", Type: "application/pdf", Length: 2048, Title: "Bản scan"},
					{URL: "https://x.example.vn/so-a/files/b.csv", Type: "text/csv"},
				},
			},
			{ID: "tag:x.example.vn,2026:so-a/tb-2", Title: "Không ngày", URL: "https://x.example.vn/so-a/tb-2"},
		},
	}
}

// TestRenderAtom checks what the Atom encoder adds to or corrects in the
// library's AtomFeed, on the decoded document.
func TestRenderAtom(t *testing.T) {
	body, err := renderAtom(encoderFeed())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName   xml.Name
		Lang      string        `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
		ID        string        `xml:"id"`
		Updated   string        `xml:"updated"`
		Generator string        `xml:"generator"`
		Links     []decodedLink `xml:"link"`
		Entries   []struct {
			ID         string        `xml:"id"`
			Updated    string        `xml:"updated"`
			Published  string        `xml:"published"`
			Content    string        `xml:"content"`
			Links      []decodedLink `xml:"link"`
			Categories []struct {
				Term   string `xml:"term,attr"`
				Scheme string `xml:"scheme,attr"`
				Text   string `xml:",chardata"`
			} `xml:"category"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	e, undated := doc.Entries[0], doc.Entries[1]
	var summaryType string
	if i := bytes.Index(body, []byte("<summary")); i >= 0 {
		summaryType = string(body[i : i+bytes.IndexByte(body[i:], '>')])
	}
	for _, tt := range []struct{ what, got, want string }{
		{"root", doc.XMLName.Space + " " + doc.XMLName.Local, "http://www.w3.org/2005/Atom feed"},
		{"xml:lang", doc.Lang, "vi"},
		{"feed id (the library uses the link)", doc.ID, "tag:x.example.vn,2026:/so-a"},
		{"generator", doc.Generator, "congkhai"},
		{"links", linkList(doc.Links), "self https://x.example.vn/so-a/feed.x | alternate https://x.example.vn/so-a"},
		{"entry id", e.ID, "tag:x.example.vn,2026:so-a/tb-1"},
		{"published (the library never writes it)", e.Published, "2026-03-02T08:00:00+07:00"},
		{"updated, to the second", e.Updated, "2026-03-09T08:00:00+07:00"},
		{"summary is text", summaryType, `<summary type="text"`},
		{"content keeps ]]>", e.Content, "<p>a ]]> b</p>"},
		{"entry links", linkList(e.Links), "alternate https://x.example.vn/so-a/tb-1 | enclosure https://x.example.vn/so-a/files/a.pdf Bản scan 2048 | enclosure https://x.example.vn/so-a/files/b.csv"},
		{"categories have terms", e.Categories[0].Term + " " + e.Categories[0].Scheme + " " + e.Categories[1].Term + strings.TrimSpace(e.Categories[0].Text), "Giá đất https://x.example.vn/danh-muc cao tốc"},
		{"an undated entry gets the feed's date, never an empty one", undated.Updated, doc.Updated},
		{"an undated entry has no published", undated.Published, ""},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.what, tt.got, tt.want)
		}
	}
	if bytes.Contains(body, []byte("<updated></updated>")) || bytes.Contains(body, []byte("<published></published>")) {
		t.Errorf("empty date element in\n%s", body)
	}
}

type decodedLink struct {
	Rel    string `xml:"rel,attr"`
	Href   string `xml:"href,attr"`
	Title  string `xml:"title,attr"`
	Length string `xml:"length,attr"`
}

// linkList writes links as "rel href title length | …".
func linkList(ls []decodedLink) string {
	var out []string
	for _, l := range ls {
		out = append(out, strings.Join(strings.Fields(strings.Join([]string{l.Rel, l.Href, l.Title, l.Length}, " ")), " "))
	}
	return strings.Join(out, " | ")
}

// TestRenderRSS checks the RSS encoder's corrections to the library's RssFeed.
func TestRenderRSS(t *testing.T) {
	body, err := renderRSS(encoderFeed())
	if err != nil {
		t.Fatal(err)
	}
	if err := strictXML(body); err != nil {
		t.Fatalf("not well-formed: %v\n%s", err, body)
	}
	var doc struct {
		Channel struct {
			Description    string `xml:"description"`
			Language       string `xml:"language"`
			Generator      string `xml:"generator"`
			ManagingEditor string `xml:"managingEditor"`
			Self           struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"http://www.w3.org/2005/Atom link"`
			Items []struct {
				Description string   `xml:"description"`
				Author      string   `xml:"author"`
				Creator     string   `xml:"http://purl.org/dc/elements/1.1/ creator"`
				Content     string   `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
				Categories  []string `xml:"category"`
				GUID        string   `xml:"guid"`
				PubDate     string   `xml:"pubDate"`
				Enclosures  []struct {
					URL    string `xml:"url,attr"`
					Length string `xml:"length,attr"`
				} `xml:"enclosure"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	ch := doc.Channel
	it := ch.Items[0]
	var encs []string
	for _, e := range it.Enclosures {
		encs = append(encs, e.URL+" "+e.Length)
	}
	for _, tt := range []struct{ what, got, want string }{
		{"description falls back to the title", ch.Description, "Sở A – Cổng"},
		{"language", ch.Language, "vi"},
		{"generator", ch.Generator, "congkhai"},
		{"no managingEditor without an email", ch.ManagingEditor, ""},
		{"atom:link self", ch.Self.Rel + " " + ch.Self.Href, "self https://x.example.vn/so-a/feed.x"},
		{"no author (an email in RSS)", it.Author, ""},
		{"dc:creator", it.Creator, "Sở A"},
		{"content keeps ]]>", it.Content, "<p>a ]]> b</p>"},
		{"categories", strings.Join(it.Categories, "|"), "Giá đất|cao tốc"},
		{"every enclosure, length 0 when unknown", strings.Join(encs, " | "), "https://x.example.vn/so-a/files/a.pdf 2048 | https://x.example.vn/so-a/files/b.csv 0"},
		{"guid", it.GUID, "tag:x.example.vn,2026:so-a/tb-1"},
		{"pubDate is the publication", it.PubDate, "Mon, 02 Mar 2026 08:00:00 +0700"},
		{"a summary-less item's description is its title", ch.Items[1].Description, "Không ngày"},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.what, tt.got, tt.want)
		}
	}
	if _, err := gofeed.NewParser().Parse(bytes.NewReader(body)); err != nil {
		t.Errorf("gofeed: %v", err)
	}
}

// TestRenderJSONFeed checks the JSON Feed encoder's corrections to the
// library's JSONFeed, and that an empty feed still has its items list.
func TestRenderJSONFeed(t *testing.T) {
	body, err := renderJSONFeed(encoderFeed())
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	items := doc["items"].([]any)
	it := items[0].(map[string]any)
	att := it["attachments"].([]any)
	first, second := att[0].(map[string]any), att[1].(map[string]any)
	for _, tt := range []struct {
		what string
		got  any
		want any
	}{
		{"feed language", doc["language"], "vi"},
		{"feed_url", doc["feed_url"], "https://x.example.vn/so-a/feed.x"},
		{"no deprecated author", doc["author"], nil},
		{"item id", it["id"], "tag:x.example.vn,2026:so-a/tb-1"},
		{"item language", it["language"], "vi"},
		{"no deprecated item author", it["author"], nil},
		{"date_modified, to the second", it["date_modified"], "2026-03-09T08:00:00+07:00"},
		{"size_in_bytes", first["size_in_bytes"], 2048.0},
		{"no library size", first["size"], nil},
		{"attachment title", first["title"], "Bản scan"},
		{"unknown size left out", second["size_in_bytes"], nil},
		{"tags", len(it["tags"].([]any)), 2},
		{"undated item has no dates", items[1].(map[string]any)["date_published"], nil},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %#v, want %#v", tt.what, tt.got, tt.want)
		}
	}

	empty := encoderFeed()
	empty.Entries = nil
	body, err = renderJSONFeed(empty)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(body, []byte(`"items": []`)) {
		t.Errorf("empty feed without its items list:\n%s", body)
	}
}
