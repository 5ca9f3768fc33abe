package chart

import (
	"errors"
	"fmt"
	"hash/fnv"
	"html/template"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Spec describes a chart: rows (Labels) and, for each row, one value per
// series.
type Spec struct {
	// ID prefixes the ids inside the SVG (title, description, patterns),
	// which must be unique on the page: give each chart of a page its own.
	// Empty: "chart-" and a hash of the spec. Letters, digits, "-" and "_",
	// starting with a letter, at most 64 characters.
	ID string
	// Title is required; it is drawn above the chart and is its accessible
	// name.
	Title string
	// Labels name the rows (bars of a bar chart, columns or points of the
	// vertical charts), in drawing order: top to bottom, left to right.
	Labels []string
	// Series holds one to four series, each with one value per label.
	Series []Series
	// Unit is the unit of every value ("triệu đồng", "ha", "%"). It is shown
	// once, above the chart; "%" is the same as Percent.
	Unit string
	// Percent marks rates: values are percentages (95.2 for 95,2 %), the
	// value axis always spans 0–100 and a bar chart draws each bar on a
	// 0–100 track.
	Percent bool
	// Lang chooses the number format and the chart's own words.
	Lang Lang
	// MaxBars bounds the rows drawn: the first MaxBars labels are drawn and
	// the rest listed in Chart.Omitted. 0 means 30; at most 100.
	MaxBars int
	// Decimals is the most decimal places of a value label (trailing zeros
	// are dropped). 0 means 2, or 1 for percentages; a negative value means
	// none.
	Decimals int
	// TableID is the id of the table on the page that holds the same
	// figures; the SVG then points at it with aria-details.
	TableID string
	// Standalone makes a document to serve as an image/svg+xml file: an XML
	// declaration and a font-family of its own. Without it the SVG is meant
	// to sit inline in a page, whose font it inherits.
	Standalone bool
}

// A Series is one set of values, one per label, with its name (shown in
// the legend when there are several series).
type Series struct {
	Name   string
	Values []float64
}

// A Chart is a rendered chart.
type Chart struct {
	// SVG is one <svg> element, well-formed XML in UTF-8 (preceded by an
	// XML declaration when the spec is Standalone).
	SVG []byte
	// Shown is the number of labels drawn.
	Shown int
	// Omitted holds the labels left out because of MaxBars, in order (a
	// sub-slice of Spec.Labels).
	Omitted []string
}

// HTML returns the SVG for an html/template page. Every text of the spec
// is escaped in it.
func (c Chart) HTML() template.HTML {
	return template.HTML(c.SVG) // built from escaped text only
}

// ErrSpec is wrapped by every error the package returns: the spec cannot
// be drawn (a missing title, a value that is NaN or infinite, …).
var ErrSpec = errors.New("chart: invalid spec")

const (
	defaultMaxBars = 30
	maxMaxBars     = 100
	maxSeries      = 4
	// maxValue bounds values: beyond it float64 no longer holds every
	// integer, and labels would be wider than a chart.
	maxValue = 1e15
)

var idPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)

// kind is what is drawn.
type kind int

const (
	kindBar kind = iota
	kindColumn
	kindLine
)

// prepared is a validated spec with its texts cleaned and its rows cut to
// MaxBars.
type prepared struct {
	Spec
	kind     kind
	title    string
	unit     string
	labels   []string // cleaned, len = shown
	names    []string // cleaned series names
	values   [][]float64
	total    int // labels in the spec
	decimals int
}

func prepare(s Spec, k kind) (*prepared, error) {
	p := &prepared{Spec: s, kind: k, title: clean(s.Title), unit: clean(s.Unit)}
	if p.unit == "%" {
		p.Percent = true
	}
	if p.Percent {
		p.unit = "%"
	}
	if p.title == "" {
		return nil, fmt.Errorf("%w: no title", ErrSpec)
	}
	if s.ID != "" && !idPattern.MatchString(s.ID) {
		return nil, fmt.Errorf("%w: id %q: want a letter then letters, digits, - or _ (at most 64)", ErrSpec, s.ID)
	}
	if s.TableID != "" && !idPattern.MatchString(s.TableID) {
		return nil, fmt.Errorf("%w: table id %q: want a letter then letters, digits, - or _ (at most 64)", ErrSpec, s.TableID)
	}
	if len(s.Labels) == 0 {
		return nil, fmt.Errorf("%w: no labels", ErrSpec)
	}
	if len(s.Series) == 0 || len(s.Series) > maxSeries {
		return nil, fmt.Errorf("%w: %d series, want 1 to %d", ErrSpec, len(s.Series), maxSeries)
	}
	switch {
	case s.MaxBars < 0 || s.MaxBars > maxMaxBars:
		return nil, fmt.Errorf("%w: MaxBars %d, want 0 to %d", ErrSpec, s.MaxBars, maxMaxBars)
	case s.MaxBars == 0:
		p.MaxBars = defaultMaxBars
	}
	p.total = len(s.Labels)
	shown := min(p.total, p.MaxBars)
	p.labels = make([]string, shown)
	for i, l := range s.Labels[:shown] {
		p.labels[i] = clean(l)
	}
	for i, se := range s.Series {
		if len(se.Values) != len(s.Labels) {
			return nil, fmt.Errorf("%w: series %d (%q) has %d values for %d labels", ErrSpec, i+1, se.Name, len(se.Values), len(s.Labels))
		}
		name := clean(se.Name)
		if name == "" && len(s.Series) > 1 {
			return nil, fmt.Errorf("%w: series %d has no name (a legend needs one)", ErrSpec, i+1)
		}
		for j, v := range se.Values[:shown] {
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > maxValue {
				return nil, fmt.Errorf("%w: series %d (%q), label %q: value %v is not a finite number within ±1e15", ErrSpec, i+1, se.Name, s.Labels[j], v)
			}
		}
		p.names = append(p.names, name)
		p.values = append(p.values, se.Values[:shown])
	}
	switch {
	case s.Decimals < 0:
		p.decimals = 0
	case s.Decimals > 0:
		p.decimals = min(s.Decimals, 6)
	case p.Percent:
		p.decimals = 1
	default:
		p.decimals = 2
	}
	if p.ID == "" {
		p.ID = "chart-" + p.hash()
	}
	return p, nil
}

// hash digests the spec for a default ID: the same spec gets the same id,
// so output stays byte-stable.
func (p *prepared) hash() string {
	h := fnv.New64a()
	w := func(s string) { h.Write([]byte(s)); h.Write([]byte{0}) }
	w(strconv.Itoa(int(p.kind)))
	w(p.Title)
	w(p.Unit)
	for _, l := range p.Labels {
		w(l)
	}
	for _, se := range p.Series {
		w(se.Name)
		for _, v := range se.Values {
			w(strconv.FormatFloat(v, 'g', -1, 64))
		}
	}
	return strconv.FormatUint(h.Sum64()&0xffffffff, 16)
}

// value writes v as a value label: the table's number format, plus " %"
// for percentages.
func (p *prepared) value(v float64) string {
	s := formatNumber(v, p.decimals, p.Lang)
	if p.Percent {
		s += percentSuffix(p.Lang)
	}
	return s
}

// valueWithUnit writes v with its unit, for texts read out of context.
func (p *prepared) valueWithUnit(v float64) string {
	s := p.value(v)
	if !p.Percent && p.unit != "" {
		s += " " + p.unit
	}
	return s
}

// extent returns the smallest and largest value drawn.
func (p *prepared) extent() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, vs := range p.values {
		for _, v := range vs {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	return lo, hi
}

// result packs the rendered SVG.
func (p *prepared) result(svg []byte) Chart {
	return Chart{SVG: svg, Shown: len(p.labels), Omitted: p.Labels[len(p.labels):]}
}

// Layout of every chart, in viewBox units. The viewBox is 400 wide and the
// SVG as wide as its container: a page sets a max-width (about 32rem) so
// that 14-unit labels read as 14–18 px on a desktop and no smaller than
// about 12 px on a phone.
const (
	width      = 400.0
	margin     = 8.0
	fsTitle    = 16.0
	fsLabel    = 14.0
	fsValue    = 13.0
	fsSmall    = 12.0
	lineGap    = 1.25 // line height as a multiple of the font size
	colorText  = "#1b1b1f"
	colorSoft  = "#51535b" // 7.7:1 on white
	colorGrid  = "#d5d8de"
	colorZero  = "#51535b"
	colorTrack = "#eef0f3"
	// halo outlines value labels in white, so that a grid line behind one
	// does not cross its digits.
	halo = ` stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"`
)

// palette is Okabe and Ito's colour-blind-safe set, in the order that
// keeps neighbours apart; each has at least 3:1 contrast on white (WCAG
// 1.4.11). Series also differ by pattern (bars) or by dash and marker
// (lines), so colour is never the only cue.
var palette = [maxSeries]string{"#0072b2", "#d55e00", "#009e73", "#cc79a7"}

// num writes a coordinate rounded to a tenth of a unit. The conversion to
// float64 rounds the product on its own, so that no platform fuses it with
// the addition and the output stays the same everywhere.
func num(v float64) string {
	r := math.Round(float64(v*10)) / 10
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// svgWriter builds the document.
type svgWriter struct {
	strings.Builder
}

// attr writes ` name="value"` with value escaped.
func (w *svgWriter) attr(name, value string) {
	w.WriteByte(' ')
	w.WriteString(name)
	w.WriteString(`="`)
	escape(&w.Builder, value)
	w.WriteByte('"')
}

// text writes a <text> element; extra holds further attributes, already
// written as XML.
func (w *svgWriter) text(x, y float64, s string, extra string) {
	w.WriteString(`<text x="`)
	w.WriteString(num(x))
	w.WriteString(`" y="`)
	w.WriteString(num(y))
	w.WriteByte('"')
	w.WriteString(extra)
	w.WriteByte('>')
	escape(&w.Builder, s)
	w.WriteString("</text>\n")
}

// tooltip writes a <title> child: browsers show it on hover.
func (w *svgWriter) tooltip(s string) {
	w.WriteString("<title>")
	escape(&w.Builder, s)
	w.WriteString("</title>")
}

// rect writes a rectangle with fill (and a stroke in the same colour when
// the fill is a pattern) and a tooltip.
func (w *svgWriter) rect(x, y, wd, ht float64, fill, stroke, tip string) {
	w.WriteString(`<rect x="` + num(x) + `" y="` + num(y) + `" width="` + num(wd) + `" height="` + num(ht) + `" fill="` + fill + `"`)
	if stroke != "" {
		w.WriteString(` stroke="` + stroke + `"`)
	}
	if tip == "" {
		w.WriteString("/>\n")
		return
	}
	w.WriteByte('>')
	w.tooltip(tip)
	w.WriteString("</rect>\n")
}

// line writes a line, stroked in color unless color is empty (inherited).
func (w *svgWriter) line(x1, y1, x2, y2 float64, color string) {
	w.WriteString(`<line x1="` + num(x1) + `" y1="` + num(y1) + `" x2="` + num(x2) + `" y2="` + num(y2) + `"`)
	if color != "" {
		w.WriteString(` stroke="` + color + `"`)
	}
	w.WriteString("/>\n")
}

// fill returns the fill of series i: a solid colour for the first, a
// pattern for the others, and the stroke that outlines a patterned bar.
func (p *prepared) fill(i int) (fill, stroke string) {
	if i == 0 {
		return palette[0], ""
	}
	return "url(#" + p.ID + "-p" + strconv.Itoa(i) + ")", palette[i]
}

// patterns writes the <defs> of the patterns of series 1–3: diagonal
// stripes, dots, cross-hatching, each in its series colour on white.
func (p *prepared) patterns(w *svgWriter) {
	if len(p.values) < 2 || p.kind == kindLine {
		return
	}
	w.WriteString("<defs>\n")
	for i := 1; i < len(p.values); i++ {
		c := palette[i]
		id := p.ID + "-p" + strconv.Itoa(i)
		switch i {
		case 1:
			w.WriteString(`<pattern id="` + id + `" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><rect width="3" height="6" fill="` + c + `"/></pattern>` + "\n")
		case 2:
			w.WriteString(`<pattern id="` + id + `" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#fff"/><circle cx="2.5" cy="2.5" r="1.7" fill="` + c + `"/></pattern>` + "\n")
		default:
			w.WriteString(`<pattern id="` + id + `" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><rect width="2" height="6" fill="` + c + `"/><rect width="6" height="2" fill="` + c + `"/></pattern>` + "\n")
		}
	}
	w.WriteString("</defs>\n")
}

// open writes the <svg> start tag, the title and the description.
func (p *prepared) open(w *svgWriter, height float64) {
	if p.Standalone {
		w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	}
	class := [...]string{"chart chart-bar", "chart chart-column", "chart chart-line"}[p.kind]
	w.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="` + class + `" viewBox="0 0 ` + num(width) + ` ` + num(height) + `" width="100%"`)
	w.WriteString(` role="img" aria-labelledby="` + p.ID + `-t" aria-describedby="` + p.ID + `-d"`)
	if p.TableID != "" {
		w.attr("aria-details", p.TableID)
	}
	if p.Standalone {
		w.WriteString(` font-family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif"`)
	}
	w.WriteString(">\n")
	w.WriteString(`<title id="` + p.ID + `-t">`)
	escape(&w.Builder, p.title)
	w.WriteString("</title>\n")
	w.WriteString(`<desc id="` + p.ID + `-d">`)
	escape(&w.Builder, p.describe())
	w.WriteString("</desc>\n")
	p.patterns(w)
}

// header writes the visible title, the unit and the legend from y on and
// returns the y below them.
func (p *prepared) header(w *svgWriter, y float64) float64 {
	lines, _ := wrap(p.title, width-2*margin, fsTitle, true, 3)
	for _, l := range lines {
		y += fsTitle * lineGap
		w.text(margin, y-fsTitle*0.3, l, ` font-size="16" font-weight="700" fill="`+colorText+`"`)
	}
	y += 3
	if p.unit != "" && !p.Percent {
		word := "Đơn vị: "
		if p.Lang == English {
			word = "Unit: "
		}
		ul, _ := wrap(word+p.unit, width-2*margin, fsSmall, false, 1)
		y += fsSmall * lineGap
		w.text(margin, y-fsSmall*0.3, ul[0], ` font-size="12" fill="`+colorSoft+`"`)
	}
	if len(p.values) > 1 {
		y = p.legend(w, y+4)
	}
	return y
}

// legend writes one entry per series (swatch and name), wrapping to new
// lines, and returns the y below it.
func (p *prepared) legend(w *svgWriter, y float64) float64 {
	const sw, gap, itemGap = 14.0, 5.0, 14.0
	rowH := fsValue * lineGap
	x := margin
	y += rowH
	for i, name := range p.names {
		lines, _ := wrap(name, width-2*margin-sw-gap, fsValue, false, 1)
		name = lines[0]
		wd := sw + gap + textWidth(name, fsValue, false)
		if x > margin && x+wd > width-margin {
			x = margin
			y += rowH + 2
		}
		top := y - rowH/2 - sw/2 - 1
		if p.kind == kindLine {
			w.WriteString(`<g stroke="` + palette[i] + `" stroke-width="2" fill="none"` + dash(i) + `>`)
			w.WriteString(`<line x1="` + num(x) + `" y1="` + num(top+sw/2) + `" x2="` + num(x+sw) + `" y2="` + num(top+sw/2) + `"/></g>`)
			marker(w, i, x+sw/2, top+sw/2, "")
		} else {
			fill, stroke := p.fill(i)
			w.rect(x, top, sw, sw, fill, stroke, "")
		}
		w.text(x+sw+gap, y-rowH/2+fsValue*0.35, name, ` font-size="13" fill="`+colorText+`"`)
		x += wd + itemGap
	}
	return y + 2
}

// omission writes the note saying how many rows were left out, from y on,
// and returns the y below it.
func (p *prepared) omission(w *svgWriter, y float64) float64 {
	if p.total == len(p.labels) {
		return y
	}
	lines, _ := wrap(p.omissionText(), width-2*margin, fsSmall, false, 3)
	for _, l := range lines {
		y += fsSmall * lineGap
		w.text(margin, y-fsSmall*0.3, l, ` font-size="12" fill="`+colorSoft+`"`)
	}
	return y
}

func (p *prepared) omissionText() string {
	if p.Lang == English {
		return fmt.Sprintf("Showing the first %d of %d items; the table has them all.", len(p.labels), p.total)
	}
	return fmt.Sprintf("Biểu đồ chỉ thể hiện %d mục đầu tiên trong số %d mục; xem đầy đủ trong bảng số liệu.", len(p.labels), p.total)
}

// tip is the tooltip of one value: label, series name and value with unit.
func (p *prepared) tip(row, series int) string {
	s := p.labels[row]
	if len(p.names) > 1 {
		s += " – " + p.names[series]
	}
	return s + ": " + p.valueWithUnit(p.values[series][row])
}
