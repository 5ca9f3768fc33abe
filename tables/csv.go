package tables

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"time"
	"unicode/utf8"

	"github.com/congkhai/congkhai/msg"
)

// Stream reads a CSV table one row at a time, with memory independent of the number
// of rows: NewStream reads the first Limits.HeadRows records to detect the layout,
// then Next classifies the rows one by one.
//
// The column types of Layout are guessed from the first rows while the stream runs,
// and final once Next has returned false (they then account for every row). A caller
// that pages through a large file reads it once to the end, keeps the final Layout
// and a Checkpoint every so many rows, and later calls Resume at a checkpoint to read
// rows typed by the final layout.
type Stream struct {
	ctx      context.Context
	name     string
	opts     Options
	lim      Limits
	loc      *time.Location
	guard    *guardReader
	cr       *csv.Reader
	base     int64 // file offset of the CSV reader's first byte
	lineBase int   // added to the CSV reader's line numbers
	layout   *Layout
	cls      *classifier
	typer    *columnTyper
	queue    []csvRec
	row      Row
	cp       Checkpoint
	notes    []Note
	probs    []Problem
	dropped  int // problems beyond maxProblems
	rows     int
	err      error
	done     bool
	resumed  bool
	// headColumns are the columns as guessed from the head, before the end.
	headColumns []Column
}

// Checkpoint is where a row starts in a CSV file and the state needed to classify
// rows from there on. State is opaque.
type Checkpoint struct {
	Offset int64  // byte offset of the row's first byte in the file
	Line   int    // line on which the row starts
	Row    int    // 0-based index of the row among the rows the stream yields
	State  []byte // the classifier's state before the row
}

type csvRec struct {
	line  int
	off   int64
	cells []xcell
}

// maxProblems bounds the row problems a stream reports.
const maxProblems = 20

// NewStream reads the head of a CSV file from r and detects its layout. name names
// the file in errors. The error is an *Error (wrapping ErrLimit or ErrUnreadable)
// when the file is refused: not UTF-8, no rows, a record beyond the limits.
func NewStream(ctx context.Context, name string, r io.Reader, opts Options) (*Stream, error) {
	s := newStream(ctx, name, opts)
	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, bom) {
		_, _ = br.Discard(3)
		s.base = 3
	} else if b, err := br.Peek(2); err == nil && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF) {
		return nil, &Error{File: name, Msg: msg.New("UTF-16 text (Excel's \"Unicode Text\"): save the file as \"CSV UTF-8\""), Err: ErrUnreadable}
	}
	comma := opts.Comma
	if comma == 0 {
		head, _ := br.Peek(64 << 10)
		comma = detectComma(head)
	}
	s.start(br, comma)
	var head []csvRec
	for len(head) < s.lim.HeadRows {
		rec, err := s.read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		head = append(head, rec)
	}
	if len(head) == 0 {
		return nil, &Error{File: name, Msg: msg.New("the file has no rows"), Err: ErrUnreadable}
	}
	sh := &sheet{}
	for i, rec := range head {
		for c, x := range rec.cells {
			if x.kind != kEmpty {
				sh.set(i, c, x)
			}
		}
	}
	det := detect(sh, opts.Declared, s.lim, true)
	l := det.layout
	l.Comma = comma
	// Rows of the head grid are records; the layout speaks in file lines.
	if det.dataRow < len(head) {
		l.DataLine = head[det.dataRow].line
	}
	if l.NumberRow > 0 && l.NumberRow-1 < len(head) {
		l.NumberRow = head[l.NumberRow-1].line
	}
	s.layout = &l
	// Columns come from the head; later records may be wider.
	var views []rowView
	for _, rec := range head[min(det.dataRow, len(head)):] {
		if v, ok := viewOf(rec.cells, det.cols); ok {
			views = append(views, v)
		}
	}
	s.cls = analyzeBody(s.layout, views)
	// Guess the types from the head: classify a copy so notes stay out of the evidence.
	scratch := newClassifier(s.layout)
	typer := newColumnTyper(len(l.Columns), s.loc)
	for i, v := range views {
		if cl := scratch.classify(v); cl.note == "" && !cl.skip {
			typer.add(v, i)
		}
	}
	headLayout := *s.layout
	headLayout.Guesses = nil
	headLayout.Columns = append([]Column(nil), s.layout.Columns...)
	_ = typer.apply(&headLayout, opts.Declared)
	s.layout.Columns = headLayout.Columns
	s.headColumns = append([]Column(nil), headLayout.Columns...)
	s.typer = newColumnTyper(len(l.Columns), s.loc)
	s.queue = head[min(det.dataRow, len(head)):]
	return s, nil
}

// Resume reads on from a checkpoint of a stream over the same file: r must be
// positioned at cp.Offset, and l is the stream's final Layout. Rows are typed by l,
// which Resume does not change.
func Resume(ctx context.Context, name string, r io.Reader, l *Layout, cp Checkpoint, opts Options) (*Stream, error) {
	s := newStream(ctx, name, opts)
	s.layout = l
	s.cls = newClassifier(l)
	if !s.cls.setState(cp.State) {
		return nil, &Error{File: name, Msg: msg.New("the checkpoint's state is not one this version wrote: read the file again"), Err: ErrUnreadable}
	}
	s.resumed = true
	s.base = cp.Offset
	s.lineBase = cp.Line - 1
	s.rows = cp.Row
	s.start(bufio.NewReaderSize(r, 32<<10), l.Comma)
	return s, nil
}

func newStream(ctx context.Context, name string, opts Options) *Stream {
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	return &Stream{ctx: ctx, name: name, opts: opts, lim: opts.Limits.withDefaults(), loc: loc}
}

func (s *Stream) start(r io.Reader, comma rune) {
	// The CSV reader buffers 4 KB ahead of the record it parses.
	s.guard = &guardReader{r: r, limit: int64(s.lim.MaxRecordBytes) + 8<<10}
	cr := csv.NewReader(s.guard)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	s.cr = cr
}

// guardReader fails when one record would take more than limit bytes (an
// unterminated quote makes the rest of a file one field).
type guardReader struct {
	r     io.Reader
	n     int64
	limit int64
}

func (g *guardReader) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	g.n += int64(n)
	if g.n > g.limit {
		return n, errRecordTooLong
	}
	return n, err
}

var errRecordTooLong = errors.New("record too long")

// read returns the next record as cells.
func (s *Stream) read() (csvRec, error) {
	off := s.base + s.cr.InputOffset()
	s.guard.n = 0
	rec, err := s.cr.Read()
	var pe *csv.ParseError
	line := 0
	switch {
	case errors.Is(err, io.EOF):
		return csvRec{}, io.EOF
	case errors.Is(err, errRecordTooLong):
		return csvRec{}, &Error{File: s.name, Msg: msg.New("a record longer than %d bytes near byte %d (an unterminated quote?): check the quotes", s.lim.MaxRecordBytes, off), Err: ErrLimit}
	case errors.As(err, &pe):
		line = pe.StartLine + s.lineBase
		s.problem(Problem{Line: line, Msg: msg.New("CSV: %v (line %d, column %d); put quotes around fields that contain quotes, separators or line breaks and double the quotes inside", CSVMessage(pe.Err), pe.Line+s.lineBase, pe.Column)})
		if rec == nil {
			return csvRec{line: line, off: off}, nil
		}
	case err != nil:
		return csvRec{}, &Error{File: s.name, Msg: msg.New("read: %v", err), Err: err}
	default:
		line, _ = s.cr.FieldPos(0)
		line += s.lineBase
	}
	if len(rec) > s.lim.MaxColumns {
		return csvRec{}, &Error{File: s.name, Msg: msg.New("line %d has %d fields (limit %d columns): check the separator", line, len(rec), s.lim.MaxColumns), Err: ErrLimit}
	}
	cells := make([]xcell, len(rec))
	for i, f := range rec {
		if !utf8.ValidString(f) {
			return csvRec{}, &Error{File: s.name, Msg: msg.New("not UTF-8 text (line %d): save the file as \"CSV UTF-8\"", line), Err: ErrUnreadable}
		}
		if f != "" {
			cells[i] = xcell{kind: kText, text: clean(f)}
		}
	}
	return csvRec{line: line, off: off, cells: cells}, nil
}

func (s *Stream) problem(p Problem) {
	if len(s.probs) >= maxProblems {
		s.dropped++
		return
	}
	s.probs = append(s.probs, p)
}

// Next advances to the next row, and reports false at the end or on an error (see
// Err). Footnotes and signature lines are not rows: they are collected in Notes.
func (s *Stream) Next() bool {
	if s.done || s.err != nil {
		return false
	}
	for {
		var rec csvRec
		if len(s.queue) > 0 {
			rec, s.queue = s.queue[0], s.queue[1:]
		} else {
			if s.rows%1024 == 0 && s.ctx.Err() != nil {
				s.err = s.ctx.Err()
				return false
			}
			var err error
			rec, err = s.read()
			if errors.Is(err, io.EOF) {
				s.finish()
				return false
			}
			if err != nil {
				s.err = err
				return false
			}
		}
		cols := s.layoutCols()
		v, ok := viewOf(rec.cells, cols)
		if !ok {
			continue
		}
		if len(rec.cells) > s.layout.Width {
			for c := s.layout.Width; c < len(rec.cells); c++ {
				if !rec.cells[c].empty() {
					s.problem(Problem{Line: rec.line, Msg: msg.New("a value in field %d, right of the last column: check the separators and quotes of this line", c+1)})
					break
				}
			}
		}
		s.cp = Checkpoint{Offset: rec.off, Line: rec.line, Row: s.rows, State: s.cls.state()}
		cl := s.cls.classify(v)
		if cl.skip {
			continue
		}
		if cl.note != "" {
			s.notes = append(s.notes, Note{Kind: cl.note, Line: rec.line, Text: cl.text})
			continue
		}
		if !s.resumed {
			s.typer.add(v, rec.line)
		}
		s.row = makeRow(v, cl, rec.line, s.layout, false, s.loc)
		s.rows++
		return true
	}
}

func (s *Stream) layoutCols() []int {
	cols := make([]int, len(s.layout.Columns))
	for i, c := range s.layout.Columns {
		cols[i] = c.Index
	}
	return cols
}

func (s *Stream) finish() {
	s.done = true
	if s.resumed {
		return
	}
	final := *s.layout
	final.Columns = append([]Column(nil), s.layout.Columns...)
	probs := s.typer.apply(&final, s.opts.Declared)
	*s.layout = final
	for _, p := range probs {
		s.problem(p)
	}
	if s.dropped > 0 {
		s.probs = append(s.probs, Problem{Msg: msg.New("%d more problems not listed", s.dropped)})
	}
}

// Row returns the current row. Its Cells are valid until the next call to Next.
func (s *Stream) Row() Row { return s.row }

// Checkpoint returns where the current row starts and the state to classify it: a
// stream resumed there yields the current row first.
func (s *Stream) Checkpoint() Checkpoint { return s.cp }

// Layout returns the table's layout; its column types are final once Next has
// returned false.
func (s *Stream) Layout() *Layout { return s.layout }

// Notes returns the footnotes and signature lines met so far.
func (s *Stream) Notes() []Note { return s.notes }

// Problems returns the problems met so far: malformed records, values beyond the
// last column, and (at the end) ambiguous numbers and error values.
func (s *Stream) Problems() []Problem { return s.probs }

// Rows returns the number of rows yielded so far (from the checkpoint's row on, for a
// resumed stream).
func (s *Stream) Rows() int { return s.rows }

// Err returns the error that stopped the stream: an *Error for a refused file, or
// ctx.Err().
func (s *Stream) Err() error { return s.err }

// detectComma picks the separator that splits the first lines into the same number
// of fields most often: ',', ';', tab or '|'.
func detectComma(head []byte) rune {
	cands := []byte{',', ';', '\t', '|'}
	counts := make([][]int, len(cands))
	lines := 0
	inQuote := false
	cur := make([]int, len(cands))
	flush := func() {
		any := false
		for _, n := range cur {
			if n > 0 {
				any = true
			}
		}
		if any {
			for i := range cands {
				counts[i] = append(counts[i], cur[i])
			}
		}
		lines++
		for i := range cur {
			cur[i] = 0
		}
	}
	for _, c := range head {
		if lines >= 30 {
			break
		}
		switch {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '\n':
			flush()
		default:
			for i, k := range cands {
				if c == k {
					cur[i]++
				}
			}
		}
	}
	if lines < 30 && !inQuote {
		flush()
	}
	best, bestScore := ',', -1
	for i, k := range cands {
		freq := map[int]int{}
		for _, n := range counts[i] {
			if n > 0 {
				freq[n]++
			}
		}
		score := 0
		for n, f := range freq {
			if s := f*1000 + n; s > score {
				score = s
			}
		}
		if score > bestScore {
			best, bestScore = rune(k), score
		}
	}
	return best
}

// readCSVTable reads a whole CSV file into a Table, within the cell limit.
func readCSVTable(ctx context.Context, name string, r io.Reader, opts Options) (*Table, error) {
	s, err := NewStream(ctx, name, r, opts)
	if err != nil {
		return nil, err
	}
	lim := opts.Limits.withDefaults()
	t := &Table{}
	cells := 0
	for s.Next() {
		row := s.Row()
		cells += len(row.Cells)
		if cells > lim.MaxCells {
			return nil, &Error{File: name, Msg: msg.New("more than %d cells: read the file as a stream", lim.MaxCells), Err: ErrLimit}
		}
		t.Rows = append(t.Rows, row)
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	// The rows were typed by the head's guess: type them again by the final columns
	// where a column's type or style changed.
	final := s.Layout()
	for i, c := range final.Columns {
		if i >= len(s.headColumns) || s.headColumns[i].Type == c.Type && s.headColumns[i].Style == c.Style {
			continue
		}
		for k := range t.Rows {
			raw := t.Rows[k].Cells[i].Raw
			if raw == "" {
				continue
			}
			x := xcell{kind: kText, text: raw}
			t.Rows[k].Cells[i] = makeCell(&x, &final.Columns[i], false, s.loc)
		}
	}
	t.Layout = *final
	t.Notes = s.Notes()
	t.Problems = s.Problems()
	return t, nil
}

// CSVMessage is an error of encoding/csv (a csv.ParseError's Err) as a
// message: the errors the reader knows translated, others as written.
func CSVMessage(err error) msg.Text {
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return msg.New("a quote inside a field that is not in quotes")
	case errors.Is(err, csv.ErrQuote):
		return msg.New("a quote that is not closed, or text after a closing quote")
	case errors.Is(err, csv.ErrFieldCount):
		return msg.New("wrong number of fields")
	}
	return msg.New("%v", err)
}
