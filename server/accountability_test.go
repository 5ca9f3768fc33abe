package server

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/congkhai/congkhai/calendar"
	"github.com/congkhai/congkhai/demo"
	"github.com/congkhai/congkhai/dossier"
	"github.com/congkhai/congkhai/feedback"
	"github.com/congkhai/congkhai/tables"
)

// accServer is a server on the demo whose accountability figures are built.
func accServer(t testing.TB) *Server {
	t.Helper()
	s := newTestServer(t, demo.FS())
	waitAcc(t, s)
	return s
}

func waitAcc(t testing.TB, s *Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.deps.Portal.WaitAccountability(ctx); err != nil {
		t.Fatal(err)
	}
}

// demoPersonal reads the applicants' names and phones the district's export
// holds (its index.md drops them): none may ever appear in an answer.
func demoPersonal(t testing.TB) []string {
	t.Helper()
	const p = "ubnd-huyen-cam-xuyen/ho-so-thu-tuc-hanh-chinh/Xuat du lieu Mot cua 12-2025 den 11-2026.xlsx"
	b, err := fs.ReadFile(demo.FS(), p)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := tables.Read(context.Background(), p, bytes.NewReader(b), int64(len(b)), tables.Options{Limits: tables.Limits{MaxCells: 8_000_000}})
	if err != nil {
		t.Fatal(err)
	}
	tb := wb.Tables[0]
	var cols []int
	for i, c := range tb.Columns {
		if c.Name == "Họ tên người nộp" || c.Name == "Số điện thoại" {
			cols = append(cols, i)
		}
	}
	if len(cols) != 2 {
		t.Fatalf("the demo export has no name and phone columns: %v", tb.Columns)
	}
	seen := map[string]bool{}
	var out []string
	for _, r := range tb.Rows {
		for _, c := range cols {
			if v := r.Cells[c].Raw; v != "" && !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	return out
}

// codeRE matches the demo's dossier codes.
var codeRE = regexp.MustCompile(`000\.\d\d\.\d\d\.H23-\d{6}-\d{4}`)

func TestAccountabilityRoutes(t *testing.T) {
	s := accServer(t)
	personal := demoPersonal(t)
	tests := []struct {
		name    string
		url     string
		status  int
		want    []string
		notWant []string
	}{
		{"overview", "/trach-nhiem", 200, []string{"Xếp hạng các cơ quan – Năm 2026", "UBND huyện Cẩm Xuyên", `<svg`, `aria-details="acc-rank-table"`, `id="acc-rank-table"`, "Tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn", "Không tính được", `aria-current="page">Giải trình`}, nil},
		{"overview, a quarter", "/trach-nhiem?ky=2026-Q3", 200, []string{"Xếp hạng các cơ quan – Quý III/2026", `<option value="2026-Q3" selected>`}, nil},
		{"overview, a month", "/trach-nhiem?ky=2026-02", 200, []string{"Tháng 2/2026"}, nil},
		{"a period without figures", "/trach-nhiem?ky=2030", 404, nil, nil},
		{"not a period", "/trach-nhiem?ky=mua-xuan", 404, nil, nil},
		{"district", "/trach-nhiem/ubnd-huyen-cam-xuyen", 200, []string{"Đăng ký biến động quyền sử dụng đất", "1.012770", "Đất đai", `id="nghia-vu"`, "Công khai dự toán ngân sách", "Rất hài lòng", "Hồ sơ quá hạn gần đây"}, nil},
		{"province's obligations met by its departments", "/trach-nhiem/ubnd-tinh", 200, []string{"Công bố bảng giá đất", "cong-bo-bang-gia-dat-2026"}, nil},
		{"unknown agency", "/trach-nhiem/khong-co", 404, nil, nil},
		{"late list", "/trach-nhiem/qua-han", 200, []string{"Hồ sơ quá hạn", "Chưa xin lỗi", `<select id="linh-vuc"`}, nil},
		{"late list, filtered", "/trach-nhiem/ubnd-huyen-cam-xuyen/qua-han?linh-vuc=%C4%90%E1%BA%A5t+%C4%91ai&xl=thieu", 200, []string{`<option value="thieu" selected>`}, []string{"Xây dựng</span></th>"}},
		{"late list, bad filter", "/trach-nhiem/qua-han?xl=x", 400, nil, nil},
		{"late list past its end", "/trach-nhiem/qua-han?trang=999", 404, nil, nil},
		{"obligations and rules", "/trach-nhiem/cong-khai", 200, []string{"Luật Ngân sách nhà nước số 83/2015/QH13, Điều 15 khoản 1 điểm c", "đã đối chiếu toàn văn", "Chưa công khai", "document_type: du-toan-ngan-sach"}, nil},
		{"english", "/trach-nhiem", 200, nil, nil},
		{"the dossier dataset's page", "/ubnd-huyen-cam-xuyen/ho-so-thu-tuc-hanh-chinh", 200, []string{"Tệp gốc không được công bố"}, []string{"/tai-ve/", "download"}},
		{"the export itself", "/ubnd-huyen-cam-xuyen/ho-so-thu-tuc-hanh-chinh/Xuat%20du%20lieu%20Mot%20cua%2012-2025%20den%2011-2026.xlsx", 404, nil, nil},
		{"a table download of the export", "/tai-ve/ubnd-huyen-cam-xuyen/ho-so-thu-tuc-hanh-chinh/ho-so.csv", 404, nil, nil},
		{"late feed", "/trach-nhiem/qua-han/feed.atom", 200, []string{"<feed", "tag:congkhai.example.vn,2026:trach-nhiem/qua-han/", "Hồ sơ quá hạn:"}, nil},
		{"an agency's late feed", "/trach-nhiem/ubnd-xa-cam-quan/qua-han/feed.json", 200, []string{`"items"`}, nil},
		{"missed obligations feed", "/trach-nhiem/ubnd-huyen-cam-xuyen/cong-khai/feed.rss", 200, []string{"<rss", "chưa công khai, quá hạn"}, nil},
		{"feed of an unknown agency", "/trach-nhiem/khong-co/qua-han/feed.atom", 404, nil, nil},
		{"api overview", "/api/trach-nhiem", 200, []string{`"ty_le_dung_han"`, `"co_quan":"ubnd-huyen-cam-xuyen"`}, nil},
		{"api agency", "/api/trach-nhiem/ubnd-huyen-cam-xuyen?ky=2026-Q2", 200, []string{`"ky":"2026-Q2"`, `"bo_chi_so_766"`, `"nghia_vu_cong_khai"`, `"theo_thang"`}, nil},
		{"api late", "/api/trach-nhiem/qua-han?co-quan=so-noi-vu", 200, []string{`"ho_so":[`, `"xin_loi"`}, nil},
		{"api late, unknown agency", "/api/trach-nhiem/qua-han?co-quan=khong-co", 404, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := request{url: tt.url}
			if tt.name == "english" {
				r.header = map[string]string{"Cookie": "lang=en"}
				tt.want = []string{"Agencies ranked – 2026", `<html lang="en">`}
			}
			rec := do(t, s, r)
			if rec.Code != tt.status {
				t.Fatalf("GET %s = %d, want %d\n%.500s", tt.url, rec.Code, tt.status, rec.Body.String())
			}
			body := rec.Body.String()
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s lacks %q", tt.url, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(body, w) {
					t.Errorf("GET %s has %q", tt.url, w)
				}
			}
			// Nothing personal, and no code to look up, in any list.
			for _, p := range personal {
				if strings.Contains(body, p) {
					t.Fatalf("GET %s shows %q from the export", tt.url, p)
				}
			}
			if c := codeRE.FindString(body); c != "" {
				t.Errorf("GET %s lists the dossier code %s", tt.url, c)
			}
			if strings.HasSuffix(tt.url, ".atom") && rec.Code == 200 {
				if err := xml.Unmarshal(rec.Body.Bytes(), new(struct{})); err != nil {
					t.Errorf("%s is not XML: %v", tt.url, err)
				}
			}
		})
	}
}

// TestAccountabilityCached: a page is built once per build of the figures.
func TestAccountabilityCached(t *testing.T) {
	s := accServer(t)
	a := do(t, s, request{url: "/trach-nhiem/ubnd-huyen-cam-xuyen"})
	b := do(t, s, request{url: "/trach-nhiem/ubnd-huyen-cam-xuyen", header: map[string]string{"If-None-Match": a.Header().Get("ETag")}})
	if a.Code != 200 || a.Header().Get("ETag") == "" || b.Code != http.StatusNotModified {
		t.Errorf("first %d (ETag %q), then %d; want 200, 304", a.Code, a.Header().Get("ETag"), b.Code)
	}
}

func TestDossierLookup(t *testing.T) {
	s := accServer(t)
	a := s.deps.Portal.Accountability()
	late := a.Report.Late("ubnd-huyen-cam-xuyen")
	// A late dossier of the district, without a result: find its code in
	// the set by its public facts.
	var code string
	for _, d := range findCodes(s) {
		if got := a.Set.Lookup(d); len(got) == 1 && got[0].Agency == "ubnd-huyen-cam-xuyen" && got[0].Status == dossier.StatusPending && got[0].Due < a.Day {
			code = d
			break
		}
	}
	if code == "" || len(late) == 0 {
		t.Fatal("no pending late dossier in the demo")
	}
	personal := demoPersonal(t)
	tests := []struct {
		name, method, code string
		want               []string
	}{
		{"form", "GET", "", []string{`<form class="lookup-form" method="post"`, `name="ma"`}},
		{"a late dossier", "POST", code, []string{code, "Đã quá hạn", "Ngày hẹn trả", "Văn bản xin lỗi", "Ủy ban nhân dân huyện Cẩm Xuyên"}},
		{"typed in lower case with spaces", "GET", " " + strings.ToLower(code) + " ", []string{code}},
		{"an unknown code", "POST", "000.00.11.H23-260105-9999", []string{"Không tìm thấy hồ sơ có mã này"}},
		{"not a code", "GET", "12", []string{"không phải là mã hồ sơ"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req *http.Request
			if tt.method == "POST" {
				req = httptest.NewRequest("POST", "/tra-cuu-ho-so", strings.NewReader(url.Values{"ma": {tt.code}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			} else {
				req = httptest.NewRequest("GET", "/tra-cuu-ho-so?ma="+url.QueryEscape(tt.code), nil)
			}
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			body := rec.Body.String()
			if rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-store" {
				t.Fatalf("status %d, Cache-Control %q", rec.Code, rec.Header().Get("Cache-Control"))
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("lacks %q", w)
				}
			}
			for _, p := range personal {
				if strings.Contains(body, p) {
					t.Fatalf("shows %q from the export", p)
				}
			}
		})
	}
	// A known and an unknown code get the same page: the same template and
	// status, the form, a result section.
	shape := func(code string) string {
		rec := do(t, s, request{url: "/tra-cuu-ho-so?ma=" + url.QueryEscape(code)})
		var tags []string
		for _, m := range regexp.MustCompile(`<(h1|h2|form|section|input)\b`).FindAllStringSubmatch(rec.Body.String(), -1) {
			tags = append(tags, m[1])
		}
		return strings.Join(tags, " ")
	}
	if k, u := shape(code), shape("000.00.11.H23-260105-9999"); k != u {
		t.Errorf("a known code's page is shaped %q, an unknown's %q", k, u)
	}
	// The API answers both with 200 and a list.
	for _, c := range []string{code, "000.00.11.H23-260105-9999"} {
		rec := do(t, s, request{url: "/api/ho-so?ma=" + url.QueryEscape(c)})
		var got struct {
			HoSo []map[string]any `json:"ho_so"`
		}
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &got) != nil {
			t.Fatalf("/api/ho-so?ma=%s: %d %s", c, rec.Code, rec.Body)
		}
		if want := map[bool]int{true: 1, false: 0}[c == code]; len(got.HoSo) != want {
			t.Errorf("/api/ho-so?ma=%s: %d dossiers, want %d", c, len(got.HoSo), want)
		}
	}
}

// findCodes returns the codes of the demo's district export.
func findCodes(s *Server) []string {
	b, _ := fs.ReadFile(demo.FS(), "ubnd-huyen-cam-xuyen/ho-so-thu-tuc-hanh-chinh/Xuat du lieu Mot cua 12-2025 den 11-2026.xlsx")
	wb, err := tables.Read(context.Background(), "x.xlsx", bytes.NewReader(b), int64(len(b)), tables.Options{Limits: tables.Limits{MaxCells: 8_000_000}})
	if err != nil {
		return nil
	}
	var out []string
	for _, r := range wb.Tables[0].Rows {
		if len(r.Cells) > 1 {
			out = append(out, r.Cells[1].Raw)
		}
	}
	return out
}

func TestDossierLookupRateLimit(t *testing.T) {
	s := newTestServer(t, demo.FS())
	// The test server has no rate limit: give it the default's.
	s2, err := New(Deps{Log: s.log, Portal: s.deps.Portal, Theme: s.deps.Theme, BaseURL: s.deps.BaseURL, RateLimit: 5})
	if err != nil {
		t.Fatal(err)
	}
	waitAcc(t, s2)
	lookup := func(ip, code string) int {
		req := httptest.NewRequest("GET", "/tra-cuu-ho-so?ma="+code, nil)
		req.RemoteAddr = ip + ":1234"
		rec := httptest.NewRecorder()
		s2.Handler().ServeHTTP(rec, req)
		return rec.Code
	}
	n := lookupPerMinute(5)
	for i := range n {
		if got := lookup("192.0.2.1", "000.00.11.H23-260105-"+strings.Repeat("1", 3)+string(rune('0'+i%10))); got != 200 {
			t.Fatalf("lookup %d = %d, want 200", i+1, got)
		}
	}
	if got := lookup("192.0.2.1", "000.00.11.H23-260105-0001"); got != http.StatusTooManyRequests {
		t.Errorf("lookup %d = %d, want 429", n+1, got)
	}
	if got := lookup("192.0.2.1", ""); got != 200 {
		t.Errorf("the empty form = %d, want 200 (it costs nothing)", got)
	}
	if got := lookup("192.0.2.2", "000.00.11.H23-260105-0001"); got != 200 {
		t.Errorf("another client = %d, want 200", got)
	}
	req := httptest.NewRequest("GET", "/api/ho-so?ma=000.00.11.H23-260105-0001", nil)
	req.RemoteAddr = "192.0.2.1:1234"
	rec := httptest.NewRecorder()
	s2.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusTooManyRequests {
		t.Errorf("the API shares the limit: %d, want 429", rec.Code)
	}
}

// TestAccountabilityCharts compares the charts of the accountability pages
// with golden files (go test ./server -update rewrites them).
func TestAccountabilityCharts(t *testing.T) {
	s := accServer(t)
	svgRE := regexp.MustCompile(`(?s)<svg\b.*?</svg>`)
	for _, tt := range []struct{ name, url string }{
		{"overview", "/trach-nhiem"},
		{"district", "/trach-nhiem/ubnd-huyen-cam-xuyen"},
		{"commune-q3", "/trach-nhiem/ubnd-xa-cam-quan?ky=2026-Q3"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(t, s, request{url: tt.url})
			svgs := svgRE.FindAllString(rec.Body.String(), -1)
			if len(svgs) == 0 {
				t.Fatalf("%s has no chart", tt.url)
			}
			for i, svg := range svgs {
				golden := filepath.Join("testdata", "golden", "accountability", tt.name+"-"+string(rune('1'+i))+".svg")
				if *update {
					if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, []byte(svg+"\n"), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./server -update)", err)
				}
				if svg+"\n" != string(want) {
					t.Errorf("chart %d of %s differs from %s (run go test ./server -update and review the diff)\n%s", i+1, tt.url, golden, firstDiff(svg+"\n", string(want)))
				}
				if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
					t.Errorf("chart %d of %s is not XML: %v", i+1, tt.url, err)
				}
			}
		})
	}
}

func TestRemindObligations(t *testing.T) {
	dialects(t, func(t *testing.T, dsn string) {
		env := newFeedbackEnv(t, dsn, nil)
		// A week before the land price table of 2027 is due (01/01/2027).
		env.clock.Set(time.Date(2026, 12, 25, 8, 0, 0, 0, calendar.Location))
		waitAcc(t, env.s)
		ctx := context.Background()
		n, err := env.s.RemindObligations(ctx, env.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Fatal("no reminder queued a week before the land price table is due")
		}
		if again, err := env.s.RemindObligations(ctx, env.clock.Now()); err != nil || again != 0 {
			t.Errorf("second run: %d, %v; want nothing queued twice", again, err)
		}
		mails, err := env.store.ClaimOutbox(ctx, 100, env.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, m := range mails {
			if m.Kind == "obligation_due_7" && strings.Contains(m.Subject, "Công bố bảng giá đất") && m.To == "tiepnhan.vpubnd@demo-hatinh.gov.vn" {
				found = strings.Contains(m.Body, "01/01/2027") && strings.Contains(m.Body, "document_type: bang-gia-dat") && strings.Contains(m.Body, "period: 2027")
			}
		}
		if !found {
			var got []string
			for _, m := range mails {
				got = append(got, m.Kind+" "+m.To+" "+m.Subject)
			}
			t.Errorf("no reminder of the land price table to UBND tỉnh: %v", got)
		}
	})
}

// TestAccountabilityRatings: the citizens' ratings join the satisfaction figures.
func TestAccountabilityRatings(t *testing.T) {
	env := newFeedbackEnv(t, "", nil)
	waitAcc(t, env.s)
	ctx := context.Background()
	st, err := env.store.CreateStaff(ctx, "a@demo-hatinh.gov.vn", "Cán bộ", "", feedback.RoleSiteAdmin, "mật khẩu rất dài")
	if err != nil {
		t.Fatal(err)
	}
	sub, err := env.store.Submit(ctx, feedback.NewSubmission{Type: feedback.TypeQuestion, Agency: "so-tai-chinh", Subject: "Mã số ngân sách",
		Body: "Xin hỏi thời hạn cấp mã số đơn vị có quan hệ với ngân sách là bao lâu?", Now: env.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.store.Reply(ctx, sub.ID, st.ID, "Hai ngày làm việc.", "", env.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := env.store.Rate(ctx, sub.Code, 5, ""); err != nil {
		t.Fatal(err)
	}
	rec := do(t, env.s, request{url: "/api/trach-nhiem/so-tai-chinh?ky=2026-11"})
	var got struct {
		HaiLong struct {
			TrenCong struct {
				RatHaiLong int `json:"rat_hai_long"`
			} `json:"tren_cong"`
		} `json:"hai_long"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got.HaiLong.TrenCong.RatHaiLong != 1 {
		t.Errorf("the portal's rating is not counted: %s", rec.Body)
	}
}

// TestAccountabilityAlerts: the lists of late dossiers and missed
// obligations can be followed by mail, like any list.
func TestAccountabilityAlerts(t *testing.T) {
	s, _, _, _, _ := newAlertsEnv(t, "")
	waitAcc(t, s)
	c := &client{t: t, s: s, remote: "192.0.2.21:5555", cookies: map[string]string{}, header: map[string]string{}}
	for _, tt := range []struct{ list, want string }{
		{"/trach-nhiem/qua-han", "Hồ sơ quá hạn – các cơ quan"},
		{"/trach-nhiem/ubnd-xa/cong-khai", "Nghĩa vụ công khai chưa thực hiện đúng hạn"},
	} {
		page := c.get("/theo-doi?list=" + tt.list)
		mustContain(t, "subscribe form of "+tt.list, page.Body.String(), tt.want, `name="email"`)
	}
	if page := c.get("/theo-doi?list=/trach-nhiem/khong-co/qua-han"); strings.Contains(page.Body.String(), `name="email"`) {
		t.Error("the subscribe form accepts an unknown agency's list")
	}
}

// TestLookupFormCSRF: where forms carry tokens (a portal with feedback), the
// lookup's form does too, and a POST without it is refused.
func TestLookupFormCSRF(t *testing.T) {
	e := newFeedbackEnv(t, "", nil)
	waitAcc(t, e.s)
	c := e.client(t)
	if rec := c.do(http.MethodPost, "/tra-cuu-ho-so", url.Values{"ma": {"000.00.11.H23-260105-9999"}}); rec.Code != http.StatusForbidden {
		t.Errorf("POST without a token = %d, want 403", rec.Code)
	}
	rec := c.post("/tra-cuu-ho-so", "/tra-cuu-ho-so", url.Values{"ma": {"000.00.11.H23-260105-9999"}})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Không tìm thấy hồ sơ có mã này") {
		t.Errorf("POST with the form's token = %d\n%.1000s", rec.Code, rec.Body.String())
	}
}
