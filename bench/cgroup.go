package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/congkhai/congkhai/bench/corpus"
	"github.com/congkhai/congkhai/bench/load"
)

// memCgroup is a memory cgroup made for one process: cgroup v2 (memory.max)
// or v1 (memory.limit_in_bytes). Both charge anonymous memory and the page
// cache the process reads in (the index segments it maps) to it.
type memCgroup struct {
	path  string
	v2    bool
	limit int64
}

const (
	cgroupRoot   = "/sys/fs/cgroup"
	cgroupV1Root = "/sys/fs/cgroup/memory"
)

// newMemCgroup creates a memory cgroup limited to limit bytes, named after
// this process. The error says why none could be made (not root, read-only,
// no memory controller).
func newMemCgroup(limit int64) (*memCgroup, error) {
	name := fmt.Sprintf("congkhai-bench-%d", os.Getpid())
	var why []string
	if b, err := os.ReadFile(filepath.Join(cgroupRoot, "cgroup.controllers")); err == nil {
		if !hasField(string(b), "memory") {
			why = append(why, "cgroup v2 without the memory controller")
		} else if cg, err := newMemCgroupV2(filepath.Join(cgroupRoot, name), limit); err == nil {
			return cg, nil
		} else {
			why = append(why, "cgroup v2: "+err.Error())
		}
	}
	if _, err := os.Stat(filepath.Join(cgroupV1Root, "memory.limit_in_bytes")); err == nil {
		if cg, err := newMemCgroupV1(filepath.Join(cgroupV1Root, name), limit); err == nil {
			return cg, nil
		} else {
			why = append(why, "cgroup v1: "+err.Error())
		}
	}
	if len(why) == 0 {
		why = append(why, "no cgroup memory controller mounted at "+cgroupRoot)
	}
	return nil, errors.New(strings.Join(why, "; "))
}

func newMemCgroupV2(dir string, limit int64) (*memCgroup, error) {
	parent := filepath.Dir(dir)
	sub, err := os.ReadFile(filepath.Join(parent, "cgroup.subtree_control"))
	if err != nil {
		return nil, err
	}
	if !hasField(string(sub), "memory") {
		if err := os.WriteFile(filepath.Join(parent, "cgroup.subtree_control"), []byte("+memory"), 0o644); err != nil {
			return nil, fmt.Errorf("enabling +memory in %s/cgroup.subtree_control: %w", parent, err)
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, err
	}
	cg := &memCgroup{path: dir, v2: true, limit: limit}
	if err := cg.write("memory.max", strconv.FormatInt(limit, 10)); err != nil {
		_ = os.Remove(dir)
		return nil, err
	}
	_ = cg.write("memory.swap.max", "0") // the limit is on memory, not memory plus swap
	return cg, nil
}

func newMemCgroupV1(dir string, limit int64) (*memCgroup, error) {
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, err
	}
	cg := &memCgroup{path: dir, limit: limit}
	if err := cg.write("memory.limit_in_bytes", strconv.FormatInt(limit, 10)); err != nil {
		_ = os.Remove(dir)
		return nil, err
	}
	_ = cg.write("memory.memsw.limit_in_bytes", strconv.FormatInt(limit, 10)) // no swapping past it either
	return cg, nil
}

func (cg *memCgroup) write(file, v string) error {
	return os.WriteFile(filepath.Join(cg.path, file), []byte(v), 0o644)
}

func (cg *memCgroup) read(file string) string {
	b, _ := os.ReadFile(filepath.Join(cg.path, file))
	return string(b)
}

func (cg *memCgroup) readInt(file string) (int64, bool) {
	v, err := strconv.ParseInt(strings.TrimSpace(cg.read(file)), 10, 64)
	return v, err == nil
}

func (cg *memCgroup) version() string {
	if cg.v2 {
		return "v2"
	}
	return "v1"
}

// prefix is the command that puts the process it starts into the cgroup,
// before the process allocates anything, then execs it: startServerWith's
// prefix.
func (cg *memCgroup) prefix() []string {
	procs := filepath.Join(cg.path, "cgroup.procs")
	if !exists(procs) {
		procs = filepath.Join(cg.path, "tasks") // v1 without cgroup.procs
	}
	return []string{"sh", "-c", "echo $$ > " + shellQuote(procs) + ` && exec "$0" "$@"`}
}

// shellQuote quotes s for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// usage is the memory charged to the cgroup now, in bytes.
func (cg *memCgroup) usage() int64 {
	f := "memory.usage_in_bytes"
	if cg.v2 {
		f = "memory.current"
	}
	v, _ := cg.readInt(f)
	return v
}

// peak is the most memory ever charged to the cgroup (v2: memory.peak, from
// kernel 5.19; v1: memory.max_usage_in_bytes); ok is false when the kernel
// does not keep it.
func (cg *memCgroup) peak() (int64, bool) {
	if cg.v2 {
		return cg.readInt("memory.peak")
	}
	return cg.readInt("memory.max_usage_in_bytes")
}

// cgEvents is what the cgroup says about its limit.
type cgEvents struct {
	OOMKills  int64 `json:"oom_kills"`  // v2 memory.events oom_kill; v1 memory.oom_control oom_kill
	OOMs      int64 `json:"ooms"`       // v2 memory.events oom: the limit could not be kept by reclaim
	LimitHits int64 `json:"limit_hits"` // v2 memory.events max; v1 memory.failcnt: reclaim at the limit
	UnderOOM  bool  `json:"under_oom"`  // v1 memory.oom_control under_oom
}

func (cg *memCgroup) events() cgEvents {
	var e cgEvents
	if cg.v2 {
		kv := parseKV(cg.read("memory.events"))
		e.OOMKills, e.OOMs, e.LimitHits = kv["oom_kill"], kv["oom"], kv["max"]
		return e
	}
	kv := parseKV(cg.read("memory.oom_control"))
	e.OOMKills, e.UnderOOM = kv["oom_kill"], kv["under_oom"] > 0
	e.LimitHits, _ = cg.readInt("memory.failcnt")
	return e
}

// split is the anonymous and file (page cache) memory charged to the
// cgroup now, in bytes.
func (cg *memCgroup) split() (anon, file int64) {
	kv := parseKV(cg.read("memory.stat"))
	if cg.v2 {
		return kv["anon"], kv["file"]
	}
	return kv["total_rss"], kv["total_cache"]
}

// remove removes the cgroup, once its process has exited (the kernel may
// take a moment to let go of it).
func (cg *memCgroup) remove() error {
	var err error
	for range 50 {
		if err = os.Remove(cg.path); err == nil || errors.Is(err, os.ErrNotExist) {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

// parseKV reads "key value" lines (memory.events, memory.stat,
// memory.oom_control).
func parseKV(s string) map[string]int64 {
	kv := map[string]int64{}
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) == 2 {
			if v, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				kv[f[0]] = v
			}
		}
	}
	return kv
}

func hasField(s, w string) bool {
	for _, f := range strings.Fields(s) {
		if f == w {
			return true
		}
	}
	return false
}

// cappedLimitMB is the memory cgroup limit of the capped run.
const cappedLimitMB = 600

// cappedMemory is what the capped run measured (results.json, raw).
type cappedMemory struct {
	Cgroup      string   `json:"cgroup"` // v1 or v2
	LimitMB     float64  `json:"limit_mb"`
	PeakMB      float64  `json:"peak_mb"`      // the most ever charged to the cgroup
	PeakSampled bool     `json:"peak_sampled"` // no peak file: the highest of samples every 100 ms
	EndMB       float64  `json:"end_mb"`       // charged at the end of the runs
	EndAnonMB   float64  `json:"end_anon_mb"`
	EndFileMB   float64  `json:"end_file_mb"`
	RSSMB       float64  `json:"rss_mb"` // the process, at the end
	HWMMB       float64  `json:"hwm_mb"`
	RssAnonMB   float64  `json:"rss_anon_mb"`
	RssFileMB   float64  `json:"rss_file_mb"`
	ListenMs    float64  `json:"listen_ms"`
	ReadyMs     float64  `json:"ready_ms"`
	Evicted     int      `json:"evicted_files"`
	Events      cgEvents `json:"events"`
	Exited      string   `json:"exited,omitempty"` // the server ended before it was stopped
	Error       string   `json:"error,omitempty"`
}

// measureCapped stops srv and serves the same index again inside a memory
// cgroup of cappedLimitMB: the same warm-up, the search mix and the broadest
// syllables, then the cgroup's and the process's memory and whether the
// kernel killed it. The index's and the content's files are dropped from the
// page cache first, so that the pages the server reads are charged to its
// cgroup, as on a machine with that much memory.
func measureCapped(ctx context.Context, m mode, res *Results, srv *server, bin, dir, dataDir string,
	mix, broad []corpus.Query, warn func(string, ...any)) {
	const id = "rss_capped"
	if ctx.Err() != nil {
		res.skip(id, ctx.Err().Error())
		return
	}
	cg, err := newMemCgroup(cappedLimitMB << 20)
	if err != nil {
		res.skip(id, "no memory cgroup could be made: "+err.Error())
		warn("%s skipped: no memory cgroup could be made: %v", id, err)
		return
	}
	srv.stop()
	cm := cappedMemory{Cgroup: cg.version(), LimitMB: cappedLimitMB}
	n, err := evictCache(dataDir, dir, bin)
	cm.Evicted = n
	if err != nil {
		warn("%s: dropping the index from the page cache: %v (pages already cached are not charged to the cgroup)", id, err)
	}
	log.Printf("serving inside a %d MB memory cgroup (%s, %s; %d files dropped from the page cache; load %.2f)", cappedLimitMB, cg.version(), cg.path, n, loadAvg())

	var high atomic.Int64
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			if u := cg.usage(); u > high.Load() {
				high.Store(u)
			}
			select {
			case <-stopSampling:
				return
			case <-t.C:
			}
		}
	}()

	var ms, mb load.Summary
	t0 := time.Now()
	cs, err := startServerWith(ctx, cg.prefix(), bin, dir, dataDir)
	if err == nil {
		_, err = cs.waitSynced(ctx, 10*time.Minute)
	}
	if err == nil {
		cm.ListenMs, cm.ReadyMs = round(cs.listenMs, 1), round(float64(time.Since(t0).Microseconds())/1000, 1)
		// Bounded: a server short of memory can take seconds per query.
		wctx, cancel := context.WithTimeout(ctx, m.capDur)
		warmPortal(wctx, cs, mix)
		cancel()
		ms = portalLoad(ctx, cs, mix, load.Plan{Rate: m.rate, Duration: m.capDur, Conns: 32}, false)
		log.Printf("capped: search mix p50 %.2f p99 %.2f ms (%d errors)", ms.P50, ms.P99, ms.Errors)
		mb = portalLoad(ctx, cs, broad, load.Plan{Rate: 5, Duration: m.capDur / 2, Conns: 8}, false)
		log.Printf("capped: broadest p50 %.2f p99 %.2f ms (%d errors)", mb.P50, mb.P99, mb.Errors)
	} else {
		cm.Error = err.Error()
	}
	if cs != nil {
		select {
		case <-cs.done:
			cm.Exited = cs.cmd.ProcessState.String()
		default:
			cm.RSSMB, cm.HWMMB = cs.memory()
			cm.RssAnonMB, cm.RssFileMB = cs.memorySplit()
		}
		anon, file := cg.split()
		cm.EndMB, cm.EndAnonMB, cm.EndFileMB = mib(cg.usage()), mib(anon), mib(file)
		cs.stop()
	}
	close(stopSampling)
	<-sampled
	if p, ok := cg.peak(); ok {
		cm.PeakMB = mib(p)
	} else {
		cm.PeakMB, cm.PeakSampled = mib(high.Load()), true
	}
	cm.Events = cg.events()
	if err := cg.remove(); err != nil {
		warn("%s: removing the cgroup %s: %v", id, cg.path, err)
	}
	for _, p := range []*float64{&cm.RSSMB, &cm.HWMMB, &cm.RssAnonMB, &cm.RssFileMB} {
		*p = round(*p, 1)
	}
	res.Raw["capped_mix"], res.Raw["capped_broad"], res.Raw["capped_memory"] = ms, mb, cm
	log.Printf("capped: cgroup peak %.0f MB, VmHWM %.0f MB, OOM kills %d", cm.PeakMB, cm.HWMMB, cm.Events.OOMKills)

	oom := cm.Events.OOMKills > 0
	if cm.Exited != "" && cs != nil {
		if ws, ok := cs.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			oom = true // killed by nobody else here
		}
	}
	met := cm.Error == "" && cm.Exited == "" && !oom && ms.Errors == 0 && mb.Errors == 0 && ms.P99 <= 50
	peak := "peak charge"
	if cm.PeakSampled {
		peak = "highest charge sampled every 100 ms (the kernel keeps no peak)"
	}
	limFile := "memory.limit_in_bytes"
	if cg.v2 {
		limFile = "memory.max"
	}
	var note strings.Builder
	fmt.Fprintf(&note, "restarted on the same index inside a %d MB memory cgroup (%s %s: heap and page cache together), the index, content and binary dropped from the page cache first; ",
		cappedLimitMB, cg.version(), limFile)
	if cm.Error != "" {
		fmt.Fprintf(&note, "the server did not come up: %s; ", tail(cm.Error, 300))
	} else {
		fmt.Fprintf(&note, "index synced after %.0f ms; search mix at %.0f/s for %v: p50 %.2f ms, p99 %.2f ms, %d errors; broadest syllables at 5/s for %v: p99 %.2f ms, %d errors; ",
			cm.ReadyMs, m.rate, m.capDur, ms.P50, ms.P99, ms.Errors, m.capDur/2, mb.P99, mb.Errors)
	}
	fmt.Fprintf(&note, "value: the cgroup's %s; at the end %.0f MB charged (%.0f MB anonymous, %.0f MB page cache); ", peak, cm.EndMB, cm.EndAnonMB, cm.EndFileMB)
	if cm.Exited != "" {
		fmt.Fprintf(&note, "the server ended on its own: %s; ", cm.Exited)
	} else if cm.Error == "" {
		fmt.Fprintf(&note, "the process: VmHWM %.0f MB, at the end RssAnon %.0f MB, RssFile %.0f MB; ", cm.HWMMB, cm.RssAnonMB, cm.RssFileMB)
	}
	fmt.Fprintf(&note, "OOM kills: %d", cm.Events.OOMKills)
	if oom {
		note.WriteString(" (OOM KILLED)")
	}
	if cm.Events.UnderOOM {
		note.WriteString(", under OOM at the end")
	}
	fmt.Fprintf(&note, "; the limit reached %d times (each answered by reclaim)", cm.Events.LimitHits)
	res.add(id, cm.PeakMB, "MB", nil, "", false, fmt.Sprintf("no OOM kill, no errors, search p99 ≤ 50 ms within %d MB", cappedLimitMB), boolp(met), note.String())
}

func mib(b int64) float64 { return round(float64(b)/(1<<20), 1) }
