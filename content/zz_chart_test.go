package content

import (
	"context"
	"os"
	"testing"
)

func TestZZChart(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"site.yaml": "title: T\n", "so-x/_agency.md": "---\nname: X\n---\n",
		"so-x/d/index.md": "---\ntitle: D\ncategory: notice\npublished: 2025-01-01\ntables:\n  - file: a.csv\n    chart: maybe\n---\nx\n", "so-x/d/a.csv": "A,B\n1,2\n"})
	_, ps := Load(context.Background(), os.DirFS(dir), nil)
	t.Log(problemsString(ps))
}
