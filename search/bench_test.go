package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// benchDocs is the size of the benchmark corpus.
const benchDocs = 4000

// vlcDir holds Vietnamese laws as text (one file per law) when the shared
// data set is present beside the repository (../shared, as in CI); the
// benchmarks fall back to a synthetic corpus.
const vlcDir = "../../shared/data/vlc"

var (
	reArticle = regexp.MustCompile(`(?m)^Điều \d+\.`)
	reNumber  = regexp.MustCompile(`(?m)^(?:Luật|Bộ luật) số:\s*(\S+)`)
	reDate    = regexp.MustCompile(`ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})`)
)

var benchAgencies = []string{"so-tai-chinh", "so-tnmt", "ubnd-tinh", "so-tu-phap", "so-noi-vu", "ubnd-tan-thinh"}
var benchPlaces = []string{"Xã Tân Thịnh", "Huyện Lạng Giang", "Thị trấn Vôi", "Xã Đồng Sơn", "Phường Trần Phú"}
var benchKinds = []string{"notice", "notice", "notice", "row", "qa", "dataset"}

// benchCorpus returns up to n documents: articles ("Điều N.") of the laws in
// vlcDir taken evenly across the laws, or synthetic documents.
func benchCorpus(tb testing.TB, n int) (docs []Document, source string) {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join(vlcDir, "*.txt"))
	slices.Sort(files)
	var all []Document
	for fi, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		text := string(b)
		law := lawName(text)
		number := ""
		if m := reNumber.FindStringSubmatch(text); m != nil {
			number = m[1]
		}
		pub := time.Date(2015+fi%10, 1, 1, 0, 0, 0, 0, time.UTC)
		if m := reDate.FindStringSubmatch(text); m != nil {
			y, _ := strconv.Atoi(m[3])
			mo, _ := strconv.Atoi(m[2])
			d, _ := strconv.Atoi(m[1])
			pub = time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		}
		idx := reArticle.FindAllStringIndex(text, -1)
		for i, loc := range idx {
			end := len(text)
			if i+1 < len(idx) {
				end = idx[i+1][0]
			}
			art := strings.TrimSpace(text[loc[0]:end])
			head, body, _ := strings.Cut(art, "\n")
			k := len(all)
			all = append(all, Document{
				ID:        fmt.Sprintf("law:%d/%d", fi, i),
				Kind:      benchKinds[k%len(benchKinds)],
				URL:       fmt.Sprintf("/laws/%d#%d", fi, i),
				Title:     head + " – " + law,
				Body:      body,
				Number:    number,
				Agency:    benchAgencies[fi%len(benchAgencies)],
				Category:  "van-ban-phap-luat",
				Places:    []string{benchPlaces[k%len(benchPlaces)]},
				Published: pub.AddDate(0, 0, i),
			})
		}
	}
	if len(all) >= n {
		// Take evenly across the laws rather than the first few laws.
		step := float64(len(all)) / float64(n)
		docs = make([]Document, n)
		for i := range docs {
			docs[i] = all[int(float64(i)*step)]
		}
		return docs, "vlc"
	}
	return syntheticCorpus(n), "synthetic"
}

func lawName(text string) string {
	lines := strings.SplitN(text, "\n", 12)
	for i, l := range lines {
		if l = strings.TrimSpace(l); (l == "LUẬT" || l == "BỘ LUẬT") && i+1 < len(lines) {
			name := strings.ToLower(strings.TrimSpace(lines[i+1]))
			return map[string]string{"LUẬT": "Luật ", "BỘ LUẬT": "Bộ luật "}[l] + name
		}
	}
	return "Văn bản"
}

var syllables = strings.Fields(`ngân sách nhà nước đất đai quy hoạch sử dụng bồi thường hỗ trợ tái định cư
giá bảng đường phố xã huyện tỉnh thành phố dự toán quyết toán thu chi công khai minh bạch
thông báo kế hoạch báo cáo hồ sơ thủ tục hành chính cấp giấy chứng nhận quyền sở hữu nhà ở
công trình xây dựng giao thông thủy lợi nông nghiệp nông thôn mới giáo dục y tế văn hóa
người dân cán bộ công chức viên chức ủy ban nhân dân hội đồng tài chính thuế phí lệ`)

func syntheticCorpus(n int) []Document {
	r := rand.New(rand.NewPCG(1, 2))
	words := func(k int) string {
		w := make([]string, k)
		for i := range w {
			w[i] = syllables[r.IntN(len(syllables))]
		}
		return strings.Join(w, " ")
	}
	docs := make([]Document, n)
	for i := range docs {
		docs[i] = Document{
			ID: fmt.Sprintf("syn:%d", i), Kind: benchKinds[i%len(benchKinds)], URL: fmt.Sprintf("/syn/%d", i),
			Title: words(8), Body: words(60 + r.IntN(200)), Number: fmt.Sprintf("%d/QĐ-UBND", i),
			Agency: benchAgencies[i%len(benchAgencies)], Category: "thong-bao", Places: []string{benchPlaces[i%len(benchPlaces)]},
			Published: time.Date(2020+i%6, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC),
		}
	}
	return docs
}

func rawSize(docs []Document) int64 {
	var n int64
	for _, d := range docs {
		n += int64(len(d.Title) + len(d.Body) + len(d.Number))
	}
	return n
}

// BenchmarkIndex measures indexing throughput and disk use of a fresh index.
func BenchmarkIndex(b *testing.B) {
	docs, src := benchCorpus(b, benchDocs)
	raw := rawSize(docs)
	b.Logf("corpus: %d docs from %s, %.1f MB of text", len(docs), src, float64(raw)/1e6)
	var ratio float64
	b.ResetTimer()
	for range b.N {
		dir := b.TempDir()
		ix, err := Open(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := ix.Apply(context.Background(), docs, nil); err != nil {
			b.Fatal(err)
		}
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		size, err := sizeOnDisk(dir)
		if err != nil {
			b.Fatal(err)
		}
		ratio = float64(size) / float64(raw)
		b.StartTimer()
	}
	b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(ratio, "disk/raw")
	b.ReportMetric(0, "ns/op")
}

var (
	benchOnce sync.Once
	benchIx   *Index
	benchDir  string
	benchErr  error
)

func benchIndex(b *testing.B) *Index {
	b.Helper()
	benchOnce.Do(func() {
		docs, _ := benchCorpus(b, benchDocs)
		benchDir, benchErr = os.MkdirTemp("", "search-bench-")
		if benchErr != nil {
			return
		}
		benchIx, benchErr = Open(benchDir, Options{})
		if benchErr != nil {
			return
		}
		benchErr = benchIx.Apply(context.Background(), docs, nil)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchIx
}

func cleanupBench() {
	if benchIx != nil {
		_ = benchIx.Close()
	}
	if benchDir != "" {
		_ = os.RemoveAll(benchDir)
	}
}

// BenchmarkSearch measures query latency on the benchmark corpus; p50 and
// p99 are reported per workload.
func BenchmarkSearch(b *testing.B) {
	ix := benchIndex(b)
	workloads := []struct {
		name    string
		queries []string
		req     Request
	}{
		{"top10", []string{"người lao động", "nguoi lao dong", "hợp đồng", "tai san", "bồi thường thiệt hại", "thời hiệu", "tòa án", "quyen su dung dat"}, Request{}},
		{"facets+highlight", []string{"người lao động", "nguoi lao dong", "hợp đồng", "tai san", "bồi thường thiệt hại", "thời hiệu", "tòa án", "quyen su dung dat"}, Request{Facets: true, Highlight: true}},
		{"broad+facets+highlight", []string{"của", "và", "người", "quy định", "theo", "được"}, Request{Facets: true, Highlight: true}},
		{"phrase+filter", []string{`"người lao động" year:2019`, `"hợp đồng" agency:so-tnmt`, `"tòa án" kind:notice`}, Request{Facets: true}},
		{"sort-date", []string{"hợp đồng", "tai san"}, Request{Sort: "date"}},
		{"deep-page", []string{"người", "quy định"}, Request{From: 500}},
		{"no-hits+corrections", []string{"hopp dongg", "nguoii lao dongg"}, Request{}},
	}
	// The same citizens' queries with the thesaurus and without it: its cost.
	citizens := []string{"đền bù thu hồi đất", "den bu", "QSDĐ", "sổ đỏ", "GPMB", "NSNN", "HĐND tỉnh", "giá 4500"}
	workloads = append(workloads,
		struct {
			name    string
			queries []string
			req     Request
		}{"citizens+facets+highlight", citizens, Request{Facets: true, Highlight: true}},
		struct {
			name    string
			queries []string
			req     Request
		}{"citizens-no-thesaurus+facets+highlight", citizens, Request{Facets: true, Highlight: true, Thesaurus: NoThesaurus}})
	for _, w := range workloads {
		b.Run(w.name, func(b *testing.B) {
			ctx := context.Background()
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				req := w.req
				req.Query = w.queries[i%len(w.queries)]
				start := time.Now()
				if _, err := ix.Search(ctx, req); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			reportPercentiles(b, lat)
		})
	}
	b.Run("suggest", func(b *testing.B) {
		prefixes := []string{"quyen", "hợp đồ", "bo luat d", "ng"}
		lat := make([]time.Duration, 0, b.N)
		for i := range b.N {
			start := time.Now()
			if _, err := ix.Suggest(context.Background(), prefixes[i%len(prefixes)], 10); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
		reportPercentiles(b, lat)
	})
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// sizeOnDisk returns the bytes used by the index folder .
func sizeOnDisk(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	return n, err
}
