package chart

import (
	"math"
	"strings"
)

// Bar draws a horizontal bar chart: one row per label, the label above its
// bars (long Vietnamese names get the whole width, wrapped to two lines),
// one bar per series, grouped, each with its value written beside it. Bars
// start at zero: negative values extend to the left of a zero line. With
// Percent each bar lies on a 0–100 track and values line up after it.
//
// The error wraps ErrSpec when the spec cannot be drawn.
func Bar(s Spec) (Chart, error) {
	p, err := prepare(s, kindBar)
	if err != nil {
		return Chart{}, err
	}
	return p.result(p.bar()), nil
}

const (
	valuePad  = 4.0  // between a bar's end and its value
	tickSlack = 10.0 // least space between two tick labels
)

func (p *prepared) bar() []byte {
	nSeries := len(p.values)
	barH := [...]float64{18, 14, 12, 12}[nSeries-1]
	fsBarValue := [...]float64{fsValue, fsValue, fsSmall, fsSmall}[nSeries-1]
	const barGap, rowGap, labelLines = 2.0, 7.0, 2

	// Room for value labels: on the right of positive bars, on the left of
	// negative ones.
	var negW, posW float64
	for _, vs := range p.values {
		for _, v := range vs {
			if w := textWidth(p.value(v), fsBarValue, false); v < 0 {
				negW = math.Max(negW, w)
			} else {
				posW = math.Max(posW, w)
			}
		}
	}
	left, right := margin, width-margin
	if negW > 0 {
		left += negW + valuePad
	}
	if posW > 0 {
		right -= posW + valuePad
	}
	fits := func(spacing float64, labels []string) bool {
		for _, l := range labels {
			if textWidth(l, fsSmall, false)+tickSlack > spacing {
				return false
			}
		}
		return true
	}
	lo, hi := p.extent()
	a := niceAxis(lo, hi, p.Percent, plainUnit(p.Unit), p.Lang, right-left, fits)
	// The end ticks' labels are centred on them: keep them inside.
	first := textWidth(a.format.label(a.ticks[0]), fsSmall, false) / 2
	last := textWidth(a.format.label(a.ticks[len(a.ticks)-1]), fsSmall, false) / 2
	left = math.Max(left, margin+first)
	right = math.Min(right, width-margin-last)
	x := func(v float64) float64 { return a.pos(v, left, right) }
	// Labels start where the bars do, unless bars extend to the left of
	// zero: then at the margin.
	labelX := left
	if lo < 0 {
		labelX = margin
	}

	head, ticks, labels, bars, values := &svgWriter{}, &svgWriter{}, &svgWriter{}, &svgWriter{}, &svgWriter{}
	y := p.header(head, margin/2)
	tickRow := func(y float64) {
		for _, t := range a.ticks {
			ticks.text(x(t), y-fsSmall*0.3, a.format.label(t), "")
		}
	}
	y += 4 + fsSmall*lineGap
	tickRow(y)
	// bands are the vertical extents of each row's bars: grid lines and the
	// zero line are drawn there only, never across a label.
	var bands [][2]float64
	for i, label := range p.labels {
		y += rowGap
		lines, _ := wrap(label, width-margin-labelX, fsLabel, false, labelLines)
		for _, l := range lines {
			y += fsLabel * lineGap
			labels.text(labelX, y-fsLabel*0.3, l, "")
		}
		y += 3
		bands = append(bands, [2]float64{y - 2, y + float64(nSeries)*(barH+barGap) - barGap + 2})
		for j, vs := range p.values {
			v := vs[i]
			zx, vx := x(0), x(v)
			if p.Percent {
				bars.rect(zx, y, x(100)-zx, barH, colorTrack, "", "")
			}
			if v != 0 {
				bw := math.Max(math.Abs(vx-zx), 1)
				bx := zx
				if v < 0 {
					bx = zx - bw
				}
				fill, stroke := p.fill(j)
				bars.rect(bx, y, bw, barH, fill, stroke, p.tip(i, j))
			}
			base := y + barH/2 + fsBarValue*0.35
			switch {
			case v < 0:
				values.text(vx-valuePad, base, p.value(v), ` text-anchor="end"`)
			case p.Percent: // after the track, in a column
				values.text(math.Max(vx, x(100))+valuePad, base, p.value(v), "")
			default:
				values.text(vx+valuePad, base, p.value(v), "")
			}
			y += barH + barGap
		}
		y -= barGap
	}
	y += rowGap
	if len(p.labels) > 8 { // the top axis is out of sight by now
		y += 4 + fsSmall*lineGap
		tickRow(y)
	}
	y = p.omission(head, y)
	height := y + margin

	w := &svgWriter{}
	p.open(w, height)
	w.WriteString(head.String())
	bandPath := func(x float64) string {
		var d strings.Builder
		for _, b := range bands {
			d.WriteString("M" + num(x) + " " + num(b[0]) + "V" + num(b[1]))
		}
		return d.String()
	}
	w.WriteString(`<g fill="none" stroke="` + colorGrid + `">` + "\n")
	for _, t := range a.ticks {
		if t != 0 {
			w.WriteString(`<path d="` + bandPath(x(t)) + `"/>` + "\n")
		}
	}
	w.WriteString("</g>\n")
	w.WriteString(`<g font-size="12" fill="` + colorSoft + `" text-anchor="middle">` + "\n" + ticks.String() + "</g>\n")
	w.WriteString("<g>\n" + bars.String() + "</g>\n")
	w.WriteString(`<path d="` + bandPath(x(0)) + `" fill="none" stroke="` + colorZero + `"/>` + "\n")
	w.WriteString(`<g font-size="14" fill="` + colorText + `">` + "\n" + labels.String() + "</g>\n")
	w.WriteString(`<g font-size="` + num(fsBarValue) + `" fill="` + colorText + `"` + halo + `>` + "\n" + values.String() + "</g>\n")
	w.WriteString("</svg>\n")
	return []byte(w.String())
}
