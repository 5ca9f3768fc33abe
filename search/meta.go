package search

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/congkhai/congkhai/internal/atomicfile"
)

// SetMeta stores val durably under key, outside the searchable documents
// (e.g. the portal's manifest of indexed content hashes). A nil val deletes
// the key. Keys are letters, digits, '.', '-' and '_'.
//
// Values live in files of the index folder (meta-<key>), written to a
// temporary file, synced and renamed: bleve keeps its internal values in
// memory for every snapshot, and a manifest of 100,000 notices there cost
// 10 MB of heap. A value that an older version kept in bleve's internal
// storage is still read, and removed at its first SetMeta.
func (ix *Index) SetMeta(key string, val []byte) error {
	file, err := ix.lockMeta("set meta", key)
	if err != nil {
		return err
	}
	defer ix.mu.Unlock()
	if val == nil {
		if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("search: set meta %s: %w", key, err)
		}
	} else if err := atomicfile.Write(file, func(w io.Writer) error { _, err := w.Write(val); return err }); err != nil {
		return fmt.Errorf("search: set meta %s: %w", key, err)
	}
	if old, err := ix.bi.GetInternal([]byte(metaKeyPrefix + key)); err == nil && old != nil {
		if err := ix.bi.DeleteInternal([]byte(metaKeyPrefix + key)); err != nil {
			return wrapClosed("set meta "+key, err)
		}
	}
	return nil
}

// AppendMeta appends val to the value stored under key (creating it), and
// returns once the bytes are on disk. Unlike SetMeta it is not atomic: after a
// crash the value may end with the first part of the last append. Callers
// frame what they append (lines, say) and ignore an unfinished frame; a log of
// small changes beside a value rewritten now and then by SetMeta costs a
// few bytes per change instead of the whole value.
func (ix *Index) AppendMeta(key string, val []byte) error {
	file, err := ix.lockMeta("append meta", key)
	if err != nil {
		return err
	}
	defer ix.mu.Unlock()
	_, statErr := os.Stat(file)
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("search: append meta %s: %w", key, err)
	}
	_, err = f.Write(val)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && errors.Is(statErr, fs.ErrNotExist) {
		err = atomicfile.SyncDir(ix.dir) // the new file's name is durable too
	}
	if err != nil {
		return fmt.Errorf("search: append meta %s: %w", key, err)
	}
	return nil
}

// Meta returns the value stored under key by SetMeta or AppendMeta, or nil
// (and no error) when the key was never set.
func (ix *Index) Meta(key string) ([]byte, error) {
	file, err := ix.lockMeta("meta", key)
	if err != nil {
		return nil, err
	}
	ix.mu.Unlock()
	b, err := os.ReadFile(file)
	if err == nil {
		return b, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("search: meta %s: %w", key, err)
	}
	v, err := ix.bi.GetInternal([]byte(metaKeyPrefix + key)) // an older version's
	if err != nil {
		return nil, wrapClosed("meta "+key, err)
	}
	return v, nil
}

// lockMeta returns the file of key with ix.mu held (the caller unlocks it),
// or an error for a bad key or a closed index (op names the operation).
func (ix *Index) lockMeta(op, key string) (string, error) {
	file, err := ix.metaFile(key)
	if err != nil {
		return "", err
	}
	ix.mu.Lock()
	if ix.closed {
		ix.mu.Unlock()
		return "", fmt.Errorf("search: %s %s: %w", op, key, ErrClosed)
	}
	return file, nil
}

func (ix *Index) metaFile(key string) (string, error) {
	if key == "" || strings.IndexFunc(key, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_')
	}) >= 0 {
		return "", fmt.Errorf("search: meta key %q: only letters, digits, '.', '-' and '_'", key)
	}
	return filepath.Join(ix.dir, "meta-"+key), nil
}
