package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"syscall"
	"time"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/demo"
	"github.com/congkhai/congkhai/feedback"
	"github.com/congkhai/congkhai/internal/sqldb"
	"github.com/congkhai/congkhai/portal"
	"github.com/congkhai/congkhai/publish"
	"github.com/congkhai/congkhai/server"
	"github.com/congkhai/congkhai/themes"
)

// config is every setting of `congkhai serve`, filled from flags and the environment.
type config struct {
	Addr     string
	Content  string
	Data     string
	Theme    string
	BaseURL  string
	LogLevel string
	LogJSON  bool
	Debug    string // address of the pprof listener; empty: none
	Feedback feedbackConfig
	// PublishMaxFile and PublishMaxRequest bound the uploads of the
	// publishing console and API, in MiB.
	PublishMaxFile, PublishMaxRequest int64
	// Thesaurus false makes search match the words as typed
	// (search.NoThesaurus), to measure what the thesaurus costs.
	Thesaurus bool
}

func (c *config) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.Addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free port)")
	fs.StringVar(&c.Content, "content", "", "content folder to serve and watch (default: the bundled demo province)")
	fs.StringVar(&c.Data, "data", "./data", "folder for everything the portal writes (search index, database)")
	fs.StringVar(&c.Theme, "theme", "", "theme folder whose files override the default theme, file by file")
	fs.StringVar(&c.BaseURL, "base-url", "", "public base URL (default: site.yaml's base_url, else the request's host)")
	fs.StringVar(&c.LogLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.BoolVar(&c.LogJSON, "log-json", false, "log as JSON lines instead of text")
	fs.StringVar(&c.Debug, "debug-addr", "", "address of a separate listener for Go's pprof profiles (e.g. 127.0.0.1:6060); keep it private")
	fs.Int64Var(&c.PublishMaxFile, "publish-max-file", server.DefaultPublishMaxFile>>20, "largest file the publishing console and API accept, in MiB")
	fs.Int64Var(&c.PublishMaxRequest, "publish-max-request", server.DefaultPublishMaxRequest>>20, "largest publishing request with its files, in MiB")
	fs.BoolVar(&c.Thesaurus, "thesaurus", true, "search with the thesaurus (everyday words, abbreviations, old and new unit names); false matches the words as typed, to measure its cost")
	c.Feedback.flags(fs)
}

func parseServe(args []string, stderr io.Writer) (*config, error) {
	var cfg config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.flags(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	if err := envDefaults(fs, os.Getenv); err != nil {
		return nil, err
	}
	if maxFile := publish.DefaultLimits().FileSize >> 20; cfg.PublishMaxFile < 1 || cfg.PublishMaxFile > maxFile || cfg.PublishMaxRequest < cfg.PublishMaxFile {
		return nil, fmt.Errorf("serve: --publish-max-file must be 1 to %d MiB (the record's bound on a file) and --publish-max-request at least as large (got %d and %d)", maxFile, cfg.PublishMaxFile, cfg.PublishMaxRequest)
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	return &cfg, nil
}

func newLogger(cfg *config, w io.Writer) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogJSON {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseServe(args, stderr)
	if err != nil {
		return err
	}
	log, err := newLogger(cfg, stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	if os.Getenv("GOGC") == "" {
		// Pages are served from memory and allocate little that lives; a GC
		// every 200% of growth instead of 100% halves its share of a busy CPU.
		debug.SetGCPercent(200)
	}
	autoLimit := os.Getenv("GOMEMLIMIT") == ""
	if autoLimit {
		// ...but not past a soft limit: the heap of a large province (100,000
		// notices) lives at about 250 MB, and 200% growth would take it to
		// 750 MB. Set again once the content is loaded (governMemory).
		debug.SetMemoryLimit(minMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	if err := os.MkdirAll(cfg.Data, 0o750); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	var contentFS fs.FS
	dir := ""
	if cfg.Content == "" {
		contentFS = demo.FS()
		log.Info("serving the bundled demo content; use --content DIR to serve (and watch) your own folder")
	} else {
		st, err := os.Stat(cfg.Content)
		if err != nil {
			return fmt.Errorf("content folder: %w", err)
		}
		if !st.IsDir() {
			return fmt.Errorf("content folder: %s is not a folder", cfg.Content)
		}
		// Read through a Dir: no symbolic link in the folder is ever followed.
		d, err := content.OpenDir(cfg.Content)
		if err != nil {
			return fmt.Errorf("content folder: %w", err)
		}
		defer d.Close()
		contentFS, dir = d, cfg.Content
	}
	// One database for every package that keeps data; closed after all of
	// them (the defers below run first).
	db, err := openDB(ctx, cfg.Feedback.DB, cfg.Data, log)
	if err != nil {
		return err
	}
	defer db.Close()
	pub, err := openPublish(ctx, db, log)
	if err != nil {
		return err
	}
	pcfg := portal.Config{Content: contentFS, Dir: dir, Log: log,
		IndexDir: filepath.Join(cfg.Data, "index"), CacheFile: filepath.Join(cfg.Data, "content.cache"),
		NoThesaurus: !cfg.Thesaurus}
	if dir != "" {
		// The record follows a folder the portal can write; the embedded
		// demo is served as it is.
		pcfg.Publish, pcfg.RecordFile = pub, filepath.Join(cfg.Data, "publish.state")
	}
	p, err := portal.Open(ctx, pcfg)
	if err != nil {
		return err
	}
	defer p.Close()
	th, err := themes.Load(cfg.Theme)
	if err != nil {
		return err
	}
	deps := server.Deps{Log: log, Portal: p, Theme: th, BaseURL: cfg.BaseURL, Version: versionString(),
		PublishMaxFile: cfg.PublishMaxFile << 20, PublishMaxRequest: cfg.PublishMaxRequest << 20}
	store, err := feedbackDeps(ctx, &cfg.Feedback, db, cfg.Data, cfg.BaseURL, p, log, &deps)
	if err != nil {
		return err
	}
	p.SetQA(store)  // published questions and answers join the search index
	defer p.Close() // stop indexing before the database closes (Close is idempotent)
	stopJobs, err := feedbackJobs(ctx, &cfg.Feedback, store, p, log)
	if err != nil {
		return err
	}
	defer stopJobs() // runs before store.Close
	// Email alerts of lists need mail: without SMTP the subscribe form says they are off.
	if cfg.Feedback.SMTPHost != "" {
		if deps.Alerts, err = feedback.NewAlerts(ctx, store, server.AlertsConfig(p, cfg.BaseURL)); err != nil {
			return err
		}
	}
	srv, err := server.New(deps)
	if err != nil {
		return err
	}
	alertsCtx, stopAlerts := context.WithCancel(ctx)
	alertsDone := make(chan struct{})
	go func() { srv.RunAlerts(alertsCtx, time.Minute); close(alertsDone) }()
	defer func() { stopAlerts(); <-alertsDone }() // runs before store.Close
	remindDone := make(chan struct{})
	go func() { srv.RunAccountabilityReminders(alertsCtx, 10*time.Minute); close(remindDone) }()
	defer func() { stopAlerts(); <-remindDone }()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      10 * time.Minute, // large table downloads stream for a while
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 2)
	go func() { errc <- hs.Serve(ln) }()
	// The watcher stops, and its last reload ends, before anything it uses is
	// closed (the portal and the store are closed by earlier defers).
	runCtx, stopRun := context.WithCancel(ctx)
	runDone := make(chan struct{})
	go func() {
		defer close(runDone)
		if err := p.Run(runCtx); err != nil && !errors.Is(err, context.Canceled) {
			log.Error("content watcher stopped", "err", err)
		}
	}()
	defer func() { stopRun(); <-runDone }()
	if cfg.Debug != "" {
		dl, err := net.Listen("tcp", cfg.Debug)
		if err != nil {
			return fmt.Errorf("--debug-addr: %w", err)
		}
		ds := &http.Server{Handler: debugMux(), ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = ds.Serve(dl) }()
		defer ds.Close()
		log.Info("profiles", "addr", "http://"+dl.Addr().String()+"/debug/pprof/")
	}
	log.Info("listening", "addr", "http://"+ln.Addr().String(), "ready_ms", time.Since(start).Milliseconds(), "version", versionString())
	if autoLimit {
		// It forces a collection to measure the live heap: not on the way to
		// listening.
		go governMemory(runCtx, log, memoryEvery)
	}

	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
		return nil
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// openPublish opens the publishing record on db (package publish), bringing
// its schema up to date.
func openPublish(ctx context.Context, db *sqldb.DB, log *slog.Logger) (*publish.Store, error) {
	pub, err := publish.New(ctx, db, publish.WithLogger(log))
	if err != nil {
		return nil, err
	}
	head, err := pub.Head(ctx)
	if err != nil {
		return nil, err
	}
	log.Info("publishing record open", "last_version", head)
	return pub, nil
}

// debugMux serves Go's runtime profiles (net/http/pprof) on their own
// listener, never on the public one.
func debugMux() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("/debug/pprof/", pprof.Index)
	m.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	m.HandleFunc("/debug/pprof/profile", pprof.Profile)
	m.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	m.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return m
}

// minMemoryLimit is the least soft memory limit the server sets for itself
// (unless GOMEMLIMIT is set).
const minMemoryLimit = 384 << 20

// memoryLimit is the soft memory limit for a live heap of live bytes: 1.5
// times it, and at least minMemoryLimit. The GC then collects more often
// near the limit instead of letting GOGC=200 triple the heap, and a site
// whose live heap is larger than the minimum is not made to collect without
// pause. What the limit leaves of a machine's memory holds the index's
// pages: at 100,000 notices (a live heap of about 230 MB after loading)
// twice the heap left a 600 MB cgroup 80 MB of page cache, and searches
// waited on the disk.
func memoryLimit(live uint64) int64 {
	return max(int64(minMemoryLimit), int64(live)*3/2)
}

// governMemory sets the soft memory limit for the heap that is live once
// the content is loaded (forcing a collection to measure it), then every
// interval for the heap the last collection found live, until ctx ends.
// A limit measured once stays where the start left it while the site grows:
// a live heap that comes near it makes the GC run without pause.
func governMemory(ctx context.Context, log *slog.Logger, every time.Duration) {
	runtime.GC()
	limit := memoryLimit(liveHeap())
	debug.SetMemoryLimit(limit)
	log.Debug("memory limit", "mib", limit>>20)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// A change under a twentieth is left alone: the limit does not
		// follow every collection's noise.
		if l := memoryLimit(liveHeap()); l > limit+limit/20 || l < limit-limit/20 {
			limit = l
			debug.SetMemoryLimit(limit)
			log.Debug("memory limit", "mib", limit>>20)
		}
	}
}

// memoryEvery is how often governMemory looks at the live heap.
const memoryEvery = 10 * time.Second

// liveHeap is the heap the last collection found live, in bytes.
func liveHeap() uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}
