// Command opendata measures the open-data API of the portal beside its own
// search, in one run on one corpus (docs/performance.md):
//
//	go run ./bench/opendata [--datasets 10000] [--rows 100] [--rate 20] [--duration 20s]
//
// It generates a site of --datasets land-price datasets with one table of
// --rows rows each (10,000 × 100 = 1,000,000 rows by default; fixed seed,
// cached under --out), builds the real binary, builds the search index
// offline (congkhai index --rebuild), serves the site and, once the index
// has caught up, drives it at a fixed rate with the open-loop generator of
// bench/load (latency from the time a request was due):
//
//   - package_search as a harvester pages it (rows=100, sort=id asc, a random
//     page), as its incremental run asks (fq=metadata_modified:[T TO *]), by
//     organization (fq), and with q (text through the portal's search);
//   - datastore_search of a random table: a page of 100 rows, a page sorted
//     by a column, and a filter on a column;
//   - /api/search with queries drawn like q's (two words of the corpus's
//     vocabulary, so that few repeat and its answer cache rarely helps).
//
// Results: <out>/opendata-<date>/results.json and results.md. The corpus and
// its index are kept under <out>/corpus/ for the next run.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/congkhai/congkhai/bench/load"
)

type options struct {
	datasets, rows, agencies int
	rate                     float64
	duration                 time.Duration
	out                      string
	seed                     uint64
	only                     string
}

func main() {
	var o options
	flag.IntVar(&o.datasets, "datasets", 10000, "datasets to generate")
	flag.IntVar(&o.rows, "rows", 100, "rows of each dataset's table")
	flag.IntVar(&o.agencies, "agencies", 40, "agencies the datasets are spread over")
	flag.Float64Var(&o.rate, "rate", 20, "requests per second of each run")
	flag.DurationVar(&o.duration, "duration", 20*time.Second, "length of each run")
	flag.StringVar(&o.out, "out", "bench-results", "output folder (results, corpus cache, work files)")
	flag.Uint64Var(&o.seed, "seed", 1, "corpus and request seed")
	flag.StringVar(&o.only, "only", "", "run only the measurements whose name contains this text")
	flag.Parse()
	log.SetFlags(log.Ltime)
	if err := run(context.Background(), o); err != nil {
		log.Fatal(err)
	}
}

var (
	communes = []string{"Thị trấn Cẩm Xuyên", "Xã Cẩm Quan", "Xã Cẩm Thạch", "Xã Cẩm Bình", "Xã Cẩm Vịnh", "Thị trấn Thiên Cầm", "Xã Cẩm Dương", "Xã Cẩm Hưng", "Xã Cẩm Lộc", "Xã Cẩm Trung"}
	roads    = []string{"Quốc lộ 1A", "Đường Hà Huy Tập", "Đường Trần Phú", "Đường Nguyễn Du", "Tỉnh lộ 4", "Đường Phan Đình Phùng", "Đường Lê Lợi", "Đường Trần Hưng Đạo", "Đường Hàm Nghi", "Đường 26/3"}
	words    = []string{"bảng giá đất", "giá đất ở", "Trần Hưng Đạo", "đất nông nghiệp", "Cẩm Xuyên", "quốc lộ", "thị trấn", "ngân sách", "bồi thường", "Hà Huy Tập"}
)

// generate writes the site, or reuses it when a complete one is cached.
func generate(o options, dir string) error {
	done := filepath.Join(dir, ".complete")
	if _, err := os.Stat(done); err == nil {
		return nil
	}
	os.RemoveAll(dir)
	r := rand.New(rand.NewPCG(o.seed, 7))
	write := func(p, s string) error {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		return os.WriteFile(full, []byte(s), 0o644)
	}
	if err := write("site.yaml", "title: Cổng thông tin công khai (đo hiệu năng)\nprovince: Tỉnh Hà Tĩnh\n"); err != nil {
		return err
	}
	var b strings.Builder
	for a := 0; a < o.agencies; a++ {
		if err := write(fmt.Sprintf("so-%02d/_agency.md", a), fmt.Sprintf("---\nname: Sở số %d tỉnh Hà Tĩnh\nkind: department\n---\nMô tả.\n", a)); err != nil {
			return err
		}
	}
	for d := 0; d < o.datasets; d++ {
		agency := fmt.Sprintf("so-%02d", d%o.agencies)
		slug := fmt.Sprintf("bang-gia-dat-%05d", d)
		c := communes[r.IntN(len(communes))]
		idx := fmt.Sprintf("---\ntitle: Bảng giá đất ở %s năm %d (số %d)\ncategory: gia-dat\npublished: 20%02d-%02d-%02d\n"+
			"places:\n  - province: Tỉnh Hà Tĩnh\n    district: Huyện Cẩm Xuyên\n    commune: %s\ntags: [giá đất, bảng giá, %s]\n"+
			"columns:\n  - name: vt1\n    type: money\n    unit: nghìn đồng/m²\n---\nBảng giá đất ở %s theo quyết định của UBND tỉnh.\n",
			c, 2020+d%7, d, 20+d%7, 1+d%12, 1+d%28, c, roads[d%len(roads)], c)
		if err := write(agency+"/"+slug+"/index.md", idx); err != nil {
			return err
		}
		b.Reset()
		b.WriteString("stt,xa_phuong,ten_duong,doan_tu,doan_den,vt1,vt2,vt3,vt4\n")
		for i := 1; i <= o.rows; i++ {
			fmt.Fprintf(&b, "%d,%s,%s,Km %d,Km %d,%d,%d,%d,%d\n", i, communes[r.IntN(len(communes))], roads[r.IntN(len(roads))],
				i, i+1, 1000+r.IntN(20000), 800+r.IntN(9000), 500+r.IntN(5000), 300+r.IntN(3000))
		}
		if err := write(agency+"/"+slug+"/bang-gia.csv", b.String()); err != nil {
			return err
		}
	}
	return os.WriteFile(done, nil, 0o644)
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func getJSON(u string, v any) error {
	res, err := http.Get(u)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %d", u, res.StatusCode)
	}
	return json.NewDecoder(res.Body).Decode(v)
}

type figure struct {
	Name    string       `json:"name"`
	Example string       `json:"example"`
	Summary load.Summary `json:"summary"`
}

func run(ctx context.Context, o options) error {
	root, _ := os.Getwd()
	key := fmt.Sprintf("opendata-%d-%d-%d-%d", o.datasets, o.rows, o.agencies, o.seed)
	corpusDir := filepath.Join(o.out, "corpus", key)
	t0 := time.Now()
	if err := generate(o, corpusDir); err != nil {
		return err
	}
	log.Printf("corpus: %d datasets × %d rows in %s (%.1f s)", o.datasets, o.rows, corpusDir, time.Since(t0).Seconds())
	work, err := os.MkdirTemp(o.out, "opendata-work-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	bin := filepath.Join(work, "congkhai")
	build := exec.Command("go", "build", "-o", bin, "./cmd/congkhai")
	build.Dir, build.Env = root, append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	// The index is kept beside the corpus and built again only when missing
	// (an index of another mapping version is rebuilt by the portal itself).
	data := filepath.Join(o.out, "corpus", key+"-data")
	if _, err := os.Stat(filepath.Join(data, "index")); err != nil {
		t0 = time.Now()
		idx := exec.Command(bin, "index", "--rebuild", "--content", corpusDir, "--data", data)
		if out, err := idx.CombinedOutput(); err != nil {
			return fmt.Errorf("index: %v\n%s", err, out)
		}
		log.Printf("index built in %.1f s", time.Since(t0).Seconds())
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	base := "http://" + addr
	srv := exec.Command(bin, "serve", "--addr", addr, "--base-url", base, "--content", corpusDir, "--data", data, "--rate-limit", "0", "--log-level", "warn")
	srv.Stdout, srv.Stderr = io.Discard, os.Stderr
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() { srv.Process.Signal(os.Interrupt); srv.Wait() }()
	deadline := time.Now().Add(10 * time.Minute)
	for {
		var h struct {
			Index struct{ Synced bool }
		}
		if getJSON(base+"/healthz", &h) == nil && h.Index.Synced {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the index did not catch up within 10 minutes")
		}
		time.Sleep(200 * time.Millisecond)
	}
	// Resource ids of the tables, from a harvester's pass over every package.
	var tables []string
	var orgs []string
	seenOrg := map[string]bool{}
	t0 = time.Now()
	for start := 0; ; start += 1000 {
		var env struct {
			Result struct {
				Results []struct {
					Organization struct{ Name string }
					Resources    []struct {
						ID              string
						DatastoreActive bool `json:"datastore_active"`
						Format          string
					}
				}
			}
		}
		if err := getJSON(base+"/api/3/action/package_search?rows=1000&sort=id%20asc&start="+strconv.Itoa(start), &env); err != nil {
			return err
		}
		if len(env.Result.Results) == 0 {
			break
		}
		for _, p := range env.Result.Results {
			if !seenOrg[p.Organization.Name] {
				seenOrg[p.Organization.Name] = true
				orgs = append(orgs, p.Organization.Name)
			}
			for _, r := range p.Resources {
				if r.DatastoreActive && r.Format == "CSV" {
					tables = append(tables, r.ID)
				}
			}
		}
	}
	log.Printf("harvested %d tables of %d organizations in %.1f s (catalog built on the first page)", len(tables), len(orgs), time.Since(t0).Seconds())
	if len(tables) == 0 {
		return fmt.Errorf("no table")
	}
	// Let the start settle: the portal writes its content cache a few
	// seconds after the load, and the first pass filled the packages' cache.
	time.Sleep(8 * time.Second)
	since := time.Now().UTC().Add(-time.Hour).Format("2006-01-02T15:04:05.000000")
	r := rand.New(rand.NewPCG(o.seed, 11))
	// Queries: two words of the corpus's own vocabulary, so that most
	// differ and /api/search runs past its answer cache.
	vocab := append(append(append([]string{}, words...), roads...), communes...)
	query := func() string { return vocab[r.IntN(len(vocab))] + " " + vocab[r.IntN(len(vocab))] }
	pages := (o.datasets + 99) / 100
	kinds := []struct {
		name string
		url  func(i int) string
	}{
		{"package_search harvest page (rows=100, sort=id asc)", func(i int) string {
			return fmt.Sprintf("/api/3/action/package_search?rows=100&sort=id%%20asc&start=%d", 100*r.IntN(pages))
		}},
		{"package_search incremental (fq=metadata_modified:[T TO *])", func(i int) string {
			return "/api/3/action/package_search?rows=100&sort=id%20asc&fq=" + url.QueryEscape("metadata_modified:["+since+"Z TO *]")
		}},
		{"package_search fq=organization, facets", func(i int) string {
			return "/api/3/action/package_search?rows=20&facet.field=" + url.QueryEscape(`["organization","tags","res_format"]`) + "&fq=organization:" + orgs[r.IntN(len(orgs))]
		}},
		{"package_search q (rows=10)", func(i int) string {
			return "/api/3/action/package_search?rows=10&q=" + url.QueryEscape(query())
		}},
		{"/api/search q (the same queries)", func(i int) string {
			return "/api/search?q=" + url.QueryEscape(query())
		}},
		{"datastore_search page (limit=100)", func(i int) string {
			return fmt.Sprintf("/api/3/action/datastore_search?resource_id=%s&limit=100&offset=%d", tables[r.IntN(len(tables))], r.IntN(max(1, o.rows-100)))
		}},
		{"datastore_search sorted (sort=vt1 desc, limit=100)", func(i int) string {
			return "/api/3/action/datastore_search?resource_id=" + tables[r.IntN(len(tables))] + "&limit=100&sort=vt1%20desc"
		}},
		{"datastore_search filters + q", func(i int) string {
			f, _ := json.Marshal(map[string]string{"ten_duong": roads[r.IntN(len(roads))]})
			return "/api/3/action/datastore_search?resource_id=" + tables[r.IntN(len(tables))] + "&filters=" + url.QueryEscape(string(f)) + "&q=" + url.QueryEscape("cam")
		}},
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}, Timeout: 30 * time.Second}
	var figures []figure
	for _, k := range kinds {
		if !strings.Contains(k.name, o.only) {
			continue
		}
		// Warm: the first requests build what is built once (sort orders, answers' first encodings).
		for i := 0; i < 20; i++ {
			if res, err := client.Get(base + k.url(i)); err == nil {
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		}
		plan := load.Plan{Rate: o.rate, Duration: o.duration, Conns: 8}
		urls := make([]string, plan.Requests())
		for i := range urls {
			urls[i] = base + k.url(i)
		}
		samples := load.RunFor(ctx, load.LowRateClock(plan), plan, 2, 20*time.Second, func(ctx context.Context, i int) error {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, urls[i], nil)
			res, err := client.Do(req)
			if err != nil {
				return err
			}
			defer res.Body.Close()
			if _, err := io.Copy(io.Discard, res.Body); err != nil {
				return err
			}
			if res.StatusCode != http.StatusOK {
				return fmt.Errorf("%s: %d", urls[i], res.StatusCode)
			}
			return nil
		})
		s := load.Summarize(plan, samples)
		figures = append(figures, figure{Name: k.name, Example: strings.TrimPrefix(urls[0], base), Summary: s})
		log.Printf("%-60s p50 %6.2f ms  p99 %6.2f ms  errors %d", k.name, s.P50, s.P99, s.Errors)
	}
	var rss string
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", srv.Process.Pid)); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "VmHWM") || strings.HasPrefix(line, "VmRSS") {
				rss += strings.Join(strings.Fields(line), " ") + "; "
			}
		}
	}
	outDir := filepath.Join(o.out, "opendata-"+time.Now().UTC().Format("2006-01-02T1504"))
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	commit, _ := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	res := map[string]any{"datasets": o.datasets, "rows_per_table": o.rows, "rows": o.datasets * o.rows, "rate": o.rate, "duration_s": o.duration.Seconds(),
		"cores": runtime.NumCPU(), "commit": strings.TrimSpace(string(commit)), "memory": rss, "figures": figures}
	b, _ := json.MarshalIndent(res, "", "  ")
	if err := os.WriteFile(filepath.Join(outDir, "results.json"), b, 0o644); err != nil {
		return err
	}
	var md strings.Builder
	fmt.Fprintf(&md, "Open data API, %d datasets × %d rows (%d rows), %.0f requests/s for %s each, 8 connections, %d cores, commit %s; %s\n\n",
		o.datasets, o.rows, o.datasets*o.rows, o.rate, o.duration, runtime.NumCPU(), strings.TrimSpace(string(commit)), rss)
	md.WriteString("| request | p50 | p90 | p99 | max | errors |\n|---|---|---|---|---|---|\n")
	for _, f := range figures {
		s := f.Summary
		fmt.Fprintf(&md, "| %s | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %d |\n", f.Name, s.P50, s.P90, s.P99, s.Max, s.Errors)
	}
	if err := os.WriteFile(filepath.Join(outDir, "results.md"), []byte(md.String()), 0o644); err != nil {
		return err
	}
	fmt.Print(md.String())
	log.Printf("results in %s", outDir)
	return nil
}
