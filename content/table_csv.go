package content

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// checkpointEvery is the number of CSV rows between two recorded byte offsets.
const checkpointEvery = 512

// newCSVReader returns a reader that strips a BOM and reports how many bytes it
// skipped.
func skipBOM(br *bufio.Reader) int64 {
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, bom) {
		_, _ = br.Discard(3)
		return 3
	}
	return 0
}

// detectComma picks ';' when the header line has more semicolons than commas outside
// quotes, else ','.
func detectComma(head []byte) rune {
	commas, semis, inQuote := 0, 0, false
	for _, c := range head {
		switch {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '\n':
			goto done
		case c == ',':
			commas++
		case c == ';':
			semis++
		}
	}
done:
	if semis > commas {
		return ';'
	}
	return ','
}

func newCSV(r io.Reader, comma rune) *csv.Reader {
	cr := csv.NewReader(r)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return cr
}

// readCSV reads one record; a parse error is returned with the record (possibly
// partial) and the line where the record starts (relative to the reader).
func readCSV(cr *csv.Reader) (rec []string, line int, err error) {
	rec, err = cr.Read()
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return rec, pe.StartLine, err
	}
	if err != nil {
		return nil, 0, err
	}
	line, _ = cr.FieldPos(0)
	return rec, line, nil
}

func csvErrMsg(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("CSV: %v (line %d, column %d); put quotes around fields that contain quotes, separators or line breaks and double the quotes inside", pe.Err, pe.Line, pe.Column)
	}
	return err.Error()
}

func scanCSV(ctx context.Context, r io.Reader, t *Table, sc *tableScan, st *scanState) error {
	br := bufio.NewReaderSize(r, 64<<10)
	base := skipBOM(br)
	head, _ := br.Peek(64 << 10)
	t.Comma = detectComma(head)
	cr := newCSV(br, t.Comma)
	hdr, _, err := readCSV(cr)
	if err == io.EOF {
		return errors.New("no header row")
	}
	if err != nil {
		return errors.New(csvErrMsg(err))
	}
	if l := invalidUTF8Fields(hdr); l {
		return errors.New("not UTF-8 text (line 1): save the file as \"CSV UTF-8\"")
	}
	st.setHeader(t.File, hdr)
	sc.dataStart = base + cr.InputOffset()
	n := 0
	for {
		off := base + cr.InputOffset()
		rec, line, err := readCSV(cr)
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if err != nil && !errors.As(err, &pe) {
			return err
		}
		if n%checkpointEvery == 0 {
			if n%(checkpointEvery*64) == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			sc.checkpoints = append(sc.checkpoints, checkpoint{off: off, line: line, row: n})
		}
		if invalidUTF8Fields(rec) {
			return fmt.Errorf("not UTF-8 text (line %d): save the file as \"CSV UTF-8\"", line)
		}
		if err != nil {
			st.problem(line, csvErrMsg(err))
		}
		st.row(line, rec, true)
		n++
	}
	t.RowCount = n
	return nil
}

func invalidUTF8Fields(rec []string) bool {
	for _, f := range rec {
		if !utf8.ValidString(f) {
			return true
		}
	}
	return false
}

type csvCursor struct {
	cr       *csv.Reader
	base     int64 // file offset the reader started at
	next     int   // index of the next row the reader returns
	lineBase int   // add to reader lines; set from the first row read
	known    bool  // lineBase is set
	line0    int   // file line of row `next` when the reader started
}

func (t *Table) readCSV(ctx context.Context, want []int, fn func(idx, line int, off int64, cells []string) error) error {
	f, err := t.open()
	if err != nil {
		return err
	}
	defer func() { f.Close() }()
	sc := t.src.scan
	pos := t.src.cache.positions()
	var cur csvCursor
	// start positions the reader at byte off, where row `row` starts on file line `line`.
	start := func(off int64, row, line, bufSize int) error {
		if s, ok := f.(io.Seeker); ok {
			if _, err := s.Seek(off, io.SeekStart); err != nil {
				return fmt.Errorf("content: read table %s: %w", t.File, err)
			}
		} else {
			// Not seekable: reopen and skip.
			f2, err := t.open()
			if err != nil {
				return err
			}
			f.Close()
			f = f2
			if _, err := io.CopyN(io.Discard, f2, off); err != nil {
				return fmt.Errorf("content: read table %s: %w", t.File, err)
			}
		}
		cur = csvCursor{cr: newCSV(bufio.NewReaderSize(f, bufSize), t.Comma), base: off, next: row, line0: line}
		return nil
	}
	seek := func(target int) error {
		if pos != nil && target < len(pos) {
			// Exact position known from a sort pass: read from the row itself.
			return start(pos[target].off, target, int(pos[target].line), 4<<10)
		}
		cpi := min(target/checkpointEvery, len(sc.checkpoints)-1)
		if cpi < 0 {
			return io.EOF
		}
		cp := sc.checkpoints[cpi]
		return start(cp.off, cp.row, cp.line, 32<<10)
	}
	emit := func(target int, all bool) error {
		for cur.next <= target || all {
			off := cur.base + cur.cr.InputOffset()
			rec, line, err := readCSV(cur.cr)
			if err == io.EOF {
				if all {
					return nil
				}
				return fmt.Errorf("content: table %s: row %d: %w", t.File, target+1, ErrStale)
			}
			var pe *csv.ParseError
			if err != nil && !errors.As(err, &pe) {
				return fmt.Errorf("content: read table %s: %w", t.File, err)
			}
			if !cur.known {
				cur.lineBase, cur.known = cur.line0-line, true
			}
			idx := cur.next
			cur.next++
			if idx%1024 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			if all || idx == target {
				if err := fn(idx, line+cur.lineBase, off, rec); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if want == nil {
		if len(sc.checkpoints) == 0 {
			return nil
		}
		if err := seek(0); err != nil {
			return err
		}
		return emit(0, true)
	}
	for _, target := range want {
		if target < 0 || target >= t.RowCount {
			continue
		}
		// Seek when the target is behind us, or ahead beyond what reading on costs.
		if cur.cr == nil || target < cur.next ||
			(pos != nil && target > cur.next+8) ||
			(pos == nil && target/checkpointEvery > cur.next/checkpointEvery) {
			if err := seek(target); err != nil {
				return err
			}
		}
		if err := emit(target, false); err != nil {
			return err
		}
	}
	return nil
}
