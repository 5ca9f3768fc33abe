package content

import (
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Đất đai", "dat dai"},
		{"Quy hoạch", "quy hoach"},
		{"NGÂN SÁCH", "ngan sach"},
		{"Thủ tục hành chính", "thu tuc hanh chinh"},
		{"Quy ho\u0061\u0323ch", "quy hoach"}, // decomposed input
		{"Ưu tiên", "uu tien"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Đất đai & Quy hoạch", "dat-dai-quy-hoach"},
		{"  Bảng giá đất 2025–2029 ", "bang-gia-dat-2025-2029"},
		{"Quyết định số 125/QĐ-UBND", "quyet-dinh-so-125-qd-ubnd"},
		{"***", ""},
		{"Bồi thường, hỗ trợ, tái định cư", "boi-thuong-ho-tro-tai-dinh-cu"},
	}
	for _, tt := range tests {
		if got := Slugify(tt.in); got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseCategory(t *testing.T) {
	tests := []struct {
		in   string
		want Category
		ok   bool
	}{
		{"ngan-sach", CatBudget, true},
		{"budget", CatBudget, true},
		{"Ngân sách", CatBudget, true},
		{"ngan sach", CatBudget, true},
		{"NGÂN SÁCH", CatBudget, true},
		{"Bảng giá đất", CatLandPrice, true},
		{"Land-Price", CatLandPrice, true},
		{"Dự thảo", CatDraft, true},
		{"Thủ tục hành chính", CatProcedure, true},
		{"Quy hoạch", CatLandUsePlan, true},
		{"tin tức", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseCategory(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseCategory(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRenderMarkdown(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		unsafe  bool
		want    []string
		notWant []string
	}{
		{name: "vietnamese heading ids", src: "## Đất đai & Quy hoạch\n\n## Đất đai & Quy hoạch\n\n### Ngân sách\n",
			want: []string{`<h2 id="dat-dai-quy-hoach">`, `<h2 id="dat-dai-quy-hoach-1">`, `<h3 id="ngan-sach">`}},
		{name: "raw html omitted", src: "<script>alert(1)</script>\n\nA <b>b</b> <img src=x onerror=alert(1)>\n",
			want: []string{"<!-- raw HTML omitted -->"}, notWant: []string{"<script", "<b>", "onerror"}},
		{name: "raw html opt-in", src: "A <b>b</b>\n\n<div class=\"x\">y</div>\n", unsafe: true,
			want: []string{"<b>b</b>", `<div class="x">`}},
		{name: "javascript link", src: "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](&#106;avascript:alert(1)) [d](vbscript:x) [e](data:text/html;base64,PHNjcmlwdD4=)\n",
			notWant: []string{"javascript:", "JaVaScRiPt", "vbscript:", "data:text/html", "&#106;"}},
		{name: "javascript link unsafe mode", src: "[a](javascript:alert(1)) ![i](javascript:x) <javascript:alert(2)>\n", unsafe: true, notWant: []string{"href=\"javascript:", "src=\"javascript:"}},
		{name: "javascript autolink", src: "<javascript:alert(2)>\n", notWant: []string{"href=\"javascript:"}},
		{name: "table wrapped", src: "| a | b |\n|---|---|\n| 1 | 2 |\n",
			want: []string{"<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Bảng\">\n<table>", "</table>\n</div>"}},
		{name: "table alignment without inline style (CSP)", src: "| a | b |\n|:---|---:|\n| 1 | 2 |\n",
			want: []string{`<th align="left">a</th>`, `<td align="right">2</td>`}, notWant: []string{"style="}},
		{name: "gfm", src: "~~cũ~~ www.example.vn\n\n- [x] xong\n\nChú thích[^1].\n\n[^1]: Ghi chú.\n",
			want: []string{"<del>cũ</del>", `href="http://www.example.vn"`, `type="checkbox"`, `class="footnote-ref"`, `rel="noopener nofollow"`}},
		{name: "external link rel", src: "[x](https://example.vn) [y](/so-tai-chinh)\n",
			want: []string{`<a href="https://example.vn" rel="noopener nofollow">`, `<a href="/so-tai-chinh">`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			html, _, _, err := RenderMarkdown([]byte(tt.src), tt.unsafe)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(html), w) {
					t.Errorf("RenderMarkdown(%q) = %q, want it to contain %q", tt.src, html, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(string(html), w) {
					t.Errorf("RenderMarkdown(%q) = %q, want no %q", tt.src, html, w)
				}
			}
		})
	}
}

func TestRenderMarkdownTextAndHeadings(t *testing.T) {
	src := "Mở đầu **đậm** và `mã`.\n\n## Phần [một](http://x.vn)\n\n<div>\nẩn\n</div>\n\n| a | b |\n|---|---|\n| ô 1 | ô 2 |\n"
	_, text, hs, err := RenderMarkdown([]byte(src), false)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Mở đầu đậm và mã.", "Phần một", "ô 1\tô 2"} {
		if !strings.Contains(text, w) {
			t.Errorf("text = %q, want it to contain %q", text, w)
		}
	}
	if strings.Contains(text, "<div>") || strings.Contains(text, "ẩn") || strings.Contains(text, "http://x.vn") {
		t.Errorf("text = %q has markup or link destinations", text)
	}
	if len(hs) != 1 || hs[0] != (Heading{Level: 2, Text: "Phần một", ID: "phan-mot"}) {
		t.Errorf("headings = %+v", hs)
	}
}

func TestRelativeLinksResolved(t *testing.T) {
	r, err := renderMarkdown([]byte("[a](files/a.pdf) ![b](anh.png) [c](/x) [d](#muc) [e](https://x.vn/a)\n"), false, "so-tai-chinh/bang-gia")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`href="/so-tai-chinh/bang-gia/files/a.pdf"`, `src="/so-tai-chinh/bang-gia/anh.png"`, `href="/x"`, `href="#muc"`, `href="https://x.vn/a"`} {
		if !strings.Contains(string(r.html), w) {
			t.Errorf("html = %q, want %q", r.html, w)
		}
	}
}

func TestSummarize(t *testing.T) {
	long := strings.Repeat("Công khai ngân sách ", 40)
	got := summarize(long, 300)
	if len(got) > 300+len("…") || !strings.HasSuffix(got, "…") || strings.HasSuffix(got, " …") {
		t.Errorf("summarize(long) = %q (%d bytes)", got, len(got))
	}
	if got := summarize("Ngắn.", 300); got != "Ngắn." {
		t.Errorf("summarize(%q) = %q", "Ngắn.", got)
	}
}
