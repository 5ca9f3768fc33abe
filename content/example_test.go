package content_test

import (
	"context"
	"fmt"
	"testing/fstest"

	"github.com/congkhai/congkhai/content"
)

func ExampleSlugify() {
	fmt.Println(content.Slugify("Đất đai & Quy hoạch"))
	// Output: dat-dai-quy-hoach
}

func ExampleFold() {
	fmt.Println(content.Fold("Bảng giá ĐẤT"))
	// Output: bang gia dat
}

func ExampleRenderMarkdown() {
	html, text, headings, _ := content.RenderMarkdown([]byte("## Ngân sách\n\nDự toán <b>2025</b>.\n"), false)
	fmt.Print(html)
	fmt.Printf("%q %+v\n", text, headings)
	// Output:
	// <h2 id="ngan-sach">Ngân sách</h2>
	// <p>Dự toán <!-- raw HTML omitted -->2025<!-- raw HTML omitted -->.</p>
	// "Ngân sách\nDự toán 2025." [{Level:2 Text:Ngân sách ID:ngan-sach}]
}

func ExampleLoad() {
	fsys := fstest.MapFS{
		"site.yaml":               {Data: []byte("title: Cổng thông tin công khai tỉnh Bắc Giang\n")},
		"so-tai-chinh/_agency.md": {Data: []byte("---\nname: Sở Tài chính\n---\n")},
		"so-tai-chinh/du-toan.md": {Data: []byte("---\ntitle: Dự toán 2025\ncategory: Ngân sách\npublished: 10/01/2025\n---\nNội dung.\n")},
		"so-tai-chinh/sai.md":     {Data: []byte("---\ntitle: Sai\ncategory: tin-tuc\npublished: 2025-01-10\n---\n")},
	}
	site, problems := content.Load(context.Background(), fsys, nil)
	for _, n := range site.Notices {
		fmt.Println(n.Path, n.Category, n.Published.Format("02/01/2006"))
	}
	for _, p := range problems {
		fmt.Println(p.Path, p.Line)
	}
	// Output:
	// so-tai-chinh/du-toan ngan-sach 10/01/2025
	// so-tai-chinh/sai.md 3
}
