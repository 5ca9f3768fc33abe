package lawcorpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sample = `QUỐC HỘI -------
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc ---------------
Luật số: 68/2020/QH14
Hà Nội, ngày 13 tháng 11 năm 2020
LUẬT
CƯ TRÚ
Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Chương I
NHỮNG QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Luật này quy định về việc thực hiện quyền tự do cư trú.
Chương II
ĐĂNG KÝ THƯỜNG TRÚ
Điều 20. Điều kiện đăng ký thường trú
1. Công dân có chỗ ở hợp pháp thì được đăng ký thường trú.
2. Sửa đổi như sau:
Điều 1. Phạm vi điều chỉnh (quoted by another article)
`

// TestParse: the law's number, date, title and slug from its header; one
// article per "Điều N." with its chapter; an article quoted inside
// another stays in its body.
func TestParse(t *testing.T) {
	l, err := parse("Luat-68-2020-QH14-cu-tru.txt", sample)
	if err != nil {
		t.Fatal(err)
	}
	if l.Number != "68/2020/QH14" || l.Date != "2020-11-13" || l.Title != "Luật Cư trú" || l.Slug != "luat-cu-tru-2020" {
		t.Errorf("header: %+v", l)
	}
	if len(l.Articles) != 2 {
		t.Fatalf("%d articles, want 2: %+v", len(l.Articles), l.Articles)
	}
	a := &l.Articles[1]
	if a.N != 20 || a.Heading != "Điều kiện đăng ký thường trú" || a.Chapter != "Chương II. Đăng ký thường trú" || len(a.Body) != 3 {
		t.Errorf("article: %+v", a)
	}
	if got := l.NoticeTitle(a); got != "Luật Cư trú 2020 – Điều 20. Điều kiện đăng ký thường trú" {
		t.Errorf("title %q", got)
	}
	if got := l.ID(a); got != "n:quoc-hoi/luat-cu-tru-2020-dieu-20" {
		t.Errorf("ID %q", got)
	}
	md := l.Markdown(a)
	for _, want := range []string{`number: "68/2020/QH14"`, "published: 2020-11-13", "1. Công dân có chỗ ở hợp pháp"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

// TestLoad reads every law of Files when the law texts are here.
func TestLoad(t *testing.T) {
	data := Find("../../../shared/data", "/work/shared/data")
	if data == "" {
		t.Skip("the law texts (../shared/data/vlc) are not here")
	}
	laws, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	n, err := Write(dir, laws)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, Agency, "*.md"))
	if len(laws) != len(Files) || n < 4000 || len(files) != n+1 {
		t.Errorf("%d laws, %d notices, %d files", len(laws), n, len(files))
	}
	if _, err := os.Stat(filepath.Join(dir, "site.yaml")); err != nil {
		t.Error(err)
	}
}
