package content

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/congkhai/congkhai/calendar"
	"github.com/congkhai/congkhai/tables"
)

// checkpointEvery is the number of CSV rows between two checkpoints.
const checkpointEvery = 512

// csvSource is what a CSV table needs to read its rows again: the layout the
// scan ended with (headings, final column types) and a checkpoint every
// checkpointEvery rows, from which tables.Resume reads on (a checkpoint carries
// the open outline levels, so rows are classified as in the scan).
type csvSource struct {
	Layout      tables.Layout
	Checkpoints []tables.Checkpoint // Checkpoints[k].Row == k*checkpointEvery
}

// readCSV calls fn with the rows at the ascending indexes in want (every row
// when want is nil), resuming at the checkpoint before each row it needs unless
// the rows it is reading lead there sooner.
func (t *Table) readCSV(ctx context.Context, want []int, fn func(Row) error) error {
	cs := t.src.csv
	if len(cs.Checkpoints) == 0 {
		return nil
	}
	f, err := t.open()
	if err != nil {
		return err
	}
	defer func() { f.Close() }()
	seeker, _ := f.(io.Seeker)
	var s *tables.Stream
	next := -1 // index of the row s yields next
	resume := func(k int) error {
		cp := cs.Checkpoints[k]
		if seeker != nil {
			if _, err := seeker.Seek(cp.Offset, io.SeekStart); err != nil {
				return fmt.Errorf("content: read table %s: %w", t.File, err)
			}
		} else {
			f2, err := t.open()
			if err != nil {
				return err
			}
			f.Close()
			f = f2
			if _, err := io.CopyN(io.Discard, f2, cp.Offset); err != nil {
				return fmt.Errorf("content: read table %s: %w", t.File, err)
			}
		}
		s, err = tables.Resume(ctx, t.File, f, &cs.Layout, cp, tables.Options{Location: calendar.Location})
		if err != nil {
			return fmt.Errorf("content: read table %s: %w", t.File, err)
		}
		next = cp.Row
		return nil
	}
	// step reads the row s yields next.
	step := func() (tables.Row, error) {
		if !s.Next() {
			if err := s.Err(); err != nil {
				if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
					return tables.Row{}, err
				}
				return tables.Row{}, fmt.Errorf("content: read table %s: %w", t.File, err)
			}
			return tables.Row{}, fmt.Errorf("content: table %s: row %d: %w", t.File, next+1, ErrStale)
		}
		r := s.Row()
		next++
		return r, nil
	}
	if want == nil {
		if err := resume(0); err != nil {
			return err
		}
		for next < t.RowCount {
			r, err := step()
			if err != nil {
				return err
			}
			if err := fn(t.csvRow(next-1, r)); err != nil {
				return err
			}
		}
		return nil
	}
	for _, target := range want {
		if target < 0 || target >= t.RowCount {
			continue
		}
		// Read on when the row is close ahead; else resume at its checkpoint.
		if s == nil || target < next || target-next >= checkpointEvery {
			if err := resume(min(target/checkpointEvery, len(cs.Checkpoints)-1)); err != nil {
				return err
			}
		}
		for next <= target {
			r, err := step()
			if err != nil {
				return err
			}
			if next-1 == target {
				if err := fn(t.csvRow(target, r)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// csvRow makes row idx (0-based) from what the stream yielded.
func (t *Table) csvRow(idx int, r tables.Row) Row {
	cols := t.src.csv.Layout.Columns
	out := Row{N: idx + 1, Line: r.Line, Role: RowRole(r.Role), Level: r.Level, Label: r.Label, Cells: make([]Value, len(t.Columns))}
	for i := range out.Cells {
		if i < len(r.Cells) && i < len(cols) {
			out.Cells[i] = value(t.Columns[i], cols[i].Type, cols[i].Style, r.Cells[i])
		}
	}
	return out
}
