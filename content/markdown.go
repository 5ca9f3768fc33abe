package content

import (
	"bytes"
	"fmt"
	"html/template"
	"path"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// RenderMarkdown renders a markdown body the way Load renders notices: CommonMark with
// GitHub tables, strikethrough, autolinks and task lists, footnotes, Vietnamese-aware
// heading anchors, tables wrapped in <div class="table-wrap">, and raw HTML omitted
// unless unsafeHTML is true. Dangerous link destinations (javascript:, vbscript:, ...)
// are neutralised in both modes. It also returns the plain text of the body (for
// search and summaries) and its h2 and h3 headings. src should be NFC UTF-8 (Load
// cleans it first). The error is non-nil only if goldmark fails to render, which does
// not happen on any input known to us; html is then empty.
func RenderMarkdown(src []byte, unsafeHTML bool) (html template.HTML, text string, headings []Heading, err error) {
	r, err := renderMarkdown(src, unsafeHTML, "")
	if err != nil {
		return "", "", nil, err
	}
	return r.html, r.text, r.headings, nil
}

type rendered struct {
	html      template.HTML
	text      string
	firstPara string
	headings  []Heading
}

var (
	mdSafe   = newMarkdown(false)
	mdUnsafe = newMarkdown(true)
)

func newMarkdown(unsafe bool) goldmark.Markdown {
	ropts := []renderer.Option{
		renderer.WithNodeRenderers(util.Prioritized(tableWrapRenderer{}, 500)),
	}
	if unsafe {
		ropts = append(ropts, html.WithUnsafe())
	}
	return goldmark.New(
		// GFM, with table alignment written as align="" attributes: the portal's
		// Content-Security-Policy forbids inline style attributes.
		goldmark.WithExtensions(
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough, extension.Linkify, extension.TaskList, extension.Footnote),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(transformer{}, 999)),
		),
		goldmark.WithRendererOptions(ropts...),
	)
}

// baseKey carries the folder that relative links of a body resolve against.
var baseKey = parser.NewContextKey()

// renderMarkdown renders src; when base is not empty, relative link and image
// destinations are made absolute against "/"+base, so they work whatever the URL of
// the page that shows the body.
func renderMarkdown(src []byte, unsafe bool, base string) (r rendered, err error) {
	return convertMarkdown(src, unsafe, base, true)
}

// markdownSummary is what Load needs of a notice's body: its first paragraph as
// plain text. It parses src as renderMarkdown does but renders nothing.
func markdownSummary(src []byte, unsafe bool, base string) (firstPara string, err error) {
	r, err := convertMarkdown(src, unsafe, base, false)
	return r.firstPara, err
}

func convertMarkdown(src []byte, unsafe bool, base string, full bool) (r rendered, err error) {
	defer func() {
		// goldmark has no known panics, but a content file must never bring the
		// portal down.
		if p := recover(); p != nil {
			r, err = rendered{}, fmt.Errorf("content: render markdown: %v", p)
		}
	}()
	md := mdSafe
	if unsafe {
		md = mdUnsafe
	}
	pc := parser.NewContext(parser.WithIDs(newHeadingIDs()))
	pc.Set(baseKey, base)
	doc := md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	if full {
		var buf bytes.Buffer
		if err := md.Renderer().Render(&buf, src, doc); err != nil {
			return rendered{}, fmt.Errorf("content: render markdown: %w", err)
		}
		r.html = template.HTML(buf.String())
		var tb strings.Builder
		plainText(&tb, doc, src)
		r.text = strings.TrimSpace(collapseBlankLines(tb.String()))
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			if full && (n.Level == 2 || n.Level == 3) {
				var hb strings.Builder
				plainText(&hb, n, src)
				id, _ := n.AttributeString("id")
				idb, _ := id.([]byte)
				r.headings = append(r.headings, Heading{Level: n.Level, Text: strings.Join(strings.Fields(hb.String()), " "), ID: string(idb)})
			}
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph:
			if r.firstPara == "" {
				var pb strings.Builder
				plainText(&pb, n, src)
				r.firstPara = strings.Join(strings.Fields(pb.String()), " ")
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return r, nil
}

func collapseBlankLines(s string) string {
	for strings.Contains(s, "\n\n\n") {
		s = strings.ReplaceAll(s, "\n\n\n", "\n\n")
	}
	return s
}

// plainText appends the text of n and its descendants to b: words separated as a
// reader sees them, blocks on their own lines, raw HTML left out.
func plainText(b *strings.Builder, n ast.Node, src []byte) {
	switch n := n.(type) {
	case *ast.Text:
		b.Write(n.Segment.Value(src))
		if n.SoftLineBreak() || n.HardLineBreak() {
			b.WriteByte(' ')
		}
		return
	case *ast.String:
		b.Write(n.Value)
		return
	case *ast.AutoLink:
		b.Write(n.Label(src))
		return
	case *ast.RawHTML, *ast.HTMLBlock:
		return
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			b.Write(seg.Value(src))
		}
		b.WriteByte('\n')
		return
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		plainText(b, c, src)
		if _, cell := c.(*east.TableCell); cell {
			if c.NextSibling() != nil {
				b.WriteByte('\t')
			}
		} else if c.Type() == ast.TypeBlock {
			b.WriteByte('\n')
		}
	}
}

// headingIDs generates heading anchors with Slugify, deduplicated with a numeric
// suffix: "dat-dai", "dat-dai-1", ...
type headingIDs struct{ used map[string]bool }

func newHeadingIDs() *headingIDs { return &headingIDs{used: map[string]bool{}} }

func (h *headingIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	base := Slugify(string(stripInlineMarks(value)))
	if base == "" {
		base = "muc"
	}
	id := base
	for i := 1; h.used[id]; i++ {
		id = base + "-" + strconv.Itoa(i)
	}
	h.used[id] = true
	return []byte(id)
}

func (h *headingIDs) Put(value []byte) { h.used[string(value)] = true }

// stripInlineMarks removes link destinations from a heading's source so that
// "## [Đất đai](http://x)" gives "dat-dai", not "dat-dai-http-x".
func stripInlineMarks(v []byte) []byte {
	if !bytes.Contains(v, []byte("](")) {
		return v
	}
	var out []byte
	for {
		i := bytes.Index(v, []byte("]("))
		if i < 0 {
			return append(out, v...)
		}
		out = append(out, v[:i]...)
		j := bytes.IndexByte(v[i:], ')')
		if j < 0 {
			return append(out, v[i:]...)
		}
		v = v[i+j+1:]
	}
}

// tableWrapKind is the kind of the block that wraps every table.
var tableWrapKind = ast.NewNodeKind("TableWrap")

type tableWrap struct{ ast.BaseBlock }

func (n *tableWrap) Kind() ast.NodeKind { return tableWrapKind }

func (n *tableWrap) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

type tableWrapRenderer struct{}

func (tableWrapRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(tableWrapKind, func(w util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			// Focusable, so keyboard users can scroll a wide table (WCAG 2.1.1).
			_, _ = w.WriteString("<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Bảng\">\n")
		} else {
			_, _ = w.WriteString("</div>\n")
		}
		return ast.WalkContinue, nil
	})
}

// transformer wraps tables so that wide ones scroll on phones, marks external links
// rel="noopener nofollow", and resolves relative destinations against the body's
// folder.
type transformer struct{}

func (transformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	base, _ := pc.Get(baseKey).(string)
	var tables, dangerous []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *east.Table:
			tables = append(tables, n)
		case *ast.Link:
			// goldmark drops dangerous destinations only in safe mode; the doc
			// promises it in both.
			if html.IsDangerousURL(n.Destination) {
				n.Destination = nil
			}
			n.Destination = resolveDest(n.Destination, base)
			if isExternal(n.Destination) {
				n.SetAttributeString("rel", []byte("noopener nofollow"))
			}
		case *ast.Image:
			if html.IsDangerousURL(n.Destination) {
				n.Destination = nil
			}
			n.Destination = resolveDest(n.Destination, base)
		case *ast.AutoLink:
			if html.IsDangerousURL(n.URL(reader.Source())) {
				dangerous = append(dangerous, n)
			} else if n.AutoLinkType == ast.AutoLinkURL {
				n.SetAttributeString("rel", []byte("noopener nofollow"))
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range dangerous {
		if p := n.Parent(); p != nil {
			p.ReplaceChild(p, n, ast.NewString(n.(*ast.AutoLink).Label(reader.Source())))
		}
	}
	for _, t := range tables {
		parent := t.Parent()
		if parent == nil {
			continue
		}
		w := &tableWrap{}
		parent.ReplaceChild(parent, t, w)
		w.AppendChild(w, t)
	}
}

func isExternal(dest []byte) bool {
	d := bytes.ToLower(dest)
	return bytes.HasPrefix(d, []byte("http://")) || bytes.HasPrefix(d, []byte("https://")) || bytes.HasPrefix(d, []byte("//"))
}

// resolveDest makes a relative destination ("files/a.pdf", "../x") absolute against
// "/"+base. Destinations with a scheme, absolute paths and fragments are kept.
func resolveDest(dest []byte, base string) []byte {
	if base == "" || len(dest) == 0 {
		return dest
	}
	d := string(dest)
	if d[0] == '/' || d[0] == '#' || d[0] == '?' {
		return dest
	}
	if i := strings.IndexAny(d, ":/?#"); i >= 0 && d[i] == ':' {
		return dest // has a scheme
	}
	suffix := ""
	if i := strings.IndexAny(d, "?#"); i >= 0 {
		d, suffix = d[:i], d[i:]
	}
	p := path.Join("/"+base, d)
	return []byte(p + suffix)
}
