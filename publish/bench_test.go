package publish

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkDiffTable compares two versions of a 50,000-row, 8-column table:
// a change, a removal and an insertion every 100 rows, matched by content
// and by key; and one column changed in every row (the worst case for
// matching by content).
func BenchmarkDiffTable(b *testing.B) {
	a := bigTable(50_000)
	every := Table{Columns: a.Columns}
	for _, r := range a.Rows {
		r = append([]string(nil), r...)
		r[6] = "1"
		every.Rows = append(every.Rows, r)
	}
	cases := []struct {
		name string
		a, b Table
	}{
		{"50k-rows/content", a, editTable(a, 100)},
		{"50k-rows/key", Table{Columns: a.Columns, Rows: a.Rows, Key: "ma"}, func() Table { t := editTable(a, 100); t.Key = "ma"; return t }()},
		{"50k-rows/every-row-changed", a, every},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				DiffTable(c.a, c.b)
			}
		})
	}
}

// BenchmarkDiffText compares two versions of a 5,000-word notice with 20
// edits, and of a 200,000-word text (compared line by line).
func BenchmarkDiffText(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{5_000, 200_000} {
		x := randomText(r, n)
		y := edit(r, x, 20)
		b.Run(fmt.Sprintf("%d-words", n), func(b *testing.B) {
			for b.Loop() {
				DiffText(x, y)
			}
		})
	}
}

// BenchmarkHistory50 reads the history of a notice with 50 versions (each
// with its markdown file and two attachments), as the history page does.
func BenchmarkHistory50(b *testing.B) {
	for _, kind := range kinds {
		b.Run(kind, func(b *testing.B) {
			s, _ := openTest(b, kind)
			ctx := context.Background()
			const p = "so-tai-chinh/du-toan-2026"
			for i := range 50 {
				files := noticeFiles(b, s, p, fmt.Sprintf("Bản %d của dự toán.", i), "files/qd.pdf", "quyết định", "files/bieu.xlsx", fmt.Sprint("biểu ", i%3))
				action := ActionCorrect
				if i == 0 {
					action = ActionPublish
				}
				record(b, s, NewVersion{Path: p, Kind: Notice, Action: action, Actor: StaffActor(1), Reason: "sửa số liệu", Files: files})
			}
			for b.Loop() {
				vs, err := s.Versions(ctx, p)
				if err != nil || len(vs) != 50 {
					b.Fatal(len(vs), err)
				}
			}
		})
	}
}
