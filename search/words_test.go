package search

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func wordsOf(text string, find func([]byte, func(int, int))) [][2]int {
	var out [][2]int
	find([]byte(text), func(s, e int) { out = append(out, [2]int{s, e}) })
	return out
}

// sameWords fails when the fast path handles text and finds other words than
// the segment package; it reports whether the fast path handled it.
func sameWords(t *testing.T, text string) bool {
	t.Helper()
	var fast [][2]int
	if !fastWords([]byte(text), func(s, e int) { fast = append(fast, [2]int{s, e}) }) {
		if len(fast) > 0 {
			t.Fatalf("%.80q: fastWords gave words and then gave up", text)
		}
		return false
	}
	slow := wordsOf(text, slowWords)
	if !slices.Equal(fast, slow) {
		for i := range min(len(fast), len(slow)) {
			if fast[i] != slow[i] {
				t.Fatalf("%.80q: word %d is %q by the fast path, %q by the segmenter",
					text, i, text[fast[i][0]:fast[i][1]], text[slow[i][0]:slow[i][1]])
			}
		}
		t.Fatalf("%.80q: %d words by the fast path, %d by the segmenter", text, len(fast), len(slow))
	}
	return true
}

func TestWordsMatchSegmenter(t *testing.T) {
	texts := []string{
		" ", "a", "1", ".", "a.", ".a", "a.b", "1.5", "1,5", "a,b", "a:b", "1:5", "a'b", "a’b", "1’5",
		"a.1", "1.a", "a1.b2", "x..y", "3a", "a3", "a - b", "a–b", "“trích dẫn”", "…và",
		"tab\tnew\nline\r\nend",
		"Ơn ơn Ư ư Ă ă Â â Ê ê Ô ô Đ đ Ỹ ỹ Ạ ạ",
	}
	texts = append(texts, tokenizingTexts()...)
	for _, law := range lawTexts() {
		// Lines, as titles and snippets are: a whole law has some character
		// the fast path leaves to the segmenter.
		lines := strings.Split(law, "\n")
		texts = append(texts, lines[:min(len(lines), 300)]...)
	}
	fast := 0
	for _, s := range texts {
		if sameWords(t, s) {
			fast++
		}
		sameTokens(t, s)
	}
	if fast < len(texts)*8/10 {
		t.Errorf("the fast path handled %d of %d texts, want most", fast, len(texts))
	}
	t.Logf("fast path: %d of %d texts", fast, len(texts))

	// Random strings of the characters whose rules matter.
	alphabet := []rune("aZđƠỹ09 .,;:'’‘–“…\t\n-/_\u0301é日")
	r := rand.New(rand.NewPCG(1, 2))
	fast = 0
	for range 200_000 {
		b := make([]rune, 1+r.IntN(8))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		if sameWords(t, string(b)) {
			fast++
		}
		sameTokens(t, string(b))
	}
	if fast < 10_000 {
		t.Errorf("the fast path handled %d random strings, want many", fast)
	}
}

// sameTokens fails when the analyzers' tokenizer and bleve's unicode
// tokenizer disagree on text: the index must not depend on which one made it.
func sameTokens(t *testing.T, text string) {
	t.Helper()
	got := wordTokenizer{}.Tokenize([]byte(text))
	want := unicodeTokenizer.Tokenize([]byte(text))
	if len(got) != len(want) {
		t.Fatalf("%.80q: %d tokens, bleve's tokenizer %d", text, len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if string(g.Term) != string(w.Term) || g.Start != w.Start || g.End != w.End || g.Position != w.Position || g.Type != w.Type {
			t.Fatalf("%.80q token %d: %+v, bleve's tokenizer %+v", text, i, *g, *w)
		}
	}
}

func FuzzWords(f *testing.F) {
	for _, s := range []string{"Bảng giá đất", "QL1A ĐT.550", "1,5 a.b", "a’b", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sameWords(t, s)
		sameTokens(t, s)
	})
}

func BenchmarkWords(b *testing.B) {
	text := []byte(fixture[0].Title + " " + fixture[0].Body)
	for _, bc := range []struct {
		name string
		find func([]byte, func(int, int))
	}{{"segmenter", slowWords}, {"eachWord", eachWord}} {
		b.Run(bc.name, func(b *testing.B) {
			n := 0
			for range b.N {
				bc.find(text, func(int, int) { n++ })
			}
		})
	}
}
