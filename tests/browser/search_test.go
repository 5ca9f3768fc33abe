package browser

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/congkhai/congkhai/internal/binarytest"
)

// TestNoDeadEnds loads search pages that find nothing, or only approximate
// or scattered matches, without JavaScript's help (the page is server
// rendered): each says which words found nothing and offers the queries
// that would work, and passes axe-core with zero WCAG 2.1 AA violations.
func TestNoDeadEnds(t *testing.T) {
	axe := axeScript(t)
	ctx := browser(t)
	p := binarytest.Start(t, "--data", t.TempDir())
	waitSynced(t, p)
	for _, tt := range []struct {
		name, query string
		want        []string
	}{
		{"unmatched word", "ngân sách xyzzy", []string{"Không có văn bản nào chứa", "xyzzy", "Thử tìm", "ngân sách",
			"Kết quả thiếu một trong các từ bạn gõ", "Thiếu: xyzzy"}},
		{"misspelt", "ngan sahc", []string{"Không có kết quả cho «ngan sahc». Đang hiện kết quả cho: ngan sach", "Dự toán"}},
		{"words not together", "đền bù giải tỏa đường tránh", []string{"Không tìm thấy", "Thử tìm", "bỏ «đường tránh»", "Bồi thường"}},
		{"other accents only", "sổ hồng xyzzy", []string{"xyzzy", "Thử tìm"}},
		{"scattered", "Lao Bảo", []string{"rời rạc", "Thử tìm"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var body, raw string
			var res axeResult
			err := chromedp.Run(ctx,
				chromedp.Navigate(p.URL+"/search?q="+strings.ReplaceAll(tt.query, " ", "+")),
				chromedp.WaitReady("body"),
				chromedp.Text("main", &body),
				chromedp.Evaluate(axe, nil),
				chromedp.Evaluate(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r => JSON.stringify(r))`, &raw, awaitPromise),
			)
			if err != nil {
				t.Fatalf("load %q: %v", tt.query, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("%q: page text lacks %q:\n%s", tt.query, w, body)
				}
			}
			if err := json.Unmarshal([]byte(raw), &res); err != nil {
				t.Fatalf("axe result: %v", err)
			}
			if len(res.Passes) == 0 {
				t.Fatalf("axe ran no rule on %q", tt.query)
			}
			for _, v := range res.Violations {
				var nodes []string
				for _, n := range v.Nodes {
					nodes = append(nodes, fmt.Sprint(n.Target)+" "+n.HTML)
				}
				t.Errorf("%q: %s (%s): %s\n  %s", tt.query, v.ID, v.Impact, v.Help, strings.Join(nodes, "\n  "))
			}
		})
	}
}
