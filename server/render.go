package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/congkhai/congkhai/calendar"
	"github.com/congkhai/congkhai/msg"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/portal"
	"github.com/congkhai/congkhai/themes"
)

// renderer holds one parsed template set per page, each the base layout plus the page.
type renderer struct {
	theme *themes.Theme
	pages map[string]*template.Template
	msgs  map[string]map[string]string // lang -> key -> text
}

// requiredPages must exist in every theme; any other templates/*.html is a page too.
var requiredPages = []string{"home", "agencies", "agency", "categories", "category", "notice", "dataset", "drafts", "error"}

// languages the UI is translated into; the first is the default.
var languages = []string{"vi", "en"}

func newRenderer(th *themes.Theme) (*renderer, error) {
	r := &renderer{theme: th, pages: map[string]*template.Template{}, msgs: map[string]map[string]string{}}
	for _, lang := range languages {
		// i18n/<lang>/*.json are merged, so each feature keeps its own file.
		files, err := fs.Glob(th.FS(), "i18n/"+lang+"/*.json")
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("server: theme has no translations for %s", lang)
		}
		m := map[string]string{}
		for _, f := range files {
			b, err := fs.ReadFile(th.FS(), f)
			if err != nil {
				return nil, fmt.Errorf("server: theme translations: %w", err)
			}
			if err := json.Unmarshal(b, &m); err != nil {
				return nil, fmt.Errorf("server: theme translations %s: %w", f, err)
			}
		}
		r.msgs[lang] = m
	}
	base, err := fs.ReadFile(th.FS(), "templates/base.html")
	if err != nil {
		return nil, fmt.Errorf("server: theme: %w", err)
	}
	pages, err := fs.Glob(th.FS(), "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("server: theme: %w", err)
	}
	funcs := r.funcs()
	for _, file := range pages {
		name := strings.TrimSuffix(path.Base(file), ".html")
		if name == "base" {
			continue
		}
		page, err := fs.ReadFile(th.FS(), file)
		if err != nil {
			return nil, fmt.Errorf("server: theme: %w", err)
		}
		t, err := template.New("base.html").Funcs(funcs).Parse(string(base))
		if err != nil {
			return nil, fmt.Errorf("server: theme: templates/base.html: %w", err)
		}
		if _, err := t.New(name + ".html").Parse(string(page)); err != nil {
			return nil, fmt.Errorf("server: theme: %s: %w", file, err)
		}
		r.pages[name] = t
	}
	for _, name := range requiredPages {
		if r.pages[name] == nil {
			return nil, fmt.Errorf("server: theme: templates/%s.html is missing", name)
		}
	}
	return r, nil
}

// render executes a page into a buffer, so that a template error never sends half a page.
func (r *renderer) render(name string, v *view) ([]byte, error) {
	t, ok := r.pages[name]
	if !ok {
		return nil, fmt.Errorf("server: no template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base", v); err != nil {
		return nil, fmt.Errorf("server: render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

func (r *renderer) funcs() template.FuncMap {
	return template.FuncMap{
		"static": r.theme.StaticURL,
		"date":   formatDate,
		"iso": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(calendar.Location).Format(time.RFC3339)
		},
		"num":   func(n int) string { return formatNumber(float64(n), 0) },
		"num64": func(n uint64) string { return formatNumber(float64(n), 0) },
		"bytes": formatBytes,
		"ext":   func(p string) string { return strings.ToUpper(strings.TrimPrefix(path.Ext(p), ".")) },
		"upper": strings.ToUpper,
		// filepath is the URL of a content file, its segments escaped.
		"filepath": func(p string) template.URL { return template.URL(filePath(p)) },
		"tel": func(s string) string {
			return strings.Map(func(r rune) rune {
				if r == '+' || (r >= '0' && r <= '9') {
					return r
				}
				return -1
			}, s)
		},
		"list": func(xs ...any) []any { return xs },
		"add":  func(a, b int) int { return a + b },
		"sub":  func(a, b int) int { return a - b },
	}
}

// view is what every template receives.
type view struct {
	Lang             string
	Section          string // highlights the navigation entry
	Title            string
	Description      string
	Canonical        string
	Path             string // the request path, for the language switch
	Query            string // the search box's value
	SiteTitle        string
	HideHeaderSearch bool
	Site             *content.Site
	Feeds            []feedLink
	Alternates       []feedLink // the page's data in other formats (DCAT-AP, Data Package), as <link rel="alternate">
	Data             any
	// Banner is a notice above the page's content: the console's preview of
	// a draft says it is not published (console.go).
	Banner, BannerLink string

	Page, Pages int
	pageURL     func(n int) string

	snap     *portal.Snapshot
	now      time.Time
	msgs     map[string]string
	fallback map[string]string
}

type feedLink struct{ Type, Title, URL string }

// T translates a UI key; an unknown key shows itself, so a missing translation is visible.
func (v *view) T(key string) string {
	if s, ok := v.msgs[key]; ok {
		return s
	}
	if s, ok := v.fallback[key]; ok {
		return s
	}
	return key
}

// Tf translates a key and fills {name} placeholders from name/value pairs.
func (v *view) Tf(key string, kv ...any) string {
	s := v.T(key)
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{"+fmt.Sprint(kv[i])+"}", fmt.Sprint(kv[i+1]))
	}
	return s
}

// Msg renders a message or a problem (a content.Problem, a msg.Text) in the
// page's language.
func (v *view) Msg(m msg.Localizer) string { return m.In(msg.Lang(v.Lang)) }

// Agency returns the agency with the slug, or nil.
func (v *view) Agency(slug string) *content.Agency {
	a, _ := v.Site.Agency(slug)
	return a
}

// CategoryName is the category's name in the visitor's language.
func (v *view) CategoryName(c content.Category) string {
	ci, ok := c.Info()
	if !ok {
		return string(c)
	}
	if v.Lang == "en" {
		return ci.NameEN
	}
	return ci.NameVI
}

// PageURL is the address of page n of the current list.
func (v *view) PageURL(n int) string {
	if v.pageURL == nil {
		return "?trang=" + strconv.Itoa(n)
	}
	return v.pageURL(n)
}

// DaysLeft counts the calendar days from today until t's day (0 on the day itself).
func (v *view) DaysLeft(t time.Time) int {
	d := int(math.Round(startOfDay(t).Sub(startOfDay(v.now)).Hours() / 24))
	if d < 0 {
		return 0
	}
	return d
}

func startOfDay(t time.Time) time.Time {
	t = t.In(calendar.Location)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, calendar.Location)
}

// formatDate shows a date the Vietnamese way, dd/mm/yyyy, in Asia/Ho_Chi_Minh.
func formatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.Location).Format("02/01/2006")
}

// formatNumber writes n with "." between thousands and "," before decimals
// (1.234.567,5), as Vietnamese readers expect.
func formatNumber(n float64, decimals int) string {
	if math.IsNaN(n) || math.IsInf(n, 0) {
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	s := strconv.FormatFloat(math.Abs(n), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if n < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

// formatDecimal shows a number with as many decimals as it needs (at most 4).
func formatDecimal(n float64) string {
	s := strconv.FormatFloat(n, 'f', -1, 64)
	_, frac, _ := strings.Cut(s, ".")
	d := len(frac)
	if d > 4 {
		d = 4
	}
	return formatNumber(n, d)
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return formatNumber(float64(n)/(1<<20), 1) + " MB"
	case n >= 1<<10:
		return formatNumber(float64(n)/(1<<10), 0) + " KB"
	default:
		return strconv.FormatInt(n, 10) + " B"
	}
}
