package feedback

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/congkhai/congkhai/calendar"
)

func testAlertsConfig() AlertsConfig {
	return AlertsConfig{
		Site:           "Cổng thử",
		ListURL:        func(p string) string { return "https://thu.example.vn" + p },
		ConfirmURL:     func(t string) string { return "https://thu.example.vn/theo-doi/xac-nhan?t=" + t },
		UnsubscribeURL: func(t string) string { return "https://thu.example.vn/theo-doi/huy?t=" + t },
	}
}

// mailbox delivers the outbox through a real SMTP server and returns what
// arrived since the last call.
type mailbox struct {
	t    *testing.T
	s    *Store
	srv  *smtpServer
	m    *SMTPMailer
	seen int
}

func newMailbox(t *testing.T, s *Store) *mailbox {
	srv, pool := startSMTP(t, false, "", "")
	m, err := NewSMTPMailer(SMTPConfig{Host: "127.0.0.1", Port: srv.port(), From: "noreply@thu.example.vn",
		TLSConfig: &tls.Config{RootCAs: pool}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return &mailbox{t: t, s: s, srv: srv, m: m}
}

func (mb *mailbox) fetch() []smtpReceived {
	mb.t.Helper()
	if _, failed, err := DeliverOutbox(context.Background(), mb.s, mb.m, quiet); err != nil || failed > 0 {
		mb.t.Fatalf("DeliverOutbox: %d failed, %v", failed, err)
	}
	all := mb.srv.mails()
	out := all[mb.seen:]
	mb.seen = len(all)
	return out
}

var tokenRe = regexp.MustCompile(`\?t=([0-9a-f]+)`)

func items(ids ...string) []AlertItem {
	var out []AlertItem
	for _, id := range ids {
		name, updated, _ := strings.Cut(id, "@")
		d := time.Date(2026, 3, 1, 0, 0, 0, 0, calendar.Location)
		if updated != "" {
			d = d.AddDate(0, 0, len(updated))
		}
		out = append(out, AlertItem{ID: "tag:thu.example.vn,2026:" + name, Title: "Văn bản " + name, URL: "https://thu.example.vn/" + name, Updated: d})
	}
	return out
}

// TestAlerts walks a subscription's life on SQLite and PostgreSQL, with mails
// delivered by SMTP: double opt-in, instant mails naming the subscription,
// corrections, daily digests, unsubscribe without login.
func TestAlerts(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		a, err := NewAlerts(ctx, s, testAlertsConfig())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := NewAlerts(ctx, s, testAlertsConfig()); err != nil {
			t.Fatalf("NewAlerts again (restart): %v", err)
		}
		mb := newMailbox(t, s)
		const list = "/dia-ban/huyen-cam-xuyen"

		// Validation.
		for _, tt := range []struct {
			email, list string
			freq        Frequency
			field       string
		}{
			{"không phải thư", list, FreqInstant, "email"},
			{"a@example.vn", list, "weekly", "frequency"},
			{"a@example.vn", "dia-ban", FreqInstant, "list"},
		} {
			err := a.Subscribe(ctx, tt.email, tt.list, "Huyện Cẩm Xuyên", tt.freq, "client", clk.Now())
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Fields[tt.field] == "" {
				t.Errorf("Subscribe(%q, %q, %q) = %v, want a validation error on %s", tt.email, tt.list, tt.freq, err, tt.field)
			}
		}

		// Double opt-in: one confirmation mail, nothing else until confirmed.
		if err := a.Subscribe(ctx, "Nha.Bao@Example.vn", list, "Huyện Cẩm Xuyên", FreqInstant, "client", clk.Now()); err != nil {
			t.Fatal(err)
		}
		if err := a.Subscribe(ctx, "nha.bao@example.vn", list, "Huyện Cẩm Xuyên", FreqDaily, "client", clk.Now()); err != nil {
			t.Fatal(err)
		}
		got := mb.fetch()
		if len(got) != 1 || got[0].to != "nha.bao@example.vn" || !strings.Contains(got[0].body, "Huyện Cẩm Xuyên") {
			t.Fatalf("confirmation mails: %+v, want one to nha.bao@example.vn", got)
		}
		m := tokenRe.FindStringSubmatch(got[0].body)
		if m == nil || !strings.Contains(got[0].body, "https://thu.example.vn/theo-doi/xac-nhan?t=") {
			t.Fatalf("no confirmation link in:\n%s", got[0].body)
		}
		token := m[1]
		if _, err := a.RecordList(ctx, list, items("a", "b"), clk.Now()); err != nil {
			t.Fatal(err)
		}
		if n, err := a.DispatchAlerts(ctx, clk.Now()); err != nil || n != 0 {
			t.Fatalf("DispatchAlerts before confirmation = %d, %v; want 0", n, err)
		}
		if _, err := a.Confirm(ctx, "khong-co", clk.Now()); !errors.Is(err, ErrNotFound) {
			t.Errorf("Confirm(unknown) = %v, want ErrNotFound", err)
		}
		sub, err := a.Confirm(ctx, token, clk.Now())
		if err != nil || !sub.Confirmed() || sub.Frequency != FreqInstant {
			t.Fatalf("Confirm = %+v, %v", sub, err)
		}
		if lists, _ := a.FollowedLists(ctx); len(lists) != 1 || lists[0] != list {
			t.Errorf("FollowedLists = %v", lists)
		}

		// What the list showed before is not news; a new item and a correction are.
		clk.Add(time.Minute)
		if n, _ := a.RecordList(ctx, list, items("a", "b"), clk.Now()); n != 0 {
			t.Errorf("RecordList(same items) = %d new, want 0", n)
		}
		if n, _ := a.DispatchAlerts(ctx, clk.Now()); n != 0 {
			t.Errorf("DispatchAlerts with nothing new = %d", n)
		}
		if n, _ := a.RecordList(ctx, list, items("a@1", "b", "c"), clk.Now()); n != 2 {
			t.Errorf("RecordList(correction + new) = %d new, want 2", n)
		}
		if n, err := a.DispatchAlerts(ctx, clk.Now()); err != nil || n != 1 {
			t.Fatalf("DispatchAlerts = %d, %v; want 1", n, err)
		}
		got = mb.fetch()
		if len(got) != 1 {
			t.Fatalf("%d alert mails, want 1", len(got))
		}
		body := got[0].body
		for _, want := range []string{"Theo dõi: Huyện Cẩm Xuyên", "https://thu.example.vn/dia-ban/huyen-cam-xuyen", "2 mục", "Văn bản c", "(cập nhật) Văn bản a",
			"https://thu.example.vn/theo-doi/huy?t=" + token, "ngay khi có thay đổi"} {
			if !strings.Contains(body, want) {
				t.Errorf("alert mail lacks %q:\n%s", want, body)
			}
		}
		if strings.Contains(body, "Văn bản b") {
			t.Errorf("alert mail lists an old item:\n%s", body)
		}
		if subj := got[0].msg.Header.Get("Subject"); subj == "" {
			t.Error("no subject")
		}
		if n, _ := a.DispatchAlerts(ctx, clk.Now()); n != 0 {
			t.Errorf("DispatchAlerts again = %d, want 0 (nothing twice)", n)
		}

		// A daily subscriber on the same list gets at most one digest a day.
		if err := a.Subscribe(ctx, "dan@example.vn", list, "Huyện Cẩm Xuyên", FreqDaily, "client", clk.Now()); err != nil {
			t.Fatal(err)
		}
		got = mb.fetch()
		daily := tokenRe.FindStringSubmatch(got[0].body)[1]
		if _, err := a.Confirm(ctx, daily, clk.Now()); err != nil {
			t.Fatal(err)
		}
		clk.Add(time.Minute)
		a.RecordList(ctx, list, items("a@1", "b", "c", "d"), clk.Now())
		if n, _ := a.DispatchAlerts(ctx, clk.Now()); n != 2 {
			t.Errorf("DispatchAlerts(d) = %d, want 2 (instant and the first digest)", n)
		}
		mb.fetch()
		clk.Add(time.Hour)
		a.RecordList(ctx, list, items("a@1", "b", "c", "d", "e"), clk.Now())
		if n, _ := a.DispatchAlerts(ctx, clk.Now()); n != 1 {
			t.Errorf("DispatchAlerts(e) = %d, want 1 (instant only)", n)
		}
		clk.Add(alertDigestEvery)
		if n, _ := a.DispatchAlerts(ctx, clk.Now()); n != 1 {
			t.Errorf("DispatchAlerts a day later = %d, want 1 (the digest)", n)
		}
		got = mb.fetch()
		if len(got) != 2 || got[1].to != "dan@example.vn" || !strings.Contains(got[1].body, "Văn bản e") || !strings.Contains(got[1].body, "tối đa một thư mỗi ngày") {
			t.Errorf("digest: %+v", got)
		}

		// Unsubscribe needs only the token, and forgets the address.
		if _, err := a.Unsubscribe(ctx, token); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Unsubscribe(ctx, token); !errors.Is(err, ErrNotFound) {
			t.Errorf("Unsubscribe twice = %v, want ErrNotFound", err)
		}
		if _, err := a.Subscription(ctx, token); !errors.Is(err, ErrNotFound) {
			t.Errorf("Subscription after unsubscribe = %v, want ErrNotFound", err)
		}
		clk.Add(alertDigestEvery)
		a.RecordList(ctx, list, items("a@1", "b", "c", "d", "e", "f"), clk.Now())
		a.DispatchAlerts(ctx, clk.Now())
		for _, r := range mb.fetch() {
			if r.to == "nha.bao@example.vn" {
				t.Errorf("mail to an unsubscribed address:\n%s", r.body)
			}
		}
	})
}

// confirmMails counts the confirmation mails queued so far.
func confirmMails(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM outbox WHERE kind = 'alert_confirm'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAlertLimits: the subscribe form cannot flood one mailbox, nor be used
// without bound from one client, and a request over a limit is answered
// like any other (no error) while nothing is sent.
func TestAlertLimits(t *testing.T) {
	type req struct {
		email, list, client string
		after               time.Duration // the clock moves this much first
	}
	many := func(n int, f func(i int) req) []req {
		out := make([]req, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	list := func(i int) string { return fmt.Sprintf("/dia-ban/xa-%d", i) }
	tests := []struct {
		name   string
		limits AlertLimits
		reqs   []req
		mails  int
	}{
		{"five mails a day to one address, whoever asks", AlertLimits{},
			many(8, func(i int) req { return req{"nan.nhan@example.vn", list(i), fmt.Sprintf("client-%d", i), 0} }), 5},
		{"and five more the next day", AlertLimits{}, append(
			many(6, func(i int) req { return req{"nan.nhan@example.vn", list(i), "a", 0} }),
			many(6, func(i int) req {
				r := req{"nan.nhan@example.vn", list(10 + i), "a", 0}
				if i == 0 {
					r.after = 24 * time.Hour
				}
				return r
			})...), 10},
		{"twenty a day from one client", AlertLimits{},
			many(25, func(i int) req { return req{fmt.Sprintf("nguoi%d@example.vn", i), "/", "attacker", 0} }), 20},
		{"one an hour per subscription", AlertLimits{}, []req{
			{"a@example.vn", "/", "a", 0}, {"a@example.vn", "/", "b", 59 * time.Minute}, {"a@example.vn", "/", "c", time.Minute}}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eachStore(t, func(t *testing.T, s *Store, clk *clock) {
				ctx := context.Background()
				cfg := testAlertsConfig()
				cfg.Limits = tt.limits
				a, err := NewAlerts(ctx, s, cfg)
				if err != nil {
					t.Fatal(err)
				}
				for i, r := range tt.reqs {
					clk.Add(r.after)
					if err := a.Subscribe(ctx, r.email, r.list, "Danh sách", FreqDaily, r.client, clk.Now()); err != nil {
						t.Fatalf("request %d: %v", i+1, err)
					}
				}
				if got := confirmMails(t, s); got != tt.mails {
					t.Errorf("%d confirmation mails, want %d", got, tt.mails)
				}
			})
		})
	}
}

// TestUnconfirmedSubscriptions: one address holds at most Unconfirmed
// unconfirmed subscriptions (a new one replaces the oldest, so that nobody
// can keep the owner from subscribing), and they expire.
func TestUnconfirmedSubscriptions(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		cfg := testAlertsConfig()
		cfg.Limits = AlertLimits{Unconfirmed: 3, PerAddress: 100}
		a, err := NewAlerts(ctx, s, cfg)
		if err != nil {
			t.Fatal(err)
		}
		tokens := func() map[string]string {
			rows, err := s.db.QueryContext(ctx, `SELECT email, list_path, token FROM alert_subscriptions`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			out := map[string]string{}
			for rows.Next() {
				var e, l, tok string
				rows.Scan(&e, &l, &tok)
				out[strings.TrimSuffix(e, "@example.vn")+l] = tok
			}
			return out
		}
		subscribe := func(email, list string) {
			t.Helper()
			clk.Add(time.Minute)
			if err := a.Subscribe(ctx, email, list, "Danh sách", FreqInstant, "c", clk.Now()); err != nil {
				t.Fatal(err)
			}
		}
		subscribe("a@example.vn", "/confirmed")
		if _, err := a.Confirm(ctx, tokens()["a/confirmed"], clk.Now()); err != nil {
			t.Fatal(err)
		}
		for _, l := range []string{"/1", "/2", "/3", "/4", "/5"} {
			subscribe("a@example.vn", l)
		}
		subscribe("b@example.vn", "/1")
		got := tokens()
		want := []string{"a/confirmed", "a/3", "a/4", "a/5", "b/1"} // a/1 and a/2 made room
		if len(got) != len(want) {
			t.Errorf("subscriptions = %v, want %v", got, want)
		}
		for _, k := range want {
			if _, ok := got[k]; !ok {
				t.Errorf("subscription %s is missing: %v", k, got)
			}
		}

		// A week later the unconfirmed ones are gone; the confirmed stays.
		clk.Add(7 * 24 * time.Hour)
		if _, err := a.Subscription(ctx, got["a/5"]); !errors.Is(err, ErrNotFound) {
			t.Errorf("Subscription(expired) = %v, want ErrNotFound", err)
		}
		if _, err := a.Confirm(ctx, got["a/5"], clk.Now()); !errors.Is(err, ErrNotFound) {
			t.Errorf("Confirm(expired) = %v, want ErrNotFound", err)
		}
		if _, err := a.Subscription(ctx, got["a/confirmed"]); err != nil {
			t.Errorf("Subscription(confirmed a week ago) = %v", err)
		}
		subscribe("c@example.vn", "/")
		if left := tokens(); len(left) != 2 {
			t.Errorf("after a week: %v, want the confirmed one and the new one", left)
		}
	})
}
