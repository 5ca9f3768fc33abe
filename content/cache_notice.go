package content

import (
	"encoding/binary"
	"errors"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// The content cache holds a notice in its own encoding rather than gob's. A
// large site has a hundred thousand notices; gob decoded each by reflection,
// field by field, into a dozen strings, which was most of a restart's time
// and most of the objects every GC then marks. Decoded, the text that is the
// notice's own (source path, title, summary, number, hash, attachments,
// related paths) is one string and its fields are slices of it; the short
// strings that notices share (agency, category, signer, document type,
// period, places, tags, media types) are interned, one copy for all.
//
// The encoding: the length of the notice's own text, that text, then the
// fields in order, each own string as its length (its bytes are the next ones
// of the text), each shared string as its length and bytes, times as 0 (zero)
// or 1, Unix seconds and nanoseconds, lists as their length and items.
//
// TestCacheNoticeRoundTrip sets every field of Notice, so a field added to
// Notice and not here fails it.

// encodeNotice returns n's encoding.
func encodeNotice(n *Notice) []byte {
	var own, f []byte
	ownString := func(s string) {
		own = append(own, s...)
		f = binary.AppendUvarint(f, uint64(len(s)))
	}
	shared := func(s string) { f = appendString(f, s) }
	ownString(n.Source)
	// Path and slug are most often the start of the source and the end of
	// the path: a flag says so, else they are own strings.
	if strings.HasPrefix(n.Source, n.Path) {
		f = binary.AppendUvarint(append(f, 1), uint64(len(n.Path)))
	} else {
		f = append(f, 0)
		ownString(n.Path)
	}
	if strings.HasSuffix(n.Path, n.Slug) {
		f = binary.AppendUvarint(append(f, 1), uint64(len(n.Slug)))
	} else {
		f = append(f, 0)
		ownString(n.Slug)
	}
	for _, s := range []string{n.Title, n.Summary, n.Number, n.Hash} {
		ownString(s)
	}
	for _, s := range []string{n.Agency, string(n.Category), n.Signer, n.SignerTitle, n.Disclosure.DocumentType, n.Disclosure.Period} {
		shared(s)
	}
	for _, t := range []time.Time{n.Published, n.Updated, n.Effective, n.Expires, n.Disclosure.Approved} {
		f = appendTime(f, t)
	}
	f = binary.AppendUvarint(f, uint64(len(n.Places)))
	for _, p := range n.Places {
		shared(p.Province)
		shared(p.District)
		shared(p.Commune)
	}
	f = binary.AppendUvarint(f, uint64(len(n.Tags)))
	for _, t := range n.Tags {
		shared(t)
	}
	f = binary.AppendUvarint(f, uint64(len(n.Attachments)))
	for _, a := range n.Attachments {
		ownString(a.Title)
		ownString(a.Path)
		ownString(a.URL)
		f = binary.AppendVarint(f, a.Size)
		shared(a.Type)
	}
	f = binary.AppendUvarint(f, uint64(len(n.Related)))
	for _, r := range n.Related {
		ownString(r)
	}
	if n.Comment == nil {
		f = append(f, 0)
	} else {
		f = appendTime(append(f, 1), n.Comment.Opens)
		f = appendTime(f, n.Comment.Closes)
	}
	b := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+len(own)+len(f)), uint64(len(own)))
	return append(append(b, own...), f...)
}

var errNoticeDamaged = errors.New("content cache: a notice's bytes are damaged")

// decodeNotice decodes what encodeNotice wrote, interning the shared strings
// in in and taking its memory from a (nil: allocated one by one).
func decodeNotice(b []byte, in *interner, a *noticeArena) (*Notice, error) {
	d := noticeDecoder{b: b, in: in}
	k := d.count()
	d.own = a.string(b[d.i : d.i+k])
	d.i += k
	n := a.notice()
	n.Source = d.ownString()
	if d.byte() == 1 {
		n.Path = d.prefix(n.Source)
	} else {
		n.Path = d.ownString()
	}
	if d.byte() == 1 {
		n.Slug = d.suffix(n.Path)
	} else {
		n.Slug = d.ownString()
	}
	for _, p := range []*string{&n.Title, &n.Summary, &n.Number, &n.Hash} {
		*p = d.ownString()
	}
	for _, p := range []*string{&n.Agency, (*string)(&n.Category), &n.Signer, &n.SignerTitle, &n.Disclosure.DocumentType, &n.Disclosure.Period} {
		*p = d.shared()
	}
	for _, p := range []*time.Time{&n.Published, &n.Updated, &n.Effective, &n.Expires, &n.Disclosure.Approved} {
		*p = d.time()
	}
	if k := d.count(); k > 0 {
		n.Places = a.places(k)
		for i := range n.Places {
			n.Places[i] = Place{Province: d.shared(), District: d.shared(), Commune: d.shared()}
		}
	}
	if k := d.count(); k > 0 {
		n.Tags = a.strings(k)
		for i := range n.Tags {
			n.Tags[i] = d.shared()
		}
	}
	if k := d.count(); k > 0 {
		n.Attachments = make([]Attachment, k)
		for i := range n.Attachments {
			a := &n.Attachments[i]
			a.Title, a.Path, a.URL = d.ownString(), d.ownString(), d.ownString()
			a.Size = d.varint()
			a.Type = d.shared()
		}
	}
	if k := d.count(); k > 0 {
		n.Related = make([]string, k)
		for i := range n.Related {
			n.Related[i] = d.ownString()
		}
	}
	if d.byte() == 1 {
		n.Comment = &CommentWindow{Opens: d.time(), Closes: d.time()}
	}
	switch {
	case d.err != nil:
		return nil, d.err
	case d.i != len(d.b) || d.at != len(d.own):
		return nil, errNoticeDamaged
	}
	return n, nil
}

// appendTime writes 0 for the zero time, else 1, the Unix seconds and the
// nanoseconds. The zone is not kept: ReadCache puts every date in
// calendar.Location, as Load makes them.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	return binary.AppendUvarint(binary.AppendVarint(append(b, 1), t.Unix()), uint64(t.Nanosecond()))
}

// noticeDecoder reads an encoded notice: b the bytes, own the notice's own
// text and at how much of it the fields took. The first error sticks; every
// read after it gives zero values.
type noticeDecoder struct {
	b   []byte
	i   int
	own string
	at  int
	in  *interner
	err error
}

func (d *noticeDecoder) fail() {
	if d.err == nil {
		d.err = errNoticeDamaged
	}
	d.i, d.at = len(d.b), len(d.own)
}

func (d *noticeDecoder) uvarint() uint64 { return readVarint(d, binary.Uvarint) }
func (d *noticeDecoder) varint() int64   { return readVarint(d, binary.Varint) }

// readVarint reads one varint with read (binary.Uvarint or binary.Varint).
func readVarint[T uint64 | int64](d *noticeDecoder, read func([]byte) (T, int)) T {
	if d.err != nil {
		return 0
	}
	v, k := read(d.b[d.i:])
	if k <= 0 {
		d.fail()
		return 0
	}
	d.i += k
	return v
}

func (d *noticeDecoder) byte() byte {
	if d.err != nil || d.i >= len(d.b) {
		d.fail()
		return 0
	}
	d.i++
	return d.b[d.i-1]
}

// count reads a length that the rest of the bytes can hold.
func (d *noticeDecoder) count() int {
	k := d.uvarint()
	if k > uint64(len(d.b)-d.i) {
		d.fail()
		return 0
	}
	return int(k)
}

// ownString reads the length of the next string of the notice's own text.
func (d *noticeDecoder) ownString() string {
	k := d.uvarint()
	if k > uint64(len(d.own)-d.at) {
		d.fail()
		return ""
	}
	if k == 0 {
		return ""
	}
	s := d.own[d.at : d.at+int(k)]
	d.at += int(k)
	return s
}

// prefix and suffix read a length and return that much of s.
func (d *noticeDecoder) prefix(s string) string {
	k := d.uvarint()
	if k > uint64(len(s)) {
		d.fail()
		return ""
	}
	return s[:k]
}

func (d *noticeDecoder) suffix(s string) string {
	k := d.uvarint()
	if k > uint64(len(s)) {
		d.fail()
		return ""
	}
	return s[len(s)-int(k):]
}

// shared reads a string that notices share and interns it.
func (d *noticeDecoder) shared() string {
	k := d.count()
	if k == 0 {
		return ""
	}
	s := d.in.get(d.b[d.i : d.i+k])
	d.i += k
	return s
}

func (d *noticeDecoder) time() time.Time {
	switch d.byte() {
	case 0:
		return time.Time{}
	case 1:
		sec := d.varint()
		nsec := d.uvarint()
		if nsec >= 1e9 {
			d.fail()
			return time.Time{}
		}
		return time.Unix(sec, int64(nsec))
	}
	d.fail()
	return time.Time{}
}

// noticeArena hands out the memory of the notices one cache stream decodes
// in blocks: decoded one allocation per field, 100,000 notices were half a
// million objects, which the GC marked at every collection for as long as
// the portal ran. A block lives as long as one of its notices does; slices
// are cut to their length, so an append copies rather than overwrites a
// neighbour, and the text is never written once handed out.
type noticeArena struct {
	notices []Notice
	place   []Place
	strs    []string
	text    []byte
}

const (
	arenaBlock     = 1024      // notices, places or strings per block
	arenaTextBlock = 256 << 10 // bytes of text per block
)

// notice is a new zero Notice.
func (a *noticeArena) notice() *Notice {
	if a == nil {
		return &Notice{}
	}
	return &cut(&a.notices, 1)[0]
}

func (a *noticeArena) places(k int) []Place {
	if a == nil || k > arenaBlock/8 {
		return make([]Place, k)
	}
	return cut(&a.place, k)
}

func (a *noticeArena) strings(k int) []string {
	if a == nil || k > arenaBlock/8 {
		return make([]string, k)
	}
	return cut(&a.strs, k)
}

// cut hands out k zero elements of *block (k ≤ arenaBlock), cut to their
// length, starting a new block when it has not that many left.
func cut[T any](block *[]T, k int) []T {
	if cap(*block)-len(*block) < k {
		*block = make([]T, 0, arenaBlock)
	}
	n := len(*block)
	*block = (*block)[:n+k]
	return (*block)[n : n+k : n+k]
}

// string is b as a string whose bytes are in the current text block.
func (a *noticeArena) string(b []byte) string {
	if a == nil || len(b) > arenaTextBlock/8 {
		return string(b)
	}
	if len(b) == 0 {
		return ""
	}
	if cap(a.text)-len(a.text) < len(b) {
		a.text = make([]byte, 0, arenaTextBlock)
	}
	n := len(a.text)
	a.text = append(a.text, b...)
	return unsafe.String(&a.text[n], len(b))
}

// interner hands out one copy of each of the short strings that many notices
// share. It is shared by the goroutines that decode the cache: the strings
// are few, so nearly every call only reads.
type interner struct {
	mu sync.RWMutex
	m  map[string]string
}

func newInterner() *interner { return &interner{m: map[string]string{}} }

func (in *interner) get(b []byte) string {
	in.mu.RLock()
	v, ok := in.m[string(b)]
	in.mu.RUnlock()
	if ok {
		return v
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if v, ok := in.m[string(b)]; ok {
		return v
	}
	s := string(b)
	in.m[s] = s
	return s
}
