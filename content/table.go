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

// ErrStale is returned (wrapped) by the methods of Table when the file changed on
// disk after Load scanned it: its size or modification time differ. The caller should
// wait for the next Load.
var ErrStale = errors.New("content: table file changed since it was loaded")

// tableSource is what a Table needs to read its file again.
type tableSource struct {
	fsys  fs.FS
	scan  *tableScan
	cache *sortCache
}

type tableScan struct {
	dataStart   int64 // CSV: byte offset of the first data row
	checkpoints []checkpoint
	styles      []numStyle
	problems    []Problem
	declSig     string // declared columns the scan validated against
}

// checkpoint is where CSV data row `row` (0-based) starts: its byte offset and line.
type checkpoint struct {
	off  int64
	line int
	row  int
}

// open opens the table file and checks that it is the file Load scanned.
func (t *Table) open() (fs.File, error) {
	if t.src.fsys == nil || t.src.scan == nil {
		return nil, fmt.Errorf("content: table %s was not loaded", t.File)
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

// Open returns the original bytes of the table file, for download. The error wraps
// ErrStale when the file changed since Load, or is the error of opening it.
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
	return t.read(ctx, nil, func(idx, line int, _ int64, cells []string) error {
		return fn(t.makeRow(idx+1, line, cells))
	})
}

// read calls fn for the rows at the ascending indexes in want (every row when want
// is nil), reading as little of the file as it can.
func (t *Table) read(ctx context.Context, want []int, fn func(idx, line int, off int64, cells []string) error) error {
	if want != nil && len(want) == 0 {
		return nil
	}
	if t.Format == "xlsx" {
		return t.readXLSX(ctx, want, fn)
	}
	return t.readCSV(ctx, want, fn)
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
