package search

// Checking the segments when an index opens.
//
// A damaged segment must be caught before zap reads it (internals.go says
// why and how a segment's checksum is compared). Reading a whole index to
// sum it costs about a second for the 900 MB of 100,000 notices and a
// million rows (cold; a third of that from the page cache), which a start
// would pay every time. So each segment file is read once: the segments
// whose sum matched are recorded (checkedFile) with their file's identity
// (size, modification and change times, inode), and a later open reads
// only the files whose identity changed since, or that are new. Writing a
// file changes its change time, which no user program can set back, so an
// overwritten or truncated segment is always read again.
//
// A process that ends without closing the index (killed, out of memory, a
// crash) leaves openFile behind, and the next open then reads every
// segment: damage that did not come through a write (a failing disk) and
// made a search kill the process is caught at the next start instead of
// killing it again.

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/congkhai/congkhai/internal/atomicfile"
)

const (
	// checkedFile lists the segments whose checksum matched: lines
	// "name\tidentity".
	checkedFile = "congkhai_checked"
	// openFile exists while a process has the index open.
	openFile = "congkhai_open"
)

// CheckFigures is what checking the segments cost when the index opened.
type CheckFigures struct {
	Segments int           // segments read and summed
	Bytes    int64         // their size
	Took     time.Duration // the time spent reading and summing them
	Trusted  int           // segments unchanged since their sum matched: not read
	Unclean  bool          // the last process did not close the index: every segment read
}

// segmentCheck is the checking of the segments of one Open.
type segmentCheck struct {
	mu      sync.Mutex
	over    bool              // Open is done: segments written later are not checked
	trusted map[string]string // name → identity of the segments checked before
	passed  map[string]string // name → identity of the segments that passed now
	damaged []string          // what failed, one line per segment
	figures CheckFigures
}

// newSegmentCheck prepares the checking of the index in dir: the record of
// its checked segments, unless the last process did not close the index.
func newSegmentCheck(dir string) *segmentCheck {
	c := &segmentCheck{trusted: map[string]string{}, passed: map[string]string{}}
	if _, err := os.Stat(filepath.Join(dir, openFile)); err == nil {
		c.figures.Unclean = true
		return c
	}
	b, _ := os.ReadFile(filepath.Join(dir, checkedFile))
	for line := range strings.Lines(string(b)) {
		name, id, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "\t")
		if ok && strings.HasSuffix(line, "\n") { // an unfinished line is ignored
			c.trusted[name] = id
		}
	}
	return c
}

// check is called by the segment plugin before zap opens the segment at
// path; an error keeps zap from reading it.
func (c *segmentCheck) check(path string) error {
	c.mu.Lock()
	over := c.over
	c.mu.Unlock()
	if over {
		return nil
	}
	name := filepath.Base(path)
	st, err := os.Stat(path)
	if err != nil {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.damaged = append(c.damaged, "segment "+name+": "+err.Error())
		return err
	}
	id := fileIdentity(st)
	c.mu.Lock()
	trusted := c.trusted[name] == id
	if trusted {
		c.passed[name] = id
		c.figures.Trusted++
	}
	c.mu.Unlock()
	if trusted {
		return nil
	}
	start := time.Now()
	n, err := checkSegmentFile(path)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.figures.Segments++
	c.figures.Bytes += n
	c.figures.Took += time.Since(start)
	if err != nil {
		c.damaged = append(c.damaged, err.Error())
		return err
	}
	c.passed[name] = id
	return nil
}

// done stops the checking and returns an error naming the damaged
// segments, if any.
func (c *segmentCheck) done() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.over = true
	if len(c.damaged) == 0 {
		return nil
	}
	return errors.New(strings.Join(c.damaged, "; "))
}

// finish records the segments among live (the paths of the opened
// snapshot's segments) that passed, and returns those opened without a
// check (a format whose plugin does not check).
func (c *segmentCheck) finish(dir string, live []string) (unchecked []string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b bytes.Buffer
	names := make([]string, 0, len(live))
	for _, p := range live {
		names = append(names, filepath.Base(p))
	}
	slices.Sort(names)
	same := len(names) == len(c.trusted)
	for _, name := range names {
		id, ok := c.passed[name]
		if !ok {
			unchecked = append(unchecked, name)
			continue
		}
		same = same && c.trusted[name] == id
		b.WriteString(name + "\t" + id + "\n")
	}
	if same {
		return unchecked, nil
	}
	err = atomicfile.Write(filepath.Join(dir, checkedFile), func(w io.Writer) error {
		_, err := w.Write(b.Bytes())
		return err
	})
	return unchecked, err
}

// markOpen records that a process has the index in dir open; Close removes
// the mark.
func markOpen(dir string) error {
	return atomicfile.Write(filepath.Join(dir, openFile), func(io.Writer) error { return nil })
}

func unmarkOpen(dir string) error {
	err := os.Remove(filepath.Join(dir, openFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}
