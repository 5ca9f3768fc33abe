package search

// A search that panics.
//
// A panic in a search (in the search's goroutine, or in one it started for
// facets or highlights, where nothing else would catch it and the process
// would end), in a suggestion or in Warm becomes an error wrapping ErrDamaged: the caller answers that
// one request with an error and the process keeps serving. A panic there
// most likely comes from a damaged index (the checks at open read the
// segments' checksums, not what bleve makes of them), so the index is also
// marked damaged: the file damagedFile holds the reason, Open then reports
// ErrRebuild and the next start rebuilds the index from the content;
// Health().Damaged says so meanwhile.

import (
	"fmt"
	"io"
	"path/filepath"
	"runtime/debug"

	"github.com/congkhai/congkhai/internal/atomicfile"
)

// damagedFile marks an index to rebuild at the next open; it holds why.
const damagedFile = "congkhai_damaged"

// goroutinePanic carries a panic from a goroutine a search started to the
// search's own goroutine, with the stack where it happened.
type goroutinePanic struct {
	v     any
	stack []byte
}

// recovered turns a panic of op into an error (and a zero result), if there
// was one; call it deferred, as defer recovered(ix, "search", &res, &err).
func recovered[T any](ix *Index, op string, res *T, err *error) {
	v := recover()
	if v == nil {
		return
	}
	stack := debug.Stack()
	if gp, ok := v.(goroutinePanic); ok {
		v, stack = gp.v, gp.stack
	}
	var zero T
	*res, *err = zero, ix.damaged(op, v, stack)
}

// damaged logs the panic v of op, marks the index damaged (the first reason
// is kept) and returns the error the caller gets.
func (ix *Index) damaged(op string, v any, stack []byte) error {
	reason := fmt.Sprintf("%s panicked: %v", op, v)
	ix.opts.Log.Error("search: a search panicked; the index is marked damaged and will be rebuilt at the next start", "dir", ix.dir, "op", op, "panic", fmt.Sprint(v), "stack", string(stack))
	ix.damage.mu.Lock()
	first := ix.damage.reason == ""
	if first {
		ix.damage.reason = reason
	}
	ix.damage.mu.Unlock()
	if first {
		err := atomicfile.Write(filepath.Join(ix.dir, damagedFile), func(w io.Writer) error {
			_, err := io.WriteString(w, reason)
			return err
		})
		if err != nil {
			ix.opts.Log.Error("search: mark the index damaged", "dir", ix.dir, "err", err)
		}
	}
	return fmt.Errorf("search: %s: %w: %v", op, ErrDamaged, v)
}

// fault calls the tests' fault hook for where.
func (ix *Index) fault(where string) {
	if ix.opts.fault != nil {
		ix.opts.fault(where)
	}
}
