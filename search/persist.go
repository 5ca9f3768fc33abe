package search

import (
	"errors"
	"os"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// bleve reports a failure to persist an unsafe batch through a callback
// registered by name, with the path of the index's store; asyncErrors routes
// it to the Index waiting on that folder.
const asyncErrorCallback = "congkhai-search"

func init() {
	scorch.RegistryAsyncErrorCallbacks[asyncErrorCallback] = asyncErrors.deliver
}

// bleveConfig is the runtime configuration of every index: extra plus
// unsafe batches and the error callback.
func bleveConfig(extra map[string]interface{}) map[string]interface{} {
	c := map[string]interface{}{
		"unsafe_batch":           true,
		"asyncErrorCallbackName": asyncErrorCallback,
	}
	for k, v := range extra {
		c[k] = v
	}
	return c
}

type asyncErrorRoutes struct {
	mu     sync.Mutex
	byPath map[string]chan error // by store path
}

var asyncErrors asyncErrorRoutes

// storePath is the path bleve gives its store for an index in dir.
func storePath(dir string) string { return dir + string(os.PathSeparator) + "store" }

// watch returns the channel that gets the persisting errors of the index
// in dir (the latest one waits there; later ones are dropped until it is
// read).
func (r *asyncErrorRoutes) watch(dir string) chan error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byPath == nil {
		r.byPath = map[string]chan error{}
	}
	ch := make(chan error, 1)
	r.byPath[storePath(dir)] = ch
	return ch
}

func (r *asyncErrorRoutes) forget(dir string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.byPath, storePath(dir))
}

func (r *asyncErrorRoutes) deliver(err error, path string) {
	r.mu.Lock()
	ch := r.byPath[path]
	r.mu.Unlock()
	if ch == nil {
		return
	}
	select {
	case ch <- err:
	default:
	}
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
