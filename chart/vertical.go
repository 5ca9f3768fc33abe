package chart

import "math"

// Columns draws a column chart: one slot per label from left to right (12
// months, say), one column per series in each slot, rising from a zero
// line (falling below it for negative values). Values are written above
// the columns when they fit in them; labels that do not fit their slot
// are wrapped, then shown only every few slots. The value axis is on the
// left, with Percent spanning 0–100.
//
// The error wraps ErrSpec when the spec cannot be drawn.
func Columns(s Spec) (Chart, error) {
	p, err := prepare(s, kindColumn)
	if err != nil {
		return Chart{}, err
	}
	return p.result(p.vertical()), nil
}

// Line draws a line chart: one point per label from left to right, one
// line per series, each with its own colour, dash and marker shape. The
// value axis starts at zero (0–100 with Percent), so that changes are not
// exaggerated; each point's value is in its tooltip, the description and
// the table.
//
// The error wraps ErrSpec when the spec cannot be drawn.
func Line(s Spec) (Chart, error) {
	p, err := prepare(s, kindLine)
	if err != nil {
		return Chart{}, err
	}
	return p.result(p.vertical()), nil
}

// dash returns the stroke-dasharray attribute of series i's line.
func dash(i int) string {
	return [...]string{"", ` stroke-dasharray="7 3"`, ` stroke-dasharray="2 3"`, ` stroke-dasharray="9 3 2 3"`}[i]
}

// marker writes series i's point marker centred on (x, y): a circle, a
// square, a triangle or a diamond, outlined in white to stand out from the
// lines.
func marker(w *svgWriter, i int, x, y float64, tip string) {
	c := palette[i]
	switch i {
	case 0:
		w.WriteString(`<circle cx="` + num(x) + `" cy="` + num(y) + `" r="4"`)
	case 1:
		w.WriteString(`<rect x="` + num(x-3.5) + `" y="` + num(y-3.5) + `" width="7" height="7"`)
	case 2:
		w.WriteString(`<path d="M` + num(x) + ` ` + num(y-4.5) + `L` + num(x+4.5) + ` ` + num(y+3.5) + `H` + num(x-4.5) + `Z"`)
	default:
		w.WriteString(`<path d="M` + num(x) + ` ` + num(y-5) + `L` + num(x+5) + ` ` + num(y) + `L` + num(x) + ` ` + num(y+5) + `L` + num(x-5) + ` ` + num(y) + `Z"`)
	}
	w.WriteString(` fill="` + c + `" stroke="#fff"`)
	if tip == "" {
		w.WriteString("/>")
		return
	}
	w.WriteByte('>')
	w.tooltip(tip)
	switch i {
	case 0:
		w.WriteString("</circle>\n")
	case 1:
		w.WriteString("</rect>\n")
	default:
		w.WriteString("</path>\n")
	}
}

func (p *prepared) vertical() []byte {
	const plotH, tickGap, labelLines, minSlot = 200.0, 6.0, 3, 40.0
	nSeries, n := len(p.values), len(p.labels)
	head, grid, cats, marks, values := &svgWriter{}, &svgWriter{}, &svgWriter{}, &svgWriter{}, &svgWriter{}
	y := p.header(head, margin/2)

	lo, hi := p.extent()
	fits := func(spacing float64, _ []string) bool { return spacing >= 2*fsSmall }
	a := niceAxis(lo, hi, p.Percent, plainUnit(p.Unit), p.Lang, plotH, fits)
	tickW := 0.0
	for _, t := range a.ticks {
		tickW = math.Max(tickW, textWidth(a.format.label(t), fsSmall, false))
	}
	left, right := margin+tickW+tickGap, width-margin
	slot := (right - left) / float64(n)
	group := slot * 0.75
	if nSeries == 1 && p.kind == kindColumn {
		group = slot * 0.65
	}
	colW := group / float64(nSeries)

	// Values are written on columns only when every one fits its column
	// (or its slot, with one series).
	room := colW + 2
	if nSeries == 1 {
		room = slot - 2
	}
	showValues := p.kind == kindColumn
	negative := false
	for _, vs := range p.values {
		for _, v := range vs {
			negative = negative || v < 0
			if textWidth(p.value(v), fsSmall, false) > room {
				showValues = false
			}
		}
	}
	top := y + 10 + fsSmall*0.5
	if showValues && hi > 0 {
		top += fsSmall * lineGap
	}
	bottom := top + plotH
	yv := func(v float64) float64 { return a.pos(v, bottom, top) }
	cx := func(i int) float64 { return left + (float64(i)+0.5)*slot }

	// Category labels: wrapped into their slot (three lines at most) and
	// cut with "…" beyond. Only when slots are too narrow for a word (many
	// points) is every k-th label shown, on one line k slots wide.
	every, lines := 1, make([][]string, n)
	cut := false
	for i, l := range p.labels {
		var c bool
		lines[i], c = wrap(l, slot-2, fsSmall, false, labelLines)
		cut = cut || c
	}
	if cut && slot < minSlot {
		widest := 0.0
		for _, l := range p.labels {
			widest = math.Max(widest, textWidth(l, fsSmall, false))
		}
		every = min(max(int(math.Ceil((widest+4)/slot)), 2), n)
		for i, l := range p.labels {
			lines[i], _ = wrap(l, float64(every)*slot-4, fsSmall, false, 1)
		}
	}
	labelTop := bottom + 4
	if showValues && negative {
		labelTop += fsSmall * lineGap
	}
	maxLines := 0
	for i := 0; i < n; i += every {
		for k, l := range lines[i] {
			// A label wider than its slot stays centred under its column
			// as far as the chart's edges allow.
			half := textWidth(l, fsSmall, false) / 2
			x := math.Min(math.Max(cx(i), margin+half), width-margin-half)
			cats.text(x, labelTop+float64(k+1)*fsSmall*lineGap-fsSmall*0.3, l, "")
		}
		maxLines = max(maxLines, len(lines[i]))
	}
	y = labelTop + float64(maxLines)*fsSmall*lineGap
	y = p.omission(head, y)
	height := y + margin

	for _, t := range a.ticks {
		grid.text(left-tickGap, yv(t)+fsSmall*0.35, a.format.label(t), "")
	}
	for j, vs := range p.values {
		if p.kind == kindLine {
			marks.WriteString(`<polyline fill="none" stroke="` + palette[j] + `" stroke-width="2" stroke-linejoin="round"` + dash(j) + ` points="`)
			for i, v := range vs {
				if i > 0 {
					marks.WriteByte(' ')
				}
				marks.WriteString(num(cx(i)) + "," + num(yv(v)))
			}
			marks.WriteString(`"/>` + "\n")
			continue
		}
		fill, stroke := p.fill(j)
		for i, v := range vs {
			x := cx(i) - group/2 + float64(j)*colW
			zy, vy := yv(0), yv(v)
			if v != 0 {
				h := math.Max(math.Abs(vy-zy), 1)
				by := zy - h
				if v < 0 {
					by = zy
				}
				marks.rect(x, by, colW, h, fill, stroke, p.tip(i, j))
			}
			if showValues {
				if v < 0 {
					values.text(x+colW/2, vy+fsSmall, p.value(v), "")
				} else {
					values.text(x+colW/2, math.Min(vy, zy)-3, p.value(v), "")
				}
			}
		}
	}
	if p.kind == kindLine {
		for j, vs := range p.values {
			for i, v := range vs {
				marker(marks, j, cx(i), yv(v), p.tip(i, j))
			}
		}
	}

	w := &svgWriter{}
	p.open(w, height)
	w.WriteString(head.String())
	w.WriteString(`<g stroke="` + colorGrid + `">` + "\n")
	for _, t := range a.ticks {
		if t != 0 {
			w.line(left, yv(t), right, yv(t), "")
		}
	}
	w.WriteString("</g>\n")
	w.WriteString(`<g font-size="12" fill="` + colorSoft + `" text-anchor="end">` + "\n" + grid.String() + "</g>\n")
	if p.kind == kindColumn {
		w.WriteString("<g>\n" + marks.String() + "</g>\n")
		w.line(left, yv(0), right, yv(0), colorZero)
	} else {
		w.line(left, yv(0), right, yv(0), colorZero)
		w.WriteString("<g>\n" + marks.String() + "</g>\n")
	}
	w.WriteString(`<g font-size="12" fill="` + colorText + `" text-anchor="middle">` + "\n" + cats.String() + "</g>\n")
	if values.Len() > 0 {
		w.WriteString(`<g font-size="12" fill="` + colorText + `" text-anchor="middle"` + halo + `>` + "\n" + values.String() + "</g>\n")
	}
	w.WriteString("</svg>\n")
	return []byte(w.String())
}
