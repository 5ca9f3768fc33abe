package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/congkhai/congkhai/internal/binarytest"
)

// TestSearchIndexRepaired: segments of the search index damaged between two
// runs (a few bytes overwritten in each) are caught when the portal starts,
// before bleve reads them: the index is rebuilt from the content, /healthz
// says it is synced, the log names the damaged segment, and searches answer
// as before — "cam xuyên" among them, which made the portal run out of
// memory on such an index and die at every start.
func TestSearchIndexRepaired(t *testing.T) {
	data := t.TempDir()
	p := binarytest.Start(t, "--data", data)
	waitSynced(t, p)
	queries := []string{"/api/search?q=cam+xuy%C3%AAn&size=100", "/api/search?q=gia+dat+tran+hung+dao&size=100", "/api/search?q=ng%C3%A2n+s%C3%A1ch&size=100"}
	before := map[string]apiAnswer{}
	for _, q := range queries {
		before[q] = apiSearch(t, p, q)
		t.Logf("%s: %d hits", q, before[q].Total)
		if before[q].Total == 0 {
			t.Fatalf("%s: no hits on the demo", q)
		}
	}
	p.Stop(t)

	segs, _ := filepath.Glob(filepath.Join(data, "index", "store", "*.zap"))
	if len(segs) == 0 {
		t.Fatal("no segment files")
	}
	for _, seg := range segs {
		overwrite(t, seg)
	}

	p2 := binarytest.Start(t, "--data", data)
	waitSynced(t, p2)
	if _, body := p2.Get(t, "/healthz"); !strings.Contains(body, `"synced":true`) || !strings.Contains(body, `"error":""`) {
		t.Errorf("/healthz after the repair: %s", body)
	}
	logs := p2.Logs()
	if !strings.Contains(logs, "rebuilding it from the content") || !strings.Contains(logs, filepath.Base(segs[0])+" is damaged") {
		t.Errorf("the log does not say which segment was damaged:\n%s", logs)
	}
	for _, q := range queries {
		got, want := apiSearch(t, p2, q), before[q]
		if got.Total != want.Total {
			t.Errorf("%s after the repair: %d hits, want %d", q, got.Total, want.Total)
		}
		// Equal scores come in index order, which a rebuild changes: the
		// hits are compared when they are all on the page.
		if want.Total <= len(want.Hits) && !slices.Equal(got.urls(), want.urls()) {
			t.Errorf("%s after the repair: %v, want %v", q, got.urls(), want.urls())
		}
	}
	// A clean stop, and a start that finds nothing to repair.
	p2.Stop(t)
	p3 := binarytest.Start(t, "--data", data)
	waitSynced(t, p3)
	if logs := p3.Logs(); strings.Contains(logs, "rebuilding") {
		t.Errorf("the repaired index was rebuilt again:\n%s", logs)
	}
}

type apiAnswer struct {
	Total int `json:"total"`
	Hits  []struct {
		URL string `json:"url"`
	} `json:"hits"`
}

// urls are the hits' links, sorted.
func (a apiAnswer) urls() []string {
	var out []string
	for _, h := range a.Hits {
		out = append(out, h.URL)
	}
	slices.Sort(out)
	return out
}

func apiSearch(t *testing.T, p *binarytest.Process, path string) apiAnswer {
	t.Helper()
	status, body := p.Get(t, path)
	var a apiAnswer
	if err := json.Unmarshal([]byte(body), &a); status != 200 || err != nil {
		t.Fatalf("GET %s = %d (%v)\nlogs:\n%s", path, status, err, p.Logs())
	}
	return a
}

// overwrite complements 8 bytes in the middle of the file at path.
func overwrite(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 8)
	if _, err := f.ReadAt(b, st.Size()/2); err != nil {
		t.Fatal(err)
	}
	for i := range b {
		b[i] = ^b[i]
	}
	if _, err := f.WriteAt(b, st.Size()/2); err != nil {
		t.Fatal(err)
	}
}
