package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/congkhai/congkhai/feedback"
)

const (
	openDraft   = "so-tai-nguyen-moi-truong/du-thao-sua-doi-bang-gia-dat-2027"
	closedDraft = "so-tai-chinh/du-thao-nghi-quyet-phan-cap-nguon-thu-2027"
)

// TestFeedbackForm is the table of the citizens' form: each case posts a
// form (with the page's CSRF token unless it says otherwise) and checks the
// status and the page.
func TestFeedbackForm(t *testing.T) {
	dialects(t, func(t *testing.T, dsn string) {
		env := newFeedbackEnv(t, dsn, nil)
		tests := []struct {
			name    string
			page    string // the form's page, for the token
			form    url.Values
			noToken bool
			token   string            // a wrong token
			header  map[string]string // extra request headers
			status  int
			want    []string
			notWant []string
		}{
			{name: "question to an agency", page: "/feedback?agency=so-tai-chinh", form: question("so-tai-chinh", "Xin hỏi dự toán năm 2026 khi nào công khai?"), status: 303},
			{name: "question about a dataset", page: "/feedback?target=so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen",
				form: url.Values{"type": {"complaint"}, "target": {"so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen"}, "body": {"Giá đất đường Trần Hưng Đạo chưa đúng."}}, status: 303},
			{name: "general question", page: "/feedback", form: question("", "Cổng có ứng dụng di động không ạ?"), status: 303},
			{name: "comment on an open draft", page: "/feedback?type=comment&target=" + openDraft,
				form: url.Values{"type": {"comment"}, "target": {openDraft}, "body": {"Đề nghị giữ nguyên hệ số K."}}, status: 303},
			{name: "comment on a closed draft is refused", page: "/feedback?target=" + closedDraft,
				form:   url.Values{"type": {"comment"}, "target": {closedDraft}, "body": {"Góp ý muộn cho dự thảo này."}},
				status: 422, want: []string{"Đã hết thời gian lấy ý kiến dự thảo này."}},
			{name: "comment without a draft is refused", page: "/feedback",
				form: url.Values{"type": {"comment"}, "agency": {"so-tai-chinh"}, "body": {"Góp ý không gắn dự thảo."}}, status: 422,
				want: []string{"Góp ý dự thảo phải gắn với một dự thảo."}},
			{name: "empty body keeps what was typed", page: "/feedback",
				form: url.Values{"type": {"question"}, "agency": {"so-noi-vu"}, "subject": {"Tuyển dụng <2026>"}, "name": {"Nguyễn Văn An"}, "body": {""}}, status: 422,
				want: []string{"Vui lòng nhập nội dung.", `aria-describedby="h-body e-body"`, `aria-invalid="true"`, `value="Tuyển dụng &lt;2026&gt;"`, `value="Nguyễn Văn An"`, `<option value="so-noi-vu" selected>`}},
			{name: "bad phone and email", page: "/feedback",
				form: url.Values{"type": {"question"}, "agency": {"so-noi-vu"}, "body": {"Nội dung đủ dài để gửi."}, "phone": {"12345"}, "email": {"khong-phai-email"}}, status: 422,
				want: []string{"Số điện thoại không hợp lệ", "Địa chỉ email không hợp lệ.", `id="e-phone"`, `aria-describedby="e-email"`, `value="12345"`, "Nội dung đủ dài để gửi."}},
			{name: "no type", page: "/feedback", form: url.Values{"agency": {"so-noi-vu"}, "body": {"Nội dung đủ dài để gửi."}}, status: 422, want: []string{"Vui lòng chọn loại ý kiến."}},
			{name: "unknown target", page: "/feedback", form: url.Values{"type": {"question"}, "target": {"so-tai-chinh/khong-co"}, "body": {"Nội dung đủ dài để gửi."}}, status: 422,
				want: []string{"Không tìm thấy văn bản hoặc dữ liệu được góp ý."}},
			{name: "honeypot", page: "/feedback", form: url.Values{"type": {"question"}, "agency": {"so-noi-vu"}, "body": {"Nội dung đủ dài để gửi."}, honeypotField: {"http://spam.example"}}, status: 422,
				want: []string{"Vui lòng để trống ô này."}},
			{name: "CSRF token missing", page: "/feedback", form: question("so-noi-vu", "Nội dung đủ dài để gửi."), noToken: true, status: 403},
			{name: "CSRF token wrong", page: "/feedback", form: question("so-noi-vu", "Nội dung đủ dài để gửi."), token: "abc", status: 403},
			{name: "cross-site POST", page: "/feedback", form: question("so-noi-vu", "Nội dung đủ dài để gửi."), header: map[string]string{"Sec-Fetch-Site": "cross-site"}, status: 403},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c := env.client(t)
				before := countAll(t, env.store)
				tok := c.token(tt.page)
				switch {
				case tt.noToken:
					tok = ""
				case tt.token != "":
					tok = tt.token
				}
				if tok != "" {
					tt.form.Set("csrf", tok)
				}
				for k, v := range tt.header {
					c.header[k] = v
				}
				rec := c.do(http.MethodPost, "/feedback", tt.form)
				body := rec.Body.String()
				if rec.Code != tt.status {
					t.Fatalf("POST /feedback = %d, want %d\n%.1500s", rec.Code, tt.status, body)
				}
				mustContain(t, "page", body, tt.want...)
				mustNotContain(t, "page", body, tt.notWant...)
				stored := countAll(t, env.store) - before
				if want := map[bool]int{true: 1, false: 0}[tt.status == 303]; stored != want {
					t.Errorf("stored %d submissions, want %d", stored, want)
				}
				if tt.status == 303 {
					loc := rec.Header().Get("Location")
					if !strings.HasPrefix(loc, "/feedback/GY-") {
						t.Errorf("Location = %q, want /feedback/GY-...", loc)
					}
				} else if cc := rec.Header().Get("Cache-Control"); tt.status == 422 && cc != "no-store" {
					t.Errorf("Cache-Control = %q, want no-store", cc)
				}
			})
		}
	})
}

func countAll(t *testing.T, st *feedback.Store) int {
	t.Helper()
	s, err := st.Stats(context.Background(), feedback.StatsQuery{})
	if err != nil {
		t.Fatal(err)
	}
	return s.Total.Received
}

// TestFeedbackFormPage checks the form's GET side: targets, the comment
// type only while the window is open, no caching.
func TestFeedbackFormPage(t *testing.T) {
	env := newFeedbackEnv(t, "", nil)
	tests := []struct {
		url     string
		status  int
		want    []string
		notWant []string
	}{
		{"/feedback", 200, []string{`name="csrf"`, `name="homepage"`, `value="question" checked`, `<select id="f-agency"`}, []string{`value="comment"`}},
		{"/feedback?type=comment&target=" + openDraft, 200, []string{`value="comment" checked`, "Nhận góp ý đến hết ngày"}, nil},
		{"/feedback?type=comment&target=" + closedDraft, 200, []string{"hiện không nhận góp ý", `value="question" checked`}, []string{`value="comment"`}},
		{"/feedback?agency=so-tai-chinh", 200, []string{`<option value="so-tai-chinh" selected>`}, nil},
		{"/feedback?target=so-tai-chinh/khong-co", 404, nil, nil},
		{"/feedback?agency=khong-co", 404, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			rec := env.client(t).get(tt.url)
			if rec.Code != tt.status {
				t.Fatalf("GET %s = %d, want %d", tt.url, rec.Code, tt.status)
			}
			mustContain(t, tt.url, rec.Body.String(), tt.want...)
			mustNotContain(t, tt.url, rec.Body.String(), tt.notWant...)
			if tt.status == 200 {
				if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
					t.Errorf("Cache-Control = %q, want no-store", cc)
				}
				ck := rec.Header().Get("Set-Cookie")
				for _, w := range []string{"csrf=", "HttpOnly", "SameSite=Lax", "Secure"} {
					if !strings.Contains(ck, w) {
						t.Errorf("Set-Cookie = %q, want %q", ck, w)
					}
				}
			}
		})
	}
	// The nav links the Q&A.
	mustContain(t, "home", env.client(t).get("/").Body.String(), `href="/hoi-dap"`)
	// In English.
	en := env.client(t)
	en.cookies["lang"] = "en"
	for _, u := range []string{"/feedback", "/hoi-dap", "/feedback/stats", "/staff/login"} {
		rec := en.get(u)
		if rec.Code != 200 {
			t.Errorf("GET %s in English = %d", u, rec.Code)
		}
		mustNotContain(t, u+" in English", rec.Body.String(), "fb_", "st_")
	}
}

// TestTrackingPage checks what anyone holding a code sees: the message and
// the answer, never the sender's personal data, text escaped.
func TestTrackingPage(t *testing.T) {
	env := newFeedbackEnv(t, "", nil)
	c := env.client(t)
	nfd := norm.NFD.String("Hỏi về giá đất ở Cẩm Xuyên <script>alert(1)</script>")
	code := c.submit(url.Values{
		"type": {"question"}, "agency": {"so-tai-nguyen-moi-truong"}, "subject": {"Giá đất"}, "body": {nfd},
		"name": {"Trần Thị Bích Ngọc"}, "phone": {"0912 345 678"}, "email": {"ngoc.tran@example.com"}, "address": {"Số 12 đường Hà Huy Tập"},
	})
	sub, err := env.store.ByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	if !norm.NFC.IsNormalString(sub.Body) || sub.Body != norm.NFC.String(nfd) {
		t.Errorf("stored body %q is not the NFC form of what was sent", sub.Body)
	}
	rec := c.get("/feedback/" + code + "?moi=1")
	body := rec.Body.String()
	if rec.Code != 200 {
		t.Fatalf("GET /feedback/%s = %d", code, rec.Code)
	}
	mustContain(t, "tracking page", body, code, "Đã gửi thành công", "Mới tiếp nhận", "Hạn trả lời", "&lt;script&gt;alert(1)&lt;/script&gt;",
		"Sở Tài nguyên và Môi trường", "n***@example.com", "••••••••78", "Đã ghi họ tên")
	mustNotContain(t, "tracking page", body, "<script>alert", "Trần Thị Bích Ngọc", "Bích Ngọc", "0912", "345 678", "ngoc.tran", "Hà Huy Tập", "rate")
	for h, want := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"} {
		if got := rec.Header().Get(h); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	// Codes are read leniently and redirected to the canonical form.
	rec = c.get("/feedback/" + strings.ToLower(strings.ReplaceAll(code, "-", "")))
	if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "/feedback/"+code {
		t.Errorf("lower-case code: %d → %q", rec.Code, rec.Header().Get("Location"))
	}
	for _, bad := range []string{"/feedback/GY-0000-0000-0000", "/feedback/1", "/feedback/%3Cscript%3E"} {
		if rec := c.get(bad); rec.Code != 404 {
			t.Errorf("GET %s = %d, want 404", bad, rec.Code)
		}
	}
}

// TestRating: once answered, the citizen rates the answer once.
func TestRating(t *testing.T) {
	env := newFeedbackEnv(t, "", nil)
	c := env.client(t)
	code := c.submit(question("so-tai-chinh", "Xin hỏi về dự toán ngân sách."))
	page := "/feedback/" + code
	rate := func(v string) *httptest.ResponseRecorder {
		return c.post("/feedback", page+"/rate", url.Values{"rating": {v}, "comment": {"Rõ ràng"}})
	}
	if rec := rate("5"); rec.Code != 422 || !strings.Contains(rec.Body.String(), "Chỉ có thể đánh giá sau khi cơ quan đã trả lời.") {
		t.Errorf("rating before the answer = %d", rec.Code)
	}
	sub, _ := env.store.ByCode(context.Background(), code)
	st := env.addStaff(t, "cb@stc.example.vn", "so-tai-chinh", feedback.RoleStaff)
	if err := env.store.Reply(context.Background(), sub.ID, st.ID, "Dự toán được công khai trong tháng 12.", "", env.clock.Now()); err != nil {
		t.Fatal(err)
	}
	body := c.get(page).Body.String()
	mustContain(t, "answered page", body, "Dự toán được công khai trong tháng 12.", `name="rating"`, "Đã trả lời")
	mustNotContain(t, "answered page", body, st.Name)
	if rec := rate("9"); rec.Code != 422 || !strings.Contains(rec.Body.String(), "từ 1 đến 5") {
		t.Errorf("rating 9 = %d", rec.Code)
	}
	if rec := rate("4"); rec.Code != 303 {
		t.Fatalf("rating = %d, want 303\n%.500s", rec.Code, rec.Body.String())
	}
	mustContain(t, "rated page", c.get(page).Body.String(), "4/5")
	if rec := rate("1"); rec.Code != 422 || !strings.Contains(rec.Body.String(), "đã được đánh giá") {
		t.Errorf("second rating = %d, want 422", rec.Code)
	}
	if rec := c.do(http.MethodPost, page+"/rate", url.Values{"rating": {"1"}}); rec.Code != 403 {
		t.Errorf("rating without CSRF token = %d, want 403", rec.Code)
	}
}

// TestFeedbackAPI: the JSON API takes the form's rules, without CSRF.
func TestFeedbackAPI(t *testing.T) {
	env := newFeedbackEnv(t, "", nil)
	post := func(ct, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/api/feedback", strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		rec := httptest.NewRecorder()
		env.s.Handler().ServeHTTP(rec, req)
		return rec
	}
	tests := []struct {
		name, ct, body string
		status         int
		want           []string
	}{
		{"accepted", "application/json", `{"type":"question","agency":"so-tai-chinh","body":"Câu hỏi gửi qua API."}`, 201, []string{`"code":"GY-`, `"due_at":"`, `"url":"https://congkhai.example.vn/feedback/GY-`}},
		{"charset accepted", "application/json; charset=utf-8", `{"type":"suggestion","target":"so-tai-chinh/du-toan-ngan-sach-2026","body":"Đề xuất công khai theo quý."}`, 201, []string{`"agency":"so-tai-chinh"`}},
		{"invalid", "application/json", `{"type":"question","body":"ngắn","email":"x"}`, 422, []string{`"error":`, `"fields":{`, `"body":"Nội dung quá ngắn`, `"email":`}},
		{"closed draft", "application/json", `{"type":"comment","target":"` + closedDraft + `","body":"Góp ý muộn cho dự thảo."}`, 422, []string{`"type":"Đã hết thời gian lấy ý kiến`}},
		{"form encoded refused", "application/x-www-form-urlencoded", `type=question&body=xxxxxxxxxxxx`, 415, []string{`"error":`}},
		{"bad JSON", "application/json", `{"type":`, 400, []string{`"error":`}},
		{"too large", "application/json", `{"body":"` + strings.Repeat("a", 200_000) + `"}`, 413, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := post(tt.ct, tt.body)
			if rec.Code != tt.status {
				t.Fatalf("POST /api/feedback = %d, want %d\n%.500s", rec.Code, tt.status, rec.Body.String())
			}
			mustContain(t, "response", rec.Body.String(), tt.want...)
			var v map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
				t.Errorf("response is not JSON: %v", err)
			}
		})
	}
}

// TestRateLimit: a client is limited by its TCP address, whatever
// X-Forwarded-For it sends; behind configured proxies, by the address the
// proxy saw.
func TestRateLimit(t *testing.T) {
	env := newFeedbackEnv(t, "", func(d *Deps) {
		d.RateLimit = 5
		var err error
		d.TrustedProxies, err = ParseProxies("10.0.0.0/8, 192.0.2.200")
		if err != nil {
			t.Fatal(err)
		}
	})
	n := 0
	send := func(remote, xff string) int {
		n++
		req := httptest.NewRequest(http.MethodPost, "/api/feedback",
			strings.NewReader(`{"type":"question","agency":"so-noi-vu","body":"Câu hỏi số `+strings.Repeat("x", n%7)+` gửi thử."}`))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = remote
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		rec := httptest.NewRecorder()
		env.s.Handler().ServeHTTP(rec, req)
		if rec.Code == 429 && rec.Header().Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		return rec.Code
	}
	// A direct client forging a new X-Forwarded-For each time.
	for i := range 5 {
		if got := send("203.0.113.7:4000", "198.51.100."+string(rune('1'+i))); got != 201 {
			t.Fatalf("request %d = %d, want 201", i+1, got)
		}
	}
	for _, xff := range []string{"198.51.100.99", "10.0.0.1", "127.0.0.1", "203.0.113.8, 10.1.1.1"} {
		if got := send("203.0.113.7:4001", xff); got != 429 {
			t.Errorf("6th request with X-Forwarded-For %q = %d, want 429", xff, got)
		}
	}
	if got := send("203.0.113.9:4000", ""); got != 201 {
		t.Errorf("another client = %d, want 201", got)
	}
	// Behind a trusted proxy: clients are told apart by X-Forwarded-For…
	for i := range 5 {
		if got := send("10.1.2.3:5000", "198.51.100.50"); got != 201 {
			t.Fatalf("proxied request %d = %d, want 201", i+1, got)
		}
	}
	if got := send("192.0.2.200:5000", "198.51.100.50"); got != 429 {
		t.Errorf("6th proxied request of one client = %d, want 429", got)
	}
	if got := send("10.1.2.3:5000", "198.51.100.51"); got != 201 {
		t.Errorf("another client behind the proxy = %d, want 201", got)
	}
	// …and a client that prepends a forged address is still itself.
	if got := send("10.1.2.3:5000", "1.2.3.4, 198.51.100.50"); got != 429 {
		t.Errorf("forged hop before the proxy's = %d, want 429", got)
	}
	// IPv6 clients count per /64.
	for i := range 5 {
		if got := send("[2001:db8:1:2::"+string(rune('1'+i))+"]:6000", ""); got != 201 {
			t.Fatalf("IPv6 request %d = %d", i+1, got)
		}
	}
	if got := send("[2001:db8:1:2:ffff::9]:6000", ""); got != 429 {
		t.Errorf("6th request from the same /64 = %d, want 429", got)
	}
}

func TestRateLimitOff(t *testing.T) {
	env := newFeedbackEnv(t, "", nil) // RateLimit 0
	c := env.client(t)
	for range 12 {
		c.submit(question("so-noi-vu", "Câu hỏi gửi liên tiếp."))
	}
}

// TestPublicPages: Q&A and statistics.
func TestPublicPages(t *testing.T) {
	env := newFeedbackEnv(t, "", nil)
	ctx := context.Background()
	c := env.client(t)
	code := c.submit(url.Values{"type": {"question"}, "agency": {"so-tai-chinh"}, "body": {"Tôi là Lê Văn Hùng, hỏi về học phí 2026."}, "name": {"Lê Văn Hùng"}})
	c.submit(question("so-noi-vu", "Câu hỏi chưa trả lời."))
	sub, _ := env.store.ByCode(ctx, code)
	st := env.addStaff(t, "cb@stc.example.vn", "so-tai-chinh", feedback.RoleStaff)
	env.clock.Set(fixedNow.Add(24 * time.Hour))
	if err := env.store.Reply(ctx, sub.ID, st.ID, "Học phí giữ nguyên.", "", env.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := env.store.Publish(ctx, sub.ID, st.ID, "Hỏi về học phí năm 2026.", "Học phí giữ nguyên."); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		url     string
		status  int
		want    []string
		notWant []string
	}{
		{"/hoi-dap", 200, []string{"Hỏi về học phí năm 2026.", "Học phí giữ nguyên.", "Sở Tài chính", "1 câu hỏi"}, []string{"Lê Văn Hùng", "chưa trả lời"}},
		{"/hoi-dap?co-quan=so-noi-vu", 200, []string{"0 câu hỏi"}, []string{"học phí"}},
		{"/hoi-dap?co-quan=khong-co", 404, nil, nil},
		{"/hoi-dap?trang=5", 404, nil, nil},
		{fmt.Sprintf("/hoi-dap/%d", sub.ID), 200, []string{"Hỏi về học phí năm 2026.", "Học phí giữ nguyên."}, []string{"Lê Văn Hùng"}},
		{fmt.Sprintf("/hoi-dap/%d", sub.ID+1), 404, nil, nil},
		{"/hoi-dap/abc", 404, nil, nil},
		{"/hoi-dap/feed.atom", 200, []string{"Hỏi về học phí năm 2026.", "Học phí giữ nguyên.", "/hoi-dap/"}, []string{"Lê Văn Hùng"}},
		{"/hoi-dap/feed.json", 200, []string{"Hỏi về học phí năm 2026."}, []string{"Lê Văn Hùng"}},
		{"/feedback/qa", 301, nil, nil},
		{"/feedback/stats", 200, []string{"Theo cơ quan", "Theo tháng", "11/2026", "Sở Tài chính tỉnh Hà Tĩnh", "100,0 %"}, []string{"Lê Văn Hùng"}},
		{"/feedback/stats?co-quan=so-tai-chinh", 200, []string{"11/2026", "100,0 %"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			rec := c.get(tt.url)
			if rec.Code != tt.status {
				t.Fatalf("GET %s = %d, want %d", tt.url, rec.Code, tt.status)
			}
			mustContain(t, tt.url, rec.Body.String(), tt.want...)
			mustNotContain(t, tt.url, rec.Body.String(), tt.notWant...)
		})
	}
}
