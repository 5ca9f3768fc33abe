package search

import (
	"context"
	"math"
	"slices"
	"testing"
)

func TestTitleFit(t *testing.T) {
	th := NewThesaurus([]Entry{{Terms: []string{"sổ đỏ", "giấy chứng nhận quyền sử dụng đất"}}})
	tests := []struct {
		query, title string
		want         float64
	}{
		// A heading that is the query: whole, phrase, fully covered.
		{"đình công", "Bộ luật Lao động 2019 – Điều 198. Đình công", 1 + fitWhole + fitPhrase + fitCover},
		{"dinh cong", "Bộ luật Lao động 2019 – Điều 198. Đình công", 1 + fitWhole + fitPhrase + fitCover},
		// The phrase in a longer heading: covered in part.
		{"đình công", "Bộ luật Lao động 2019 – Điều 200. Trình tự đình công", 1 + fitPhrase + fitCover*2/4},
		// The words apart: covered, no phrase.
		{"đình công", "Điều 1. Công việc đình chỉ", 1 + fitCover*2/4},
		// The words in different parts of the title: nothing.
		{"đình công", "Đình – Công", 1},
		// A comma does not end a part.
		{"ly hôn", "Điều 50. Kết hôn, ly hôn", 1 + fitPhrase + fitCover*3/4},
		// A thesaurus alternative counts like the words typed.
		{"sổ đỏ", "Điều 99. Cấp giấy chứng nhận quyền sử dụng đất", 1 + fitPhrase + fitCover*7/8},
		{"sổ đỏ", "Điều 97. Giấy chứng nhận quyền sử dụng đất", 1 + fitWhole + fitPhrase + fitCover},
		// Units in either order cover a part, the phrase is in order.
		{"tạm trú đăng ký", "Điều 27. Đăng ký tạm trú", 1 + fitCover},
	}
	tb := getTokenBuf()
	defer putTokenBuf(tb)
	for _, tt := range tests {
		p, err := ParseQuery(tt.query)
		if err != nil {
			t.Fatal(err)
		}
		p.th = th
		tf := newTitleFit(p.wordUnits())
		if got := tf.factor(tb, []byte(tt.title)); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%q in %q: factor %.3f, want %.3f", tt.query, tt.title, got, tt.want)
		}
	}
	if p, _ := ParseQuery(""); newTitleFit(p.wordUnits()) != nil {
		t.Error("a query without words has a fit")
	}
}

// Pages cut from the order re-ranked by the titles' fit add up to it:
// nothing twice, nothing left out, across the fitTop boundary too.
func TestTitleFitPages(t *testing.T) {
	ix := newFixtureIndex(t)
	ctx := context.Background()
	for _, q := range []string{"quyền sử dụng đất", "đất", "người lao động"} {
		all, err := ix.Search(ctx, Request{Query: q, Size: 2 * fitTop})
		if err != nil {
			t.Fatal(err)
		}
		var paged []string
		for from := 0; from < len(all.Hits); from += 7 {
			page, err := ix.Search(ctx, Request{Query: q, From: from, Size: 7})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range page.Hits {
				paged = append(paged, h.ID)
			}
		}
		var want []string
		for _, h := range all.Hits {
			want = append(want, h.ID)
		}
		if !slices.Equal(paged, want) {
			t.Errorf("%q: pages %q, want %q", q, paged, want)
		}
	}
}
