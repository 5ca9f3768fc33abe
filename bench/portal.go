package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

var client = &http.Client{
	Timeout: 30 * time.Second,
	Transport: &http.Transport{
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	},
}

// buildIndex runs `congkhai index --rebuild` and returns documents, duration
// and the process's peak RSS in MB; notices/noticesTook are the entries
// indexed before the tables and the time they took, loadTook the content load
// before any indexing, from its log (zero when the log does not say).
func buildIndex(ctx context.Context, bin, contentDir, dataDir string) (docs int, took time.Duration, peakMB float64, notices int, noticesTook, loadTook time.Duration, err error) {
	ctx, cancel := context.WithTimeout(ctx, 45*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "index", "--rebuild", "--content", contentDir, "--data", dataDir)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err = cmd.Run()
	took = time.Since(start)
	if err != nil {
		return 0, took, 0, 0, 0, 0, fmt.Errorf("congkhai index: %v: %s", err, tail(errb.String(), 2000))
	}
	m := regexp.MustCompile(`indexed (\d+) documents`).FindStringSubmatch(out.String())
	if m == nil {
		return 0, took, 0, 0, 0, 0, fmt.Errorf("congkhai index: unexpected output %q", out.String())
	}
	if nm := regexp.MustCompile(`tables next" entries=(\d+) took_ms=(\d+)`).FindStringSubmatch(errb.String()); nm != nil {
		notices, _ = strconv.Atoi(nm[1])
		ms, _ := strconv.Atoi(nm[2])
		noticesTook = time.Duration(ms) * time.Millisecond
	}
	if lm := regexp.MustCompile(`msg="content loaded"[^\n]* took_ms=(\d+)`).FindStringSubmatch(errb.String()); lm != nil {
		ms, _ := strconv.Atoi(lm[1])
		loadTook = time.Duration(ms) * time.Millisecond
	}
	docs, _ = strconv.Atoi(m[1])
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		peakMB = float64(ru.Maxrss) / 1024
	}
	return docs, took, peakMB, notices, noticesTook, loadTook, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// server is a running `congkhai serve`.
type server struct {
	cmd      *exec.Cmd
	base     string // http://127.0.0.1:PORT
	start    time.Time
	listenMs float64 // from exec to the listening line
	readyMs  float64 // the binary's own ready_ms
	mu       sync.Mutex
	log      []string
	done     chan struct{}
}

var reListen = regexp.MustCompile(`msg=listening addr=(\S+) ready_ms=(\d+)`)

// startServer starts the binary and waits until it listens.
// An empty contentDir serves the bundled demo; extra arguments follow.
func startServer(ctx context.Context, bin, contentDir, dataDir string, extra ...string) (*server, error) {
	return startServerWith(ctx, nil, bin, contentDir, dataDir, extra...)
}

// startServerWith is startServer through a wrapper: prefix is a command that
// is given the binary and its arguments after its own, and that must exec
// the binary in its own process (as `sh -c '...; exec "$0" "$@"'` does), so
// that the process stopped, measured and waited for is the server itself. A
// nil prefix runs the binary directly.
func startServerWith(ctx context.Context, prefix []string, bin, contentDir, dataDir string, extra ...string) (*server, error) {
	args := []string{"serve", "--addr", "127.0.0.1:0", "--data", dataDir, "--log-level", "info"}
	if contentDir != "" {
		args = append(args, "--content", contentDir)
	}
	args = append(args, extra...)
	cmd := exec.Command(bin, args...)
	if len(prefix) > 0 {
		cmd = exec.Command(prefix[0], append(append(slices.Clone(prefix[1:]), bin), args...)...)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, done: make(chan struct{})}
	s.start = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	listening := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		once := false
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			if len(s.log) < 200 || strings.Contains(line, "level=ERROR") {
				s.log = append(s.log, line)
			}
			s.mu.Unlock()
			if m := reListen.FindStringSubmatch(line); m != nil && !once {
				once = true
				s.base = m[1]
				s.listenMs = float64(time.Since(s.start).Microseconds()) / 1000
				s.readyMs, _ = strconv.ParseFloat(m[2], 64)
				close(listening)
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	go func() { _ = cmd.Wait(); close(s.done) }()
	select {
	case <-listening:
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("congkhai serve exited: %s", s.logTail())
	case <-time.After(10 * time.Minute):
		s.stop()
		return nil, errors.New("congkhai serve did not listen within 10 minutes")
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
}

func (s *server) logTail() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return tail(strings.Join(s.log, "\n"), 3000)
}

// stop sends SIGTERM and waits (then kills after 20 s).
func (s *server) stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

type health struct {
	Index struct {
		Synced    bool   `json:"synced"`
		Docs      int    `json:"docs"`
		Error     string `json:"error"`
		Fallbacks uint64 `json:"fallbacks"` // searches bleve answered because its internals were not what the search package reads
	} `json:"index"`
	Notices  int `json:"notices"`
	Problems int `json:"problems"`
}

func (s *server) health() (health, error) {
	var h health
	resp, err := client.Get(s.base + "/healthz")
	if err != nil {
		return h, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return h, fmt.Errorf("healthz: %s", resp.Status)
	}
	return h, json.NewDecoder(resp.Body).Decode(&h)
}

// waitSynced polls /healthz until the index has caught up with the content.
func (s *server) waitSynced(ctx context.Context, timeout time.Duration) (health, error) {
	deadline := time.Now().Add(timeout)
	for {
		h, err := s.health()
		if err == nil && h.Index.Synced && h.Index.Docs > 0 {
			return h, nil
		}
		if time.Now().After(deadline) {
			return h, fmt.Errorf("index not synced after %v (last: %+v, %v)", timeout, h, err)
		}
		select {
		case <-s.done:
			return h, fmt.Errorf("server exited: %s", s.logTail())
		case <-ctx.Done():
			return h, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// memory reads VmRSS and VmHWM (MB) of the server process.
func (s *server) memory() (rss, hwm float64) {
	return procMem(s.cmd.Process.Pid)
}

// memorySplit reads RssAnon (heap, stacks) and RssFile (mapped files such as
// the index segments, reclaimable by the kernel) in MB.
func (s *server) memorySplit() (anon, file float64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 {
			kb, _ := strconv.ParseFloat(f[1], 64)
			switch f[0] {
			case "RssAnon:":
				anon = kb / 1024
			case "RssFile:":
				file = kb / 1024
			}
		}
	}
	return anon, file
}

func procMem(pid int) (rss, hwm float64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			hwm = kb / 1024
		}
	}
	return rss, hwm
}

type apiResult struct {
	Total int `json:"total"`
	Hits  []struct {
		URL string `json:"url"`
	} `json:"hits"`
}

// search calls /api/search and decodes the answer.
func (s *server) search(ctx context.Context, q string) (apiResult, error) {
	var r apiResult
	req, err := http.NewRequestWithContext(ctx, "GET", s.base+"/api/search?q="+url.QueryEscape(q), nil)
	if err != nil {
		return r, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return r, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 500))
		return r, fmt.Errorf("search %q: %s %s", q, resp.Status, b)
	}
	return r, json.NewDecoder(resp.Body).Decode(&r)
}

// get fetches a URL for the load generator: the body is read and discarded.
func get(ctx context.Context, u string) error {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err == nil && resp.StatusCode != 200 {
		err = errors.New(resp.Status)
	}
	return err
}

// dirSize is the bytes of every file under dir.
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// changeToSearchable edits a notice file (appends a paragraph with a unique
// word), polls /api/search until the word is found, then restores the file
// and waits until the word is gone. It returns the time from the write to the
// first answer that finds it.
func changeToSearchable(ctx context.Context, s *server, file, word string) (time.Duration, error) {
	orig, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	edited := append(append([]byte{}, orig...), []byte("\nMã kiểm tra "+word+".\n")...)
	start := time.Now()
	if err := os.WriteFile(file, edited, 0o644); err != nil {
		return 0, err
	}
	took, err := pollSearch(ctx, s, word, true, start, time.Minute)
	if rerr := os.WriteFile(file, orig, 0o644); rerr != nil && err == nil {
		err = rerr
	}
	if _, perr := pollSearch(ctx, s, word, false, time.Now(), time.Minute); perr != nil && err == nil {
		err = perr
	}
	return took, err
}

func pollSearch(ctx context.Context, s *server, word string, want bool, start time.Time, limit time.Duration) (time.Duration, error) {
	for {
		r, err := s.search(ctx, word)
		if err == nil && (r.Total > 0) == want {
			return time.Since(start), nil
		}
		if time.Since(start) > limit {
			return 0, fmt.Errorf("%q searchable=%v not reached after %v (%v)", word, want, limit, err)
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// watcherLive edits file until the edit is searchable (rewriting it every 3 s,
// for up to a minute), then restores it.
func watcherLive(ctx context.Context, s *server, file string) error {
	orig, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	defer func() { _ = os.WriteFile(file, orig, 0o644) }()
	for try := 0; try < 20; try++ {
		word := fmt.Sprintf("zqxprobe%c%c", 'a'+try%26, 'a'+(time.Now().Nanosecond()/1000)%26)
		if err := os.WriteFile(file, append(append([]byte{}, orig...), []byte("\n"+word+"\n")...), 0o644); err != nil {
			return err
		}
		if _, err := pollSearch(ctx, s, word, true, time.Now(), 3*time.Second); err == nil {
			if err := os.WriteFile(file, orig, 0o644); err != nil {
				return err
			}
			_, err := pollSearch(ctx, s, word, false, time.Now(), time.Minute)
			return err
		}
	}
	return errors.New("the portal never picked up an edit: is it watching the content folder?")
}
