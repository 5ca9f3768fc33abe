package content

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/congkhai/congkhai/calendar"
)

func TestLoadSite(t *testing.T) {
	s, ps := mustLoad(t, mapFS(baseSite()), nil)
	if len(ps) != 0 {
		t.Fatalf("Load problems:\n%s", problemsString(ps))
	}
	if s.Config.Title != "Cổng thông tin công khai tỉnh Bắc Giang" || s.Config.BaseURL != "https://congkhai.example.vn" {
		t.Errorf("Config = %+v", s.Config)
	}
	if got := []string{s.Agencies[0].Slug, s.Agencies[1].Slug}; got[0] != "ubnd-tinh" || got[1] != "so-tai-chinh" {
		t.Errorf("Agencies order = %v, want [ubnd-tinh so-tai-chinh]", got)
	}
	n, ok := s.Notice("so-tai-chinh/du-toan-2025")
	if !ok {
		t.Fatal("notice so-tai-chinh/du-toan-2025 not found")
	}
	if n.Category != CatBudget || n.Agency != "so-tai-chinh" || n.Slug != "du-toan-2025" {
		t.Errorf("notice = %+v", n)
	}
	wantPub := time.Date(2025, 1, 10, 0, 0, 0, 0, calendar.Location)
	if !n.Published.Equal(wantPub) || n.Published.Location() != calendar.Location {
		t.Errorf("Published = %v, want %v", n.Published, wantPub)
	}
	if !n.Updated.Equal(time.Date(2025, 1, 15, 0, 0, 0, 0, calendar.Location)) {
		t.Errorf("Updated = %v", n.Updated)
	}
	if len(n.Tags) != 2 {
		t.Errorf("Tags = %q, want 2 deduplicated", n.Tags)
	}
	if len(n.Attachments) != 2 || n.Attachments[0].Path != "so-tai-chinh/files/125-qd.pdf" || n.Attachments[0].Type != "application/pdf" || n.Attachments[0].Size != 13 {
		t.Errorf("Attachments = %+v", n.Attachments)
	}
	if n.Attachments[1].URL == "" || n.Attachments[1].Title != "bieu-mau.xlsx" {
		t.Errorf("external attachment = %+v", n.Attachments[1])
	}
	if len(n.Related) != 1 || n.Related[0] != "so-tai-chinh/bang-gia" {
		t.Errorf("Related = %q", n.Related)
	}
	if n.Summary != "Dự toán thu, chi ngân sách địa phương năm 2025." {
		t.Errorf("Summary = %q", n.Summary)
	}
	body, err := n.Body()
	if err != nil {
		t.Fatalf("Body() error: %v", err)
	}
	if len(body.Headings) != 1 || body.Headings[0].ID != "dat-dai-quy-hoach" {
		t.Errorf("Headings = %+v", body.Headings)
	}
	if !strings.Contains(body.Text, "Nội dung.") {
		t.Errorf("Text = %q", body.Text)
	}
	n2, ok := s.Notice("ubnd-tinh/thong-bao-lich-hop")
	if !ok || n2.Category != CatNotice || n2.Published.Hour() != 8 {
		t.Errorf("second notice = %+v, %v", n2, ok)
	}
	if s.Notices[0] != n2 {
		t.Errorf("Notices[0] = %s, want the newest", s.Notices[0].Path)
	}
	d, ok := s.Dataset("so-tai-chinh/bang-gia")
	if !ok {
		t.Fatal("dataset not found")
	}
	if d.Category != CatLandPrice || d.License != DefaultLicense || len(d.Tables) != 1 {
		t.Fatalf("dataset = %+v", d)
	}
	// "Updated" is what index.md says, never when the file was copied.
	if want := time.Date(2025, 2, 1, 0, 0, 0, 0, calendar.Location); !d.Updated.Equal(want) {
		t.Errorf("dataset Updated = %v, want the front matter's %v, not the table's modtime", d.Updated, want)
	}
	tb := d.Tables[0]
	if tb.RowCount != 3 || tb.Comma != ',' || tb.Format != "csv" || tb.Name != "gia" {
		t.Errorf("table = %+v", tb)
	}
	wantTypes := []ColumnType{TypeInteger, TypeText, TypeMoney, TypeDate}
	for i, c := range tb.Columns {
		if c.Type != wantTypes[i] {
			t.Errorf("column %s type = %s, want %s", c.Name, c.Type, wantTypes[i])
		}
	}
	if tb.Columns[2].Title != "Giá" || tb.Columns[2].Unit != "nghìn đồng/m²" {
		t.Errorf("declared column = %+v", tb.Columns[2])
	}
	rows, err := tb.Rows(context.Background(), RowQuery{SortBy: 2, Desc: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].Cells[2].Num != 2500000 || rows[0].Line != 4 || rows[0].N != 3 {
		t.Errorf("rows sorted by price desc = %+v", rows)
	}
	if _, ok := s.Files["so-tai-chinh/bang-gia/gia.csv"]; !ok {
		t.Errorf("Files lacks the table file: %v", s.Files)
	}
	for p := range s.Files {
		if strings.HasSuffix(p, ".md") || strings.Contains(p, ".git") || strings.HasSuffix(p, "~") || strings.Contains(p, ".swp") {
			t.Errorf("Files has %s", p)
		}
	}
	if a, ok := s.Agency("so-tai-chinh"); !ok || a.ShortName != "Sở Tài chính" || !strings.Contains(string(a.HTML), "cơ quan") {
		t.Errorf("agency = %+v", a)
	}
}
