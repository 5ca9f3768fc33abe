package opendata

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/congkhai/congkhai/internal/binarytest"
)

// need skips (or fails under CI) when a prerequisite is missing.
func need(t *testing.T, ok bool, what string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required in CI", what)
	}
	t.Skipf("%s not available", what)
}

// here is this test package's folder.
func here() string { return filepath.Join(binarytest.Root(), "tests", "opendata") }

// needNode checks for node and this folder's npm modules.
func needNode(t *testing.T) {
	t.Helper()
	_, err := exec.LookPath("node")
	need(t, err == nil, "node")
	_, err = os.Stat(filepath.Join(here(), "node_modules", "rdf-validate-shacl"))
	need(t, err == nil, "the npm modules of tests/opendata (npm ci)")
}

// node runs a script of this folder and returns what it printed.
func node(t *testing.T, script string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{script}, args...)...)
	cmd.Dir = here()
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("node %s: %v\n%s", script, err, stderr)
	}
	return out
}

// portal is a running binary whose public address is its own, so absolute
// links (DCAT paging, Data Package sources) can be followed.
type portal struct {
	*binarytest.Process
	Base string
}

// start runs the binary on a free port with --base-url set to it; content
// "" serves the bundled demo.
func start(t *testing.T, content string, args ...string) *portal {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	base := "http://" + addr
	all := []string{"--addr", addr, "--base-url", base, "--data", t.TempDir(), "--rate-limit", "0"}
	if content != "" {
		all = append(all, "--content", content)
	}
	p := binarytest.Start(t, append(all, args...)...)
	return &portal{Process: p, Base: base}
}

// getJSON fetches a URL and decodes its JSON.
func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %d, not JSON: %.300s", url, res.StatusCode, b)
	}
	return res.StatusCode
}

// fetch saves a URL's body in dir under name and returns the file's path.
func fetch(t *testing.T, url, dir, name string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, res.StatusCode)
	}
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// packageNames lists every package of the portal (package_list).
func packageNames(t *testing.T, base string) []string {
	t.Helper()
	var env struct {
		Success bool
		Result  []string
	}
	getJSON(t, base+"/api/3/action/package_list", &env)
	if !env.Success || len(env.Result) == 0 {
		t.Fatalf("package_list: %+v", env)
	}
	return env.Result
}
