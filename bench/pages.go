package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// nginx serves files from a folder on 127.0.0.1, as the static baseline.
type nginx struct {
	dir  string
	port int
}

func startNginx(dir string) (*nginx, error) {
	if _, err := exec.LookPath("nginx"); err != nil {
		return nil, fmt.Errorf("nginx not installed (apt-get install nginx-light)")
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	www := filepath.Join(dir, "www")
	if err := os.MkdirAll(www, 0o755); err != nil {
		return nil, err
	}
	conf := fmt.Sprintf(`worker_processes 2;
error_log %[1]s/nginx-error.log;
pid %[1]s/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  types { text/html html; application/atom+xml atom; text/css css; }
  client_body_temp_path %[1]s/tmp;
  proxy_temp_path %[1]s/tmp;
  fastcgi_temp_path %[1]s/tmp;
  server { listen 127.0.0.1:%[2]d; root %[3]s; }
}
`, dir, port, www)
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644); err != nil {
		return nil, err
	}
	out, err := exec.Command("nginx", "-p", dir, "-c", filepath.Join(dir, "nginx.conf")).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("nginx: %v: %s", err, out)
	}
	return &nginx{dir: dir, port: port}, nil
}

func (n *nginx) stop() {
	_ = exec.Command("nginx", "-p", n.dir, "-c", filepath.Join(n.dir, "nginx.conf"), "-s", "stop").Run()
}

// put stores body as name under the web root and returns its URL.
func (n *nginx) put(name string, body []byte) (string, error) {
	if err := os.WriteFile(filepath.Join(n.dir, "www", name), body, 0o644); err != nil {
		return "", err
	}
	return fmt.Sprintf("http://127.0.0.1:%d/%s", n.port, name), nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

var reRPS = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
var reNon2xx = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)

// wrk runs `wrk -t2 -c50 -dD url` and returns requests per second.
func wrk(ctx context.Context, u string, d time.Duration) (float64, error) {
	secs := max(1, int(d.Seconds()))
	ctx, cancel := context.WithTimeout(ctx, d+30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "wrk", "-t2", "-c50", "-d"+strconv.Itoa(secs)+"s", u).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("wrk %s: %v: %s", u, err, out)
	}
	if m := reNon2xx.FindSubmatch(out); m != nil {
		return 0, fmt.Errorf("wrk %s: %s non-2xx responses", u, m[1])
	}
	m := reRPS.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("wrk %s: no Requests/sec in %s", u, out)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

// fetch returns the body of a GET, failing on a status other than 200.
func fetch(u string) ([]byte, error) {
	resp, err := client.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return b, nil
}

func hasWrk() bool {
	_, err := exec.LookPath("wrk")
	return err == nil
}

func toolVersion(name string, args ...string) string {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil && len(out) == 0 {
		return ""
	}
	return strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
}
