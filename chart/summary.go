package chart

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// describe writes the chart's <desc>: what kind of chart, how many items
// and series, the unit, the highest and lowest value of each series, what
// was left out, and that the table beside the chart holds the figures.
func (p *prepared) describe() string {
	en := p.Lang == English
	var b strings.Builder
	kinds := [...]string{"Biểu đồ thanh ngang", "Biểu đồ cột", "Biểu đồ đường"}
	if en {
		kinds = [...]string{"Horizontal bar chart", "Column chart", "Line chart"}
	}
	b.WriteString(kinds[p.kind])
	n := strconv.Itoa(len(p.labels))
	if en {
		b.WriteString(" of " + n + " items")
	} else {
		b.WriteString(" gồm " + n + " mục")
	}
	if len(p.names) > 1 {
		if en {
			b.WriteString(", " + strconv.Itoa(len(p.names)) + " series (")
		} else {
			b.WriteString(", " + strconv.Itoa(len(p.names)) + " chuỗi số liệu (")
		}
		b.WriteString(strings.Join(p.names, ", ") + ")")
	}
	switch {
	case p.Percent && en:
		b.WriteString(", in percent")
	case p.Percent:
		b.WriteString(", tính theo phần trăm")
	case p.unit != "" && en:
		b.WriteString(", unit: " + p.unit)
	case p.unit != "":
		b.WriteString(", đơn vị " + p.unit)
	}
	b.WriteString(". ")
	for i, vs := range p.values {
		var sb strings.Builder
		hi, lo := 0, 0
		for j, v := range vs {
			if v > vs[hi] {
				hi = j
			}
			if v < vs[lo] {
				lo = j
			}
		}
		switch {
		case len(vs) == 1:
			sb.WriteString(p.labels[0] + " " + p.valueWithUnit(vs[0]))
		case vs[hi] == vs[lo] && en:
			sb.WriteString("every item is " + p.valueWithUnit(vs[0]))
		case vs[hi] == vs[lo]:
			sb.WriteString("mọi mục đều bằng " + p.valueWithUnit(vs[0]))
		case en:
			sb.WriteString("highest " + p.labels[hi] + " (" + p.valueWithUnit(vs[hi]) + "), lowest " + p.labels[lo] + " (" + p.valueWithUnit(vs[lo]) + ")")
		default:
			sb.WriteString("cao nhất là " + p.labels[hi] + " (" + p.valueWithUnit(vs[hi]) + "), thấp nhất là " + p.labels[lo] + " (" + p.valueWithUnit(vs[lo]) + ")")
		}
		s := sb.String()
		if len(p.names) > 1 {
			s = p.names[i] + ": " + s
		} else if len(vs) > 1 {
			s = capitalize(s)
		}
		b.WriteString(s + ". ")
	}
	if p.total > len(p.labels) {
		b.WriteString(p.omissionText() + " ")
	}
	if en {
		b.WriteString("The figures are in the table that accompanies this chart.")
	} else {
		b.WriteString("Số liệu chi tiết có trong bảng kèm theo biểu đồ.")
	}
	return b.String()
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
