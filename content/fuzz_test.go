package content

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
)

func FuzzFrontMatter(f *testing.F) {
	for _, s := range []string{
		noticeMD, agencyMD, datasetMD,
		"---\n---\n",
		"---\ntitle: [\n---\n",
		"---\n- a\n- b\n---\n",
		"---\ntitle: A\ncategory: du-thao\npublished: 2025-01-01\ncomment:\n  opens: x\n---\n",
		"---\ntitle: &a [*a]\n---\n",
		"---\r\ntitle: A\r\n...\r\n",
		"\ufeff---\ntitle: \"\\xff\"\n---\n| a |\n|---|\n| b |\n",
		"---\nattachments:\n  - file: ../../x\n  - url: javascript:alert(1)\nrelated: [\"\"]\n---\n",
		"---\ncolumns:\n  - name: a\n    type: money\n  - name: a\n---\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, kind := range []int{kindAgency, kindNotice, kindDataset} {
			_, ps := parseMarkdownFile("so/x.md", kind, b, kind == kindNotice)
			for _, p := range ps {
				if strings.Contains(p.Msg.String(), "internal error") {
					t.Fatalf("kind %d: %s", kind, p)
				}
			}
		}
		fsys := fstest.MapFS{
			"site.yaml":     {Data: b},
			"so/_agency.md": {Data: b},
			"so/x.md":       {Data: b},
			"so/d/index.md": {Data: b},
			"so/d/t.csv":    {Data: []byte("a\n1\n")},
		}
		s, ps := Load(context.Background(), fsys, nil)
		if s == nil {
			t.Fatal("nil site")
		}
		for _, p := range ps {
			if strings.Contains(p.Msg.String(), "internal error") {
				t.Fatal(p)
			}
		}
	})
}

func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		csvData,
		"\ufeffa;b\n1;2\n",
		"a,b\n\"x\ny\",2\n3\n4,5,6\n",
		"a,b\n1,\"unterminated\n",
		"a,b\n1,x\"y\n2,3\n",
		"a\n",
		"\n\n\n",
		"a,b\n1.234,1,5\n-,\n",
		"a\n2025-01-01\n31/12/2025\n2025-13-01\n",
		"a,b\r\n\"\"\"\",\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		fsys := tableFS("t.csv", data)
		s, _ := Load(context.Background(), fsys, nil)
		d, ok := s.Dataset("so/bang")
		if !ok || len(d.Tables) == 0 {
			return // rejected as a whole (empty, not UTF-8, no header): fine
		}
		tb := d.Tables[0]
		ctx := context.Background()
		n := 0
		if err := tb.Each(ctx, func(r Row) error {
			n++
			if r.N != n || len(r.Cells) != len(tb.Columns) {
				t.Fatalf("row %d: N %d, %d cells for %d columns", n, r.N, len(r.Cells), len(tb.Columns))
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if n != tb.RowCount {
			t.Fatalf("Each gave %d rows, RowCount %d", n, tb.RowCount)
		}
		for col := -1; col < min(len(tb.Columns), 4); col++ {
			for _, desc := range []bool{false, true} {
				rows, err := tb.Rows(ctx, RowQuery{Offset: 0, Limit: 1000, SortBy: col, Desc: desc})
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) != tb.RowCount {
					t.Fatalf("Rows(sort %d) gave %d rows, want %d", col, len(rows), tb.RowCount)
				}
			}
		}
	})
}
