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
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(390, 844), // a phone
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 3*time.Minute)
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

	pages := []struct {
		name, path, wantText string
	}{
		{"home", "/", "Ngân sách"},
		{"notice", "/ubnd-tinh/cong-van-6733-ubnd-kstt", "6733/UBND-KSTT"},
		{"dataset", "/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen", "Trần Hưng Đạo"},
		{"not found", "/khong-co-trang-nay", "Không tìm thấy trang"},
		{"agencies", "/co-quan", "Sở Tài chính"},
		{"drafts", "/du-thao", "Dự thảo"},
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
			if lang != "vi" {
				t.Errorf("%s: <html lang=%q>, want vi", tt.path, lang)
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
