package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// Apply indexes upserts (replacing documents with the same ID) and removes
// the documents whose IDs are in deletes, in batches (Options.BatchSize and
// BatchBytes), and returns once they are on disk.
// Deletes are applied first, so an ID in both lists ends up indexed; an ID
// twice in upserts ends up as its last occurrence. All text is normalised to
// NFC. Calls to Apply take turns.
//
// Apply is not atomic: on error (including ctx cancellation, checked between
// batches) the batches already written stay written; re-applying the same
// call is safe. A document with an empty ID is an error and nothing after
// it is applied.
func (ix *Index) Apply(ctx context.Context, upserts []Document, deletes []string) error {
	if len(upserts) == 0 && len(deletes) == 0 {
		return nil
	}
	ix.applyMu.Lock()
	defer ix.applyMu.Unlock()
	p := ix.newPipeline()
	b := ix.bi.NewBatch()
	ids := map[string]bool{}
	bytes := 0
	flush := func() error {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("search: apply: %w", err)
		}
		if err := p.send(b, ids); err != nil {
			return err
		}
		// A new batch, not b.Reset(): scorch's Batch returns once every
		// document is analysed, while the goroutine that queued them may
		// still be ranging over b's map (a data race the race detector sees).
		b, ids, bytes = ix.bi.NewBatch(), map[string]bool{}, 0
		return nil
	}
	full := func() bool { return b.Size() >= ix.opts.BatchSize || bytes >= ix.opts.BatchBytes }
	for _, id := range deletes {
		b.Delete(id)
		ids[id] = true
		if full() {
			if err := flush(); err != nil {
				return p.abort(err)
			}
		}
	}
	for i := range upserts {
		d := &upserts[i]
		if d.ID == "" {
			return p.abort(fmt.Errorf("search: apply: document %d (%q) has no ID", i, d.Title))
		}
		if err := b.Index(d.ID, ix.fields(d)); err != nil {
			return p.abort(fmt.Errorf("search: apply %s: %w", d.ID, err))
		}
		ids[d.ID] = true
		bytes += len(d.Title) + len(d.Body) + len(d.Context) + 64
		if full() {
			if err := flush(); err != nil {
				return p.abort(err)
			}
		}
	}
	// The last batch goes alone, after the others, with the generation.
	if err := p.wait(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("search: apply: %w", err)
	}
	persisted, err := ix.batch(b)
	if err != nil {
		return err
	}
	return ix.waitPersisted(ctx, persisted)
}

// pipelineDepth is how many batches of one Apply bleve indexes at once.
// bleve analyses a batch's documents on every core but builds its segment
// on one: with two batches in flight, one's segment is built while the
// next one is analysed (a full build of 20,000 notices and 200,000 rows,
// in calls of 2,000 and 10,000, took 25.4–26.1 s against 28.9–29.8 s one
// batch at a time; three were no faster).
const pipelineDepth = 2

// pipeline runs the batches of one Apply, up to pipelineDepth at a time. A
// batch that holds an ID of a batch still in flight waits for it: bleve
// introduces concurrent batches in any order, and the later operation on
// an ID must win. Apply calls take turns, so the index's batches in flight
// (Index.inflight) are this pipeline's.
type pipeline struct {
	ix       *Index
	slots    chan struct{}
	mu       sync.Mutex
	err      error                            // the first batch's error
	inflight map[*bleve.Batch]map[string]bool // the IDs of each batch in flight
}

func (ix *Index) newPipeline() *pipeline {
	return &pipeline{ix: ix, slots: make(chan struct{}, pipelineDepth), inflight: map[*bleve.Batch]map[string]bool{}}
}

// send starts indexing b (whose IDs are ids) in the background; an earlier
// batch's error stops it.
func (p *pipeline) send(b *bleve.Batch, ids map[string]bool) error {
	p.mu.Lock()
	clash := false
	for _, other := range p.inflight {
		clash = clash || overlaps(ids, other)
	}
	p.mu.Unlock()
	if clash {
		if err := p.wait(); err != nil {
			return err
		}
	}
	p.slots <- struct{}{}
	if err := p.failed(); err != nil {
		<-p.slots
		return err
	}
	if err := p.ix.startBatch(); err != nil {
		<-p.slots
		return err
	}
	p.mu.Lock()
	p.inflight[b] = ids
	p.mu.Unlock()
	go func() {
		err := p.ix.bi.Batch(b)
		p.mu.Lock()
		if err != nil && p.err == nil {
			p.err = wrapClosed("apply", err)
		}
		delete(p.inflight, b)
		p.mu.Unlock()
		<-p.slots
		p.ix.inflight.Done()
	}()
	return nil
}

func overlaps(a, b map[string]bool) bool {
	if len(b) < len(a) {
		a, b = b, a
	}
	for id := range a {
		if b[id] {
			return true
		}
	}
	return false
}

func (p *pipeline) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// wait returns once every batch sent is indexed, with the first error.
func (p *pipeline) wait() error {
	p.ix.inflight.Wait()
	return p.failed()
}

// abort waits for the batches in flight and returns err.
func (p *pipeline) abort(err error) error {
	_ = p.wait()
	return err
}

// startBatch counts a batch in flight, which Close waits for; it fails
// once the index is closed.
func (ix *Index) startBatch() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return fmt.Errorf("search: apply: %w", ErrClosed)
	}
	ix.inflight.Add(1)
	return nil
}

// batch applies b, the last batch of an Apply, with the next generation
// number, and returns a channel closed once b is on disk. bleve's batches
// are "unsafe": Batch returns once b is searchable, and bleve writes it to
// disk in the background while the next batch is analysed (a full build
// took 11 % less time than with batches that each waited to be
// persisted). Apply then waits for it (waitPersisted); bleve persists
// snapshots in order, so every batch introduced before it is on disk too.
func (ix *Index) batch(b *bleve.Batch) (chan struct{}, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil, fmt.Errorf("search: apply: %w", ErrClosed)
	}
	gen := strconv.FormatUint(ix.gen+1, 10)
	b.SetInternal([]byte(keyGeneration), []byte(gen))
	done := make(chan struct{})
	b.SetPersistedCallback(func(error) { close(done) }) // called once, on success
	if err := ix.bi.Batch(b); err != nil {
		return nil, wrapClosed("apply", err)
	}
	ix.gen++
	return done, nil
}

// waitPersisted returns once persisted, the last batch's channel, is
// closed: every batch applied so far is on disk (bleve persists them in
// order). It then records
// the generation outside the index: a generation file never runs ahead of
// what a crash would leave (Open compares them). It returns bleve's error
// when persisting fails (bleve keeps retrying; the batches stay searchable
// until the process ends) and ctx's when it ends first.
func (ix *Index) waitPersisted(ctx context.Context, persisted chan struct{}) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	select {
	case <-persisted:
	case err := <-ix.persistErr:
		select {
		case <-persisted:
			// persisted on a retry after all
		default:
			return fmt.Errorf("search: apply: persist: %w", err)
		}
	case <-ctx.Done():
		return fmt.Errorf("search: apply: waiting for the disk: %w", ctx.Err())
	}
	gen := strconv.FormatUint(ix.gen, 10)
	tmp := filepath.Join(ix.dir, generationFile+".tmp")
	if err := os.WriteFile(tmp, []byte(gen), 0o600); err != nil {
		return fmt.Errorf("search: apply: record generation: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(ix.dir, generationFile)); err != nil {
		return fmt.Errorf("search: apply: record generation: %w", err)
	}
	return nil
}

// setDurably stores an internal value and returns once it is on disk
// (SetInternal alone returns before, with unsafe batches).
func setDurably(bi bleve.Index, key, val string) error {
	b := bi.NewBatch()
	b.SetInternal([]byte(key), []byte(val))
	done := make(chan error, 1)
	b.SetPersistedCallback(func(err error) { done <- err })
	if err := bi.Batch(b); err != nil {
		return err
	}
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		return errors.New("not persisted within a minute")
	}
}
