package e2e

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/congkhai/congkhai/internal/pgtest"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", for the test schemas

	"github.com/congkhai/congkhai/internal/binarytest"
)

// browser is a visitor with a cookie jar who does not follow redirects, so
// that each step's status can be checked.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{
		Jar:           jar,
		Timeout:       15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (b *browser) do(method, path string, form url.Values) (int, string, http.Header) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return res.StatusCode, string(out), res.Header
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// submitForm loads page, scrapes its CSRF token and posts form to action.
func (b *browser) submitForm(page, action string, form url.Values) (int, string, http.Header) {
	b.t.Helper()
	status, body, _ := b.do(http.MethodGet, page, nil)
	m := csrfRe.FindStringSubmatch(body)
	if status != 200 || m == nil {
		b.t.Fatalf("GET %s = %d, no CSRF token\n%.500s", page, status, body)
	}
	form.Set("csrf", m[1])
	return b.do(http.MethodPost, action, form)
}

// congkhai runs a subcommand of the real binary with stdin.
func congkhai(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binarytest.Binary(t), args...)
	cmd.Stdin = strings.NewReader(stdin)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "CONGKHAI_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("congkhai %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestFeedbackEndToEnd: a citizen asks through the real form, staff created
// with `congkhai staff add` log in and answer, the citizen reads the answer
// on the tracking page and rates it.
func TestFeedbackEndToEnd(t *testing.T) {
	data := t.TempDir()
	out := congkhai(t, "mat-khau-e2e-rat-dai\n", "staff", "add", "--data", data, "--email", "CanBo@STC.example.vn",
		"--agency", "so-tai-chinh", "--role", "staff", "--name", "Nguyễn Cán Bộ")
	if !strings.Contains(out, "created canbo@stc.example.vn") || strings.Contains(out, "password:") {
		t.Errorf("staff add printed %q", out)
	}
	// No password on stdin: one is generated and printed once.
	out = congkhai(t, "", "staff", "add", "--data", data, "--email", "admin@example.vn", "--role", "site_admin")
	if !regexp.MustCompile(`password: \S{20,}`).MatchString(out) {
		t.Errorf("staff add without a password printed %q", out)
	}
	if out := congkhai(t, "", "staff", "list", "--data", data); !strings.Contains(out, "canbo@stc.example.vn") || !strings.Contains(out, "site_admin") {
		t.Errorf("staff list printed %q", out)
	}

	p := binarytest.Start(t, "--data", data)
	citizen := newBrowser(t, p.URL)
	status, _, h := citizen.submitForm("/feedback?target=so-tai-chinh/du-toan-ngan-sach-2026", "/feedback", url.Values{
		"type": {"question"}, "target": {"so-tai-chinh/du-toan-ngan-sach-2026"},
		"body": {"Xin hỏi chi đầu tư phát triển năm 2026 tăng bao nhiêu so với 2025?"},
		"name": {"Hoàng Thị Lan"}, "email": {"lan@example.com"},
	})
	if status != http.StatusSeeOther {
		t.Fatalf("POST /feedback = %d", status)
	}
	track := strings.TrimSuffix(h.Get("Location"), "?moi=1")
	code := strings.TrimPrefix(track, "/feedback/")
	if !regexp.MustCompile(`^GY-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$`).MatchString(code) {
		t.Fatalf("Location = %q", h.Get("Location"))
	}
	status, body, _ := citizen.do(http.MethodGet, track, nil)
	if status != 200 || !strings.Contains(body, "Mới tiếp nhận") || strings.Contains(body, "Hoàng Thị Lan") || strings.Contains(body, "lan@example.com") {
		t.Fatalf("tracking page = %d\n%.800s", status, body)
	}

	staff := newBrowser(t, p.URL)
	if status, body, h := staff.submitForm("/staff/login", "/staff/login", url.Values{"email": {"canbo@stc.example.vn"}, "password": {"mat-khau-e2e-rat-dai"}}); status != http.StatusSeeOther || h.Get("Location") != "/staff/inbox" {
		t.Fatalf("login = %d %q\n%.500s", status, h.Get("Location"), body)
	}
	_, inbox, _ := staff.do(http.MethodGet, "/staff/inbox?loc=new", nil)
	m := regexp.MustCompile(`href="(/staff/s/\d+)">` + code).FindStringSubmatch(inbox)
	if m == nil {
		t.Fatalf("inbox lacks %s\n%.1500s", code, inbox)
	}
	page := m[1]
	if _, body, _ := staff.do(http.MethodGet, page, nil); !strings.Contains(body, "Hoàng Thị Lan") {
		t.Error("staff do not see the citizen's name")
	}
	answer := "Chi đầu tư phát triển năm 2026 tăng 12,5% so với dự toán 2025."
	if status, body, _ := staff.submitForm(page, page+"/reply", url.Values{"body": {answer}}); status != http.StatusSeeOther {
		t.Fatalf("reply = %d\n%.800s", status, body)
	}

	status, body, _ = citizen.do(http.MethodGet, track, nil)
	if status != 200 || !strings.Contains(body, answer) || !strings.Contains(body, "Đã trả lời") {
		t.Fatalf("tracking page after the answer = %d\n%.1500s", status, body)
	}
	if status, _, _ := citizen.submitForm(track, track+"/rate", url.Values{"rating": {"5"}}); status != http.StatusSeeOther {
		t.Errorf("rating = %d", status)
	}
	if _, body, _ := citizen.do(http.MethodGet, track, nil); !strings.Contains(body, "5/5") {
		t.Error("the rating is not shown")
	}
	if status, body, _ := citizen.do(http.MethodGet, "/feedback/stats", nil); status != 200 || !strings.Contains(body, "5,00 / 5") {
		t.Errorf("stats = %d, want the rating", status)
	}
	// Logged out, the console is closed again.
	if status, _, _ := staff.submitForm(page, "/staff/logout", url.Values{}); status != http.StatusSeeOther {
		t.Errorf("logout = %d", status)
	}
	if status, _, h := staff.do(http.MethodGet, page, nil); status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/staff/login") {
		t.Errorf("after logout GET %s = %d", page, status)
	}
}

// pgDSN returns the DSN of a fresh schema for the binary's --db (see internal/pgtest).
func pgDSN(t *testing.T) string { return pgtest.DSN(t, "e2e") }
