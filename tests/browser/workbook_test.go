package browser

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/congkhai/congkhai/internal/binarytest"
)

// TestBudgetFormInBrowser lays out the demo's budget form (Biểu số 49 of Thông tư
// 343/2016/TT-BTC, published as the workbook it is) on a phone and on a desktop
// and checks what a reader sees: the chart drawn inside its column with every
// label inside it, the header of two rows, the total row bold, nested rows
// indented deeper than their group, the notes under the table. A screenshot of
// each is kept in the test's output folder for a person to look at
// (CONGKHAI_SCREENSHOTS names a folder to keep them).
func TestBudgetFormInBrowser(t *testing.T) {
	ctx := browser(t)
	p := binarytest.Start(t, "--data", t.TempDir())
	out := os.Getenv("CONGKHAI_SCREENSHOTS")
	if out == "" {
		out = t.TempDir()
	}
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"phone", 390, 844}, {"desktop", 1280, 900}} {
		t.Run(size.name, func(t *testing.T) {
			var shot []byte
			var m struct {
				ChartWidth, ColumnWidth float64
				TextOutside             int
				HeaderRows              int
				TotalWeight             string
				GroupIndent, ItemIndent float64
				Notes                   string
			}
			err := chromedp.Run(ctx,
				chromedp.EmulateViewport(size.width, size.height),
				chromedp.Navigate(p.URL+"/so-tai-chinh/cong-khai-du-toan-2026-bieu-mau?bang=bieu-49"),
				chromedp.WaitVisible("svg.chart"),
				chromedp.Evaluate(`(() => {
					const svg = document.querySelector("svg.chart"), box = svg.getBoundingClientRect();
					let outside = 0;
					for (const t of svg.querySelectorAll("text")) {
						const b = t.getBoundingClientRect();
						if (b.left < box.left - 1 || b.right > box.right + 1 || b.top < box.top - 1 || b.bottom > box.bottom + 1) outside++;
					}
					const label = r => parseFloat(getComputedStyle(document.querySelector("#bang-du-lieu tbody tr:nth-child(" + r + ") th.row-label")).paddingLeft);
					return {
						ChartWidth: box.width,
						ColumnWidth: document.querySelector("#bang").getBoundingClientRect().width,
						TextOutside: outside,
						HeaderRows: document.querySelectorAll("#bang-du-lieu thead tr").length,
						TotalWeight: getComputedStyle(document.querySelector("#bang-du-lieu tr.row-total th")).fontWeight,
						GroupIndent: label(3), ItemIndent: label(4),
						Notes: document.querySelector(".table-notes").innerText,
					};
				})()`, &m),
				chromedp.FullScreenshot(&shot, 100), // 100: PNG
			)
			if err != nil {
				t.Fatal(err)
			}
			if m.ChartWidth <= 100 || m.ChartWidth > m.ColumnWidth+1 {
				t.Errorf("chart %.0f px wide in a column of %.0f px", m.ChartWidth, m.ColumnWidth)
			}
			if m.TextOutside != 0 {
				t.Errorf("%d texts of the chart are drawn outside it", m.TextOutside)
			}
			if m.HeaderRows != 2 || m.TotalWeight != "700" || m.ItemIndent <= m.GroupIndent || m.Notes == "" {
				t.Errorf("table: %d header rows (want 2), total weight %s (want 700), indents group %.0f item %.0f, notes %q",
					m.HeaderRows, m.TotalWeight, m.GroupIndent, m.ItemIndent, m.Notes)
			}
			img, err := png.Decode(bytes.NewReader(shot))
			if err != nil {
				t.Fatalf("screenshot: %v", err)
			}
			if w := img.Bounds().Dx(); w < int(size.width)*9/10 || !varied(img) {
				t.Errorf("screenshot %d px wide, or blank", w)
			}
			name := filepath.Join(out, "budget-form-"+size.name+".png")
			if err := os.WriteFile(name, shot, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot: %s", name)
		})
	}
}

// varied reports whether an image has more than a few colours (a page, not a
// blank screen).
func varied(img image.Image) bool {
	seen := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[r>>8<<16|g>>8<<8|bl>>8] = true
			if len(seen) > 16 {
				return true
			}
		}
	}
	return false
}
