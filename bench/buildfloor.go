package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/congkhai/congkhai/bench/corpus"
	"github.com/congkhai/congkhai/search"
)

// The build's floor: the corpus's table rows indexed by the search package
// itself (the portal's mapping, batches and calls of 10,000 rows, GOGC=200
// as in `congkhai index`), in this process, as documents reduced to what no
// row can go without. It bounds what any change to what a row indexes could
// win while each row stays its own bleve document: if the rows alone, with
// nothing but their title, take longer than the build's whole budget, the
// budget cannot be met by indexing less per row.

// floorRun is one reduced build.
type floorRun struct {
	Name       string  `json:"name"`
	Docs       int     `json:"docs"`
	Seconds    float64 `json:"seconds"`
	CPUSeconds float64 `json:"cpu_seconds"` // user + system time of this process
	DocsPerSec float64 `json:"docs_per_s"`
}

// floorCall is how many rows each Apply gets, as `congkhai index` hands them.
const floorCall = 10000

// Reduced rows, from the least to the most a row could index.
const (
	floorBare   = iota // ID and kind
	floorFolded        // and the title folded, once, without positions (as Document.Context)
	floorTitle         // and the title as a title: exact and folded, with positions
)

var floorNames = []string{"ID and kind", "ID, kind and the title folded once", "ID, kind and the title"}

// buildFloor indexes the rows of c into fresh indexes under work, once per
// reduction. The title is the text cells joined as the portal's rowDoc joins
// them.
func buildFloor(ctx context.Context, c *corpus.Corpus, work string) ([]floorRun, error) {
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(200))
	}
	var runs []floorRun
	for level, name := range floorNames {
		r, err := floorBuild(ctx, c, filepath.Join(work, "floor-index"), level)
		if err != nil {
			return runs, fmt.Errorf("build floor (%s): %w", name, err)
		}
		r.Name = name
		log.Printf("build floor, rows with %s: %d docs in %.1f s (%.0f docs/s, %.1f s of CPU)",
			name, r.Docs, r.Seconds, r.DocsPerSec, r.CPUSeconds)
		runs = append(runs, r)
	}
	return runs, nil
}

func floorBuild(ctx context.Context, c *corpus.Corpus, dir string, level int) (floorRun, error) {
	var r floorRun
	_ = os.RemoveAll(dir)
	defer os.RemoveAll(dir)
	ix, err := search.Open(dir, search.Options{SuggestKinds: []string{"notice", "dataset", "qa"}})
	if err != nil {
		return r, err
	}
	defer ix.Close()
	docs := make([]search.Document, 0, floorCall)
	flush := func() error {
		if len(docs) == 0 {
			return nil
		}
		err := ix.Apply(ctx, docs, nil)
		r.Docs += len(docs)
		docs = docs[:0]
		return err
	}
	cpu0, t0 := cpuTime(), time.Now()
	for _, d := range c.Datasets {
		file := d.Agency.Slug + "/" + d.Slug + "/" + d.Table + ".csv"
		var err error
		c.EachRow(d, func(n int, row corpus.Row) {
			if err != nil {
				return
			}
			doc := search.Document{ID: "r:" + file + "#" + strconv.Itoa(n), Kind: "row", Lean: true}
			title := strings.Join([]string{row.Commune, row.Road, row.From, row.To}, " – ")
			switch level {
			case floorFolded:
				doc.Context = title
			case floorTitle:
				doc.Title = title
			}
			docs = append(docs, doc)
			if len(docs) == floorCall {
				err = flush()
			}
		})
		if err != nil {
			return r, err
		}
	}
	if err := flush(); err != nil {
		return r, err
	}
	took := time.Since(t0)
	r.Seconds = round(took.Seconds(), 2)
	r.CPUSeconds = round((cpuTime() - cpu0).Seconds(), 1)
	r.DocsPerSec = round(float64(r.Docs)/took.Seconds(), 0)
	return r, ix.Close()
}

// cpuTime is the user and system time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
