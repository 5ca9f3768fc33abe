package search

// bleve's internals.
//
// Everything this package uses of bleve beyond its documented API is in this
// file, behind a few types (snapshot, segView, postingsReader, listSearcher)
// that the rest of the package reads the index through, so that an upgrade
// of bleve has one place to check (go.mod pins the version and says why):
//
//   - scorch's snapshot (*scorch.IndexSnapshot), whose segments the match
//     sets, the own ranking, the facets and the phrase checks read directly;
//   - scorch's numbering of documents, which it keeps private: a document's
//     internal ID is the offset of its segment (the counts of the segments
//     before it, deleted documents included) plus its number in the
//     segment, as a big-endian uint64;
//   - what zap's segments offer beyond the segment API: postings lists as
//     roaring bitmaps, a posting's field length, doc values, the file
//     mapping of a persisted segment;
//   - the reader's fuzzy dictionary (corrections);
//   - scorch's registry of async error callbacks (the failures of unsafe
//     batches) and its registry of segment plugins (a zap plugin that checks
//     a segment's checksum before zap reads it), written once at start;
//   - zap's file layout: the CRC-32 at the end of every segment file;
//   - bbolt's lock timeout, which bleve passes on as it is.
//
// When one of them is not what this package reads (an upgrade of bleve
// changed it), the functions here return errInternals. A search then falls
// back to bleve's search, which gives the same answers as slowly as bleve
// does (seconds for a common syllable over a million documents); the index
// logs the first fallback of each kind and counts them all
// (Health.Fallbacks), so that the slowdown is never silent.

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bsearch "github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	zapv16 "github.com/blevesearch/zapx/v16"
	zapv17 "github.com/blevesearch/zapx/v17"
	bolterrors "go.etcd.io/bbolt/errors"
)

// errInternals means bleve's internals are not what this package reads.
var errInternals = errors.New("search: bleve's internals are not what this package reads")

func internalsError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errInternals}, args...)...)
}

// internals counts the searches that fell back to bleve's search and
// remembers the kinds of mismatch already logged.
type internals struct {
	fallbacks atomic.Uint64
	mu        sync.Mutex
	logged    map[string]bool
}

// fellBack counts a search that err sent to bleve's search.
func (ix *Index) fellBack(err error) {
	ix.internals.fallbacks.Add(1)
	ix.mismatch(err)
}

// mismatch logs err, the first time its kind is seen.
func (ix *Index) mismatch(err error) {
	kind := err.Error()
	ix.internals.mu.Lock()
	seen := ix.internals.logged[kind]
	if !seen {
		if ix.internals.logged == nil {
			ix.internals.logged = map[string]bool{}
		}
		ix.internals.logged[kind] = true
	}
	ix.internals.mu.Unlock()
	if !seen {
		ix.opts.Log.Warn("search: bleve's internals are not what this package reads; searches fall back to bleve's search, which is slower on common words (pinned bleve version upgraded?)", "dir", ix.dir, "err", err)
	}
}

// snapshot is a point-in-time view of the index's segments.
type snapshot struct {
	sn   *scorch.IndexSnapshot
	lend *dictLender // nil when bleve handed the snapshot over
}

// snapshot returns the index's current snapshot and its release; the
// persisted segments it shows are advised random access (advise.go).
func (ix *Index) snapshot() (*snapshot, func(), error) {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, nil, wrapClosed("search", err)
	}
	rd, err := adv.Reader()
	if err != nil {
		return nil, nil, wrapClosed("search", err)
	}
	sn, ok := rd.(*scorch.IndexSnapshot)
	if !ok || sn == nil {
		if ok {
			return nil, nil, wrapClosed("search", ErrClosed)
		}
		_ = rd.Close()
		return nil, nil, internalsError("reader %T is not a scorch snapshot", rd)
	}
	l := ix.lender.Load()
	if l == nil || l.sn != sn {
		l = &dictLender{sn: sn, free: map[dictKey][]segment.TermDictionary{}}
		ix.lender.Store(l)
	}
	s := &snapshot{sn: sn, lend: l}
	ix.advised.advise(s)
	return s, func() { _ = rd.Close() }, nil
}

// dictLender lends the term dictionaries of one scorch snapshot's segments
// to the views of the searches on it. A search opens a dictionary (zap's,
// with its FST reader) for each segment and field it reads, tens of them,
// a twentieth of what it allocated; a dictionary is not safe for
// concurrent use, so each is lent to one view at a time and given back
// (giveBack) when the search is done with its views. The index keeps the lender of
// the snapshot searched last: one of an older snapshot is dropped with its
// dictionaries, and those it lent are given back to it, not to another.
type dictLender struct {
	sn   *scorch.IndexSnapshot
	mu   sync.Mutex
	free map[dictKey][]segment.TermDictionary
}

// dictKey: a segment by its place in the snapshot, and a field.
type dictKey struct {
	seg   int
	field string
}

func (l *dictLender) take(k dictKey) segment.TermDictionary {
	l.mu.Lock()
	defer l.mu.Unlock()
	ds := l.free[k]
	if len(ds) == 0 {
		return nil
	}
	d := ds[len(ds)-1]
	l.free[k] = ds[:len(ds)-1]
	return d
}

// giveBack returns the dictionaries the views opened to the lender; the
// views must not be used after it.
func giveBack(vs []*segView) {
	for _, v := range vs {
		if v.lend == nil || len(v.dicts) == 0 {
			continue
		}
		v.lend.mu.Lock()
		for field, d := range v.dicts {
			k := dictKey{v.at, field}
			v.lend.free[k] = append(v.lend.free[k], d)
		}
		v.lend.mu.Unlock()
		clear(v.dicts)
	}
}

// snapshotOf is the snapshot behind the reader bleve hands a query's
// Searcher.
func snapshotOf(r index.IndexReader) (*snapshot, error) {
	sn, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, internalsError("reader %T is not a scorch snapshot", r)
	}
	return &snapshot{sn: sn}, nil // no lender: bleve's searches hold no views past their query
}

// hold keeps the snapshot's segments mapped until the returned release:
// bleve releases its own reference when its search ends, and a merge may
// then unmap them.
func (s *snapshot) hold() (release func()) {
	s.sn.AddRef()
	return func() { _ = s.sn.DecRef() }
}

// docCount is the number of live documents.
func (s *snapshot) docCount() (uint64, error) { return s.sn.DocCount() }

// views returns a view of each segment, in order. A view keeps the
// dictionaries it opens or borrows (dictLender): each goroutine uses its
// own views, and gives their dictionaries back when done with them.
func (s *snapshot) views() []*segView {
	segs := s.sn.Segments()
	vs := make([]*segView, 0, len(segs))
	var off uint64
	for _, ss := range segs {
		seg := ss.Segment()
		vs = append(vs, &segView{seg: seg, id: ss.Id(), offset: off, deleted: ss.Deleted(), dicts: map[string]segment.TermDictionary{}, lend: s.lend, at: len(vs)})
		off += seg.Count()
	}
	return vs
}

// segFile is the file mapping of a persisted segment.
type segFile struct {
	id   uint64
	data []byte
	path string
}

// mapped is what zap's persisted segments offer of their file.
type mapped interface {
	Data() []byte
	Path() string
}

// files returns the persisted segments' mappings and the ids of all the
// segments.
func (s *snapshot) files() (files []segFile, ids []uint64) {
	for _, ss := range s.sn.Segments() {
		ids = append(ids, ss.Id())
		if m, ok := ss.Segment().(mapped); ok && m.Path() != "" && len(m.Data()) > 0 {
			files = append(files, segFile{ss.Id(), m.Data(), m.Path()})
		}
	}
	return files, ids
}

// segView is one segment of a snapshot.
type segView struct {
	seg     segment.Segment
	id      uint64 // scorch's id of the segment: the same for every snapshot that holds it
	offset  uint64 // global number of the segment's first document
	deleted *roaring.Bitmap
	dicts   map[string]segment.TermDictionary
	lend    *dictLender // nil: the view opens its dictionaries
	at      int         // the segment's place in the snapshot
	counted segment.PostingsList
	it      segment.PostingsIterator // reused by postings: only its bitmap is read
}

// count is the number of documents in the segment, deleted ones included.
func (v *segView) count() uint64 { return v.seg.Count() }

func (v *segView) dict(field string) (segment.TermDictionary, error) {
	if d, ok := v.dicts[field]; ok {
		return d, nil
	}
	if v.lend != nil {
		if d := v.lend.take(dictKey{v.at, field}); d != nil {
			v.dicts[field] = d
			return d, nil
		}
	}
	d, err := v.seg.Dictionary(field)
	if err != nil {
		return nil, err
	}
	v.dicts[field] = d
	return d, nil
}

// postings returns the documents (live or not) that have term in field.
// The bitmap may belong to the segment: never modify it.
func (v *segView) postings(field string, term []byte) (*roaring.Bitmap, error) {
	d, err := v.dict(field)
	if err != nil {
		return nil, err
	}
	pl, err := d.PostingsList(term, nil, nil)
	if err != nil {
		return nil, err
	}
	// The bitmap is the postings list's (read from the segment), not the
	// iterator's: the next call reuses the iterator and leaves it alone. A
	// list without postings gives zapx's shared empty iterator, not kept.
	it := pl.Iterator(false, false, false, v.it)
	oi, ok := it.(segment.OptimizablePostingsIterator)
	if !ok {
		return nil, internalsError("postings iterator %T has no bitmap", it)
	}
	if n, ok := oi.DocNum1Hit(); ok {
		v.it = it
		return roaring.BitmapOf(uint32(n)), nil
	}
	if bm := oi.ActualBitmap(); bm != nil {
		v.it = it
		return bm, nil
	}
	return noPostings, nil
}

// noPostings is the bitmap of a term that is not in a segment, shared:
// what postings returns is only read.
var noPostings = roaring.New()

// liveCount is the number of live documents with term in field.
func (v *segView) liveCount(field string, term []byte) (uint64, error) {
	d, err := v.dict(field)
	if err != nil {
		return 0, err
	}
	pl, err := d.PostingsList(term, v.deleted, v.counted)
	if err != nil {
		return 0, err
	}
	v.counted = pl // only counted: the next count reuses it
	return pl.Count(), nil
}

// terms calls fn with every term of field, in order.
func (v *segView) terms(field string, fn func(term string) error) error {
	d, err := v.dict(field)
	if err != nil {
		return err
	}
	it := d.AutomatonIterator(nil, nil, nil)
	for e, err := it.Next(); e != nil || err != nil; e, err = it.Next() {
		if err != nil {
			return err
		}
		if err := fn(e.Term); err != nil {
			return err
		}
	}
	return nil
}

// stored calls fn with the stored fields of document local until fn
// returns false; "_id" is the document's ID.
func (v *segView) stored(local uint64, fn func(field string, value []byte) bool) error {
	return v.seg.VisitStoredFields(local, func(field string, _ byte, value []byte, _ []uint64) bool {
		return fn(field, value)
	})
}

// storedField appends the stored value of field of document local to buf.
func (v *segView) storedField(local uint64, field string, buf []byte) ([]byte, error) {
	err := v.stored(local, func(f string, value []byte) bool {
		if f == field {
			buf = append(buf, value...)
			return false
		}
		return true
	})
	return buf, err
}

// docValue calls fn with the doc values of field of document local.
func (v *segView) docValue(local uint64, field string, fn func(term []byte)) error {
	dv, ok := v.seg.(segment.DocValueVisitable)
	if !ok {
		return internalsError("segment %T has no doc values", v.seg)
	}
	_, err := dv.VisitDocValues(local, []string{field}, func(_ string, term []byte) { fn(term) }, nil)
	return err
}

// segOf returns the segment holding global document number n and the
// document's number within it.
func segOf(vs []*segView, n uint64) (*segView, uint64) {
	k := sort.Search(len(vs), func(i int) bool { return vs[i].offset > n }) - 1
	return vs[k], n - vs[k].offset
}

// storedReader reads stored fields of the documents bleve's searchers
// find, by their internal ID.
type storedReader struct {
	vs []*segView        // scorch's segments, read directly
	r  index.IndexReader // another reader: through its documented API, slower
}

func newStoredReader(r index.IndexReader) *storedReader {
	if snap, err := snapshotOf(r); err == nil {
		return &storedReader{vs: snap.views()}
	}
	return &storedReader{r: r}
}

// field appends the stored value of field of document id to buf.
func (s *storedReader) field(id index.IndexInternalID, field string, buf []byte) ([]byte, error) {
	if s.vs != nil {
		v, local := segOf(s.vs, docNumber(id))
		return v.storedField(local, field, buf)
	}
	ext, err := s.r.ExternalID(id)
	if err != nil {
		return buf, err
	}
	doc, err := s.r.Document(ext)
	if err != nil || doc == nil {
		return buf, err
	}
	doc.VisitFields(func(f index.Field) {
		if f.Name() == field {
			buf = append(buf, f.Value()...)
		}
	})
	return buf, nil
}

// docNumber is the global number of the document bleve calls id.
func docNumber(id index.IndexInternalID) uint64 { return id.Value() }

// postingsReader reads postings lists with each posting's frequency and
// norm, reusing one iterator.
type postingsReader struct {
	it segment.PostingsIterator
}

// read calls fn with the live postings of term in field of v, in document
// order, until fn returns false.
func (r *postingsReader) read(v *segView, field string, term []byte, fn func(doc uint32, freq uint64, norm float32) bool) error {
	d, err := v.dict(field)
	if err != nil {
		return err
	}
	pl, err := d.PostingsList(term, v.deleted, nil)
	if err != nil {
		return err
	}
	r.it = pl.Iterator(true, true, false, r.it)
	for p, err := r.it.Next(); p != nil || err != nil; p, err = r.it.Next() {
		if err != nil {
			return err
		}
		var norm float32
		if np, ok := p.(interface{ NormUint64() uint64 }); ok {
			// zap keeps the field's length; its norm is 1/√length, which
			// the table gives without a division.
			norm = invSqrt(np.NormUint64())
		} else {
			norm = float32(p.Norm()) // the same value, computed by the segment
		}
		if !fn(uint32(p.Number()), p.Frequency(), norm) {
			return nil
		}
	}
	return nil
}

// listSearcher iterates sorted global document numbers with no score: it
// hands bleve the documents a match set chose, in scorch's numbering.
type listSearcher struct {
	ids []uint64
	pos int
}

func (s *listSearcher) match(ctx *bsearch.SearchContext) *bsearch.DocumentMatch {
	dm := ctx.DocumentMatchPool.Get()
	dm.IndexInternalID = index.NewIndexInternalID(dm.IndexInternalID, s.ids[s.pos])
	dm.Score = 0
	s.pos++
	return dm
}

func (s *listSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	if s.pos >= len(s.ids) {
		return nil, nil
	}
	return s.match(ctx), nil
}

func (s *listSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	target := docNumber(id)
	s.pos += sort.Search(len(s.ids)-s.pos, func(i int) bool { return s.ids[s.pos+i] >= target })
	return s.Next(ctx)
}

func (s *listSearcher) Close() error               { return nil }
func (s *listSearcher) Weight() float64            { return 0 }
func (s *listSearcher) SetQueryNorm(float64)       {}
func (s *listSearcher) Count() uint64              { return uint64(len(s.ids)) }
func (s *listSearcher) Min() int                   { return 0 }
func (s *listSearcher) Size() int                  { return 64 + 8*cap(s.ids) }
func (s *listSearcher) DocumentMatchPoolSize() int { return 1 }

// fuzzyReader is what corrections need of bleve's index reader (scorch
// provides both).
type fuzzyReader interface {
	index.IndexReader
	index.IndexReaderFuzzy
}

// fuzzy returns a reader of the current snapshot with its fuzzy dictionary,
// and its release.
func (ix *Index) fuzzy() (fuzzyReader, func(), error) {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return nil, nil, wrapClosed("corrections", err)
	}
	rd, err := adv.Reader()
	if err != nil {
		return nil, nil, wrapClosed("corrections", err)
	}
	fr, ok := rd.(fuzzyReader)
	if !ok {
		_ = rd.Close()
		return nil, nil, internalsError("reader %T has no fuzzy dictionary", rd)
	}
	return fr, func() { _ = rd.Close() }, nil
}

// forceMerge merges the index's segments (tests).
func (ix *Index) forceMerge(ctx context.Context) error {
	adv, err := ix.bi.Advanced()
	if err != nil {
		return err
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return internalsError("index %T is not scorch", adv)
	}
	return sc.ForceMerge(ctx, nil)
}

// isLockTimeout reports whether err is bleve's failure to lock the index
// within bolt_timeout: bbolt's own error, passed on.
func isLockTimeout(err error) bool { return errors.Is(err, bolterrors.ErrTimeout) }

// Segments are checked before bleve opens an index.
//
// A zap segment file ends with the CRC-32 (IEEE, big-endian) of everything
// before it (zapx v16 and v17 alike: the footer is written through the
// writer that sums the file). zap itself never compares it, and a segment
// with a few bytes overwritten opened without complaint; its searches then
// failed, and some made zap allocate what a garbage length said (a fatal
// out of memory, which no recover stops). So every segment an Index opens
// is read once and summed before zap sees it: scorch opens segments
// through its registered plugin for the segment's format, and the plugins
// registered here for zap v16 and v17 check the sum first when the
// segment config carries a *segmentCheck (Open passes one while it opens
// the index; check.go says which segments it reads). A segment that fails
// makes scorch give up the snapshot that holds it, and Open reports
// ErrRebuild naming the segment.

// segmentCheckKey is the key of the *segmentCheck (check.go) in scorch's
// segment config.
const segmentCheckKey = "congkhai.segmentCheck"

// config is scorch's segment config that makes the plugins check.
func (c *segmentCheck) config() map[string]interface{} {
	return map[string]interface{}{segmentCheckKey: c}
}

// checkedPlugin is a segment plugin that checks a segment's file before
// opening it.
type checkedPlugin struct {
	scorch.SegmentPlugin
}

func (p checkedPlugin) OpenUsing(path string, config map[string]interface{}) (segment.Segment, error) {
	if c, ok := config[segmentCheckKey].(*segmentCheck); ok {
		if err := c.check(path); err != nil {
			return nil, err
		}
	}
	return p.SegmentPlugin.OpenUsing(path, config)
}

// segmentFiles returns the paths of the persisted segments of bi's current
// snapshot; ok is false when bi is not scorch (nothing was checked, and the
// fallbacks say so).
func segmentFiles(bi bleve.Index) (paths []string, ok bool, err error) {
	adv, err := bi.Advanced()
	if err != nil {
		return nil, false, err
	}
	rd, err := adv.Reader()
	if err != nil {
		return nil, false, err
	}
	defer rd.Close()
	sn, ok := rd.(*scorch.IndexSnapshot)
	if !ok {
		return nil, false, nil
	}
	files, _ := (&snapshot{sn: sn}).files()
	for _, f := range files {
		paths = append(paths, f.path)
	}
	return paths, true, nil
}

// crcSize is the size of the sum at the end of a zap file.
const crcSize = 4

// checkSegmentFile compares the CRC-32 at the end of the zap file at path
// with the sum of the bytes before it, read in order (not through a
// mapping: the pages read stay out of the process's resident set, and the
// advice drops them from the page cache later, see advise.go). It returns
// the bytes read.
func checkSegmentFile(path string) (int64, error) {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("segment %s: %w", name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("segment %s: %w", name, err)
	}
	size := st.Size()
	if size < int64(min(zapv16.FooterSize, zapv17.FooterSize)) { // both hold the sum
		return 0, fmt.Errorf("segment %s is damaged: %d bytes, shorter than its footer", name, size)
	}
	buf := checkBufs.Get().(*[]byte)
	defer checkBufs.Put(buf)
	h := crc32.NewIEEE()
	if _, err := io.CopyBuffer(h, io.LimitReader(f, size-crcSize), *buf); err != nil {
		return 0, fmt.Errorf("segment %s: %w", name, err)
	}
	var tail [crcSize]byte
	if _, err := io.ReadFull(f, tail[:]); err != nil {
		return 0, fmt.Errorf("segment %s: %w", name, err)
	}
	if want, got := binary.BigEndian.Uint32(tail[:]), h.Sum32(); want != got {
		return size, fmt.Errorf("segment %s is damaged: its bytes sum to %08x, its footer says %08x", name, got, want)
	}
	return size, nil
}

var checkBufs = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// bleve reports a failure to persist an unsafe batch through a callback
// registered by name, with the path of the index's store; asyncErrors routes
// it to the Index waiting on that folder.
const asyncErrorCallback = "congkhai-search"

func init() {
	scorch.RegistryAsyncErrorCallbacks[asyncErrorCallback] = asyncErrors.deliver
	// Replaces scorch's own registration of the same formats (the same
	// plugins, unwrapped); v17 stays the format of new segments.
	scorch.RegisterSegmentPlugin(checkedPlugin{&zapv17.ZapPlugin{}}, true)
	scorch.RegisterSegmentPlugin(checkedPlugin{&zapv16.ZapPlugin{}}, false)
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
