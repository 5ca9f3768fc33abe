package chart

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		v        float64
		decimals int
		lang     Lang
		want     string
	}{
		{0, 2, Vietnamese, "0"},
		{math.Copysign(0, -1), 2, Vietnamese, "0"},
		{-0.0001, 2, Vietnamese, "0"}, // rounds to zero: no sign
		{999, 0, Vietnamese, "999"},
		{1000, 0, Vietnamese, "1.000"},
		{1234567.5, 2, Vietnamese, "1.234.567,5"},
		{1234567.5, 2, English, "1,234,567.5"},
		{-1234.25, 2, Vietnamese, "-1.234,25"},
		{-1234.25, 1, English, "-1,234.2"}, // strconv rounds half to even on the binary value
		{20610000, 2, Vietnamese, "20.610.000"},
		{0.30000000000000004, 2, Vietnamese, "0,3"},
		{0.0012, 4, Vietnamese, "0,0012"},
		{0.0012, 2, Vietnamese, "0"},
		{98.57, 1, Vietnamese, "98,6"},
		{87.04, 1, Vietnamese, "87"},
		{2.5, 0, Vietnamese, "2"}, // half to even
		{999_999_999_999_999, 2, Vietnamese, "999.999.999.999.999"},
		{1e15, 0, English, "1,000,000,000,000,000"},
		{12, -1, Vietnamese, "12"},
	}
	for _, tt := range tests {
		if got := formatNumber(tt.v, tt.decimals, tt.lang); got != tt.want {
			t.Errorf("formatNumber(%v, %d, %v) = %q, want %q", tt.v, tt.decimals, tt.lang, got, tt.want)
		}
	}
}

func TestStepAtLeast(t *testing.T) {
	tests := []struct {
		x    float64
		want step
	}{
		{1, step{1, 0}},
		{1.01, step{2, 0}},
		{3, step{5, 0}},
		{7, step{1, 1}},
		{0.0003, step{5, -4}},
		{0.1, step{1, -1}},
		{0.30000000000000004, step{5, -1}},
		{2e14, step{2, 14}},
		{16.67, step{2, 1}},
	}
	for _, tt := range tests {
		if got := stepAtLeast(tt.x); got != tt.want {
			t.Errorf("stepAtLeast(%v) = %v, want %v", tt.x, got, tt.want)
		}
	}
}

// roomy accepts any spacing: the axis takes the first step tried.
func roomy(float64, []string) bool { return true }

// labelsFit accepts a spacing when every label, estimated at 12 units, has
// 10 units to spare: what a bar chart asks.
func labelsFit(spacing float64, labels []string) bool {
	for _, l := range labels {
		if textWidth(l, fsSmall, false)+tickSlack > spacing {
			return false
		}
	}
	return true
}

func TestNiceAxis(t *testing.T) {
	tests := []struct {
		name     string
		min, max float64
		percent  bool
		lang     Lang
		length   float64
		fits     func(float64, []string) bool
		want     []string // tick labels
		lo, hi   float64
	}{
		{"single value", 24318750.5, 24318750.5, false, Vietnamese, 300, roomy, []string{"0", "5 triệu", "10 triệu", "15 triệu", "20 triệu"}, 0, 24318750.5},
		{"đồng below a billion", 86.5e6, 350e6, false, Vietnamese, 300, roomy, []string{"0", "100 triệu", "200 triệu", "300 triệu"}, 0, 350e6},
		{"đồng past a billion", 86.5e6, 1.2e9, false, Vietnamese, 300, roomy, []string{"0", "0,2 tỷ", "0,4 tỷ", "0,6 tỷ", "0,8 tỷ", "1 tỷ", "1,2 tỷ"}, 0, 1.2e9},
		{"english abbreviations", 0, 1.2e9, false, English, 300, roomy, []string{"0", "0.2bn", "0.4bn", "0.6bn", "0.8bn", "1bn", "1.2bn"}, 0, 1.2e9},
		{"below a million stays whole", 0, 112000, false, Vietnamese, 300, roomy, []string{"0", "20.000", "40.000", "60.000", "80.000", "100.000"}, 0, 112000},
		{"crowded labels take a larger step", 0, 112000, false, Vietnamese, 300, labelsFit, []string{"0", "50.000", "100.000"}, 0, 112000},
		{"negative and positive", -2340.75, 1520.5, false, Vietnamese, 300, roomy, []string{"-2.000", "-1.000", "0", "1.000"}, -2340.75, 1520.5},
		{"all negative", -310, -48.25, false, Vietnamese, 300, roomy, []string{"-300", "-200", "-100", "0"}, -310, 0},
		{"all equal", 500, 500, false, Vietnamese, 300, roomy, []string{"0", "100", "200", "300", "400", "500"}, 0, 500},
		{"all zero", 0, 0, false, Vietnamese, 300, roomy, []string{"0"}, 0, 1},
		{"tiny", 0.0003, 0.0045, false, Vietnamese, 300, roomy, []string{"0", "0,001", "0,002", "0,003", "0,004"}, 0, 0.0045},
		{"huge", 2.061e13, 999_999_999_999_999, false, Vietnamese, 300, labelsFit, []string{"0", "500.000 tỷ", "1.000.000 tỷ"}, 0, 999_999_999_999_999},
		{"percent spans 0-100", 76.5, 98.57, true, Vietnamese, 300, roomy, []string{"0", "20 %", "40 %", "60 %", "80 %", "100 %"}, 0, 100},
		{"percent english", 0, 50, true, English, 300, roomy, []string{"0", "20%", "40%", "60%", "80%", "100%"}, 0, 100},
		{"percent over 100", 95.3, 113.3, true, Vietnamese, 300, roomy, []string{"0", "20 %", "40 %", "60 %", "80 %", "100 %"}, 0, 113.3},
		{"percent never abbreviated", 0, 2e6, true, Vietnamese, 300, roomy, []string{"0", "500.000 %", "1.000.000 %", "1.500.000 %", "2.000.000 %"}, 0, 2e6},
		{"nothing fits: two ticks", 0, 7, false, Vietnamese, 300, func(float64, []string) bool { return false }, []string{"0", "5"}, 0, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := niceAxis(tt.min, tt.max, tt.percent, false, tt.lang, tt.length, tt.fits)
			var got []string
			for _, v := range a.ticks {
				got = append(got, a.format.label(v))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("niceAxis(%v, %v) ticks = %q, want %q", tt.min, tt.max, got, tt.want)
			}
			if a.lo != tt.lo || a.hi != tt.hi {
				t.Errorf("niceAxis(%v, %v) domain = [%v, %v], want [%v, %v]", tt.min, tt.max, a.lo, a.hi, tt.lo, tt.hi)
			}
			if !slices.Contains(a.ticks, 0) {
				t.Errorf("niceAxis(%v, %v) ticks %v lack zero", tt.min, tt.max, a.ticks)
			}
		})
	}
}

// TestTickLabelsAreExact checks that every tick label, read back, is its
// tick: ticks are computed from integer steps and written with as many
// decimals as the step needs, across magnitudes.
func TestTickLabelsAreExact(t *testing.T) {
	for exp := -6; exp <= 14; exp++ {
		for _, m := range []int64{1, 2, 5} {
			s := step{m, exp}
			ticks := ticksFor(-s.value()*3, s.value()*7, s)
			f := newTickFormat(ticks[len(ticks)-1], s, false, Vietnamese)
			for _, v := range ticks {
				l := f.label(v)
				num := strings.TrimSuffix(strings.TrimSuffix(l, " triệu"), " tỷ")
				num = strings.ReplaceAll(strings.ReplaceAll(num, ".", ""), ",", ".")
				back, err := strconv.ParseFloat(num, 64)
				if err != nil || math.Abs(back*f.div-v) > math.Abs(v)*1e-12 {
					t.Errorf("step %v: tick %v written %q (read back %v, %v)", s, v, l, back*f.div, err)
				}
			}
		}
	}
}

// A unit that names a multiple keeps whole numbers on the axis: "20 triệu" of
// "triệu đồng" would read as twenty million million.
func TestPlainUnit(t *testing.T) {
	tests := []struct {
		unit string
		want bool
	}{
		{"triệu đồng", true}, {"Triệu đồng", true}, {"nghìn đồng/m²", true}, {"1.000 đồng/m2", true},
		{"Tỷ đồng", true}, {"Bill. dongs", true}, {"thousand ha", true},
		{"đồng", false}, {"ha", false}, {"người", false}, {"%", false}, {"", false},
	}
	for _, tt := range tests {
		if got := plainUnit(tt.unit); got != tt.want {
			t.Errorf("plainUnit(%q) = %v, want %v", tt.unit, got, tt.want)
		}
	}
	c, err := Bar(Spec{Title: "Thu", Labels: []string{"A", "B"}, Series: []Series{{Name: "Dự toán", Values: []float64{20_610_000, 9_640_000}}}, Unit: "triệu đồng"})
	if err != nil {
		t.Fatal(err)
	}
	if s := string(c.SVG); strings.Contains(s, " triệu</text>") || !strings.Contains(s, ".000.000</text>") {
		t.Errorf("ticks of triệu đồng abbreviated:\n%s", s)
	}
}
