package chart

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

func one(v ...float64) []Series { return []Series{{Name: "Dự toán", Values: v}} }

func TestSpecErrors(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		want string // in the error
	}{
		{"no title", Spec{Title: " \n", Labels: []string{"a"}, Series: one(1)}, "no title"},
		{"no labels", Spec{Title: "T", Series: one()}, "no labels"},
		{"no series", Spec{Title: "T", Labels: []string{"a"}}, "0 series"},
		{"five series", Spec{Title: "T", Labels: []string{"a"}, Series: []Series{{"1", []float64{1}}, {"2", []float64{1}}, {"3", []float64{1}}, {"4", []float64{1}}, {"5", []float64{1}}}}, "5 series"},
		{"length mismatch", Spec{Title: "T", Labels: []string{"a", "b"}, Series: one(1)}, "1 values for 2 labels"},
		{"unnamed second series", Spec{Title: "T", Labels: []string{"a"}, Series: []Series{{"A", []float64{1}}, {" ", []float64{2}}}}, "series 2 has no name"},
		{"NaN", Spec{Title: "T", Labels: []string{"a", "b"}, Series: one(1, math.NaN())}, `label "b": value NaN`},
		{"+Inf", Spec{Title: "T", Labels: []string{"a"}, Series: one(math.Inf(1))}, "value +Inf"},
		{"-Inf", Spec{Title: "T", Labels: []string{"a"}, Series: one(math.Inf(-1))}, "value -Inf"},
		{"too large", Spec{Title: "T", Labels: []string{"a"}, Series: one(-2e15)}, "value -2e+15"},
		{"bad id", Spec{ID: `x" onload="alert(1)`, Title: "T", Labels: []string{"a"}, Series: one(1)}, "id"},
		{"id starting with a digit", Spec{ID: "1chart", Title: "T", Labels: []string{"a"}, Series: one(1)}, "id"},
		{"bad table id", Spec{TableID: "bảng", Title: "T", Labels: []string{"a"}, Series: one(1)}, "table id"},
		{"negative MaxBars", Spec{Title: "T", Labels: []string{"a"}, Series: one(1), MaxBars: -1}, "MaxBars -1"},
		{"MaxBars over 100", Spec{Title: "T", Labels: []string{"a"}, Series: one(1), MaxBars: 101}, "MaxBars 101"},
	}
	for _, tt := range tests {
		for name, draw := range map[string]func(Spec) (Chart, error){"Bar": Bar, "Columns": Columns, "Line": Line} {
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				c, err := draw(tt.spec)
				if !errors.Is(err, ErrSpec) || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%s = %v, want an ErrSpec containing %q", name, err, tt.want)
				}
				if c.SVG != nil {
					t.Errorf("%s returned an SVG with its error", name)
				}
			})
		}
	}
}

// TestOmitted checks the bound on rows: the first MaxBars labels are drawn,
// the rest reported, and values past the bound are not read (a NaN there
// is no error).
func TestOmitted(t *testing.T) {
	labels := make([]string, 40)
	values := make([]float64, 40)
	for i := range labels {
		labels[i] = "Xã " + strconv.Itoa(i+1)
		values[i] = float64(i)
	}
	values[35] = math.NaN()
	tests := []struct {
		max, shown int
		nan        bool // the NaN of row 36 is drawn and refused
	}{{0, 30, false}, {10, 10, false}, {35, 35, false}, {36, 0, true}, {100, 0, true}}
	for _, tt := range tests {
		spec := Spec{Title: "Chi theo xã", Labels: labels, Series: one(values...), MaxBars: tt.max}
		c, err := Bar(spec)
		if tt.nan {
			if !errors.Is(err, ErrSpec) {
				t.Errorf("MaxBars %d: err = %v, want the NaN of row 36 refused", tt.max, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("MaxBars %d: %v", tt.max, err)
		}
		if c.Shown != tt.shown || len(c.Omitted) != 40-tt.shown || c.Omitted[0] != labels[tt.shown] {
			t.Errorf("MaxBars %d: Shown %d, Omitted %d starting %q; want %d shown", tt.max, c.Shown, len(c.Omitted), c.Omitted[0], tt.shown)
		}
		svg := string(c.SVG)
		if strings.Contains(svg, ">Xã "+strconv.Itoa(tt.shown+1)+"<") || !strings.Contains(svg, ">Xã "+strconv.Itoa(tt.shown)+"<") {
			t.Errorf("MaxBars %d: wrong rows drawn", tt.max)
		}
		note := "Biểu đồ chỉ thể hiện " + strconv.Itoa(tt.shown) + " mục đầu tiên trong số 40 mục"
		if strings.Count(svg, note) != 2 { // drawn under the chart and in the desc
			t.Errorf("MaxBars %d: the note %q is not both drawn and in the desc", tt.max, note)
		}
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		name string
		draw func(Spec) (Chart, error)
		spec Spec
		want string
	}{
		{"one series", Bar, Spec{Title: "T", Labels: []string{"Sở Tài chính", "Ủy ban", "Xã Cẩm Quang"}, Series: one(1500.5, -20, 1500.5), Unit: "triệu đồng"},
			"Biểu đồ thanh ngang gồm 3 mục, đơn vị triệu đồng. Cao nhất là Sở Tài chính (1.500,5 triệu đồng), thấp nhất là Ủy ban (-20 triệu đồng). Số liệu chi tiết có trong bảng kèm theo biểu đồ."},
		{"two series english", Columns, Spec{Title: "T", Labels: []string{"T1", "T2"}, Lang: English, Unit: "hồ sơ",
			Series: []Series{{"2024", []float64{1200, 1300}}, {"2025", []float64{1400, 900}}}},
			"Column chart of 2 items, 2 series (2024, 2025), unit: hồ sơ. 2024: highest T2 (1,300 hồ sơ), lowest T1 (1,200 hồ sơ). 2025: highest T1 (1,400 hồ sơ), lowest T2 (900 hồ sơ). The figures are in the table that accompanies this chart."},
		{"percent", Line, Spec{Title: "T", Labels: []string{"T1", "T2"}, Percent: true, Series: one(95.25, 99)},
			"Biểu đồ đường gồm 2 mục, tính theo phần trăm. Cao nhất là T2 (99 %), thấp nhất là T1 (95,2 %). Số liệu chi tiết có trong bảng kèm theo biểu đồ."},
		{"single", Bar, Spec{Title: "T", Labels: []string{"ủy ban tỉnh"}, Series: one(7)},
			"Biểu đồ thanh ngang gồm 1 mục. ủy ban tỉnh 7. Số liệu chi tiết có trong bảng kèm theo biểu đồ."},
		{"equal", Bar, Spec{Title: "T", Labels: []string{"a", "b"}, Unit: "ha", Series: one(3, 3)},
			"Biểu đồ thanh ngang gồm 2 mục, đơn vị ha. Mọi mục đều bằng 3 ha. Số liệu chi tiết có trong bảng kèm theo biểu đồ."},
		{"equal english", Bar, Spec{Title: "T", Labels: []string{"a", "b"}, Lang: English, Series: one(3, 3)},
			"Horizontal bar chart of 2 items. Every item is 3. The figures are in the table that accompanies this chart."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.draw(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			escape(&b, tt.want)
			if !strings.Contains(string(c.SVG), "-d\">"+b.String()+"</desc>") {
				t.Errorf("desc of\n%s\nwant %q", c.SVG, tt.want)
			}
		})
	}
}

// TestEscaping draws hostile texts in every place a text goes and checks
// that none comes out as markup.
func TestEscaping(t *testing.T) {
	evil := `<script>alert(1)</script>&amp;"'<!--]]>`
	spec := Spec{Title: evil, Labels: []string{evil, "b"}, Unit: evil,
		Series: []Series{{Name: evil, Values: []float64{1, 2}}, {Name: "x", Values: []float64{3, 4}}}}
	for name, draw := range map[string]func(Spec) (Chart, error){"Bar": Bar, "Columns": Columns, "Line": Line} {
		c, err := draw(spec)
		if err != nil {
			t.Fatal(err)
		}
		checkSVG(t, c.SVG)
		svg := string(c.SVG)
		for _, bad := range []string{"<script", "<!--", `"'`, "&amp;\"", "]]>"} {
			if strings.Contains(svg, bad) {
				t.Errorf("%s: output contains %q", name, bad)
			}
		}
		if !strings.Contains(svg, "&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;&quot;&#39;&lt;!--]]&gt;") {
			t.Errorf("%s: the escaped title is missing", name)
		}
		if string(c.HTML()) != svg {
			t.Errorf("%s: HTML() differs from SVG", name)
		}
	}
}

func TestDefaultID(t *testing.T) {
	spec := Spec{Title: "Thu", Labels: []string{"a"}, Series: one(1)}
	a, _ := Bar(spec)
	b, _ := Bar(spec)
	spec.Series = one(2)
	c, _ := Bar(spec)
	col, _ := Columns(Spec{Title: "Thu", Labels: []string{"a"}, Series: one(1)})
	id := func(c Chart) string {
		_, rest, _ := strings.Cut(string(c.SVG), `aria-labelledby="`)
		id, _, _ := strings.Cut(rest, `-t"`)
		return id
	}
	if id(a) != id(b) || !idPattern.MatchString(id(a)) || !strings.HasPrefix(id(a), "chart-") {
		t.Errorf("default ids %q, %q: want the same valid id for the same spec", id(a), id(b))
	}
	if id(a) == id(c) || id(a) == id(col) {
		t.Errorf("default id %q is shared by another spec or kind", id(a))
	}
}

// TestPalette checks WCAG 1.4.11 (3:1 against white for graphical
// objects) for every series colour, 4.5:1 for the text colours, and that
// the series stay apart for readers with the three common colour vision
// deficiencies (Viénot, Brettel and Mollon's simulation): their simulated
// colours differ in lightness or hue by a visible margin. Patterns and
// markers are there as well; this keeps colour a help rather than noise.
func TestPalette(t *testing.T) {
	for _, c := range palette {
		if r := contrast(c, "#ffffff"); r < 3 {
			t.Errorf("series colour %s: contrast %.2f on white, want ≥ 3", c, r)
		}
	}
	for _, c := range []string{colorText, colorSoft} {
		if r := contrast(c, "#ffffff"); r < 4.5 {
			t.Errorf("text colour %s: contrast %.2f on white, want ≥ 4.5", c, r)
		}
		if r := contrast(c, colorTrack); r < 4.5 {
			t.Errorf("text colour %s: contrast %.2f on the track, want ≥ 4.5", c, r)
		}
	}
	sims := map[string][3][3]float64{
		"protanopia":   {{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216}, {-0.003882, -0.048116, 1.051998}},
		"deuteranopia": {{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413}, {-0.011820, 0.042940, 0.968881}},
		"tritanopia":   {{1.255528, -0.076749, -0.178779}, {-0.078411, 0.930809, 0.147602}, {0.004733, 0.691367, 0.303900}},
	}
	for name, m := range sims {
		for i := range palette {
			for j := i + 1; j < len(palette); j++ {
				a, b := simulate(m, linear(palette[i])), simulate(m, linear(palette[j]))
				d := 0.0
				for k := range 3 {
					d += (a[k] - b[k]) * (a[k] - b[k])
				}
				if d = math.Sqrt(d); d < 0.1 {
					t.Errorf("%s: %s and %s simulate %.3f apart in linear RGB, want ≥ 0.1", name, palette[i], palette[j], d)
				}
			}
		}
	}
}

func linear(hex string) [3]float64 {
	var c [3]float64
	for i := range 3 {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		s := float64(v) / 255
		if s <= 0.04045 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return c
}

func simulate(m [3][3]float64, c [3]float64) [3]float64 {
	var out [3]float64
	for i := range 3 {
		out[i] = m[i][0]*c[0] + m[i][1]*c[1] + m[i][2]*c[2]
	}
	return out
}

func contrast(a, b string) float64 {
	lum := func(h string) float64 {
		c := linear(h)
		return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
	}
	la, lb := lum(a), lum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// FuzzBar draws charts of arbitrary labels and values: the output must be
// well-formed, accessible SVG, or the error ErrSpec.
func FuzzBar(f *testing.F) {
	f.Add("Sở Tài chính", "<script>", 1.5, -2.0, "triệu đồng", false)
	f.Add("\xff\x00\u202e", "]]>&", 0.0, 0.0, "%", true)
	f.Add("", "x", 1e15, -1e15, "", false)
	f.Fuzz(func(t *testing.T, a, b string, x, y float64, unit string, percent bool) {
		spec := Spec{Title: a + b, Labels: []string{a, b}, Unit: unit, Percent: percent,
			Series: []Series{{Name: a, Values: []float64{x, y}}, {Name: b + "2", Values: []float64{y, x}}}}
		for _, draw := range []func(Spec) (Chart, error){Bar, Columns, Line} {
			c, err := draw(spec)
			if err != nil {
				if !errors.Is(err, ErrSpec) {
					t.Fatalf("error %v does not wrap ErrSpec", err)
				}
				continue
			}
			checkSVG(t, c.SVG)
		}
	})
}

func BenchmarkBar(b *testing.B) {
	labels := make([]string, 30)
	values := make([]float64, 30)
	for i := range labels {
		labels[i] = "Thu từ khu vực doanh nghiệp có vốn đầu tư nước ngoài số " + strconv.Itoa(i)
		values[i] = float64(i*i) * 1234.5
	}
	spec := Spec{Title: "Dự toán thu theo khoản thu", Labels: labels, Unit: "triệu đồng",
		Series: []Series{{Name: "2025", Values: values}, {Name: "2026", Values: values}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Bar(spec); err != nil {
			b.Fatal(err)
		}
	}
}
