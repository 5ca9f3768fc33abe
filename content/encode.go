package content

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
	"golang.org/x/text/unicode/norm"

	"github.com/congkhai/congkhai/calendar"
	"github.com/congkhai/congkhai/msg"
)

// NoticeDraft is what a notice file says, as written: the front matter fields
// of docs/content.md and the markdown body. EncodeNotice writes it as the
// file; DecodeNotice reads a file back into it. Zero fields are left out of
// the file.
type NoticeDraft struct {
	Title       string
	Category    Category
	Published   time.Time
	Updated     time.Time // left out when zero or equal to Published
	Number      string
	Signer      string
	SignerTitle string
	Effective   time.Time
	Expires     time.Time
	Summary     string
	Places      []Place
	Tags        []string
	Attachments []AttachmentDraft
	Related     []string
	Comment     *CommentWindow // drafts for comment only (category du-thao)
	Disclosure                 // document_type, period, approved
	Body        string         // markdown
}

// AttachmentDraft is an attachment as written: a file relative to the
// notice's folder (the agency folder), or an address.
type AttachmentDraft struct {
	Title string
	File  string // "files/qd-125.pdf"
	URL   string
}

// DatasetDraft is what a dataset's index.md says, as written.
type DatasetDraft struct {
	Title     string
	Category  Category
	Published time.Time
	Updated   time.Time // left out when zero or equal to Published
	Summary   string
	License   string
	Source    string
	Frequency string
	Places    []Place
	Tags      []string
	// Columns declare titles, types, units and descriptions by header name
	// (Name, Title, Type, Unit and Description are written).
	Columns []Column
	// Tables are the `tables:` entries (Line is not written).
	Tables     []TableDecl
	Disclosure // document_type, period, approved
	// PeriodStart and PeriodEnd are the span the data covers, written as
	// period: {start, end} when Period is empty or covers another span.
	PeriodStart, PeriodEnd time.Time
	// Kind, Fields and Drop are a records dataset's (see Dataset).
	Kind   string
	Fields map[string]string
	Drop   []string
	Body   string // markdown
}

// ErrEncode is wrapped by the errors of EncodeNotice and EncodeDataset.
var ErrEncode = errors.New("content: cannot encode")

// EncodeNotice returns the notice file for d: a YAML front matter with the
// fields d sets, in the order of docs/content.md, then the body. The bytes
// depend only on d. Text is written in NFC and quoted wherever YAML needs it
// (a ": ", a " #", a leading "[", "@" or quote...), so that the file loads back
// to the same values; dates are written 2025-01-10, or 2025-01-10 08:30 when
// they have a time (Asia/Ho_Chi_Minh). It checks no rule of the content
// folder (ParseItem does): it fails, wrapping ErrEncode, only on text that is
// not UTF-8 or on a value a file cannot hold.
func EncodeNotice(d NoticeDraft) ([]byte, error) {
	var e encoder
	e.str("title", d.Title)
	e.str("category", string(d.Category))
	e.date("published", d.Published)
	if !d.Updated.IsZero() && !d.Updated.Equal(d.Published) {
		e.date("updated", d.Updated)
	}
	e.str("number", d.Number)
	e.str("signer", d.Signer)
	e.str("signer_title", d.SignerTitle)
	e.date("effective", d.Effective)
	e.date("expires", d.Expires)
	e.str("summary", d.Summary)
	e.places(d.Places)
	e.flowList("tags", d.Tags)
	if len(d.Attachments) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, a := range d.Attachments {
			m := e.mapping()
			e.strIn(m, "title", a.Title)
			e.strIn(m, "file", a.File)
			e.strIn(m, "url", a.URL)
			seq.Content = append(seq.Content, m)
		}
		e.set("attachments", seq)
	}
	e.blockList("related", d.Related)
	if d.Comment != nil {
		m := e.mapping()
		e.dateIn(m, "opens", d.Comment.Opens)
		e.dateIn(m, "closes", d.Comment.Closes)
		e.set("comment", m)
	}
	e.disclosure(d.Disclosure)
	return e.file(d.Body)
}

// EncodeDataset returns the index.md file for d, as EncodeNotice does for a
// notice: the fields d sets in the order of docs/content.md (columns and
// tables last), then the body.
func EncodeDataset(d DatasetDraft) ([]byte, error) {
	var e encoder
	e.str("title", d.Title)
	e.str("category", string(d.Category))
	e.date("published", d.Published)
	if !d.Updated.IsZero() && !d.Updated.Equal(d.Published) {
		e.date("updated", d.Updated)
	}
	e.str("summary", d.Summary)
	e.str("license", d.License)
	e.str("source", d.Source)
	e.str("frequency", d.Frequency)
	e.places(d.Places)
	e.flowList("tags", d.Tags)
	if len(d.Columns) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, c := range d.Columns {
			m := e.mapping()
			e.strIn(m, "name", c.Name)
			e.strIn(m, "title", c.Title)
			e.strIn(m, "type", string(c.Type))
			e.strIn(m, "unit", c.Unit)
			e.strIn(m, "description", c.Description)
			seq.Content = append(seq.Content, m)
		}
		e.set("columns", seq)
	}
	if len(d.Tables) > 0 {
		seq := &yaml.Node{Kind: yaml.SequenceNode}
		for _, t := range d.Tables {
			m := e.mapping()
			e.strIn(m, "file", t.File)
			e.strIn(m, "sheet", t.Sheet)
			if len(t.Sheets) > 0 {
				m.Content = append(m.Content, e.key("sheets"), e.seq(t.Sheets, yaml.FlowStyle))
			}
			e.strIn(m, "name", t.Name)
			e.strIn(m, "title", t.Title)
			e.intIn(m, "header_rows", t.HeaderRows)
			e.intIn(m, "skip_rows", t.SkipRows)
			e.strIn(m, "unit", t.Unit)
			e.strIn(m, "numbers", t.Numbers)
			if t.Exclude {
				m.Content = append(m.Content, e.key("exclude"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
			}
			if c := t.Chart; c != nil {
				if c.Off {
					m.Content = append(m.Content, e.key("chart"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "false"})
				} else {
					cm := e.mapping()
					e.strIn(cm, "label", c.Label)
					if len(c.Columns) > 0 {
						cm.Content = append(cm.Content, e.key("columns"), e.seq(c.Columns, yaml.FlowStyle))
					}
					e.strIn(cm, "rows", c.Rows)
					if len(cm.Content) == 0 {
						m.Content = append(m.Content, e.key("chart"), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
					} else {
						m.Content = append(m.Content, e.key("chart"), cm)
					}
				}
			}
			seq.Content = append(seq.Content, m)
		}
		e.set("tables", seq)
	}
	e.datasetDisclosure(d)
	e.records(d.Kind, d.Fields, d.Drop)
	return e.file(d.Body)
}

// encoder builds a front matter as a YAML node tree, so that yaml's emitter
// quotes what needs quoting; the first error is kept.
type encoder struct {
	root yaml.Node
	err  error
}

func (e *encoder) text(s string) string {
	if e.err == nil && !utf8.ValidString(s) {
		e.err = fmt.Errorf("%w: %q is not UTF-8 text", ErrEncode, s)
	}
	return norm.NFC.String(s)
}

func (e *encoder) key(k string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}
}

func (e *encoder) scalar(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: e.text(s)}
}

func (e *encoder) mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func (e *encoder) set(k string, v *yaml.Node) {
	if e.root.Kind == 0 {
		e.root.Kind = yaml.MappingNode
	}
	e.root.Content = append(e.root.Content, e.key(k), v)
}

func (e *encoder) str(k, v string) {
	if v != "" {
		e.set(k, e.scalar(v))
	}
}

func (e *encoder) strIn(m *yaml.Node, k, v string) {
	if v != "" {
		m.Content = append(m.Content, e.key(k), e.scalar(v))
	}
}

func (e *encoder) intIn(m *yaml.Node, k string, v *int) {
	if v != nil {
		m.Content = append(m.Content, e.key(k), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(*v)})
	}
}

// dateNode writes t in Asia/Ho_Chi_Minh as a plain scalar: the day alone at
// midnight or at the last instant of the day (a comment window's close), the
// minute or second otherwise (RFC 3339 with its fraction below a second). These forms are what the loader reads (the
// last instant of a day back from a bare `closes:` date), untagged so that
// the emitter writes them without quotes.
func (e *encoder) dateNode(t time.Time) *yaml.Node {
	t = t.In(calendar.Location)
	layout := "2006-01-02 15:04:05"
	switch {
	case t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0, t.Equal(endOfDay(t)):
		layout = "2006-01-02"
	case t.Nanosecond() != 0:
		layout = time.RFC3339Nano
	case t.Second() == 0:
		layout = "2006-01-02 15:04"
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Value: t.Format(layout)}
}

func (e *encoder) date(k string, t time.Time) {
	if !t.IsZero() {
		e.set(k, e.dateNode(t))
	}
}

func (e *encoder) dateIn(m *yaml.Node, k string, t time.Time) {
	if !t.IsZero() {
		m.Content = append(m.Content, e.key(k), e.dateNode(t))
	}
}

func (e *encoder) seq(vs []string, style yaml.Style) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: style}
	for _, v := range vs {
		n.Content = append(n.Content, e.scalar(v))
	}
	return n
}

// flowList writes a short list on one line: tags: [dự toán, ngân sách 2025].
func (e *encoder) flowList(k string, vs []string) {
	if len(vs) > 0 {
		e.set(k, e.seq(vs, yaml.FlowStyle))
	}
}

func (e *encoder) blockList(k string, vs []string) {
	if len(vs) > 0 {
		e.set(k, e.seq(vs, 0))
	}
}

func (e *encoder) places(ps []Place) {
	if len(ps) == 0 {
		return
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	for _, p := range ps {
		m := e.mapping()
		e.strIn(m, "province", p.Province)
		e.strIn(m, "district", p.District)
		e.strIn(m, "commune", p.Commune)
		seq.Content = append(seq.Content, m)
	}
	e.set("places", seq)
}

// file writes the front matter between its "---" lines, then the body
// (NFC, LF line ends, ending with one newline).
func (e *encoder) file(body string) ([]byte, error) {
	body = e.text(body)
	if e.err != nil {
		return nil, e.err
	}
	var b bytes.Buffer
	b.WriteString("---\n")
	if e.root.Kind != 0 {
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if err := enc.Encode(&e.root); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrEncode, err)
		}
		if err := enc.Close(); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrEncode, err)
		}
	}
	b.WriteString("---\n")
	body = strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\r", "\n")
	body = strings.Trim(body, "\n")
	if body != "" {
		b.WriteString(body)
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

// DecodeNotice reads a notice file into the draft it was written from, with
// its fields as written (attachment files relative to the agency folder,
// references unresolved), for a form that edits it. It fails with the file's
// problems when its front matter does not load; it checks none of the rules
// ParseItem checks.
func DecodeNotice(raw []byte) (NoticeDraft, []Problem) {
	fm, ps := splitFile(raw)
	if ps != nil {
		return NoticeDraft{}, ps
	}
	var meta noticeMeta
	if _, ps := decodeYAML(fm.yaml, fm.offset, &meta); len(ps) > 0 {
		return NoticeDraft{}, ps
	}
	var dp problems
	d := NoticeDraft{
		Title: strings.TrimSpace(meta.Title), Category: Category(strings.TrimSpace(meta.Category)),
		Published: decodeDate(&dp, "published", meta.Published), Updated: decodeDate(&dp, "updated", meta.Updated),
		Number: strings.TrimSpace(meta.Number), Signer: strings.TrimSpace(meta.Signer), SignerTitle: strings.TrimSpace(meta.SignerTitle),
		Effective: decodeDate(&dp, "effective", meta.Effective), Expires: decodeDate(&dp, "expires", meta.Expires),
		Summary: strings.TrimSpace(meta.Summary), Places: cleanPlaces(meta.Places), Tags: cleanTags(meta.Tags),
		Body: string(bytes.TrimSpace(fm.body)),
	}
	if c, ok := ParseCategory(string(d.Category)); ok {
		d.Category = c
	}
	for _, a := range meta.Attachments {
		d.Attachments = append(d.Attachments, AttachmentDraft{Title: strings.TrimSpace(a.Title), File: strings.TrimSpace(a.File), URL: strings.TrimSpace(a.URL)})
	}
	for _, r := range meta.Related {
		if r = strings.TrimSpace(r); r != "" {
			d.Related = append(d.Related, r)
		}
	}
	if c := meta.Comment; c != nil {
		w := &CommentWindow{Opens: decodeDate(&dp, "comment opens", c.Opens)}
		if strings.TrimSpace(c.Closes) != "" {
			t, hasTime, err := parseDate(c.Closes)
			if err != nil {
				dp.add(0, "comment closes: %v", err)
			} else if !hasTime {
				t = endOfDay(t)
			}
			w.Closes = t
		}
		d.Comment = w
	}
	d.Disclosure = decodeDisclosure(&dp, meta.DocumentType, meta.Period, meta.Approved)
	return d, dp
}

// DecodeDataset reads a dataset's index.md into the draft it was written
// from, as DecodeNotice does for a notice.
func DecodeDataset(raw []byte) (DatasetDraft, []Problem) {
	fm, ps := splitFile(raw)
	if ps != nil {
		return DatasetDraft{}, ps
	}
	var meta datasetMeta
	root, ps0 := decodeYAML(fm.yaml, fm.offset, &meta)
	if len(ps0) > 0 {
		return DatasetDraft{}, ps0
	}
	var dp problems
	d := DatasetDraft{
		Title: strings.TrimSpace(meta.Title), Category: Category(strings.TrimSpace(meta.Category)),
		Published: decodeDate(&dp, "published", meta.Published), Updated: decodeDate(&dp, "updated", meta.Updated),
		Summary: strings.TrimSpace(meta.Summary), License: strings.TrimSpace(meta.License), Source: strings.TrimSpace(meta.Source),
		Frequency: strings.TrimSpace(meta.Frequency), Places: cleanPlaces(meta.Places), Tags: cleanTags(meta.Tags),
		Body: string(bytes.TrimSpace(fm.body)),
	}
	if c, ok := ParseCategory(string(d.Category)); ok {
		d.Category = c
	}
	for _, c := range meta.Columns {
		d.Columns = append(d.Columns, Column{Name: strings.TrimSpace(c.Name), Title: strings.TrimSpace(c.Title),
			Type: ColumnType(strings.ToLower(strings.TrimSpace(c.Type))), Unit: strings.TrimSpace(c.Unit), Description: strings.TrimSpace(c.Description)})
	}
	line := func(keys ...any) int { return nodeLine(root, keys...) + fm.offset }
	d.Tables = checkTableDecls(meta.Tables, line, &dp)
	for i := range d.Tables {
		d.Tables[i].Line = 0
	}
	period := readPeriod(&dp, func(...any) int { return 0 }, &meta.Period)
	d.Disclosure = decodeDisclosure(&dp, meta.DocumentType, period.raw, meta.Approved)
	if period.raw == "" {
		d.PeriodStart, d.PeriodEnd = decodeDate(&dp, "period start", period.start), decodeDate(&dp, "period end", period.end)
	}
	d.Kind, d.Fields, d.Drop = strings.TrimSpace(meta.Kind), meta.Fields, meta.Drop
	return d, dp
}

// splitFile checks and cleans a markdown file's bytes and splits off its front
// matter.
func splitFile(raw []byte) (*frontMatter, []Problem) {
	if len(raw) == 0 {
		return nil, []Problem{{Msg: msg.New("the file is empty (0 bytes)")}}
	}
	if line := invalidUTF8Line(raw); line > 0 {
		return nil, []Problem{{Line: line, Msg: msg.New("not UTF-8 text: save the file as UTF-8")}}
	}
	fm, prob := splitFrontMatter(cleanText(raw))
	if prob != nil {
		return nil, []Problem{*prob}
	}
	return fm, nil
}

func decodeDate(ps *problems, field, v string) time.Time {
	return parseDateField(ps, 0, field, v)
}
