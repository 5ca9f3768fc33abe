// Package chart draws small, accessible SVG charts on the server, for pages
// that work without JavaScript: horizontal bars (Bar) for rows with long
// Vietnamese names such as budget lines or agencies, columns (Columns) and
// lines (Line) for short series such as twelve months. It uses the standard
// library only.
//
// A chart is described by a Spec (title, labels, one to four series of
// values, unit, language) and comes back as a Chart holding one <svg>
// element to place inline in a page, next to the table that holds the same
// figures:
//
//	c, err := chart.Bar(chart.Spec{
//		ID:      "du-toan-thu",
//		Title:   "Dự toán thu ngân sách năm 2026",
//		Labels:  []string{"Thu nội địa", "Thu từ hoạt động xuất khẩu, nhập khẩu"},
//		Series:  []chart.Series{{Name: "Dự toán", Values: []float64{10110000, 10500000}}},
//		Unit:    "triệu đồng",
//		TableID: "bang-du-toan-thu",
//	})
//	// errors.Is(err, chart.ErrSpec): nothing to draw; c.HTML() goes in the template.
//
// # What a chart looks like
//
// The viewBox is 400 units wide and the SVG as wide as its container
// (width="100%", height from the viewBox's ratio); a page caps it with
// CSS (max-width about 32rem). Nothing is styled by CSS or inline styles,
// which the portal's Content-Security-Policy (style-src 'self') would
// block: every colour and size is a presentation attribute. The font is the
// page's own (the SVG sets none, so it inherits system-ui from the theme);
// Spec.Standalone adds one for an SVG served as a file.
//
// Bar charts put each label above its bars, on the chart's whole width, so
// names like "Thu từ khu vực doanh nghiệp có vốn đầu tư nước ngoài" wrap to
// two lines instead of being squeezed into a narrow column; a longer one
// ends with "…" (its full text is in the bar's tooltip and in the table).
// Bars start at a zero line: negative values extend to its left. Every bar
// carries its value, written as in the table: 1.234.567,5 in Vietnamese,
// 1,234,567.5 in English, at most Spec.Decimals decimals (2 by default),
// with the unit shown once above the chart ("Đơn vị: triệu đồng"). With
// Percent, values are rates: the axis spans 0–100 (more if a value exceeds
// 100), each bar lies on a grey 0–100 track and values read "95,2 %".
//
// # Ticks
//
// The value axis spans the data and zero (and 0–100 for rates), so the
// longest bar takes the whole width. Ticks are the multiples of a 1-2-5 step
// (…, 0.5, 1, 2, 5, 10, …), the smallest whose labels do not crowd each
// other, from about six intervals down. Tick labels stay in the declared
// unit, like the values beside the bars: once the axis reaches a million of
// that unit every tick is written in millions ("350 triệu"), from a billion
// in billions ("1,2 tỷ"); English writes "350m" and "1.2bn". For the unit
// "đồng" that is the familiar "350 triệu", "1,2 tỷ". A unit that names a
// multiple itself ("triệu đồng", "nghìn đồng/m²", "Tỷ đồng") keeps whole
// numbers ("20.000.000"): "20 triệu" of "triệu đồng" would read as twenty
// million million. All ticks of an axis use the same multiple; percentages
// are never abbreviated.
//
// # Accessibility
//
// The root has role="img", aria-labelledby pointing at its <title> (the
// spec's title) and aria-describedby at its <desc>, a summary written for
// screen readers: kind of chart, number of items, series and unit, the
// highest and lowest value of each series with their labels, what was left
// out, and that the figures are in the accompanying table; TableID adds
// aria-details pointing at that table. All text is real <text>. Colours are
// Okabe and Ito's colour-blind-safe set, each at least 3:1 on white (WCAG
// 1.4.11), text at least 4.5:1; colour is never the only cue: series of
// bars differ by pattern too (solid, stripes, dots, cross-hatching) and
// lines by dash and marker shape, with a legend whenever there are several
// series.
//
// # Safety and bounds
//
// Labels come from agencies' files. Every text is cleaned (invalid UTF-8
// replaced, control characters turned into spaces, characters XML forbids
// and bidirectional overrides dropped, cut at 300 characters) and escaped;
// the output is well-formed XML whatever the input. NaN, infinities and
// values beyond ±1e15 are refused with ErrSpec. At most Spec.MaxBars labels
// are drawn (30 by default, 100 at most): the caller chooses the rows
// (top-level rows of a budget form, say), the chart draws the first ones,
// says under itself and in its description how many it left out, and
// Chart.Omitted lists them.
//
// Text cannot be measured on the server: widths are estimated from
// DejaVu Sans's advance widths (what system-ui is on Debian, and wider than
// the usual system fonts), and a test lays every golden chart out in
// chromium to check that no text leaves the chart or overlaps another text
// or a bar. The same spec always gives the same bytes: coordinates are
// rounded to a tenth of a unit, default ids are a hash of the spec, and
// golden files (go test -update) hold the expected output.
package chart
