package browser

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/congkhai/congkhai/internal/binarytest"
)

// TestAccountabilityAccessibility loads every accountability page and the
// dossier lookup (a known code typed into the form, an unknown one) on a
// phone-sized window and requires zero WCAG 2.1 AA violations from axe-core.
func TestAccountabilityAccessibility(t *testing.T) {
	axe := axeScript(t)
	ctx := browser(t)
	p := binarytest.Start(t, "--data", t.TempDir())
	deadline := time.Now().Add(60 * time.Second)
	for {
		if code, _ := p.Get(t, "/trach-nhiem"); code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the accountability figures are not computed after 60 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	const code = "000.00.18.H23-260105-0001" // the finance department's first dossier of 05/01/2026
	pages := []struct {
		name, path, wantText string
		lookup               string // a code to type into the lookup form
	}{
		{"overview", "/trach-nhiem", "Xếp hạng các cơ quan", ""},
		{"overview, a quarter", "/trach-nhiem?ky=2026-Q3", "Quý III/2026", ""},
		{"district", "/trach-nhiem/ubnd-huyen-cam-xuyen", "Đăng ký biến động quyền sử dụng đất", ""},
		{"province", "/trach-nhiem/ubnd-tinh", "Công bố bảng giá đất", ""},
		{"late dossiers", "/trach-nhiem/qua-han", "Hồ sơ quá hạn", ""},
		{"late dossiers, filtered", "/trach-nhiem/ubnd-huyen-cam-xuyen/qua-han?xl=thieu", "Chưa xin lỗi", ""},
		{"obligations", "/trach-nhiem/cong-khai", "Luật Ngân sách nhà nước", ""},
		{"english", "/lang?to=en&next=/trach-nhiem/ubnd-xa-cam-quan", "Satisfaction", ""},
		{"lookup form", "/lang?to=vi&next=/tra-cuu-ho-so", "Mã hồ sơ", ""},
		{"lookup, a known code", "/tra-cuu-ho-so", "Đăng ký mã số đơn vị có quan hệ với ngân sách", code},
		{"lookup, an unknown code", "/tra-cuu-ho-so", "Không tìm thấy hồ sơ", "000.00.18.H23-260105-9999"},
		{"dossier dataset", "/ubnd-huyen-cam-xuyen/ho-so-thu-tuc-hanh-chinh", "Tệp gốc không được công bố", ""},
	}
	for _, tt := range pages {
		t.Run(tt.name, func(t *testing.T) {
			var body, raw string
			var res axeResult
			actions := []chromedp.Action{chromedp.Navigate(p.URL + tt.path), chromedp.WaitReady("body")}
			if tt.lookup != "" {
				actions = append(actions,
					chromedp.WaitVisible("#ma"),
					chromedp.SendKeys("#ma", tt.lookup),
					chromedp.Submit("#ma"),
					chromedp.WaitVisible("#lookup-result"))
			}
			actions = append(actions,
				chromedp.Text("body", &body),
				chromedp.Evaluate(axe, nil),
				chromedp.Evaluate(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r => JSON.stringify(r))`, &raw, awaitPromise))
			if err := chromedp.Run(ctx, actions...); err != nil {
				t.Fatalf("load %s: %v", tt.path, err)
			}
			if !strings.Contains(body, tt.wantText) {
				t.Errorf("%s: page text lacks %q", tt.path, tt.wantText)
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
