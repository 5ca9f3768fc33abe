package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

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

func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func axeScript(t *testing.T) string {
	p := os.Getenv("CONGKHAI_AXE")
	if p == "" {
		p = filepath.Join(binarytest.Root(), "tests", "browser", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(p)
	need(t, err == nil, "axe-core (npm ci in tests/browser)")
	return string(b)
}

func browser(t *testing.T) context.Context {
	t.Helper()
	chrome := chromiumPath()
	need(t, chrome != "", "Debian's chromium")
	// Not t.TempDir: chromium may still be writing its profile when the test ends,
	// which would fail the test's own cleanup.
	profile, err := os.MkdirTemp("", "congkhai-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		time.Sleep(200 * time.Millisecond)
		os.RemoveAll(profile)
	})
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.NoSandbox,
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(390, 844), // a phone
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	// A whole test's budget: TestAccessibility runs axe-core on twenty pages,
	// which takes minutes when CI runs every package at once on two cores.
	ctx, cancel3 := context.WithTimeout(ctx, 10*time.Minute)
	t.Cleanup(cancel3)
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

type axeResult struct {
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target []any  `json:"target"`
			HTML   string `json:"html"`
		} `json:"nodes"`
	} `json:"violations"`
	Passes []json.RawMessage `json:"passes"`
}

// TestAccessibility loads the main kinds of page on a phone-sized window and
// requires zero WCAG 2.1 AA violations from axe-core.
func TestAccessibility(t *testing.T) {
	axe := axeScript(t)
	ctx := browser(t)
	p := binarytest.Start(t, "--data", t.TempDir())
	waitSynced(t, p)

	pages := []struct {
		name, path, wantText string
	}{
		{"home", "/", "Ngân sách"},
		{"notice", "/ubnd-tinh/cong-van-6733-ubnd-kstt", "6733/UBND-KSTT"},
		{"dataset", "/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen", "Trần Hưng Đạo"},
		{"not found", "/khong-co-trang-nay", "Không tìm thấy trang"},
		{"agencies", "/co-quan", "Sở Tài chính"},
		{"drafts", "/du-thao", "Dự thảo"},
		{"search", "/search?q=gia+dat+tran+hung+dao", "Trần Hưng Đạo"},
		{"no results", "/search?q=xyzzy+qwzx", "Không tìm thấy kết quả phù hợp"},
		{"a correction's results", "/search?q=ngan+sahc", "Đang hiện kết quả cho"},
		{"english", "/lang?to=en&next=/co-quan", "Agencies"},
		{"feedback form", "/lang?to=vi&next=/feedback%3Ftarget%3Dubnd-tinh/cong-van-6733-ubnd-kstt", "Gửi góp ý"},
		{"published answers", "/hoi-dap", "Hỏi đáp"},
		{"feedback statistics", "/feedback/stats", "Theo cơ quan"},
		{"staff login", "/staff/login", "Đăng nhập"},
		{"email alerts", "/theo-doi?list=/danh-muc/gia-dat", "Bảng giá đất"},
		{"places", "/dia-ban", "Huyện Cẩm Xuyên"},
		{"category", "/danh-muc/boi-thuong", "Bồi thường"},
		{"budget form workbook", "/so-tai-chinh/cong-khai-du-toan-2026-bieu-mau?bang=bieu-49", "CHI CÂN ĐỐI NSĐP"},
		{"land price workbook (.xls)", "/ubnd-huyen-cam-xuyen/bang-gia-dat-cac-thi-tran-2026?bang=tt-thien-cam", "Đường Tỉnh lộ 4"},
		{"commune budget (.ods)", "/ubnd-xa-cam-quan/du-toan-chi-ngan-sach-xa-2026", "Số tiền bằng chữ"},
	}
	for _, tt := range pages {
		t.Run(tt.name, func(t *testing.T) {
			var body, lang string
			var res axeResult
			var raw string
			err := chromedp.Run(ctx,
				chromedp.Navigate(p.URL+tt.path),
				chromedp.WaitReady("body"),
				chromedp.Text("body", &body),
				chromedp.AttributeValue("html", "lang", &lang, nil),
				chromedp.Evaluate(axe, nil),
				chromedp.Evaluate(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r => JSON.stringify(r))`, &raw, awaitPromise),
			)
			if err != nil {
				t.Fatalf("load %s: %v", tt.path, err)
			}
			if !strings.Contains(body, tt.wantText) {
				t.Errorf("%s: page text lacks %q", tt.path, tt.wantText)
			}
			if wantLang := map[bool]string{true: "en", false: "vi"}[tt.name == "english"]; lang != wantLang {
				t.Errorf("%s: <html lang=%q>, want %q", tt.path, lang, wantLang)
			}
			if err := json.Unmarshal([]byte(raw), &res); err != nil {
				t.Fatalf("axe result: %v", err)
			}
			if len(res.Passes) == 0 {
				t.Fatalf("axe ran no rule on %s", tt.path)
			}
			for _, v := range res.Violations {
				var nodes []string
				for _, n := range v.Nodes {
					nodes = append(nodes, fmt.Sprint(n.Target)+" "+n.HTML)
				}
				t.Errorf("%s: %s (%s): %s\n  %s", tt.path, v.ID, v.Impact, v.Help, strings.Join(nodes, "\n  "))
			}
		})
	}
}

func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

// TestSuggestions types into the home page's search box and expects the title
// suggestions (filled by search.js from /api/suggest) to offer the land price table.
func TestSuggestions(t *testing.T) {
	ctx := browser(t)
	p := binarytest.Start(t, "--data", t.TempDir())
	waitSynced(t, p)
	var options []string
	err := chromedp.Run(ctx,
		chromedp.Navigate(p.URL+"/"),
		chromedp.WaitVisible("#home-q"),
		chromedp.SendKeys("#home-q", "bang gia dat"),
		chromedp.Poll(`document.querySelectorAll("#home-suggestions option").length > 0`, nil, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.Evaluate(`Array.from(document.querySelectorAll("#home-suggestions option")).map(o => o.value)`, &options),
	)
	if err != nil {
		t.Fatalf("suggestions: %v", err)
	}
	found := false
	for _, o := range options {
		found = found || strings.Contains(o, "Bảng giá đất")
	}
	if !found {
		t.Errorf("suggestions %q lack a land price title", options)
	}
}

func waitSynced(t *testing.T, p *binarytest.Process) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, body := p.Get(t, "/healthz"); strings.Contains(body, `"synced":true`) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("search index not synced after 30 s")
}

// TestFeedbackInBrowser sends a question through the real form (CSRF cookie and
// token as a browser handles them) and lands on the tracking page, which passes axe.
func TestFeedbackInBrowser(t *testing.T) {
	axe := axeScript(t)
	ctx := browser(t)
	p := binarytest.Start(t, "--data", t.TempDir())
	var url, body, raw string
	err := chromedp.Run(ctx,
		chromedp.Navigate(p.URL+"/feedback?target=ubnd-tinh/cong-van-6733-ubnd-kstt"),
		chromedp.WaitVisible("#f-body"),
		chromedp.SendKeys("#f-body", "Xin hỏi thời hạn báo cáo kết quả khắc phục theo Công văn 6733 là ngày nào?"),
		chromedp.Submit("#f-body"),
		chromedp.WaitVisible(".fb-code"), // only on the tracking page
		chromedp.Location(&url),
		chromedp.Text("body", &body),
		chromedp.Evaluate(axe, nil),
		chromedp.Evaluate(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r => JSON.stringify(r.violations.map(v => v.id + ": " + v.help)))`, &raw, awaitPromise),
	)
	if err != nil {
		t.Fatalf("submit in the browser: %v", err)
	}
	if !strings.Contains(url, "/feedback/GY-") {
		t.Fatalf("after submitting, the browser is at %s\n%s", url, body)
	}
	if !strings.Contains(body, "6733") {
		t.Errorf("tracking page does not show the question")
	}
	if raw != "[]" {
		t.Errorf("tracking page: axe violations %s", raw)
	}
}

// TestStaffConsoleInBrowser: a citizen's question reaches the staff console; a
// staff member logs in, opens it, answers, and every console page passes axe.
func TestStaffConsoleInBrowser(t *testing.T) {
	axe := axeScript(t)
	ctx := browser(t)
	data := t.TempDir()
	add := exec.Command(binarytest.Binary(t), "staff", "add", "--data", data, "--email", "canbo@stc.example.vn",
		"--agency", "ubnd-tinh", "--role", "agency_admin", "--name", "Trần Văn Bình")
	add.Stdin = strings.NewReader("mat-khau-trinh-duyet-dai\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("staff add: %v\n%s", err, out)
	}
	p := binarytest.Start(t, "--data", data)
	check := func(name string) {
		t.Helper()
		var raw string
		if err := chromedp.Run(ctx,
			chromedp.Evaluate(axe, nil),
			chromedp.Evaluate(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r => JSON.stringify(r.violations.map(v => v.id + ": " + v.help + " " + v.nodes.map(n => n.html).join(" | "))))`, &raw, awaitPromise),
		); err != nil {
			t.Fatalf("%s: axe: %v", name, err)
		}
		if raw != "[]" {
			t.Errorf("%s: axe violations %s", name, raw)
		}
	}
	var body, loc string
	err := chromedp.Run(ctx,
		chromedp.Navigate(p.URL+"/feedback?target=ubnd-tinh/cong-van-6733-ubnd-kstt"),
		chromedp.WaitVisible("#f-body"),
		chromedp.SendKeys("#f-body", "Đề nghị cho biết đầu mối tiếp nhận báo cáo khắc phục hạn chế cải cách hành chính."),
		chromedp.Submit("#f-body"),
		chromedp.WaitVisible(".fb-code"), // only on the tracking page
		chromedp.Navigate(p.URL+"/staff/login"),
		chromedp.WaitVisible("#f-email"),
	)
	if err != nil {
		t.Fatal(err)
	}
	check("login")
	err = chromedp.Run(ctx,
		chromedp.SendKeys("#f-email", "canbo@stc.example.vn"),
		chromedp.SendKeys("#f-password", "mat-khau-trinh-duyet-dai"),
		chromedp.Submit("#f-password"),
		chromedp.WaitVisible(`main a[href^="/staff/s/"]`), // only in the inbox
		chromedp.Location(&loc),
		chromedp.Text("main", &body),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(loc, "/staff/inbox") || !strings.Contains(body, "GY-") {
		t.Fatalf("after login at %s; inbox:\n%s", loc, body)
	}
	check("inbox")
	err = chromedp.Run(ctx,
		chromedp.Click(`main a[href^="/staff/s/"]`, chromedp.NodeVisible),
		chromedp.WaitVisible("#s-reply"), // only on a submission's page
		chromedp.Location(&loc),
	)
	if err != nil {
		t.Fatalf("open the submission: %v", err)
	}
	check("submission")
	err = chromedp.Run(ctx, chromedp.Navigate(p.URL+"/staff/accounts"), chromedp.WaitVisible("#acc-add"))
	if err != nil {
		t.Fatal(err)
	}
	check("accounts")
}
