package publish

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// show writes ops as [=text][-text][+text].
func show(ops []Op) string {
	var b strings.Builder
	for _, op := range ops {
		fmt.Fprintf(&b, "[%s%s]", op.Kind, op.Text)
	}
	return b.String()
}

// checkOps fails unless ops rebuild a and b and have DiffText's shape: no
// empty piece, no two Equal pieces in a row, at most one Delete then one
// Insert between them.
func checkOps(t testing.TB, a, b string, ops []Op) {
	t.Helper()
	var ra, rb strings.Builder
	for i, op := range ops {
		if op.Text == "" {
			t.Fatalf("empty op %d in %s", i, show(ops))
		}
		if i > 0 {
			prev := ops[i-1].Kind
			if prev == op.Kind || prev == Insert && op.Kind == Delete {
				t.Fatalf("op %d (%s) after %s in %.300s", i, op.Kind, prev, show(ops))
			}
		}
		if op.Kind != Insert {
			ra.WriteString(op.Text)
		}
		if op.Kind != Delete {
			rb.WriteString(op.Text)
		}
	}
	if ra.String() != a || rb.String() != b {
		t.Fatalf("ops do not rebuild the texts:\n%.300s\na: %.200q\nb: %.200q", show(ops), a, b)
	}
}

func TestDiffText(t *testing.T) {
	tests := []struct {
		name, a, b, want string
	}{
		{"both empty", "", "", ""},
		{"equal", "Dự toán 2026", "Dự toán 2026", "[=Dự toán 2026]"},
		{"from nothing", "", "Thông báo mới", "[+Thông báo mới]"},
		{"to nothing", "Thông báo cũ", "", "[-Thông báo cũ]"},
		{"one word", "Dự toán thu ngân sách năm 2026", "Dự toán chi ngân sách năm 2026",
			"[=Dự toán ][-thu][+chi][= ngân sách năm 2026]"},
		{"a phrase reads as one", "giao đất cho hộ gia đình ông A", "giao đất cho tổ chức kinh tế B",
			"[=giao đất cho ][-hộ gia đình ông A][+tổ chức kinh tế B]"},
		{"added words", "ngân sách", "ngân sách tỉnh Hà Tĩnh", "[=ngân sách][+ tỉnh Hà Tĩnh]"},
		{"removed words", "Ủy ban nhân dân tỉnh Hà Tĩnh", "Ủy ban nhân dân", "[=Ủy ban nhân dân][- tỉnh Hà Tĩnh]"},
		{"punctuation apart", "Điều 5. Hiệu lực", "Điều 5; Hiệu lực", "[=Điều 5][-.][+;][= Hiệu lực]"},
		{"a number is one word", "tổng 1.234.567,5 đồng", "tổng 1.234.568,5 đồng", "[=tổng ][-1.234.567,5][+1.234.568,5][= đồng]"},
		{"a code is one word", "theo 12/QĐ-UBND ngày 5", "theo 13/QĐ-UBND ngày 5", "[=theo ][-12/QĐ-UBND][+13/QĐ-UBND][= ngày 5]"},
		{"a sentence's full stop is not part of the word", "năm 2026.", "năm 2027.", "[=năm ][-2026][+2027][=.]"},
		{"accents matter", "giá đất", "giá dat", "[=giá ][-đất][+dat]"},
		{"lines", "Dòng một\nDòng hai\nDòng ba\n", "Dòng một\nDòng 2\nDòng ba\n", "[=Dòng một\nDòng ][-hai][+2][=\nDòng ba\n]"},
		{"spaces changed", "a  b", "a b", "[=a][-  ][+ ][=b]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops := DiffText(tt.a, tt.b)
			if got := show(ops); got != tt.want {
				t.Errorf("DiffText(%q, %q) = %s, want %s", tt.a, tt.b, got, tt.want)
			}
			checkOps(t, tt.a, tt.b, ops)
		})
	}
}

// syllables are the words of randomText; a paragraph ends at "\n".
var syllables = append(strings.Fields("ngân sách nhà nước dự toán thu chi năm tỉnh huyện xã đất đai giá bồi thường quyết định ủy ban nhân dân hội đồng công khai 2026 1.234 , . ; ( )"), "\n")

// randomText returns n syllables and punctuation joined by spaces.
func randomText(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(syllables[r.IntN(len(syllables))])
	}
	return b.String()
}

// edit changes a few words of s.
func edit(r *rand.Rand, s string, edits int) string {
	w := strings.Split(s, " ")
	for range edits {
		i := r.IntN(len(w) + 1)
		switch r.IntN(3) {
		case 0:
			w = slices.Insert(w, i, syllables[r.IntN(len(syllables))])
		case 1:
			if i < len(w) {
				w = slices.Delete(w, i, i+1)
			}
		default:
			if i < len(w) {
				w[i] = syllables[r.IntN(len(syllables))]
			}
		}
	}
	return strings.Join(w, " ")
}

// TestDiffTextRandom: random texts and edits are always rebuilt, and a few
// edits of a long text give a few changes.
func TestDiffTextRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		a := randomText(r, r.IntN(400))
		edits := r.IntN(6)
		b := edit(r, a, edits)
		ops := DiffText(a, b)
		checkOps(t, a, b, ops)
		changes := 0
		for _, op := range ops {
			if op.Kind == Delete || op.Kind == Insert {
				changes++
			}
		}
		if changes > 2*edits {
			t.Errorf("case %d: %d edits gave %d changed pieces: %.500s", i, edits, changes, show(ops))
		}
	}
}

// TestDiffTextHuge: texts too long to compare word by word are compared
// line by line, and a changed line word by word; texts with nothing in
// common are one deletion and one insertion.
func TestDiffTextHuge(t *testing.T) {
	var lines []string
	for i := range 30_000 {
		lines = append(lines, fmt.Sprintf("Dòng %d: dự toán chi thường xuyên của đơn vị số %d là %d đồng.", i, i, i*1000))
	}
	a := strings.Join(lines, "\n")
	lines[15_000] = strings.Replace(lines[15_000], "thường xuyên", "đầu tư", 1)
	b := strings.Join(lines, "\n")
	ops := DiffText(a, b)
	checkOps(t, a, b, ops)
	if len(ops) != 4 || ops[1].Text != "thường xuyên" || ops[2].Text != "đầu tư" {
		t.Errorf("one changed line of 30,000: %d ops, %q %q", len(ops), ops[1].Text, ops[2].Text)
	}

	c := strings.Repeat("khác hẳn ", 200_000)
	ops = DiffText(a, c)
	checkOps(t, a, c, ops)
	if len(ops) != 2 {
		t.Errorf("texts with nothing in common: %d ops, want 2", len(ops))
	}
}

// FuzzDiffText: any two texts are rebuilt from their diff.
func FuzzDiffText(f *testing.F) {
	f.Add("Dự toán thu ngân sách", "Dự toán chi ngân sách")
	f.Add("a  b\n", "a b")
	f.Add("", "x")
	f.Add("1.234,5/QĐ-", "1.234,6/QĐ")
	f.Add("\xff\xfe", "\xff")
	f.Fuzz(func(t *testing.T, a, b string) {
		checkOps(t, a, b, DiffText(a, b))
	})
}
