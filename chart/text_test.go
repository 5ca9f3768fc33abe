package chart

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Sở Tài chính  ", "Sở Tài chính"},
		{"Thu\tngân\nsách\r\n2026", "Thu ngân sách 2026"},
		{"a\x00b\x07c\x1b[31m", "a b c [31m"},
		{"bad \xff\xfe utf8", "bad \uFFFD utf8"}, // one replacement per run
		{"x\uFFFEy\uFFFF", "xy"},
		{"משרד \u202Eabc\u202C \u2066d\u2069", "משרד abc d"},
		{"e\u0301 財政局 🏛️", "e\u0301 財政局 🏛️"},
		{"\u0085next\u00a0line", "next line"}, // NEL is a control, NBSP a space
		{"<script>&'\"", "<script>&'\""},      // cleaned, not escaped
		{strings.Repeat("ả", 400), strings.Repeat("ả", maxTextRunes)},
		{"", ""},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEscape(t *testing.T) {
	var b strings.Builder
	escape(&b, `<script>alert("x")</script> & 'Thu' ]]> -->`)
	want := `&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Thu&#39; ]]&gt; --&gt;`
	if b.String() != want {
		t.Errorf("escape = %q, want %q", b.String(), want)
	}
}

func TestRuneWidth(t *testing.T) {
	if n := utf8.RuneCountInString(vietBase); n != (0x1EF9-0x1EA0+1)/2 {
		t.Fatalf("vietBase has %d letters, want %d", n, (0x1EF9-0x1EA0+1)/2)
	}
	tests := []struct {
		r    rune
		want float64
	}{
		{'a', 0.613}, {'ạ', 0.613}, {'Ậ', 0.684}, {'ế', 0.615}, {'ỉ', 0.278}, {'ọ', 0.612},
		{'ợ', 0.612 + 0.13}, {'Ữ', 0.732 + 0.13}, {'ỹ', 0.592}, {'Ơ', 0.92}, {'Đ', 0.78},
		{'\u0301', 0}, {'財', 1}, {'0', 0.636}, {' ', 0.318},
	}
	for _, tt := range tests {
		if got := runeWidth(tt.r); got < tt.want-1e-9 || got > tt.want+1e-9 {
			t.Errorf("runeWidth(%q) = %v, want %v", tt.r, got, tt.want)
		}
	}
}

func TestWrap(t *testing.T) {
	long := strings.Repeat("Ban quản lý dự án ", 20)
	tests := []struct {
		name     string
		in       string
		width    float64
		maxLines int
		want     []string
		cut      bool
	}{
		{"fits", "Sở Tài chính", 200, 2, []string{"Sở Tài chính"}, false},
		{"two lines", "Thu cổ tức, lợi nhuận được chia và lợi nhuận sau thuế còn lại", 384, 2,
			[]string{"Thu cổ tức, lợi nhuận được chia và lợi nhuận sau", "thuế còn lại"}, false},
		{"cut", long, 200, 2, []string{"Ban quản lý dự án Ban", "quản lý dự án Ban quản…"}, true},
		{"long word broken", "Không_có_khoảng_trắng_nào_trong_tên", 120, 3, []string{"Không_có_khoản", "g_trắng_nào_tro", "ng_tên"}, false},
		{"narrower than a letter", "ab", 1, 5, []string{"a", "b"}, false},
		{"empty", "", 100, 2, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cut := wrap(tt.in, tt.width, fsLabel, false, tt.maxLines)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || cut != tt.cut {
				t.Errorf("wrap(%q, %v) = %q, %v; want %q, %v", tt.in, tt.width, got, cut, tt.want, tt.cut)
			}
			for _, l := range got {
				if w := textWidth(l, fsLabel, false); w > tt.width && utf8.RuneCountInString(l) > 1 {
					t.Errorf("line %q is %v wide, more than %v", l, w, tt.width)
				}
			}
		})
	}
}
