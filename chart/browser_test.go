package chart

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// need skips, or fails under CI, when a prerequisite is missing.
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

// layoutScript measures every chart of the page in chromium: each text
// must lie inside the viewBox and overlap no other text and no rectangle
// (bars, tracks, legend swatches). Text boxes are the font's full line
// box, so touching is allowed up to half a unit. It writes its findings,
// and axe-core's violations when axe is on the page, into #out.
const layoutScript = `
const problems = [];
const overlap = (a, b) => Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) > 0.5 &&
  Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) > 0.5;
for (const svg of document.querySelectorAll('svg.chart')) {
  const name = svg.parentElement.id, vb = svg.viewBox.baseVal;
  const r = svg.getBoundingClientRect();
  if (Math.abs(r.width - 512) > 1 || Math.abs(r.height - 512 * vb.height / vb.width) > 1)
    problems.push(name + ': rendered ' + r.width + '×' + r.height + ', want 512 wide at the viewBox ratio');
  const texts = [...svg.querySelectorAll('text')].map(t => ({b: t.getBBox(), s: 'text "' + t.textContent + '"'}));
  const rects = [...svg.querySelectorAll('rect')].filter(e => !e.closest('defs'))
    .map(e => ({b: e.getBBox(), s: 'rect ' + (e.querySelector('title') || {textContent: ''}).textContent}));
  for (const t of texts) {
    if (t.b.x < -0.5 || t.b.y < -0.5 || t.b.x + t.b.width > vb.width + 0.5 || t.b.y + t.b.height > vb.height + 0.5)
      problems.push(name + ': ' + t.s + ' leaves the viewBox ' + JSON.stringify(t.b));
  }
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++)
      if (overlap(texts[i].b, texts[j].b)) problems.push(name + ': ' + texts[i].s + ' overlaps ' + texts[j].s);
    for (const e of rects)
      if (overlap(texts[i].b, e.b)) problems.push(name + ': ' + texts[i].s + ' overlaps ' + e.s);
  }
}
const out = document.getElementById('out');
if (window.axe) {
  axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa']}).then(res => {
    for (const v of res.violations) problems.push('axe: ' + v.id + ': ' + v.help + ' ' + v.nodes.map(n => n.html.slice(0, 80)).join(' | '));
    out.textContent = JSON.stringify(problems);
  });
} else {
  out.textContent = JSON.stringify(problems);
}
`

// TestRenderInChromium draws every golden chart inline in a page, as the
// portal does, and has Debian's chromium lay it out: no text may leave the
// chart or overlap another text or a bar (which checks the package's text
// width estimates against a real font), and axe-core (CONGKHAI_AXE, or the
// copy in tests/browser) must find no WCAG 2.1 AA violation.
func TestRenderInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("starts chromium")
	}
	chrome := ""
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			chrome = p
			break
		}
	}
	need(t, chrome != "", "Debian's chromium")
	axePath := os.Getenv("CONGKHAI_AXE")
	if axePath == "" {
		axePath = filepath.Join("..", "tests", "browser", "node_modules", "axe-core", "axe.min.js")
	}
	axe, err := os.ReadFile(axePath)
	need(t, err == nil, "axe-core (npm ci in tests/browser)")

	var page bytes.Buffer
	page.WriteString(`<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Biểu đồ</title>` +
		`<style>body{margin:0;font-family:system-ui,sans-serif;color:#1b1b1f} main>div{width:512px;margin:0 0 2rem}</style></head><body><main><h1>Biểu đồ</h1>`)
	for _, g := range goldens() {
		c, err := g.draw(g.spec)
		if err != nil {
			t.Fatalf("%s: %v", g.name, err)
		}
		svg := c.SVG
		if g.spec.Standalone { // inline in a page, the XML declaration goes
			_, svg, _ = bytes.Cut(svg, []byte("?>\n"))
		}
		page.WriteString(`<div id="` + g.name + `">`)
		page.Write(svg)
		page.WriteString("</div>\n")
		if g.spec.TableID != "" { // the table the chart points at
			page.WriteString(`<table id="` + g.spec.TableID + `"><caption>` + html.EscapeString(g.spec.Title) + `</caption><tr><th scope="col">Nội dung</th><th scope="col">Giá trị</th></tr>`)
			for i, l := range g.spec.Labels {
				page.WriteString("<tr><td>" + html.EscapeString(l) + "</td><td>" + formatNumber(g.spec.Series[0].Values[i], 2, g.spec.Lang) + "</td></tr>")
			}
			page.WriteString("</table>\n")
		}
	}
	page.WriteString(`</main><pre id="out">not run</pre><script>`)
	page.Write(axe)
	page.WriteString("</script><script>" + layoutScript + "</script></body></html>")

	dir := t.TempDir()
	file := filepath.Join(dir, "charts.html")
	if err := os.WriteFile(file, page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// Not t.TempDir: chromium may still be writing its profile when the
	// test ends, which would fail the test's own cleanup.
	profile, err := os.MkdirTemp("", "congkhai-chart-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		time.Sleep(200 * time.Millisecond)
		os.RemoveAll(profile)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, chrome, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--user-data-dir="+profile, "--window-size=600,800", "--virtual-time-budget=10000", "--dump-dom", "file://"+file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	dom, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.Bytes())
	}
	_, rest, ok := bytes.Cut(dom, []byte(`<pre id="out">`))
	out, _, ok2 := bytes.Cut(rest, []byte("</pre>"))
	if !ok || !ok2 {
		t.Fatalf("no results in chromium's DOM:\n%.2000s", dom)
	}
	var problems []string
	if err := json.Unmarshal([]byte(html.UnescapeString(string(out))), &problems); err != nil {
		t.Fatalf("results %q: %v", out, err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	if len(problems) > 0 {
		t.Logf("%d problems; the page is %s", len(problems), strings.TrimSpace(file))
	}
}
