package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/congkhai/congkhai/internal/binarytest"
	"github.com/congkhai/congkhai/internal/pgtest"
	"github.com/congkhai/congkhai/internal/sqldb"
	"github.com/congkhai/congkhai/publish"
)

// replicaVisible is how soon a change on one replica must be visible on the
// others (page and search).
const replicaVisible = 2 * time.Second

// waitCaughtUp waits until a replica logs that it caught up with the record
// and its search index with its content.
func waitCaughtUp(t *testing.T, p *binarytest.Process) {
	t.Helper()
	waitRecord(t, p)
	waitSynced(t, p)
}

// waitRecord waits until a replica logs that it caught up with the record.
func waitRecord(t *testing.T, p *binarytest.Process) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(p.Logs(), "publishing record: caught up") {
		if time.Now().After(deadline) {
			t.Fatalf("the replica did not catch up with the record; logs:\n%s", p.Logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// until polls a page of each replica until ok holds on all of them, and
// returns how long that took (failing after 10 s).
func until(t *testing.T, what string, ok func(status int, body string) bool, path string, ps ...*binarytest.Process) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		all := true
		for _, p := range ps {
			status, body := p.Get(t, path)
			all = all && ok(status, body)
		}
		if all {
			return time.Since(start)
		}
		if time.Since(start) > 10*time.Second {
			var logs strings.Builder
			for _, p := range ps {
				logs.WriteString(p.Logs() + "\n----\n")
			}
			t.Fatalf("%s: not visible after 10 s (GET %s)\n%s", what, path, logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// publishCmd runs `congkhai publish` and returns its output.
func publishCmd(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(binarytest.Binary(t), append([]string{"publish"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("congkhai publish %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestReplicas runs two portals on one PostgreSQL database, each with its own
// content and data folders: a hand edit on A and publications, corrections
// and withdrawals made with `congkhai publish` are served by both, page and
// search, within 2 s; a third replica started later catches up; and a
// replica killed while it writes a large table leaves no half-written file
// and, restarted, has every version the record acknowledged.
func TestReplicas(t *testing.T) {
	dsn := pgtest.DSN(t, "e2e")
	dirA, dirB := binarytest.CopyDir(t, demoDir()), binarytest.CopyDir(t, demoDir())
	dataA := t.TempDir()
	a := binarytest.Start(t, "--content", dirA, "--data", dataA, "--db", dsn)
	b := binarytest.Start(t, "--content", dirB, "--data", t.TempDir(), "--db", dsn)
	waitCaughtUp(t, a)
	waitCaughtUp(t, b)

	// (a) A hand edit on A.
	const noticeURL = "/so-noi-vu/thong-bao-tuyen-dung-cong-chuc-2026"
	file := filepath.Join(dirA, "so-noi-vu", "thong-bao-tuyen-dung-cong-chuc-2026.md")
	orig, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(orig), "title: Thông báo tuyển dụng công chức", "title: Thông báo (sửa) tuyển dụng công chức", 1)
	edited = strings.Replace(edited, "\n---\n", "\n---\nTừ khóa sửa tay: nhanbansaochep.\n\n", 1)
	writeAtomic(t, file, []byte(edited))
	took := until(t, "A's hand edit on B's page", func(s int, body string) bool {
		return s == 200 && strings.Contains(body, "Thông báo (sửa) tuyển dụng")
	}, noticeURL, b)
	tookSearch := until(t, "A's hand edit in B's search", func(s int, body string) bool {
		return s == 200 && strings.Contains(body, "thong-bao-tuyen-dung-cong-chuc-2026")
	}, "/api/search?q=nhanbansaochep", b) + took
	t.Logf("hand edit on A: B's page after %v, B's search after %v", took, tookSearch)
	if tookSearch > replicaVisible {
		t.Errorf("A's hand edit took %v to reach B's page and search, want at most %v", tookSearch, replicaVisible)
	}

	// (b) A new notice published with `congkhai publish`.
	staging := t.TempDir()
	const path = "so-noi-vu/thong-bao-thi-tuyen-vong-2"
	notice := "---\ntitle: Thông báo thi tuyển công chức vòng 2\ncategory: thong-bao\npublished: 2026-11-02\n---\nDanh sách thí sinh dự thi vòng 2: tuyenvonghai.\n"
	writeFile(t, filepath.Join(staging, "so-noi-vu", "thong-bao-thi-tuyen-vong-2.md"), notice)
	common := []string{"--db", dsn, "--data", t.TempDir(), "--content", dirB}
	out := publishCmd(t, append(common, "--path", path, "--from", staging, "--actor", "staff:7")...)
	if !strings.Contains(out, "version 1 recorded") {
		t.Fatalf("publish: %s", out)
	}
	took = until(t, "the publication on both pages", func(s int, body string) bool {
		return s == 200 && strings.Contains(body, "Thông báo thi tuyển công chức vòng 2")
	}, "/"+path, a, b)
	tookSearch = until(t, "the publication in both searches", func(s int, body string) bool {
		return s == 200 && strings.Contains(body, "thong-bao-thi-tuyen-vong-2")
	}, "/api/search?q=tuyenvonghai", a, b) + took
	t.Logf("publication: both pages after %v, both searches after %v", took, tookSearch)
	if tookSearch > replicaVisible {
		t.Errorf("the publication took %v to reach both replicas, want at most %v", tookSearch, replicaVisible)
	}

	// A correction, then a withdrawal.
	writeFile(t, filepath.Join(staging, "so-noi-vu", "thong-bao-thi-tuyen-vong-2.md"), strings.Replace(notice, "vòng 2\n", "vòng 2 (đính chính)\n", 1))
	publishCmd(t, append(common, "--path", path, "--from", staging, "--reason", "Sửa tiêu đề")...)
	took = until(t, "the correction", func(s int, body string) bool { return s == 200 && strings.Contains(body, "(đính chính)") }, "/"+path, a, b)
	t.Logf("correction: both pages after %v", took)
	publishCmd(t, append(common, "--path", path, "--action", "withdraw", "--reason", "Đăng nhầm")...)
	took = until(t, "the withdrawal", func(s int, body string) bool { return s != 200 }, "/"+path, a, b)
	tookSearch = until(t, "the withdrawal in search", func(s int, body string) bool {
		return s == 200 && !strings.Contains(body, "thong-bao-thi-tuyen-vong-2")
	}, "/api/search?q=tuyenvonghai", a, b) + took
	t.Logf("withdrawal: both pages after %v, both searches after %v", took, tookSearch)
	if tookSearch > replicaVisible {
		t.Errorf("the withdrawal took %v to reach both replicas, want at most %v", tookSearch, replicaVisible)
	}
	if _, err := os.Stat(filepath.Join(dirB, "so-noi-vu", "thong-bao-thi-tuyen-vong-2.md")); !os.IsNotExist(err) {
		t.Errorf("the withdrawn file is still in B's folder (%v)", err)
	}

	// A third replica, started now from the demo, catches up.
	dirC := binarytest.CopyDir(t, demoDir())
	c := binarytest.Start(t, "--content", dirC, "--data", t.TempDir(), "--db", dsn)
	waitCaughtUp(t, c)
	if s, body := c.Get(t, noticeURL); s != 200 || !strings.Contains(body, "Thông báo (sửa) tuyển dụng") {
		t.Errorf("C does not serve A's hand edit (%d)", s)
	}
	if s, _ := c.Get(t, "/"+path); s == 200 {
		t.Error("C serves the withdrawn notice")
	}
	if ans := apiSearch(t, c, "/api/search?q=nhanbansaochep"); ans.Total != 1 {
		t.Errorf("C's search finds the hand edit %d times, want 1", ans.Total)
	}
	c.Stop(t)
	b.Stop(t)

	// A is killed while it writes a large table; the record keeps every
	// version it acknowledged, and A, restarted, writes them.
	const setPath = "so-tai-chinh/gia-dat-lon"
	big := largeTable(40 << 20)
	writeFile(t, filepath.Join(staging, "so-tai-chinh", "gia-dat-lon", "index.md"),
		"---\ntitle: Bảng giá đất (bảng lớn)\ncategory: gia-dat\npublished: 2026-11-01\n---\nBảng lớn.\n")
	writeFile(t, filepath.Join(staging, "so-tai-chinh", "gia-dat-lon", "gia.csv"), string(big))
	seen := make(chan bool, 1)
	go func() {
		// Kill A as soon as its temporary file of the table appears.
		folder := filepath.Join(dirA, "so-tai-chinh", "gia-dat-lon")
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			entries, _ := os.ReadDir(folder)
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".gia.csv.") {
					_ = a.Cmd.Process.Signal(syscall.SIGKILL)
					seen <- true
					return
				}
			}
			time.Sleep(200 * time.Microsecond)
		}
		_ = a.Cmd.Process.Signal(syscall.SIGKILL)
		seen <- false
	}()
	out = publishCmd(t, append(common, "--path", setPath, "--from", staging)...)
	if !strings.Contains(out, "version 1 recorded") {
		t.Fatalf("publish: %s", out)
	}
	midWrite := <-seen
	_ = a.Cmd.Wait()
	t.Logf("A killed during the write of the table: %v", midWrite)
	// No half-written file: every file of A's folder is whole (the table is
	// absent or all of it), whatever the moment of the kill.
	if got, err := os.ReadFile(filepath.Join(dirA, "so-tai-chinh", "gia-dat-lon", "gia.csv")); err == nil && !bytes.Equal(got, big) {
		t.Errorf("A's folder holds %d bytes of the table's %d: a half-written file", len(got), len(big))
	}
	checkWholeFolder(t, dirA, dirB)

	// Restarted, A applies what the record acknowledged.
	a2 := binarytest.Start(t, "--content", dirA, "--data", dataA, "--db", dsn)
	waitRecord(t, a2) // its index takes a while over half a million rows
	until(t, "the large dataset on A after its restart", func(s int, body string) bool {
		return s == 200 && strings.Contains(body, "Bảng giá đất (bảng lớn)")
	}, "/"+setPath, a2)
	if got, err := os.ReadFile(filepath.Join(dirA, "so-tai-chinh", "gia-dat-lon", "gia.csv")); err != nil || !bytes.Equal(got, big) {
		t.Errorf("after the restart A's table is %d bytes (%v), want %d", len(got), err, len(big))
	}
	entries, _ := os.ReadDir(filepath.Join(dirA, "so-tai-chinh", "gia-dat-lon"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file %s left after the restart", e.Name())
		}
	}
	// Every version is on the record once: none came back as a hand edit.
	st := openRecord(t, dsn)
	for p, want := range map[string][]publish.Action{
		"so-noi-vu/thong-bao-tuyen-dung-cong-chuc-2026": {publish.ActionPublish, publish.ActionHandEdit},
		path:    {publish.ActionPublish, publish.ActionCorrect, publish.ActionWithdraw},
		setPath: {publish.ActionPublish},
	} {
		vs, err := st.Versions(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		var got []publish.Action
		for _, v := range vs {
			got = append(got, v.Action)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: versions %v, want %v", p, got, want)
		}
	}
}

func writeFile(t *testing.T, p, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// largeTable returns a CSV table of about n bytes.
func largeTable(n int) []byte {
	var b bytes.Buffer
	b.WriteString("ma,xa,duong,doan,vt1,vt2,vt3\n")
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "%d,Xã Cẩm %d,Đường số %d,Đoạn từ km %d đến km %d,%d,%d,%d\n", i+1, i%30, i%500, i%7, i%7+1, 1000000+i, 700000+i, 500000+i)
	}
	return b.Bytes()
}

// checkWholeFolder checks that every visible file of dir is a file of ref
// with the same bytes, or a file of the large dataset: nothing is half
// written.
func checkWholeFolder(t *testing.T, dir, ref string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if strings.HasPrefix(filepath.ToSlash(rel), "so-tai-chinh/gia-dat-lon/") {
			return nil
		}
		got, _ := os.ReadFile(p)
		want, err := os.ReadFile(filepath.Join(ref, rel))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s differs from the other replica's (%v)", rel, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func openRecord(t *testing.T, dsn string) *publish.Store {
	t.Helper()
	db, err := sqldb.Open(context.Background(), dsn, "", sqldb.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	st, err := publish.New(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestPublishOneMachine is the simple path: one portal on SQLite in its data
// folder, and `congkhai publish` run beside it on the same data folder. The
// portal finds the version on its next look at the record (every second) and
// serves it.
func TestPublishOneMachine(t *testing.T) {
	dir, data := binarytest.CopyDir(t, demoDir()), t.TempDir()
	p := binarytest.Start(t, "--content", dir, "--data", data)
	waitCaughtUp(t, p)
	staging := t.TempDir()
	writeFile(t, filepath.Join(staging, "ubnd-tinh", "thong-bao-mot-may.md"),
		"---\ntitle: Thông báo trên một máy\ncategory: thong-bao\npublished: 2026-11-03\n---\nMột máy, một thư mục.\n")
	out := publishCmd(t, "--data", data, "--content", dir, "--path", "ubnd-tinh/thong-bao-mot-may", "--from", staging)
	if !strings.Contains(out, "version 1 recorded") {
		t.Fatalf("publish: %s", out)
	}
	took := until(t, "the publication", func(s int, body string) bool {
		return s == 200 && strings.Contains(body, "Thông báo trên một máy")
	}, "/ubnd-tinh/thong-bao-mot-may", p)
	t.Logf("served %v after congkhai publish returned", took)
	if b, err := os.ReadFile(filepath.Join(dir, "ubnd-tinh", "thong-bao-mot-may.md")); err != nil || !strings.Contains(string(b), "Một máy") {
		t.Errorf("the file is not in the folder: %v", err)
	}
}
