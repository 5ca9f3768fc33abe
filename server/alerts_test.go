package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/congkhai/congkhai/demo"
	"github.com/congkhai/congkhai/feedback"
	"github.com/congkhai/congkhai/portal"
	"github.com/congkhai/congkhai/themes"
)

// TestAlertsOff: without mail the subscribe form explains that alerts are off
// and points to the feeds; nothing can be posted.
func TestAlertsOff(t *testing.T) {
	s := newTestServer(t, demo.FS())
	for _, tt := range []struct {
		method, url string
		status      int
		want        string
	}{
		{"GET", "/theo-doi?list=/so-tai-chinh", 200, "chưa bật gửi thư"},
		{"GET", "/theo-doi?list=/so-tai-chinh", 200, `href="/so-tai-chinh/feed.atom"`},
		{"GET", "/theo-doi", 200, "chưa bật gửi thư"},
		{"GET", "/theo-doi?list=/khong-co", 404, ""},
		{"GET", "/theo-doi?list=//evil.example", 404, ""},
		{"POST", "/theo-doi", 405, ""},
		{"GET", "/theo-doi/huy?t=abc", 404, ""},
	} {
		rec := do(t, s, request{method: tt.method, url: tt.url})
		if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("%s %s = %d, want %d with %q", tt.method, tt.url, rec.Code, tt.status, tt.want)
		}
	}
	// Every list page links its subscribe form.
	if body := do(t, s, request{url: "/so-tai-chinh"}).Body.String(); !strings.Contains(body, `href="/theo-doi?list=/so-tai-chinh"`) {
		t.Error("agency page does not link the email subscription")
	}
}

// outboxMails takes every queued mail out of the outbox, as a mailer would.
func outboxMails(t *testing.T, st *feedback.Store, now time.Time) []feedback.OutboxMail {
	t.Helper()
	ms, err := st.ClaimOutbox(context.Background(), 100, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if err := st.MarkSent(context.Background(), m.ID); err != nil {
			t.Fatal(err)
		}
	}
	return ms
}

// newAlertsEnv is a server on feedSite (in the returned folder) with email
// alerts on the database of dsn.
func newAlertsEnv(t *testing.T, dsn string) (*Server, *feedback.Store, *feedback.Alerts, *testClock, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	writeSite(t, dir, feedSite)
	log := slog.New(slog.NewTextHandler(testLogOut(), nil))
	clock := &testClock{t: fixedNow}
	p, err := portal.Open(ctx, portal.Config{Content: os.DirFS(dir), Log: log, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	st, err := feedback.Open(ctx, dsn, t.TempDir(), feedback.WithLogger(log), feedback.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	alerts, err := feedback.NewAlerts(ctx, st, AlertsConfig(p, "https://congkhai.example.vn"))
	if err != nil {
		t.Fatal(err)
	}
	th, _ := themes.Load("")
	s, err := New(Deps{Log: log, Portal: p, Theme: th, BaseURL: "https://congkhai.example.vn", Version: "test", Feedback: st, Alerts: alerts, Secret: []byte("k")})
	if err != nil {
		t.Fatal(err)
	}
	return s, st, alerts, clock, dir
}

var alertTokenRe = regexp.MustCompile(`/theo-doi/(?:xac-nhan|huy)\?t=([0-9a-f]+)`)

// TestAlertsHTTP subscribes through the form, confirms with the mailed link,
// gets an alert for a new notice and unsubscribes, on SQLite and PostgreSQL.
func TestAlertsHTTP(t *testing.T) {
	dialects(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		s, st, alerts, clock, dir := newAlertsEnv(t, dsn)
		p := s.deps.Portal
		c := &client{t: t, s: s, remote: "192.0.2.20:5555", cookies: map[string]string{}, header: map[string]string{}}
		const form = "/theo-doi?list=/dia-ban/xa-thu"

		page := c.get(form)
		mustContain(t, "subscribe form", page.Body.String(), "Xã Thử", `name="email"`, `value="instant"`, `name="csrf"`)
		if rec := c.do(http.MethodPost, "/theo-doi", url.Values{"list": {"/dia-ban/xa-thu"}, "email": {"a@example.vn"}, "frequency": {"instant"}}); rec.Code != http.StatusForbidden {
			t.Errorf("POST without CSRF token = %d, want 403", rec.Code)
		}
		rec := c.post(form, "/theo-doi", url.Values{"list": {"/dia-ban/xa-thu"}, "email": {"không hợp lệ"}, "frequency": {"instant"}})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `aria-invalid="true"`) {
			t.Errorf("POST with a bad address = %d, want 422 with the field marked", rec.Code)
		}
		rec = c.post(form, "/theo-doi", url.Values{"list": {"/dia-ban/xa-thu"}, "email": {"nha.bao@example.vn"}, "frequency": {"instant"}})
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "thư xác nhận") {
			t.Fatalf("POST /theo-doi = %d\n%.500s", rec.Code, rec.Body.String())
		}
		mails := outboxMails(t, st, clock.Now())
		if len(mails) != 1 || mails[0].To != "nha.bao@example.vn" || !strings.Contains(mails[0].Body, "https://congkhai.example.vn/theo-doi/xac-nhan?t=") {
			t.Fatalf("confirmation mails: %+v", mails)
		}
		token := alertTokenRe.FindStringSubmatch(mails[0].Body)[1]

		// Opening the link (a GET, as mail scanners do) confirms nothing.
		page = c.get("/theo-doi/xac-nhan?t=" + token)
		mustContain(t, "confirmation page", page.Body.String(), "nha.bao@example.vn", `action="/theo-doi/xac-nhan"`)
		if sub, err := alerts.Subscription(ctx, token); err != nil || sub.Confirmed() {
			t.Fatalf("after GET: %+v, %v; want an unconfirmed subscription", sub, err)
		}
		rec = c.post("/theo-doi/xac-nhan?t="+token, "/theo-doi/xac-nhan", url.Values{"t": {token}})
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Đã xác nhận") {
			t.Fatalf("POST /theo-doi/xac-nhan = %d\n%.500s", rec.Code, rec.Body.String())
		}
		if err := s.SyncAlerts(ctx); err != nil {
			t.Fatal(err)
		}
		if ms := outboxMails(t, st, clock.Now()); len(ms) != 0 {
			t.Errorf("mails before anything changed: %+v", ms)
		}

		// A new notice about the commune.
		writeSite(t, dir, map[string]string{"ubnd-xa/thong-bao-lich-chi-tra.md": "---\ntitle: Lịch chi trả tiền bồi thường đợt 1\ncategory: boi-thuong\npublished: 2026-11-20\nplaces:\n  - commune: Xã Thử\n---\nChi trả tại trụ sở UBND xã.\n"})
		p.Reload(ctx)
		if err := s.SyncAlerts(ctx); err != nil {
			t.Fatal(err)
		}
		mails = outboxMails(t, st, clock.Now())
		if len(mails) != 1 {
			t.Fatalf("%d alert mails, want 1", len(mails))
		}
		mustContain(t, "alert mail", mails[0].Body, "Theo dõi: Xã Thử", "Lịch chi trả tiền bồi thường đợt 1",
			"https://congkhai.example.vn/ubnd-xa/thong-bao-lich-chi-tra", "https://congkhai.example.vn/theo-doi/huy?t="+token)
		mustNotContain(t, "alert mail", mails[0].Body, "Thông báo họp dân")

		// Unsubscribe without login: a page, then one click.
		page = c.get("/theo-doi/huy?t=" + token)
		mustContain(t, "unsubscribe page", page.Body.String(), `action="/theo-doi/huy"`)
		rec = c.post("/theo-doi/huy?t="+token, "/theo-doi/huy", url.Values{"t": {token}})
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Đã hủy theo dõi") {
			t.Fatalf("POST /theo-doi/huy = %d\n%.500s", rec.Code, rec.Body.String())
		}
		if _, err := alerts.Subscription(ctx, token); !errors.Is(err, feedback.ErrNotFound) {
			t.Errorf("subscription after unsubscribing: %v", err)
		}
		if rec := c.get("/theo-doi/huy?t=" + token); rec.Code != http.StatusNotFound {
			t.Errorf("old link = %d, want 404", rec.Code)
		}
	})
}

// TestAlertLimitsHTTP: requests over the confirmation limits get the page
// every request gets, and no mail.
func TestAlertLimitsHTTP(t *testing.T) {
	dialects(t, func(t *testing.T, dsn string) {
		s, st, _, clock, _ := newAlertsEnv(t, dsn)
		c := &client{t: t, s: s, remote: "192.0.2.30:5555", cookies: map[string]string{}, header: map[string]string{}}
		const form = "/theo-doi?list=/dia-ban/xa-thu"
		limits := feedback.DefaultAlertLimits()
		var pages []string
		for i := range limits.PerClient + 3 {
			email := fmt.Sprintf("nguoi%d@example.vn", i)
			rec := c.post(form, "/theo-doi", url.Values{"list": {"/dia-ban/xa-thu"}, "email": {email}, "frequency": {"daily"}})
			if rec.Code != 200 {
				t.Fatalf("request %d = %d", i+1, rec.Code)
			}
			pages = append(pages, strings.ReplaceAll(csrfRe.ReplaceAllString(rec.Body.String(), ""), email, "EMAIL"))
		}
		for i, p := range pages {
			if p != pages[0] {
				t.Errorf("page %d differs from the first", i+1)
			}
		}
		if got := len(outboxMails(t, st, clock.Now())); got != limits.PerClient {
			t.Errorf("%d confirmation mails, want %d", got, limits.PerClient)
		}
	})
}
