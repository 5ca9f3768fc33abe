package main

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// series is one line of a chart.
type series struct {
	name  string
	color string
	ys    []float64
}

// plotSVG draws two charts side by side: search latency (p50, p99) and
// memory and index size against the number of notices.
func plotSVG(pts []ScalePoint) string {
	var xs []float64
	var p50, p99, rss, hwm, idx []float64
	for _, p := range pts {
		xs = append(xs, float64(p.Notices))
		p50 = append(p50, p.Search.P50)
		p99 = append(p99, p.Search.P99)
		rss = append(rss, p.RSSMB)
		hwm = append(hwm, p.HWMMB)
		idx = append(idx, p.IndexMB)
	}
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" width="960" height="400" viewBox="0 0 960 400" font-family="sans-serif" font-size="12">` + "\n")
	b.WriteString(`<rect width="960" height="400" fill="white"/>` + "\n")
	chart(&b, 0, "Search latency (ms) vs notices", xs, []series{{"p50", "#1f77b4", p50}, {"p99", "#d62728", p99}})
	chart(&b, 480, "Memory and index (MB) vs notices", xs, []series{{"RSS", "#2ca02c", rss}, {"peak RSS (HWM)", "#ff7f0e", hwm}, {"index on disk", "#9467bd", idx}})
	b.WriteString("</svg>\n")
	return b.String()
}

func chart(b *strings.Builder, x0 float64, title string, xs []float64, ss []series) {
	const w, h, left, top, right, bottom = 480.0, 400.0, 60.0, 40.0, 20.0, 70.0
	pw, ph := w-left-right, h-top-bottom
	fmt.Fprintf(b, `<g transform="translate(%.0f,0)">`+"\n", x0)
	fmt.Fprintf(b, `<text x="%.0f" y="22" text-anchor="middle" font-size="14">%s</text>`+"\n", w/2, html.EscapeString(title))
	if len(xs) == 0 {
		b.WriteString(`<text x="240" y="200" text-anchor="middle">no data</text></g>` + "\n")
		return
	}
	xmax := 0.0
	ymax := 0.0
	for _, x := range xs {
		xmax = math.Max(xmax, x)
	}
	for _, s := range ss {
		for _, y := range s.ys {
			ymax = math.Max(ymax, y)
		}
	}
	xmax = niceCeil(xmax)
	ymax = niceCeil(ymax)
	px := func(x float64) float64 { return left + x/xmax*pw }
	py := func(y float64) float64 { return top + ph - y/ymax*ph }
	// Axes and grid.
	fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", left, top+ph, left+pw, top+ph)
	fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", left, top, left, top+ph)
	for i := 0; i <= 4; i++ {
		y := ymax * float64(i) / 4
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", left, py(y), left+pw, py(y))
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n", left-6, py(y)+4, short(y))
	}
	for _, x := range xs {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", px(x), top+ph, px(x), top+ph+5)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", px(x), top+ph+18, short(x))
	}
	for i, s := range ss {
		var pts []string
		for j, y := range s.ys {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(xs[j]), py(y)))
		}
		fmt.Fprintf(b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`+"\n", s.color, strings.Join(pts, " "))
		for j, y := range s.ys {
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s: %s at %s notices</title></circle>`+"\n",
				px(xs[j]), py(y), s.color, html.EscapeString(s.name), short(y), short(xs[j]))
		}
		lx := left + float64(i)*130
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="12" height="4" fill="%s"/><text x="%.1f" y="%.1f">%s</text>`+"\n",
			lx, h-28, s.color, lx+16, h-23, html.EscapeString(s.name))
	}
	b.WriteString("</g>\n")
}

func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func short(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%gM", round(v/1e6, 2))
	case v >= 1e3:
		return fmt.Sprintf("%gk", round(v/1e3, 2))
	default:
		return fmt.Sprintf("%g", round(v, 2))
	}
}
