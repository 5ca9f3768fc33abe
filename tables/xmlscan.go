package tables

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// xscanner is a pull tokenizer for the large parts of a workbook (sheets, shared
// strings): start tags with their attributes, end tags and text, local names only.
// It is several times faster than encoding/xml because it allocates nothing per
// token. It reads well-formed XML as written by spreadsheet applications: comments,
// processing instructions, CDATA and the five predefined and numeric character
// references; a document type declaration with an internal subset (the way to
// entity expansion attacks) is refused. Tags are not checked to match: the callers
// only follow the elements they know.
type xscanner struct {
	r       *bufio.Reader
	tag     []byte // the current tag, between < and >
	text    []byte
	attrs   []xattr
	maxText int
	end     []byte // the name of a self-closing tag, whose end token comes next
	selfEnd bool
}

// xtoken is one token; its slices are valid until the next call.
type xtoken struct {
	kind  xkind
	name  []byte // local name of a start or end tag
	attrs []xattr
	text  []byte // unescaped text
}

type xkind uint8

const (
	xStart xkind = iota + 1
	xEnd
	xText
)

type xattr struct{ name, value []byte }

func newXScanner(r io.Reader, maxText int) *xscanner {
	return &xscanner{r: bufio.NewReaderSize(r, 64<<10), maxText: maxText}
}

var errXML = errors.New("malformed XML")

// next returns the next token, io.EOF at the end.
func (s *xscanner) next() (xtoken, error) {
	if s.selfEnd {
		s.selfEnd = false
		return xtoken{kind: xEnd, name: s.end}, nil
	}
	for {
		// Text up to the next tag.
		s.text = s.text[:0]
		for {
			chunk, err := s.r.ReadSlice('<')
			if len(chunk) > 0 && chunk[len(chunk)-1] == '<' {
				s.text = append(s.text, chunk[:len(chunk)-1]...)
				break
			}
			s.text = append(s.text, chunk...)
			if len(s.text) > s.maxText {
				return xtoken{}, errLimit("an XML text of more than %d bytes", s.maxText)
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if errors.Is(err, io.EOF) {
				if len(bytes.TrimSpace(s.text)) > 0 {
					return xtoken{}, errXML
				}
				return xtoken{}, io.EOF
			}
			if err != nil {
				return xtoken{}, err
			}
		}
		if len(s.text) > s.maxText {
			return xtoken{}, errLimit("an XML text of more than %d bytes", s.maxText)
		}
		if len(s.text) > 0 {
			t, err := unescape(s.text)
			if err != nil {
				return xtoken{}, err
			}
			s.text = t
			// The tag after the text is read on the next call: put '<' back.
			if err := s.r.UnreadByte(); err != nil {
				return xtoken{}, err
			}
			return xtoken{kind: xText, text: s.text}, nil
		}
		tok, skip, err := s.readTag()
		if err != nil {
			return xtoken{}, err
		}
		if !skip {
			return tok, nil
		}
	}
}

// readTag reads after '<' up to the closing '>', outside quotes.
func (s *xscanner) readTag() (tok xtoken, skip bool, err error) {
	first, err := s.r.Peek(1)
	if err != nil {
		return tok, false, errXML
	}
	switch first[0] {
	case '?':
		return tok, true, s.skipTo([]byte("?>"))
	case '!':
		head, _ := s.r.Peek(9)
		switch {
		case bytes.HasPrefix(head, []byte("!--")):
			return tok, true, s.skipTo([]byte("-->"))
		case bytes.HasPrefix(head, []byte("![CDATA[")):
			if _, err := s.r.Discard(8); err != nil {
				return tok, false, errXML
			}
			s.text = s.text[:0]
			if err := s.readUntil([]byte("]]>"), &s.text); err != nil {
				return tok, false, err
			}
			s.text = s.text[:len(s.text)-3]
			return xtoken{kind: xText, text: s.text}, false, nil
		default:
			var decl []byte
			if err := s.readUntil([]byte(">"), &decl); err != nil {
				return tok, false, err
			}
			if bytes.IndexByte(decl, '[') >= 0 {
				return tok, false, errFormat("an XML document type with declarations, which is not read")
			}
			return tok, true, nil
		}
	}
	s.tag = s.tag[:0]
	quote := byte(0)
	for {
		chunk, err := s.r.ReadSlice('>')
		s.tag = append(s.tag, chunk...)
		if len(s.tag) > 1<<20 {
			return tok, false, errLimit("an XML tag of more than 1 MB")
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			return tok, false, errXML
		}
		// Is the '>' outside quotes?
		for _, c := range chunk {
			if quote != 0 {
				if c == quote {
					quote = 0
				}
			} else if c == '"' || c == '\'' {
				quote = c
			}
		}
		if quote == 0 {
			break
		}
	}
	t := s.tag[:len(s.tag)-1]
	if len(t) > 0 && t[0] == '/' {
		return xtoken{kind: xEnd, name: localName(bytes.TrimSpace(t[1:]))}, false, nil
	}
	self := len(t) > 0 && t[len(t)-1] == '/'
	if self {
		t = t[:len(t)-1]
	}
	i := 0
	for i < len(t) && !isXMLSpace(t[i]) {
		i++
	}
	name := localName(t[:i])
	if len(name) == 0 {
		return tok, false, errXML
	}
	s.attrs = s.attrs[:0]
	for {
		for i < len(t) && isXMLSpace(t[i]) {
			i++
		}
		if i >= len(t) {
			break
		}
		j := i
		for j < len(t) && t[j] != '=' && !isXMLSpace(t[j]) {
			j++
		}
		an := t[i:j]
		for j < len(t) && isXMLSpace(t[j]) {
			j++
		}
		if j >= len(t) || t[j] != '=' {
			return tok, false, errXML
		}
		j++
		for j < len(t) && isXMLSpace(t[j]) {
			j++
		}
		if j >= len(t) || t[j] != '"' && t[j] != '\'' {
			return tok, false, errXML
		}
		q := t[j]
		k := bytes.IndexByte(t[j+1:], q)
		if k < 0 {
			return tok, false, errXML
		}
		v, err := unescape(t[j+1 : j+1+k])
		if err != nil {
			return tok, false, err
		}
		s.attrs = append(s.attrs, xattr{name: localName(an), value: v})
		i = j + 1 + k + 1
	}
	if self {
		s.end, s.selfEnd = name, true
	}
	return xtoken{kind: xStart, name: name, attrs: s.attrs}, false, nil
}

// skipTo discards input through the end marker.
func (s *xscanner) skipTo(end []byte) error {
	var tail []byte
	for {
		chunk, err := s.r.ReadSlice(end[len(end)-1])
		tail = append(tail, chunk...)
		if bytes.HasSuffix(tail, end) {
			return nil
		}
		if len(tail) > len(end) {
			tail = append(tail[:0], tail[len(tail)-len(end):]...)
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return errXML
		}
	}
}

// readUntil appends input through the end marker to dst, within the text limit.
func (s *xscanner) readUntil(end []byte, dst *[]byte) error {
	for {
		chunk, err := s.r.ReadSlice(end[len(end)-1])
		*dst = append(*dst, chunk...)
		if bytes.HasSuffix(*dst, end) {
			return nil
		}
		if len(*dst) > s.maxText {
			return errLimit("an XML text of more than %d bytes", s.maxText)
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return errXML
		}
	}
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func localName(b []byte) []byte {
	if i := bytes.IndexByte(b, ':'); i >= 0 {
		return b[i+1:]
	}
	return b
}

// unescape resolves character references in place (the result is never longer).
func unescape(b []byte) ([]byte, error) {
	i := bytes.IndexByte(b, '&')
	if i < 0 {
		return b, nil
	}
	out := b[:i]
	for i < len(b) {
		c := b[i]
		if c != '&' {
			out = append(out, c)
			i++
			continue
		}
		j := bytes.IndexByte(b[i:], ';')
		if j < 0 {
			return nil, errXML
		}
		ref := b[i+1 : i+j]
		switch string(ref) {
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "amp":
			out = append(out, '&')
		case "quot":
			out = append(out, '"')
		case "apos":
			out = append(out, '\'')
		default:
			if len(ref) < 2 || ref[0] != '#' {
				return nil, fmt.Errorf("%w: unknown entity &%s;", errXML, ref)
			}
			var n uint64
			var err error
			if ref[1] == 'x' || ref[1] == 'X' {
				n, err = strconv.ParseUint(string(ref[2:]), 16, 32)
			} else {
				n, err = strconv.ParseUint(string(ref[1:]), 10, 32)
			}
			if err != nil || n > utf8.MaxRune {
				return nil, errXML
			}
			var enc [utf8.UTFMax]byte
			k := utf8.EncodeRune(enc[:], rune(n))
			if k > j+1 {
				return nil, errXML // cannot happen: a reference is at least as long as its rune
			}
			out = append(out, enc[:k]...)
		}
		i += j + 1
	}
	return out, nil
}

func (t xtoken) attr(name string) []byte {
	for _, a := range t.attrs {
		if string(a.name) == name {
			return a.value
		}
	}
	return nil
}
