package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/congkhai/congkhai/feedback"
	"github.com/congkhai/congkhai/portal"
)

const staffPassword = "mat-khau-dai-du"

// TestStaffCrossAgency: staff of one agency can neither see nor act on
// another agency's submission, whatever URL they guess; the answer is the
// same 404 as for an id that does not exist.
func TestStaffCrossAgency(t *testing.T) {
	dialects(t, func(t *testing.T, dsn string) {
		env := newFeedbackEnv(t, dsn, nil)
		ctx := context.Background()
		citizen := env.client(t)
		codeA := citizen.submit(question("so-tai-chinh", "Câu hỏi gửi Sở Tài chính."))
		codeB := citizen.submit(question("so-noi-vu", "Câu hỏi gửi Sở Nội vụ."))
		codeG := citizen.submit(question("", "Câu hỏi chung cho cổng."))
		subA, _ := env.store.ByCode(ctx, codeA)
		subB, _ := env.store.ByCode(ctx, codeB)
		subG, _ := env.store.ByCode(ctx, codeG)
		env.addStaff(t, "a@stc.example.vn", "so-tai-chinh", feedback.RoleAgencyAdmin)
		staffB := env.addStaff(t, "b@snv.example.vn", "so-noi-vu", feedback.RoleStaff)
		env.addStaff(t, "root@example.vn", "", feedback.RoleSiteAdmin)

		a := env.client(t)
		a.login("a@stc.example.vn", staffPassword)
		if rec := a.get(fmt.Sprintf("/staff/s/%d", subA.ID)); rec.Code != 200 || !strings.Contains(rec.Body.String(), codeA) {
			t.Fatalf("own submission = %d", rec.Code)
		}
		inbox := a.get("/staff/inbox?loc=all").Body.String()
		mustContain(t, "inbox", inbox, codeA)
		mustNotContain(t, "inbox", inbox, codeB, codeG)

		for _, id := range []int64{subB.ID, subG.ID, 999999} {
			path := fmt.Sprintf("/staff/s/%d", id)
			if rec := a.get(path); rec.Code != 404 {
				t.Errorf("GET %s = %d, want 404", path, rec.Code)
			}
			for _, action := range []struct {
				name string
				form url.Values
			}{
				{"assign", url.Values{"assigned_to": {"me"}}},
				{"note", url.Values{"note": {"ghi chú"}}},
				{"reply", url.Values{"body": {"Trả lời trái phép."}}},
				{"publish", url.Values{"public_question": {"Hỏi"}, "public_answer": {"Đáp"}}},
				{"unpublish", url.Values{}},
				{"close", url.Values{"reason": {"x"}}},
				{"reopen", url.Values{"reason": {"x"}}},
				{"transfer", url.Values{"agency": {"so-tai-chinh"}}},
				{"nonsense", url.Values{}},
			} {
				rec := a.post("/staff/inbox", path+"/"+action.name, action.form)
				if rec.Code != 404 {
					t.Errorf("POST %s/%s = %d, want 404", path, action.name, rec.Code)
				}
			}
		}
		// Nothing happened to B's submission.
		if audit, _ := env.store.Audit(ctx, subB.ID); len(audit) != 1 {
			t.Errorf("B's submission has %d audit rows, want 1 (submitted): %+v", len(audit), audit)
		}
		if msgs, _ := env.store.Messages(ctx, subB.ID, true); len(msgs) != 0 {
			t.Errorf("B's submission has %d messages", len(msgs))
		}
		// Nor to B's staff account.
		for _, action := range []string{"disable", "password"} {
			path := fmt.Sprintf("/staff/accounts/%d/%s", staffB.ID, action)
			if rec := a.post("/staff/accounts", path, url.Values{}); rec.Code != 404 {
				t.Errorf("POST %s = %d, want 404", path, rec.Code)
			}
		}
		if st, _ := env.store.GetStaff(ctx, staffB.ID); st.Disabled {
			t.Error("B's account was disabled by A")
		}

		// The site admin sees everything, general feedback included.
		root := env.client(t)
		root.login("root@example.vn", staffPassword)
		for _, id := range []int64{subA.ID, subB.ID, subG.ID} {
			if rec := root.get(fmt.Sprintf("/staff/s/%d", id)); rec.Code != 200 {
				t.Errorf("site admin GET /staff/s/%d = %d", id, rec.Code)
			}
		}
		// Transfer moves a submission out of A's reach.
		if rec := a.post("/staff/inbox", fmt.Sprintf("/staff/s/%d/transfer", subA.ID), url.Values{"agency": {"so-noi-vu"}}); rec.Code != 303 || rec.Header().Get("Location") != "/staff/inbox" {
			t.Fatalf("transfer = %d → %q", rec.Code, rec.Header().Get("Location"))
		}
		if rec := a.get(fmt.Sprintf("/staff/s/%d", subA.ID)); rec.Code != 404 {
			t.Errorf("after transfer GET = %d, want 404", rec.Code)
		}
		b := env.client(t)
		b.login("b@snv.example.vn", staffPassword)
		if rec := b.get(fmt.Sprintf("/staff/s/%d", subA.ID)); rec.Code != 200 {
			t.Errorf("receiving agency GET = %d, want 200", rec.Code)
		}
	})
}

// TestStaffWorkflow: inbox filters, assign, note, reply (late: explanation
// required), publish (personal data refused), close and reopen; the citizen
// sees the reply and the explanation, never the notes.
func TestStaffWorkflow(t *testing.T) {
	dialects(t, func(t *testing.T, dsn string) {
		env := newFeedbackEnv(t, dsn, nil)
		ctx := context.Background()
		citizen := env.client(t)
		code := citizen.submit(url.Values{"type": {"complaint"}, "agency": {"so-tai-chinh"}, "body": {"Tôi là Phạm Minh Châu, phản ánh chậm chi trả."},
			"name": {"Phạm Minh Châu"}, "email": {"chau@example.com"}})
		sub, _ := env.store.ByCode(ctx, code)
		me := env.addStaff(t, "cb@stc.example.vn", "so-tai-chinh", feedback.RoleStaff)
		c := env.client(t)
		// Not logged in: to the login page.
		if rec := c.get("/staff/inbox"); rec.Code != 303 || !strings.HasPrefix(rec.Header().Get("Location"), "/staff/login?next=") {
			t.Fatalf("anonymous inbox = %d → %q", rec.Code, rec.Header().Get("Location"))
		}
		c.login("cb@stc.example.vn", staffPassword)
		rec := c.get("/staff/inbox?loc=new")
		for h, want := range map[string]string{"Cache-Control": "no-store", "X-Robots-Tag": "noindex"} {
			if got := rec.Header().Get(h); !strings.Contains(got, want) {
				t.Errorf("inbox %s = %q, want %q", h, got, want)
			}
		}
		mustContain(t, "inbox", rec.Body.String(), code, `Mới <span class="count">(1)</span>`, `Quá hạn <span class="count">(0)</span>`, `Sắp đến hạn <span class="count">(0)</span>`)
		if rec := c.get("/staff/inbox?loc=bogus"); rec.Code != 404 {
			t.Errorf("unknown filter = %d", rec.Code)
		}
		page := fmt.Sprintf("/staff/s/%d", sub.ID)
		act := func(action string, form url.Values) (int, string) {
			t.Helper()
			rec := c.post(page, page+"/"+action, form)
			return rec.Code, rec.Body.String()
		}
		mustContain(t, "submission page", c.get(page).Body.String(), "Phạm Minh Châu", "chau@example.com", "submitted")
		if st, _ := act("assign", url.Values{"assigned_to": {"me"}}); st != 303 {
			t.Fatalf("assign = %d", st)
		}
		mustContain(t, "mine", c.get("/staff/inbox?loc=mine").Body.String(), code, `Của tôi <span class="count">(1)</span>`)
		if st, _ := act("note", url.Values{"note": {"Ghi chú nội bộ: kiểm tra hồ sơ."}}); st != 303 {
			t.Fatalf("note = %d", st)
		}
		if st, body := act("note", url.Values{"note": {"  "}}); st != 422 || !strings.Contains(body, `id="e-note"`) {
			t.Errorf("empty note = %d", st)
		}
		// Past the deadline: a reply needs an explanation.
		env.clock.Set(sub.DueAt.Add(2 * time.Hour))
		c.login("cb@stc.example.vn", staffPassword) // the session expired meanwhile
		mustContain(t, "overdue inbox", c.get("/staff/inbox?loc=overdue").Body.String(), code, `Quá hạn <span class="count">(1)</span>`)
		st, body := act("reply", url.Values{"body": {"Đã chi trả ngày 01/12."}})
		if st != 422 {
			t.Fatalf("late reply without explanation = %d, want 422", st)
		}
		mustContain(t, "late reply form", body, "vui lòng nêu lý do trả lời chậm", `id="e-late_explanation"`, "Đã chi trả ngày 01/12.")
		if st, _ := act("reply", url.Values{"body": {"Đã chi trả ngày 01/12."}, "late_explanation": {"Chờ xác minh của Kho bạc; xin lỗi ông/bà."}}); st != 303 {
			t.Fatalf("late reply = %d", st)
		}
		track := citizen.get("/feedback/" + code).Body.String()
		mustContain(t, "tracking page", track, "Đã chi trả ngày 01/12.", "Chờ xác minh của Kho bạc", "Trả lời chậm")
		mustNotContain(t, "tracking page", track, "Ghi chú nội bộ", me.Name)
		// Publishing with personal data is refused; edited, it goes public.
		st, body = act("publish", url.Values{"public_question": {"Phạm Minh Châu phản ánh chậm chi trả."}, "public_answer": {"Đã chi trả."}})
		if st != 422 || !strings.Contains(body, `id="e-public_question"`) {
			t.Errorf("publish with the name = %d, want 422", st)
		}
		if st, _ := act("publish", url.Values{"public_question": {"Phản ánh chậm chi trả bồi thường."}, "public_answer": {"Đã chi trả ngày 01/12."}}); st != 303 {
			t.Fatalf("publish = %d", st)
		}
		qa := citizen.get("/hoi-dap").Body.String()
		mustContain(t, "Q&A", qa, "Phản ánh chậm chi trả bồi thường.")
		mustNotContain(t, "Q&A", qa, "Phạm Minh Châu", "chau@")
		if st, _ := act("close", url.Values{"reason": {"Đã giải quyết"}}); st != 303 {
			t.Fatalf("close = %d", st)
		}
		if st, body := act("close", url.Values{}); st != 409 || !strings.Contains(body, "trạng thái hiện tại") {
			t.Errorf("closing twice = %d, want 409", st)
		}
		if st, _ := act("reopen", url.Values{"reason": {"Công dân hỏi thêm"}}); st != 303 {
			t.Fatalf("reopen = %d", st)
		}
		history := c.get(page).Body.String()
		mustContain(t, "history", history, "assigned", "note", "replied", "published", "closed", "reopened", "late: Chờ xác minh")
	})
}

// TestStaffLogin: bad passwords, lockout, logout ending the session.
func TestStaffLogin(t *testing.T) {
	env := newFeedbackEnv(t, "", nil)
	env.addStaff(t, "cb@stc.example.vn", "so-tai-chinh", feedback.RoleStaff)
	c := env.client(t)
	if rec := c.do(http.MethodPost, "/staff/login", url.Values{"email": {"cb@stc.example.vn"}, "password": {staffPassword}}); rec.Code != 403 {
		t.Errorf("login without CSRF token = %d, want 403", rec.Code)
	}
	const failed = "Email hoặc mật khẩu không đúng, hoặc đã thử quá nhiều lần. Vui lòng thử lại sau."
	var pages []string // the failure pages, without the form's token
	try := func(c *client, email, password string) {
		t.Helper()
		rec := c.post("/staff/login", "/staff/login", url.Values{"email": {email}, "password": {password}})
		body := rec.Body.String()
		if rec.Code != 422 || !strings.Contains(body, failed) {
			t.Fatalf("login %s from %s = %d, want 422 with the one failure message\n%.1000s", email, c.remote, rec.Code, body)
		}
		if !strings.Contains(body, `value="`+email+`"`) {
			t.Error("the email was not kept")
		}
		pages = append(pages, strings.ReplaceAll(csrfRe.ReplaceAllString(body, ""), email, "EMAIL"))
	}
	for range feedback.DefaultLoginLimits().PairFailures {
		try(c, "cb@stc.example.vn", "sai-mat-khau")
	}
	// This address must wait: even the right password gets the same answer.
	try(c, "cb@stc.example.vn", staffPassword)
	// An email without an account gets the same answer, and waits the same.
	other := env.client(t)
	other.remote = "198.51.100.7:4000"
	for range feedback.DefaultLoginLimits().PairFailures + 1 {
		try(other, "khong-co@stc.example.vn", "sai-mat-khau")
	}
	for i, p := range pages[1:] {
		if p != pages[0] {
			t.Errorf("failure page %d differs from the first", i+2)
		}
	}
	// The real user, elsewhere, is not locked out by the guesses.
	office := env.client(t)
	office.remote = "203.0.113.5:443"
	office.login("cb@stc.example.vn", staffPassword)
	// In English too.
	en := env.client(t)
	en.remote = "203.0.113.6:443"
	en.cookies["lang"] = "en"
	rec := en.post("/staff/login", "/staff/login", url.Values{"email": {"cb@stc.example.vn"}, "password": {"sai"}})
	if rec.Code != 422 || !strings.Contains(rec.Body.String(), "Wrong email or password, or too many attempts. Please try again later.") {
		t.Errorf("English failure = %d\n%.1000s", rec.Code, rec.Body.String())
	}
	env.clock.Set(fixedNow.Add(2 * time.Minute))
	c.login("cb@stc.example.vn", staffPassword)
	token := c.cookies[staffCookie]
	if token == "" {
		t.Fatal("no session cookie")
	}
	rec = c.get("/staff/inbox")
	if rec.Code != 200 {
		t.Fatalf("inbox after login = %d", rec.Code)
	}
	// Without a content folder (and so without a record) there is no
	// publishing console to link to.
	mustNotContain(t, "staff bar without a record", rec.Body.String(), `href="/staff/xuat-ban"`)
	if rec := c.post("/staff/inbox", "/staff/logout", url.Values{}); rec.Code != 303 {
		t.Fatalf("logout = %d", rec.Code)
	}
	if _, ok := c.cookies[staffCookie]; ok {
		t.Error("logout left the session cookie")
	}
	// The old token is dead on the server, not just forgotten by the browser.
	c.cookies[staffCookie] = token
	if rec := c.get("/staff/inbox"); rec.Code != 303 {
		t.Errorf("inbox with the logged-out token = %d, want 303 to login", rec.Code)
	}
	// Sessions expire.
	c.login("cb@stc.example.vn", staffPassword)
	env.clock.Set(env.clock.Now().Add(sessionTTL + time.Minute))
	if rec := c.get("/staff/inbox"); rec.Code != 303 {
		t.Errorf("inbox after the session expired = %d, want 303", rec.Code)
	}
	// Only local console paths after login.
	for next, want := range map[string]string{"/staff/s/1": "/staff/s/1", "//evil.example/staff/": "/staff/inbox", "https://evil.example": "/staff/inbox"} {
		delete(c.cookies, staffCookie)
		rec := c.post("/staff/login", "/staff/login", url.Values{"email": {"cb@stc.example.vn"}, "password": {staffPassword}, "next": {next}})
		if got := rec.Header().Get("Location"); got != want {
			t.Errorf("next=%q → %q, want %q", next, got, want)
		}
	}
}

func TestStaffSessionCookie(t *testing.T) {
	env := newFeedbackEnv(t, "", nil)
	env.addStaff(t, "cb@stc.example.vn", "so-tai-chinh", feedback.RoleStaff)
	c := env.client(t)
	rec := c.post("/staff/login", "/staff/login", url.Values{"email": {"cb@stc.example.vn"}, "password": {staffPassword}})
	var ck *http.Cookie
	for _, k := range rec.Result().Cookies() {
		if k.Name == staffCookie {
			ck = k
		}
	}
	if ck == nil || !ck.HttpOnly || !ck.Secure || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/staff" {
		t.Errorf("session cookie = %+v, want HttpOnly, Secure, SameSite=Lax, Path=/staff", ck)
	}
}

// TestStaffAccounts: agency admins manage their agency's accounts only.
func TestStaffAccounts(t *testing.T) {
	env := newFeedbackEnv(t, "", nil)
	ctx := context.Background()
	env.addStaff(t, "admin@stc.example.vn", "so-tai-chinh", feedback.RoleAgencyAdmin)
	env.addStaff(t, "cb@stc.example.vn", "so-tai-chinh", feedback.RoleStaff)
	c := env.client(t)
	c.login("admin@stc.example.vn", staffPassword)
	rec := c.post("/staff/accounts", "/staff/accounts", url.Values{"email": {"moi@stc.example.vn"}, "name": {"Cán bộ mới"}, "role": {"staff"}, "agency": {"so-noi-vu"}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Đã tạo tài khoản moi@stc.example.vn") {
		t.Fatalf("add = %d\n%.800s", rec.Code, rec.Body.String())
	}
	list, _ := env.store.ListStaff(ctx, "so-tai-chinh")
	var created *feedback.Staff
	for _, s := range list {
		if s.Email == "moi@stc.example.vn" {
			created = s
		}
	}
	if created == nil {
		t.Fatal("the account was not created in the admin's agency")
	}
	if rec := c.post("/staff/accounts", "/staff/accounts", url.Values{"email": {"x@example.vn"}, "name": {"X"}, "role": {"site_admin"}}); rec.Code != 422 {
		t.Errorf("agency admin creating a site admin = %d, want 422", rec.Code)
	}
	if rec := c.post("/staff/accounts", "/staff/accounts", url.Values{"email": {"moi@stc.example.vn"}, "name": {"Trùng"}, "role": {"staff"}}); rec.Code != 422 || !strings.Contains(rec.Body.String(), "đã có tài khoản") {
		t.Errorf("duplicate email = %d, want 422", rec.Code)
	}
	if rec := c.post("/staff/accounts", fmt.Sprintf("/staff/accounts/%d/disable", created.ID), url.Values{}); rec.Code != 200 {
		t.Errorf("disable = %d", rec.Code)
	}
	if st, _ := env.store.GetStaff(ctx, created.ID); !st.Disabled {
		t.Error("not disabled")
	}
	// Plain staff have no accounts page.
	s := env.client(t)
	s.login("cb@stc.example.vn", staffPassword)
	if rec := s.get("/staff/accounts"); rec.Code != 404 {
		t.Errorf("staff GET /staff/accounts = %d, want 404", rec.Code)
	}
}

// TestCSRFRotation: signing in and out replaces the form token, so that a
// token known before (planted, or seen on a shared computer) is refused after.
func TestCSRFRotation(t *testing.T) {
	env := newFeedbackEnv(t, "", nil)
	env.addStaff(t, "cb@stc.example.vn", "so-tai-chinh", feedback.RoleStaff)
	c := env.client(t)
	csrfCookies := func(rec *httptest.ResponseRecorder) []string {
		var out []string
		for _, k := range rec.Result().Cookies() {
			if k.Name == csrfField {
				out = append(out, k.Value)
			}
		}
		return out
	}
	before := c.token("/staff/login")
	rec := c.do(http.MethodPost, "/staff/login", url.Values{"csrf": {before}, "email": {"cb@stc.example.vn"}, "password": {staffPassword}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("login = %d", rec.Code)
	}
	set := csrfCookies(rec)
	if len(set) != 1 || set[0] == before || set[0] == "" {
		t.Fatalf("login sets CSRF cookies %q, want one new token (old %q)", set, before)
	}
	after := c.token("/staff/inbox")
	if after != set[0] {
		t.Errorf("the inbox's forms carry %q, want the new token %q", after, set[0])
	}
	if rec := c.do(http.MethodPost, "/staff/logout", url.Values{"csrf": {before}}); rec.Code != http.StatusForbidden {
		t.Errorf("POST with the token from before the login = %d, want 403", rec.Code)
	}
	rec = c.do(http.MethodPost, "/staff/logout", url.Values{"csrf": {after}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("logout = %d", rec.Code)
	}
	if set := csrfCookies(rec); len(set) != 1 || set[0] == after {
		t.Errorf("logout sets CSRF cookies %q, want one new token (old %q)", set, after)
	}
	if got := c.token("/staff/login"); got == after || got == before {
		t.Errorf("after logout the form token is an old one: %q", got)
	}
}

// TestCookiesSecure: every cookie of the portal (session, CSRF, language) is
// Secure when the public address — --base-url, else site.yaml's base_url — is
// https, or the request came over TLS.
func TestCookiesSecure(t *testing.T) {
	tests := []struct {
		name, flag, site string
		tls, want        bool
	}{
		{"site.yaml https", "", "https://xa-thu.example.vn", false, true},
		{"site.yaml http", "", "http://localhost:8080", false, false},
		{"site.yaml http, request over TLS", "", "http://localhost:8080", true, true},
		{"flag https", "https://congkhai.example.vn", "http://localhost:8080", false, true},
		{"flag http wins over site.yaml", "http://localhost:8080", "https://xa-thu.example.vn", false, false},
		{"no address at all", "", "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			site := map[string]string{}
			for k, v := range feedSite {
				site[k] = v
			}
			site["site.yaml"] = "title: Cổng công khai xã Thử\n"
			if tt.site != "" {
				site["site.yaml"] += "base_url: " + tt.site + "\n"
			}
			writeSite(t, dir, site)
			env := newFeedbackEnv(t, "", func(d *Deps) {
				p, err := portal.Open(context.Background(), portal.Config{Content: os.DirFS(dir), Log: d.Log})
				if err != nil {
					t.Fatal(err)
				}
				d.Portal, d.BaseURL = p, tt.flag
			})
			env.addStaff(t, "cb@stc.example.vn", "so-tai-chinh", feedback.RoleStaff)
			c := env.client(t)
			host := "http://xa-thu.example.vn"
			if tt.tls {
				host = "https://xa-thu.example.vn"
			}
			token := c.token(host + "/staff/login")
			recs := []*httptest.ResponseRecorder{
				c.do(http.MethodPost, host+"/staff/login", url.Values{"csrf": {token}, "email": {"cb@stc.example.vn"}, "password": {staffPassword}}),
				c.get(host + "/lang?to=en"),
				c.get(host + "/feedback"),
			}
			seen := map[string]bool{}
			for _, rec := range recs {
				for _, k := range rec.Result().Cookies() {
					seen[k.Name] = true
					if k.Secure != tt.want {
						t.Errorf("cookie %s: Secure = %v, want %v", k.Name, k.Secure, tt.want)
					}
				}
			}
			for _, name := range []string{staffCookie, csrfField, "lang"} {
				if !seen[name] {
					t.Errorf("no %s cookie was set", name)
				}
			}
		})
	}
}
