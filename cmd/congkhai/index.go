package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/demo"
	"github.com/congkhai/congkhai/portal"
)

// index builds the search index offline: `congkhai index [--rebuild] [--content DIR] [--data DIR]`.
// With --rebuild the existing index is removed first. The portal must not be
// running on the same data folder (the index allows one process).
func index(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Content, "content", "", "content folder (default: the bundled demo)")
	fs.StringVar(&cfg.Data, "data", "./data", "data folder holding the index")
	rebuild := fs.Bool("rebuild", false, "remove the index and build it again from the content")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := envDefaults(fs, os.Getenv); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if os.Getenv("GOGC") == "" {
		// A build allocates a lot that dies young (analysis, segments): a GC
		// every 200% of growth, as serve does, took a build of 20,000 notices
		// and 200,000 rows from 25–27 to 22–23 s, its peak resident memory
		// from 440–480 to 610–720 MB. GOGC and GOMEMLIMIT still rule when set.
		debug.SetGCPercent(200)
	}
	dir := filepath.Join(cfg.Data, "index")
	if *rebuild {
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("remove index: %w", err)
		}
	}
	// The content cache too, under the key serve reads it by (the content
	// folder): the first start after a build then reads every file's
	// metadata from it instead of parsing every file again.
	pc := portal.Config{Log: log, IndexDir: dir, BuildOnly: true, Dir: cfg.Content,
		CacheFile: filepath.Join(cfg.Data, "content.cache")}
	if cfg.Content == "" {
		pc.Content = demo.FS()
	} else {
		d, err := content.OpenDir(cfg.Content)
		if err != nil {
			return fmt.Errorf("content folder: %w", err)
		}
		defer d.Close()
		pc.Content = d
	}
	start := time.Now()
	p, err := portal.Open(ctx, pc)
	if err != nil {
		return err
	}
	defer p.Close()
	if err := p.WaitIndexed(ctx); err != nil {
		return err
	}
	st := p.IndexStatus()
	if st.Err != "" {
		return fmt.Errorf("index: %s", st.Err)
	}
	fmt.Fprintf(stdout, "indexed %d documents in %v\n", st.Docs, time.Since(start).Round(time.Millisecond))
	return nil
}
