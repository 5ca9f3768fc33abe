package server

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/feedback"
)

// Hand-written items with the fields of the disclosure obligations, a
// dataset's span and a records dataset's kind, fields and drop (written by a
// webmaster in the content folder, not through the console).
var handWritten = map[string]string{
	// A notice: a period as written, an approval date, a publication time, a
	// link without a title before a file.
	"ubnd-xa-cam-quan/bao-cao-thuc-hien-du-toan-quy-i-2026.md": `---
title: Báo cáo tình hình thực hiện dự toán ngân sách xã quý I/2026
category: ngan-sach
published: 2026-04-10 08:30
number: 15/BC-UBND
places:
  - province: Tỉnh Hà Tĩnh
    district: Huyện Cẩm Xuyên
    commune: Xã Cẩm Quan
attachments:
  - url: https://stc.hatinh.gov.vn/bao-cao/quy-1-2026.pdf
  - title: Biểu số liệu quý I
    file: files/bao-cao-quy-i-2026.pdf
document_type: thuc-hien-ngan-sach
period: quý I/2026
approved: 2026-04-05
---
Tổng thu ngân sách xã quý I/2026 đạt 2.310 triệu đồng.
`,
	"ubnd-xa-cam-quan/files/bao-cao-quy-i-2026.pdf": string(pdf),
	// A draft for comment: a window with times, a document type of an event.
	"ubnd-xa-cam-quan/du-thao-phuong-an-boi-thuong-dot-4.md": `---
title: Dự thảo phương án bồi thường, hỗ trợ, tái định cư đợt 4
category: du-thao
published: 2026-11-01
comment:
  opens: 2026-11-01 07:30
  closes: 2026-11-30 17:00
document_type: du-thao-phuong-an-boi-thuong
approved: 2026-10-28
---
Niêm yết dự thảo phương án tại trụ sở UBND xã.
`,
	// A dataset whose period is its span (five years).
	"ubnd-xa-cam-quan/bang-gia-dat-2025-2029/index.md": `---
title: Bảng giá đất xã Cẩm Quan giai đoạn 2025–2029
category: gia-dat
published: 2025-01-02
period:
  start: 2025-01-01
  end: 2029-12-31
document_type: bang-gia-dat
approved: 2024-12-20
---
Bảng giá đất áp dụng từ ngày 01/01/2025.
`,
	"ubnd-xa-cam-quan/bang-gia-dat-2025-2029/bang-gia.csv": "STT,Tuyến đường,Giá (đồng/m²)\n1,Quốc lộ 1A,4500000\n2,Đường liên xã,1200000\n",
	// A dataset whose period is written as a period.
	"ubnd-xa-cam-quan/thu-chi-ngan-sach-2026/index.md": `---
title: Số liệu thu, chi ngân sách xã năm 2026
category: ngan-sach
published: 2026-01-12
period: 2026
document_type: du-toan-ngan-sach
approved: 2025-12-26
---
Dự toán thu, chi ngân sách xã năm 2026.
`,
	"ubnd-xa-cam-quan/thu-chi-ngan-sach-2026/du-toan.csv": "Nội dung,Dự toán (triệu đồng)\nTổng thu,9865\nTổng chi,9865\n",
	// The one-stop exports: a restricted records dataset with its fields and
	// a column left out.
	"ubnd-xa-cam-quan/ho-so-thu-tuc-hanh-chinh/index.md": `---
title: Kết quả giải quyết hồ sơ thủ tục hành chính của UBND xã Cẩm Quan
category: thu-tuc
published: 2026-01-05
updated: 2026-11-25
source: Phần mềm Một cửa điện tử tỉnh Hà Tĩnh
frequency: hằng tháng
kind: ho-so-tthc
fields:
  code: Mã hồ sơ
  received: Ngày tiếp nhận
  digitized: Hồ sơ đã số hóa
drop:
  - Số văn bản xin lỗi
places:
  - province: Tỉnh Hà Tĩnh
    district: Huyện Cẩm Xuyên
    commune: Xã Cẩm Quan
tags: [thủ tục hành chính, một cửa]
---
Hồ sơ thủ tục hành chính do UBND xã Cẩm Quan tiếp nhận, xuất từ phần mềm Một cửa điện tử.
`,
	// Satisfaction results, their kind written by one of its other names.
	"ubnd-xa-cam-quan/danh-gia-muc-do-hai-long/index.md": `---
title: Kết quả đánh giá mức độ hài lòng tại Bộ phận Một cửa xã Cẩm Quan
category: thu-tuc
published: 2026-01-05
updated: 2026-11-25
kind: satisfaction
fields:
  month: Tháng
  total: Tổng số lượt đánh giá
---
Số lượt đánh giá theo từng mức, tổng hợp theo tháng.
`,
}

// writeHandWritten writes handWritten into a content folder.
func writeHandWritten(dir string) {
	for name, data := range handWritten {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			panic(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			panic(err)
		}
	}
}

var (
	formRe     = regexp.MustCompile(`(?s)<form method="post" action="/staff/xuat-ban/luu".*?</form>`)
	inputRe    = regexp.MustCompile(`<input ([^>]*)>`)
	attrRe     = regexp.MustCompile(`([a-z-]+)(?:="([^"]*)")?`)
	selectRe   = regexp.MustCompile(`(?s)<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>`)
	selectedRe = regexp.MustCompile(`<option value="([^"]*)" selected>`)
	textareaRe = regexp.MustCompile(`(?s)<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>`)
)

// formOf returns what a browser sends of the console's item form in page:
// its inputs (checkboxes when checked, no file inputs), the selected option
// of each select and the text of each textarea.
func formOf(t *testing.T, page string) url.Values {
	t.Helper()
	f := formRe.FindString(page)
	if f == "" {
		t.Fatalf("no item form in the page\n%.2000s", page)
	}
	v := url.Values{}
	for _, m := range inputRe.FindAllStringSubmatch(f, -1) {
		a := map[string]string{}
		for _, am := range attrRe.FindAllStringSubmatch(m[1], -1) {
			a[am[1]] = html.UnescapeString(am[2])
		}
		_, checked := a["checked"]
		if a["name"] == "" || a["type"] == "file" || a["type"] == "checkbox" && !checked {
			continue
		}
		v.Add(a["name"], a["value"])
	}
	for _, m := range selectRe.FindAllStringSubmatch(f, -1) {
		val := ""
		if s := selectedRe.FindStringSubmatch(m[2]); s != nil {
			val = html.UnescapeString(s[1])
		}
		v.Set(m[1], val)
	}
	for _, m := range textareaRe.FindAllStringSubmatch(f, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	v.Del("csrf")
	return v
}

// TestConsoleKeepsHandWrittenFields: a notice and datasets written by hand
// with the disclosure fields (document type, period, approval date), a
// dataset's span, a comment window and attachments, and a records dataset's
// kind, fields and drop, corrected through the console — the correction
// saved as a draft, the draft opened again and submitted, then approved —
// keep every field: the published file decodes to what the hand-written one
// did (but its update date), and the content folder loads without problems.
func TestConsoleKeepsHandWrittenFields(t *testing.T) {
	e := newPubEnv(t, "", writeHandWritten, nil)
	e.addStaff(t, "vanthu@camquan.vn", "ubnd-xa-cam-quan", feedback.RoleStaff)
	e.addStaff(t, "chutich@camquan.vn", "ubnd-xa-cam-quan", feedback.RoleAgencyAdmin)
	clerk, boss := e.client(t), e.client(t)
	clerk.login("vanthu@camquan.vn", "mat-khau-dai-du")
	boss.login("chutich@camquan.vn", "mat-khau-dai-du")

	tests := []struct {
		path    string
		dataset bool
		form    []string // what the correction form shows
		edit    func(v url.Values)
	}{
		{path: "ubnd-xa-cam-quan/bao-cao-thuc-hien-du-toan-quy-i-2026",
			form: []string{`<option value="thuc-hien-ngan-sach" selected>`, `value="quý I/2026"`, `name="approved" type="date" value="2026-04-05"`, "Loại văn bản công khai", "Kỳ công khai", "Ngày phê duyệt"},
			edit: func(v url.Values) { v.Set("number", "15/BC-UBND") }},
		{path: "ubnd-xa-cam-quan/du-thao-phuong-an-boi-thuong-dot-4",
			form: []string{`<option value="du-thao-phuong-an-boi-thuong" selected>`, `name="closes" type="date" value="2026-11-30"`}},
		{path: "ubnd-xa-cam-quan/bang-gia-dat-2025-2029", dataset: true,
			form: []string{`<option value="bang-gia-dat" selected>`, `name="period_start" type="date" value="2025-01-01"`, `name="period_end" type="date" value="2029-12-31"`, "Dữ liệu từ ngày", "Dữ liệu đến ngày"}},
		{path: "ubnd-xa-cam-quan/thu-chi-ngan-sach-2026", dataset: true,
			form: []string{`name="period" type="text" value="2026"`, `name="period_start" type="date" value=""`}},
		{path: "ubnd-xa-cam-quan/ho-so-thu-tuc-hanh-chinh", dataset: true,
			form: []string{"Loại bộ dữ liệu", "Hồ sơ thủ tục hành chính", "<code>ho-so-tthc</code>"}},
		{path: "ubnd-xa-cam-quan/danh-gia-muc-do-hai-long", dataset: true,
			form: []string{"Loại bộ dữ liệu", "Kết quả đánh giá mức độ hài lòng (<code>satisfaction</code>)"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			file := tt.path + ".md"
			if tt.dataset {
				file = tt.path + "/index.md"
			}
			before := decodeItem(t, tt.dataset, []byte(handWritten[file]))

			// The correction, saved as a draft.
			page := "/staff/xuat-ban/sua?path=" + tt.path
			rec := clerk.get(page)
			if rec.Code != http.StatusOK {
				t.Fatalf("correction form: %d\n%.2000s", rec.Code, rec.Body.String())
			}
			mustContain(t, "correction form", rec.Body.String(), tt.form...)
			v := formOf(t, rec.Body.String())
			if tt.edit != nil {
				tt.edit(v)
			}
			v.Set("reason", "Đính chính lỗi chính tả")
			v.Set("op", "luu")
			rec = clerk.multipart(page, "/staff/xuat-ban/luu", v)
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("save the correction: %d\n%.3000s", rec.Code, rec.Body.String())
			}
			draft := draftLoc.FindString(rec.Header().Get("Location"))

			// The draft opened again, and submitted.
			rec = clerk.get(draft + "/sua")
			if rec.Code != http.StatusOK {
				t.Fatalf("draft form: %d", rec.Code)
			}
			mustContain(t, "draft form", rec.Body.String(), tt.form...)
			v = formOf(t, rec.Body.String())
			v.Set("op", "gui")
			rec = clerk.multipart(draft+"/sua", "/staff/xuat-ban/luu", v)
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("submit the draft: %d\n%.3000s", rec.Code, rec.Body.String())
			}
			if rec := boss.post(draft, draft+"/dang", url.Values{}); rec.Code != http.StatusSeeOther {
				t.Fatalf("approve: %d\n%.3000s", rec.Code, rec.Body.String())
			}

			written, err := os.ReadFile(filepath.Join(e.dir, filepath.FromSlash(file)))
			if err != nil {
				t.Fatal(err)
			}
			after := decodeItem(t, tt.dataset, written)
			if !reflect.DeepEqual(after, before) {
				t.Errorf("the correction changed the file:\n%s\nbefore: %+v\nafter:  %+v", written, before, after)
			}
		})
	}
	_, ps := content.Load(context.Background(), os.DirFS(e.dir), nil)
	for _, p := range ps {
		if !p.Guess {
			t.Errorf("content check: %s", p)
		}
	}
}

// decodeItem decodes a notice or dataset file as the console reads it,
// without its update date (a correction sets it).
func decodeItem(t *testing.T, dataset bool, raw []byte) any {
	t.Helper()
	if dataset {
		d, ps := content.DecodeDataset(raw)
		if len(ps) > 0 {
			t.Fatalf("decode: %v\n%s", ps, raw)
		}
		d.Updated = time.Time{}
		return d
	}
	d, ps := content.DecodeNotice(raw)
	if len(ps) > 0 {
		t.Fatalf("decode: %v\n%s", ps, raw)
	}
	d.Updated = time.Time{}
	return d
}

// TestConsoleDisclosureErrors: disclosure fields that the loader would
// refuse come back with a message in Vietnamese and what was typed; new
// items written with them load with the fields given.
func TestConsoleDisclosureErrors(t *testing.T) {
	e := newPubEnv(t, "", writeHandWritten, nil)
	e.addStaff(t, "chutich@camquan.vn", "ubnd-xa-cam-quan", feedback.RoleAgencyAdmin)
	c := e.client(t)
	c.login("chutich@camquan.vn", "mat-khau-dai-du")

	notice := "ubnd-xa-cam-quan/bao-cao-thuc-hien-du-toan-quy-i-2026"
	span := "ubnd-xa-cam-quan/bang-gia-dat-2025-2029"
	period := "ubnd-xa-cam-quan/thu-chi-ngan-sach-2026"
	tests := []struct {
		name string
		path string
		set  map[string]string
		want []string // in the form sent back
	}{
		{"a period the loader refuses", notice, map[string]string{"period": "quy-1-2025"},
			[]string{"Kỳ công khai không hợp lệ", `value="quy-1-2025"`}},
		{"an approval date that is no date", notice, map[string]string{"approved": "31/02/2026"},
			[]string{"Ngày không hợp lệ", `value="31/02/2026"`}},
		{"a document type no rule has", notice, map[string]string{"document_type": "bao-cao-khac"},
			[]string{"Loại văn bản không có trong danh mục", `<option value="bao-cao-khac" selected>bao-cao-khac (không có trong danh mục)</option>`}},
		{"a span that ends before it starts", span, map[string]string{"period_start": "2029-12-31", "period_end": "2025-01-01"},
			[]string{"Ngày kết thúc không được trước ngày bắt đầu.", `value="2029-12-31"`, `value="2025-01-01"`}},
		{"a span typed dd/mm/yyyy that ends before it starts", span, map[string]string{"period_start": "31/12/2029", "period_end": "01/01/2025"},
			[]string{"Ngày kết thúc không được trước ngày bắt đầu.", `value="31/12/2029"`}},
		{"a period and a span that differ", period, map[string]string{"period_start": "2026-02-01", "period_end": "2026-12-31"},
			[]string{"Kỳ công khai 2026 là từ ngày 01/01/2026 đến ngày 31/12/2026", `value="2026-02-01"`}},
		{"a span without its end and a period", period, map[string]string{"period_end": "2026-12-31"},
			[]string{"Kỳ công khai 2026 là từ ngày 01/01/2026", `value="2026-12-31"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := "/staff/xuat-ban/sua?path=" + tt.path
			v := formOf(t, c.get(page).Body.String())
			for k, x := range tt.set {
				v.Set(k, x)
			}
			v.Set("reason", "Đính chính")
			v.Set("op", "dang")
			rec := c.multipart(page, "/staff/xuat-ban/luu", v)
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("%d, want 422\n%.2000s", rec.Code, rec.Body.String())
			}
			mustContain(t, "form sent back", rec.Body.String(), tt.want...)
		})
	}

	// New items with the fields: published as written.
	news := []struct {
		name    string
		form    url.Values
		file    string
		upload  upload
		dataset bool
		want    func(d any) bool
	}{
		{"a notice", url.Values{"kind": {"notice"}, "title": {"Báo cáo thực hiện dự toán 6 tháng 2026"}, "category": {"ngan-sach"}, "published": {"2026-07-10"},
			"document_type": {"thuc-hien-ngan-sach"}, "period": {"6 tháng 2026"}, "approved": {"05/07/2026"}, "body": {"Báo cáo."}},
			"ubnd-xa-cam-quan/bao-cao-thuc-hien-du-toan-6-thang-2026.md", upload{}, false,
			func(d any) bool {
				n := d.(content.NoticeDraft)
				return n.DocumentType == "thuc-hien-ngan-sach" && n.Period == "6 tháng 2026" && n.Approved.Equal(time.Date(2026, 7, 5, 0, 0, 0, 0, n.Published.Location()))
			}},
		{"a dataset with a span", url.Values{"kind": {"dataset"}, "title": {"Bảng giá đất bổ sung"}, "category": {"gia-dat"}, "published": {"2026-03-02"},
			"document_type": {"bang-gia-dat"}, "period_start": {"2026-03-01"}, "period_end": {"31/12/2029"}, "body": {"Bảng giá."}},
			"ubnd-xa-cam-quan/bang-gia-dat-bo-sung/index.md", upload{"upload", "Bảng giá.csv", []byte("STT,Tuyến,Giá\n1,A,100\n")}, true,
			func(d any) bool {
				s := d.(content.DatasetDraft)
				return s.DocumentType == "bang-gia-dat" && s.Period == "" && s.PeriodStart.Format("2006-01-02") == "2026-03-01" && s.PeriodEnd.Format("2006-01-02") == "2029-12-31"
			}},
		{"a dataset with a period and its span", url.Values{"kind": {"dataset"}, "title": {"Dự toán quý I năm 2027"}, "category": {"ngan-sach"}, "published": {"2027-01-05"},
			"period": {"quý I/2027"}, "period_start": {"2027-01-01"}, "period_end": {"2027-03-31"}, "body": {"Dự toán."}},
			"ubnd-xa-cam-quan/du-toan-quy-i-nam-2027/index.md", upload{"upload", "Dự toán.csv", []byte("Nội dung,Số tiền\nThu,100\n")}, true,
			func(d any) bool {
				s := d.(content.DatasetDraft)
				return s.Period == "quý I/2027" && s.PeriodStart.IsZero() && s.PeriodEnd.IsZero()
			}},
	}
	for _, tt := range news {
		t.Run("new "+tt.name, func(t *testing.T) {
			page := "/staff/xuat-ban/moi"
			tt.form.Set("op", "dang")
			var ups []upload
			if tt.upload.field != "" {
				ups = append(ups, tt.upload)
			}
			rec := c.multipart(page, "/staff/xuat-ban/luu", tt.form, ups...)
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("publish: %d\n%.3000s", rec.Code, rec.Body.String())
			}
			raw, err := os.ReadFile(filepath.Join(e.dir, filepath.FromSlash(tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			if d := decodeItem(t, tt.dataset, raw); !tt.want(d) {
				t.Errorf("written:\n%s", raw)
			}
		})
	}
	_, ps := content.Load(context.Background(), os.DirFS(e.dir), nil)
	for _, p := range ps {
		if !p.Guess {
			t.Errorf("content check: %s", p)
		}
	}
}

// TestTagsField: the console's tag field gives back the tags it shows, a
// tag with a comma included.
func TestTagsField(t *testing.T) {
	for _, tc := range []struct {
		field string
		tags  []string
	}{
		{"giải phóng mặt bằng, cao tốc", []string{"giải phóng mặt bằng", "cao tốc"}},
		{"a; b\nc, , a", []string{"a", "b", "c"}},
		{`"Nghị định 30, 31", ngân sách`, []string{"Nghị định 30, 31", "ngân sách"}},
		{` "Quyết định ""số 1""" ; x`, []string{`Quyết định "số 1"`, "x"}},
		{`Luật "Đất đai", 2024`, []string{`Luật "Đất đai"`, "2024"}},
		{`"unclosed, still one`, []string{"unclosed, still one"}},
		{"", nil},
	} {
		got := splitTags(tc.field)
		if !slices.Equal(got, tc.tags) {
			t.Errorf("splitTags(%q) = %q, want %q", tc.field, got, tc.tags)
		}
		// What the form shows for those tags reads back the same.
		if back := splitTags(joinTags(got)); !slices.Equal(back, got) {
			t.Errorf("joinTags(%q) = %q, read back as %q", got, joinTags(got), back)
		}
	}
}
