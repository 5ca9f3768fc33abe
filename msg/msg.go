// Package msg holds the messages that reach people — the problems the content
// loader finds in a content folder, a table or a one-stop export — in
// Vietnamese and in English.
//
// A message is a Text: an English format (as for fmt.Sprintf) and its
// arguments, kept apart until the message is shown. Text.String renders it in
// English, for logs, the publishing API and tests; Text.In renders it in a
// language: "en" in English, anything else in Vietnamese, the portal's first
// language. The catalogue (vi.go) maps each English format to its Vietnamese
// format, which takes the same arguments, possibly reordered with explicit
// indexes (%[2]s). An argument that renders itself in a language (a Text, an
// Error, or anything with an In(lang string) string method) is rendered in the
// same language, so messages nest: "sheet %q: %v" around a cell's problem.
// File names, line numbers, column headings and values are arguments and stay
// as they are; the Vietnamese formats quote them with “ ” where the English
// ones use %q.
//
// The catalogue is a Go map rather than a file of translations: the English
// format is the key, so a message and its translation cannot drift apart by
// an identifier, and the test (catalogue_test.go) reads every call that makes
// a message in the module's source — msg.New, msg.Errorf and each function
// whose last parameters are (format string, args ...any) — and fails when a
// format has no Vietnamese, when a Vietnamese format takes other arguments
// than its English one, or when the catalogue holds a format no code uses.
// A format missing at run time falls back to English.
package msg

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// The languages a Text renders in.
const (
	VI = "vi"
	EN = "en"
)

// Lang returns the language of a language tag or name: EN for "en", "en-US",
// "English" and the like, VI for anything else.
func Lang(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "en" || strings.HasPrefix(s, "en-") || strings.HasPrefix(s, "en_") || s == "english" {
		return EN
	}
	return VI
}

// Localizer is a value that renders itself in a language (VI or EN).
type Localizer interface {
	In(lang string) string
}

// Text is a message: an English format and its arguments.
type Text struct {
	Format string
	Args   []any
}

// New returns the message of format and args. The format must be a constant
// with a Vietnamese translation in the catalogue (vi.go).
func New(format string, args ...any) Text {
	if false {
		// Lets go vet check the arguments of New and of the helpers that
		// call it as it checks fmt.Sprintf's.
		_ = fmt.Sprintf(format, args...)
	}
	return Text{Format: format, Args: args}
}

// IsZero reports whether t holds no message.
func (t Text) IsZero() bool { return t.Format == "" && len(t.Args) == 0 }

// String renders t in English.
func (t Text) String() string { return t.In(EN) }

// In renders t in lang: EN in English, anything else in Vietnamese (English
// when the catalogue has no translation of the format).
func (t Text) In(lang string) string {
	format := t.Format
	if lang != EN {
		if vi, ok := vi[format]; ok {
			format = vi
		}
	}
	if len(t.Args) == 0 {
		// Keeps a format without verbs as written, "%" and all.
		return format
	}
	args, copied := t.Args, false
	for i, a := range t.Args {
		if l, ok := a.(Localizer); ok {
			if !copied {
				args, copied = append([]any(nil), t.Args...), true
			}
			args[i] = l.In(lang)
		}
	}
	return fmt.Sprintf(format, args...)
}

// Error is an error whose message is a Text.
type Error struct {
	Text
	err error // the error the format wraps with %w, if any
}

// Errorf returns an *Error of format and args, as fmt.Errorf does: a %w verb
// wraps its argument (shown as %v).
func Errorf(format string, args ...any) error {
	if false {
		_ = fmt.Errorf(format, args...)
	}
	e := &Error{Text: Text{Format: format, Args: args}}
	if i := strings.Index(format, "%w"); i >= 0 {
		n := verbIndex(format, i)
		e.Format = strings.ReplaceAll(format, "%w", "%v")
		if n < len(args) {
			e.err, _ = args[n].(error)
		}
	}
	return e
}

// verbIndex counts the verbs of format before byte i (no explicit indexes).
func verbIndex(format string, i int) int {
	n := 0
	for j := 0; j < i; j++ {
		if format[j] == '%' {
			if j+1 < len(format) && format[j+1] == '%' {
				j++
				continue
			}
			n++
		}
	}
	return n
}

func (e *Error) Error() string { return e.Text.String() }

// Unwrap returns the error wrapped with %w, or nil.
func (e *Error) Unwrap() error { return e.err }

// Count writes n with a noun in agreement: in English "1 problem",
// "2 problems", "0 problems" (one, many); Vietnamese nouns do not change with
// number, "1 lỗi", "2 lỗi" (vi).
func Count(lang string, n int, vi, one, many string) string {
	if lang != EN {
		return fmt.Sprintf("%d %s", n, vi)
	}
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// MarshalText writes t in English: a Text in JSON is its English message.
func (t Text) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// GobEncode writes t as its Vietnamese and English renderings: its arguments
// may be of any type, which gob could not encode. The Text decoded renders
// the same in both languages, its format "%v".
func (t Text) GobEncode() ([]byte, error) {
	if t.IsZero() {
		return nil, nil
	}
	vi, en := t.In(VI), t.In(EN)
	b := binary.AppendUvarint(nil, uint64(len(vi)))
	b = append(b, vi...)
	return append(b, en...), nil
}

// GobDecode reads what GobEncode wrote.
func (t *Text) GobDecode(b []byte) error {
	if len(b) == 0 {
		*t = Text{}
		return nil
	}
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return errors.New("msg: bad gob encoding of a Text")
	}
	b = b[k:]
	*t = Text{Format: "%v", Args: []any{rendered{vi: string(b[:n]), en: string(b[n:])}}}
	return nil
}

// rendered is a message already rendered in both languages.
type rendered struct{ vi, en string }

func (r rendered) In(lang string) string {
	if lang == EN {
		return r.en
	}
	return r.vi
}
