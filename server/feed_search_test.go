package server

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"

	"github.com/mmcdole/gofeed"
)

// TestSearchFeedQuery: the three formats of a search feed accept and refuse
// the same queries. A feed needs something to search for once the query is
// normalised — a word with a letter or a digit, or a filter — and text that is
// not UTF-8 is refused, never repaired into the feed of everything.
func TestSearchFeedQuery(t *testing.T) {
	s := newSearchServer(t)
	tests := []struct {
		name   string
		query  string // raw query string
		status int
	}{
		{"words", "q=b%E1%BB%93i+th%C6%B0%E1%BB%9Dng", 200},
		{"words without accents", "q=boi+thuong", 200},
		{"a document number", "q=6733%2FUBND-KSTT", 200},
		{"a filter alone", "category=gia-dat", 200},
		{"a filter typed in q", "q=category%3Agia-dat", 200},
		{"an exclusion", "q=-b%E1%BB%93i", 200},
		{"nothing", "", 400},
		{"empty q", "q=", 400},
		{"spaces", "q=+++", 400},
		{"punctuation only", "q=%21%21%21+%E2%80%93", 400},
		{"a lone quote", "q=%22", 400},
		{"a lone minus", "q=-", 400},
		{"control characters only", "q=%01%0B", 400},
		{"invalid UTF-8", "q=%ff%fe", 400},
		{"invalid UTF-8 beside a word", "q=%ff+dat", 400},
		{"invalid UTF-8 in a filter", "q=dat&place=%ff", 400},
		{"an unknown filter in q", "q=foo%3Abar", 400},
		{"a bad year", "q=dat&year=abc", 400},
	}
	for _, tt := range tests {
		for _, f := range feedFormats {
			u := "/search." + f.ext + "?" + tt.query
			t.Run(tt.name+"/"+f.ext, func(t *testing.T) {
				rec := do(t, s, request{url: u})
				if rec.Code != tt.status {
					t.Fatalf("GET %s = %d, want %d\n%.300s", u, rec.Code, tt.status, rec.Body)
				}
				if tt.status != http.StatusOK {
					return
				}
				if _, err := gofeed.NewParser().Parse(bytes.NewReader(rec.Body.Bytes())); err != nil {
					t.Errorf("GET %s: gofeed: %v", u, err)
				}
			})
		}
	}
}

// TestSearchFeedAlertList: an email alert follows the same searches a feed
// does; a search with nothing to search for is not a list (404).
func TestSearchFeedAlertList(t *testing.T) {
	s := newSearchServer(t)
	for _, tt := range []struct {
		list   string
		status int
	}{
		{"/search?q=b%E1%BB%93i+th%C6%B0%E1%BB%9Dng", 200},
		{"/search?q=%ff%fe", 404},
		{"/search?q=%21%21%21", 404},
	} {
		u := "/theo-doi?list=" + url.QueryEscape(tt.list)
		rec := do(t, s, request{url: u})
		if rec.Code != tt.status {
			t.Errorf("GET %s = %d, want %d", u, rec.Code, tt.status)
		}
	}
}
