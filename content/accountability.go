package content

import (
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
)

// What the content folder says for the accountability pages (package dossier,
// through the portal): the kind of a dataset whose rows are records rather
// than an open table (one-stop dossiers, satisfaction results), and on notices
// and datasets the kind of document a disclosure is, the period it covers and
// the date of the decision its deadline runs from.

// The dataset kinds. A dataset without kind is open data: its tables are
// published. KindDossiers is restricted: its files are exports of the one-stop
// software, one row per dossier, that may hold personal data; the portal reads
// them (Dataset.Exports) and never serves, downloads or indexes them.
const (
	KindDossiers     = "ho-so-tthc" // administrative-procedure dossiers (Một cửa điện tử exports)
	KindSatisfaction = "hai-long"   // satisfaction results: counts of answers per level, by month
)

// datasetKinds maps what index.md may write to a kind.
var datasetKinds = map[string]string{
	KindDossiers: KindDossiers, "ho-so": KindDossiers, "dossiers": KindDossiers,
	KindSatisfaction: KindSatisfaction, "satisfaction": KindSatisfaction, "muc-do-hai-long": KindSatisfaction,
}

// DatasetKind is the kind a dataset's kind: field names, as the loader
// reads it ("ho-so" and "dossiers" are KindDossiers); "" for a name that is
// no kind.
func DatasetKind(s string) string { return datasetKinds[Slugify(strings.TrimSpace(s))] }

// Restricted reports whether the dataset's files are records the portal reads
// but never publishes as they are: its folder's files are not served, it has
// no Tables, and its table files are listed in Exports.
func (d *Dataset) Restricted() bool { return d.Kind == KindDossiers }

// Records reports whether the dataset's rows are read by the accountability
// pages (dossiers or satisfaction results).
func (d *Dataset) Records() bool { return d.Kind != "" }

// docMeta is the front matter both notices and datasets may carry for the
// disclosure obligations.
type docMeta struct {
	documentType string
	period       string
	approved     time.Time
}

// periodRE accepts a year, a quarter, a half-year, a month or the cumulative
// six and nine months of budget reports.
var periodRE = regexp.MustCompile(`^(\d{4})(?:-(q[1-4]|h[12]|6t|9t|0[1-9]|1[0-2]))?$`)

// parsePeriod normalises a period: "2026", "2026-Q1" … "2026-Q4", "2026-01" …
// "2026-12". A half-year ("2026-H1") and the budget's cumulative six months
// ("2026-6T") are the second quarter's report, nine months ("2026-9T") the
// third's, the second half-year ("2026-H2") the fourth's. Vietnamese words
// are read too: "quý I/2026", "6 tháng 2026", "9 tháng năm 2026", "tháng
// 3/2026", "năm 2026".
func parsePeriod(s string) (string, bool) {
	f := Fold(strings.TrimSpace(s))
	if m := periodRE.FindStringSubmatch(f); m != nil {
		y, p := m[1], m[2]
		switch p {
		case "":
			return y, true
		case "h1", "6t":
			return y + "-Q2", true
		case "9t":
			return y + "-Q3", true
		case "h2":
			return y + "-Q4", true
		}
		if p[0] == 'q' {
			return y + "-Q" + p[1:], true
		}
		return y + "-" + p, true
	}
	if m := periodWordsRE.FindStringSubmatch(f); m != nil {
		what, n, y := m[1], m[2], m[3]
		switch what {
		case "quy":
			q := map[string]string{"i": "1", "ii": "2", "iii": "3", "iv": "4", "1": "1", "2": "2", "3": "3", "4": "4"}[n]
			if q != "" {
				return y + "-Q" + q, true
			}
		case "thang":
			if len(n) == 1 {
				n = "0" + n
			}
			if len(n) == 2 && n >= "01" && n <= "12" {
				return y + "-" + n, true
			}
		case "nam":
			if n == "" {
				return y, true
			}
		}
	}
	if m := cumulativeRE.FindStringSubmatch(f); m != nil {
		switch m[1] {
		case "6":
			return m[2] + "-Q2", true
		case "9":
			return m[2] + "-Q3", true
		}
	}
	return "", false
}

var (
	periodWordsRE = regexp.MustCompile(`^(quy|thang|nam)\s*([ivx]+|\d{1,2})?\s*(?:/|nam|-)?\s*(\d{4})$`)
	cumulativeRE  = regexp.MustCompile(`^(6|9) thang(?: dau)?(?: nam)?\s*/?\s*(\d{4})$`)
)

// parseDocMeta reads document_type, period and approved.
func parseDocMeta(ps *problems, line func(...any) int, documentType, period, approved string) docMeta {
	var m docMeta
	if s := strings.TrimSpace(documentType); s != "" {
		m.documentType = Slugify(s)
		if m.documentType == "" {
			ps.add(line("document_type"), "document_type %q: write a name of lower-case letters and hyphens (du-toan-ngan-sach)", s)
		}
	}
	if s := strings.TrimSpace(period); s != "" {
		p, ok := parsePeriod(s)
		if !ok {
			ps.add(line("period"), "period %q: write a year (2026), a quarter (2026-Q1; 2026-6T for six months, 2026-9T for nine) or a month (2026-03)", s)
		}
		m.period = p
	}
	m.approved = parseDateField(ps, line("approved"), "approved", approved)
	return m
}

// parseRecordsMeta checks a dataset's kind, fields and drop.
func parseRecordsMeta(ps *problems, line func(...any) int, ds *Dataset, kind string, fields map[string]string, drop []string) {
	if k := strings.TrimSpace(kind); k != "" {
		ds.Kind = DatasetKind(k)
		if ds.Kind == "" {
			ps.add(line("kind"), "unknown dataset kind %q (%s for one-stop dossier exports, %s for satisfaction results; no kind for open data)", k, KindDossiers, KindSatisfaction)
		}
	}
	if len(fields) > 0 || len(drop) > 0 {
		if ds.Kind == "" {
			if len(fields) > 0 {
				ps.add(line("fields"), "fields (which column holds what) is only for datasets of kind %s or %s", KindDossiers, KindSatisfaction)
			} else {
				ps.add(line("drop"), "drop (columns left out) is only for datasets of kind %s or %s", KindDossiers, KindSatisfaction)
			}
			return
		}
	}
	for k, v := range fields {
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if k == "" || v == "" {
			ps.add(line("fields"), "fields: write each as \"field: heading of the column\"")
			continue
		}
		if ds.Fields == nil {
			ds.Fields = map[string]string{}
		}
		ds.Fields[k] = v
	}
	for _, d := range drop {
		if d = strings.TrimSpace(d); d != "" {
			ds.Drop = append(ds.Drop, d)
		}
	}
}

// withheldFolders returns the dataset folders of an agency folder whose files
// are not served: those of restricted datasets, and those whose index.md did
// not load (it may be a restricted dataset's: a broken index.md must not
// publish the exports it describes).
func withheldFolders(d *agencyDir) map[string]bool {
	var out map[string]bool
	for _, m := range d.sets {
		if m.entry == nil || m.entry.dataset.Restricted() {
			if out == nil {
				out = map[string]bool{}
			}
			out[path.Dir(m.path)] = true
		}
	}
	return out
}

// exportFiles returns a restricted dataset's table files, sorted by path.
func exportFiles(files []*File) []*File {
	var out []*File
	for _, f := range files {
		if isTableFile(path.Base(f.Path)) {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b *File) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// disclosure writes document_type, period and approved, as given.
func (e *encoder) disclosure(d Disclosure) {
	e.str("document_type", d.DocumentType)
	e.str("period", d.Period)
	e.date("approved", d.Approved)
}

// records writes a records dataset's kind, fields (sorted by field) and drop.
func (e *encoder) records(kind string, fields map[string]string, drop []string) {
	e.str("kind", kind)
	if len(fields) > 0 {
		keys := make([]string, 0, len(fields))
		for k := range fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		m := e.mapping()
		for _, k := range keys {
			e.strIn(m, k, fields[k])
		}
		e.set("fields", m)
	}
	e.blockList("drop", drop)
}

// decodeDisclosure reads the disclosure fields as written (a period as
// written too: it is checked, not normalised, when the file loads).
func decodeDisclosure(dp *problems, documentType, period, approved string) Disclosure {
	return Disclosure{DocumentType: strings.TrimSpace(documentType), Period: strings.TrimSpace(period), Approved: decodeDate(dp, "approved", approved)}
}

// AccountabilityConfig is site.yaml's accountability section: how late an
// apology may come, and the disclosure obligations that differ from the
// portal's defaults (package dossier holds the defaults and reads these).
type AccountabilityConfig struct {
	// ApologyDays is when the apology for a late dossier is due, in working
	// days from the due date: -1 (the default, when nil) is the working day
	// before it, 0 the due date itself, 2 two working days after.
	ApologyDays *int `yaml:"apology_days"`
	// Obligations change default rules (by id) or add rules.
	Obligations []ObligationConfig `yaml:"obligations"`
}

// ObligationConfig is one rule of site.yaml: every field left empty keeps
// the default rule's value (for a new rule: its default, see docs/accountability.md).
type ObligationConfig struct {
	ID           string            `yaml:"id"`
	Off          bool              `yaml:"off"`
	Title        string            `yaml:"title"`
	DocumentType string            `yaml:"document_type"`
	Category     string            `yaml:"category"`
	Agencies     []string          `yaml:"agencies"`     // agency kinds (province, department, district, commune) or slugs
	Every        string            `yaml:"every"`        // year, quarter, month, event
	Quarters     []int             `yaml:"quarters"`     // for every: quarter, the quarters that have a report
	From         string            `yaml:"from"`         // start, end, approved
	ApprovedBy   map[string]string `yaml:"approved_by"`  // agency kind → latest decision date, "-1:12-09" (the year before, 9 December)
	Days         *int              `yaml:"days"`         // the term after From
	WorkingDays  *bool             `yaml:"working_days"` // the term counts working days
	MinPosting   int               `yaml:"min_posting"`  // for every: event, days the document must stay posted
	Law          string            `yaml:"law"`          // the article and document the rule comes from
	Since        string            `yaml:"since"`        // the first period checked: 2025, 2025-Q1
	Line         int               `yaml:"-"`            // its line in site.yaml, for messages
}
