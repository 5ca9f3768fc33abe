package portal

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/internal/pgtest"
	"github.com/congkhai/congkhai/internal/sqldb"
	"github.com/congkhai/congkhai/publish"
	"github.com/congkhai/congkhai/search"
)

var dbKinds = []string{"sqlite", "postgres"}

// recordDB is a database replicas share: a PostgreSQL schema, or an SQLite
// file in its own folder.
type recordDB struct{ dsn, dir string }

func newRecordDB(t testing.TB, kind string) recordDB {
	t.Helper()
	if kind == "postgres" {
		return recordDB{dsn: pgtest.DSN(t, "portal")}
	}
	return recordDB{dir: t.TempDir()}
}

func (d recordDB) open(t testing.TB, opts ...publish.Option) *publish.Store {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := sqldb.Open(context.Background(), d.dsn, d.dir, sqldb.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st, err := publish.New(context.Background(), db, append([]publish.Option{publish.WithLogger(quiet)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// replica is a running portal with its own content and data folders.
type replica struct {
	p          *Portal
	dir, data  string
	stop       func()
	store      *publish.Store
	logsLocked *lockedWriter
}

type lockedWriter struct {
	ch chan struct{}
	b  *strings.Builder
}

func (w *lockedWriter) Write(b []byte) (int, error) {
	w.ch <- struct{}{}
	defer func() { <-w.ch }()
	return w.b.Write(b)
}

func (w *lockedWriter) String() string {
	w.ch <- struct{}{}
	defer func() { <-w.ch }()
	return w.b.String()
}

// startReplica opens a portal on dir with the record of db, and runs it
// until the test ends (or stop).
func startReplica(t testing.TB, db recordDB, dir, data string, opts ...publish.Option) *replica {
	t.Helper()
	return startReplicaWith(t, db, dir, data, filepath.Join(data, "index"), opts...)
}

// startReplicaWith is startReplica with the search index in index ("": none).
func startReplicaWith(t testing.TB, db recordDB, dir, data, index string, opts ...publish.Option) *replica {
	t.Helper()
	lw := &lockedWriter{ch: make(chan struct{}, 1), b: &strings.Builder{}}
	store := db.open(t, opts...)
	cfg := Config{Content: mustDir(t, dir), Dir: dir, Log: slog.New(slog.NewTextHandler(lw, &slog.HandlerOptions{Level: slog.LevelDebug})),
		IndexDir: index, Publish: store, RecordFile: filepath.Join(data, "publish.state"), Debounce: 20 * time.Millisecond}
	p, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = p.Run(ctx) }()
	stopped := false
	r := &replica{p: p, dir: dir, data: data, store: store, logsLocked: lw}
	r.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		<-done
		p.Close()
	}
	t.Cleanup(r.stop)
	r.wait(t)
	return r
}

func mustDir(t testing.TB, dir string) *content.Dir {
	t.Helper()
	d, err := content.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// wait waits until the replica has applied the record and recorded what it saw.
func (r *replica) wait(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := r.p.WaitRecord(ctx); err != nil {
		t.Fatalf("WaitRecord: %v\n%s", err, r.logsLocked.String())
	}
}

// eventually retries cond until it holds or 20 s pass.
func eventually(t *testing.T, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > 20*time.Second {
			t.Fatalf("%s: not within 20 s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return time.Since(start)
}

func recordSite() map[string]string {
	return map[string]string{
		"site.yaml":                       "title: Cổng thử\n",
		"so-tai-chinh/_agency.md":         "---\nname: Sở Tài chính\n---\nSở.\n",
		"so-tai-chinh/mot.md":             "---\ntitle: Thông báo một\ncategory: notice\npublished: 2025-01-01\nattachments:\n  - file: files/qd.pdf\n---\nMột.\n",
		"so-tai-chinh/hai.md":             "---\ntitle: Thông báo hai\ncategory: notice\npublished: 2025-01-02\nattachments:\n  - file: files/qd.pdf\n---\nHai.\n",
		"so-tai-chinh/files/qd.pdf":       "%PDF-1.4 chung",
		"so-tai-chinh/gia-dat/index.md":   "---\ntitle: Bảng giá đất\ncategory: gia-dat\npublished: 2025-01-01\n---\nGiá.\n",
		"so-tai-chinh/gia-dat/gia.csv":    "ma,ten,gia\n1,Đường A,1.200.000\n2,Đường B,950.000\n",
		"ubnd-tinh/_agency.md":            "---\nname: Ủy ban nhân dân tỉnh\n---\n",
		"ubnd-tinh/thong-bao-lich-hop.md": "---\ntitle: Thông báo lịch họp\ncategory: notice\npublished: 2025-02-01\n---\nHọp.\n",
	}
}

func newFolder(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, files)
	return dir
}

func noticeFile(t testing.TB, title, body string) []byte {
	t.Helper()
	b, err := content.EncodeNotice(content.NoticeDraft{Title: title, Category: content.CatNotice,
		Published: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Body: body})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func versions(t *testing.T, st *publish.Store, path string) []publish.Version {
	t.Helper()
	vs, err := st.Versions(context.Background(), path)
	if err != nil {
		t.Fatalf("Versions(%s): %v", path, err)
	}
	return vs
}

func searchIDs(t *testing.T, p *Portal, q string) []string {
	t.Helper()
	waitIndexed(t, p)
	res, err := p.Search(context.Background(), search.Request{Query: q, Size: 50})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

// TestPublishThroughPortal publishes, corrects, withdraws and restores a
// notice and a dataset through Publish, on both databases.
func TestPublishThroughPortal(t *testing.T) {
	for _, kind := range dbKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := newRecordDB(t, kind)
			r := startReplica(t, db, newFolder(t, recordSite()), t.TempDir())
			p, st := r.p, r.store
			// The first start recorded every item once.
			if rs := p.RecordStatus(); !rs.Enabled || !rs.Ready || rs.Items != 4 || rs.Version != 4 {
				t.Errorf("RecordStatus = %+v", rs)
			}
			head, _ := st.Head(ctx)
			if head != 4 {
				t.Errorf("first start recorded %d versions, want 4 (3 notices, 1 dataset)", head)
			}
			if v := versions(t, st, "so-tai-chinh/mot"); v[0].Action != publish.ActionPublish || v[0].Actor != publish.ActorFile || len(v[0].Files) != 2 {
				t.Errorf("first version of mot: %+v", v[0])
			}

			const path = "so-tai-chinh/thong-bao-moi"
			mk := func(title string) map[string][]byte {
				return map[string][]byte{path + ".md": noticeFile(t, title, "Nội dung về ngân sách xã Cẩm Quan."), "so-tai-chinh/files/moi.pdf": []byte("%PDF moi")}
			}
			// A file of another item, or a broken one, is refused.
			bad := mk("Mới")
			bad[path+".md"] = []byte("---\ntitle: Thiếu ngày\ncategory: notice\n---\n")
			if _, err := p.Publish(ctx, Change{Path: path, Action: publish.ActionPublish, Actor: publish.StaffActor(1), Files: bad}); !isContentError(err) {
				t.Fatalf("Publish of a broken file: %v", err)
			}
			v1, err := p.Publish(ctx, Change{Path: path, Action: publish.ActionPublish, Actor: publish.StaffActor(1), Files: mk("Thông báo mới về ngân sách")})
			if err != nil {
				t.Fatal(err)
			}
			if n, ok := p.Snapshot().Site.Notice(path); !ok || n.Title != "Thông báo mới về ngân sách" || len(n.Attachments) != 0 {
				// The notice names no attachment: moi.pdf is a file of the version all the same.
				if !ok {
					t.Fatalf("the snapshot lacks %s after Publish", path)
				}
			}
			if b, err := os.ReadFile(filepath.Join(r.dir, "so-tai-chinh", "files", "moi.pdf")); err != nil || string(b) != "%PDF moi" {
				t.Errorf("moi.pdf in the folder: %q, %v", b, err)
			}
			if !has(searchIDs(t, p, "thông báo mới"), "n:"+path) {
				t.Errorf("search does not find the new notice")
			}
			if _, ok := p.Snapshot().Record(path); ok {
				t.Errorf("Record of a notice with one version: want none")
			}
			// Correct it; a second correction from the same base conflicts.
			v2, err := p.Publish(ctx, Change{Path: path, Action: publish.ActionCorrect, Actor: publish.StaffActor(1), Reason: "Sửa tiêu đề", Base: v1.Number,
				Files: mk("Thông báo mới về ngân sách (đính chính)")})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Publish(ctx, Change{Path: path, Action: publish.ActionCorrect, Actor: publish.StaffActor(2), Reason: "x", Base: v1.Number, Files: mk("Khác")}); !errors.Is(err, publish.ErrConflict) {
				t.Errorf("stale base: %v, want ErrConflict", err)
			}
			snap := p.Snapshot()
			if n, _ := snap.Site.Notice(path); n == nil || !strings.Contains(n.Title, "đính chính") {
				t.Errorf("snapshot after the correction: %+v", n)
			}
			rec, ok := snap.Record(path)
			if !ok || rec.Modifications != 1 || rec.Versions != 2 || rec.ModReason != "Sửa tiêu đề" || !rec.LastModified.Equal(v2.At) {
				t.Errorf("Record after the correction = %+v, %v", rec, ok)
			}
			h, err := p.History(ctx, path)
			if err != nil || len(h.Versions) != 2 || h.Modifications != 1 {
				t.Fatalf("History = %+v, %v", h, err)
			}
			d, err := p.Diff(ctx, path, 1, 2)
			if err != nil || len(d.Fields) != 1 || d.Fields[0].Name != "title" || d.Body != nil {
				t.Errorf("Diff = %+v, %v", d, err)
			}
			// Withdraw: the files leave the folder, a tombstone stays.
			v3, err := p.Publish(ctx, Change{Path: path, Action: publish.ActionWithdraw, Actor: publish.StaffActor(1), Reason: "Ban hành nhầm", Base: v2.Number})
			if err != nil {
				t.Fatal(err)
			}
			snap = p.Snapshot()
			if _, ok := snap.Site.Notice(path); ok {
				t.Errorf("the withdrawn notice is still served")
			}
			for _, f := range []string{"so-tai-chinh/thong-bao-moi.md", "so-tai-chinh/files/moi.pdf"} {
				if _, err := os.Stat(filepath.Join(r.dir, f)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s is still in the folder (%v)", f, err)
				}
			}
			if _, err := os.Stat(filepath.Join(r.dir, "so-tai-chinh", "files", "qd.pdf")); err != nil {
				t.Errorf("the attachment other notices share was removed: %v", err)
			}
			tomb, ok := snap.Tombstone(path)
			if !ok || tomb.Reason != "Ban hành nhầm" || tomb.Title != "Thông báo mới về ngân sách (đính chính)" || !tomb.At.Equal(v3.At) || tomb.Agency != "so-tai-chinh" {
				t.Errorf("Tombstone = %+v, %v", tomb, ok)
			}
			if ts := snap.Tombstones(); len(ts) != 1 || ts[0].Path != path {
				t.Errorf("Tombstones = %+v", ts)
			}
			eventually(t, "the index drops the withdrawn notice", func() bool { return !has(searchIDs(t, p, "thông báo mới"), "n:"+path) })
			// Restore it with the files withdrawn.
			if _, err := p.Publish(ctx, Change{Path: path, Action: publish.ActionRestore, Actor: publish.StaffActor(1), Reason: "Khôi phục", Base: v3.Number}); err != nil {
				t.Fatal(err)
			}
			if _, ok := p.Snapshot().Tombstone(path); ok {
				t.Error("a restored notice keeps its tombstone")
			}
			if n, ok := p.Snapshot().Site.Notice(path); !ok || !strings.Contains(n.Title, "đính chính") {
				t.Error("the restored notice is not served")
			}
			r.wait(t)
			// Nothing came back as a hand edit.
			if vs := versions(t, st, path); len(vs) != 4 {
				t.Errorf("%d versions of %s, want 4: %+v", len(vs), path, vs)
			}
		})
	}
}

func isContentError(err error) bool {
	var ce *ContentError
	return errors.As(err, &ce)
}

// TestHandEdits edits, breaks, fixes and deletes files by hand: each change
// that loads is recorded once, as a hand edit.
func TestHandEdits(t *testing.T) {
	for _, kind := range dbKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := newRecordDB(t, kind)
			r := startReplica(t, db, newFolder(t, recordSite()), t.TempDir())
			p, st := r.p, r.store
			const path = "so-tai-chinh/mot"
			file := filepath.Join(r.dir, "so-tai-chinh", "mot.md")
			edit := func(body string) {
				t.Helper()
				if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
				p.Reload(ctx)
				r.wait(t)
			}
			orig := recordSite()["so-tai-chinh/mot.md"]
			steps := []struct {
				name     string
				do       func()
				versions int
				last     publish.Action
			}{
				{"edited", func() { edit(strings.Replace(orig, "Một.", "Một, đã sửa.", 1)) }, 2, publish.ActionHandEdit},
				{"saved again unchanged", func() { edit(strings.Replace(orig, "Một.", "Một, đã sửa.", 1)) }, 2, publish.ActionHandEdit},
				{"broken", func() { edit("---\ntitle: Hỏng: thiếu ngoặc\n---\n") }, 2, publish.ActionHandEdit},
				{"fixed", func() { edit(strings.Replace(orig, "Một.", "Một, sửa lần hai.", 1)) }, 3, publish.ActionHandEdit},
				{"attachment replaced", func() {
					if err := os.WriteFile(filepath.Join(r.dir, "so-tai-chinh", "files", "qd.pdf"), []byte("%PDF-1.4 thay"), 0o644); err != nil {
						t.Fatal(err)
					}
					p.Reload(ctx)
					r.wait(t)
				}, 4, publish.ActionHandEdit},
				{"deleted", func() {
					if err := os.Remove(file); err != nil {
						t.Fatal(err)
					}
					p.Reload(ctx)
					r.wait(t)
				}, 5, publish.ActionWithdraw},
				{"put back", func() { edit(orig) }, 6, publish.ActionHandEdit},
			}
			for _, s := range steps {
				s.do()
				vs := versions(t, st, path)
				last := vs[len(vs)-1]
				if len(vs) != s.versions || last.Action != s.last || last.Actor != publish.ActorFile {
					t.Fatalf("%s: %d versions, last %s by %s; want %d, last %s\n%s", s.name, len(vs), last.Action, last.Actor, s.versions, s.last, r.logsLocked.String())
				}
				if s.last == publish.ActionHandEdit && last.Reason != ReasonHandEdit || s.last == publish.ActionWithdraw && last.Reason != ReasonHandRemove {
					t.Errorf("%s: reason %q", s.name, last.Reason)
				}
			}
			// The shared attachment changed: both notices were recorded.
			if vs := versions(t, st, "so-tai-chinh/hai"); len(vs) != 2 {
				t.Errorf("hai: %d versions, want 2 (its attachment was replaced)", len(vs))
			}
			// A hand-added notice is recorded as published by the folder.
			writeFiles(t, r.dir, map[string]string{"ubnd-tinh/moi.md": "---\ntitle: Mới thêm\ncategory: notice\npublished: 2025-03-01\n---\nMới.\n"})
			p.Reload(ctx)
			r.wait(t)
			if vs := versions(t, st, "ubnd-tinh/moi"); len(vs) != 1 || vs[0].Action != publish.ActionPublish || vs[0].Reason != ReasonHandAdd {
				t.Errorf("hand-added notice: %+v", vs)
			}
			rec, ok := p.Snapshot().Record(path)
			if !ok || rec.Versions != 6 || rec.Modifications != 4 {
				t.Errorf("Record(%s) = %+v, %v; want 6 versions, 4 modifications", path, rec, ok)
			}
		})
	}
}

// TestReplicas runs two replicas on one database with their own folders: a
// publication, a hand edit and a withdrawal on either reach the other; a
// third started later catches up; no applied version comes back as a hand
// edit.
func TestReplicas(t *testing.T) {
	for _, kind := range dbKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := newRecordDB(t, kind)
			a := startReplica(t, db, newFolder(t, recordSite()), t.TempDir())
			b := startReplica(t, db, newFolder(t, recordSite()), t.TempDir())
			head, _ := a.store.Head(ctx)
			if head != 4 {
				t.Errorf("two replicas of one folder recorded %d versions, want 4", head)
			}
			const path = "ubnd-tinh/thong-bao-moi"
			if _, err := a.p.Publish(ctx, Change{Path: path, Action: publish.ActionPublish, Actor: publish.StaffActor(1),
				Files: map[string][]byte{path + ".md": noticeFile(t, "Thông báo tuyển dụng công chức", "Tuyển dụng.")}}); err != nil {
				t.Fatal(err)
			}
			took := eventually(t, "B serves A's publication", func() bool { _, ok := b.p.Snapshot().Site.Notice(path); return ok })
			t.Logf("B served A's publication after %v", took)
			eventually(t, "B's search finds it", func() bool { return has(searchIDs(t, b.p, "tuyển dụng"), "n:"+path) })
			// A hand edit on B reaches A.
			writeFiles(t, b.dir, map[string]string{"so-tai-chinh/hai.md": strings.Replace(recordSite()["so-tai-chinh/hai.md"], "Hai.", "Hai, sửa trên B.", 1)})
			b.p.Reload(ctx)
			b.wait(t)
			eventually(t, "A has B's hand edit", func() bool {
				data, _ := os.ReadFile(filepath.Join(a.dir, "so-tai-chinh", "hai.md"))
				return strings.Contains(string(data), "sửa trên B")
			})
			// A dataset's table corrected on A reaches B.
			files, base, err := a.p.ItemFiles(ctx, "so-tai-chinh/gia-dat")
			if err != nil || base != 1 {
				t.Fatalf("ItemFiles = %v, %d, %v", files, base, err)
			}
			files["so-tai-chinh/gia-dat/gia.csv"] = []byte("ma,ten,gia\n1,Đường A,1.300.000\n2,Đường B,950.000\n3,Đường C,700.000\n")
			if _, err := a.p.Publish(ctx, Change{Path: "so-tai-chinh/gia-dat", Action: publish.ActionCorrect, Actor: publish.StaffActor(1), Reason: "Giá mới", Base: base, Files: files}); err != nil {
				t.Fatal(err)
			}
			eventually(t, "B serves the corrected table", func() bool {
				d, ok := b.p.Snapshot().Site.Dataset("so-tai-chinh/gia-dat")
				return ok && len(d.Tables) == 1 && d.Tables[0].RowCount == 3
			})
			// A withdrawal on B reaches A.
			if _, err := b.p.Publish(ctx, Change{Path: "so-tai-chinh/mot", Action: publish.ActionWithdraw, Actor: publish.StaffActor(2), Reason: "Hết hiệu lực", Base: 1}); err != nil {
				t.Fatal(err)
			}
			eventually(t, "A drops the withdrawn notice", func() bool {
				_, ok := a.p.Snapshot().Site.Notice("so-tai-chinh/mot")
				_, tomb := a.p.Snapshot().Tombstone("so-tai-chinh/mot")
				return !ok && tomb
			})
			a.wait(t)
			b.wait(t)
			// A third replica started now, from the original folder.
			c := startReplica(t, db, newFolder(t, recordSite()), t.TempDir())
			snap := c.p.Snapshot()
			if _, ok := snap.Site.Notice(path); !ok {
				t.Error("C lacks the notice published on A")
			}
			if _, ok := snap.Site.Notice("so-tai-chinh/mot"); ok {
				t.Error("C serves the notice withdrawn on B")
			}
			if d, ok := snap.Site.Dataset("so-tai-chinh/gia-dat"); !ok || d.Tables[0].RowCount != 3 {
				t.Error("C lacks the corrected table")
			}
			if data, _ := os.ReadFile(filepath.Join(c.dir, "so-tai-chinh", "hai.md")); !strings.Contains(string(data), "sửa trên B") {
				t.Error("C lacks B's hand edit")
			}
			if _, err := os.Stat(filepath.Join(c.dir, "so-tai-chinh", "files", "qd.pdf")); err != nil {
				t.Errorf("C removed the attachment hai still has: %v", err)
			}
			// Every change is one version: none came back as a hand edit.
			for p, want := range map[string]int{path: 1, "so-tai-chinh/hai": 2, "so-tai-chinh/gia-dat": 2, "so-tai-chinh/mot": 2, "ubnd-tinh/thong-bao-lich-hop": 1} {
				if vs := versions(t, a.store, p); len(vs) != want {
					t.Errorf("%s: %d versions, want %d: %+v", p, len(vs), want, vs)
				}
			}
		})
	}
}

// TestRestartFollowsFromState stops a replica, records versions meanwhile,
// and restarts it: it applies them from its saved cursor and records
// nothing again.
func TestRestartFollowsFromState(t *testing.T) {
	ctx := context.Background()
	db := newRecordDB(t, "sqlite")
	dir, data := newFolder(t, recordSite()), t.TempDir()
	a := startReplica(t, db, dir, data)
	a.stop()
	if _, err := os.Stat(filepath.Join(data, "publish.state")); err != nil {
		t.Fatalf("no state file after Close: %v", err)
	}
	b := startReplica(t, db, newFolder(t, recordSite()), t.TempDir())
	if _, err := b.p.Publish(ctx, Change{Path: "so-tai-chinh/moi", Action: publish.ActionPublish, Actor: publish.StaffActor(1),
		Files: map[string][]byte{"so-tai-chinh/moi.md": noticeFile(t, "Mới khi A dừng", "x")}}); err != nil {
		t.Fatal(err)
	}
	b.stop()
	head, _ := b.store.Head(ctx)
	a2 := startReplica(t, db, dir, data)
	if _, ok := a2.p.Snapshot().Site.Notice("so-tai-chinh/moi"); !ok {
		t.Error("the restarted replica lacks the version recorded while it was down")
	}
	if h2, _ := a2.store.Head(ctx); h2 != head {
		t.Errorf("the restart recorded %d versions", h2-head)
	}
	if !strings.Contains(a2.logsLocked.String(), "caught up") {
		t.Errorf("logs:\n%s", a2.logsLocked.String())
	}
	// The state read from the file shares its strings with the content:
	// one copy of each path, file name, hash, kind and reason.
	same := func(a, b string) bool { return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b) }
	a2.p.rec.mu.Lock()
	defer a2.p.rec.mu.Unlock()
	var first *itemState
	for _, p := range []string{"so-tai-chinh/mot", "so-tai-chinh/hai", "so-tai-chinh/gia-dat"} {
		st := a2.p.rec.items[p]
		if st == nil {
			t.Fatalf("%s: no state", p)
		}
		var path, main, hash string
		if n, ok := a2.p.Snapshot().Site.Notice(p); ok {
			path, main, hash = n.Path, n.Source, n.Hash
		} else if d, ok := a2.p.Snapshot().Site.Dataset(p); ok {
			path, main, hash = d.Path, d.IndexSource, d.Hash
		}
		f, ok := st.file(main)
		if !ok || !same(st.Path, path) || !same(f.Name, main) || !same(f.Hash, hash) {
			t.Errorf("%s: the state's path, file name or hash is a copy of the content's (%q %q %q)", p, st.Path, f.Name, f.Hash)
		}
		for k := range a2.p.rec.items {
			if k == p && !same(k, path) {
				t.Errorf("%s: the state's key is a copy of the path", p)
			}
		}
		if first == nil {
			first = st
		} else if !same(st.Reason, first.Reason) || !same(string(st.Action), string(first.Action)) {
			t.Errorf("%s: reason %q and action %q are copies", p, st.Reason, st.Action)
		}
	}
}

// TestUnwritableVersionIsPassedOver: a version a replica's folder cannot take
// (its folder there is a symbolic link) is logged and passed over; the
// versions after it still arrive, and nothing is written through the link.
func TestUnwritableVersionIsPassedOver(t *testing.T) {
	ctx := context.Background()
	db := newRecordDB(t, "sqlite")
	a := startReplica(t, db, newFolder(t, recordSite()), t.TempDir())
	b := startReplica(t, db, newFolder(t, recordSite()), t.TempDir())
	outside := t.TempDir()
	folder := filepath.Join(b.dir, "so-tai-chinh", "gia-dat")
	if err := os.RemoveAll(folder); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, folder); err != nil {
		t.Fatal(err)
	}
	b.p.Reload(ctx)
	b.wait(t)
	files, base, err := a.p.ItemFiles(ctx, "so-tai-chinh/gia-dat")
	if err != nil {
		t.Fatal(err)
	}
	files["so-tai-chinh/gia-dat/gia.csv"] = []byte("ma,ten,gia\n1,Đường A,2.000.000\n")
	if _, err := a.p.Publish(ctx, Change{Path: "so-tai-chinh/gia-dat", Action: publish.ActionCorrect, Actor: publish.StaffActor(1), Reason: "x", Base: base, Files: files}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.p.Publish(ctx, Change{Path: "ubnd-tinh/sau", Action: publish.ActionPublish, Actor: publish.StaffActor(1),
		Files: map[string][]byte{"ubnd-tinh/sau.md": noticeFile(t, "Thông báo sau", "x")}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "B gets the version after the one it cannot write", func() bool { _, ok := b.p.Snapshot().Site.Notice("ubnd-tinh/sau"); return ok })
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("written through the link: %v", entries)
	}
	if !strings.Contains(b.logsLocked.String(), "cannot be written into this folder") {
		t.Errorf("B did not log the version it passed over:\n%s", b.logsLocked.String())
	}
}
