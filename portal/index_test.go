package portal

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/feedback"
	"github.com/congkhai/congkhai/search"
)

func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func openDir(t *testing.T, content, index string) *Portal {
	t.Helper()
	return openWith(t, content, index, Config{})
}

// openWith is openDir with more of the configuration in cfg.
func openWith(t *testing.T, content, index string, cfg Config) *Portal {
	t.Helper()
	cfg.Content, cfg.IndexDir = os.DirFS(content), index
	cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	p, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	waitIndexed(t, p)
	return p
}

func waitIndexed(t *testing.T, p *Portal) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.WaitIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	if st := p.IndexStatus(); st.Err != "" {
		t.Fatalf("index error: %s", st.Err)
	}
}

func ids(t *testing.T, p *Portal, q string) []string {
	t.Helper()
	res, err := p.Search(context.Background(), search.Request{Query: q, Size: 100})
	if err != nil {
		t.Fatalf("Search(%q): %v", q, err)
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func has(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

var baseSite = map[string]string{
	"site.yaml":                 "title: Thử\nprovince: Tỉnh Thử\n",
	"so-x/_agency.md":           "---\nname: Sở X\n---\n",
	"so-x/thong-bao-a.md":       "---\ntitle: Thông báo về giá lúa giống\ncategory: thong-bao\npublished: 2026-01-02\n---\nNội dung về lúa giống vụ xuân.\n",
	"so-x/gia-dat/index.md":     "---\ntitle: Bảng giá đất xã Thử\ncategory: gia-dat\npublished: 2026-01-01\n---\nBảng giá.\n",
	"so-x/gia-dat/bang-gia.csv": "xa,duong,vt1\nXã Thử,Lê Lợi,1200\nXã Thử,Nguyễn Huệ,900\nXã Thử,Hàm Nghi,800\n",
}

// TestRowHits: a row's hit, which the index keeps lean, comes back with its
// dataset's link, agency, category and date; a row whose table is gone is
// left out.
func TestRowHits(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, baseSite)
	p := openDir(t, dir, t.TempDir())
	res, err := p.Search(context.Background(), search.Request{Query: "ham nghi", Filters: map[string][]string{"kind": {"row"}}})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("rows for ham nghi: %+v, %v", res, err)
	}
	d, _ := p.Snapshot().Site.Dataset("so-x/gia-dat")
	h := res.Hits[0]
	want := search.Hit{ID: "r:so-x/gia-dat/bang-gia.csv#3", Kind: "row", URL: "/so-x/gia-dat?bang=bang-gia&trang=1#r3",
		Title: h.Title, Agency: "so-x", Category: "gia-dat", Parent: "d:so-x/gia-dat", Published: d.Updated, Score: h.Score}
	if !reflect.DeepEqual(h, want) || h.Published.IsZero() {
		t.Errorf("row hit\n got %+v\nwant %+v", h, want)
	}
	snap := p.Snapshot()
	for _, id := range []string{"r:so-x/gia-dat/bang-gia.csv#4", "r:so-x/gia-dat/bang-gia.csv#0", "r:so-x/gia-dat/khac.csv#1",
		"r:so-x/khac/bang-gia.csv#1", "r:so-x/gia-dat/bang-gia.csv", "r:so-x/gia-dat/bang-gia.csv#x"} {
		if h := (search.Hit{ID: id, Kind: "row"}); resolveRow(snap, &h) {
			t.Errorf("%s resolved to %+v", id, h)
		}
	}
}

// TestIndexFollowsContent: every kind of change reaches the index, and only what changed is re-indexed.
func TestIndexFollowsContent(t *testing.T) {
	dir, idx := t.TempDir(), t.TempDir()
	writeFiles(t, dir, baseSite)
	p := openDir(t, dir, idx)
	if got := ids(t, p, "lua giong"); !has(got, "n:so-x/thong-bao-a") {
		t.Fatalf("initial index: %v", got)
	}
	if got := ids(t, p, "ham nghi"); !has(got, "r:so-x/gia-dat/bang-gia.csv#3") {
		t.Fatalf("row not indexed: %v", got)
	}
	if st := p.IndexStatus(); st.Docs != 5 {
		t.Errorf("docs = %d, want 5 (notice, dataset, 3 rows)", st.Docs)
	}

	steps := []struct {
		name    string
		change  func()
		changed int
		check   func()
	}{
		{"edit a notice", func() {
			writeFiles(t, dir, map[string]string{"so-x/thong-bao-a.md": "---\ntitle: Thông báo về giá phân bón\ncategory: thong-bao\npublished: 2026-01-02\n---\nNội dung về phân bón.\n"})
		}, 1, func() {
			if got := ids(t, p, "lua giong"); has(got, "n:so-x/thong-bao-a") {
				t.Errorf("old text still found: %v", got)
			}
			if got := ids(t, p, "phan bon"); !has(got, "n:so-x/thong-bao-a") {
				t.Errorf("new text not found: %v", got)
			}
		}},
		{"replace a table with a shorter one", func() {
			writeFiles(t, dir, map[string]string{"so-x/gia-dat/bang-gia.csv": "xa,duong,vt1\nXã Thử,Trần Phú,1500\n"})
		}, 1, func() {
			if got := ids(t, p, "ham nghi"); len(got) != 0 {
				t.Errorf("a removed row is still found: %v", got)
			}
			if got := ids(t, p, "tran phu"); !has(got, "r:so-x/gia-dat/bang-gia.csv#1") {
				t.Errorf("new row not found: %v", got)
			}
		}},
		// A sync passes over the notices it indexed last time at the same place
		// in the site's order (clean); these steps move that order around.
		{"add two notices", func() {
			writeFiles(t, dir, map[string]string{
				"so-x/thong-bao-b.md": "---\ntitle: Thông báo về kênh mương\ncategory: thong-bao\npublished: 2026-02-01\n---\nNạo vét kênh mương.\n",
				"so-x/thong-bao-c.md": "---\ntitle: Thông báo về đê điều\ncategory: thong-bao\npublished: 2025-12-01\n---\nGia cố đê điều.\n",
			})
		}, 2, func() {
			for q, id := range map[string]string{"kenh muong": "n:so-x/thong-bao-b", "de dieu": "n:so-x/thong-bao-c", "phan bon": "n:so-x/thong-bao-a"} {
				if got := ids(t, p, q); !has(got, id) {
					t.Errorf("%s: %v, want %s", q, got, id)
				}
			}
		}},
		{"edit the middle notice", func() {
			writeFiles(t, dir, map[string]string{"so-x/thong-bao-a.md": "---\ntitle: Thông báo về giá phân bón\ncategory: thong-bao\npublished: 2026-01-02\n---\nNội dung về phân bón hữu cơ.\n"})
		}, 1, func() {
			if got := ids(t, p, "huu co"); !has(got, "n:so-x/thong-bao-a") {
				t.Errorf("new text not found: %v", got)
			}
		}},
		{"move a notice to the front by its date", func() {
			writeFiles(t, dir, map[string]string{"so-x/thong-bao-c.md": "---\ntitle: Thông báo về đê điều\ncategory: thong-bao\npublished: 2026-03-01\n---\nGia cố đê điều mùa lũ.\n"})
		}, 1, func() {
			if got := ids(t, p, "mua lu"); !has(got, "n:so-x/thong-bao-c") {
				t.Errorf("new text not found: %v", got)
			}
			for _, q := range []string{"kenh muong", "huu co"} {
				if got := ids(t, p, q); len(got) != 1 {
					t.Errorf("%s: %v, want one notice", q, got)
				}
			}
		}},
		{"delete two notices", func() {
			os.Remove(filepath.Join(dir, "so-x", "thong-bao-b.md"))
			os.Remove(filepath.Join(dir, "so-x", "thong-bao-c.md"))
		}, 2, func() {
			if got := ids(t, p, "kenh muong"); len(got) != 0 {
				t.Errorf("deleted notice still found: %v", got)
			}
		}},
		{"delete a notice", func() {
			os.Remove(filepath.Join(dir, "so-x", "thong-bao-a.md"))
		}, 1, func() {
			if got := ids(t, p, "phan bon"); len(got) != 0 {
				t.Errorf("deleted notice still found: %v", got)
			}
		}},
		{"rename a dataset folder", func() {
			os.Rename(filepath.Join(dir, "so-x", "gia-dat"), filepath.Join(dir, "so-x", "gia-dat-2026"))
		}, 4, func() {
			got := ids(t, p, "tran phu")
			if !has(got, "r:so-x/gia-dat-2026/bang-gia.csv#1") || has(got, "r:so-x/gia-dat/bang-gia.csv#1") {
				t.Errorf("after rename: %v", got)
			}
		}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.change()
			p.Reload(context.Background())
			waitIndexed(t, p)
			if got := p.IndexStatus().Changed; got != st.changed {
				t.Errorf("changed = %d, want %d", got, st.changed)
			}
			st.check()
		})
	}
	docs := p.IndexStatus().Docs
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}

	// The edits went to the manifest's log, not into rewrites of the manifest.
	logFile := filepath.Join(idx, "meta-"+manifestLogKey)
	if b, err := os.ReadFile(logFile); err != nil || !strings.HasPrefix(string(b), "!epoch\t") {
		t.Fatalf("manifest log: %q, %v", b, err)
	}

	// A restart on an unchanged folder re-indexes nothing.
	p2 := openDir(t, dir, idx)
	if st := p2.IndexStatus(); st.Changed != 0 || st.Docs != docs {
		t.Errorf("after restart: %+v, want nothing changed and %d docs", st, docs)
	}
	if err := p2.Close(); err != nil {
		t.Fatal(err)
	}

	// A crash in the middle of an apply leaves its entries dirty at the end of
	// the log, and the next start indexes them again.
	f, err := os.OpenFile(logFile, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("d:so-x/gia-dat-2026\t#0\t0\nn:so-x/a\t#"); err != nil { // and a torn record
		t.Fatal(err)
	}
	f.Close()
	p3 := openDir(t, dir, idx)
	defer p3.Close()
	if st := p3.IndexStatus(); st.Changed != 1 || st.Docs != docs {
		t.Errorf("after a crash mid-apply: %+v, want the dataset indexed again and %d docs", st, docs)
	}
}

// TestIndexLockedByAnotherPortal: a second opener gets an error, not a hang.
func TestIndexLockedByAnotherPortal(t *testing.T) {
	dir, idx := t.TempDir(), t.TempDir()
	writeFiles(t, dir, baseSite)
	p := openDir(t, dir, idx)
	defer p.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := time.Now()
	_, err := Open(context.Background(), Config{Content: os.DirFS(dir), Log: log, IndexDir: idx})
	if err == nil || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("second Open: err = %v, want a lock error", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("second Open took %v", d)
	}
}

// TestIndexRebuiltWhenTorn: an index folder that cannot be opened is rebuilt from the content.
func TestIndexRebuiltWhenTorn(t *testing.T) {
	dir, idx := t.TempDir(), t.TempDir()
	writeFiles(t, dir, baseSite)
	p := openDir(t, dir, idx)
	p.Close()
	if err := os.WriteFile(filepath.Join(idx, "index_meta.json"), []byte("{torn"), 0o644); err != nil {
		t.Fatal(err)
	}
	p2 := openDir(t, dir, idx)
	defer p2.Close()
	if got := ids(t, p2, "lua giong"); !has(got, "n:so-x/thong-bao-a") {
		t.Errorf("rebuilt index lacks the notice: %v", got)
	}
}

// TestIndexRebuiltWhenSegmentDamaged: a segment damaged while the portal was
// stopped is caught when the index opens; the index is rebuilt from the
// content, and IndexHealth says which segment was damaged.
func TestIndexRebuiltWhenSegmentDamaged(t *testing.T) {
	dir, idx := t.TempDir(), t.TempDir()
	writeFiles(t, dir, baseSite)
	p := openDir(t, dir, idx)
	if h := p.IndexHealth(); h.Repaired != "" || h.Damaged != "" || h.Fallbacks != 0 {
		t.Errorf("fresh index: %+v", h)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	// Every segment file is damaged: scorch may leave a merged-away one
	// behind on close, which the index no longer reads (damaging only the
	// glob's first file once went undetected in CI, most likely so).
	segs, _ := filepath.Glob(filepath.Join(idx, "store", "*.zap"))
	if len(segs) == 0 {
		t.Fatal("no segment")
	}
	for _, seg := range segs {
		f, err := os.OpenFile(seg, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		b := make([]byte, 8)
		if _, err := f.ReadAt(b, 100); err != nil {
			t.Fatal(err)
		}
		for i := range b {
			b[i] = ^b[i] // a few bytes overwritten
		}
		if _, err := f.WriteAt(b, 100); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	p2 := openDir(t, dir, idx)
	defer p2.Close()
	h := p2.IndexHealth()
	if !slices.ContainsFunc(segs, func(seg string) bool {
		return strings.HasPrefix(h.Repaired, "segment "+filepath.Base(seg)+" is damaged")
	}) {
		t.Errorf("IndexHealth().Repaired = %q, want \"segment <one of %d> is damaged…\"", h.Repaired, len(segs))
	}
	if st := p2.IndexStatus(); !st.Synced || st.Err != "" {
		t.Errorf("rebuilt index: %+v", st)
	}
	for q, id := range map[string]string{"lua giong": "n:so-x/thong-bao-a", "ham nghi": "r:so-x/gia-dat/bang-gia.csv#3"} {
		if got := ids(t, p2, q); !has(got, id) {
			t.Errorf("rebuilt index: %q found %v, want %s", q, got, id)
		}
	}
}

// TestIndexPublishedQA: a question published by staff joins the index (through
// the real feedback store) and leaves it when unpublished.
func TestIndexPublishedQA(t *testing.T) {
	ctx := context.Background()
	dir, idx := t.TempDir(), t.TempDir()
	writeFiles(t, dir, baseSite)
	store, err := feedback.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p, err := Open(ctx, Config{Content: os.DirFS(dir), Log: log, IndexDir: idx, QA: store})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	waitIndexed(t, p)

	staff, err := store.CreateStaff(ctx, "canbo@so-x.gov.vn", "Cán bộ", "so-x", feedback.RoleStaff, "mật-khẩu-dài-đủ-12")
	if err != nil {
		t.Fatal(err)
	}
	sub, err := store.Submit(ctx, feedback.NewSubmission{Type: feedback.TypeQuestion, Agency: "so-x", TargetPath: "so-x/thong-bao-a",
		Body: "Giá lúa giống vụ xuân năm nay là bao nhiêu?", Name: "Nguyễn Thị Hoa", Email: "hoa@example.vn"})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Reply(ctx, sub.ID, staff.ID, "Giá lúa giống được niêm yết tại trụ sở.", "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := store.Publish(ctx, sub.ID, staff.ID, "Giá lúa giống vụ xuân là bao nhiêu?", "Giá được niêm yết tại trụ sở Sở X."); err != nil {
		t.Fatal(err)
	}
	p.IndexQA()
	waitQA := func(want bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		id := "q:" + strconv.FormatInt(sub.ID, 10)
		for {
			got := has(ids(t, p, "niem yet tru so"), id)
			if got == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("q&a %s in index = %v, want %v", id, got, want)
			}
			p.IndexQA()
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitQA(true)
	res, err := p.Search(ctx, search.Request{Query: "Nguyen Thi Hoa"})
	if err != nil || res.Total != 0 {
		t.Errorf("the citizen's name is searchable: %v, %v", res, err)
	}
	if err := store.Unpublish(ctx, sub.ID, staff.ID); err != nil {
		t.Fatal(err)
	}
	p.IndexQA()
	waitQA(false)
}

// TestBuildOnlySameIndex: a portal opened only to build its index (congkhai
// index) hands the index larger calls, whose batches are indexed two at a
// time; what it builds answers every query as a serving portal's index does.
func TestBuildOnlySameIndex(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, baseSite)
	var csv strings.Builder
	csv.WriteString("xa,duong,vt1\n")
	for i := 1; i <= 6500; i++ {
		csv.WriteString("Xã Thử,Đường số " + strconv.Itoa(i) + "," + strconv.Itoa(1000+i) + "\n")
	}
	writeFiles(t, dir, map[string]string{"so-x/gia-dat/bang-gia-2.csv": csv.String()})
	// Each query's total, and its hits where their order is decided by the
	// text: the rows that "kind:row xa thu" finds tie, and ties come in the
	// order of the index's segments.
	queries := []string{"duong so 4321", "đường số 6500", "ham nghi", "gia dat", "lua giong", "kind:row xa thu"}
	totalOnly := map[string]bool{"kind:row xa thu": true}
	type answer struct {
		Total uint64
		IDs   []string
	}
	var got [2][]answer
	var docs [2]uint64
	for i, buildOnly := range []bool{false, true} {
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		p, err := Open(context.Background(), Config{Content: os.DirFS(dir), Log: log, IndexDir: t.TempDir(), BuildOnly: buildOnly})
		if err != nil {
			t.Fatal(err)
		}
		waitIndexed(t, p)
		docs[i] = p.IndexStatus().Docs
		for _, q := range queries {
			res, err := p.Search(context.Background(), search.Request{Query: q, Size: 20})
			if err != nil {
				t.Fatalf("Search(%q): %v", q, err)
			}
			a := answer{Total: res.Total}
			for _, h := range res.Hits {
				if totalOnly[q] {
					break
				}
				a.IDs = append(a.IDs, h.ID)
			}
			got[i] = append(got[i], a)
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if docs[0] != 6505 || docs[1] != docs[0] {
		t.Errorf("documents: serving %d, build only %d; want 6505 (a notice, a dataset, 6,503 rows)", docs[0], docs[1])
	}
	for j, q := range queries {
		if !reflect.DeepEqual(got[0][j], got[1][j]) {
			t.Errorf("%q: serving %+v, build only %+v", q, got[0][j], got[1][j])
		}
		if got[0][j].Total == 0 {
			t.Errorf("%q found nothing", q)
		}
	}
}

// TestSyncPassesOverCleanNotices: after an edit, a sync hashes and looks up
// only the notices the reload did not share with the last synced site.
func TestSyncPassesOverCleanNotices(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	for k, v := range baseSite {
		files[k] = v
	}
	for i := range 5 {
		files[fmt.Sprintf("so-x/tb-%d.md", i)] = fmt.Sprintf("---\ntitle: Thông báo số %d\ncategory: thong-bao\npublished: 2026-01-%02d\n---\nNội dung %d.\n", i, i+10, i)
	}
	writeFiles(t, dir, files)
	p := openDir(t, dir, t.TempDir())
	defer p.Close()
	synced := p.Snapshot()
	writeFiles(t, dir, map[string]string{"so-x/tb-2.md": "---\ntitle: Thông báo số 2\ncategory: thong-bao\npublished: 2026-01-12\n---\nNội dung mới.\n"})
	cur := p.Reload(context.Background())
	waitIndexed(t, p)

	tests := []struct {
		name  string
		snap  *Snapshot
		clean []*content.Notice
		want  []string // notice keys handed to fn
		same  int      // notices passed over
	}{
		{"nothing clean", cur, nil, []string{"n:so-x/tb-0", "n:so-x/tb-1", "n:so-x/tb-2", "n:so-x/tb-3", "n:so-x/tb-4", "n:so-x/thong-bao-a"}, 0},
		{"all clean", synced, synced.Site.Notices, nil, 6},
		{"one edited since", cur, synced.Site.Notices, []string{"n:so-x/tb-2"}, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			others := 0
			same := p.eachWanted(tc.snap, tc.clean, func(key string, _ manifestEntry) {
				if strings.HasPrefix(key, "n:") {
					got = append(got, key)
				} else {
					others++
				}
			})
			slices.Sort(got)
			if !slices.Equal(got, tc.want) || same != tc.same || others != 2 {
				t.Errorf("notices %v, same %d, others %d; want %v, %d, 2 (the dataset and its table)", got, same, others, tc.want, tc.same)
			}
		})
	}
	if st := p.IndexStatus(); st.Changed != 1 {
		t.Errorf("changed = %d, want 1", st.Changed)
	}
	if got := ids(t, p, "noi dung moi"); !has(got, "n:so-x/tb-2") {
		t.Errorf("edited notice not found: %v", got)
	}
}
