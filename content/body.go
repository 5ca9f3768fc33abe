package content

import (
	"bytes"
	clist "container/list"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"sync"
)

// Body reads the notice's file and renders its markdown body as Load would: the
// markdown mode of site.yaml when the notice was loaded, relative links resolved
// against the agency folder (see RenderMarkdown). Bodies are not kept in memory; a
// caller that shows one often caches the result.
//
// A notice whose file changed since Load keeps its metadata until the next Load,
// and Body keeps to it as best it can: the body of the version loaded when the
// portal kept it (the versions a reload read: see keptBodies), else the body
// section of what the file holds now (when only the front matter broke, or the
// next Load is on its way), else — the file no longer splits into front matter
// and body, is not UTF-8 or cannot be read — the notice's summary as a paragraph,
// with Partial set. A broken file never makes Body fail.
//
// The error wraps fs.ErrNotExist when the file is gone (a reload removes the
// notice), or is an error rendering the file's markdown.
func (n *Notice) Body() (Body, error) {
	if n.src.fsys == nil {
		return Body{}, fmt.Errorf("content: notice %s was not loaded", n.Path)
	}
	b, err := fs.ReadFile(n.src.fsys, n.Source)
	if errors.Is(err, fs.ErrNotExist) {
		return Body{}, fmt.Errorf("content: read %s: %w", n.Source, err)
	}
	if err == nil && hexHash(b) == n.Hash {
		fm, prob := splitFrontMatter(cleanText(b))
		if prob == nil {
			return n.render(bytes.TrimSpace(fm.body))
		}
	}
	// The file is not the version loaded: changed since, or unreadable.
	if kept, ok := n.src.kept.get(n.Source, n.Hash); ok {
		if body, err := n.render(kept); err == nil {
			return body, nil
		}
	}
	if err == nil {
		if section, ok := bodySection(b); ok {
			if body, err := n.render(section); err == nil {
				return body, nil
			}
		}
	}
	return Body{
		HTML:    template.HTML("<p>" + template.HTMLEscapeString(n.Summary) + "</p>"),
		Text:    n.Summary,
		Partial: true,
	}, nil
}

func (n *Notice) render(section []byte) (Body, error) {
	r, err := renderMarkdown(section, n.src.unsafe, n.Agency)
	if err != nil {
		return Body{}, fmt.Errorf("content: %s: %w", n.Source, err)
	}
	return Body{HTML: r.html, Text: r.text, Headings: r.headings}, nil
}

// bodySection returns the markdown body of a notice file's bytes, trimmed; false
// when the file is not UTF-8 or has no front matter to split off.
func bodySection(b []byte) ([]byte, bool) {
	if invalidUTF8Line(b) > 0 {
		return nil, false
	}
	fm, prob := splitFrontMatter(cleanText(b))
	if prob != nil {
		return nil, false
	}
	return bytes.TrimSpace(fm.body), true
}

func hexHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// keptBodiesMax is how many bytes of notice bodies a portal keeps (the bodies of
// about a thousand notices of a few pages).
const keptBodiesMax = 8 << 20

// keptBodies holds the markdown body of the notice versions that a reload read
// (the files that changed since the portal started), so that a notice whose file
// breaks later still shows the body of its last good version. Bodies of files
// read by the first load (a province has a hundred thousand notices) are not
// kept: a notice unchanged since the start whose file breaks so that its body
// cannot be found shows its summary. The store is bounded in bytes: the oldest
// body goes first. It is shared by the Sites of one portal and safe for
// concurrent use; a nil *keptBodies keeps nothing.
type keptBodies struct {
	mu    sync.Mutex
	max   int // bytes
	size  int
	byKey map[string]*clist.Element // source path → element of order
	order *clist.List               // of *keptBody, oldest first
}

type keptBody struct {
	path string
	hash string
	body []byte
}

func newKeptBodies(max int) *keptBodies {
	return &keptBodies{max: max, byKey: map[string]*clist.Element{}, order: clist.New()}
}

// put keeps body as the body of the version hash of the notice file at path,
// replacing what was kept for path.
func (k *keptBodies) put(path, hash string, body []byte) {
	if k == nil || len(body) > k.max {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.removeLocked(path)
	k.byKey[path] = k.order.PushBack(&keptBody{path: path, hash: hash, body: body})
	k.size += len(body)
	for k.size > k.max {
		k.removeLocked(k.order.Front().Value.(*keptBody).path)
	}
}

// get returns the body kept for the version hash of path.
func (k *keptBodies) get(path, hash string) ([]byte, bool) {
	if k == nil {
		return nil, false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if e, ok := k.byKey[path]; ok {
		if kb := e.Value.(*keptBody); kb.hash == hash {
			return kb.body, true
		}
	}
	return nil, false
}

// retain drops the bodies whose path is not a notice of s in the version kept.
func (k *keptBodies) retain(s *Site) {
	if k == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	for path, e := range k.byKey {
		if pf := s.parsed[path]; pf == nil || pf.notice == nil || pf.hash != e.Value.(*keptBody).hash {
			k.removeLocked(path)
		}
	}
}

func (k *keptBodies) removeLocked(path string) {
	if e, ok := k.byKey[path]; ok {
		k.size -= len(e.Value.(*keptBody).body)
		k.order.Remove(e)
		delete(k.byKey, path)
	}
}

// len returns the number of bodies kept and their size in bytes.
func (k *keptBodies) len() (n, size int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.byKey), k.size
}
