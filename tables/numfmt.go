package tables

import (
	"strings"
)

// fmtClass is what a spreadsheet number format says about its values.
type fmtClass uint8

const (
	fmtGeneral fmtClass = iota
	fmtNumber
	fmtPercent
	fmtCurrency
	fmtDate
	fmtTime
	fmtText // "@": the cell holds text even if it looks like a number
)

// numFormat is a number format code and what it means for the values it shows.
type numFormat struct {
	code     string
	class    fmtClass
	decimals int // digits after the decimal point; -1 for General
	zeroPad  int // width of a zero-padded integer format ("00000" → 5), else 0
}

// builtinFormats are the number formats Excel numbers without storing their code
// (ECMA-376 Part 1, 18.8.30), as far as they matter here.
var builtinFormats = map[int]string{
	0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
	5: `"$"#,##0_);("$"#,##0)`, 6: `"$"#,##0_);[Red]("$"#,##0)`, 7: `"$"#,##0.00_);("$"#,##0.00)`, 8: `"$"#,##0.00_);[Red]("$"#,##0.00)`,
	9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??",
	14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM",
	20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm",
	37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)",
	41: `_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)`, 42: `_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)`,
	43: `_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)`, 44: `_("$"* #,##0.00_);_("$"* \(#,##0.00\);_("$"* "-"??_);_(@_)`,
	45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
	// Locale-dependent ids some writers use for dates.
	27: "yyyy-mm-dd", 28: "yyyy-mm-dd", 29: "yyyy-mm-dd", 30: "m/d/yy", 31: "yyyy-mm-dd", 32: "h:mm:ss", 33: "h:mm:ss",
	34: "h:mm:ss", 35: "h:mm:ss", 36: "yyyy-mm-dd", 50: "yyyy-mm-dd", 51: "yyyy-mm-dd", 52: "yyyy-mm-dd",
	53: "yyyy-mm-dd", 54: "yyyy-mm-dd", 55: "yyyy-mm-dd", 56: "yyyy-mm-dd", 57: "yyyy-mm-dd", 58: "yyyy-mm-dd",
}

// formatCache shares one numFormat per code within a workbook.
type formatCache map[string]*numFormat

func (c formatCache) get(code string) *numFormat {
	if f, ok := c[code]; ok {
		return f
	}
	f := classifyFormat(code)
	if len(c) < 4096 {
		c[code] = f
	}
	return f
}

// classifyFormat reads a format code: its first section decides (positive numbers),
// quoted text, escapes and bracketed parts ([Red], [$₫-42A]) aside, except that a
// currency sign anywhere makes it a currency format.
func classifyFormat(code string) *numFormat {
	f := &numFormat{code: code, decimals: -1}
	if code == "" || strings.EqualFold(code, "General") {
		return f
	}
	if code == "@" {
		f.class = fmtText
		return f
	}
	currency := false
	sec := code
	if i := sectionEnd(code); i >= 0 {
		sec = code[:i]
	}
	// Scan the whole code for currency and the first section for the rest.
	var plain strings.Builder // the first section without quoted text and brackets
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch c {
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				j = len(code) - i - 1
			}
			if isCurrencyText(code[i+1 : i+1+j]) {
				currency = true
			}
			i += j + 1
			continue
		case '[':
			j := strings.IndexByte(code[i+1:], ']')
			if j < 0 {
				j = len(code) - i - 1
			}
			in := code[i+1 : i+1+j]
			if strings.HasPrefix(in, "$") && len(in) > 1 && !strings.HasPrefix(in, "$-") {
				currency = true
			}
			i += j + 1
			continue
		case '\\':
			if i+1 < len(code) && isCurrencyText(code[i+1:i+2]) {
				currency = true
			}
			i++
			continue
		case '_', '*':
			i++ // the next character is padding
			continue
		}
		if c == '$' || strings.HasPrefix(code[i:], "₫") || strings.HasPrefix(code[i:], "đ") {
			currency = true
		}
		if i < len(sec) {
			plain.WriteByte(c)
		}
	}
	p := strings.ToLower(plain.String())
	switch {
	case strings.Contains(p, "%"):
		f.class = fmtPercent
	case strings.ContainsAny(p, "yd"):
		f.class = fmtDate
	case strings.ContainsAny(p, "hs"):
		f.class = fmtTime
	case strings.Contains(p, "m"):
		f.class = fmtDate // "mmm", "mm/yy": a month
	case strings.ContainsAny(p, "0#?"):
		f.class = fmtNumber
	}
	if f.class == fmtNumber || f.class == fmtPercent {
		f.decimals = 0
		if i := strings.IndexByte(p, '.'); i >= 0 {
			for _, r := range p[i+1:] {
				if r != '0' && r != '#' && r != '?' {
					break
				}
				f.decimals++
			}
		}
		if f.class == fmtNumber && strings.Trim(p, "0") == "" && len(p) > 1 {
			f.zeroPad = len(p)
		}
	}
	if currency && f.class == fmtNumber {
		f.class = fmtCurrency
	}
	return f
}

// sectionEnd is the index of the first ';' outside quotes and brackets, or -1.
func sectionEnd(code string) int {
	for i := 0; i < len(code); i++ {
		switch code[i] {
		case '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				return -1
			}
			i += j + 1
		case '[':
			j := strings.IndexByte(code[i+1:], ']')
			if j < 0 {
				return -1
			}
			i += j + 1
		case '\\':
			i++
		case ';':
			return i
		}
	}
	return -1
}

func isCurrencyText(s string) bool {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "$", "₫", "đ", "vnd", "vnđ", "đồng", "usd", "€":
		return true
	}
	return false
}
