package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/congkhai/congkhai/internal/pgtest"

	"github.com/congkhai/congkhai/demo"
	"github.com/congkhai/congkhai/feedback"
	"github.com/congkhai/congkhai/portal"
	"github.com/congkhai/congkhai/themes"
)

// testClock is the settable clock of the portal and the store in feedback tests.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// fbEnv is a server on the demo content with a real feedback store.
type fbEnv struct {
	s     *Server
	store *feedback.Store
	clock *testClock
}

// dialects runs fn once per database: SQLite always, PostgreSQL when the
// test environment provides one (always in CI).
func dialects(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, "") })
	t.Run("postgres", func(t *testing.T) { fn(t, pgDSN(t)) })
}

// pgDSN returns the DSN of a fresh schema (see internal/pgtest).
func pgDSN(t testing.TB) string { return pgtest.DSN(t, "srv") }

func newFeedbackEnv(t testing.TB, dsn string, deps func(*Deps)) *fbEnv {
	t.Helper()
	log := slog.New(slog.NewTextHandler(testLogOut(), nil))
	clock := &testClock{t: fixedNow}
	p, err := portal.Open(context.Background(), portal.Config{Content: demo.FS(), Log: log, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	st, err := feedback.Open(context.Background(), dsn, t.TempDir(), feedback.WithLogger(log), feedback.WithClock(clock.Now),
		feedback.WithPasswordCost(64, 1)) // cheap hashes: the tests log in many times
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	th, err := themes.Load("")
	if err != nil {
		t.Fatal(err)
	}
	d := Deps{Log: log, Portal: p, Theme: th, BaseURL: "https://congkhai.example.vn", Version: "test", Feedback: st, Secret: []byte("test secret")}
	if deps != nil {
		deps(&d)
	}
	s, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	return &fbEnv{s: s, store: st, clock: clock}
}

// client is a browser on the server's handler: it keeps cookies and comes
// from one address.
type client struct {
	t       *testing.T
	s       *Server
	remote  string
	cookies map[string]string
	header  map[string]string
}

func (e *fbEnv) client(t *testing.T) *client {
	return &client{t: t, s: e.s, remote: "192.0.2.10:5555", cookies: map[string]string{}, header: map[string]string{}}
}

func (c *client) do(method, target string, form url.Values) *httptest.ResponseRecorder {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	req.RemoteAddr = c.remote
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	rec := httptest.NewRecorder()
	c.s.Handler().ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
			continue
		}
		c.cookies[ck.Name] = ck.Value
	}
	return rec
}

func (c *client) get(target string) *httptest.ResponseRecorder {
	return c.do(http.MethodGet, target, nil)
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// token fetches page and returns the CSRF token of its forms.
func (c *client) token(page string) string {
	c.t.Helper()
	rec := c.get(page)
	m := csrfRe.FindStringSubmatch(rec.Body.String())
	if m == nil {
		c.t.Fatalf("GET %s = %d: no CSRF token in the page\n%.300s", page, rec.Code, rec.Body.String())
	}
	return m[1]
}

// post sends a form with the CSRF token of page.
func (c *client) post(page, target string, form url.Values) *httptest.ResponseRecorder {
	c.t.Helper()
	form.Set("csrf", c.token(page))
	return c.do(http.MethodPost, target, form)
}

// submit sends a question to an agency through the form and returns the tracking code.
func (c *client) submit(form url.Values) string {
	c.t.Helper()
	rec := c.post("/feedback", "/feedback", form)
	if rec.Code != http.StatusSeeOther {
		c.t.Fatalf("POST /feedback = %d, want 303\n%.2000s", rec.Code, rec.Body.String())
	}
	loc := rec.Header().Get("Location")
	code, ok := strings.CutPrefix(loc, "/feedback/")
	if !ok {
		c.t.Fatalf("Location = %q", loc)
	}
	code, _, _ = strings.Cut(code, "?")
	return code
}

// login logs the client in as email with password.
func (c *client) login(email, password string) {
	c.t.Helper()
	rec := c.post("/staff/login", "/staff/login", url.Values{"email": {email}, "password": {password}})
	if rec.Code != http.StatusSeeOther {
		c.t.Fatalf("login %s = %d, want 303\n%.1000s", email, rec.Code, rec.Body.String())
	}
}

func (e *fbEnv) addStaff(t *testing.T, email, agency string, role feedback.Role) *feedback.Staff {
	t.Helper()
	st, err := e.store.CreateStaff(context.Background(), email, "Cán bộ "+email, agency, role, "mat-khau-dai-du")
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func question(agency, body string) url.Values {
	return url.Values{"type": {"question"}, "agency": {agency}, "body": {body}}
}

func mustContain(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func mustNotContain(t *testing.T, what, body string, not ...string) {
	t.Helper()
	for _, w := range not {
		if strings.Contains(body, w) {
			t.Errorf("%s contains %q", what, w)
		}
	}
}

// testLogOut is where feedback tests log: stderr with CONGKHAI_TEST_LOG=1.
func testLogOut() io.Writer {
	if os.Getenv("CONGKHAI_TEST_LOG") != "" {
		return os.Stderr
	}
	return io.Discard
}
