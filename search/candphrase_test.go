package search

import (
	"context"
	"slices"
	"testing"

	index "github.com/blevesearch/bleve_index_api"
)

// TestCandidateReader checks that a postings list read through candReader
// holds exactly the candidates' postings, by Next and by Advance, and
// keeps the whole list's count (the idf).
func TestCandidateReader(t *testing.T) {
	ix := openTemp(t, Options{})
	ctx := context.Background()
	// Two batches: postings in more than one segment.
	for _, docs := range [][]Document{fixture[:len(fixture)/2], fixture[len(fixture)/2:]} {
		if err := ix.Apply(ctx, docs, nil); err != nil {
			t.Fatal(err)
		}
	}
	adv, err := ix.bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	rd, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	const field, term = fBodyF, "dat"
	read := func(r index.IndexReader) (docs []uint64, count uint64) {
		tfr, err := r.TermFieldReader(ctx, []byte(term), field, true, true, true)
		if err != nil {
			t.Fatal(err)
		}
		defer tfr.Close()
		for {
			tfd, err := tfr.Next(nil)
			if err != nil {
				t.Fatal(err)
			}
			if tfd == nil {
				return docs, tfr.Count()
			}
			docs = append(docs, docNumber(tfd.ID))
		}
	}
	all, count := read(rd)
	if len(all) < 4 {
		t.Fatalf("%q in %s: %d postings, want a few", term, field, len(all))
	}
	n, err := rd.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	var every, odd, none, without []uint64
	for d := uint64(0); d < n+2; d++ {
		every = append(every, d)
		if d%2 == 1 {
			odd = append(odd, d)
		}
		if !slices.Contains(all, d) {
			without = append(without, d)
		}
	}
	tests := []struct {
		name  string
		cands []uint64
	}{
		{"every document", every},
		{"odd numbers", odd},
		{"the list itself", all},
		{"first and last", []uint64{all[0], all[len(all)-1]}},
		{"none with the term", without},
		{"beyond the last", []uint64{n + 5}},
		{"no candidate", none},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []uint64
			for _, d := range all {
				if slices.Contains(tt.cands, d) {
					want = append(want, d)
				}
			}
			got, c := read(candReader{IndexReader: rd, ids: tt.cands})
			if !slices.Equal(got, want) {
				t.Errorf("Next: %v, want %v", got, want)
			}
			if c != count {
				t.Errorf("Count %d, want the whole list's %d", c, count)
			}
			// Advance to each document in turn from a fresh reader: the
			// first candidate posting at or after it.
			for target := uint64(0); target < n+2; target++ {
				tfr, err := candReader{IndexReader: rd, ids: tt.cands}.TermFieldReader(ctx, []byte(term), field, true, true, true)
				if err != nil {
					t.Fatal(err)
				}
				tfd, err := tfr.Advance(index.NewIndexInternalID(nil, target), nil)
				if err != nil {
					t.Fatal(err)
				}
				i := slices.IndexFunc(want, func(d uint64) bool { return d >= target })
				switch {
				case i < 0 && tfd != nil:
					t.Errorf("Advance(%d) = %d, want none", target, docNumber(tfd.ID))
				case i >= 0 && (tfd == nil || docNumber(tfd.ID) != want[i]):
					t.Errorf("Advance(%d) = %v, want %d", target, tfd, want[i])
				}
				tfr.Close()
			}
		})
	}
}
