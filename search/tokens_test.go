package search

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

// sameAsAnalyzer fails when foldTokens and AnalyzerFold disagree on text.
func sameAsAnalyzer(t *testing.T, b *tokenBuf, text string) {
	t.Helper()
	sameAs(t, b, text, AnalyzerFold, foldTokens)
	sameAs(t, b, text, AnalyzerExact, exactTokens)
	// Both at once, as the title rerank scans them.
	var f, e tokenBuf
	scanBoth(&f, &e, []byte(text))
	sameAs(t, nil, text, AnalyzerFold, func(*tokenBuf, []byte) []token { return f.toks })
	sameAs(t, nil, text, AnalyzerExact, func(*tokenBuf, []byte) []token { return e.toks })
}

func sameAs(t *testing.T, b *tokenBuf, text, analyzer string, scan func(*tokenBuf, []byte) []token) {
	t.Helper()
	want := analyzerNamed(analyzer).Analyze([]byte(text))
	got := scan(b, []byte(text))
	if len(got) != len(want) {
		t.Fatalf("%s %.60q: %d tokens, analyzer %d", analyzer, text, len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if string(g.term) != string(w.Term) || g.start != w.Start || g.end != w.End || g.pos != w.Position {
			t.Fatalf("%s %.60q token %d: got %q [%d,%d) pos %d, analyzer %q [%d,%d) pos %d",
				analyzer, text, i, g.term, g.start, g.end, g.pos, w.Term, w.Start, w.End, w.Position)
		}
	}
}

func TestFoldTokensMatchesAnalyzer(t *testing.T) {
	texts := []string{
		norm.NFD.String("Đường Trần Hưng Đạo – đoạn từ Lê Lợi đến cầu Vôi"),
		"soft\u00adhyphen and tab\tnew\nline",
		"ΟΔΟΣ ΣΟΦΟΚΛΕΟΥΣ Ⱥⱥ Ⱦ İstanbul ǅ",
		"日本語のテキスト 中文 한국어",
		"emoji 👍🏽 and ZWJ 👨‍👩‍👧 a\u200db",
		"invalid \xff\xfe utf-8 \xc3",
		"a\u0301 e\u0323\u0302 combining only \u0303",
	}
	texts = append(texts, tokenizingTexts()...)
	texts = append(texts, lawTexts()...)
	var b tokenBuf
	for _, s := range texts {
		sameAsAnalyzer(t, &b, s)
	}
}

func FuzzFoldTokens(f *testing.F) {
	for _, s := range []string{"Bảng giá đất", "QL1A ĐT.550", "ΟΔΟΣ", "Ⱥx", "a\u0301b", "\xff"} {
		f.Add(s)
	}
	var b tokenBuf
	f.Fuzz(func(t *testing.T, s string) { sameAsAnalyzer(t, &b, s) })
}

func BenchmarkFoldTokens(b *testing.B) {
	text := []byte(fixture[0].Body + " " + fixture[1].Body)
	b.Run("analyzer", func(b *testing.B) {
		a := analyzerNamed(AnalyzerFold)
		b.ReportAllocs()
		for range b.N {
			a.Analyze(append([]byte(nil), text...))
		}
	})
	b.Run("foldTokens", func(b *testing.B) {
		var buf tokenBuf
		b.ReportAllocs()
		for range b.N {
			foldTokens(&buf, text)
		}
	})
}
