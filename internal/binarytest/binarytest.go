// Package binarytest builds the real congkhai binary once per test process and
// starts it on a free port, for end-to-end and browser tests.
package binarytest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Root is the repository's root folder.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Binary builds cmd/congkhai into a temporary folder, once per test process, as
// a user would build it (CGO_ENABLED=0, no race detector).
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "congkhai-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "congkhai")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/congkhai")
		cmd.Dir = Root()
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// Process is a running congkhai serve.
type Process struct {
	URL  string // "http://127.0.0.1:PORT"
	Cmd  *exec.Cmd
	logs *logBuffer
}

// Logs returns what the process has logged so far.
func (p *Process) Logs() string { return p.logs.String() }

var listenRe = regexp.MustCompile(`msg=listening addr=(http://\S+)`)

// Start runs `congkhai serve --addr 127.0.0.1:0 ARGS...` and waits until it
// listens and /healthz answers 200. The process is stopped (SIGTERM) at cleanup.
func Start(t testing.TB, args ...string) *Process {
	t.Helper()
	bin := Binary(t)
	all := append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)
	cmd := exec.Command(bin, all...)
	cmd.Env = cleanEnv()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &Process{Cmd: cmd, logs: logs}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			logs.add(line)
			if m := listenRe.FindStringSubmatch(line); m != nil && !sent {
				urlc <- m[1]
				sent = true
			}
		}
	}()
	t.Cleanup(func() { p.Stop(t) })
	select {
	case u := <-urlc:
		p.URL = u
	case <-time.After(30 * time.Second):
		t.Fatalf("congkhai did not start within 30 s; logs:\n%s", logs.String())
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := http.Get(p.URL + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz not ready; logs:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return p
}

// Stop sends SIGTERM and waits for a clean exit (SIGKILL after 15 s).
func (p *Process) Stop(t testing.TB) {
	if p.Cmd.ProcessState != nil {
		return
	}
	_ = p.Cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- p.Cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("congkhai exited with %v; logs:\n%s", err, p.Logs())
		}
	case <-time.After(15 * time.Second):
		_ = p.Cmd.Process.Kill()
		<-done
		t.Errorf("congkhai did not stop within 15 s of SIGTERM")
	}
}

// Get fetches path and returns status and body.
func (p *Process) Get(t testing.TB, path string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+path, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return res.StatusCode, string(b)
}

// CopyDir copies a folder tree (the demo content) into a new temporary folder.
func CopyDir(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// cleanEnv drops CONGKHAI_* variables of the developer's shell so that tests see defaults.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CONGKHAI_") {
			env = append(env, kv)
		}
	}
	return env
}

type logBuffer struct {
	mu    sync.Mutex
	lines []string
}

func (b *logBuffer) add(s string) {
	b.mu.Lock()
	b.lines = append(b.lines, s)
	b.mu.Unlock()
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Join(b.lines, "\n")
}
