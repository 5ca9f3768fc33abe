package content

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/congkhai/congkhai/calendar"

	"golang.org/x/text/unicode/norm"
)

func TestLastGoodVersion(t *testing.T) {
	fsys := mapFS(baseSite())
	s1, ps := mustLoad(t, fsys, nil)
	if len(ps) != 0 {
		t.Fatalf("problems:\n%s", problemsString(ps))
	}
	// Break a notice, the agency and site.yaml.
	fsys["so-tai-chinh/du-toan-2025.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Sửa\ncategory: khong-co\npublished: 2025-01-10\n---\nMới.\n"), ModTime: testTime}
	fsys["ubnd-tinh/_agency.md"] = &fstest.MapFile{Data: []byte("---\nname: [\n---\n"), ModTime: testTime}
	fsys["site.yaml"] = &fstest.MapFile{Data: []byte("title: X\nunknown: 1\n"), ModTime: testTime}
	s2, ps := mustLoad(t, fsys, s1)
	for _, w := range []struct {
		path string
		sub  string
	}{
		{"so-tai-chinh/du-toan-2025.md", "unknown category"},
		{"so-tai-chinh/du-toan-2025.md", "last good version"},
		{"ubnd-tinh/_agency.md", "last good version"},
		{"site.yaml", "unknown field"},
	} {
		if !hasProblem(ps, w.path, -1, w.sub) {
			t.Errorf("problems lack %s: %q; got:\n%s", w.path, w.sub, problemsString(ps))
		}
	}
	n, ok := s2.Notice("so-tai-chinh/du-toan-2025")
	if !ok || n.Title != "Công khai dự toán ngân sách tỉnh năm 2025" {
		t.Fatalf("notice after a broken edit = %+v, %v; want the last good version", n, ok)
	}
	if len(n.Attachments) != 2 || len(n.Related) != 1 {
		t.Errorf("last good notice references = %+v, %v", n.Attachments, n.Related)
	}
	if _, ok := s2.Notice("ubnd-tinh/thong-bao-lich-hop"); !ok {
		t.Errorf("notice of an agency with a broken _agency.md is gone; want kept with the last good agency")
	}
	if s2.Config.Title != s1.Config.Title {
		t.Errorf("Config.Title = %q, want the last good %q", s2.Config.Title, s1.Config.Title)
	}
	// Still broken on the next load: still the last good version.
	s3, _ := mustLoad(t, fsys, s2)
	if n, ok := s3.Notice("so-tai-chinh/du-toan-2025"); !ok || n.Title != "Công khai dự toán ngân sách tỉnh năm 2025" {
		t.Errorf("second load after a broken edit lost the last good version: %v", ok)
	}
	// Fixed: the new version.
	fsys["so-tai-chinh/du-toan-2025.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Sửa\ncategory: budget\npublished: 2025-01-10\n---\nMới.\n"), ModTime: testTime}
	s4, _ := mustLoad(t, fsys, s3)
	if n, ok := s4.Notice("so-tai-chinh/du-toan-2025"); !ok || n.Title != "Sửa" {
		t.Errorf("fixed notice = %+v, %v", n, ok)
	}
	// Deleted: gone, even with a last good version.
	delete(fsys, "so-tai-chinh/du-toan-2025.md")
	s5, _ := mustLoad(t, fsys, s4)
	if _, ok := s5.Notice("so-tai-chinh/du-toan-2025"); ok {
		t.Errorf("deleted notice is still loaded")
	}
	// A broken file without a previous version is simply left out.
	fsys["so-tai-chinh/moi.md"] = &fstest.MapFile{Data: []byte("---\ntitle: [\n---\n"), ModTime: testTime}
	s6, ps := mustLoad(t, fsys, s5)
	if _, ok := s6.Notice("so-tai-chinh/moi"); ok || hasProblem(ps, "so-tai-chinh/moi.md", -1, "last good") {
		t.Errorf("new broken notice: loaded %v, problems:\n%s", ok, problemsString(ps))
	}
}

func TestReuseUnchanged(t *testing.T) {
	files := baseSite()
	files["so-tai-chinh/bang-gia/lon.csv"] = bigCSV(5000)
	fsys := mapFS(files)
	ctx := context.Background()
	s1, _ := mustLoad(t, fsys, nil)
	d1, _ := s1.Dataset("so-tai-chinh/bang-gia")
	// Warm a sort order, which a reused table keeps.
	if _, err := d1.Tables[1].Rows(ctx, RowQuery{SortBy: 2}); err != nil {
		t.Fatal(err)
	}
	fsys["ubnd-tinh/thong-bao-lich-hop.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Đổi\ncategory: notice\npublished: 2025-02-01\n---\nX\n"), ModTime: testTime}
	s2, ps := mustLoad(t, fsys, s1)
	if len(ps) != 0 {
		t.Fatalf("problems:\n%s", problemsString(ps))
	}
	if s2.parsed["so-tai-chinh/du-toan-2025.md"] != s1.parsed["so-tai-chinh/du-toan-2025.md"] {
		t.Errorf("unchanged notice was parsed again")
	}
	if s2.parsed["ubnd-tinh/thong-bao-lich-hop.md"] == s1.parsed["ubnd-tinh/thong-bao-lich-hop.md"] {
		t.Errorf("changed notice was not parsed again")
	}
	if n, _ := s2.Notice("ubnd-tinh/thong-bao-lich-hop"); n.Title != "Đổi" {
		t.Errorf("changed notice title = %q", n.Title)
	}
	d2, _ := s2.Dataset("so-tai-chinh/bang-gia")
	for i := range d2.Tables {
		if d2.Tables[i].src.scan != d1.Tables[i].src.scan {
			t.Errorf("unchanged table %s was scanned again", d2.Tables[i].File)
		}
	}
	if d2.Tables[1].src.cache != d1.Tables[1].src.cache {
		t.Errorf("reused table lost its sort cache")
	}
	// The old site is untouched by the new load.
	if n, _ := s1.Notice("ubnd-tinh/thong-bao-lich-hop"); n.Title != "Thông báo lịch họp" {
		t.Errorf("old site changed: %q", n.Title)
	}
	// A touched table (same bytes, new modtime) is scanned again.
	fsys["so-tai-chinh/bang-gia/gia.csv"] = &fstest.MapFile{Data: []byte(csvData), ModTime: testTime.Add(time.Hour)}
	s3, _ := mustLoad(t, fsys, s2)
	d3, _ := s3.Dataset("so-tai-chinh/bang-gia")
	if d3.Tables[0].src.scan == d2.Tables[0].src.scan {
		t.Errorf("table with a new modtime was not scanned again")
	}
	if !d3.Updated.Equal(d2.Updated) {
		t.Errorf("dataset Updated = %v after a table was touched, want the front matter's %v", d3.Updated, d2.Updated)
	}
	// Turning on unsafe HTML renders every body again.
	fsys["site.yaml"] = &fstest.MapFile{Data: []byte(siteYAML + "markdown:\n  unsafe_html: true\n"), ModTime: testTime}
	s4, _ := mustLoad(t, fsys, s3)
	if s4.parsed["so-tai-chinh/du-toan-2025.md"] == s3.parsed["so-tai-chinh/du-toan-2025.md"] {
		t.Errorf("markdown mode changed but the notice was not rendered again")
	}
}

func TestNFDLoadsAsNFC(t *testing.T) {
	files := baseSite()
	nfd := norm.NFD.String("---\ntitle: Công khai quy hoạch sử dụng đất\ncategory: Quy hoạch\npublished: 2025-01-10\ntags: [đất đai]\n---\nNội dung quy hoạch.\n\n## Đất đai\n")
	files["so-tai-chinh/quy-hoach.md"] = strings.Replace(nfd, "Nội", "N\u00adội", 1)
	s, ps := mustLoad(t, mapFS(files), nil)
	if len(ps) != 0 {
		t.Fatalf("problems:\n%s", problemsString(ps))
	}
	n, ok := s.Notice("so-tai-chinh/quy-hoach")
	if !ok {
		t.Fatal("NFD notice not loaded")
	}
	body, err := n.Body()
	if err != nil {
		t.Fatalf("Body() error: %v", err)
	}
	for _, s := range []string{n.Title, body.Text, n.Tags[0], string(body.HTML), n.Summary} {
		if !norm.NFC.IsNormalString(s) {
			t.Errorf("%q is not NFC", s)
		}
		if strings.Contains(s, "\u00ad") {
			t.Errorf("%q has a soft hyphen", s)
		}
	}
	if n.Title != "Công khai quy hoạch sử dụng đất" || n.Category != CatLandUsePlan || body.Headings[0].ID != "dat-dai" {
		t.Errorf("notice = %q, %q, %+v", n.Title, n.Category, body.Headings)
	}
}

func TestLoadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, ps := Load(ctx, mapFS(baseSite()), nil)
	if s == nil || len(ps) != 1 || !strings.Contains(ps[0].Msg.String(), "cancelled") {
		t.Errorf("Load(cancelled) = %v, %v", s, ps)
	}
}

func TestDraftWindow(t *testing.T) {
	files := baseSite()
	files["so-tai-chinh/du-thao.md"] = "---\ntitle: Dự thảo\ncategory: Dự thảo\npublished: 2025-03-01\ncomment:\n  opens: 2025-03-01\n  closes: 31/03/2025\n---\nX\n"
	s, ps := mustLoad(t, mapFS(files), nil)
	if len(ps) != 0 {
		t.Fatalf("problems:\n%s", problemsString(ps))
	}
	n, _ := s.Notice("so-tai-chinh/du-thao")
	if n.Comment == nil {
		t.Fatal("no comment window")
	}
	for _, tt := range []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2025, 2, 28, 23, 59, 0, 0, calendar.Location), false},
		{time.Date(2025, 3, 1, 0, 0, 0, 0, calendar.Location), true},
		{time.Date(2025, 3, 31, 23, 59, 59, 0, calendar.Location), true},
		{time.Date(2025, 4, 1, 0, 0, 0, 0, calendar.Location), false},
	} {
		if got := n.Comment.OpenAt(tt.at); got != tt.want {
			t.Errorf("OpenAt(%v) = %v, want %v", tt.at, got, tt.want)
		}
	}
}
