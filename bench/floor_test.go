package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestMain lets the test binary be re-executed as the floor server, as the
// bench binary is.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == floorFlag {
		floorServer(os.Args[2:])
		return
	}
	os.Exit(m.Run())
}

func TestFloorBody(t *testing.T) {
	for _, n := range []int{6 << 10, 4321, 100} {
		b := floorBody(n)
		if len(b) != n {
			t.Errorf("floorBody(%d) is %d bytes", n, len(b))
		}
		if !json.Valid(b) {
			t.Errorf("floorBody(%d) is not JSON", n)
		}
	}
	h := httptest.NewServer(floorHandler(floorBody(500)))
	defer h.Close()
	resp, err := http.Get(h.URL + "/api/search?q=x")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(b) != 500 || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("%s, %d bytes, %q", resp.Status, len(b), resp.Header.Get("Content-Type"))
	}
	resp, err = http.Post(h.URL, "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %s", resp.Status)
	}
}

// The floor server runs as a separate process, says where it listens, and
// goes when its stdin closes.
func TestFloorProcess(t *testing.T) {
	f, err := startFloor(context.Background(), 3000)
	if err != nil {
		t.Fatal(err)
	}
	b, err := fetch(f.base + "/api/search?q=gi%C3%A1&nc=1")
	if err != nil || len(b) != 3000 {
		t.Errorf("%d bytes, %v", len(b), err)
	}
	if f.cmd.Process.Pid == os.Getpid() {
		t.Error("not a separate process")
	}
	f.stop()
	if !f.cmd.ProcessState.Exited() {
		t.Errorf("floor server: %v", f.cmd.ProcessState)
	}
}

// The prefix writes the process's own pid into the cgroup, then execs the
// binary in that same process.
func TestCgroupPrefix(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "it's")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cgroup.procs"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cg := &memCgroup{path: dir}
	p := cg.prefix()
	out, err := exec.Command(p[0], append(p[1:], "/bin/sh", "-c", `echo "$$ $1"`, "sh", "two words")...).Output()
	if err != nil {
		t.Fatal(err)
	}
	written, _ := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	f := strings.SplitN(strings.TrimSpace(string(out)), " ", 2)
	if len(f) != 2 || f[1] != "two words" {
		t.Fatalf("arguments not passed through: %q", out)
	}
	if _, err := strconv.Atoi(f[0]); err != nil || strings.TrimSpace(string(written)) != f[0] {
		t.Errorf("cgroup.procs has %q, the exec'd process is %q", written, f[0])
	}
}

func TestCgroupEvents(t *testing.T) {
	v1 := &memCgroup{path: t.TempDir()}
	_ = v1.write("memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n")
	_ = v1.write("memory.failcnt", "17\n")
	_ = v1.write("memory.max_usage_in_bytes", "629145600\n")
	_ = v1.write("memory.stat", "cache 10\nrss 20\ntotal_cache 1048576\ntotal_rss 2097152\n")
	if e := v1.events(); e.OOMKills != 2 || e.LimitHits != 17 || e.UnderOOM {
		t.Errorf("v1 events %+v", e)
	}
	if p, ok := v1.peak(); !ok || mib(p) != 600 {
		t.Errorf("v1 peak %d %v", p, ok)
	}
	if a, f := v1.split(); a != 2<<20 || f != 1<<20 {
		t.Errorf("v1 split %d %d", a, f)
	}
	v2 := &memCgroup{path: t.TempDir(), v2: true}
	_ = v2.write("memory.events", "low 0\nhigh 0\nmax 5\noom 1\noom_kill 1\noom_group_kill 0\n")
	if e := v2.events(); e.OOMKills != 1 || e.OOMs != 1 || e.LimitHits != 5 {
		t.Errorf("v2 events %+v", e)
	}
	if _, ok := v2.peak(); ok {
		t.Error("v2 peak without memory.peak")
	}
	if !hasField("cpuset cpu io memory pids\n", "memory") || hasField("cpu io", "memory") {
		t.Error("hasField")
	}
}
