package search

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"testing"
)

// TestPartial: when the hits with every word do not fill the first page
// and are weak (none, or the words scattered), the documents with all the
// words but one follow in Result.Partial, each
// naming the word it lacks; never a hit with every word, never on another
// page, sort or for a caller that asks no advice.
func TestPartial(t *testing.T) {
	ix := newFixtureIndex(t)
	ctx := context.Background()
	tests := []struct {
		name    string
		r       Request
		partial map[string]string // ID → the word it lacks; nil: no partial matches
	}{
		{"a word no document has", Request{Query: "ngân sách xyzzy"},
			map[string]string{"du-toan": "xyzzy", "quyet-toan": "xyzzy"}},
		{"each word lacking in turn", Request{Query: "bồi thường giải phóng mặt bằng miễn phí học sinh"},
			map[string]string{"sach-giao-khoa": "bồi thường giải phóng mặt bằng"}},
		{"highlighted", Request{Query: "sách giáo khoa xyzzy", Highlight: true},
			map[string]string{"sach-giao-khoa": "xyzzy"}},
		{"without accents", Request{Query: "du toan ngan sach xyzzy"},
			map[string]string{"du-toan": "xyzzy"}},
		{"few hits, the words scattered", Request{Query: "đất xã 2025"},
			map[string]string{"du-toan": "đất", "gia-dat": "xã"}},
		{"few hits with the words together", Request{Query: "ngân sách xã 2025"}, nil},
		{"a page full of hits", Request{Query: "đất xã 2025", Size: 1}, nil},
		{"second page", Request{Query: "ngân sách xyzzy", From: 10}, nil},
		{"sorted by date", Request{Query: "ngân sách xyzzy", Sort: "date"}, nil},
		{"no advice", Request{Query: "ngân sách xyzzy", NoAdvice: true}, nil},
		{"one word", Request{Query: "xyzzy"}, nil},
		{"a document number", Request{Query: "12/QĐ-UBND xyzzy"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ix.Search(ctx, tt.r)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, h := range res.Partial {
				if len(h.Missing) != 1 {
					t.Errorf("%s: missing %q, want one word", h.ID, h.Missing)
				}
				got[h.ID] = h.Missing[0]
				if slices.ContainsFunc(res.Hits, func(f Hit) bool { return f.ID == h.ID }) {
					t.Errorf("%s is both a hit and a partial match", h.ID)
				}
			}
			for id, w := range tt.partial {
				if got[id] != w {
					t.Errorf("partial %v, want %s lacking %q", got, id, w)
				}
			}
			if tt.partial == nil && len(got) > 0 {
				t.Errorf("partial %v, want none", got)
			}
			for _, h := range res.Partial {
				if tt.r.Highlight && (h.Snippet == "" || !strings.Contains(h.TitleHTML+h.Snippet, "<mark>")) {
					t.Errorf("partial %s: snippet %q, title %q; want highlights", h.ID, h.Snippet, h.TitleHTML)
				}
			}
			for _, h := range res.Hits {
				if len(h.Missing) > 0 {
					t.Errorf("hit %s says it lacks %q", h.ID, h.Missing)
				}
			}
			if len(res.Partial) > cmp.Or(tt.r.Size, DefaultSize) {
				t.Errorf("%d partial matches, more than a page", len(res.Partial))
			}
		})
	}
}

// TestApproximateThesaurus: once the accents as typed find nothing, the
// thesaurus's terms match whatever accents were typed ("dền bu" is "đền
// bù", whose official term is "bồi thường"), and the hits are marked
// approximate.
func TestApproximateThesaurus(t *testing.T) {
	ix := newFixtureIndex(t)
	res, err := ix.Search(context.Background(), Request{Query: "dền bu giải phóng mặt bằng"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Approximate || !slices.Contains(ids(res.Hits), "boi-thuong") {
		t.Errorf("dền bu giải phóng mặt bằng: approximate %v, hits %q; want boi-thuong, approximate", res.Approximate, ids(res.Hits))
	}
	// Typed with the right accents, the term needs no approximation.
	res, err = ix.Search(context.Background(), Request{Query: "đền bù giải phóng mặt bằng"})
	if err != nil || res.Approximate || !slices.Contains(ids(res.Hits), "boi-thuong") {
		t.Errorf("đền bù giải phóng mặt bằng: approximate %v, hits %q, %v", res.Approximate, ids(res.Hits), err)
	}
}
