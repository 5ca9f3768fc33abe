package content

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"
)

// countingFS is the real folder, counting the content files opened.
type countingFS struct {
	fs.FS
	mu    sync.Mutex
	opens map[string]int
}

func newCountingFS(dir string) *countingFS {
	return &countingFS{FS: os.DirFS(dir), opens: map[string]int{}}
}

func (c *countingFS) Open(name string) (fs.File, error) {
	f, err := c.FS.Open(name)
	if err == nil {
		if st, serr := f.Stat(); serr == nil && !st.IsDir() && name != "site.yaml" {
			c.mu.Lock()
			c.opens[name]++
			c.mu.Unlock()
		}
	}
	return f, err
}

func (c *countingFS) ReadDir(name string) ([]fs.DirEntry, error) {
	return fs.ReadDir(c.FS, name)
}

// read returns the content files opened since the last call, sorted.
func (c *countingFS) read() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for p := range c.opens {
		out = append(out, p)
	}
	clear(c.opens)
	sortStrings(out)
	return out
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// writeTree writes files (path → content) under dir, all with the same time.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		writeFile(t, dir, p, c)
	}
}

func writeFile(t testing.TB, dir, p, c string) {
	t.Helper()
	full := filepath.Join(dir, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(full, testTime, testTime); err != nil {
		t.Fatal(err)
	}
}

// siteView is what a visitor can see of a site, for comparing two loads.
type siteView struct {
	Config   SiteConfig
	Agencies []Agency
	Notices  []Notice
	Bodies   []Body
	Datasets []Dataset
	Tables   []string
	Files    []string
	Problems []Problem
}

func viewOf(t *testing.T, s *Site, ps []Problem) siteView {
	t.Helper()
	v := siteView{Config: s.Config, Problems: ps}
	for _, a := range s.Agencies {
		v.Agencies = append(v.Agencies, *a)
	}
	for _, n := range s.Notices {
		b, err := n.Body()
		if err != nil {
			t.Fatalf("%s: Body() error: %v", n.Path, err)
		}
		v.Bodies = append(v.Bodies, b)
		c := *n
		c.src = noticeSource{}
		v.Notices = append(v.Notices, c)
	}
	for _, d := range s.Datasets {
		c := *d
		c.Tables = nil
		v.Datasets = append(v.Datasets, c)
		for _, tb := range d.Tables {
			rows, err := tb.Rows(context.Background(), RowQuery{SortBy: -1, Limit: 1000})
			if err != nil {
				t.Fatalf("%s: Rows() error: %v", tb.File, err)
			}
			v.Tables = append(v.Tables, tb.File+" "+tb.Hash+" "+strings.Repeat("r", len(rows)))
		}
	}
	for p := range s.Files {
		v.Files = append(v.Files, p)
	}
	sortStrings(v.Files)
	return v
}

func cacheOf(t *testing.T, s *Site, key string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteCache(&buf, s, key); err != nil {
		t.Fatalf("WriteCache() error: %v", err)
	}
	return buf.Bytes()
}

// A restart with the cache reads no markdown file and no table when nothing
// changed, and serves the same site, bodies included.
// Both ways of reading are checked: streams decoded in parallel (r is an
// io.ReaderAt, as a file is) and one after the other (only an io.ReadSeeker).
func TestCacheRestartReadsNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		wrap func(*bytes.Reader) io.ReadSeeker
	}{
		{"in parallel", func(r *bytes.Reader) io.ReadSeeker { return r }},
		{"in sequence", func(r *bytes.Reader) io.ReadSeeker { return struct{ io.ReadSeeker }{r} }},
	} {
		t.Run(tc.name, func(t *testing.T) { testCacheRestart(t, tc.wrap) })
	}
}

func testCacheRestart(t *testing.T, wrap func(*bytes.Reader) io.ReadSeeker) {
	dir := t.TempDir()
	writeTree(t, dir, baseSite())
	ctx := context.Background()
	first, ps1 := Load(ctx, os.DirFS(dir), nil)
	if first.Parsed() == 0 {
		t.Fatalf("first load Parsed() = 0")
	}
	cached, err := ReadCache(wrap(bytes.NewReader(cacheOf(t, first, dir))), dir)
	if err != nil {
		t.Fatalf("ReadCache() error: %v", err)
	}
	cfs := newCountingFS(dir)
	again, ps2 := Load(ctx, cfs, cached)
	if got := cfs.read(); len(got) != 0 {
		t.Errorf("restart with the cache opened %q, want nothing", got)
	}
	if again.Parsed() != 0 {
		t.Errorf("restart Parsed() = %d, want 0", again.Parsed())
	}
	want, got := viewOf(t, first, ps1), viewOf(t, again, ps2)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("site from the cache differs:\n got %+v\nwant %+v", got, want)
	}
	var mds []string
	for _, p := range cfs.read() {
		if strings.HasSuffix(p, ".md") {
			mds = append(mds, p)
		}
	}
	if len(mds) != len(again.Notices) {
		t.Errorf("rendering the bodies read %q, want the %d notice files", mds, len(again.Notices))
	}
}

// A file changed, touched or deleted while the portal was down is seen at the
// next start; only the changed and touched files are read.
func TestCacheChangedWhileDown(t *testing.T) {
	dir := t.TempDir()
	files := baseSite()
	files["so-tai-chinh/thong-bao-2.md"] = "---\ntitle: Thông báo 2\ncategory: notice\npublished: 2025-02-02\n---\nHai.\n"
	writeTree(t, dir, files)
	ctx := context.Background()
	first, _ := Load(ctx, os.DirFS(dir), nil)
	cache := cacheOf(t, first, dir)

	writeFile(t, dir, "so-tai-chinh/du-toan-2025.md", strings.Replace(noticeMD, "Công khai dự toán", "Công khai điều chỉnh dự toán", 1))
	later := testTime.Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "ubnd-tinh/thong-bao-lich-hop.md"), later, later); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "so-tai-chinh/thong-bao-2.md")); err != nil {
		t.Fatal(err)
	}
	cached, err := ReadCache(bytes.NewReader(cache), dir)
	if err != nil {
		t.Fatalf("ReadCache() error: %v", err)
	}
	cfs := newCountingFS(dir)
	s, ps := Load(ctx, cfs, cached)
	want := []string{"so-tai-chinh/du-toan-2025.md", "ubnd-tinh/thong-bao-lich-hop.md"}
	if got := cfs.read(); !reflect.DeepEqual(got, want) {
		t.Errorf("opened %q, want %q", got, want)
	}
	if n, ok := s.Notice("so-tai-chinh/du-toan-2025"); !ok || !strings.HasPrefix(n.Title, "Công khai điều chỉnh") {
		t.Errorf("changed notice not picked up: %+v", n)
	}
	if _, ok := s.Notice("so-tai-chinh/thong-bao-2"); ok {
		t.Errorf("deleted notice still there")
	}
	fresh, fps := Load(ctx, os.DirFS(dir), nil)
	if got, want := viewOf(t, s, ps), viewOf(t, fresh, fps); !reflect.DeepEqual(got, want) {
		t.Errorf("start with the cache differs from a start without:\n got %+v\nwant %+v", got, want)
	}
}

// A cache that cannot be used is reported as such, and the load without it is
// complete.
func TestCacheUnusable(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, baseSite())
	first, _ := Load(context.Background(), os.DirFS(dir), nil)
	good := cacheOf(t, first, dir)
	// A cache of the first version's layout: one gob stream and its checksum.
	var older bytes.Buffer
	if err := gob.NewEncoder(&older).Encode(cacheHeader{Magic: cacheMagic, Version: 1, Key: dir}); err != nil {
		t.Fatal(err)
	}
	older.Write(binary.BigEndian.AppendUint32(nil, crc32.Checksum(older.Bytes(), castagnoli)))
	// This layout, another version.
	var other bytes.Buffer
	if err := gob.NewEncoder(&other).Encode(cacheHeader{Magic: cacheMagic, Version: cacheVersion + 1, Key: dir}); err != nil {
		t.Fatal(err)
	}
	n := uint64(other.Len())
	other.Write(binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, 0), n), 1))
	other.Write(binary.BigEndian.AppendUint32(nil, crc32.Checksum(other.Bytes(), castagnoli)))
	// A trailer that points outside the file, with a right checksum.
	lying := append([]byte{}, good[:len(good)-4]...)
	binary.BigEndian.PutUint64(lying[len(lying)-4-16*5+8:], 1<<40)
	lying = binary.BigEndian.AppendUint32(lying, crc32.Checksum(lying, castagnoli))
	flipped := append([]byte{}, good...)
	for i := len(flipped) / 3; i < len(flipped)/3+64 && i < len(flipped); i++ {
		flipped[i] ^= 0x5a
	}
	tests := []struct {
		name string
		data []byte
		key  string
	}{
		{"empty", nil, dir},
		{"garbage", []byte("not a cache at all, just text"), dir},
		{"truncated", good[:len(good)/2], dir},
		{"bytes flipped", flipped, dir},
		{"other version", other.Bytes(), dir},
		{"first version's layout", older.Bytes(), dir},
		{"trailer out of bounds", lying, dir},
		{"other folder", good, dir + "-elsewhere"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ReadCache(bytes.NewReader(tt.data), tt.key)
			if !errors.Is(err, ErrCacheUnusable) || s != nil {
				t.Fatalf("ReadCache() = %v, %v, want nil, ErrCacheUnusable", s, err)
			}
			got, ps := Load(context.Background(), os.DirFS(dir), s)
			if len(got.Notices) != 2 || len(got.Datasets) != 1 || len(ps) != len(mustProblems(t, dir)) {
				t.Errorf("load after an unusable cache: %d notices, %d datasets, problems:\n%s", len(got.Notices), len(got.Datasets), problemsString(ps))
			}
		})
	}
}

func mustProblems(t *testing.T, dir string) []Problem {
	t.Helper()
	_, ps := Load(context.Background(), os.DirFS(dir), nil)
	return ps
}

// A cache read from a file (checksummed, then decoded as it is read) gives
// the same site, with LoadCached listing the folder meanwhile; a damaged or
// truncated file is refused before anything is decoded.
func TestCacheFromFile(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, baseSite())
	ctx := context.Background()
	first, ps1 := Load(ctx, os.DirFS(dir), nil)
	good := cacheOf(t, first, dir)
	file := filepath.Join(t.TempDir(), "content.cache")
	read := func(b []byte) (*Site, error) {
		t.Helper()
		if err := os.WriteFile(file, b, 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		return ReadCache(f, dir)
	}
	var readErr error
	again, ps2 := LoadCached(ctx, os.DirFS(dir), func() *Site {
		s, err := read(good)
		readErr = err
		return s
	})
	if readErr != nil {
		t.Fatalf("ReadCache(file) error: %v", readErr)
	}
	if again.Parsed() != 0 {
		t.Errorf("LoadCached Parsed() = %d, want 0", again.Parsed())
	}
	if want, got := viewOf(t, first, ps1), viewOf(t, again, ps2); !reflect.DeepEqual(got, want) {
		t.Errorf("site from the cache file differs:\n got %+v\nwant %+v", got, want)
	}
	damaged := append([]byte(nil), good...)
	damaged[len(damaged)/2] ^= 0x55
	for name, b := range map[string][]byte{"damaged": damaged, "truncated": good[:len(good)-10], "tiny": good[:3], "empty": nil} {
		if _, err := read(b); !errors.Is(err, ErrCacheUnusable) {
			t.Errorf("%s cache file: error %v, want ErrCacheUnusable", name, err)
		}
	}
}

// A notice read from the cache holds its own text (path, title, summary,
// source, hash) in one block, the strings notices share (agency, signer) are
// one copy for all, and its file's hash is the notice's.
func TestCacheSharesStrings(t *testing.T) {
	dir := t.TempDir()
	files := baseSite()
	files["so-tai-chinh/quyet-toan-2024.md"] = "---\ntitle: Quyết toán 2024\ncategory: ngan-sach\npublished: 2025-03-01\n---\nSố liệu.\n"
	writeTree(t, dir, files)
	first, _ := Load(context.Background(), os.DirFS(dir), nil)
	cached, err := ReadCache(bytes.NewReader(cacheOf(t, first, dir)), dir)
	if err != nil {
		t.Fatalf("ReadCache() error: %v", err)
	}
	again, _ := Load(context.Background(), os.DirFS(dir), cached)
	byAgency := map[string]*Notice{}
	shared := 0
	for _, n := range again.Notices {
		var lo, hi uintptr
		for i, s := range []string{n.Source, n.Path, n.Slug, n.Title, n.Summary, n.Hash} {
			p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
			if i == 0 || p < lo {
				lo = p
			}
			hi = max(hi, p+uintptr(len(s)))
		}
		if own := len(n.Source) + len(n.Title) + len(n.Summary) + len(n.Number) + len(n.Hash); hi-lo > uintptr(own) {
			t.Errorf("%s: its own strings span %d bytes, more than their %d: not one block", n.Path, hi-lo, own)
		}
		if pf := again.parsed[n.Source]; pf == nil || unsafe.StringData(pf.hash) != unsafe.StringData(n.Hash) {
			t.Errorf("%s: the file's hash is a second copy of the notice's", n.Path)
		}
		if m := byAgency[n.Agency]; m != nil {
			shared++
			if unsafe.StringData(m.Agency) != unsafe.StringData(n.Agency) {
				t.Errorf("%s and %s: agency %q decoded twice", m.Path, n.Path, n.Agency)
			}
			if m.Category == n.Category && unsafe.StringData(string(m.Category)) != unsafe.StringData(string(n.Category)) {
				t.Errorf("%s and %s: category %q decoded twice", m.Path, n.Path, n.Category)
			}
		}
		byAgency[n.Agency] = n
	}
	if shared == 0 {
		t.Fatalf("no two notices of one agency in the fixture: the test checks nothing")
	}
}
