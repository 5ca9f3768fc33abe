package content

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
)

// ErrStale is returned (wrapped) by the methods of Table when a CSV file changed
// on disk after Load scanned it: its size or modification time differ. The caller
// should wait for the next Load.
var ErrStale = errors.New("content: table file changed since it was loaded")

// tableSource is what a Table reads its rows from: the CSV file again (csv), or
// the rows a workbook held when it was loaded (book).
type tableSource struct {
	fsys  fs.FS
	csv   *csvSource
	book  *bookRows
	scan  *tableScan
	cache *sortCache
}

// tableScan is what a scan found besides the table: its problems and guesses
// (reported by every load that uses the scan), and the declarations it was made
// under.
type tableScan struct {
	problems []Problem
	declSig  string
}

// open opens the table file and checks that it is the file Load scanned.
func (t *Table) open() (fs.File, error) {
	if t.src.fsys == nil {
		return nil, fmt.Errorf("content: table %s was not loaded", t.ID)
	}
	f, err := t.src.fsys.Open(t.File)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("content: open table %s: %w", t.File, ErrStale)
		}
		return nil, fmt.Errorf("content: open table %s: %w", t.File, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("content: stat table %s: %w", t.File, err)
	}
	if info.Size() != t.Size || !info.ModTime().Equal(t.ModTime) {
		f.Close()
		return nil, fmt.Errorf("content: table %s: %w", t.File, ErrStale)
	}
	return f, nil
}

// Open returns the original bytes of the table's file (the whole workbook for a
// sheet), for download. The error wraps ErrStale when the file changed since
// Load, or is the error of opening it.
func (t *Table) Open() (io.ReadCloser, error) {
	f, err := t.open()
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Each calls fn with every row in file order. It stops at the first error of fn and
// returns it unwrapped; it returns ctx.Err() if ctx ends, an error wrapping ErrStale
// if the file changed since Load, or a read error.
func (t *Table) Each(ctx context.Context, fn func(Row) error) error {
	return t.read(ctx, nil, func(r Row) error { return fn(r) })
}

// read calls fn with the rows at the ascending indexes in want (every row when
// want is nil), reading as little as it can.
func (t *Table) read(ctx context.Context, want []int, fn func(Row) error) error {
	if want != nil && len(want) == 0 {
		return nil
	}
	switch {
	case t.src.book != nil:
		return t.src.book.read(ctx, t, want, fn)
	case t.src.csv != nil:
		return t.readCSV(ctx, want, fn)
	}
	return fmt.Errorf("content: table %s was not loaded", t.ID)
}

// hashFile returns the hex sha256 of a file.
func hashFile(fsys fs.FS, p string) (string, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hexSum(h), nil
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }
