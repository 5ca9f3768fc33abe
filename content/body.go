package content

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
)

// ErrNoBody is wrapped by Notice.Body when the notice's file can no longer be read
// as a notice (it changed since Load into something that does not load).
var ErrNoBody = errors.New("content: the notice's file no longer holds a notice")

// Body reads the notice's file and renders its markdown body as Load would: the
// markdown mode of site.yaml when the notice was loaded, relative links resolved
// against the agency folder (see RenderMarkdown). Bodies are not kept in memory; a
// caller that shows one often caches the result. If the file changed since Load,
// Body renders what the file holds now (the next Load brings the rest of the
// notice in line). The error wraps fs.ErrNotExist when the file is gone, ErrNoBody
// when it is no longer a markdown file with front matter, or is the read error.
func (n *Notice) Body() (Body, error) {
	if n.src.fsys == nil {
		return Body{}, fmt.Errorf("content: notice %s was not loaded", n.Path)
	}
	b, err := fs.ReadFile(n.src.fsys, n.Source)
	if err != nil {
		return Body{}, fmt.Errorf("content: read %s: %w", n.Source, err)
	}
	if invalidUTF8Line(b) > 0 {
		return Body{}, fmt.Errorf("content: %s: not UTF-8: %w", n.Source, ErrNoBody)
	}
	fm, prob := splitFrontMatter(cleanText(b))
	if prob != nil {
		return Body{}, fmt.Errorf("content: %s: %s: %w", n.Source, prob.Msg, ErrNoBody)
	}
	r, err := renderMarkdown(bytes.TrimSpace(fm.body), n.src.unsafe, n.Agency)
	if err != nil {
		return Body{}, fmt.Errorf("content: %s: %w", n.Source, err)
	}
	return Body{HTML: r.html, Text: r.text, Headings: r.headings}, nil
}
