package opendata

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

func browser(t *testing.T) context.Context {
	t.Helper()
	chrome := chromiumPath()
	need(t, chrome != "", "Debian's chromium")
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
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(profile),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancel3)
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// TestJSONLDUnderCSP loads dataset and agency pages in chromium under their
// Content-Security-Policy (script-src 'self'): the JSON-LD is data, not
// script, so the browser reports no violation, and it parses as the
// Dataset. An inline script added to the page afterwards is blocked and
// reported, which shows that violations would be seen.
func TestJSONLDUnderCSP(t *testing.T) {
	ctx := browser(t)
	p := start(t, "")
	res, err := http.Get(p.Base + "/so-tai-chinh/du-toan-ngan-sach-2026")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Fatalf("the page's policy is %q, want script-src 'self'", csp)
	}
	const collect = `window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI))`
	if err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(collect).Do(ctx)
		return err
	})); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ path, typ string }{
		{"/so-tai-chinh/du-toan-ngan-sach-2026", "Dataset"},
		{"/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen", "Dataset"},
		{"/so-tai-chinh", "GovernmentOrganization"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			var violations []string
			var ld string
			err := chromedp.Run(ctx,
				chromedp.Navigate(p.Base+tt.path),
				chromedp.WaitReady("body"),
				chromedp.Sleep(300*time.Millisecond),
				chromedp.Evaluate(`window.__csp`, &violations),
				chromedp.Evaluate(`document.querySelector('script[type="application/ld+json"]').textContent`, &ld),
			)
			if err != nil {
				t.Fatal(err)
			}
			if len(violations) > 0 {
				t.Errorf("CSP violations: %v", violations)
			}
			var doc map[string]any
			if err := json.Unmarshal([]byte(ld), &doc); err != nil || doc["@type"] != tt.typ {
				t.Errorf("JSON-LD %v: %.200s", err, ld)
			}
			// The control: an inline script is refused and reported.
			var after []string
			err = chromedp.Run(ctx,
				chromedp.Evaluate(`(() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true'; document.body.appendChild(s) })()`, nil),
				chromedp.Sleep(200*time.Millisecond),
				chromedp.Evaluate(`window.__csp`, &after),
			)
			if err != nil {
				t.Fatal(err)
			}
			if len(after) == 0 {
				t.Error("an inline script was not reported: violations would go unseen")
			}
		})
	}
}
