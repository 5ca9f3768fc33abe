package content

import (
	"errors"
	"io/fs"
	"net/url"
	"strings"
	"time"

	"github.com/congkhai/congkhai/calendar"

	"go.yaml.in/yaml/v3"
)

// DefaultTitle is the portal title used when site.yaml has none.
const DefaultTitle = "Cổng thông tin công khai"

// The lists of administrative units site.yaml's units may name (package
// units has them); DefaultUnits when it names none.
const (
	DefaultUnits = "vn-units-63"
	UnitsAfter   = "vn-units-34"
)

func defaultConfig() SiteConfig {
	c := SiteConfig{Title: DefaultTitle, Languages: []string{"vi"}, Units: DefaultUnits}
	c.Feedback.DeadlineDays = 15
	return c
}

// loadConfig reads site.yaml. A missing file gives the default configuration;
// a file with a problem that stops it loading, or a link, keeps the previous
// site's (or the default).
func (l *loader) loadConfig() SiteConfig {
	const name = "site.yaml"
	fallback := defaultConfig()
	if l.prev != nil {
		fallback = l.prev.Config
	}
	if info, err := fs.Lstat(l.fsys, name); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		return fallback // never followed; classify reports the link
	}
	b, err := fs.ReadFile(l.fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		l.problem(name, 0, "missing: the content folder needs a site.yaml with at least a title")
		return defaultConfig()
	}
	if err != nil {
		l.problem(name, 0, "cannot read: %v", err)
		return fallback
	}
	if line := invalidUTF8Line(b); line > 0 {
		l.problem(name, line, "not UTF-8 text: save the file as UTF-8")
		return fallback
	}
	b = cleanText(b)
	var cfg SiteConfig
	root, ps := decodeYAML(b, 0, &cfg)
	if len(ps) > 0 {
		for _, p := range ps {
			p.Path = name
			l.add(p)
		}
		return fallback
	}
	for _, p := range commentCuts(root, 0, "title", "title_en", "description", "province", "contact") {
		p.Path = name
		l.add(p)
	}
	cfg.Title = strings.TrimSpace(cfg.Title)
	if cfg.Title == "" {
		l.problem(name, 1, "title is required")
		cfg.Title = DefaultTitle
	}
	cfg.BaseURL = strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/")
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			l.problem(name, nodeLine(root, "base_url"), "base_url %q is not an http:// or https:// address", cfg.BaseURL)
			cfg.BaseURL = ""
		}
	}
	var langs []string
	for i, lang := range cfg.Languages {
		lang = strings.ToLower(strings.TrimSpace(lang))
		if lang != "vi" && lang != "en" {
			l.problem(name, nodeLine(root, "languages", i), "language %q is not supported (vi, en)", lang)
			continue
		}
		langs = append(langs, lang)
	}
	if len(langs) == 0 {
		langs = []string{"vi"}
	}
	cfg.Languages = langs
	if cfg.Feedback.DeadlineDays <= 0 {
		cfg.Feedback.DeadlineDays = 15
	}
	for k, v := range cfg.Feedback.Deadlines {
		switch k {
		case "question", "complaint", "suggestion", "comment":
		default:
			l.problem(name, nodeLine(root, "feedback", "deadlines", k), "unknown feedback type %q (question, complaint, suggestion, comment)", k)
			delete(cfg.Feedback.Deadlines, k)
			continue
		}
		if v <= 0 {
			l.problem(name, nodeLine(root, "feedback", "deadlines", k), "deadline for %q must be a positive number of working days", k)
			delete(cfg.Feedback.Deadlines, k)
		}
	}
	switch cfg.Units = strings.TrimSpace(cfg.Units); cfg.Units {
	case "":
		cfg.Units = DefaultUnits
	case DefaultUnits, UnitsAfter:
	default:
		l.problem(name, nodeLine(root, "units"), "units %q is not a list of administrative units (%s, before the 2025 reform, or %s, after it)", cfg.Units, DefaultUnits, UnitsAfter)
		cfg.Units = DefaultUnits
	}
	var direct []string
	for i, a := range cfg.Publishing.Direct {
		if a = strings.TrimSpace(a); a != "" {
			direct = append(direct, a)
			cfg.Publishing.lines = append(cfg.Publishing.lines, nodeLine(root, "publishing", "direct", i))
		}
	}
	cfg.Publishing.Direct = direct
	for i := range cfg.Accountability.Obligations {
		cfg.Accountability.Obligations[i].Line = nodeLine(root, "accountability", "obligations", i)
	}
	cfg.Feedback.Holidays = l.checkDays(root, "holidays", cfg.Feedback.Holidays)
	cfg.Feedback.WorkingDays = l.checkDays(root, "working_days", cfg.Feedback.WorkingDays)
	cfg.Search.Thesaurus = l.checkThesaurus(root, cfg.Search.Thesaurus)
	return cfg
}

// checkThesaurus keeps the thesaurus lines that have the form the search
// reads (two terms or more joined by " = " or by " > ", a "; source" after),
// and reports the others.
func (l *loader) checkThesaurus(root *yaml.Node, lines []string) []string {
	var out []string
	for i, line := range lines {
		body, _, _ := strings.Cut(line, ";")
		body = strings.TrimSpace(body)
		eq, gt := strings.Contains(body, "="), strings.Contains(body, ">")
		sep := "="
		if gt {
			sep = ">"
		}
		terms := 0
		for _, t := range strings.Split(body, sep) {
			if strings.TrimSpace(t) != "" {
				terms++
			}
		}
		if eq && gt || terms < 2 {
			l.problem("site.yaml", nodeLine(root, "search", "thesaurus", i),
				"thesaurus entry %q: write terms of the same meaning joined by \" = \", or a term and what it also finds joined by \" > \"", line)
			continue
		}
		out = append(out, line)
	}
	return out
}

// checkPublishing reports the agencies of publishing.direct that the site
// does not have (once its agencies are placed); they publish nothing.
func (l *loader) checkPublishing(site *Site) {
	p := &site.Config.Publishing
	var keep []string
	var lines []int
	for i, a := range p.Direct {
		if _, ok := site.agencies[a]; !ok {
			l.problem("site.yaml", p.lines[i], "publishing.direct: %q is not an agency of this site (the slug of an agency folder)", a)
			continue
		}
		keep, lines = append(keep, a), append(lines, p.lines[i])
	}
	p.Direct, p.lines = keep, lines
}

func (l *loader) checkDays(root *yaml.Node, key string, days []string) []string {
	var out []string
	for i, d := range days {
		t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(d), calendar.Location)
		if err != nil {
			if t2, _, err2 := parseDate(d); err2 == nil {
				t, err = t2, nil
			}
		}
		if err != nil {
			l.problem("site.yaml", nodeLine(root, "feedback", key, i), "bad date %q in %s: write 2026-02-16", d, key)
			continue
		}
		out = append(out, t.Format("2006-01-02"))
	}
	return out
}
