package portal

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/congkhai/congkhai/calendar"
	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/publish"
)

// testClock is a settable clock for the record.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func datasetFiles(t testing.TB, path, body, csv string) map[string][]byte {
	t.Helper()
	b, err := content.EncodeDataset(content.DatasetDraft{Title: "Bảng giá đất", Category: content.CatLandPrice,
		Published: time.Date(2025, 1, 1, 0, 0, 0, 0, calendar.Location), Body: body})
	if err != nil {
		t.Fatal(err)
	}
	return map[string][]byte{path + "/index.md": b, path + "/gia.csv": []byte(csv)}
}

// TestDiffAndItemAt corrects a dataset and compares its versions: fields and
// body word by word, the table cell by cell; and reads it as in force on
// dates.
func TestDiffAndItemAt(t *testing.T) {
	ctx := context.Background()
	clk := &testClock{t: time.Date(2025, 6, 1, 9, 0, 0, 0, calendar.Location)}
	r := startReplica(t, newRecordDB(t, "sqlite"), newFolder(t, recordSite()), t.TempDir(), publish.WithClock(clk.now))
	const path = "so-tai-chinh/bang-gia-2025"
	v1, err := r.p.Publish(ctx, Change{Path: path, Action: publish.ActionPublish, Actor: publish.StaffActor(1),
		Files: datasetFiles(t, path, "Bảng giá đất ở các tuyến đường.", "ma,ten,gia,ghi_chu\n1,Đường A,1.200.000,x\n2,Đường B,950.000,y\n3,Đường C,700.000,z\n")})
	if err != nil {
		t.Fatal(err)
	}
	clk.set(time.Date(2025, 7, 1, 9, 0, 0, 0, calendar.Location))
	files := datasetFiles(t, path, "Bảng giá đất ở các tuyến đường, đã điều chỉnh.", "ma,ten,gia\n1,Đường A,1.300.000\n2,Đường B,950.000\n4,Đường D,500.000\n")
	if _, err := r.p.Publish(ctx, Change{Path: path, Action: publish.ActionCorrect, Actor: publish.StaffActor(1), Reason: "Điều chỉnh giá", Base: v1.Number, Files: files}); err != nil {
		t.Fatal(err)
	}
	d, err := r.p.Diff(ctx, path, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Fields) != 0 {
		t.Errorf("fields changed: %+v", d.Fields)
	}
	var ins []string
	for _, op := range d.Body {
		if op.Kind == publish.Insert {
			ins = append(ins, op.Text)
		}
	}
	if strings.Join(ins, "") != ", đã điều chỉnh" {
		t.Errorf("body inserts %q, want \", đã điều chỉnh\"", ins)
	}
	if len(d.Tables) != 1 {
		t.Fatalf("tables changed: %+v", d.Tables)
	}
	td := d.Tables[0].Diff
	if !slices.Equal(td.RemovedColumns, []string{"ghi_chu"}) || len(td.Changed) != 1 || len(td.Added) != 1 || len(td.Removed) != 1 {
		t.Fatalf("table diff = %+v", td)
	}
	if c := td.Changed[0].Cells; len(c) != 1 || c[0].Column != "gia" || c[0].Old != "1.200.000" || c[0].New != "1.300.000" {
		t.Errorf("changed cells = %+v", c)
	}
	if got := d.Tables[0].B.Rows[td.Added[0]][1]; got != "Đường D" {
		t.Errorf("added row %q", got)
	}
	for _, tc := range []struct {
		day     time.Time
		version int
		err     error
	}{
		{time.Date(2025, 5, 31, 12, 0, 0, 0, calendar.Location), 0, publish.ErrNotFound},
		{time.Date(2025, 6, 1, 0, 0, 0, 0, calendar.Location), 1, nil},
		{time.Date(2025, 6, 30, 0, 0, 0, 0, calendar.Location), 1, nil},
		{time.Date(2025, 7, 1, 0, 0, 0, 0, calendar.Location), 2, nil},
	} {
		iv, err := r.p.ItemAt(ctx, path, tc.day)
		if tc.err != nil {
			if !errors.Is(err, tc.err) {
				t.Errorf("ItemAt(%s) = %v, want %v", tc.day.Format(time.DateOnly), err, tc.err)
			}
			continue
		}
		if err != nil || iv.Version.Number != tc.version || iv.Item == nil || iv.Item.Dataset == nil {
			t.Fatalf("ItemAt(%s) = %+v, %v; want version %d", tc.day.Format(time.DateOnly), iv, err, tc.version)
		}
		rows, err := iv.Item.Dataset.Tables[0].Rows(ctx, content.RowQuery{SortBy: -1})
		if err != nil || len(rows) != 3 {
			t.Fatalf("rows of version %d: %d, %v", tc.version, len(rows), err)
		}
		wantLast := map[int]string{1: "Đường C", 2: "Đường D"}[tc.version]
		if rows[2].Cells[1].Raw != wantLast {
			t.Errorf("ItemAt(%s): last row %q, want %q", tc.day.Format(time.DateOnly), rows[2].Cells[1].Raw, wantLast)
		}
	}
}

// TestApproveDraft approves a draft through the portal: its version is
// written into the folder; a draft whose files do not load is refused.
func TestApproveDraft(t *testing.T) {
	ctx := context.Background()
	r := startReplica(t, newRecordDB(t, "sqlite"), newFolder(t, recordSite()), t.TempDir())
	st := r.p.Publisher()
	mk := func(path string, file []byte) int64 {
		files, err := st.PutFiles(ctx, map[string][]byte{path + ".md": file})
		if err != nil {
			t.Fatal(err)
		}
		d, err := st.CreateDraft(ctx, publish.NewDraft{Kind: publish.Notice, Path: path, Author: publish.StaffActor(3), Files: files})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.SubmitDraft(ctx, d.ID); err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	good := mk("ubnd-tinh/du-thao-duyet", noticeFile(t, "Thông báo được duyệt", "Nội dung."))
	broken := mk("ubnd-tinh/hong", []byte("---\ntitle: Hỏng\n---\n"))
	d, v, err := r.p.ApproveDraft(ctx, good, publish.StaffActor(9), "Đồng ý")
	if err != nil || d.State != publish.DraftPublished || v.Number != 1 {
		t.Fatalf("ApproveDraft = %+v, %+v, %v", d, v, err)
	}
	if n, ok := r.p.Snapshot().Site.Notice("ubnd-tinh/du-thao-duyet"); !ok || n.Title != "Thông báo được duyệt" {
		t.Error("the approved draft is not served")
	}
	if _, _, err := r.p.ApproveDraft(ctx, broken, publish.StaffActor(9), ""); !isContentError(err) {
		t.Errorf("ApproveDraft of a broken draft = %v, want a ContentError", err)
	}
	if d, _ := st.Draft(ctx, broken); d.State != publish.DraftPending {
		t.Errorf("the refused draft is %s, want pending", d.State)
	}
}

// BenchmarkHistory reads the history of a notice with 50 versions.
func BenchmarkHistory(b *testing.B) {
	ctx := context.Background()
	r := startReplica(b, newRecordDB(b, "sqlite"), newFolder(b, recordSite()), b.TempDir())
	const path = "so-tai-chinh/nhieu-phien-ban"
	base := 0
	for i := range 50 {
		action, reason := publish.ActionCorrect, "Sửa lần "+fmt.Sprint(i)
		if i == 0 {
			action, reason = publish.ActionPublish, ""
		}
		v, err := r.p.Publish(ctx, Change{Path: path, Action: action, Actor: publish.StaffActor(1), Reason: reason, Base: base,
			Files: map[string][]byte{path + ".md": noticeFile(b, "Thông báo", strings.Repeat("Nội dung sửa đổi. ", 200)+fmt.Sprint(i))}})
		if err != nil {
			b.Fatal(err)
		}
		base = v.Number
	}
	b.ResetTimer()
	for b.Loop() {
		h, err := r.p.History(ctx, path)
		if err != nil || len(h.Versions) != 50 || h.Modifications != 49 {
			b.Fatalf("History = %d versions, %v", len(h.Versions), err)
		}
	}
}

// BenchmarkDiffTable compares two versions of a dataset with a table of
// 50,000 rows (1% of the prices changed, 100 rows added), reading both
// versions from the record each time: the cost of a diff page on a cold
// cache. The portal has no search index, which would be indexing the rows
// on the other core.
func BenchmarkDiffTable(b *testing.B) {
	ctx := context.Background()
	r := startReplicaWith(b, newRecordDB(b, "sqlite"), newFolder(b, recordSite()), b.TempDir(), "")
	const path = "so-tai-chinh/bang-gia-lon"
	table := func(changed bool) string {
		var s strings.Builder
		s.WriteString("ma,xa,duong,doan,vt1,vt2,vt3\n")
		rows := 50_000
		if changed {
			rows += 100
		}
		for i := range rows {
			price := 1_000_000 + i*100
			if changed && i%100 == 7 {
				price += 50_000
			}
			fmt.Fprintf(&s, "%d,Xã Cẩm %d,Đường số %d,Đoạn từ km %d đến km %d,%d,%d,%d\n", i+1, i%30, i%500, i%7, i%7+1, price, price*7/10, price/2)
		}
		return s.String()
	}
	v1, err := r.p.Publish(ctx, Change{Path: path, Action: publish.ActionPublish, Actor: publish.StaffActor(1), Files: datasetFiles(b, path, "Bảng giá.", table(false))})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := r.p.Publish(ctx, Change{Path: path, Action: publish.ActionCorrect, Actor: publish.StaffActor(1), Reason: "Điều chỉnh", Base: v1.Number,
		Files: datasetFiles(b, path, "Bảng giá.", table(true))}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		r.p.versions().clear()
		d, err := r.p.Diff(ctx, path, 1, 2)
		if err != nil || len(d.Tables) != 1 || len(d.Tables[0].Diff.Changed) != 500 || len(d.Tables[0].Diff.Added) != 100 {
			b.Fatalf("Diff: %v %+v", err, d)
		}
	}
}
