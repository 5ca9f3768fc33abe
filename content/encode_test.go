package content

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/congkhai/congkhai/calendar"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/encode")

func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, calendar.Location)
}

// awkward are values YAML would misread unquoted, and Vietnamese text.
var awkward = []string{
	"Thông báo: lịch họp",
	"12/KH-UBND #3",
	"[Dự thảo] lần 2",
	"@UBND tỉnh",
	"`mã`",
	"'trích dẫn'",
	`"Nghị quyết" số 5`,
	"- gạch đầu dòng",
	"? câu hỏi",
	"%tỉ lệ",
	"!quan trọng",
	"*ghi chú",
	"&amp; và",
	"| ống",
	"> lớn hơn",
	"{ngoặc}",
	"a, b, c",
	"yes", "no", "null", "~", "true", "125", "1e3", "0x1F", ".inf", "2025-01-10",
	"Đường Hà Huy Tập – đoạn từ nhà ông Nguyễn Văn Á (thửa 12, tờ bản đồ số 3) đến hết ranh giới xã Cẩm Quan; dài hơn tám mươi ký tự",
	"Tab\tở giữa",
	"Ký tự \x0b điều khiển",
	"-",
	"a #b: c [d] {e} 'f' \"g\"",
	"Ủy ban nhân dân tỉnh Hà Tĩnh — Đ/c Trần Thị Ơn",
}

func TestEncodeNoticeRoundTrip(t *testing.T) {
	site, _ := mustLoad(t, mapFS(baseSite()), nil)
	for i, v := range awkward {
		t.Run(v, func(t *testing.T) {
			d := NoticeDraft{
				Title:       v,
				Category:    CatNotice,
				Published:   day(2025, 1, 10),
				Updated:     time.Date(2025, 1, 20, 8, 30, 0, 0, calendar.Location),
				Number:      v,
				Signer:      v,
				SignerTitle: v,
				Effective:   day(2025, 2, 1),
				Expires:     time.Date(2025, 12, 31, 17, 0, 5, 0, calendar.Location),
				Summary:     v,
				Places:      []Place{{Province: "Tỉnh Hà Tĩnh", District: v, Commune: "Xã Cẩm Quan"}},
				Tags:        []string{v, "ngân sách 2025"},
				Attachments: []AttachmentDraft{
					{Title: v, File: "files/125-qd.pdf"},
					{Title: "Biểu mẫu", URL: "https://example.gov.vn/bieu-mau.xlsx?a=1&b=" + string(rune('a'+i%26))},
				},
				Related: []string{"so-tai-chinh/bang-gia"},
				Body:    "Nội dung: " + v + "\n\n---\n\n## Mục 2\n\n- " + v + "\n",
			}
			if strings.ContainsAny(v, "\t\x0b") {
				// The loader collapses the spaces of a summary and tags.
				d.Summary, d.Tags[0] = "", "ngân sách"
			}
			b, err := EncodeNotice(d)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := EncodeNotice(d)
			if !bytes.Equal(b, again) {
				t.Fatalf("EncodeNotice is not deterministic")
			}
			got, ps := DecodeNotice(b)
			if len(ps) > 0 {
				t.Fatalf("DecodeNotice: %v\n%s", ps, b)
			}
			want := d
			want.Body = strings.TrimSpace(d.Body)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("DecodeNotice(EncodeNotice(d)) =\n%+v\nwant\n%+v\nfile:\n%s", got, want, b)
			}
			files := map[string][]byte{"so-tai-chinh/moi.md": b, "so-tai-chinh/files/125-qd.pdf": []byte("%PDF-1.4")}
			it, ps := ParseItem("so-tai-chinh/moi", files, site)
			if it == nil || len(ps) > 0 {
				t.Fatalf("ParseItem: %v\n%s", problemsString(ps), b)
			}
			n := it.Notice
			for _, c := range []struct {
				field     string
				got, want any
			}{
				{"title", n.Title, v},
				{"number", n.Number, v},
				{"signer", n.Signer, v},
				{"published", n.Published, d.Published},
				{"updated", n.Updated, d.Updated},
				{"effective", n.Effective, d.Effective},
				{"expires", n.Expires, d.Expires},
				{"places", n.Places, d.Places},
				{"tags", n.Tags, d.Tags},
				{"attachment", n.Attachments[0].Path, "so-tai-chinh/files/125-qd.pdf"},
				{"attachment title", n.Attachments[0].Title, v},
				{"url", n.Attachments[1].URL, d.Attachments[1].URL},
				{"related", n.Related, d.Related},
			} {
				if !reflect.DeepEqual(c.got, c.want) {
					t.Errorf("%s = %#v, want %#v", c.field, c.got, c.want)
				}
			}
			if d.Summary != "" && n.Summary != strings.Join(strings.Fields(d.Summary), " ") {
				t.Errorf("summary = %q, want %q", n.Summary, d.Summary)
			}
			body, err := n.Body()
			if err != nil || !strings.Contains(body.Text, "Mục 2") || body.Partial {
				t.Errorf("Body() = %+v, %v", body, err)
			}
		})
	}
}

func TestEncodeNoticeNFCAndDraft(t *testing.T) {
	site, _ := mustLoad(t, mapFS(baseSite()), nil)
	nfd := "Thông báo đất đai" // decomposed below
	d := NoticeDraft{
		Title:     decompose(nfd),
		Category:  CatDraft,
		Published: day(2025, 3, 1),
		Comment:   &CommentWindow{Opens: day(2025, 3, 1), Closes: endOfDay(day(2025, 3, 31))},
		Body:      "Dự thảo.",
	}
	b, err := EncodeNotice(d)
	if err != nil {
		t.Fatal(err)
	}
	it, ps := ParseItem("so-tai-chinh/du-thao-1", map[string][]byte{"so-tai-chinh/du-thao-1.md": b}, site)
	if it == nil || len(ps) > 0 {
		t.Fatalf("ParseItem: %v\n%s", ps, b)
	}
	if it.Notice.Title != nfd {
		t.Errorf("title %q, want the NFC %q", it.Notice.Title, nfd)
	}
	if w := it.Notice.Comment; w == nil || !w.Opens.Equal(d.Comment.Opens) || !w.Closes.Equal(d.Comment.Closes) {
		t.Errorf("comment %+v, want %+v", w, d.Comment)
	}
	if !strings.Contains(string(b), "closes: 2025-03-31\n") {
		t.Errorf("the close of the window is not written as its day:\n%s", b)
	}
	if _, err := EncodeNotice(NoticeDraft{Title: "a\xffb"}); err == nil {
		t.Error("EncodeNotice accepted text that is not UTF-8")
	}
}

func decompose(s string) string {
	r := strings.NewReplacer("ô", "o\u0302", "đ", "đ", "ấ", "a\u0302\u0301", "á", "a\u0301")
	return r.Replace(s)
}

func TestEncodeDatasetRoundTrip(t *testing.T) {
	site, _ := mustLoad(t, mapFS(baseSite()), nil)
	one, zero := 1, 0
	for _, v := range awkward[:12] {
		t.Run(v, func(t *testing.T) {
			d := DatasetDraft{
				Title:     v,
				Category:  CatLandPrice,
				Published: day(2025, 1, 1),
				Updated:   day(2025, 6, 1),
				Summary:   v,
				License:   "CC BY 4.0",
				Source:    v,
				Frequency: "hằng năm",
				Places:    []Place{{Province: "Tỉnh Hà Tĩnh"}},
				Tags:      []string{"giá đất", v},
				Columns: []Column{
					{Name: "gia", Title: v, Type: TypeMoney, Unit: "nghìn đồng/m²", Description: v},
					{Name: "ten", Title: "Tên đường"},
				},
				Tables: []TableDecl{{File: "gia.csv", Name: "gia-dat", Title: v, HeaderRows: &one, SkipRows: &zero, Unit: "đồng", Numbers: "vi",
					Chart: &ChartDecl{Label: "ten", Columns: []string{"gia"}, Rows: "all"}}},
				Body: "Mô tả: " + v,
			}
			b, err := EncodeDataset(d)
			if err != nil {
				t.Fatal(err)
			}
			got, ps := DecodeDataset(b)
			if len(ps) > 0 {
				t.Fatalf("DecodeDataset: %v\n%s", ps, b)
			}
			if !reflect.DeepEqual(got, d) {
				t.Errorf("DecodeDataset(EncodeDataset(d)) =\n%+v\nwant\n%+v\nfile:\n%s", got, d, b)
			}
			csv := "stt,ten,gia\n1,Đường A,1.200.000\n2,Đường B,950.000\n"
			files := map[string][]byte{"so-tai-chinh/gia-moi/index.md": b, "so-tai-chinh/gia-moi/gia.csv": []byte(csv)}
			it, ps := ParseItem("so-tai-chinh/gia-moi", files, site)
			if it == nil {
				t.Fatalf("ParseItem: %v\n%s", problemsString(ps), b)
			}
			for _, p := range ps {
				if !p.Guess {
					t.Errorf("problem: %s", p)
				}
			}
			ds := it.Dataset
			if ds.Title != v || ds.Source != v || len(ds.Tables) != 1 || ds.Tables[0].Name != "gia-dat" || ds.Columns[0].Title != v {
				t.Errorf("dataset %+v", ds)
			}
		})
	}
}

// TestEncodeGolden keeps one complete notice and one dataset as files.
func TestEncodeGolden(t *testing.T) {
	one := 1
	n, err := EncodeNotice(NoticeDraft{
		Title: "Công khai dự toán ngân sách tỉnh năm 2025", Category: CatBudget, Published: day(2025, 1, 10),
		Updated: day(2025, 1, 20), Number: "125/QĐ-UBND", Signer: "Nguyễn Văn An", SignerTitle: "Phó Chủ tịch UBND tỉnh",
		Effective: day(2025, 1, 10), Expires: day(2025, 12, 31), Summary: "Dự toán thu, chi ngân sách: năm 2025.",
		Places: []Place{{Province: "Tỉnh Bắc Giang", District: "Huyện Lạng Giang", Commune: "Xã Tân Thịnh"}},
		Tags:   []string{"dự toán", "ngân sách 2025"},
		Attachments: []AttachmentDraft{{Title: "Quyết định số 125/QĐ-UBND (bản scan)", File: "files/125-qd-ubnd.pdf"},
			{Title: "Biểu mẫu kèm theo", URL: "https://example.gov.vn/bieu-mau.xlsx"}},
		Related: []string{"so-tai-chinh/du-toan-ngan-sach-2025"},
		Body:    "Markdown body…\n\n## Phần 2\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	d, err := EncodeDataset(DatasetDraft{
		Title: "Bảng giá đất huyện Lạng Giang giai đoạn 2025–2029", Category: CatLandPrice, Published: day(2025, 1, 1),
		Updated: day(2025, 6, 1), License: "CC BY 4.0", Source: "Sở Tài nguyên và Môi trường", Frequency: "hằng năm",
		Places: []Place{{Province: "Tỉnh Bắc Giang", District: "Huyện Lạng Giang"}}, Tags: []string{"giá đất", "bảng giá"},
		Columns: []Column{{Name: "vt1", Title: "Vị trí 1", Type: TypeMoney, Unit: "nghìn đồng/m²", Description: "Giá đất ở vị trí 1 (mặt tiền)"}},
		Tables:  []TableDecl{{File: "Bảng giá 2025.xlsx", Sheets: []string{"Lạng Giang", "Tân Thịnh"}, HeaderRows: &one}, {File: "cu.csv", Exclude: true}, {File: "gia.csv", Chart: &ChartDecl{Off: true}}},
		Body:    "Description in markdown…",
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]byte{"notice.md": n, "dataset.md": d} {
		golden := filepath.Join("testdata", "encode", name)
		if *update {
			if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -run TestEncodeGolden -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\n%s\nwant:\n%s", name, got, want)
		}
	}
	// The golden notice is the one of docs/content.md: it loads cleanly.
	files := baseSite()
	files["so-tai-chinh/golden.md"] = string(n)
	files["so-tai-chinh/files/125-qd-ubnd.pdf"] = "%PDF"
	files["so-tai-chinh/du-toan-ngan-sach-2025.md"] = noticeMD
	_, ps := Load(context.Background(), mapFS(files), nil)
	for _, p := range ps {
		if p.Path == "so-tai-chinh/golden.md" {
			t.Errorf("golden notice: %s", p)
		}
	}
}
