package portal

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/congkhai/congkhai/calendar"
	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/dossier"
)

// accSite is a small site: a district with a dossier export (holding an
// applicant's name and phone), a satisfaction dataset and a budget estimate
// published late.
func accSite() map[string]string {
	return map[string]string{
		"site.yaml":                 "title: Cổng thử\n",
		"ubnd-tinh/_agency.md":      "---\nname: UBND tỉnh\nkind: province\n---\n",
		"ubnd-huyen/_agency.md":     "---\nname: Ủy ban nhân dân huyện Cẩm Xuyên\nshort_name: UBND huyện Cẩm Xuyên\nkind: district\nparent: ubnd-tinh\n---\n",
		"ubnd-huyen/ho-so/index.md": "---\ntitle: Hồ sơ thủ tục hành chính\ncategory: thu-tuc\npublished: 2026-03-01\nkind: ho-so-tthc\n---\nXuất từ Một cửa.\n",
		"ubnd-huyen/ho-so/thang-2.csv": "Mã hồ sơ,Thủ tục,Lĩnh vực,Ngày tiếp nhận,Ngày hẹn trả,Ngày trả kết quả,Lý do quá hạn,Họ tên người nộp,Điện thoại\n" +
			"XKQ-0001,Cấp đổi sổ đỏ,Đất đai,13/02/2026,27/02/2026,03/03/2026,Chờ trích lục bản đồ,Nguyễn Thị Hoa Mai,0912000111\n" +
			"XKQ-0002,Chứng thực,Chứng thực,23/02/2026,23/02/2026,23/02/2026,,Phan Văn Lực,0912000222\n",
		"ubnd-huyen/hai-long/index.md": "---\ntitle: Kết quả đánh giá mức độ hài lòng\ncategory: thu-tuc\npublished: 2026-03-01\nkind: hai-long\n---\n",
		"ubnd-huyen/hai-long/2026.csv": "Tháng,Rất hài lòng,Hài lòng,Bình thường,Không hài lòng\n01/2026,40,50,8,2\n02/2026,30,60,5,5\n",
		"ubnd-huyen/du-toan-2026.md":   "---\ntitle: Công khai dự toán ngân sách huyện năm 2026\ncategory: ngan-sach\npublished: 2026-01-25\ndocument_type: du-toan-ngan-sach\nperiod: 2026\n---\nDự toán.\n",
		"ubnd-huyen/thong-bao-khac.md": "---\ntitle: Thông báo\ncategory: thong-bao\npublished: 2026-02-01\ndocument_type: bao-cao-khac\n---\nX.\n",
	}
}

func TestAccountabilityBuild(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, accSite())
	var clock atomic.Int64
	clock.Store(time.Date(2026, 3, 10, 9, 0, 0, 0, calendar.Location).Unix())
	now := func() time.Time { return time.Unix(clock.Load(), 0) }
	p := openWith(t, dir, t.TempDir(), Config{Now: now})
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, err := p.WaitAccountability(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a.Set.Len() != 2 {
		t.Fatalf("%d dossiers, want 2; problems: %v", a.Set.Len(), a.Problems)
	}
	late := a.Report.Late("ubnd-huyen")
	if len(late) != 1 || late[0].Reason != "Chờ trích lục bản đồ" || late[0].DaysLate != 2 {
		t.Errorf("late = %+v", late)
	}
	feb, _ := dossier.ParsePeriod("2026-02")
	if got := a.Sat.Imported("ubnd-huyen", feb); got != (dossier.Levels{0, 5, 5, 60, 30}) {
		t.Errorf("satisfaction of February = %v", got)
	}
	var problems []string
	for _, pr := range a.Problems {
		problems = append(problems, pr.String())
	}
	all := strings.Join(problems, "\n")
	for _, want := range []string{
		`ubnd-huyen/ho-so/thang-2.csv:1: column "Họ tên người nộp" holds a name (personal data)`,
		`ubnd-huyen/thong-bao-khac.md: document_type "bao-cao-khac" is not the type of any disclosure rule`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("problems lack %q:\n%s", want, all)
		}
	}
	var budget *dossier.Obligation
	for i, o := range a.Compliance.Of("ubnd-huyen") {
		if o.Rule.ID == "du-toan-ngan-sach" && o.Period.Year == 2026 {
			budget = &a.Compliance.Of("ubnd-huyen")[i]
		}
	}
	if budget == nil || budget.State != dossier.StateLate || budget.DaysLate != 7 {
		t.Errorf("the district's 2026 budget estimate = %+v, want late by 7 days", budget)
	}
	// Neither the export nor its rows are searchable or served.
	for _, q := range []string{"Nguyễn Thị Hoa Mai", "0912000111", "XKQ-0001", "Chờ trích lục bản đồ"} {
		if got := ids(t, p, q); len(got) > 0 {
			t.Errorf("search %q finds %v", q, got)
		}
	}
	if _, ok := p.Snapshot().Site.Files["ubnd-huyen/ho-so/thang-2.csv"]; ok {
		t.Error("the export is a file of the site")
	}

	// A new export is read, the unchanged one is not read again.
	before := p.acc.batches
	writeFiles(t, dir, map[string]string{"ubnd-huyen/ho-so/thang-3.csv": "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả\nXKQ-0003,02/03/2026,05/03/2026\n"})
	p.Reload(ctx)
	a, err = p.WaitAccountability(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a.Set.Len() != 3 || len(a.Report.Late("")) != 2 {
		t.Errorf("after a new export: %d dossiers, %d late; want 3, 2", a.Set.Len(), len(a.Report.Late("")))
	}
	reused := 0
	for k, b := range p.acc.batches {
		if before[k] == b {
			reused++
		}
	}
	if reused != 1 {
		t.Errorf("%d batches reused, want 1", reused)
	}

	// The next day the report moves on without reading the exports again.
	v, nProblems := a.Version, len(a.Problems)
	clock.Add(24 * 3600)
	a, err = p.WaitAccountability(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a.Version == v || a.Day != dossier.DayOf(now()) || a.Report.Late("")[0].DaysLate != 4 {
		t.Errorf("next day: version %d (was %d), day %s, %d days late", a.Version, v, a.Day, a.Report.Late("")[0].DaysLate)
	}
	if len(a.Problems) != nProblems {
		t.Errorf("next day: %d problems, the day before %d", len(a.Problems), nProblems)
	}
}

func TestCheckAccountability(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, accSite())
	fsys := os.DirFS(dir)
	site, _ := content.Load(context.Background(), fsys, nil)
	ps, err := CheckAccountability(context.Background(), fsys, site, time.Date(2026, 3, 10, 0, 0, 0, 0, calendar.Location))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, pr := range ps {
		found = found || (pr.Path == filepath.ToSlash("ubnd-huyen/ho-so/thang-2.csv") && strings.Contains(pr.Msg.String(), `"Điện thoại" holds a phone number`))
	}
	if !found {
		t.Errorf("no problem for the phone column: %v", ps)
	}
}

// TestDossierExportsReplicate: a dossier dataset's exports are never served,
// but the publishing record keeps them, so another replica gets them, and an
// edit of index.md on one replica does not remove them on the other.
func TestDossierExportsReplicate(t *testing.T) {
	ctx := context.Background()
	db := newRecordDB(t, "sqlite")
	files := recordSite()
	files["so-tai-chinh/ho-so/index.md"] = "---\ntitle: Hồ sơ\ncategory: thu-tuc\npublished: 2026-03-01\nkind: ho-so-tthc\n---\nXuất.\n"
	files["so-tai-chinh/ho-so/xuat.csv"] = "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả\nSTC-0001,02/03/2026,04/03/2026\n"
	a := startReplica(t, db, newFolder(t, files), t.TempDir())
	b := startReplica(t, db, newFolder(t, recordSite()), t.TempDir())
	eventually(t, "B has the export", func() bool {
		d, ok := b.p.Snapshot().Site.Dataset("so-tai-chinh/ho-so")
		return ok && len(d.Exports) == 1
	})
	// index.md edited on B: A keeps its export.
	writeFiles(t, b.dir, map[string]string{"so-tai-chinh/ho-so/index.md": strings.Replace(files["so-tai-chinh/ho-so/index.md"], "Xuất.", "Xuất từ Một cửa.", 1)})
	b.p.Reload(ctx)
	b.wait(t)
	eventually(t, "A has B's edit", func() bool {
		data, _ := os.ReadFile(filepath.Join(a.dir, "so-tai-chinh", "ho-so", "index.md"))
		return strings.Contains(string(data), "Xuất từ Một cửa")
	})
	a.wait(t)
	if _, err := os.Stat(filepath.Join(a.dir, "so-tai-chinh", "ho-so", "xuat.csv")); err != nil {
		t.Errorf("A lost its export: %v", err)
	}
	if _, ok := a.p.Snapshot().Site.Files["so-tai-chinh/ho-so/xuat.csv"]; ok {
		t.Error("the export is served")
	}
}
