package content

import (
	"context"
	"path"
	"strings"
	"time"
)

// sameTable reports whether the file at p, of the same size and time as old, is
// old. With times, size and time decide (hashing a table of a million rows on
// every reload would make every edit wait for it); without (embed), the hash.
func (l *loader) sameTable(p string, modTime time.Time, old *Table) bool {
	if !modTime.IsZero() {
		return true
	}
	h, err := hashFile(l.fsys, p)
	return err == nil && h == old.Hash
}

func (l *loader) resolveAttachments(site *Site, n *Notice, pf *parsedFile) []Attachment {
	var out []Attachment
	for _, ra := range pf.attachments {
		a := ra.Attachment
		if ra.file == "" {
			out = append(out, a)
			continue
		}
		f := strings.ReplaceAll(ra.file, "\\", "/")
		bad := strings.HasPrefix(f, "/")
		for _, el := range strings.Split(f, "/") {
			if el == ".." {
				bad = true
			}
		}
		if bad {
			l.problem(n.Source, ra.line, "attachment file %q must be a path inside the agency folder, relative to the notice, without \"..\"", ra.file)
			continue
		}
		p := path.Join(path.Dir(n.Source), f)
		file, ok := site.Files[p]
		if !ok {
			l.problem(n.Source, ra.line, "attachment file %q does not exist (looked for %s)", ra.file, p)
			continue
		}
		a.Path, a.Size, a.Type = file.Path, file.Size, file.Type
		out = append(out, a)
	}
	return out
}

func (l *loader) resolveRelated(site *Site, n *Notice, pf *parsedFile) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range pf.related {
		p := strings.Trim(r.ref, "/")
		p = strings.TrimSuffix(p, ".md")
		p = strings.TrimSuffix(p, "/index")
		if !strings.Contains(p, "/") {
			p = n.Agency + "/" + p
		}
		_, isNotice := site.notices[p]
		_, isSet := site.datasets[p]
		if !isNotice && !isSet {
			l.problem(n.Source, r.line, "related %q is not a notice or dataset of this site", r.ref)
			continue
		}
		if p == n.Path || seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, p)
	}
	return out
}

// loadTables returns the tables of the file f: prev's when the file and what
// index.md declares about it are unchanged, or a new scan. It returns nil, with
// a problem, when the file cannot be used.
func (l *loader) loadTables(ctx context.Context, f *File, cols declaredColumns, decls []TableDecl) []*Table {
	p := f.Path
	fd := declsFor(decls, path.Base(p))
	if fd.file != nil && fd.file.Exclude {
		return nil
	}
	sig := cols.signature() + "\n" + fd.signature()
	if l.prev != nil {
		if old := l.prev.tables[p]; len(old) > 0 && old[0].Size == f.Size && old[0].ModTime.Equal(f.ModTime) &&
			old[0].src.scan != nil && old[0].src.scan.declSig == sig && l.sameTable(p, f.ModTime, old[0]) {
			out := make([]*Table, len(old))
			for i, o := range old {
				t := *o
				t.src.fsys = l.fsys
				out[i] = &t
			}
			l.add(old[0].src.scan.problems...)
			return out
		}
	}
	l.parsedCount.Add(1)
	ts, ps, err := scanFile(ctx, l.fsys, f, fd, cols)
	if err != nil {
		if ctx.Err() == nil {
			l.problem(p, 0, "%v", err)
		}
		return nil
	}
	l.add(ps...)
	return ts
}
