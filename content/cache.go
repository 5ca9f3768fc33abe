package content

import (
	"bufio"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"time"

	"github.com/congkhai/congkhai/calendar"
)

// The cache lets a restarted portal skip reading and parsing the files that did
// not change while it was down: WriteCache saves what a load learnt about each
// markdown file (its metadata, keyed by path with the size, time and hash of the
// file it came from) and each table (its scan), and ReadCache turns that into a
// Site to pass to Load as prev.

// cacheMagic and cacheVersion identify the format. Bump cacheVersion whenever what
// parsing produces changes (a new field, a different summary, other problems), so
// that a newer binary does not serve an older binary's parse.
const (
	cacheMagic   = "congkhai content cache"
	cacheVersion = 7 // tables read by package tables; notices in their own encoding (encodeNotice) with their disclosure fields, datasets with their kind; problems and guesses as messages in two languages (msg.Text)
)

// ErrCacheUnusable is wrapped by ReadCache when r holds no cache it can use: another
// format or version, another content folder, or truncated or corrupt data.
var ErrCacheUnusable = errors.New("content: cache unusable")

type cacheHeader struct {
	Magic   string
	Version int
	Key     string
	Config  SiteConfig
	Files   int
	Tables  int
}

type cacheMD struct {
	Path        string
	Hash        string
	Size        int64
	ModTime     time.Time
	Unsafe      bool
	Agency      *Agency
	Notice      []byte // encodeNotice's
	Dataset     *Dataset
	ParentLine  int
	Attachments []cacheAttachment
	Related     []cacheRef
	Columns     map[string]Column
	ColumnLines map[string]int
	Warnings    []Problem
	Tables      []TableDecl
}

type cacheAttachment struct {
	Attachment
	File string
	Line int
}

type cacheRef struct {
	Ref  string
	Line int
}

type cacheTable struct {
	Table    *Table
	CSV      *csvSource
	Book     *bookRows
	Problems []Problem
	DeclSig  string
}

// The cache is gob streams one after the other, so that a start can decode
// them on several cores: the first holds the header and the tables, each
// other one a share of the markdown files (a count, then the entries). A
// trailer gives each stream's offset and length (8 bytes each, big-endian)
// and their number (4 bytes); a CRC-32C of everything before it ends the file.
const cacheParts = 4 // streams of markdown files

// WriteCache writes what the load that built s knows about each markdown file and
// table of the folder to w. key names the content folder (its absolute path, say):
// ReadCache accepts the cache only with the same key. The error is w's or the
// encoder's.
func WriteCache(w io.Writer, s *Site, key string) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	sum := crc32.New(castagnoli)
	cw := &countWriter{w: io.MultiWriter(bw, sum)}
	var sections []uint64 // offset, length, …
	section := func(write func(enc *gob.Encoder) error) error {
		start := cw.n
		if err := write(gob.NewEncoder(cw)); err != nil {
			return fmt.Errorf("content: write cache: %w", err)
		}
		sections = append(sections, uint64(start), uint64(cw.n-start))
		return nil
	}
	err := section(func(enc *gob.Encoder) error {
		h := cacheHeader{Magic: cacheMagic, Version: cacheVersion, Key: key, Config: s.Config, Files: len(s.parsed), Tables: countTables(s.tables)}
		if err := enc.Encode(&h); err != nil {
			return err
		}
		for p, ts := range s.tables {
			for _, t := range ts {
				sc := t.src.scan
				if sc == nil {
					return fmt.Errorf("table %s was not scanned", p)
				}
				e := cacheTable{Table: t, CSV: t.src.csv, Book: t.src.book, Problems: sc.problems, DeclSig: sc.declSig}
				if err := enc.Encode(&e); err != nil {
					return fmt.Errorf("%s: %w", t.ID, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	paths := make([]string, 0, len(s.parsed))
	for p := range s.parsed {
		paths = append(paths, p)
	}
	for part := range cacheParts {
		share := paths[part*len(paths)/cacheParts : (part+1)*len(paths)/cacheParts]
		err := section(func(enc *gob.Encoder) error {
			if err := enc.Encode(len(share)); err != nil {
				return err
			}
			for _, p := range share {
				e := toCacheMD(p, s.parsed[p])
				if err := enc.Encode(&e); err != nil {
					return fmt.Errorf("%s: %w", p, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	var trailer []byte
	for _, v := range sections {
		trailer = binary.BigEndian.AppendUint64(trailer, v)
	}
	trailer = binary.BigEndian.AppendUint32(trailer, uint32(len(sections)/2))
	if _, err := cw.Write(trailer); err != nil {
		return fmt.Errorf("content: write cache: %w", err)
	}
	// A checksum of everything: a flipped byte inside a title decodes well
	// and would be served as if the file said so.
	if _, err := bw.Write(sum.Sum(nil)); err != nil {
		return fmt.Errorf("content: write cache: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("content: write cache: %w", err)
	}
	return nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ReadCache reads a cache written by WriteCache with the same key and returns a
// Site that holds only what Load reuses; pass it to Load as prev (never serve it).
// The error wraps ErrCacheUnusable when r holds no usable cache (the caller then
// loads without one), or is r's read error. When r is also an io.ReaderAt (a
// file), the markdown files' streams are decoded in parallel.
func ReadCache(r io.ReadSeeker, key string) (s *Site, err error) {
	defer func() {
		// gob is robust to corrupt input, but a cache must never stop a start.
		if p := recover(); p != nil {
			s, err = nil, fmt.Errorf("%w: %v", ErrCacheUnusable, p)
		}
	}()
	// The cache of a large site is tens of megabytes. It is read twice
	// rather than into one buffer as large as itself (whose pages a virtual
	// machine can be slow to hand out): once for its checksum, then decoded
	// as it is read. Nothing is decoded before the checksum is right.
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, fmt.Errorf("content: read cache: %w", err)
	}
	n := size - crc32.Size
	if n < 4 {
		return nil, fmt.Errorf("%w: too short", ErrCacheUnusable)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("content: read cache: %w", err)
	}
	sum := crc32.New(castagnoli)
	if _, err := io.Copy(sum, io.LimitReader(r, n-4)); err != nil {
		return nil, fmt.Errorf("content: read cache: %w", err)
	}
	var tail [4 + crc32.Size]byte
	if _, err := io.ReadFull(r, tail[:]); err != nil {
		return nil, fmt.Errorf("content: read cache: %w", err)
	}
	sum.Write(tail[:4])
	if binary.BigEndian.Uint32(tail[4:]) != sum.Sum32() {
		return nil, fmt.Errorf("%w: checksum mismatch (truncated or damaged)", ErrCacheUnusable)
	}
	// The trailer: where each stream is.
	parts := int64(binary.BigEndian.Uint32(tail[:4]))
	tlen := parts * 16
	if parts < 1 || parts > 64 || tlen > n-4 {
		return nil, fmt.Errorf("%w: not a content cache of this version", ErrCacheUnusable)
	}
	trailer := make([]byte, tlen)
	if _, err := r.Seek(n-4-tlen, io.SeekStart); err != nil {
		return nil, fmt.Errorf("content: read cache: %w", err)
	}
	if _, err := io.ReadFull(r, trailer); err != nil {
		return nil, fmt.Errorf("content: read cache: %w", err)
	}
	type span struct{ off, len int64 }
	spans := make([]span, parts)
	end := int64(0)
	for i := range spans {
		sp := span{int64(binary.BigEndian.Uint64(trailer[16*i:])), int64(binary.BigEndian.Uint64(trailer[16*i+8:]))}
		if sp.off != end || sp.len < 0 || sp.off+sp.len > n-4-tlen {
			return nil, fmt.Errorf("%w: not a content cache of this version", ErrCacheUnusable)
		}
		spans[i], end = sp, sp.off+sp.len
	}
	open := func(sp span) io.Reader { return io.NewSectionReader(readerAt{r}, sp.off, sp.len) }
	ra, parallelOK := r.(io.ReaderAt)
	if parallelOK {
		open = func(sp span) io.Reader { return io.NewSectionReader(ra, sp.off, sp.len) }
	}

	dec := gob.NewDecoder(bufio.NewReaderSize(open(spans[0]), 1<<16))
	var h cacheHeader
	if err := dec.Decode(&h); err != nil {
		return nil, unusable(err)
	}
	switch {
	case h.Magic != cacheMagic:
		return nil, fmt.Errorf("%w: not a content cache", ErrCacheUnusable)
	case h.Version != cacheVersion:
		return nil, fmt.Errorf("%w: version %d, want %d", ErrCacheUnusable, h.Version, cacheVersion)
	case h.Key != key:
		return nil, fmt.Errorf("%w: written for %q, not %q", ErrCacheUnusable, h.Key, key)
	}
	s = newSite(h.Config)
	for i := 0; i < h.Tables; i++ {
		var e cacheTable
		if err := dec.Decode(&e); err != nil {
			return nil, unusable(err)
		}
		if e.Table == nil || e.Table.File == "" {
			return nil, fmt.Errorf("%w: table entry %d is empty", ErrCacheUnusable, i)
		}
		if (e.CSV == nil) == (e.Book == nil) {
			return nil, fmt.Errorf("%w: table entry %d has no rows", ErrCacheUnusable, i)
		}
		t := e.Table
		t.ModTime = inLocation(t.ModTime)
		t.src = tableSource{csv: e.CSV, book: e.Book, scan: &tableScan{problems: e.Problems, declSig: e.DeclSig},
			cache: &sortCache{perms: map[permKey]*permEntry{}}}
		s.tables[t.File] = append(s.tables[t.File], t)
	}

	// The markdown files' streams, in parallel when r can be read at offsets.
	type decoded struct {
		paths []string
		pfs   []*parsedFile
		err   error
	}
	out := make([]decoded, len(spans)-1)
	in := newInterner()
	decode := func(i int) {
		defer func() {
			if p := recover(); p != nil {
				out[i].err = fmt.Errorf("%w: %v", ErrCacheUnusable, p)
			}
		}()
		out[i].paths, out[i].pfs, out[i].err = decodeMDs(open(spans[i+1]), in)
	}
	if parallelOK {
		parallel(len(out), decode)
	} else {
		for i := range out {
			decode(i)
		}
	}
	files := 0
	for _, d := range out {
		if d.err != nil {
			return nil, d.err
		}
		files += len(d.paths)
	}
	if files != h.Files {
		return nil, fmt.Errorf("%w: %d files, the header says %d", ErrCacheUnusable, files, h.Files)
	}
	for _, d := range out {
		for i, p := range d.paths {
			s.parsed[p] = d.pfs[i]
		}
	}
	return s, nil
}

// readerAt reads at offsets through a ReadSeeker, one read at a time.
type readerAt struct{ r io.ReadSeeker }

func (ra readerAt) ReadAt(p []byte, off int64) (int, error) {
	if _, err := ra.r.Seek(off, io.SeekStart); err != nil {
		return 0, err
	}
	return io.ReadFull(ra.r, p)
}

// toCacheMD and parsedFile convert a markdown file's entry to and from what
// the cache holds.
func toCacheMD(path string, pf *parsedFile) cacheMD {
	e := cacheMD{
		Path: path, Hash: pf.hash, Size: pf.size, ModTime: pf.modTime, Unsafe: pf.unsafe,
		Agency: pf.agency, Dataset: pf.dataset, ParentLine: pf.parentLine,
		Columns: pf.columns, ColumnLines: pf.columnLines, Warnings: pf.warnings, Tables: pf.tables,
	}
	if pf.notice != nil {
		e.Notice = encodeNotice(pf.notice)
	}
	for _, a := range pf.attachments {
		e.Attachments = append(e.Attachments, cacheAttachment{Attachment: a.Attachment, File: a.file, Line: a.line})
	}
	for _, r := range pf.related {
		e.Related = append(e.Related, cacheRef{Ref: r.ref, Line: r.line})
	}
	return e
}

// parsedFile fills pf (taken from a block the caller allocates) from e.
func (e *cacheMD) parsedFile(pf *parsedFile) *parsedFile {
	*pf = parsedFile{
		hash: e.Hash, size: e.Size, modTime: e.ModTime, unsafe: e.Unsafe,
		agency: e.Agency, dataset: e.Dataset, parentLine: e.ParentLine,
		columns: e.Columns, columnLines: e.ColumnLines, warnings: e.Warnings, tables: e.Tables,
	}
	for _, a := range e.Attachments {
		pf.attachments = append(pf.attachments, rawAttachment{Attachment: a.Attachment, file: a.File, line: a.Line})
	}
	for _, r := range e.Related {
		pf.related = append(pf.related, rawRef{ref: r.Ref, line: r.Line})
	}
	return pf
}

// decodeMDs decodes one stream of markdown files' entries.
func decodeMDs(r io.Reader, in *interner) ([]string, []*parsedFile, error) {
	dec := gob.NewDecoder(bufio.NewReaderSize(r, 1<<16))
	var count int
	if err := dec.Decode(&count); err != nil {
		return nil, nil, unusable(err)
	}
	if count < 0 || count > 1<<26 {
		return nil, nil, fmt.Errorf("%w: %d entries", ErrCacheUnusable, count)
	}
	paths := make([]string, 0, count)
	pfs := make([]*parsedFile, 0, count)
	// The entries' parsedFile and notices come from blocks (noticeArena):
	// they are held while the portal runs, and the GC marks every object.
	var arena noticeArena
	var pfBlock []parsedFile
	for i := 0; i < count; i++ {
		var e cacheMD
		if err := dec.Decode(&e); err != nil {
			return nil, nil, unusable(err)
		}
		kinds := 0
		for _, ok := range []bool{e.Agency != nil, e.Notice != nil, e.Dataset != nil} {
			if ok {
				kinds++
			}
		}
		if kinds != 1 || e.Path == "" {
			return nil, nil, fmt.Errorf("%w: entry %d is not one file", ErrCacheUnusable, i)
		}
		pf := e.parsedFile(&cut(&pfBlock, 1)[0])
		if e.Notice != nil {
			var err error
			if pf.notice, err = decodeNotice(e.Notice, in, &arena); err != nil {
				return nil, nil, fmt.Errorf("%w: %s: %v", ErrCacheUnusable, e.Path, err)
			}
		}
		if pf.dataset != nil && pf.columns == nil {
			pf.columns, pf.columnLines = declaredColumns{}, map[string]int{}
		}
		localTimes(pf)
		if n := pf.notice; n != nil && n.Hash == pf.hash {
			pf.hash = n.Hash // one copy: the notice's
		}
		paths = append(paths, e.Path)
		pfs = append(pfs, pf)
	}
	return paths, pfs, nil
}

func unusable(err error) error {
	return fmt.Errorf("%w: %v", ErrCacheUnusable, err)
}

// localTimes puts the dates gob decoded (in a fixed zone) back in calendar.Location, as
// Load makes them.
func localTimes(pf *parsedFile) {
	if n := pf.notice; n != nil {
		n.Published, n.Updated = inLocation(n.Published), inLocation(n.Updated)
		n.Effective, n.Expires = inLocation(n.Effective), inLocation(n.Expires)
		if n.Comment != nil {
			n.Comment.Opens, n.Comment.Closes = inLocation(n.Comment.Opens), inLocation(n.Comment.Closes)
		}
	}
	if d := pf.dataset; d != nil {
		d.Published, d.Updated = inLocation(d.Published), inLocation(d.Updated)
	}
}

func inLocation(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(calendar.Location)
}

func countTables(m map[string][]*Table) int {
	n := 0
	for _, ts := range m {
		n += len(ts)
	}
	return n
}
