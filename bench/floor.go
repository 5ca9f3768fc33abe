package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/congkhai/congkhai/bench/corpus"
)

// The latency floor of the machine: the bench binary re-executed as a
// separate process that answers every GET with the same JSON body, driven by
// the same plan as the portal's search mix. What it shows (idle cores waking
// up, the loopback, the load generator sharing the cores) is in the portal's
// figures too and is not the portal's doing.

// floorFlag, first on the command line, makes the bench binary the floor
// server (handled in main before anything else; not a listed flag).
const floorFlag = "--floor-server"

// floorDefaultSize is the body size when no real answer could be measured.
const floorDefaultSize = 6 << 10

// floorServer is the whole of the re-executed process: it listens on a free
// loopback port, prints its address (http://127.0.0.1:PORT) on stdout, and
// serves until its stdin closes or it is signalled. args[0], when given, is
// the body size in bytes.
func floorServer(args []string) {
	size := floorDefaultSize
	if len(args) > 0 {
		if n, err := strconv.Atoi(args[0]); err == nil && n > 0 {
			size = n
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor server:", err)
		os.Exit(1)
	}
	fmt.Println("http://" + ln.Addr().String())
	// The parent holds the other end of stdin: when it closes it (or dies),
	// the floor server goes too.
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	hs := &http.Server{Handler: floorHandler(floorBody(size)), ReadHeaderTimeout: 10 * time.Second}
	err = hs.Serve(ln)
	fmt.Fprintln(os.Stderr, "floor server:", err)
	os.Exit(1)
}

// floorBody is a valid JSON object of exactly size bytes (at least its
// skeleton's length).
func floorBody(size int) []byte {
	const head, end = `{"total":0,"hits":[],"pad":"`, `"}`
	pad := max(0, size-len(head)-len(end))
	return []byte(head + strings.Repeat("x", pad) + end)
}

// floorHandler answers every GET with body as application/json.
func floorHandler(body []byte) http.Handler {
	n := strconv.Itoa(len(body))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", n)
		_, _ = w.Write(body)
	})
}

// floorProc is a running floor server.
type floorProc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	base  string
	done  chan struct{}
}

// startFloor re-executes this binary as a floor server with a body of size
// bytes and waits for its address.
func startFloor(ctx context.Context, size int) (*floorProc, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, floorFlag, strconv.Itoa(size))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	f := &floorProc{cmd: cmd, stdin: stdin, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		addr <- strings.TrimSpace(line)
		_, _ = io.Copy(io.Discard, r)
		_ = cmd.Wait()
		close(f.done)
	}()
	select {
	case a := <-addr:
		if !strings.HasPrefix(a, "http://127.0.0.1:") {
			f.stop()
			return nil, fmt.Errorf("floor server: unexpected first line %q", a)
		}
		f.base = a
		return f, nil
	case <-time.After(30 * time.Second):
		f.stop()
		return nil, errors.New("floor server: no address within 30 s")
	case <-ctx.Done():
		f.stop()
		return nil, ctx.Err()
	}
}

// stop closes the floor server's stdin (it exits), killing it after 5 s.
func (f *floorProc) stop() {
	if f == nil {
		return
	}
	_ = f.stdin.Close()
	select {
	case <-f.done:
	case <-time.After(5 * time.Second):
		_ = f.cmd.Process.Kill()
		<-f.done
	}
}

// answerSize is the median byte length of the portal's answers to the first
// n distinct queries of qs, past the answer cache; 0 when none answered.
func answerSize(ctx context.Context, srv *server, qs []corpus.Query, n int) int {
	var sizes []int
	seen := map[string]bool{}
	for i, q := range qs {
		if len(sizes) >= n || ctx.Err() != nil {
			break
		}
		if seen[q.Text] {
			continue
		}
		seen[q.Text] = true
		if b, err := fetch(uncachedURL(srv, q.Text, -2_000_000-i)); err == nil {
			sizes = append(sizes, len(b))
		}
	}
	if len(sizes) == 0 {
		return 0
	}
	slices.Sort(sizes)
	return sizes[(len(sizes)-1)/2]
}
