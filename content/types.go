package content

import (
	"fmt"
	"html/template"
	"io/fs"
	"slices"
	"time"

	"github.com/congkhai/congkhai/msg"
)

// Category is the canonical (Vietnamese, URL-safe) slug of a kind of disclosure.
type Category string

// The categories every portal knows. Front matter may use the slug, the English key
// (budget, land-use-plan, land-price, compensation, notice, draft, procedure) or the
// Vietnamese name with or without diacritics; Load turns each into the slug.
const (
	CatBudget       Category = "ngan-sach"
	CatLandUsePlan  Category = "quy-hoach"
	CatLandPrice    Category = "gia-dat"
	CatCompensation Category = "boi-thuong"
	CatNotice       Category = "thong-bao"
	CatDraft        Category = "du-thao"
	CatProcedure    Category = "thu-tuc"
)

// CategoryInfo describes a category for pages and feeds.
type CategoryInfo struct {
	Slug   Category
	Key    string // English key accepted in front matter
	NameVI string
	NameEN string
}

// categories lists every category in display order.
var categories = [...]CategoryInfo{
	{CatBudget, "budget", "Ngân sách", "Budget"},
	{CatLandUsePlan, "land-use-plan", "Quy hoạch, kế hoạch sử dụng đất", "Land-use plans"},
	{CatLandPrice, "land-price", "Bảng giá đất", "Land prices"},
	{CatCompensation, "compensation", "Bồi thường, hỗ trợ, tái định cư", "Compensation and resettlement"},
	{CatNotice, "notice", "Thông báo", "Notices"},
	{CatDraft, "draft", "Dự thảo lấy ý kiến", "Drafts for comment"},
	{CatProcedure, "procedure", "Thủ tục hành chính", "Administrative procedures"},
}

// Categories returns every category in display order, in a new slice the caller
// may keep or change.
func Categories() []CategoryInfo { return slices.Clone(categories[:]) }

// Info returns the description of c; ok is false for an unknown category.
func (c Category) Info() (CategoryInfo, bool) {
	for _, ci := range categories {
		if ci.Slug == c {
			return ci, true
		}
	}
	return CategoryInfo{}, false
}

// Site is one consistent snapshot of a content folder. It is never modified after
// Load returns it; a change in the folder produces a new Site.
type Site struct {
	Config   SiteConfig
	Agencies []*Agency  // sorted by Order, then collated name
	Notices  []*Notice  // sorted by Published, newest first, then Path
	Datasets []*Dataset // sorted by Published, newest first, then Path
	// Files are the other files under agency folders (attachments, images), keyed by
	// their slash path in the content folder ("so-tai-chinh/files/du-toan.pdf").
	Files map[string]*File

	agencies map[string]*Agency
	notices  map[string]*Notice
	datasets map[string]*Dataset
	// parsed is the last good parse of each markdown file by source path, reused
	// when a file is unchanged and kept when its new version fails to load.
	parsed map[string]*parsedFile
	// tables are the scanned tables by file path, reused when unchanged.
	tables map[string][]*Table
	// kept are the last good bodies of notices, shared with the next Site.
	kept *keptBodies
	// nodes are the files and folders listed, in walk order, for Reload;
	// problems and parsedFiles what the load that built the Site found and did.
	nodes       []node
	problems    []Problem
	parsedFiles int
}

// SiteConfig is site.yaml.
type SiteConfig struct {
	Title       string   `yaml:"title"`
	TitleEN     string   `yaml:"title_en"`
	Description string   `yaml:"description"`
	Province    string   `yaml:"province"`
	BaseURL     string   `yaml:"base_url"`  // public base URL, no trailing slash
	Languages   []string `yaml:"languages"` // first is the default; "vi" when empty
	Contact     string   `yaml:"contact"`
	Markdown    struct {
		UnsafeHTML bool `yaml:"unsafe_html"` // render raw HTML in markdown (off by default)
	} `yaml:"markdown"`
	Feedback FeedbackConfig `yaml:"feedback"`
	Search   SearchConfig   `yaml:"search"`
	// Units names the list of administrative units the console's places
	// picker offers: "vn-units-63" (before the 2025 reform, the default) or
	// "vn-units-34" (after it).
	Units      string           `yaml:"units"`
	Publishing PublishingConfig `yaml:"publishing"`
	// Accountability changes the rules of the accountability pages
	// (accountability.go); its zero value keeps every default.
	Accountability AccountabilityConfig `yaml:"accountability"`
}

// SearchConfig is site.yaml's search: section.
type SearchConfig struct {
	// Thesaurus holds the site's own entries, one per line: terms with the
	// same meaning separated by " = " ("đường tránh = đường Võ Nguyên Giáp"),
	// or a term and what it also finds separated by " > " ("QL1A > Quốc lộ
	// 1A"), optionally followed by "; source" (docs/search.md).
	Thesaurus []string `yaml:"thesaurus"`
}

// PublishingConfig is how agencies publish from the console and the API.
type PublishingConfig struct {
	// Direct are the agencies (slugs) whose staff and API tokens publish
	// without an agency admin's approval.
	Direct []string `yaml:"direct"`
	lines  []int    // of Direct's entries in site.yaml, for problems
}

// PublishesDirectly reports whether the agency publishes without approval.
func (c SiteConfig) PublishesDirectly(agency string) bool {
	for _, a := range c.Publishing.Direct {
		if a == agency {
			return true
		}
	}
	return false
}

// FeedbackConfig holds the answer deadlines and the calendar of non-working days.
type FeedbackConfig struct {
	DeadlineDays int            `yaml:"deadline_days"` // default working days to answer (15 when 0)
	Deadlines    map[string]int `yaml:"deadlines"`     // per feedback type ("question", "complaint", ...)
	// Holidays are extra non-working days (lunar holidays, bridge days) as "2006-01-02";
	// WorkingDays are weekend days declared working days (compensation days).
	Holidays    []string `yaml:"holidays"`
	WorkingDays []string `yaml:"working_days"`
}

// Agency is an agency folder's _agency.md.
type Agency struct {
	Slug      string
	Name      string // "Sở Tài chính tỉnh Bắc Giang"
	ShortName string // "Sở Tài chính"
	Kind      string // "province", "department", "district", "commune", "other"
	Parent    string // slug of the parent agency, if any
	Address   string
	Phone     string
	Email     string
	Website   string
	Staff     []string // email addresses that receive citizens' feedback
	Order     int      // lower first in lists; 0 sorts by name after ordered ones
	Places    []Place
	Body      string        // markdown source of the description
	HTML      template.HTML // rendered description
	Source    string        // path of _agency.md in the content folder
	Hash      string        // hex sha256 of the file bytes
}

// Place is a location a disclosure concerns. Empty fields mean "the whole" of the level above.
type Place struct {
	Province string `yaml:"province"`
	District string `yaml:"district"`
	Commune  string `yaml:"commune"`
}

// Label is the most specific name of p followed by its parents ("Xã A, Huyện B, Tỉnh C").
func (p Place) Label() string {
	s := ""
	for _, part := range []string{p.Commune, p.District, p.Province} {
		if part == "" {
			continue
		}
		if s != "" {
			s += ", "
		}
		s += part
	}
	return s
}

// Attachment is a file published with a notice: either a file in the content folder
// (Path, Size and Type are then filled by Load) or an external URL.
type Attachment struct {
	Title string
	Path  string // slash path in the content folder, "" for external
	URL   string // external address, "" for local files
	Size  int64
	Type  string // media type
}

// Heading is a heading of a rendered markdown body, for a table of contents.
type Heading struct {
	Level int
	Text  string
	ID    string
}

// Notice is a markdown disclosure.
type Notice struct {
	Path        string // URL path without leading slash: "so-tai-chinh/du-toan-2025"
	Agency      string // agency slug
	Slug        string // last path element
	Title       string
	Summary     string // front matter summary, or the first paragraph as plain text
	Category    Category
	Published   time.Time // in Asia/Ho_Chi_Minh
	Updated     time.Time // equals Published when the front matter has no updated date
	Number      string    // document number: "6733/UBND-KSTT"
	Signer      string
	SignerTitle string
	Effective   time.Time // zero when not given
	Expires     time.Time // zero when not given
	Places      []Place
	Tags        []string
	Attachments []Attachment
	Related     []string       // notice or dataset paths
	Comment     *CommentWindow // non-nil for drafts open (or once open) for comment
	Disclosure                 // document_type, period, approved (accountability.go)
	Source      string         // path of the .md file in the content folder
	Hash        string         // hex sha256 of the file bytes
	// The body is not kept in memory (a province has a hundred thousand
	// notices): Body renders it from the file when a page, a feed or the
	// search index needs it.
	src noticeSource
}

// noticeSource is what a Notice needs to render its body again.
type noticeSource struct {
	fsys   fs.FS
	unsafe bool        // site.yaml's markdown.unsafe_html when the notice was loaded
	kept   *keptBodies // the portal's last good bodies
}

// Body is a rendered markdown body.
type Body struct {
	HTML     template.HTML // the body as HTML
	Text     string        // its plain text (for search and summaries)
	Headings []Heading     // its h2 and h3 headings, for a table of contents
	// Partial is set when the notice's file broke after it loaded and its body
	// could not be found: HTML and Text are then only the notice's summary.
	Partial bool
}

// CommentWindow is when a draft accepts comments (both ends inclusive, local time).
type CommentWindow struct {
	Opens  time.Time
	Closes time.Time // end of that day
}

// OpenAt reports whether comments are accepted at t.
func (w *CommentWindow) OpenAt(t time.Time) bool {
	return w != nil && !t.Before(w.Opens) && !t.After(w.Closes)
}

// ColumnType is the type of a table column.
type ColumnType string

// The column types. Detected from the values (package tables) unless declared in
// index.md.
const (
	TypeText    ColumnType = "text"
	TypeInteger ColumnType = "integer"
	TypeDecimal ColumnType = "decimal"
	TypeMoney   ColumnType = "money"   // an amount with a unit (đồng, triệu đồng, ...)
	TypePercent ColumnType = "percent" // 12.5 for 12,5 %
	TypeDate    ColumnType = "date"
	TypeCode    ColumnType = "code" // identifiers kept as written: "00004", "79/2024/QĐ-UBND"
)

// Numeric reports whether values of the type are numbers.
func (t ColumnType) Numeric() bool {
	switch t {
	case TypeInteger, TypeDecimal, TypeMoney, TypePercent:
		return true
	}
	return false
}

// Column describes one column of a table.
type Column struct {
	Name        string   // the heading as the file has it, flattened ("Dự toán năm 2025 — Thu NSĐP"), or "Cột N"
	Title       string   // display title (from index.md, or Name)
	Path        []string // the heading's parts from the top header row down, when it spans several
	Number      string   // its label in the file's column-number row ("3=1+2"), "" when none
	Type        ColumnType
	Unit        string
	Places      int // decimal places the file shows; -1 when unknown
	Description string
}

// Dataset is a folder with index.md and one or more tables.
type Dataset struct {
	Path      string // "so-tai-nguyen-moi-truong/bang-gia-dat-2025"
	Agency    string
	Slug      string
	Title     string
	Summary   string
	Category  Category
	Published time.Time
	Updated   time.Time // the front matter's updated date, else its published date
	License   string
	Source    string // who produced the data
	Frequency string // update frequency as written ("hằng năm")
	// PeriodStart and PeriodEnd are the time the data covers (index.md's
	// period: a year, quarter or month, or {start, end}: the budget year, the
	// years a land price table is in force); zero when not declared.
	PeriodStart, PeriodEnd time.Time
	Places                 []Place
	Tags                   []string
	Columns                []Column // declared columns, matched to tables by Name
	Tables                 []*Table // sorted by name
	HTML                   template.HTML
	Text                   string
	IndexSource            string // path of index.md
	Hash                   string // sha256 of index.md
	Disclosure                    // document_type, period, approved (accountability.go)
	// Kind is "" for open data, else KindDossiers or KindSatisfaction: rows
	// that the accountability pages read. Fields maps a record's field
	// ("code", "received", …) to the heading of the column holding it, when
	// the export does not use the headings the reader knows; Drop names
	// columns left out on purpose (personal data the export carries).
	Kind   string
	Fields map[string]string
	Drop   []string
	// Exports are the table files of a restricted dataset (Restricted): read
	// by the accountability pages, never served. Its Tables are empty.
	Exports []*File
}

// Disclosure is what a notice or dataset says about the obligation it
// fulfils: the kind of document ("du-toan-ngan-sach"), the period it covers
// ("2026", "2026-Q1", "2026-03") and the date of the decision it publishes,
// from which the legal deadline runs. Zero fields are not given.
type Disclosure struct {
	DocumentType string
	Period       string
	Approved     time.Time
}

// Table is a table of a dataset: a CSV file, or one sheet of a workbook (XLSX,
// XLS, ODS). CSV rows are read from the content folder on demand; a workbook's
// rows are read once, when it is loaded, and kept in a compact form.
type Table struct {
	// ID names the table in the site: its file for a CSV file, the file and
	// the sheet ("…/bang-gia.xlsx#Lao Bảo") for a workbook's sheet.
	ID string
	// Name is its name in URLs, unique in the dataset: the file name folded to
	// lower-case ASCII words joined by hyphens ("bang-gia-dat-2024-ban-cuoi"),
	// followed by the sheet's for a workbook of several sheets, or as declared.
	Name    string
	Title   string // what readers see: declared, else the sheet name, else the file's title rows, else the file name
	File    string // slash path in the content folder
	Sheet   string // the sheet's name in the workbook; "" for CSV
	Format  string // "csv", "xlsx", "xls" or "ods"
	Size    int64
	ModTime time.Time
	Hash    string // sha256 of the file bytes
	Unit    string // the unit caption of the file ("Đơn vị tính: triệu đồng"), declared or found
	Columns []Column
	// LabelColumn is the index of the column holding each row's label (the
	// names of budget items, streets), -1 when there is none.
	LabelColumn int
	// MarkerColumn is the index of the column numbering the rows (STT: "I",
	// "1", "a"), -1 when there is none.
	MarkerColumn int
	// RowCount counts the rows below the header: data rows, and the group,
	// subtotal and total rows kept among them. Notes are not rows.
	RowCount int
	// Structured is set when some rows are groups, subtotals or totals, or
	// nested: such rows keep their place when the table is sorted.
	Structured bool
	Notes      []Note     // footnotes and signature lines taken out of the rows
	Guesses    []msg.Text // what the reader guessed about the layout, and how to declare it otherwise
	Comma      rune       // CSV separator
	Chart      *ChartDecl // the chart declared in index.md; nil: the portal chooses

	src tableSource
}

// RowRole is what a row is in its table.
type RowRole string

// The row roles. Rows that are not RoleData keep their place when a table is
// sorted, and are shown apart.
const (
	RoleData     RowRole = "data"
	RoleGroup    RowRole = "group"    // a heading for the rows under it, without numbers ("I. MIỀN NÚI PHÍA BẮC")
	RoleSubtotal RowRole = "subtotal" // a group with numbers, or "Cộng"
	RoleTotal    RowRole = "total"    // "Tổng số", "Tổng cộng"
)

// Row is a row of a table. N is its 1-based position in the file's order; Line
// is its line (CSV) or row (workbook) number in the file, for messages and links.
type Row struct {
	N     int
	Line  int
	Role  RowRole
	Level int    // depth in the outline (A, I, 1, 1.1, a, -): 0 for totals and top groups
	Label string // the row's text: its first text cell
	Cells []Value
}

// Note is a footnote ("Ghi chú: …", "(1) …") or a signature line ("Người lập
// biểu", "KT. CHỦ TỊCH") of a table's file, shown under the table.
type Note struct {
	Signature bool
	Line      int
	Text      string
}

// Value is a cell, typed by its column.
type Value struct {
	Raw  string    // the text as written (NFC); a workbook's number in its shortest exact form ("911100", "4.55")
	Num  float64   // for numeric columns
	Time time.Time // for date columns
	OK   bool      // false when the cell is empty or did not parse as the column type
}

// File is a non-content file under an agency folder (an attachment, an image).
type File struct {
	Path    string
	Size    int64
	ModTime time.Time
	Type    string // media type by extension
}

// Problem is an error found in one file of the content folder.
type Problem struct {
	Path string // slash path in the content folder
	Line int    // 1-based, 0 when unknown
	Msg  msg.Text
	// Guess marks what is published as shown but was guessed (a table's layout
	// read from a workbook): worth checking, not an error. congkhai check lists
	// guesses and fails only on the other problems.
	Guess bool
}

// String formats p as "path:line: message", the message in English.
func (p Problem) String() string { return p.In(msg.EN) }

// In formats p as "path:line: message", the message in lang (msg.VI or msg.EN).
func (p Problem) In(lang string) string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.Path, p.Line, p.Msg.In(lang))
	}
	return fmt.Sprintf("%s: %s", p.Path, p.Msg.In(lang))
}

// Agency returns the agency with the slug; ok is false when there is none.
func (s *Site) Agency(slug string) (*Agency, bool) { a, ok := s.agencies[slug]; return a, ok }

// Notice returns the notice at path ("agency/slug"); ok is false when there is none.
func (s *Site) Notice(path string) (*Notice, bool) { n, ok := s.notices[path]; return n, ok }

// Dataset returns the dataset at path ("agency/slug"); ok is false when there is none.
func (s *Site) Dataset(path string) (*Dataset, bool) { d, ok := s.datasets[path]; return d, ok }

// ReservedSlugs returns the names an agency folder may not take, because the
// portal's own routes use them (and every name starting with "feed."), in a new
// slice the caller may keep or change.
func ReservedSlugs() []string { return slices.Clone(reservedSlugs[:]) }

var reservedSlugs = [...]string{
	"api", "co-quan", "danh-muc", "du-thao", "dia-ban", "the", "search", "tim-kiem",
	"feedback", "gop-y", "staff", "static", "healthz", "sitemap.xml", "robots.txt",
	"feed.atom", "feed.rss", "feed.json", "lang", "en", "vi", "favicon.ico", "dataset",
	"du-lieu", "hoi-dap", "tai-ve", "trach-nhiem", "tra-cuu-ho-so",
}
