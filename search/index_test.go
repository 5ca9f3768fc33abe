package search

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	index "github.com/blevesearch/bleve_index_api"
	"golang.org/x/text/unicode/norm"
)

// lockChildEnv makes the test binary act as a second process opening an
// index (see TestLockOtherProcess).
const lockChildEnv = "CONGKHAI_SEARCH_LOCK_CHILD"

// crashChildEnv makes the test binary apply crashDocs to an index, say so
// and wait to be killed (see TestApplyDurableAcrossKill).
const crashChildEnv = "CONGKHAI_SEARCH_CRASH_CHILD"

// crashDocs are enough documents for several batches.
func crashDocs() []Document {
	docs := make([]Document, 5000)
	for i := range docs {
		docs[i] = Document{ID: fmt.Sprintf("row:%d", i), Kind: "row", Title: fmt.Sprintf("Đường số %d", i), Body: fmt.Sprintf("Thửa đất %d, giá %d nghìn đồng", i, 1000+i)}
	}
	return docs
}

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		ix, err := Open(dir, Options{BatchSize: 500})
		if err == nil {
			err = ix.Apply(context.Background(), crashDocs(), nil)
		}
		if err != nil {
			fmt.Printf("error: %v\n", err)
			os.Exit(1)
		}
		fmt.Println("applied")
		time.Sleep(time.Hour) // killed before this ends
		os.Exit(0)
	}
	if dir := os.Getenv(lockChildEnv); dir != "" {
		start := time.Now()
		ix, err := Open(dir, Options{LockTimeout: time.Second})
		switch {
		case errors.Is(err, ErrLocked):
			fmt.Printf("locked after %s\n", time.Since(start).Round(time.Millisecond))
		case err != nil:
			fmt.Printf("error: %v\n", err)
		default:
			_ = ix.Close()
			fmt.Println("opened")
		}
		os.Exit(0)
	}
	code := m.Run()
	cleanupBench()
	os.Exit(code)
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"đất", "dat"},
		{"Đất", "dat"},
		{"ĐẤT ĐAI", "dat dai"},
		{"Đường Trần Hưng Đạo", "duong tran hung dao"},
		{norm.NFD.String("Đường Trần Hưng Đạo"), "duong tran hung dao"},
		{"Nghị định 12/QĐ-UBND", "nghi dinh 12/qd-ubnd"},
		{"ươ ỳ ỹ ữ ặ", "uo y y u a"},
		{"Mixed CASE ascii", "mixed case ascii"},
		{"plain", "plain"},
		{"", ""},
		{"café naïve", "cafe naive"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldTableMatchesSlowPath(t *testing.T) {
	for r := rune(0); r < 0x2000; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		in := []byte("a" + string(r) + "Ư")
		if got, want := string(foldBytes(in)), string(foldSlow(in)); got != want {
			t.Errorf("foldBytes(%q) = %q, want %q", in, got, want)
		}
	}
	in := norm.NFD.String("Tiếng Việt có dấu")
	if got := Fold(in); got != "tieng viet co dau" {
		t.Errorf("Fold(NFD) = %q", got)
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{norm.NFD.String("Đất"), "Đất"},
		{"sá\u00adch", "sách"},
		{"a\x00b\tc\nd", "a b\tc\nd"},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestApplyDeletesAndUpdates(t *testing.T) {
	ix := newFixtureIndex(t)
	ctx := context.Background()
	n, err := ix.Count()
	if err != nil || n != uint64(len(fixture)) {
		t.Fatalf("Count() = %d, %v; want %d", n, err, len(fixture))
	}
	upd := fixture[0]
	upd.Title = "Bảng giá nhà ở xã hội"
	upd.Body = "Giá bán nhà ở xã hội."
	if err := ix.Apply(ctx, []Document{upd}, []string{"du-toan", "khen-thuong", "no-such-id"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != uint64(len(fixture)-2) {
		t.Errorf("Count() after deleting 2 = %d, want %d", n, len(fixture)-2)
	}
	res, err := ix.Search(ctx, Request{Query: "12/QĐ-UBND"})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.ID == "du-toan" {
			t.Errorf("deleted doc still found")
		}
	}
	res, err = ix.Search(ctx, Request{Query: "nhà ở xã hội"})
	if err != nil || len(res.Hits) == 0 || res.Hits[0].ID != "gia-dat" {
		t.Errorf("updated doc: %v %v", res, err)
	}
	res, err = ix.Search(ctx, Request{Query: "trần hưng đạo kind:notice"})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.ID == "gia-dat" {
			t.Errorf("old text of updated doc still found")
		}
	}
	if err := ix.Apply(ctx, []Document{{Title: "no id"}}, nil); err == nil {
		t.Errorf("Apply(document without ID) = nil, want error")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := ix.Apply(cctx, fixture, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Apply(cancelled) = %v, want context.Canceled", err)
	}
}

func TestApplyManyBatches(t *testing.T) {
	ix, err := Open(t.TempDir(), Options{BatchSize: 7})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := make([]Document, 50)
	for i := range docs {
		docs[i] = Document{ID: "d" + strconv.Itoa(i), Title: "Thông báo số " + strconv.Itoa(i), Kind: "notice"}
	}
	var dels []string
	for i := range 20 {
		dels = append(dels, "d"+strconv.Itoa(i))
	}
	ctx := context.Background()
	if err := ix.Apply(ctx, docs, nil); err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(ctx, nil, dels); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != 30 {
		t.Errorf("Count() = %d, want 30", n)
	}
}

// TestApplyOrderAcrossBatches: Apply indexes up to two batches at once, and
// bleve introduces concurrent batches in any order; the later operation on
// an ID must still win.
func TestApplyOrderAcrossBatches(t *testing.T) {
	tests := []struct {
		name      string
		upserts   func() []Document
		deletes   []string
		wantTitle string // of "x"; "" means x must be absent
		wantCount uint64
	}{
		{
			name: "the same ID in every batch",
			upserts: func() []Document {
				var docs []Document
				for v := range 40 {
					docs = append(docs, Document{ID: "x", Kind: "notice", Title: "phiên bản " + strconv.Itoa(v)},
						Document{ID: "f" + strconv.Itoa(v), Kind: "notice", Title: "thông báo"})
				}
				return docs
			},
			wantTitle: "phiên bản 39",
			wantCount: 41,
		},
		{
			name: "deleted, then indexed in a later batch",
			upserts: func() []Document {
				docs := []Document{{ID: "x", Kind: "notice", Title: "bản cuối"}}
				for i := range 5 {
					docs = append(docs, Document{ID: "h" + strconv.Itoa(i), Kind: "notice", Title: "thông báo"})
				}
				return docs
			},
			deletes:   []string{"a", "b", "c", "x", "d", "e", "f", "g", "i", "j", "k"},
			wantTitle: "bản cuối",
			wantCount: 6,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := openTemp(t, Options{BatchSize: 2})
			ctx := context.Background()
			for range 10 {
				if err := ix.Apply(ctx, tt.upserts(), tt.deletes); err != nil {
					t.Fatal(err)
				}
				doc, err := ix.bi.Document("x")
				if err != nil || doc == nil {
					t.Fatalf("Document(x) = %v, %v", doc, err)
				}
				title := ""
				doc.VisitFields(func(f index.Field) {
					if f.Name() == fTitle {
						title = string(f.Value())
					}
				})
				if title != tt.wantTitle {
					t.Fatalf("title of x = %q, want %q", title, tt.wantTitle)
				}
				if n, _ := ix.Count(); n != tt.wantCount {
					t.Fatalf("Count() = %d, want %d", n, tt.wantCount)
				}
			}
		})
	}
}

// TestLeanAcrossMerges: lean documents come back without what they do not
// store, full ones with all of it, also after segments of only lean
// documents were merged with the others (zap keeps a field's options per
// segment, and a merge only those every segment shares).
func TestLeanAcrossMerges(t *testing.T) {
	ix := openTemp(t, Options{BatchSize: 5})
	pub := time.Date(2025, 3, 1, 2, 3, 4, 0, time.UTC)
	ctx := context.Background()
	for b := range 6 {
		var docs []Document
		for i := range 5 {
			id := fmt.Sprintf("%d-%d", b, i)
			d := Document{ID: "n" + id, Kind: "notice", URL: "/n" + id, Title: "Giá đất " + id, Agency: "so-tc", Category: "gia-dat",
				Places: []string{"Xã Tân Thịnh", "Huyện Định Hóa"}, Published: pub, Parent: "d:x"}
			if b%2 == 1 {
				d.ID, d.Kind, d.Lean = "r"+id, "row", true
			}
			docs = append(docs, d)
		}
		if err := ix.Apply(ctx, docs, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.forceMerge(ctx); err != nil {
		t.Fatal(err)
	}
	for _, bleveOnly := range []bool{false, true} {
		ix.opts.bleveOnly = bleveOnly
		res, err := ix.Search(ctx, Request{Query: "gia dat", Size: 30, Facets: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 30 || len(res.Hits) != 30 {
			t.Fatalf("bleveOnly %v: total %d, %d hits", bleveOnly, res.Total, len(res.Hits))
		}
		for _, h := range res.Hits {
			full := Hit{ID: h.ID, Kind: h.Kind, Title: h.Title, Score: h.Score, Snippet: h.Snippet, TitleHTML: h.TitleHTML}
			if h.Kind == "notice" {
				full.URL, full.Agency, full.Category, full.Parent = "/"+h.ID, "so-tc", "gia-dat", "d:x"
				full.Places, full.Published = []string{"Xã Tân Thịnh", "Huyện Định Hóa"}, pub
			}
			if !reflect.DeepEqual(h, full) {
				t.Errorf("bleveOnly %v:\n got %+v\nwant %+v", bleveOnly, h, full)
			}
		}
		if got := res.Facets["agency"]; len(got) != 1 || got[0].Count != 30 {
			t.Errorf("agency facet %v, want so-tc 30: lean documents are faceted too", got)
		}
	}
	res, err := ix.Search(ctx, Request{Query: "gia dat", Sort: "date", Filters: map[string][]string{"place": {"Xã Tân Thịnh"}}})
	if err != nil || res.Total != 30 {
		t.Errorf("filter by place over lean documents: %v, %v", res, err)
	}
}

func TestMetaAndReopen(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := ix.Apply(ctx, fixture, nil); err != nil {
		t.Fatal(err)
	}
	manifest := []byte(`{"notice:a":"sha256:…"}`)
	if err := ix.SetMeta("manifest", manifest); err != nil {
		t.Fatal(err)
	}
	if got, err := ix.Meta("manifest"); err != nil || string(got) != string(manifest) {
		t.Errorf("Meta(manifest) = %q, %v; want %q", got, err, manifest)
	}
	if got, err := ix.Meta("missing"); err != nil || got != nil {
		t.Errorf("Meta(missing) = %q, %v; want nil, nil", got, err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Count(); !errors.Is(err, ErrClosed) {
		t.Errorf("Count() after Close = %v, want ErrClosed", err)
	}

	start := time.Now()
	ix, rebuilt, err := OpenOrRebuild(dir, Options{})
	if err != nil || rebuilt {
		t.Fatalf("OpenOrRebuild = %v, %v; want reopened", rebuilt, err)
	}
	defer ix.Close()
	t.Logf("reopen took %s", time.Since(start))
	if n, _ := ix.Count(); n != uint64(len(fixture)) {
		t.Errorf("Count() after reopen = %d, want %d", n, len(fixture))
	}
	if got, _ := ix.Meta("manifest"); string(got) != string(manifest) {
		t.Errorf("Meta(manifest) after reopen = %q", got)
	}
	res, err := ix.Search(ctx, Request{Query: "gia dat", Highlight: true})
	if err != nil || res.Total == 0 || !strings.Contains(res.Hits[0].Snippet, "<mark>") {
		t.Errorf("search after reopen: %+v, %v", res, err)
	}
	if err := ix.SetMeta("manifest", nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := ix.Meta("manifest"); got != nil {
		t.Errorf("Meta after SetMeta(nil) = %q, want nil", got)
	}
	// A value an older version kept in bleve's internal storage is read, and
	// moved out at its first SetMeta.
	if err := ix.bi.SetInternal([]byte(metaKeyPrefix+"old"), []byte("v1")); err != nil {
		t.Fatal(err)
	}
	if got, err := ix.Meta("old"); err != nil || string(got) != "v1" {
		t.Errorf("Meta(old) = %q, %v; want the internal value", got, err)
	}
	if err := ix.SetMeta("old", []byte("v2")); err != nil {
		t.Fatal(err)
	}
	if got, _ := ix.bi.GetInternal([]byte(metaKeyPrefix + "old")); got != nil {
		t.Errorf("internal value left after SetMeta: %q", got)
	}
	if got, _ := ix.Meta("old"); string(got) != "v2" {
		t.Errorf("Meta(old) = %q, want v2", got)
	}
	for _, bad := range []string{"", "../x", "a/b", "ý"} {
		if err := ix.SetMeta(bad, []byte("x")); err == nil {
			t.Errorf("SetMeta(%q) = nil, want an error", bad)
		}
	}
}

func TestMappingVersionBump(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Apply(context.Background(), fixture, nil); err != nil {
		t.Fatal(err)
	}
	// Pretend the index was written by an older build.
	if err := setDurably(ix.bi, keyVersion, strconv.Itoa(MappingVersion-1)); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrRebuild) {
		t.Fatalf("Open(old version) = %v, want ErrRebuild", err)
	}
	ix, rebuilt, err := OpenOrRebuild(dir, Options{})
	if err != nil || !rebuilt {
		t.Fatalf("OpenOrRebuild = %v, %v; want rebuilt", rebuilt, err)
	}
	defer ix.Close()
	if n, _ := ix.Count(); n != 0 {
		t.Errorf("Count() of rebuilt index = %d, want 0", n)
	}
}

func TestCorruptIndexRecovers(t *testing.T) {
	corruptions := []struct {
		name string
		harm func(t *testing.T, dir string)
	}{
		{"garbage index_meta.json", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "index_meta.json"), "{not json")
		}},
		{"missing index_meta.json", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "index_meta.json")); err != nil {
				t.Fatal(err)
			}
		}},
		{"truncated root.bolt", func(t *testing.T, dir string) {
			if err := os.Truncate(filepath.Join(dir, "store", "root.bolt"), 100); err != nil {
				t.Fatal(err)
			}
		}},
		{"garbage root.bolt", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "store", "root.bolt"), strings.Repeat("torn page ", 1000))
		}},
		{"truncated segments", func(t *testing.T, dir string) {
			segs, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
			if len(segs) == 0 {
				t.Fatal("no segment files")
			}
			for _, s := range segs {
				if err := os.Truncate(s, 10); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"missing generation file is harmless", nil},
		{"deleted segments", func(t *testing.T, dir string) {
			segs, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
			for _, s := range segs {
				if err := os.Remove(s); err != nil {
					t.Fatal(err)
				}
			}
		}},
	}
	for _, tt := range corruptions {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			ix, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := ix.Apply(context.Background(), fixture, nil); err != nil {
				t.Fatal(err)
			}
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}
			if tt.harm == nil {
				if err := os.Remove(filepath.Join(dir, generationFile)); err != nil {
					t.Fatal(err)
				}
				ix, rebuilt, err := OpenOrRebuild(dir, Options{})
				if err != nil || rebuilt {
					t.Fatalf("OpenOrRebuild = %v, %v; want opened as is", rebuilt, err)
				}
				defer ix.Close()
				if n, _ := ix.Count(); n != uint64(len(fixture)) {
					t.Errorf("Count() = %d, want %d", n, len(fixture))
				}
				return
			}
			tt.harm(t, dir)
			if ix, err := Open(dir, Options{}); !errors.Is(err, ErrRebuild) {
				if err == nil {
					n, _ := ix.Count()
					_ = ix.Close()
					t.Fatalf("Open(corrupt) opened an index of %d documents, want ErrRebuild", n)
				}
				t.Errorf("Open(corrupt) = %v, want ErrRebuild", err)
			}
			ix, rebuilt, err := OpenOrRebuild(dir, Options{})
			if err != nil || !rebuilt {
				t.Fatalf("OpenOrRebuild = %v, %v; want rebuilt", rebuilt, err)
			}
			defer ix.Close()
			if err := ix.Apply(context.Background(), fixture[:3], nil); err != nil {
				t.Fatal(err)
			}
			if n, _ := ix.Count(); n != 3 {
				t.Errorf("Count() after rebuild and re-index = %d, want 3", n)
			}
		})
	}
}

func TestOpenRefusesForeignFolder(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "notes.md"), "not an index")
	if _, _, err := OpenOrRebuild(dir, Options{}); err == nil || errors.Is(err, ErrRebuild) {
		t.Fatalf("OpenOrRebuild(foreign folder) = %v, want a plain error", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.md")); err != nil {
		t.Errorf("foreign file was removed: %v", err)
	}
}

func TestLockSameProcess(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	start := time.Now()
	_, err = Open(dir, Options{LockTimeout: 300 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second Open took %s, want < 5s", d)
	}
	// OpenOrRebuild must never remove a locked index.
	if _, _, err := OpenOrRebuild(dir, Options{LockTimeout: 300 * time.Millisecond}); !errors.Is(err, ErrLocked) {
		t.Errorf("OpenOrRebuild(locked) = %v, want ErrLocked", err)
	}
	if n, err := ix.Count(); err != nil || n != 0 {
		t.Errorf("first index after lock attempts: %d, %v", n, err)
	}
}

func TestLockOtherProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	dir := t.TempDir()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), lockChildEnv+"="+dir)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.HasPrefix(string(out), "locked") {
		t.Errorf("child output = %q, want locked", out)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("child took %s, want < 5s", d)
	}
}

// Apply returns once its documents are on disk: a process killed right
// after (SIGKILL, while bleve may still be merging) leaves an index that
// opens without a rebuild and holds every document.
func TestApplyDurableAcrossKill(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "index")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if err != nil || line != "applied\n" {
		t.Fatalf("child said %q (%v)", line, err)
	}
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open after kill: %v", err)
	}
	defer ix.Close()
	// The process did not close the index: every segment is read and summed.
	if c := ix.Health().Checked; !c.Unclean || c.Segments == 0 || c.Trusted != 0 {
		t.Errorf("segments checked after a kill: %+v, want all read", c)
	}
	n, err := ix.Count()
	if err != nil || n != uint64(len(crashDocs())) {
		t.Fatalf("Count = %d, %v; want %d", n, err, len(crashDocs()))
	}
	res, err := ix.Search(context.Background(), Request{Query: "duong so 4999"})
	if err != nil || res.Total == 0 || res.Hits[0].ID != "row:4999" {
		t.Fatalf("search for the last document: %+v, %v", res, err)
	}
}

func writeFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentSearchAndApply(t *testing.T) {
	ix := newFixtureIndex(t)
	ctx := context.Background()
	done := make(chan error, 4)
	for g := range 3 {
		go func() {
			for i := range 20 {
				q := []string{"đất", "ngan sach", "6733/UBND-KSTT"}[(g+i)%3]
				if _, err := ix.Search(ctx, Request{Query: q, Facets: true, Highlight: true}); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	go func() {
		for i := range 5 {
			d := fixture[i]
			d.Title += " (sửa đổi)"
			if err := ix.Apply(ctx, []Document{d}, nil); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := ix.Count(); n != uint64(len(fixture)) {
		t.Errorf("Count() = %d, want %d", n, len(fixture))
	}
}

// Close while an Apply has batches in flight: Close waits for them, and the
// Apply ends with ErrClosed (or nil, had it finished first), never a panic.
func TestCloseDuringApply(t *testing.T) {
	ix, err := Open(t.TempDir(), Options{BatchSize: 5})
	if err != nil {
		t.Fatal(err)
	}
	docs := make([]Document, 3000)
	for i := range docs {
		docs[i] = Document{ID: "d" + strconv.Itoa(i), Kind: "notice", Title: "Thông báo số " + strconv.Itoa(i)}
	}
	done := make(chan error, 1)
	go func() { done <- ix.Apply(context.Background(), docs, nil) }()
	time.Sleep(50 * time.Millisecond)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil && !errors.Is(err, ErrClosed) {
		t.Errorf("Apply across Close = %v, want ErrClosed or nil", err)
	}
}

func TestSearchCancelledAndClosed(t *testing.T) {
	ix := newFixtureIndex(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, Request{Query: "đất"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Search(cancelled) = %v, want context.Canceled", err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Search(context.Background(), Request{Query: "đất"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Search after Close = %v, want ErrClosed", err)
	}
	if err := ix.Apply(context.Background(), fixture[:1], nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Apply after Close = %v, want ErrClosed", err)
	}
}

// TestSearchTurns: at most MaxSearches searches run at once; the others wait
// for a turn, or for their context.
func TestSearchTurns(t *testing.T) {
	ix := fixtureIndexWith(t, Options{MaxSearches: 2})
	ctx := context.Background()
	if cap(ix.running) != 2 {
		t.Fatalf("%d turns, want 2", cap(ix.running))
	}
	// Both turns taken: a search waits, then gives up with its context.
	ix.running <- struct{}{}
	ix.running <- struct{}{}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	_, err := ix.Search(short, Request{Query: "đất"})
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("search with every turn taken: %v, want the context's deadline", err)
	}
	<-ix.running
	<-ix.running
	// Many at once all get their turn.
	errs := make(chan error, 20)
	for range 20 {
		go func() {
			res, err := ix.Search(ctx, Request{Query: "đất", Facets: true})
			if err == nil && res.Total == 0 {
				err = errors.New("no hits")
			}
			errs <- err
		}()
	}
	for range 20 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := len(ix.running); n != 0 {
		t.Errorf("%d turns still held", n)
	}
}

func TestAppendMeta(t *testing.T) {
	dir := t.TempDir()
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name   string
		do     func() error
		want   string // Meta("log") after the step; "<nil>" for none
		failed bool
	}{
		{"first append creates", func() error { return ix.AppendMeta("log", []byte("a\n")) }, "a\n", false},
		{"second appends", func() error { return ix.AppendMeta("log", []byte("b\tc\n")) }, "a\nb\tc\n", false},
		{"SetMeta replaces", func() error { return ix.SetMeta("log", []byte("base\n")) }, "base\n", false},
		{"append after SetMeta", func() error { return ix.AppendMeta("log", []byte("d\n")) }, "base\nd\n", false},
		{"bad key", func() error { return ix.AppendMeta("../log", []byte("x")) }, "base\nd\n", true},
		{"nil SetMeta deletes", func() error { return ix.SetMeta("log", nil) }, "<nil>", false},
		{"append recreates", func() error { return ix.AppendMeta("log", []byte("e\n")) }, "e\n", false},
	}
	for _, st := range steps {
		err := st.do()
		if (err != nil) != st.failed {
			t.Fatalf("%s: error %v, want failure %v", st.name, err, st.failed)
		}
		got, err := ix.Meta("log")
		if err != nil {
			t.Fatalf("%s: Meta: %v", st.name, err)
		}
		if got == nil && st.want != "<nil>" || got != nil && string(got) != st.want {
			t.Fatalf("%s: Meta = %q, want %q", st.name, got, st.want)
		}
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ix.AppendMeta("log", []byte("f\n")); !errors.Is(err, ErrClosed) {
		t.Errorf("AppendMeta after Close = %v, want ErrClosed", err)
	}
	ix, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got, err := ix.Meta("log"); err != nil || string(got) != "e\n" {
		t.Errorf("after reopening, Meta = %q, %v; want %q", got, err, "e\n")
	}
}
