package portal

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/congkhai/congkhai/demo"
	"github.com/congkhai/congkhai/search"
)

// A site's own thesaurus lines (site.yaml search: thesaurus:) join the
// built-in ones: "đường tránh" finds the notice that names the road.
func TestSiteThesaurus(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"site.yaml":            "title: Thử\nsearch:\n  thesaurus:\n    - \"đường tránh = đường Võ Nguyên Giáp ; tên đường mới\"\n",
		"ubnd-xa/_agency.md":   "---\nname: UBND xã Thử\nkind: commune\n---\n",
		"ubnd-xa/thong-bao.md": "---\ntitle: Thông báo thu hồi đất mở rộng đường Võ Nguyên Giáp\ncategory: thong-bao\npublished: 2026-03-01\n---\nNội dung.\n",
	}
	for p, c := range files {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := openDir(t, dir, t.TempDir())
	if got := ids(t, p, "thu hồi đất đường tránh"); !slices.Contains(got, "n:ubnd-xa/thong-bao") {
		t.Errorf("search with the site's synonym = %v, want the notice", got)
	}
}

// TestNoThesaurusConfig: a portal opened with Config.NoThesaurus (congkhai
// serve --thesaurus=false) matches the words as typed, unless a request
// names its thesaurus.
func TestNoThesaurusConfig(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p, err := Open(context.Background(), Config{Content: demo.FS(), Log: log, IndexDir: t.TempDir(), NoThesaurus: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := p.WaitIndexed(ctx); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		th   *search.Thesaurus
		hits bool
	}{{nil, false}, {search.DefaultThesaurus(), true}} {
		res, err := p.Search(ctx, search.Request{Query: "đền bù cao tốc", Thesaurus: tc.th})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Total > 0; got != tc.hits {
			t.Errorf("thesaurus %v: %d hits, want hits %v", tc.th != nil, res.Total, tc.hits)
		}
	}
}
