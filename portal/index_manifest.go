package portal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
)

// The manifest is saved whole under manifestKey now and then (a sync that
// changes many entries, or when the log is long), and between those a sync
// appends its changes to a log under manifestLogKey: rewriting 100,000 lines
// twice per edit was a tenth of a second of an edit's time to searchable.
//
// The saved manifest begins with a line "!epoch\tE"; a log begins with the
// epoch of the manifest it follows and is ignored under any other (a crash
// between saving a manifest and clearing the log). Its records are lines
// "key\t#sum\trows" (an entry, "#0" while dirty) and "key\t-" (removed),
// replayed in order; an unfinished last line is a torn append and ignored.
const (
	manifestKey    = "portal.manifest"
	manifestLogKey = "portal.manifest.log"
	// manifestBulk: a sync changing more entries saves the whole manifest.
	manifestBulk = 1000
)

// manifestLogMax is the number of records the log may hold before the
// manifest is saved whole (Config.manifestLogMax in tests).
const manifestLogMax = 20_000

// manifestEntry is what the index holds for one notice, dataset or table.
type manifestEntry struct {
	// Sum is a 64-bit digest of the entry's content hash (hashSum), 0 while an
	// apply is in progress. A digest rather than the hash: the manifest of
	// 100,000 notices stays in memory between syncs, and hex hashes made it
	// twice as large.
	Sum  uint64
	Rows int // tables: rows indexed (IDs 1..Rows)
}

// hashSum is the digest of a content hash kept in the manifest: FNV-1a, 64
// bits (hash/fnv's New64a), never 0. Written out because every sync digests
// the hash of every notice, and hash/fnv allocates a hasher and a byte copy
// of the string per call.
func hashSum(h string) uint64 {
	s := uint64(14695981039346656037) // offset basis
	for i := 0; i < len(h); i++ {
		s ^= uint64(h[i])
		s *= 1099511628211 // prime
	}
	if s == 0 {
		return 1
	}
	return s
}

type manifest map[string]manifestEntry

// readManifest reads x's saved manifest and replays its log. What cannot be
// read counts as not indexed: everything is indexed again.
func (p *Portal) readManifest(x *indexer) error {
	ix := x.ix
	b, err := ix.Meta(manifestKey)
	if err != nil {
		return fmt.Errorf("read manifest: %w", err)
	}
	lb, err := ix.Meta(manifestLogKey)
	if err != nil {
		return fmt.Errorf("read manifest log: %w", err)
	}
	resave := false
	m, epoch, err := decodeManifest(b)
	if err != nil {
		p.log.Warn("search manifest unreadable; re-indexing everything", "err", err)
		m, epoch, lb, resave = manifest{}, 0, nil, true
	}
	n, err := replayManifestLog(m, epoch, lb)
	if err != nil {
		p.log.Warn("search manifest log unreadable; re-indexing everything", "err", err)
		m, n, resave = manifest{}, 0, true
	}
	if len(lb) > 0 && n == 0 {
		resave = true // a log of another epoch, or torn in its first append
	}
	x.man, x.epoch, x.logged, x.resave = m, epoch, n, resave
	return nil
}

// saveManifest saves m whole under a new epoch and drops the log.
func (p *Portal) saveManifest(m manifest) error {
	ix := p.idx.ix
	if err := ix.SetMeta(manifestKey, encodeManifest(m, p.idx.epoch+1)); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	p.idx.epoch++
	if err := ix.SetMeta(manifestLogKey, nil); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	p.idx.logged, p.idx.resave = 0, false
	return nil
}

// logManifest appends n records to the manifest's log.
func (p *Portal) logManifest(records []byte, n int) error {
	if n == 0 {
		return nil
	}
	var err error
	if p.idx.logged == 0 {
		// A new log replaces whatever file is there (written atomically):
		// appended to a log of another epoch, these records would be ignored.
		err = p.idx.ix.SetMeta(manifestLogKey, append(epochLine(nil, p.idx.epoch), records...))
	} else {
		err = p.idx.ix.AppendMeta(manifestLogKey, records)
	}
	if err != nil {
		return fmt.Errorf("write manifest log: %w", err)
	}
	p.idx.logged += n
	return nil
}

func epochLine(b []byte, epoch uint64) []byte {
	b = append(b, "!epoch\t"...)
	b = strconv.AppendUint(b, epoch, 10)
	return append(b, '\n')
}

// appendEntry appends the line of one entry: "key\t#sum\trows".
func appendEntry(b []byte, k string, e manifestEntry) []byte {
	b = append(b, k...)
	b = append(b, '\t', '#')
	b = strconv.AppendUint(b, e.Sum, 16)
	b = append(b, '\t')
	b = strconv.AppendInt(b, int64(e.Rows), 10)
	return append(b, '\n')
}

// replayManifestLog applies the log b, written after the manifest of epoch,
// to m and returns the number of records. A log of another epoch is ignored.
func replayManifestLog(m manifest, epoch uint64, b []byte) (int, error) {
	first, rest, ok := bytes.Cut(b, []byte{'\n'})
	if !ok || string(first) != "!epoch\t"+strconv.FormatUint(epoch, 10) {
		return 0, nil // no log, a torn first append, or an older manifest's
	}
	n := 0
	for {
		line, next, ok := bytes.Cut(rest, []byte{'\n'})
		if !ok {
			return n, nil // an unfinished line: a torn append
		}
		rest = next
		if k, ok := bytes.CutSuffix(line, []byte("\t-")); ok && len(k) > 0 && !bytes.ContainsRune(k, '\t') {
			delete(m, string(k))
		} else {
			k, e, err := decodeEntry(line)
			if err != nil {
				return 0, err
			}
			m[string(k)] = e
		}
		n++
	}
}

// The manifest is saved as a line "!epoch\tE" and then lines "key\t#sum\trows\n"
// (sum in hexadecimal, "#0" while dirty), sorted by key. Older versions wrote
// no epoch, the hash itself instead of "#sum", or a JSON object; all are
// still read (as epoch 0).
func encodeManifest(m manifest, epoch uint64) []byte {
	keys := make([]string, 0, len(m))
	n := 32
	for k := range m {
		keys = append(keys, k)
		n += len(k) + 30
	}
	sort.Strings(keys)
	b := epochLine(make([]byte, 0, n), epoch)
	for _, k := range keys {
		b = appendEntry(b, k, m[k])
	}
	return b
}

// decodeManifest reads what encodeManifest (or an older version) wrote.
// On error it returns an empty manifest: everything is indexed again.
func decodeManifest(b []byte) (manifest, uint64, error) {
	m := manifest{}
	if len(b) == 0 {
		return m, 0, nil
	}
	if b[0] == '{' {
		var old map[string]struct {
			Hash string `json:"h"`
			Rows int    `json:"r"`
		}
		if err := json.Unmarshal(b, &old); err != nil {
			return manifest{}, 0, err
		}
		for k, e := range old {
			m[k] = manifestEntry{Sum: oldSum(e.Hash), Rows: e.Rows}
		}
		return m, 0, nil
	}
	var epoch uint64
	if e, ok := bytes.CutPrefix(b, []byte("!epoch\t")); ok {
		line, rest, ok := bytes.Cut(e, []byte{'\n'})
		n, err := strconv.ParseUint(string(line), 10, 64)
		if !ok || err != nil {
			return manifest{}, 0, fmt.Errorf("manifest: bad epoch line %q", line)
		}
		epoch, b = n, rest
	}
	// The keys are cut from one copy of the text: the manifest (a line per
	// notice and dataset, 100,000 at 100,000 notices) is held while the
	// portal runs, and a string per key was an object each for the GC to
	// mark.
	text := string(b)
	for at := 0; len(b) > 0; {
		line, rest, ok := bytes.Cut(b, []byte{'\n'})
		if !ok {
			return manifest{}, 0, errors.New("manifest: last line not ended")
		}
		b = rest
		k, e, err := decodeEntry(line)
		if err != nil {
			return manifest{}, 0, err
		}
		m[text[at:at+len(k)]] = e
		at += len(line) + 1
	}
	return m, epoch, nil
}

// decodeEntry reads one line "key\t#sum\trows" (or an older "key\thash\trows").
func decodeEntry(line []byte) ([]byte, manifestEntry, error) {
	k, v, ok1 := bytes.Cut(line, []byte{'\t'})
	h, r, ok2 := bytes.Cut(v, []byte{'\t'})
	rows, err := strconv.Atoi(string(r))
	sum := oldSum(string(h))
	if len(h) > 0 && h[0] == '#' {
		var serr error
		sum, serr = strconv.ParseUint(string(h[1:]), 16, 64)
		err = errors.Join(err, serr)
	}
	if !ok1 || !ok2 || err != nil || rows < 0 || len(k) == 0 {
		return nil, manifestEntry{}, fmt.Errorf("manifest: bad line %q", line)
	}
	return k, manifestEntry{Sum: sum, Rows: rows}, nil
}

// oldSum is the digest of a hash as older versions saved it ("" when dirty).
func oldSum(h string) uint64 {
	if h == "" {
		return 0
	}
	return hashSum(h)
}
