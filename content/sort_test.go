package content

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/congkhai/congkhai/calendar"
)

// sortSite orders notices newest first, by path within the same instant,
// undated ones last; the keyed sort must give the order of comparing the
// notices themselves.
func TestSortSiteNotices(t *testing.T) {
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, calendar.Location)
	tests := []struct {
		name string
		in   []*Notice
		want []string
	}{
		{"by date", []*Notice{{Path: "a", Published: day}, {Path: "b", Published: day.AddDate(0, 0, 1)}}, []string{"b", "a"}},
		{"same day by path", []*Notice{{Path: "z", Published: day}, {Path: "m", Published: day}, {Path: "a", Published: day}}, []string{"a", "m", "z"}},
		{"within a second", []*Notice{{Path: "a", Published: day}, {Path: "b", Published: day.Add(time.Millisecond)}}, []string{"b", "a"}},
		{"undated last", []*Notice{{Path: "a"}, {Path: "b", Published: day}, {Path: "c", Published: time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)}}, []string{"b", "c", "a"}},
		{"same instant in two zones", []*Notice{{Path: "b", Published: day}, {Path: "a", Published: day.UTC()}}, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Site{Notices: tt.in}
			sortSite(s)
			var got []string
			for _, n := range s.Notices {
				got = append(got, n.Path)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("order %v, want %v", got, tt.want)
			}
		})
	}
	// Many notices with many ties: the same order as sorting the notices.
	rng := rand.New(rand.NewPCG(1, 2))
	var ns []*Notice
	for i := range 5000 {
		n := &Notice{Path: strings.Repeat("x", rng.IntN(3)) + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))}
		if rng.IntN(10) > 0 {
			n.Published = day.AddDate(0, 0, rng.IntN(40)).Add(time.Duration(rng.IntN(3)) * time.Nanosecond)
		}
		ns = append(ns, n)
	}
	want := slices.Clone(ns)
	slices.SortFunc(want, func(a, b *Notice) int {
		if c := b.Published.Compare(a.Published); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	s := &Site{Notices: ns}
	sortSite(s)
	if !slices.Equal(s.Notices, want) {
		t.Error("the keyed sort differs from comparing the notices")
	}
}
