package content

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/congkhai/congkhai/calendar"
)

const dossierIndexMD = `---
title: Kết quả giải quyết hồ sơ thủ tục hành chính
category: thu-tuc
published: 2026-01-05
kind: ho-so-tthc
fields:
  code: Số BN
drop: [Người nộp]
---
Dữ liệu xuất từ phần mềm Một cửa điện tử.
`

const dossierCSV = "Số BN,Ngày tiếp nhận,Ngày hẹn trả,Người nộp\nA1,05/01/2026,15/01/2026,Nguyễn Văn An\n"

func TestDossierDatasetIsWithheld(t *testing.T) {
	files := baseSite()
	files["so-tai-chinh/ho-so/index.md"] = dossierIndexMD
	files["so-tai-chinh/ho-so/xuat-thang-1.csv"] = dossierCSV
	files["so-tai-chinh/ho-so/phieu-xin-loi.pdf"] = "%PDF-1.4 letter to Nguyễn Văn An"
	// A dataset whose index.md does not load keeps its files private too: it
	// may be a dossier dataset whose kind cannot be read.
	files["so-tai-chinh/ho-so-hong/index.md"] = "---\ntitle: [\n---\n"
	files["so-tai-chinh/ho-so-hong/xuat.csv"] = dossierCSV
	s, ps := mustLoad(t, mapFS(files), nil)
	d, ok := s.Dataset("so-tai-chinh/ho-so")
	if !ok {
		t.Fatalf("the dossier dataset is not published:\n%s", problemsString(ps))
	}
	if d.Kind != KindDossiers || !d.Restricted() || !d.Records() || len(d.Tables) != 0 {
		t.Errorf("dataset kind %q, restricted %v, %d tables", d.Kind, d.Restricted(), len(d.Tables))
	}
	if len(d.Exports) != 1 || d.Exports[0].Path != "so-tai-chinh/ho-so/xuat-thang-1.csv" {
		t.Errorf("Exports = %v", d.Exports)
	}
	if !reflect.DeepEqual(d.Fields, map[string]string{"code": "Số BN"}) || !reflect.DeepEqual(d.Drop, []string{"Người nộp"}) {
		t.Errorf("Fields = %v, Drop = %v", d.Fields, d.Drop)
	}
	for _, p := range []string{"so-tai-chinh/ho-so/xuat-thang-1.csv", "so-tai-chinh/ho-so/phieu-xin-loi.pdf", "so-tai-chinh/ho-so-hong/xuat.csv"} {
		if _, ok := s.Files[p]; ok {
			t.Errorf("%s is served", p)
		}
	}
	if _, ok := s.Files["so-tai-chinh/bang-gia/gia.csv"]; !ok {
		t.Error("an open dataset's file is not served")
	}
	// The item as the record reads it: no tables either.
	it, ips := ParseItem("so-tai-chinh/ho-so", map[string][]byte{
		"so-tai-chinh/ho-so/index.md": []byte(dossierIndexMD), "so-tai-chinh/ho-so/xuat-thang-1.csv": []byte(dossierCSV),
	}, s)
	if it == nil || it.Dataset == nil || len(it.Dataset.Tables) != 0 || len(it.Dataset.Exports) != 1 {
		t.Fatalf("ParseItem = %+v\n%s", it, problemsString(ips))
	}
}

func TestDisclosureFields(t *testing.T) {
	tests := []struct {
		name   string
		fm     string
		want   Disclosure
		kind   string
		prob   string
		isData bool
	}{
		{"budget estimate", "document_type: Dự toán ngân sách\nperiod: 2026\napproved: 08/12/2025\n",
			Disclosure{"du-toan-ngan-sach", "2026", time.Date(2025, 12, 8, 0, 0, 0, 0, calendar.Location)}, "", "", false},
		{"six months", "document_type: thuc-hien-ngan-sach\nperiod: 6 tháng 2026\n", Disclosure{DocumentType: "thuc-hien-ngan-sach", Period: "2026-Q2"}, "", "", false},
		{"quarter in words", "period: quý III/2026\n", Disclosure{Period: "2026-Q3"}, "", "", false},
		{"nine months", "period: 2026-9T\n", Disclosure{Period: "2026-Q3"}, "", "", false},
		{"a month", "period: tháng 3/2026\n", Disclosure{Period: "2026-03"}, "", "", false},
		{"a bad period", "period: mùa xuân\n", Disclosure{}, "", `period "mùa xuân": write a year`, false},
		{"a bad approval date", "approved: hôm qua\n", Disclosure{}, "", "approved: bad date", false},
		{"satisfaction dataset", "kind: hai-long\n", Disclosure{}, KindSatisfaction, "", true},
		{"unknown kind", "kind: bang-luong\n", Disclosure{}, "", `unknown dataset kind "bang-luong"`, true},
		{"fields on open data", "fields: {code: Mã}\n", Disclosure{}, "", "fields (which column holds what) is only for datasets of kind", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := baseSite()
			p := "so-tai-chinh/cong-khai.md"
			src := "---\ntitle: Công khai\ncategory: ngan-sach\npublished: 2026-01-05\n" + tt.fm + "---\nNội dung.\n"
			if tt.isData {
				p = "so-tai-chinh/du-lieu-x/index.md"
				files["so-tai-chinh/du-lieu-x/bang.csv"] = "Tháng,Hài lòng,Không hài lòng\n01/2026,10,2\n"
			}
			files[p] = src
			s, ps := mustLoad(t, mapFS(files), nil)
			if tt.prob != "" {
				if !hasProblem(ps, p, -1, tt.prob) {
					t.Fatalf("no problem %q:\n%s", tt.prob, problemsString(ps))
				}
				return
			}
			var got Disclosure
			kind := ""
			if tt.isData {
				d, ok := s.Dataset("so-tai-chinh/du-lieu-x")
				if !ok {
					t.Fatalf("not loaded:\n%s", problemsString(ps))
				}
				got, kind = d.Disclosure, d.Kind
				if len(d.Tables) != 1 {
					t.Errorf("a satisfaction dataset has %d tables, want its table published", len(d.Tables))
				}
			} else {
				n, ok := s.Notice("so-tai-chinh/cong-khai")
				if !ok {
					t.Fatalf("not loaded:\n%s", problemsString(ps))
				}
				got = n.Disclosure
			}
			if !reflect.DeepEqual(got, tt.want) || kind != tt.kind {
				t.Errorf("Disclosure = %+v, kind %q; want %+v, %q", got, kind, tt.want, tt.kind)
			}
		})
	}
}

func TestEncodeDisclosure(t *testing.T) {
	approved := time.Date(2025, 12, 8, 0, 0, 0, 0, calendar.Location)
	nd := NoticeDraft{Title: "Dự toán", Category: CatBudget, Published: approved, Disclosure: Disclosure{"du-toan-ngan-sach", "2026", approved}, Body: "x"}
	b, err := EncodeNotice(nd)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "document_type: du-toan-ngan-sach\nperiod: \"2026\"\napproved: 2025-12-08\n") {
		t.Errorf("EncodeNotice:\n%s", b)
	}
	back, ps := DecodeNotice(b)
	if len(ps) > 0 || back.Disclosure != nd.Disclosure {
		t.Errorf("DecodeNotice = %+v, %v", back.Disclosure, ps)
	}
	dd := DatasetDraft{Title: "Hồ sơ", Category: CatProcedure, Published: approved, Kind: KindDossiers,
		Fields: map[string]string{"received": "Ngày nhận", "code": "Số BN"}, Drop: []string{"Người nộp"}, Body: "x"}
	b, err = EncodeDataset(dd)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "kind: ho-so-tthc\nfields:\n  code: Số BN\n  received: Ngày nhận\ndrop:\n  - Người nộp\n") {
		t.Errorf("EncodeDataset:\n%s", b)
	}
	dback, ps := DecodeDataset(b)
	if len(ps) > 0 || dback.Kind != dd.Kind || !reflect.DeepEqual(dback.Fields, dd.Fields) || !reflect.DeepEqual(dback.Drop, dd.Drop) {
		t.Errorf("DecodeDataset = %+v, %v", dback, ps)
	}
}

func TestParsePeriod(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2026", "2026"}, {"2026-Q3", "2026-Q3"}, {"2026-q1", "2026-Q1"}, {"2026-H1", "2026-Q2"}, {"2026-6T", "2026-Q2"},
		{"2026-9t", "2026-Q3"}, {"2026-H2", "2026-Q4"}, {"2026-03", "2026-03"}, {"quý I/2026", "2026-Q1"},
		{"Quý IV năm 2026", "2026-Q4"}, {"6 tháng 2026", "2026-Q2"}, {"9 tháng đầu năm 2026", "2026-Q3"},
		{"tháng 3/2026", "2026-03"}, {"Tháng 12 năm 2026", "2026-12"}, {"năm 2026", "2026"},
		{"2026-13", ""}, {"tháng 13/2026", ""}, {"quý V/2026", ""}, {"26", ""}, {"mùa xuân", ""}, {"tháng/2026", ""},
	}
	for _, tt := range tests {
		got, ok := parsePeriod(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("parsePeriod(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestAccountabilityConfig(t *testing.T) {
	files := baseSite()
	files["site.yaml"] = siteYAML + "accountability:\n  apology_days: 0\n  obligations:\n    - id: ke-hoach-su-dung-dat\n      days: 30\n    - id: bang-gia-dat\n      off: true\n"
	s, ps := mustLoad(t, mapFS(files), nil)
	a := s.Config.Accountability
	if a.ApologyDays == nil || *a.ApologyDays != 0 || len(a.Obligations) != 2 || *a.Obligations[0].Days != 30 || !a.Obligations[1].Off || a.Obligations[1].Line != 9 {
		t.Errorf("Accountability = %+v\n%s", a, problemsString(ps))
	}
	if !isReserved("trach-nhiem") || !isReserved("tra-cuu-ho-so") {
		t.Error("the accountability pages' names are not reserved")
	}
}
