package server

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/congkhai/congkhai/publish"
)

const histNotice = `---
title: Thông báo kết quả kiểm đếm đợt 4
category: boi-thuong
published: 2026-01-05
number: 41/TB-UBND
summary: Kết quả kiểm đếm đất đai, tài sản đợt 4.
---
Kết quả kiểm đếm của 12 hộ gia đình tại thôn Quan Nam, diện tích 3.450 m².
`

const histDataset = `---
title: Giá đất cụ thể thôn Quan Nam
category: gia-dat
published: 2026-01-05
---
Bảng giá đất cụ thể.
`

// TestHistoryPages: a notice published, corrected and withdrawn, and a
// dataset corrected, as the public sees them: the notice's mark, the
// history, the word and cell diffs, the dataset as in force on a date with
// its downloads, the feed, and the 410 page.
func TestHistoryPages(t *testing.T) {
	e := newPubEnv(t, "", nil, nil)
	c := e.client(t)
	const n = "ubnd-xa-cam-quan/thong-bao-kiem-dem-dot-4"
	e.publishFiles(t, n, publish.ActionPublish, "", 0, map[string][]byte{n + ".md": []byte(histNotice)})
	e.pubAt.Set(time.Date(2026, 2, 10, 9, 0, 0, 0, time.UTC))
	corrected := strings.Replace(histNotice, "3.450 m²", "3.540 m²", 1)
	e.publishFiles(t, n, publish.ActionCorrect, "Đính chính số liệu dòng 3", 1, map[string][]byte{n + ".md": []byte(corrected)})

	const d = "ubnd-xa-cam-quan/gia-dat-quan-nam"
	csv1 := "STT,Tên đường,Giá\n1,Đường ĐT.550,1200000\n2,Đường thôn Quan Nam,650000\n3,Đường liên xã,500000\n"
	csv2 := strings.Replace(csv1, "650000", "700000", 1) + "4,Đường mới,450000\n"
	e.pubAt.Set(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	e.publishFiles(t, d, publish.ActionPublish, "", 0, map[string][]byte{d + "/index.md": []byte(histDataset), d + "/Bảng giá.csv": []byte(csv1)})
	e.pubAt.Set(time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC))
	e.publishFiles(t, d, publish.ActionCorrect, "Cập nhật giá đường thôn", 1, map[string][]byte{d + "/index.md": []byte(histDataset), d + "/Bảng giá.csv": []byte(csv2)})

	tests := []struct {
		name, url string
		status    int
		want, not []string
	}{
		{"notice marked", "/" + n, 200, []string{"Đã đính chính ngày 10/02/2026", "Đính chính số liệu dòng 3", `href="/` + n + `/lich-su"`, "Đã sửa đổi 1 lần", "3.540 m²"}, nil},
		{"history", "/" + n + "/lich-su", 200, []string{"Phiên bản 2 · Đính chính", "Phiên bản 1 · Công bố", "Đính chính số liệu dòng 3", "UBND xã Cẩm Quan", "Cán bộ của cơ quan"}, nil},
		{"diff", "/" + n + "/lich-su/so-sanh?tu=1&den=2", 200, []string{`<del class="diff-del">3.450</del>`, `<ins class="diff-ins">3.540</ins>`}, nil},
		{"diff default is the last change", "/" + n + "/lich-su/so-sanh", 200, []string{`<ins class="diff-ins">3.540</ins>`}, nil},
		{"diff of a version that is not", "/" + n + "/lich-su/so-sanh?tu=1&den=9", 400, nil, nil},
		{"version file", "/" + n + "/lich-su/1/thong-bao-kiem-dem-dot-4.md", 200, []string{"3.450 m²"}, nil},
		{"no history of an unknown item", "/ubnd-xa-cam-quan/khong-co/lich-su", 404, nil, nil},
		{"dataset cell diff", "/" + d + "/lich-su/so-sanh?tu=1&den=2", 200, []string{"1 dòng thêm, 0 dòng bỏ, 1 dòng sửa", "Đường thôn Quan Nam", `<del class="diff-del">650000</del>`, `<ins class="diff-ins">700000</ins>`, "Đường mới"}, nil},
		{"dataset as in force", "/" + d + "?ngay=2026-04-30", 200, []string{"phiên bản 1", "650.000", `.csv?ngay=2026-04-30"`, "/lich-su/1/gia-dat-quan-nam/B%E1%BA%A3ng%20gi%C3%A1.csv"}, []string{"700.000", "Đường mới"}},
		{"dataset now", "/" + d, 200, []string{"700.000", "Đường mới", "Đã đính chính ngày 01/06/2026"}, nil},
		{"download as in force", "/tai-ve/" + d + "/bang-gia.csv?ngay=30/04/2026", 200, []string{"650000"}, []string{"700000"}},
		{"download now", "/tai-ve/" + d + "/bang-gia.csv", 200, []string{"700000"}, nil},
		{"before the dataset", "/" + d + "?ngay=2026-01-01", 404, nil, nil},
		{"bad date", "/" + d + "?ngay=hom-qua", 400, nil, nil},
		{"feed entry updated", "/ubnd-xa-cam-quan/feed.atom", 200, []string{"Đã sửa đổi 1 lần", "tag:congkhai.example.vn,2026:" + n + "</id>"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := c.get(tt.url)
			if rec.Code != tt.status {
				t.Fatalf("GET %s = %d, want %d\n%.1500s", tt.url, rec.Code, tt.status, rec.Body.String())
			}
			mustContain(t, tt.url, rec.Body.String(), tt.want...)
			mustNotContain(t, tt.url, rec.Body.String(), tt.not...)
		})
	}

	e.pubAt.Set(time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC))
	e.publishFiles(t, n, publish.ActionWithdraw, "Văn bản ban hành sai thẩm quyền", 2, nil)
	gone := []struct {
		name, url, accept string
		status            int
		want, not         []string
	}{
		{"page 410", "/" + n, "", http.StatusGone, []string{"Nội dung đã được rút khỏi cổng", "01/07/2026", "Văn bản ban hành sai thẩm quyền", "Thông báo kết quả kiểm đếm đợt 4"}, nil},
		{"page 410 as JSON", "/" + n, "application/json", http.StatusGone, []string{`"reason":"Văn bản ban hành sai thẩm quyền"`, `"withdrawn":"2026-07-01T16:00:00+07:00"`}, nil},
		{"history stays, without contents", "/" + n + "/lich-su", "", 200, []string{"Rút khỏi cổng", "Văn bản ban hành sai thẩm quyền", "đã được rút khỏi cổng"}, []string{"/lich-su/1/"}},
		{"no diff once withdrawn", "/" + n + "/lich-su/so-sanh", "", http.StatusGone, nil, nil},
		{"no files once withdrawn", "/" + n + "/lich-su/1/thong-bao-kiem-dem-dot-4.md", "", 404, nil, nil},
		{"feed entry", "/feed.atom", "", 200, []string{"Đã rút: Thông báo kết quả kiểm đếm đợt 4", "Văn bản ban hành sai thẩm quyền"}, nil},
	}
	for _, tt := range gone {
		t.Run(tt.name, func(t *testing.T) {
			c.header["Accept"] = tt.accept
			defer delete(c.header, "Accept")
			rec := c.get(tt.url)
			if rec.Code != tt.status {
				t.Fatalf("GET %s = %d, want %d\n%.1500s", tt.url, rec.Code, tt.status, rec.Body.String())
			}
			mustContain(t, tt.url, rec.Body.String(), tt.want...)
			mustNotContain(t, tt.url, rec.Body.String(), tt.not...)
		})
	}
}

// TestHistoryOfExports: a dataset of one-stop exports keeps its versions on
// the record (replicas follow them), but its history offers no file and its
// diffs no row: the exports are private records.
func TestHistoryOfExports(t *testing.T) {
	e := newPubEnv(t, "", nil, nil)
	c := e.client(t)
	const d = "ubnd-huyen-cam-xuyen/ho-so-thu-tuc-hanh-chinh"
	export := "/" + d + "/lich-su/1/ho-so-thu-tuc-hanh-chinh/Xuat%20du%20lieu%20Mot%20cua%2012-2025%20den%2011-2026.xlsx"
	tests := []struct {
		name, url string
		status    int
		want, not []string
	}{
		{"history", "/" + d + "/lich-su", 200, []string{"Phiên bản 1"}, []string{"/lich-su/1/", ".xlsx"}},
		{"the export of a version", export, 404, nil, nil},
		{"its index.md", "/" + d + "/lich-su/1/ho-so-thu-tuc-hanh-chinh/index.md", 200, []string{"kind:"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := c.get(tt.url)
			if rec.Code != tt.status {
				t.Fatalf("GET %s = %d, want %d\n%.1500s", tt.url, rec.Code, tt.status, rec.Body.String())
			}
			mustContain(t, tt.url, rec.Body.String(), tt.want...)
			mustNotContain(t, tt.url, rec.Body.String(), tt.not...)
		})
	}
}
