package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/congkhai/congkhai/bench/corpus"
	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/internal/binarytest"
	"github.com/congkhai/congkhai/internal/sqldb"
	"github.com/congkhai/congkhai/portal"
	"github.com/congkhai/congkhai/publish"
	"github.com/congkhai/congkhai/search"
)

// BenchmarkPublishSearchable measures how long a notice published through
// the portal (Portal.Publish, as the console's approval and the API do)
// takes to be found by search, on a folder of generated notices
// (CONGKHAI_BENCH_NOTICES, 2,000 by default; bench/corpus), and reports the
// p50 and p99 of that delay, and the p50 of the time Publish takes to
// return (the page serves the change then). One op is one publication.
func BenchmarkPublishSearchable(b *testing.B) {
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("CONGKHAI_BENCH_NOTICES")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	c, err := corpus.New(corpus.Config{Notices: n, Seed: 19, DataDir: filepath.Join(binarytest.Root(), "..", "shared", "data")})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Write(dir); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := sqldb.Open(ctx, "", b.TempDir(), sqldb.WithLogger(log))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	pub, err := publish.New(ctx, db, publish.WithLogger(log))
	if err != nil {
		b.Fatal(err)
	}
	cd, err := content.OpenDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer cd.Close()
	data := b.TempDir()
	start := time.Now()
	p, err := portal.Open(ctx, portal.Config{Content: cd, Dir: dir, Log: log, Publish: pub, RecordFile: filepath.Join(data, "publish.state"),
		IndexDir: filepath.Join(data, "index")})
	if err != nil {
		b.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = p.Run(runCtx) }()
	defer func() { stop(); <-done; p.Close() }()
	for !p.IndexStatus().Synced || !p.RecordStatus().Ready {
		time.Sleep(50 * time.Millisecond)
	}
	if err := p.WaitRecord(ctx); err != nil {
		b.Fatal(err)
	}
	agency := p.Snapshot().Site.Agencies[0].Slug
	b.Logf("%d notices indexed and recorded in %s", len(p.Snapshot().Site.Notices), time.Since(start).Round(time.Second))
	var took, served []time.Duration
	if f := os.Getenv("CONGKHAI_BENCH_CPUPROFILE"); f != "" && b.N > 1 {
		// A profile of the publications alone, not of the folder's indexing.
		out, err := os.Create(f)
		if err != nil {
			b.Fatal(err)
		}
		pprof.StartCPUProfile(out)
		defer func() { pprof.StopCPUProfile(); out.Close() }()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		word := fmt.Sprintf("xuatban%dz%d", i, time.Now().UnixNano()%100000)
		path := fmt.Sprintf("%s/thong-bao-do-tre-%d-%d", agency, i, time.Now().UnixNano())
		md := "---\ntitle: Thông báo đo độ trễ " + word + "\ncategory: thong-bao\npublished: 2026-11-20\n---\nNội dung " + word + ".\n"
		t0 := time.Now()
		if _, err := p.Publish(ctx, portal.Change{Path: path, Action: publish.ActionPublish, Actor: publish.StaffActor(1), Files: map[string][]byte{path + ".md": []byte(md)}}); err != nil {
			b.Fatal(err)
		}
		served = append(served, time.Since(t0))
		for {
			res, err := p.Search(ctx, search.Request{Query: word, Size: 1})
			if err == nil && res.Total > 0 {
				break
			}
			if time.Since(t0) > 30*time.Second {
				b.Fatalf("%s not searchable after 30 s", path)
			}
			time.Sleep(2 * time.Millisecond)
		}
		took = append(took, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(took)
	slices.Sort(served)
	b.ReportMetric(float64(served[len(served)/2].Microseconds())/1000, "served-p50-ms")
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[min(len(took)-1, len(took)*99/100)].Microseconds())/1000, "p99-ms")
}

// BenchmarkHistoryPage renders the history page of a notice with 50
// versions (the page cache emptied each time; the record read each time).
func BenchmarkHistoryPage(b *testing.B) {
	e := newBenchEnv(b)
	const path = "ubnd-xa-cam-quan/thong-bao-nhieu-phien-ban"
	for v := 1; v <= 50; v++ {
		action, reason := publish.ActionCorrect, fmt.Sprintf("Đính chính lần %d", v-1)
		if v == 1 {
			action, reason = publish.ActionPublish, ""
		}
		md := fmt.Sprintf("---\ntitle: Thông báo nhiều phiên bản\ncategory: thong-bao\npublished: 2026-01-05\n---\nNội dung phiên bản %d: %s.\n", v, strings.Repeat("chữ ", 300))
		e.publishFiles(b, path, action, reason, v-1, map[string][]byte{path + ".md": []byte(md)})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.s.cache = newPageCache(4096)
		if rec := do(b, e.s, request{url: "/" + path + "/lich-su"}); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Phiên bản 50") {
			b.Fatalf("history: %d", rec.Code)
		}
	}
}

// BenchmarkDiffPage50k renders the diff page of two versions of a dataset
// whose table has 50,000 rows, 500 of them changed, 100 added, 100 removed:
// the first op reads both versions (content.ParseItem of each CSV); the
// versions stay in the portal's cache afterwards, so later ops measure the
// diff and the page. -benchtime=1x gives the cold figure.
func BenchmarkDiffPage50k(b *testing.B) {
	e := newBenchEnv(b)
	const path = "ubnd-xa-cam-quan/bang-gia-lon"
	var v1, v2 strings.Builder
	v1.WriteString("Mã,Tên đường,Đoạn từ,Đoạn đến,VT1,VT2,VT3\n")
	v2.WriteString("Mã,Tên đường,Đoạn từ,Đoạn đến,VT1,VT2,VT3\n")
	for i := 0; i < 50000; i++ {
		row := fmt.Sprintf("D%05d,Đường số %d,Ngã ba %d,Cầu %d,%d,%d,%d\n", i, i%700, i, i+1, 1000000+i*10, 800000+i*7, 500000+i*3)
		v1.WriteString(row)
		switch {
		case i%100 == 7:
			v2.WriteString(strings.Replace(row, ",Cầu ", ",Cống ", 1))
		case i%500 == 3:
			// removed
		default:
			v2.WriteString(row)
		}
		if i%500 == 250 {
			fmt.Fprintf(&v2, "N%05d,Đường mới %d,Ngã tư,Chợ,900000,700000,400000\n", i, i)
		}
	}
	index := "---\ntitle: Bảng giá lớn\ncategory: gia-dat\npublished: 2026-01-05\n---\nBảng.\n"
	e.publishFiles(b, path, publish.ActionPublish, "", 0, map[string][]byte{path + "/index.md": []byte(index), path + "/gia.csv": []byte(v1.String())})
	e.publishFiles(b, path, publish.ActionCorrect, "Cập nhật giá", 1, map[string][]byte{path + "/index.md": []byte(index), path + "/gia.csv": []byte(v2.String())})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.s.cache = newPageCache(4096)
		rec := do(b, e.s, request{url: "/" + path + "/lich-su/so-sanh?tu=1&den=2"})
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "100 dòng thêm, 100 dòng bỏ, 500 dòng sửa") {
			b.Fatalf("diff: %d\n%.3000s", rec.Code, rec.Body.String())
		}
		if i == 0 {
			b.ReportMetric(float64(len(rec.Body.Bytes()))/1024, "page-KiB")
		}
	}
}
