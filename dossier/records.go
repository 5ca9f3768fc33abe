package dossier

import (
	"bytes"
	"slices"
	"strings"
	"unicode"
)

// Channel is how a dossier was submitted.
type Channel uint8

// The channels of the one-stop rules (Nghị định 61/2018/NĐ-CP, art. 15).
const (
	ChannelUnknown Channel = iota
	ChannelDirect          // trực tiếp tại Bộ phận Một cửa
	ChannelOnline          // trực tuyến (Cổng Dịch vụ công)
	ChannelPost            // qua dịch vụ bưu chính công ích
)

// Status is where a dossier stands.
type Status uint8

// The statuses. Finished and Returned dossiers are resolved; Withdrawn ones
// count in nothing but what was received; Suspended ones wait for the
// applicant (documents to add, a fee to pay) and are not overdue.
const (
	StatusPending   Status = iota + 1 // đang giải quyết
	StatusFinished                    // đã giải quyết, có kết quả
	StatusReturned                    // trả lại, từ chối (a reasoned refusal is a result)
	StatusWithdrawn                   // công dân rút hồ sơ
	StatusSuspended                   // tạm dừng, chờ bổ sung hoặc thực hiện nghĩa vụ tài chính
)

// Tri is yes, no or not said.
type Tri uint8

// The values of a Tri.
const (
	Unknown Tri = iota
	Yes
	No
)

// Dossier is one dossier as the lookup shows it: nothing personal is ever
// read from an export (see Field).
type Dossier struct {
	Code          string
	Agency        string // slug
	Procedure     string
	ProcedureCode string
	Field         string
	Channel       Channel
	Status        Status
	Received      Day
	Due           Day
	Finished      Day
	Reason        string // the agency's explanation of the delay
	Apology       Day    // when the apology was sent
	Letter        string // the apology letter's number or reference
	NewDue        Day    // the new date the apology gave
	Digitized     Tri
	EResult       Tri
	File          string // the export it comes from
	Line          int
}

// Resolved reports whether the dossier has a result (finished or returned).
func (d *Dossier) Resolved() bool {
	return d.Status == StatusFinished || d.Status == StatusReturned
}

// rec is a dossier as a batch keeps it: strings are indexes into the batch's
// string table, the code a slice of its arena.
type rec struct {
	codeOff                               uint32
	codeLen                               uint16
	channel                               Channel
	status                                Status
	agency, proc, procCode, field         uint32
	reason, letter                        uint32
	received, due, finished, apology, new Day
	line                                  int32
	digitized, eResult                    Tri
}

// strtab interns strings: index 0 is "".
type strtab struct {
	list  []string
	index map[string]uint32
}

func (t *strtab) id(s string) uint32 {
	if s == "" {
		return 0
	}
	if t.index == nil {
		t.index = map[string]uint32{}
		t.list = []string{""}
	}
	if i, ok := t.index[s]; ok {
		return i
	}
	i := uint32(len(t.list))
	t.list = append(t.list, s)
	t.index[s] = i
	return i
}

func (t *strtab) get(i uint32) string {
	if i == 0 || int(i) >= len(t.list) {
		return ""
	}
	return t.list[i]
}

// Batch is the dossiers of one export file, as Import read them. It is
// immutable once returned and may be shared by several Sets.
type Batch struct {
	File     string // slash path in the content folder
	Rows     int    // data rows read (kept or not)
	Problems []Problem
	recs     []rec
	codes    []byte
	strs     strtab
}

// Len is the number of dossiers kept.
func (b *Batch) Len() int { return len(b.recs) }

func (b *Batch) code(r *rec) []byte { return b.codes[r.codeOff : r.codeOff+uint32(r.codeLen)] }

func (b *Batch) dossier(i int) Dossier {
	r := &b.recs[i]
	return Dossier{
		Code: string(b.code(r)), Agency: b.strs.get(r.agency), Procedure: b.strs.get(r.proc), ProcedureCode: b.strs.get(r.procCode),
		Field: b.strs.get(r.field), Channel: r.channel, Status: r.status, Received: r.received, Due: r.due, Finished: r.finished,
		Reason: b.strs.get(r.reason), Apology: r.apology, Letter: b.strs.get(r.letter), NewDue: r.new,
		Digitized: r.digitized, EResult: r.eResult, File: b.File, Line: int(r.line),
	}
}

// NormalizeCode is the form codes are compared in: spaces removed, ASCII
// letters upper-cased, other characters as typed. It returns "" for a code
// that is empty, longer than 64 bytes or holds control characters.
func NormalizeCode(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			continue
		case unicode.IsControl(r) || r == unicode.ReplacementChar:
			return ""
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	if b.Len() > 64 {
		return ""
	}
	return b.String()
}

// Set is every dossier the portal publishes figures about: the batches of
// every export, with one dossier per code and agency (a code found in
// several exports of an agency is the later export's). Safe for concurrent
// reads.
type Set struct {
	batches []*Batch
	// refs are the live dossiers, sorted by code then agency: batch index in
	// the high 32 bits, record index in the low ones.
	refs []uint64
	// Replaced counts the dossiers of earlier exports that a later one holds again.
	Replaced int
}

// NewSet combines batches, later ones winning for a code an agency already
// has in an earlier one.
func NewSet(batches []*Batch) *Set {
	s := &Set{batches: batches}
	n := 0
	for _, b := range batches {
		n += len(b.recs)
	}
	s.refs = make([]uint64, 0, n)
	for bi, b := range batches {
		for i := range b.recs {
			s.refs = append(s.refs, uint64(bi)<<32|uint64(i))
		}
	}
	slices.SortFunc(s.refs, func(x, y uint64) int {
		if c := bytes.Compare(s.codeOf(x), s.codeOf(y)); c != 0 {
			return c
		}
		if c := strings.Compare(s.agencyOf(x), s.agencyOf(y)); c != 0 {
			return c
		}
		// The later batch and row last: it is the one kept.
		if x < y {
			return -1
		}
		if x > y {
			return 1
		}
		return 0
	})
	out := s.refs[:0]
	for i, r := range s.refs {
		if i+1 < len(s.refs) {
			next := s.refs[i+1]
			if bytes.Equal(s.codeOf(r), s.codeOf(next)) && s.agencyOf(r) == s.agencyOf(next) {
				s.Replaced++
				continue
			}
		}
		out = append(out, r)
	}
	s.refs = out
	return s
}

func (s *Set) rec(ref uint64) (*Batch, *rec) {
	b := s.batches[ref>>32]
	return b, &b.recs[uint32(ref)]
}

func (s *Set) codeOf(ref uint64) []byte {
	b, r := s.rec(ref)
	return b.code(r)
}

func (s *Set) agencyOf(ref uint64) string {
	b, r := s.rec(ref)
	return b.strs.get(r.agency)
}

// Len is the number of dossiers.
func (s *Set) Len() int { return len(s.refs) }

// Lookup returns the dossiers with the code (normalised by NormalizeCode):
// usually one; one per agency when agencies' exports share a code. It
// reads no more than the sorted index, so an unknown code costs the same as
// a known one.
func (s *Set) Lookup(code string) []Dossier {
	key := []byte(NormalizeCode(code))
	if len(key) == 0 {
		return nil
	}
	i, _ := slices.BinarySearchFunc(s.refs, key, func(ref uint64, k []byte) int { return bytes.Compare(s.codeOf(ref), k) })
	var out []Dossier
	for ; i < len(s.refs) && bytes.Equal(s.codeOf(s.refs[i]), key); i++ {
		b := s.batches[s.refs[i]>>32]
		out = append(out, b.dossier(int(uint32(s.refs[i]))))
	}
	return out
}

// each calls fn with every live dossier's batch and record.
func (s *Set) each(fn func(b *Batch, r *rec)) {
	for _, ref := range s.refs {
		b, r := s.rec(ref)
		fn(b, r)
	}
}
