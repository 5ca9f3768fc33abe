package content

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

var testTime = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

// mapFS builds a MapFS from path → content pairs, all with the same modtime.
func mapFS(files map[string]string) fstest.MapFS {
	m := fstest.MapFS{}
	for p, c := range files {
		m[p] = &fstest.MapFile{Data: []byte(c), ModTime: testTime}
	}
	return m
}

const siteYAML = "title: Cổng thông tin công khai tỉnh Bắc Giang\nlanguages: [vi, en]\nbase_url: https://congkhai.example.vn/\n"

const agencyMD = `---
name: Sở Tài chính tỉnh Bắc Giang
short_name: Sở Tài chính
kind: department
order: 2
staff:
  - tiepnhan.stc@example.vn
---
Sở Tài chính là cơ quan chuyên môn.
`

const noticeMD = `---
title: Công khai dự toán ngân sách tỉnh năm 2025
category: ngan-sach
published: 2025-01-10
updated: 15/01/2025
number: 125/QĐ-UBND
tags: [dự toán, ngân sách 2025, dự toán]
attachments:
  - title: Quyết định
    file: files/125-qd.pdf
  - url: https://example.gov.vn/bieu-mau.xlsx
related:
  - so-tai-chinh/bang-gia
---
Dự toán thu, chi ngân sách địa phương năm 2025.

## Đất đai & Quy hoạch

Nội dung.
`

const datasetMD = `---
title: Bảng giá đất 2025
category: Bảng giá đất
published: 2025-01-01
updated: 2025-02-01
columns:
  - name: gia
    title: Giá
    type: money
    unit: nghìn đồng/m²
---
Bảng giá đất.
`

const csvData = "stt,ten,gia,ngay\n1,Đường A,1.200.000,2025-01-15\n2,Đường B,950.000,16/01/2025\n3,Đường C,2.500.000,2025-01-17\n"

func baseSite() map[string]string {
	return map[string]string{
		"site.yaml":                       siteYAML,
		"so-tai-chinh/_agency.md":         agencyMD,
		"so-tai-chinh/du-toan-2025.md":    noticeMD,
		"so-tai-chinh/files/125-qd.pdf":   "%PDF-1.4 fake",
		"so-tai-chinh/bang-gia/index.md":  datasetMD,
		"so-tai-chinh/bang-gia/gia.csv":   csvData,
		"ubnd-tinh/_agency.md":            "---\nname: Ủy ban nhân dân tỉnh\nkind: province\norder: 1\n---\n",
		"ubnd-tinh/thong-bao-lich-hop.md": "---\ntitle: Thông báo lịch họp\ncategory: Thong bao\npublished: 2025-02-01 08:30\n---\nHọp.\n",
		".git/config":                     "x",
		"so-tai-chinh/.du-toan.md.swp":    "x",
		"so-tai-chinh/ghi-chu.md~":        "x",
		"README.md":                       "# repo",
	}
}

func mustLoad(t *testing.T, fsys fstest.MapFS, prev *Site) (*Site, []Problem) {
	t.Helper()
	s, ps := Load(context.Background(), fsys, prev)
	if s == nil {
		t.Fatal("Load returned a nil site")
	}
	return s, ps
}

func problemsString(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// problemsIn is ps in lang, one problem a line.
func problemsIn(ps []Problem, lang string) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.In(lang))
		b.WriteByte('\n')
	}
	return b.String()
}

// hasProblem reports whether ps has a problem at path and line (line < 0: any)
// whose message contains sub.
func hasProblem(ps []Problem, path string, line int, sub string) bool {
	for _, p := range ps {
		if p.Path == path && (line < 0 || p.Line == line) && strings.Contains(p.Msg.String(), sub) {
			return true
		}
	}
	return false
}
