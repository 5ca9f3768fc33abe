package content

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/mail"
	"path"
	"strings"
	"time"

	"github.com/congkhai/congkhai/msg"
)

// parsedFile is the parse of one markdown file, before references are resolved.
type parsedFile struct {
	hash    string
	size    int64     // of the file when it was read
	modTime time.Time // idem; zero for file systems without times (embed)
	unsafe  bool
	agency  *Agency
	notice  *Notice
	dataset *Dataset
	// references as written, with their lines
	parentLine  int
	attachments []rawAttachment
	related     []rawRef
	columns     declaredColumns
	columnLines map[string]int
	tables      []TableDecl // a dataset's `tables:` entries
	// published: notice has been part of a snapshot and is read-only. The
	// first load that uses an entry completes its notice in place; later
	// loads publish the same notice again when its attachments and related
	// paths resolve as before, and a copy otherwise (one copy of each notice
	// in memory, not one per entry and one per snapshot).
	published bool
	// warnings are problems that do not stop the file from loading (a value a
	// comment cut short), reported by every load that uses the entry.
	warnings []Problem
}

type rawAttachment struct {
	Attachment
	file string // as written
	line int
}

type rawRef struct {
	ref  string
	line int
}

// parseFile reads and parses one markdown file. It returns the entry to use: the new
// parse, prev's parse when unchanged, prev's last good parse when the file has a
// problem that stops it loading, or nil.
func (l *loader) parseFile(m *mdFile, unsafe bool) *parsedFile {
	var last *parsedFile
	if l.prev != nil {
		// An entry rendered with the other markdown mode is only a fallback.
		last = l.prev.parsed[m.path]
	}
	if r := l.reusable(m, unsafe); r != nil {
		m.reused = true
		return r
	}
	b, err := fs.ReadFile(l.fsys, m.path)
	if err != nil {
		l.problem(m.path, 0, "cannot read: %v", err)
		m.stale = last != nil
		return last
	}
	sum := sha256.Sum256(b)
	hash := hex.EncodeToString(sum[:])
	if last != nil && last.hash == hash && last.unsafe == unsafe {
		m.reused = true
		return last
	}
	pf, ps := parseMarkdownFile(m.path, m.kind, b, unsafe)
	for i := range ps {
		ps[i].Path = m.path
	}
	l.add(ps...)
	if pf == nil {
		if last != nil {
			l.problem(m.path, 0, "the last good version stays online until this is fixed")
			m.stale = true
		}
		return last
	}
	for i := range pf.warnings {
		pf.warnings[i].Path = m.path
	}
	pf.hash = hash
	pf.unsafe = unsafe
	pf.size, pf.modTime = m.size, m.modTime
	l.parsedCount.Add(1)
	if l.keepBodies && pf.notice != nil {
		if section, ok := bodySection(b); ok {
			l.kept.put(m.path, hash, bytes.Clone(section))
		}
	}
	return pf
}

// reusable returns prev's parse of m when the file's size and time (as listed)
// are those of that parse: a reload after one edit then reads one file, not the
// whole folder (a hundred thousand notices), and a restart with the cache reads
// none.
func (l *loader) reusable(m *mdFile, unsafe bool) *parsedFile {
	if l.prev == nil {
		return nil
	}
	last := l.prev.parsed[m.path]
	if last != nil && last.unsafe == unsafe && !m.modTime.IsZero() &&
		last.size == m.size && last.modTime.Equal(m.modTime) {
		return last
	}
	return nil
}

// parseMarkdownFile parses a markdown file of the given kind at path p. It returns
// nil and the problems when the file cannot be loaded.
func parseMarkdownFile(p string, kind int, raw []byte, unsafe bool) (pf *parsedFile, ps []Problem) {
	defer func() {
		if r := recover(); r != nil {
			pf, ps = nil, []Problem{{Line: 0, Msg: msg.New("internal error while loading: %v", r)}}
		}
	}()
	if len(raw) == 0 {
		return nil, []Problem{{Msg: msg.New("the file is empty (0 bytes)")}}
	}
	if line := invalidUTF8Line(raw); line > 0 {
		return nil, []Problem{{Line: line, Msg: msg.New("not UTF-8 text: save the file as UTF-8")}}
	}
	b := cleanText(raw)
	fm, prob := splitFrontMatter(b)
	if prob != nil {
		return nil, []Problem{*prob}
	}
	switch kind {
	case kindAgency:
		return parseAgency(p, fm, unsafe)
	case kindNotice:
		return parseNotice(p, fm, unsafe)
	default:
		return parseDataset(p, fm, unsafe)
	}
}

type problems []Problem

func (ps *problems) add(line int, format string, args ...any) {
	*ps = append(*ps, Problem{Line: line, Msg: msg.New(format, args...)})
}

type agencyMeta struct {
	Name      string   `yaml:"name"`
	ShortName string   `yaml:"short_name"`
	Kind      string   `yaml:"kind"`
	Parent    string   `yaml:"parent"`
	Order     int      `yaml:"order"`
	Address   string   `yaml:"address"`
	Phone     string   `yaml:"phone"`
	Email     string   `yaml:"email"`
	Website   string   `yaml:"website"`
	Staff     []string `yaml:"staff"`
	Places    []Place  `yaml:"places"`
}

func parseAgency(p string, fm *frontMatter, unsafe bool) (*parsedFile, []Problem) {
	var meta agencyMeta
	root, ps0 := decodeYAML(fm.yaml, fm.offset, &meta)
	if len(ps0) > 0 {
		return nil, ps0
	}
	var ps problems
	line := func(keys ...any) int { return nodeLine(root, keys...) + fm.offset }
	a := &Agency{
		Slug:      strings.Split(p, "/")[0],
		Name:      strings.TrimSpace(meta.Name),
		ShortName: strings.TrimSpace(meta.ShortName),
		Kind:      strings.TrimSpace(meta.Kind),
		Parent:    strings.TrimSpace(meta.Parent),
		Address:   strings.TrimSpace(meta.Address),
		Phone:     strings.TrimSpace(meta.Phone),
		Email:     strings.TrimSpace(meta.Email),
		Website:   strings.TrimSpace(meta.Website),
		Order:     meta.Order,
		Places:    cleanPlaces(meta.Places),
		Source:    p,
	}
	if a.Name == "" {
		ps.add(line("name"), "name is required")
	}
	if a.ShortName == "" {
		a.ShortName = a.Name
	}
	switch a.Kind {
	case "":
		a.Kind = "other"
	case "province", "department", "district", "commune", "other":
	default:
		ps.add(line("kind"), "unknown kind %q (province, department, district, commune, other)", a.Kind)
	}
	if a.Email != "" {
		if _, err := mail.ParseAddress(a.Email); err != nil {
			ps.add(line("email"), "email %q is not an address", a.Email)
		}
	}
	for i, s := range meta.Staff {
		s = strings.TrimSpace(s)
		if _, err := mail.ParseAddress(s); err != nil || !strings.Contains(s, "@") {
			ps.add(line("staff", i), "staff address %q is not an email address", s)
			continue
		}
		a.Staff = append(a.Staff, s)
	}
	if len(ps) > 0 {
		return nil, ps
	}
	body := bytes.TrimSpace(fm.body)
	r, err := renderMarkdown(body, unsafe, a.Slug)
	if err != nil {
		return nil, []Problem{{Line: fm.bodyLine, Msg: msg.New("%v", err)}}
	}
	a.Body, a.HTML = string(body), r.html
	return &parsedFile{agency: a, parentLine: line("parent"), warnings: commentCuts(root, fm.offset, "name", "short_name", "address")}, nil
}

// common holds what notices and datasets share.
type common struct {
	title     string
	category  Category
	published time.Time
	updated   time.Time
}

func parseCommon(ps *problems, line func(...any) int, title, category, published, updated string) common {
	var c common
	c.title = strings.TrimSpace(title)
	if c.title == "" {
		ps.add(line("title"), "title is required")
	}
	if strings.TrimSpace(category) == "" {
		ps.add(line("category"), "category is required; accepted: %s", acceptedCategories())
	} else if cat, ok := ParseCategory(category); ok {
		c.category = cat
	} else {
		ps.add(line("category"), "unknown category %q; accepted: %s", category, acceptedCategories())
	}
	if strings.TrimSpace(published) == "" {
		ps.add(line("published"), "published (the publication date) is required")
	} else {
		c.published = parseDateField(ps, line("published"), "published", published)
	}
	c.updated = c.published
	if strings.TrimSpace(updated) != "" {
		if u := parseDateField(ps, line("updated"), "updated", updated); !u.IsZero() {
			c.updated = u
		}
	}
	return c
}

func parseDateField(ps *problems, line int, field, v string) time.Time {
	if strings.TrimSpace(v) == "" {
		return time.Time{}
	}
	t, _, err := parseDate(v)
	if err != nil {
		ps.add(line, "%s: %v", field, err)
	}
	return t
}

func cleanPlaces(in []Place) []Place {
	var out []Place
	for _, p := range in {
		p = Place{Province: strings.TrimSpace(p.Province), District: strings.TrimSpace(p.District), Commune: strings.TrimSpace(p.Commune)}
		if p != (Place{}) {
			out = append(out, p)
		}
	}
	return out
}

func cleanTags(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range in {
		t = strings.Join(strings.Fields(t), " ")
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

func slugOf(p string, kind int) (agency, slug string) {
	parts := strings.Split(p, "/")
	agency = parts[0]
	if kind == kindDataset {
		return agency, parts[len(parts)-2]
	}
	return agency, strings.TrimSuffix(parts[len(parts)-1], path.Ext(p))
}
