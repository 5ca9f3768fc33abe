package content

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/congkhai/congkhai/calendar"
	"github.com/congkhai/congkhai/msg"

	"go.yaml.in/yaml/v3"
)

// frontMatter is the YAML block at the top of a markdown file.
type frontMatter struct {
	yaml     []byte // the YAML text
	offset   int    // file line of the YAML's first line, minus 1
	body     []byte // markdown after the closing line
	bodyLine int    // file line where body starts
}

// splitFrontMatter splits a cleaned markdown file into its front matter and body.
// The front matter starts with a line "---" on line 1 and ends with "---" or "...".
func splitFrontMatter(b []byte) (*frontMatter, *Problem) {
	first, rest, _ := bytes.Cut(b, []byte("\n"))
	if strings.TrimRight(string(first), " \t") != "---" {
		return nil, &Problem{Line: 1, Msg: msg.New("no front matter: the file must start with a line \"---\", then YAML fields, then another \"---\"")}
	}
	line := 2
	start := rest
	off := 0
	for len(rest) > 0 {
		l, r, _ := bytes.Cut(rest, []byte("\n"))
		t := strings.TrimRight(string(l), " \t")
		if t == "---" || t == "..." {
			return &frontMatter{yaml: start[:off], offset: 1, body: r, bodyLine: line + 1}, nil
		}
		off += len(l) + 1
		if off > len(start) {
			off = len(start)
		}
		rest = r
		line++
	}
	return nil, &Problem{Line: 1, Msg: msg.New("front matter is not closed: add a line \"---\" after the last field")}
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// decodeYAML decodes y into v, rejecting unknown keys. Errors are returned as
// problems whose lines are offset by off (the file line before the YAML's line 1).
func decodeYAML(y []byte, off int, v any) (*yaml.Node, []Problem) {
	var root yaml.Node
	if err := yaml.Unmarshal(y, &root); err != nil {
		return nil, yamlProblems(err, y, off)
	}
	if len(root.Content) == 0 {
		return &root, nil // empty document: fields are checked by the caller
	}
	if root.Content[0].Kind != yaml.MappingNode {
		return nil, []Problem{{Line: root.Content[0].Line + off, Msg: msg.New("front matter must be a list of \"key: value\" fields")}}
	}
	// The tree parsed above decodes v without parsing the text a second time
	// when every key has a field (the check the decoder below makes with
	// KnownFields, made here on the tree): a third of a first load's CPU at
	// 100,000 notices was YAML, half of it the second parse. Anything else —
	// a key without a field, an alias, a value the tree cannot decode — goes
	// the decoder's way, which reports it as it always did.
	out := reflect.ValueOf(v).Elem()
	if out.IsZero() && fieldsKnown(root.Content[0], out.Type()) {
		if err := root.Decode(v); err == nil {
			return root.Content[0], nil
		}
		out.SetZero()
	}
	dec := yaml.NewDecoder(bytes.NewReader(y))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return nil, yamlProblems(err, y, off)
	}
	return root.Content[0], nil
}

// fieldsKnown reports whether every key of every mapping under n that decodes
// into a struct of type t names one of its fields, as yaml.v3 names them (the
// tag, else the lower-cased field name). It answers false when it cannot
// tell: aliases, merge keys, keys that are not plain strings, embedded or
// inlined fields, types with their own UnmarshalYAML.
func fieldsKnown(n *yaml.Node, t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(yamlUnmarshaler) {
		return false
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return true
	case yaml.SequenceNode:
		switch t.Kind() {
		case reflect.Slice, reflect.Array:
			for _, c := range n.Content {
				if !fieldsKnown(c, t.Elem()) {
					return false
				}
			}
			return true
		case reflect.Interface:
			return true
		}
		return false
	case yaml.MappingNode:
		var keys map[string]reflect.Type // a struct's fields; nil for a map
		switch t.Kind() {
		case reflect.Struct:
			var ok bool
			if keys, ok = structKeys(t); !ok {
				return false
			}
		case reflect.Map:
		case reflect.Interface:
			return true
		default:
			return false
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.ShortTag() != "!!str" || k.Value == "<<" {
				return false
			}
			var vt reflect.Type
			if keys == nil {
				vt = t.Elem()
			} else if vt = keys[k.Value]; vt == nil {
				return false // a key without a field
			}
			if !fieldsKnown(val, vt) {
				return false
			}
		}
		return true
	}
	return false // aliases, documents
}

var (
	yamlUnmarshaler = reflect.TypeFor[yaml.Unmarshaler]()
	structKeyCache  sync.Map // reflect.Type → map[string]reflect.Type (nil: cannot tell)
)

// structKeys maps the YAML keys of struct type t to their fields' types, as
// yaml.v3 names them; false when t has fields it names in ways not mirrored here.
func structKeys(t reflect.Type) (map[string]reflect.Type, bool) {
	if m, ok := structKeyCache.Load(t); ok {
		keys := m.(map[string]reflect.Type)
		return keys, keys != nil
	}
	keys := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			keys = nil
			break
		}
		if f.PkgPath != "" {
			continue // unexported
		}
		tag := f.Tag.Get("yaml")
		if tag == "" && !strings.Contains(string(f.Tag), ":") {
			tag = string(f.Tag)
		}
		if tag == "-" {
			continue
		}
		name, flags, _ := strings.Cut(tag, ",")
		if strings.Contains(flags, "inline") {
			keys = nil
			break
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		keys[name] = f.Type
	}
	structKeyCache.Store(t, keys)
	return keys, keys != nil
}

// yamlProblems turns a decoding error of the YAML text y into problems, their
// lines offset by off. A syntax error carries its line (the first when yaml.v3
// names none: it leaves out line 1) and, for the common causes, what to write.
func yamlProblems(err error, y []byte, off int) []Problem {
	var msgs []string
	var te *yaml.TypeError
	syntax := !errors.As(err, &te)
	if syntax {
		msgs = []string{err.Error()}
	} else {
		msgs = te.Errors
	}
	var me *msg.Error
	if errors.As(err, &me) {
		// A field's own decoding (UnmarshalYAML) refused its value.
		return []Problem{{Line: 1 + off, Msg: me.Text}}
	}
	var ps []Problem
	for _, m := range msgs {
		var p Problem
		m = strings.TrimPrefix(m, "yaml: ")
		if sm := yamlLineRE.FindStringSubmatch(m); sm != nil {
			n, _ := strconv.Atoi(sm[1])
			p.Line = n + off
			m = sm[2]
			if parserError(m) {
				// yaml.v3 reports the 0-based line of the construct for parser
				// (not scanner) errors.
				p.Line++
			}
		} else if syntax {
			p.Line = 1 + off
		}
		p.Msg = friendlyYAML(m, off)
		if syntax {
			if hint, line := yamlHint(m, y, p.Line-off); !hint.IsZero() {
				p.Msg = msg.New("%v: %v", p.Msg, hint)
				p.Line = line + off
			}
		}
		ps = append(ps, p)
	}
	return ps
}

// parserError reports whether a yaml.v3 message comes from its parser, whose line
// numbers are off by one.
func parserError(msg string) bool {
	for _, what := range []string{"<document start>", "node content", "key", "'-' indicator", "',' or ']'", "',' or '}'"} {
		if msg == "did not find expected "+what {
			return true
		}
	}
	return false
}

var unknownFieldRE = regexp.MustCompile(`^field (\S+) not found in type \S+$`)

var (
	atLineRE    = regexp.MustCompile(`at line (\d+)`)
	unmarshalRE = regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (\\S+)$")
)

// friendlyYAML rewrites yaml.v3 messages for authors: unknown keys named as such,
// Go types replaced by what to write, lines inside messages offset to file lines.
func friendlyYAML(m string, off int) msg.Text {
	if sm := unknownFieldRE.FindStringSubmatch(m); sm != nil {
		return msg.New("unknown field %q", sm[1])
	}
	m = atLineRE.ReplaceAllStringFunc(m, func(s string) string {
		n, _ := strconv.Atoi(s[len("at line "):])
		return "at line " + strconv.Itoa(n+off)
	})
	if sm := unmarshalRE.FindStringSubmatch(m); sm != nil {
		got, ok := yamlKinds[sm[1]]
		if !ok {
			got = msg.New("%s", sm[1])
		}
		var want msg.Text
		switch w := sm[3]; {
		case strings.HasPrefix(w, "[]"):
			want = msg.New("a list (lines starting with \"- \", or [a, b])")
		case w == "int":
			want = msg.New("a whole number")
		case w == "bool":
			want = msg.New("true or false")
		case w == "string":
			want = msg.New("text")
		default:
			want = msg.New("fields (key: value lines)")
		}
		if sm[2] != "" {
			return msg.New("expected %v, found %v %q", want, got, sm[2])
		}
		return msg.New("expected %v, found %v", want, got)
	}
	if t, ok := yamlMessages[m]; ok {
		return t
	}
	return msg.New("%s", m)
}

// yamlKinds names yaml.v3's kinds of values for authors.
var yamlKinds = map[string]msg.Text{
	"str":       msg.New("text"),
	"int":       msg.New("a number"),
	"float":     msg.New("a number"),
	"bool":      msg.New("true/false"),
	"map":       msg.New("a list of fields"),
	"seq":       msg.New("a list"),
	"timestamp": msg.New("a date"),
	"null":      msg.New("nothing"),
}

// yamlMessages are the messages of yaml.v3's syntax errors that authors meet,
// to translate; the others are shown as yaml.v3 writes them.
var yamlMessages = map[string]msg.Text{
	"mapping values are not allowed in this context":               msg.New("mapping values are not allowed in this context"),
	"mapping keys are not allowed in this context":                 msg.New("mapping keys are not allowed in this context"),
	"did not find expected key":                                    msg.New("did not find expected key"),
	"did not find expected node content":                           msg.New("did not find expected node content"),
	"did not find expected '-' indicator":                          msg.New("did not find expected '-' indicator"),
	"did not find expected ',' or ']'":                             msg.New("did not find expected ',' or ']'"),
	"did not find expected ',' or '}'":                             msg.New("did not find expected ',' or '}'"),
	"did not find expected <document start>":                       msg.New("did not find expected <document start>"),
	"could not find expected ':'":                                  msg.New("could not find expected ':'"),
	"found character that cannot start any token":                  msg.New("found character that cannot start any token"),
	"found a tab character that violates indentation":              msg.New("found a tab character that violates indentation"),
	"found a tab character where an indentation space is expected": msg.New("found a tab character where an indentation space is expected"),
	"found unexpected end of stream":                               msg.New("found unexpected end of stream"),
	"found unknown escape character":                               msg.New("found unknown escape character"),
	"found unexpected document indicator":                          msg.New("found unexpected document indicator"),
	"block sequence entries are not allowed in this context":       msg.New("block sequence entries are not allowed in this context"),
}

// nodeLine returns the line of the value at keys (a path of mapping keys and list
// indexes as ints) under a mapping node, or the line of the deepest node found.
func nodeLine(n *yaml.Node, keys ...any) int {
	if n == nil {
		return 0
	}
	line := n.Line
	for _, k := range keys {
		var next *yaml.Node
		switch k := k.(type) {
		case string:
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == k {
						next = n.Content[i+1]
						break
					}
				}
			}
		case int:
			if n.Kind == yaml.SequenceNode && k >= 0 && k < len(n.Content) {
				next = n.Content[k]
			}
		}
		if next == nil {
			return line
		}
		n = next
		line = n.Line
	}
	return line
}

// Dates.

var dateLayouts = []struct {
	layout  string
	hasTime bool
}{
	{"2006-01-02", false},
	{"02/01/2006", false},
	{"2/1/2006", false},
	{"2006-01-02 15:04", true},
	{"2006-01-02 15:04:05", true},
	{"2006-01-02T15:04", true},
	{"2006-01-02T15:04:05", true},
	{"02/01/2006 15:04", true},
	{"2/1/2006 15:04", true},
	{"02/01/2006 15:04:05", true},
	{time.RFC3339, true},
	{time.RFC3339Nano, true},
	{"2006-01-02 15:04:05Z07:00", true},
	{"2006-01-02 15:04:05 -0700", true},
}

// parseDate parses a date as documented in docs/content.md, in calendar.Location unless the
// text carries a zone. hasTime is false for a bare date (midnight).
func parseDate(s string) (t time.Time, hasTime bool, err error) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l.layout, s, calendar.Location); err == nil {
			return t.In(calendar.Location), l.hasTime, nil
		}
	}
	return time.Time{}, false, msg.Errorf("bad date %q: write 2025-01-15 or 15/01/2025, optionally with a time (2025-01-15 08:30)", s)
}

// endOfDay returns the last instant of t's day in calendar.Location.
func endOfDay(t time.Time) time.Time {
	y, m, d := t.In(calendar.Location).Date()
	return time.Date(y, m, d, 23, 59, 59, int(time.Second-time.Nanosecond), calendar.Location)
}

// Categories.

var categoryAliases = map[string]Category{}

func init() {
	// Short Vietnamese names as listed in docs/content.md, besides each category's
	// slug, English key and full names.
	short := map[Category][]string{
		CatBudget:       {"Ngân sách"},
		CatLandUsePlan:  {"Quy hoạch", "Kế hoạch sử dụng đất", "Quy hoạch sử dụng đất"},
		CatLandPrice:    {"Giá đất", "Bảng giá đất"},
		CatCompensation: {"Bồi thường", "Tái định cư", "Bồi thường, hỗ trợ, tái định cư"},
		CatNotice:       {"Thông báo"},
		CatDraft:        {"Dự thảo"},
		CatProcedure:    {"Thủ tục", "Thủ tục hành chính"},
	}
	for _, ci := range categories {
		for _, a := range append([]string{string(ci.Slug), ci.Key, ci.NameVI, ci.NameEN}, short[ci.Slug]...) {
			categoryAliases[Slugify(a)] = ci.Slug
		}
	}
}

// ParseCategory returns the category named by s: its slug, English key or Vietnamese
// name with or without diacritics, in any case. ok is false for any other value.
func ParseCategory(s string) (c Category, ok bool) {
	c, ok = categoryAliases[Slugify(s)]
	return c, ok
}

func acceptedCategories() string {
	var parts []string
	for _, ci := range categories {
		parts = append(parts, fmt.Sprintf("%s (%s, %s)", ci.Slug, ci.Key, ci.NameVI))
	}
	return strings.Join(parts, "; ")
}
