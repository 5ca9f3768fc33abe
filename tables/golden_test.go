package tables

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

// goldenCase is a file of the corpus read with some options; its golden file pins
// what every table becomes.
type goldenCase struct {
	file   string
	golden string
	opts   Options
	rows   int // first rows rendered per table
}

func goldenCases() []goldenCase {
	return []goldenCase{
		{file: "corpus/hcmc-bang-gia-dat-o-qd79-2024-phu-luc-2-bang-8.xls", rows: 14},
		{file: "corpus/lao-cai-stc-ket-qua-tham-dinh-gia-kl98-2016.xls", rows: 30},
		{file: "corpus/lao-cai-lien-so-xd-tc-cong-bo-gia-vlxd-bo-sung-2014.xls", rows: 20},
		{file: "corpus/lao-cai-lien-so-xd-tc-cong-bo-gia-vlxd-bo-sung-2014.xls", golden: "lao-cai-lien-so-phu-luc-hidden",
			opts: Options{Sheets: []SheetOptions{{Sheet: "Phu Luc", Name: "phu-luc"}}}, rows: 25},
		{file: "corpus/gso-so-lieu-kt-xh-thang-12-2024.xlsx", rows: 8},
		{file: "corpus/gso-socio-economic-data-9m-2020-en.xlsx", rows: 6},
		{file: "corpus/gso-bieu-so-lieu-thang-12-2006.xls", rows: 8},
		{file: "corpus/gso-bieu-so-lieu-thang-6-2012.xls", rows: 8},
		{file: "corpus/gso-so-lieu-kt-xh-nam-2022.xlsx", rows: 8},
		{file: "corpus/gso-pxweb-land-use-by-province-2015.csv", rows: 20},
		{file: "corpus/bang-chuyen-doi-dvhc-cap-xa-moi-cu-2025.csv", rows: 12},
		{file: "forms/bieu-48-du-toan-thu-nsnn-2025.xlsx", rows: 20},
		{file: "forms/bieu-48-du-toan-thu-nsnn-2025.xls", rows: 20},
		{file: "forms/quyet-toan-bo-sung-63-tinh-2023.xlsx", rows: 20},
		{file: "forms/quyet-toan-bo-sung-63-tinh-2023.xls", rows: 20},
		{file: "forms/quyet-toan-63-tinh-dau-phay.csv", rows: 20},
		{file: "forms/cong-khai-ngan-sach-xa-2025.xlsx", rows: 20},
		{file: "forms/cong-khai-ngan-sach-xa-2025.ods", rows: 20},
		{file: "forms/du-toan-xa-tieu-de-gop.csv", rows: 20},
		{file: "forms/bang-gia-dat-huyen-2025.xlsx", rows: 10},
		{file: "forms/bang-gia-dat-huyen-2025.xls", rows: 10},
		{file: "forms/bang-gia-dat-huyen-2025.ods", rows: 10},
		{file: "forms/don-gia-boi-thuong-cay-trong-2025.xlsx", rows: 20},
		{file: "forms/thong-ke-ho-so-tthc-quy-1-2025.xlsx", rows: 20},
	}
}

// TestGolden reads every file of the corpus and compares what it becomes with its
// golden file; go test -run TestGolden -update rewrites them.
func TestGolden(t *testing.T) {
	for _, gc := range goldenCases() {
		name := gc.golden
		if name == "" {
			name = strings.ReplaceAll(filepath.Base(gc.file), ".", "_")
		}
		t.Run(name, func(t *testing.T) {
			got := readRender(t, filepath.Join("testdata", gc.file), gc.opts, gc.rows)
			path := filepath.Join("testdata", "golden", name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s:\n%s", gc.file, path, firstDiff(got, string(want)))
			}
		})
	}
}

func readRender(t *testing.T, path string, opts Options, rows int) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	wb, err := Read(context.Background(), filepath.Base(path), f, st.Size(), opts)
	if err != nil {
		t.Fatalf("Read(%s) = %v", path, err)
	}
	return render(filepath.Base(path), wb, rows)
}

// firstDiff shows the first differing line of two texts.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got  " + gl + "\n want " + wl
		}
	}
	return ""
}
