package content

import (
	"context"
	"io/fs"
	"os"
	"path"
	"reflect"
	"strings"
	"testing"
)

func TestParseItemProblems(t *testing.T) {
	site, _ := mustLoad(t, mapFS(baseSite()), nil)
	pdf := []byte("%PDF-1.4")
	notice := []byte(noticeMD)
	tests := []struct {
		name     string
		path     string
		files    map[string][]byte
		loads    bool   // an item comes back
		file     string // the problem's file ("" for none expected)
		contains string
	}{
		{"clean notice", "so-tai-chinh/moi", map[string][]byte{"so-tai-chinh/moi.md": notice, "so-tai-chinh/files/125-qd.pdf": pdf}, true, "", ""},
		{"bad path", "so-tai-chinh/Moi", map[string][]byte{"so-tai-chinh/Moi.md": notice}, false, "so-tai-chinh/Moi", "item path"},
		{"reserved agency", "api/moi", map[string][]byte{"api/moi.md": notice}, false, "api/moi", "item path"},
		{"no markdown file", "so-tai-chinh/moi", map[string][]byte{"so-tai-chinh/files/125-qd.pdf": pdf}, false, "so-tai-chinh/moi", "must hold"},
		{"both kinds", "so-tai-chinh/moi", map[string][]byte{"so-tai-chinh/moi.md": notice, "so-tai-chinh/moi/index.md": []byte(datasetMD)}, false, "so-tai-chinh/moi", "not both"},
		{"unknown agency", "so-khac/moi", map[string][]byte{"so-khac/moi.md": notice}, true, "so-khac/moi.md", "not an agency"},
		{"missing attachment", "so-tai-chinh/moi", map[string][]byte{"so-tai-chinh/moi.md": notice}, true, "so-tai-chinh/moi.md", "does not exist"},
		{"file outside the agency", "so-tai-chinh/moi", map[string][]byte{"so-tai-chinh/moi.md": notice, "so-tai-chinh/files/125-qd.pdf": pdf, "ubnd-tinh/x.pdf": pdf}, true, "ubnd-tinh/x.pdf", "outside the agency"},
		{"hidden file", "so-tai-chinh/moi", map[string][]byte{"so-tai-chinh/moi.md": notice, "so-tai-chinh/files/125-qd.pdf": pdf, "so-tai-chinh/.x.pdf": pdf}, true, "so-tai-chinh/.x.pdf", "hidden"},
		{"unclean path", "so-tai-chinh/moi", map[string][]byte{"so-tai-chinh/moi.md": notice, "so-tai-chinh/files/125-qd.pdf": pdf, "so-tai-chinh/../x.pdf": pdf}, true, "so-tai-chinh/../x.pdf", "clean"},
		{"another markdown file", "so-tai-chinh/moi", map[string][]byte{"so-tai-chinh/moi.md": notice, "so-tai-chinh/files/125-qd.pdf": pdf, "so-tai-chinh/khac.md": notice}, true, "so-tai-chinh/khac.md", "another markdown"},
		{"empty attachment", "so-tai-chinh/moi", map[string][]byte{"so-tai-chinh/moi.md": notice, "so-tai-chinh/files/125-qd.pdf": {}}, true, "so-tai-chinh/files/125-qd.pdf", "empty"},
		{"file in a dataset's folder", "so-tai-chinh/moi", map[string][]byte{"so-tai-chinh/moi.md": notice, "so-tai-chinh/files/125-qd.pdf": pdf, "so-tai-chinh/bang-gia/x.pdf": pdf}, true, "so-tai-chinh/bang-gia/x.pdf", "inside the folder of the dataset"},
		{"notice over a dataset", "so-tai-chinh/bang-gia", map[string][]byte{"so-tai-chinh/bang-gia.md": notice, "so-tai-chinh/files/125-qd.pdf": pdf}, true, "so-tai-chinh/bang-gia.md", "already used by the dataset"},
		{"dataset over a notice", "so-tai-chinh/du-toan-2025", map[string][]byte{"so-tai-chinh/du-toan-2025/index.md": []byte(datasetMD), "so-tai-chinh/du-toan-2025/gia.csv": []byte(csvData)}, true, "so-tai-chinh/du-toan-2025/index.md", "already used by the notice"},
		{"dataset file outside its folder", "so-tai-chinh/gia", map[string][]byte{"so-tai-chinh/gia/index.md": []byte(datasetMD), "so-tai-chinh/gia/gia.csv": []byte(csvData), "so-tai-chinh/files/x.pdf": pdf}, true, "so-tai-chinh/files/x.pdf", "outside the dataset's folder"},
		{"dataset without tables", "so-tai-chinh/gia", map[string][]byte{"so-tai-chinh/gia/index.md": []byte(datasetMD)}, true, "so-tai-chinh/gia/index.md", "has no table"},
		{"broken table", "so-tai-chinh/gia", map[string][]byte{"so-tai-chinh/gia/index.md": []byte(datasetMD), "so-tai-chinh/gia/gia.csv": []byte(csvData), "so-tai-chinh/gia/hong.csv": []byte("\xff\xfe\x00")}, true, "so-tai-chinh/gia/hong.csv", ""},
		{"yaml error", "so-tai-chinh/moi", map[string][]byte{"so-tai-chinh/moi.md": []byte("---\ntitle: Thông báo: lịch họp\ncategory: thong-bao\npublished: 2025-01-01\n---\n")}, false, "so-tai-chinh/moi.md", "quotes"},
		{"draft without window", "so-tai-chinh/moi", map[string][]byte{"so-tai-chinh/moi.md": []byte("---\ntitle: Dự thảo\ncategory: du-thao\npublished: 2025-01-01\n---\n")}, false, "so-tai-chinh/moi.md", "comment window"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it, ps := ParseItem(tt.path, tt.files, site)
			if (it != nil) != tt.loads {
				t.Fatalf("ParseItem(%s) item = %v, want loaded %v; problems:\n%s", tt.path, it != nil, tt.loads, problemsString(ps))
			}
			if tt.file == "" {
				if len(ps) > 0 {
					t.Errorf("problems:\n%s", problemsString(ps))
				}
				return
			}
			if !hasProblem(ps, tt.file, -1, tt.contains) {
				t.Errorf("no problem at %s containing %q; got:\n%s", tt.file, tt.contains, problemsString(ps))
			}
		})
	}
}

// TestParseItemMatchesLoad loads every notice and dataset of the demo from its
// files alone and compares it with what Load made of the folder.
func TestParseItemMatchesLoad(t *testing.T) {
	demo := os.DirFS("../demo/site")
	site, _ := Load(context.Background(), demo, nil)
	if len(site.Notices) < 20 || len(site.Datasets) < 3 {
		t.Fatalf("demo has %d notices and %d datasets", len(site.Notices), len(site.Datasets))
	}
	read := func(name string) []byte {
		b, err := fs.ReadFile(demo, name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, n := range site.Notices {
		files := map[string][]byte{n.Source: read(n.Source)}
		for _, a := range n.Attachments {
			if a.Path != "" {
				files[a.Path] = read(a.Path)
			}
		}
		it, ps := ParseItem(n.Path, files, site)
		if it == nil {
			t.Errorf("%s: %s", n.Path, problemsString(ps))
			continue
		}
		got := *it.Notice
		want := *n
		got.src, want.src = noticeSource{}, noticeSource{}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: ParseItem gives\n%+v\nLoad gave\n%+v", n.Path, got, want)
		}
		b1, err1 := it.Notice.Body()
		b2, err2 := n.Body()
		if err1 != nil || err2 != nil || b1.HTML != b2.HTML {
			t.Errorf("%s: bodies differ (%v, %v)", n.Path, err1, err2)
		}
	}
	for _, d := range site.Datasets {
		files := map[string][]byte{}
		err := fs.WalkDir(demo, d.Path, func(p string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() && !ignoredName(e.Name()) {
				files[p] = read(p)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		it, ps := ParseItem(d.Path, files, site)
		if it == nil {
			t.Errorf("%s: %s", d.Path, problemsString(ps))
			continue
		}
		got := it.Dataset
		if got.Title != d.Title || got.Summary != d.Summary || got.HTML != d.HTML || got.Hash != d.Hash || !reflect.DeepEqual(got.Columns, d.Columns) || len(got.Tables) != len(d.Tables) {
			t.Errorf("%s: ParseItem gives %+v, Load gave %+v", d.Path, got, d)
			continue
		}
		for i, tb := range got.Tables {
			want := d.Tables[i]
			if tb.Name != want.Name || tb.Hash != want.Hash || tb.RowCount != want.RowCount || !reflect.DeepEqual(tb.Columns, want.Columns) {
				t.Errorf("%s: table %s differs from %s", d.Path, tb.Name, want.Name)
			}
			var rows, wantRows []Row
			_ = tb.Each(context.Background(), func(r Row) error { rows = append(rows, r); return nil })
			_ = want.Each(context.Background(), func(r Row) error { wantRows = append(wantRows, r); return nil })
			if len(rows) != tb.RowCount || !reflect.DeepEqual(rows, wantRows) {
				t.Errorf("%s: rows of %s differ (%d read, %d from the folder)", d.Path, tb.Name, len(rows), len(wantRows))
			}
		}
		for name := range files {
			if strings.HasSuffix(name, ".md") {
				continue
			}
			if _, ok := it.Files[name]; !ok || path.Dir(name) == "" {
				t.Errorf("%s: file %s not in Item.Files", d.Path, name)
			}
		}
	}
}
