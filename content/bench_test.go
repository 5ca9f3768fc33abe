package content

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// benchSite generates a site of 20 agencies with 50 notices each and one dataset.
func benchSite() fstest.MapFS {
	files := map[string]string{"site.yaml": siteYAML}
	body := strings.Repeat("Công khai dự toán ngân sách địa phương năm 2025 theo Nghị quyết của HĐND tỉnh. ", 20)
	for a := 0; a < 20; a++ {
		ag := fmt.Sprintf("co-quan-%d", a)
		if a == 0 {
			ag = "so-tai-chinh"
		}
		files[ag+"/_agency.md"] = fmt.Sprintf("---\nname: Cơ quan %d\n---\nMô tả.\n", a)
		for n := 0; n < 50; n++ {
			files[fmt.Sprintf("%s/thong-bao-%d.md", ag, n)] = fmt.Sprintf("---\ntitle: Thông báo số %d\ncategory: notice\npublished: 2025-01-%02d\ntags: [a, b]\n---\n%s\n\n## Mục %d\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", n, n%28+1, body, n)
		}
	}
	files["so-tai-chinh/bang-gia/index.md"] = datasetMD
	files["so-tai-chinh/bang-gia/lon.csv"] = bigCSV(20000)
	return mapFS(files)
}

func BenchmarkLoad(b *testing.B) {
	fsys := benchSite()
	ctx := context.Background()
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			Load(ctx, fsys, nil)
		}
	})
	b.Run("reload", func(b *testing.B) {
		prev, _ := Load(ctx, fsys, nil)
		for b.Loop() {
			prev, _ = Load(ctx, fsys, prev)
		}
	})
}

func BenchmarkTableRowsDeep(b *testing.B) {
	tb, _ := loadTable(b, tableFS("lon.csv", bigCSV(100000)))
	ctx := context.Background()
	b.Run("file-order", func(b *testing.B) {
		for b.Loop() {
			if _, err := tb.Rows(ctx, RowQuery{Offset: 90000, Limit: 50, SortBy: -1}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sorted", func(b *testing.B) {
		for b.Loop() {
			if _, err := tb.Rows(ctx, RowQuery{Offset: 90000, Limit: 50, SortBy: 2, Desc: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLoadFromDisk compares reading a folder on disk through os.DirFS and
// through Dir (which opens every name one checked element at a time): a cold
// Load of benchSite, and the body of every notice.
func BenchmarkLoadFromDisk(b *testing.B) {
	dir := b.TempDir()
	for p, f := range benchSite() {
		writeFile(b, dir, p, string(f.Data))
	}
	d, err := OpenDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	for _, fsys := range []struct {
		name string
		fs   fs.FS
	}{{"os.DirFS", os.DirFS(dir)}, {"Dir", d}} {
		b.Run(fsys.name+"/cold", func(b *testing.B) {
			for b.Loop() {
				Load(ctx, fsys.fs, nil)
			}
		})
		b.Run(fsys.name+"/bodies", func(b *testing.B) {
			s, _ := Load(ctx, fsys.fs, nil)
			for b.Loop() {
				for _, n := range s.Notices {
					if _, err := n.Body(); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
