package chart

import (
	"math"
	"strconv"
	"strings"
)

// Lang selects the language of the words a chart writes itself (unit line,
// legend of omissions, description) and the number format.
type Lang int

const (
	// Vietnamese writes 1.234.567,5 and Vietnamese words. It is the zero value.
	Vietnamese Lang = iota
	// English writes 1,234,567.5 and English words.
	English
)

// formatNumber writes v rounded to at most decimals places, trailing zeros
// dropped, with the thousands and decimal separators of lang: 1.234.567,5 in
// Vietnamese, 1,234,567.5 in English. A value that rounds to zero has no sign.
func formatNumber(v float64, decimals int, lang Lang) string {
	if decimals < 0 {
		decimals = 0
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	frac = strings.TrimRight(frac, "0")
	thousands, point := ".", ","
	if lang == English {
		thousands, point = ",", "."
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/3 + 1)
	if v < 0 && strings.Trim(whole+frac, "0") != "" {
		b.WriteByte('-')
	}
	for i := 0; i < len(whole); i++ {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteByte(whole[i])
	}
	if frac != "" {
		b.WriteString(point)
		b.WriteString(frac)
	}
	return b.String()
}

// percentSuffix is what follows a percentage: Vietnamese pages of the portal
// write "95,2 %", English ones "95.2%".
func percentSuffix(lang Lang) string {
	if lang == English {
		return "%"
	}
	return " %"
}

// step is a tick interval of the form m × 10^exp with m ∈ {1, 2, 5}: kept as
// integers so that tick values are computed without accumulated rounding.
type step struct {
	m   int64
	exp int
}

func (s step) value() float64 { return scaled(s.m, s.exp) }

// scaled returns n × 10^exp, dividing by an exact power of ten for negative
// exponents so that 3 × 10^-1 is the float nearest 0.3.
func scaled(n int64, exp int) float64 {
	if exp >= 0 {
		return float64(n) * math.Pow10(exp)
	}
	return float64(n) / math.Pow10(-exp)
}

// next returns the following step of the 1-2-5 sequence.
func (s step) next() step {
	switch s.m {
	case 1:
		return step{2, s.exp}
	case 2:
		return step{5, s.exp}
	}
	return step{1, s.exp + 1}
}

// stepAtLeast returns the smallest 1-2-5 step not below x (x > 0).
func stepAtLeast(x float64) step {
	exp := int(math.Floor(math.Log10(x)))
	s := step{1, exp - 1}
	for s.value() < x*(1-1e-12) {
		s = s.next()
	}
	return s
}

// ticksFor returns the multiples of s within [lo, hi] (lo ≤ 0 ≤ hi, so
// zero is one of them), allowing for rounding at the ends.
func ticksFor(lo, hi float64, s step) []float64 {
	v := s.value()
	first := int64(math.Ceil(lo/v - 1e-9))
	last := int64(math.Floor(hi/v + 1e-9))
	ticks := make([]float64, 0, last-first+1)
	for i := first; i <= last; i++ {
		ticks = append(ticks, scaled(i*s.m, s.exp))
	}
	return ticks
}

// A tickFormat writes the tick labels of one axis. Every label of an axis
// uses the same multiple so that they compare at a glance: the axis's
// largest tick decides it (see abbreviation).
type tickFormat struct {
	div      float64 // ticks are divided by this: 1, 1e6 or 1e9
	word     string  // written after the number: "", "triệu", "tỷ" (English "m", "bn")
	decimals int
	percent  bool
	lang     Lang
}

// newTickFormat chooses how the ticks of an axis with steps s and largest
// absolute tick maxAbs are written.
//
// The rule: tick labels stay in the declared unit of the chart, the same as
// the value labels and the table beside the chart. When the largest tick
// reaches a million of that unit, every tick is written in millions
// ("350 triệu"); from a billion, in billions ("1,2 tỷ"). English writes
// "350m" and "1.2bn". Percentages are never abbreviated. With the unit
// "đồng" this gives the usual "350 triệu", "1,2 tỷ". A unit that is itself
// a multiple ("triệu đồng", "nghìn đồng/m²", "tỷ đồng") keeps whole numbers
// (plainUnit): "20 triệu" of "triệu đồng" would read as twenty million
// million.
func newTickFormat(maxAbs float64, s step, percent bool, lang Lang) tickFormat {
	f := tickFormat{div: 1, percent: percent, lang: lang}
	divExp := 0
	if !percent {
		switch {
		case maxAbs >= 1e9:
			f.div, divExp, f.word = 1e9, 9, "tỷ"
			if lang == English {
				f.word = "bn"
			}
		case maxAbs >= 1e6:
			f.div, divExp, f.word = 1e6, 6, "triệu"
			if lang == English {
				f.word = "m"
			}
		}
	}
	if e := s.exp - divExp; e < 0 {
		f.decimals = -e
	}
	return f
}

// label writes one tick.
func (f tickFormat) label(v float64) string {
	if v == 0 {
		return "0"
	}
	s := formatNumber(v/f.div, f.decimals, f.lang)
	switch {
	case f.percent:
		return s + percentSuffix(f.lang)
	case f.word == "":
		return s
	case f.lang == English:
		return s + f.word
	}
	return s + " " + f.word
}

// An axis is a value domain [lo, hi] with its ticks, lo ≤ 0 ≤ hi.
type axis struct {
	lo, hi float64
	ticks  []float64
	format tickFormat
}

// niceAxis chooses ticks for data in [min, max] on an axis length units
// long. The domain is the data's, widened to contain zero (bars start
// there) and, for percentages, 0–100: the longest bar takes the whole
// length. Ticks are the multiples of a 1-2-5 step within it; fits reports
// whether labels spaced by a given distance in units are readable, and the
// smallest step (from the one giving about six intervals) whose spacing
// fits wins, as long as it leaves a tick besides zero. With all values zero
// the only tick is zero.
func niceAxis(min, max float64, percent, plain bool, lang Lang, length float64, fits func(spacing float64, labels []string) bool) axis {
	lo, hi := math.Min(0, min), math.Max(0, max)
	if percent {
		hi = math.Max(hi, 100)
	}
	if lo == hi { // all values zero: a zero line and nothing to scale
		return axis{lo: 0, hi: 1, ticks: []float64{0}, format: tickFormat{div: 1, percent: percent, lang: lang}}
	}
	s := stepAtLeast((hi - lo) / 6)
	var a axis
	for range 60 { // the tick count falls to two within a few decades
		ticks := ticksFor(lo, hi, s)
		if len(ticks) < 2 && a.ticks != nil {
			break // keep the last step that left a tick besides zero
		}
		maxAbs := math.Max(math.Abs(ticks[0]), math.Abs(ticks[len(ticks)-1]))
		f := newTickFormat(maxAbs, s, percent || plain, lang)
		f.percent = percent
		labels := make([]string, len(ticks))
		for i, t := range ticks {
			labels[i] = f.label(t)
		}
		a = axis{lo: lo, hi: hi, ticks: ticks, format: f}
		if len(ticks) < 2 || fits(length*s.value()/(hi-lo), labels) {
			break
		}
		s = s.next()
	}
	return a
}

// pos maps v in the axis domain to [from, to].
func (a axis) pos(v, from, to float64) float64 {
	return from + float64((v-a.lo)/(a.hi-a.lo))*(to-from)
}

// plainUnit reports a unit that names a multiple itself ("triệu đồng",
// "1.000 đồng/m2", "Tỷ đồng", "thousand ha"): its ticks are not abbreviated.
func plainUnit(unit string) bool {
	u := strings.ToLower(unit)
	for _, w := range []string{"nghìn", "ngàn", "triệu", "tỷ", "1.000", "1000", "thousand", "million", "billion", "mill.", "bill.", "bn"} {
		if strings.Contains(u, w) {
			return true
		}
	}
	return false
}
