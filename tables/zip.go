package tables

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strings"
)

// maxZipEntries bounds the entries of an XLSX or ODS archive: a workbook has a few
// dozen; a central directory of millions is an attack on memory.
const maxZipEntries = 10_000

// zipBook is an XLSX or ODS archive read within the limits: every part inflated
// counts against a budget shared by all parts.
type zipBook struct {
	z      *zip.Reader
	files  map[string]*zip.File
	lim    Limits
	budget int64 // bytes that may still be inflated
}

func openZip(ra io.ReaderAt, size int64, lim Limits) (*zipBook, error) {
	z, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, errFormat("not a readable zip archive (%v)", err)
	}
	if len(z.File) > maxZipEntries {
		return nil, errLimit("%d entries in the archive (limit %d)", len(z.File), maxZipEntries)
	}
	zb := &zipBook{z: z, files: make(map[string]*zip.File, len(z.File)), lim: lim, budget: lim.MaxUnzipped}
	for _, f := range z.File {
		zb.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	return zb, nil
}

// find returns the entry at p, matched case-insensitively when not exact (some
// writers differ in case from their relationships).
func (zb *zipBook) find(p string) *zip.File {
	p = strings.TrimPrefix(p, "/")
	if f, ok := zb.files[p]; ok {
		return f
	}
	for n, f := range zb.files {
		if strings.EqualFold(n, p) {
			return f
		}
	}
	return nil
}

// open inflates one part through a reader that stops at the part limit and at the
// archive budget.
func (zb *zipBook) open(p string) (io.ReadCloser, error) {
	f := zb.find(p)
	if f == nil {
		return nil, errFormat("part %s is missing", p)
	}
	if f.UncompressedSize64 > uint64(zb.lim.MaxPart) {
		return nil, errLimit("part %s inflates to %d bytes (limit %d)", p, f.UncompressedSize64, zb.lim.MaxPart)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, errFormat("part %s: %v", p, err)
	}
	return &budgetReader{r: rc, c: rc, zb: zb, part: p, left: zb.lim.MaxPart}, nil
}

// readAll inflates a small part whole.
func (zb *zipBook) readAll(p string) ([]byte, error) {
	rc, err := zb.open(p)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

type budgetReader struct {
	r    io.Reader
	c    io.Closer
	zb   *zipBook
	part string
	left int64
}

func (b *budgetReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.left -= int64(n)
	b.zb.budget -= int64(n)
	if b.left < 0 {
		return n, errLimit("part %s inflates to more than %d bytes (a zip bomb?)", b.part, b.zb.lim.MaxPart)
	}
	if b.zb.budget < 0 {
		return n, errLimit("the archive inflates to more than %d bytes (a zip bomb?)", b.zb.lim.MaxUnzipped)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return n, errFormat("part %s: %v", b.part, err)
	}
	return n, err
}

func (b *budgetReader) Close() error { return b.c.Close() }

// rel is one relationship of an OOXML part.
type rel struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
	Mode   string `xml:"TargetMode,attr"`
}

// rels reads the relationships of the part at p; none is not an error.
func (zb *zipBook) rels(p string) ([]rel, error) {
	rp := path.Join(path.Dir(p), "_rels", path.Base(p)+".rels")
	if zb.find(rp) == nil {
		return nil, nil
	}
	b, err := zb.readAll(rp)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Rels []rel `xml:"Relationship"`
	}
	if err := xml.NewDecoder(bytes.NewReader(b)).Decode(&doc); err != nil {
		return nil, errFormat("%s: %v", rp, err)
	}
	for i := range doc.Rels {
		t := doc.Rels[i].Target
		if strings.HasPrefix(t, "/") {
			doc.Rels[i].Target = strings.TrimPrefix(t, "/")
		} else if doc.Rels[i].Mode != "External" {
			doc.Rels[i].Target = path.Join(path.Dir(p), t)
		}
	}
	return doc.Rels, nil
}

// attr returns the value of the attribute with the local name.
func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// xmlDecoder returns a decoder that accepts the encodings writers declare (only
// UTF-8 and its ASCII subset are real in OOXML and ODF).
func xmlDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(r)
	d.Strict = true
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return in, nil
		}
		return nil, errFormat("XML encoding %q is not supported", label)
	}
	return d
}
