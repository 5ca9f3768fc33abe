package server

// The form of a notice or a dataset in the publishing console: every field
// of docs/content.md, read from a request, filled from an item's files,
// checked with Vietnamese messages (what was typed is kept), and written as
// the item's files with content.EncodeNotice / EncodeDataset.

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/calendar"
	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/portal"
	"github.com/congkhai/congkhai/publish"
	"github.com/congkhai/congkhai/units"
)

// itemForm is the form of one item.
type itemForm struct {
	Kind    publish.Kind
	Draft   int64  // the draft it edits, 0 for a new draft
	Path    string // agency/slug of an existing item or draft ("" for a new item)
	Agency  string
	Slug    string
	Base    int
	Action  publish.Action
	Reason  string
	Fields  map[string]string // title, category, published, ... as typed
	Places  []string          // place values (see placeValue), one per row
	Files   []fileRow
	URLs    []urlRow
	Columns []columnRow
	Tables  []tableRow
	// orig is what the form started from (the draft it edits, or the version
	// a correction is made from); nil for a new item.
	orig *origItem
}

// origItem is what the form keeps from the file it started from rather than
// from the request: a records dataset's kind, fields and drop, which the
// form shows but does not edit; the document type the file has, allowed
// even when no rule knows it; the times of its dates, kept when the day
// typed is the same; and the order of a notice's attachments.
type origItem struct {
	documentType string
	kind         string
	fields       map[string]string
	drop         []string
	dates        map[string]time.Time // by form field; "closes" is the window's last instant
	attachments  []string             // "f:" + file or "u:" + address, in the file's order
	untitled     map[string]bool      // addresses written without a title
}

// RecordsKind is the kind of the records dataset the form edits, as its
// file writes it ("" for open data), shown but not edited.
func (f *itemForm) RecordsKind() string {
	if f.orig == nil {
		return ""
	}
	return f.orig.kind
}

// RecordsKinds are the kinds a new dataset's form offers, each with the
// i18n key of its label.
func (f *itemForm) RecordsKinds() []kindOption {
	out := make([]kindOption, len(recordsKinds))
	for i, k := range recordsKinds {
		out[i] = kindOption{Value: k, Key: "pc_new_kind_" + k}
		if k == "" {
			out[i].Key = "pc_new_kind_table"
		}
	}
	return out
}

// kindOption is an option of the new dataset's kind.
type kindOption struct{ Value, Key string }

// RecordsKindKey is the i18n key naming RecordsKind ("" for a name that
// is no kind).
func (f *itemForm) RecordsKindKey() string {
	if k := content.DatasetKind(f.RecordsKind()); k != "" {
		return "pc_kind_" + k
	}
	return ""
}

// fileRow is a file of the item other than its markdown file: an
// attachment of a notice, a table or attachment of a dataset.
type fileRow struct {
	Name  string // relative to the agency folder
	Ref   string // signed blob reference (publishState.signRef)
	Title string // a notice's attachment title
	Size  int64
	Keep  bool
	hash  string
}

type urlRow struct{ Title, URL string }

type columnRow struct{ Name, Title, Type, Unit, Description string }

type tableRow struct {
	File, Sheet, Sheets, Name, Title, HeaderRows, SkipRows, Unit, Numbers, Chart string
	Exclude                                                                      bool
	chart                                                                        *content.ChartDecl
}

// Get is a text field of the row, by its form name.
func (r tableRow) Get(k string) string {
	switch k {
	case "file":
		return r.File
	case "sheet":
		return r.Sheet
	case "sheets":
		return r.Sheets
	case "name":
		return r.Name
	case "title":
		return r.Title
	case "header_rows":
		return r.HeaderRows
	case "skip_rows":
		return r.SkipRows
	case "unit":
		return r.Unit
	}
	return ""
}

// KeepChart reports whether the row keeps a chart declared in index.md
// that the form does not edit (its label, columns, rows).
func (r tableRow) KeepChart() bool { return strings.HasPrefix(r.Chart, "keep:") }

// noticeFields and datasetFields are the simple fields of each kind.
var (
	noticeFields = []string{"title", "category", "published", "updated", "number", "signer", "signer_title", "effective", "expires", "summary", "tags", "related", "opens", "closes",
		"document_type", "period", "approved", "body"}
	datasetFields = []string{"title", "category", "published", "updated", "summary", "license", "source", "frequency", "tags",
		"document_type", "period", "approved", "period_start", "period_end", "records_kind", "body"}
)

// recordsKinds are the kinds a new dataset may be given in the console
// ("" is open data, a table of figures).
var recordsKinds = []string{"", content.KindDossiers, content.KindSatisfaction}

func (f *itemForm) fieldNames() []string {
	if f.Kind == publish.Dataset {
		return datasetFields
	}
	return noticeFields
}

// mainName is the item's markdown file.
func (f *itemForm) mainName() string {
	p := f.Agency + "/" + f.Slug
	if f.Kind == publish.Dataset {
		return p + "/index.md"
	}
	return p + ".md"
}

// dateField writes a date for an <input type="date">.
func dateField(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.Location).Format("2006-01-02")
}

// placeValue encodes a place as a picker's option value: "P" the whole
// province, "D|district", "C|district|commune", or "X|province|district|
// commune" for a place the list does not have (kept as written).
func placeValue(p content.Place, prov *units.Province) string {
	if prov != nil && (p.Province == "" || units.Key(p.Province) == units.Key(prov.Name)) {
		switch {
		case p.District == "" && p.Commune == "":
			return "P"
		case p.Commune == "":
			if d, ok := prov.District(p.District); ok {
				return "D|" + d.Name
			}
		default:
			if u, d, ok := prov.Commune(p.District, p.Commune); ok {
				dn := ""
				if d != nil {
					dn = d.Name
				}
				return "C|" + dn + "|" + u.Name
			}
		}
	}
	return "X|" + p.Province + "|" + p.District + "|" + p.Commune
}

// parsePlace decodes a picker's value, checking it against the list.
func parsePlace(v string, province string, prov *units.Province) (content.Place, bool) {
	parts := strings.Split(v, "|")
	switch {
	case parts[0] == "P" && len(parts) == 1:
		return content.Place{Province: province}, true
	case parts[0] == "D" && len(parts) == 2 && prov != nil:
		if d, ok := prov.District(parts[1]); ok {
			return content.Place{Province: prov.Name, District: d.Name}, true
		}
	case parts[0] == "C" && len(parts) == 3 && prov != nil:
		if u, d, ok := prov.Commune(parts[1], parts[2]); ok {
			pl := content.Place{Province: prov.Name, Commune: u.Name}
			if d != nil {
				pl.District = d.Name
			}
			return pl, true
		}
	case parts[0] == "X" && len(parts) == 4:
		pl := content.Place{Province: strings.TrimSpace(parts[1]), District: strings.TrimSpace(parts[2]), Commune: strings.TrimSpace(parts[3])}
		return pl, pl != content.Place{}
	}
	return content.Place{}, false
}

// fillNotice fills the form from a notice's markdown file and files.
func (f *itemForm) fillNotice(d content.NoticeDraft) {
	f.Fields = map[string]string{
		"title": d.Title, "category": string(d.Category), "published": dateField(d.Published), "updated": dateField(d.Updated),
		"number": d.Number, "signer": d.Signer, "signer_title": d.SignerTitle, "effective": dateField(d.Effective),
		"expires": dateField(d.Expires), "summary": d.Summary, "tags": joinTags(d.Tags),
		"related": strings.Join(d.Related, "\n"), "body": d.Body,
		"document_type": d.DocumentType, "period": d.Period, "approved": dateField(d.Approved),
	}
	f.orig = noticeOrig(d)
	if d.Comment != nil {
		f.Fields["opens"], f.Fields["closes"] = dateField(d.Comment.Opens), dateField(d.Comment.Closes)
	}
	titles := map[string]string{}
	for _, a := range d.Attachments {
		if a.URL != "" {
			f.URLs = append(f.URLs, urlRow{a.Title, a.URL})
		} else {
			titles[path.Clean(a.File)] = a.Title
		}
	}
	for i := range f.Files {
		f.Files[i].Title = titles[f.Files[i].Name]
	}
}

// fillDataset fills the form from a dataset's index.md.
func (f *itemForm) fillDataset(d content.DatasetDraft) {
	f.Fields = map[string]string{
		"title": d.Title, "category": string(d.Category), "published": dateField(d.Published), "updated": dateField(d.Updated),
		"summary": d.Summary, "license": d.License, "source": d.Source, "frequency": d.Frequency,
		"tags": joinTags(d.Tags), "body": d.Body,
		"document_type": d.DocumentType, "period": d.Period, "approved": dateField(d.Approved),
		"period_start": dateField(d.PeriodStart), "period_end": dateField(d.PeriodEnd),
	}
	f.orig = datasetOrig(d)
	for _, c := range d.Columns {
		f.Columns = append(f.Columns, columnRow{c.Name, c.Title, string(c.Type), c.Unit, c.Description})
	}
	for _, t := range d.Tables {
		r := tableRow{File: t.File, Sheet: t.Sheet, Sheets: strings.Join(t.Sheets, ", "), Name: t.Name, Title: t.Title,
			Unit: t.Unit, Numbers: t.Numbers, Exclude: t.Exclude, chart: t.Chart}
		if t.HeaderRows != nil {
			r.HeaderRows = strconv.Itoa(*t.HeaderRows)
		}
		if t.SkipRows != nil {
			r.SkipRows = strconv.Itoa(*t.SkipRows)
		}
		switch c := t.Chart; {
		case c == nil:
		case c.Off:
			r.Chart = "off"
		case c.Label == "" && len(c.Columns) == 0 && c.Rows == "":
			r.Chart = "on"
		default:
			r.Chart = "keep:" + c.Label + "|" + strings.Join(c.Columns, "\x1f") + "|" + c.Rows
		}
		f.Tables = append(f.Tables, r)
	}
}

// noticeOrig is what a notice's form keeps from its file.
func noticeOrig(d content.NoticeDraft) *origItem {
	o := &origItem{documentType: d.DocumentType, untitled: map[string]bool{}, dates: map[string]time.Time{
		"published": d.Published, "updated": d.Updated, "effective": d.Effective, "expires": d.Expires, "approved": d.Approved}}
	if d.Comment != nil {
		o.dates["opens"], o.dates["closes"] = d.Comment.Opens, d.Comment.Closes
	}
	for _, a := range d.Attachments {
		if a.URL != "" {
			o.attachments = append(o.attachments, "u:"+a.URL)
			if a.Title == "" {
				o.untitled[a.URL] = true
			}
		} else {
			o.attachments = append(o.attachments, "f:"+path.Clean(a.File))
		}
	}
	return o
}

// datasetOrig is what a dataset's form keeps from its index.md.
func datasetOrig(d content.DatasetDraft) *origItem {
	return &origItem{documentType: d.DocumentType, kind: d.Kind, fields: d.Fields, drop: d.Drop, dates: map[string]time.Time{
		"published": d.Published, "updated": d.Updated, "approved": d.Approved, "period_start": d.PeriodStart, "period_end": d.PeriodEnd}}
}

// loadOrig reads what a form sent back started from, from the record: the
// markdown file of draft d, or of the version f.Base of a correction
// (nothing for a new item).
func (s *Server) loadOrig(ctx context.Context, f *itemForm, d *publish.Draft) error {
	var files []publish.File
	switch {
	case d != nil:
		files = d.Files
	case f.Path != "":
		v, err := s.pub.store.Version(ctx, f.Path, f.Base)
		if err != nil {
			return err
		}
		files = v.Files
	}
	main := f.mainName()
	for _, file := range files {
		if file.Name != main {
			continue
		}
		raw, err := s.pub.store.Blob(ctx, file.Hash)
		if err != nil {
			return err
		}
		if f.Kind == publish.Dataset {
			dd, ps := content.DecodeDataset(raw)
			if dd.Title == "" && len(ps) > 0 {
				return unreadable(main, ps[0])
			}
			f.orig = datasetOrig(dd)
		} else {
			nd, ps := content.DecodeNotice(raw)
			if nd.Title == "" && len(ps) > 0 {
				return unreadable(main, ps[0])
			}
			f.orig = noticeOrig(nd)
		}
	}
	return nil
}

// fill fills the form from an item's files (the draft or version it edits);
// refs are signed for the staff member.
func (s *Server) fillForm(f *itemForm, files map[string][]byte, staffID int64, prov *units.Province) error {
	f.Files = nil
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	main := f.mainName()
	for _, name := range names {
		if name == main {
			continue
		}
		h := publish.Hash(files[name])
		f.Files = append(f.Files, fileRow{Name: strings.TrimPrefix(name, f.Agency+"/"), Ref: s.pub.signRef(staffID, h), Size: int64(len(files[name])), Keep: true, hash: h})
	}
	raw, ok := files[main]
	if !ok {
		return fmt.Errorf("%w: no %s", publish.ErrInvalid, main)
	}
	var places []content.Place
	if f.Kind == publish.Dataset {
		d, ps := content.DecodeDataset(raw)
		if d.Title == "" && len(ps) > 0 {
			return unreadable(main, ps[0])
		}
		f.fillDataset(d)
		places = d.Places
	} else {
		d, ps := content.DecodeNotice(raw)
		if d.Title == "" && len(ps) > 0 {
			return unreadable(main, ps[0])
		}
		f.fillNotice(d)
		places = d.Places
	}
	f.Places = nil
	for _, p := range places {
		f.Places = append(f.Places, placeValue(p, prov))
	}
	return nil
}

// readForm reads the form of a request: fields, rows, kept files (their
// signed references) and uploads, which are stored as blobs at once so that
// a form sent back with errors keeps them. Upload errors go in errs.
func (s *Server) readForm(c echo.Context, f *itemForm, staffID int64, errs map[string]string) error {
	ctx := c.Request().Context()
	if _, err := c.FormParams(); err != nil {
		return err
	}
	f.Fields = map[string]string{}
	for _, k := range f.fieldNames() {
		f.Fields[k] = c.FormValue(k)
	}
	f.Reason = strings.TrimSpace(c.FormValue("reason"))
	for i := 0; i < 50; i++ {
		v, ok := formValue(c, fmt.Sprintf("place_%d", i))
		if !ok {
			break
		}
		f.Places = append(f.Places, v)
	}
	for i := 0; i < 1000; i++ {
		name, ok := formValue(c, fmt.Sprintf("file_%d_name", i))
		if !ok {
			break
		}
		ref := c.FormValue(fmt.Sprintf("file_%d_ref", i))
		h, ok := s.pub.checkRef(staffID, ref)
		if !ok {
			errs["files"] = "Danh sách tệp không hợp lệ: hãy tải lại trang."
			continue
		}
		size, _ := strconv.ParseInt(c.FormValue(fmt.Sprintf("file_%d_size", i)), 10, 64)
		f.Files = append(f.Files, fileRow{Name: name, Ref: ref, hash: h, Size: size, Title: strings.TrimSpace(c.FormValue(fmt.Sprintf("file_%d_title", i))),
			Keep: c.FormValue(fmt.Sprintf("file_%d_keep", i)) != ""})
	}
	for i := 0; i < 100; i++ {
		t, ok1 := formValue(c, fmt.Sprintf("url_%d_title", i))
		u, ok2 := formValue(c, fmt.Sprintf("url_%d_url", i))
		if !ok1 && !ok2 {
			break
		}
		f.URLs = append(f.URLs, urlRow{strings.TrimSpace(t), strings.TrimSpace(u)})
	}
	for i := 0; i < 200; i++ {
		name, ok := formValue(c, fmt.Sprintf("col_%d_name", i))
		if !ok {
			break
		}
		g := func(k string) string { return strings.TrimSpace(c.FormValue(fmt.Sprintf("col_%d_%s", i, k))) }
		f.Columns = append(f.Columns, columnRow{strings.TrimSpace(name), g("title"), g("type"), g("unit"), g("description")})
	}
	for i := 0; i < 200; i++ {
		file, ok := formValue(c, fmt.Sprintf("tab_%d_file", i))
		if !ok {
			break
		}
		g := func(k string) string { return strings.TrimSpace(c.FormValue(fmt.Sprintf("tab_%d_%s", i, k))) }
		f.Tables = append(f.Tables, tableRow{File: strings.TrimSpace(file), Sheet: g("sheet"), Sheets: g("sheets"), Name: g("name"), Title: g("title"),
			HeaderRows: g("header_rows"), SkipRows: g("skip_rows"), Unit: g("unit"), Numbers: g("numbers"), Chart: g("chart"), Exclude: g("exclude") != ""})
	}
	return s.readUploads(ctx, c, f, staffID, errs)
}

// formValue is a form field and whether the request has it (the form is
// parsed by then: readForm asks for its fields first).
func formValue(c echo.Context, name string) (string, bool) {
	vs, ok := c.Request().PostForm[name]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return vs[0], true
}

// readUploads stores the files of the request's "upload" field and adds
// them as file rows, named for the item's folder.
func (s *Server) readUploads(ctx context.Context, c echo.Context, f *itemForm, staffID int64, errs map[string]string) error {
	mf, err := c.MultipartForm()
	if err != nil || mf == nil {
		return nil
	}
	// The title typed names the upload when there is one; several are
	// named by their files.
	title := ""
	if len(mf.File["upload"]) == 1 {
		title = strings.TrimSpace(c.FormValue("upload_title"))
	}
	for _, fh := range mf.File["upload"] {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		name, msg := s.uploadName(f, fh)
		if msg != "" {
			errs["upload"] = msg
			continue
		}
		b, err := readUpload(fh)
		if err != nil {
			return err
		}
		h, err := s.pub.store.PutBlob(ctx, b)
		if err != nil {
			return err
		}
		t := title
		if t == "" {
			t = strings.TrimSuffix(path.Base(name), path.Ext(name))
		}
		// An upload of a name the item has replaces that file.
		f.Files = slices.DeleteFunc(f.Files, func(r fileRow) bool { return r.Name == name })
		f.Files = append(f.Files, fileRow{Name: name, Ref: s.pub.signRef(staffID, h), hash: h, Size: int64(len(b)), Title: t, Keep: true})
	}
	return nil
}

// uploadName is where an uploaded file goes, relative to the agency folder:
// a notice's attachments in files/<slug>/, a dataset's files in its folder.
// msg explains a refused file.
func (s *Server) uploadName(f *itemForm, fh *multipart.FileHeader) (name, msg string) {
	base := fileName(fh.Filename)
	ext := strings.ToLower(path.Ext(base))
	switch {
	case base == "" || ext == base:
		return "", fmt.Sprintf("Tên tệp %q không dùng được: hãy đổi tên tệp.", fh.Filename)
	case !uploadTypes[ext]:
		return "", fmt.Sprintf("Không nhận loại tệp %q (%s): chỉ nhận PDF, Word, Excel, ODS, CSV, ảnh và ZIP.", base, ext)
	case fh.Size > s.pub.maxFile:
		return "", fmt.Sprintf("Tệp %q (%s) lớn hơn giới hạn %s.", base, formatBytes(fh.Size), formatBytes(s.pub.maxFile))
	case fh.Size == 0:
		return "", fmt.Sprintf("Tệp %q rỗng (0 byte).", base)
	}
	switch {
	case f.Slug == "":
		return "files/" + base, ""
	case f.Kind == publish.Dataset:
		return f.Slug + "/" + base, ""
	}
	return "files/" + f.Slug + "/" + base, ""
}

func readUpload(fh *multipart.FileHeader) ([]byte, error) {
	r, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, fh.Size+1))
}

// parseFormDate reads a date as <input type="date"> sends it (2025-01-10) or
// as typed (10/01/2025).
func parseFormDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006"} {
		if t, err := time.ParseInLocation(layout, s, calendar.Location); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// joinTags writes tags for the form's tag field: separated by commas, a
// tag that holds a comma, semicolon or quote in double quotes (its quotes
// doubled), so that splitTags gives them back.
func joinTags(tags []string) string {
	out := make([]string, len(tags))
	for i, t := range tags {
		if strings.ContainsAny(t, ",;\"\n") {
			t = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
		}
		out[i] = t
	}
	return strings.Join(out, ", ")
}

// splitTags reads the form's tag field: tags separated by commas,
// semicolons or lines; a tag in double quotes keeps its commas ("Nghị
// định 30, 31"), and "" in it is a quote. Spaces around a tag and repeats
// are dropped.
func splitTags(s string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	flush := func() {
		if t := strings.TrimSpace(cur.String()); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
		cur.Reset()
	}
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case quoted && r == '"' && i+1 < len(rs) && rs[i+1] == '"':
			cur.WriteRune('"')
			i++
		case r == '"' && (quoted || strings.TrimSpace(cur.String()) == ""):
			quoted = !quoted
		case !quoted && strings.ContainsRune(",;\n", r):
			flush()
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return out
}

// splitList splits s at any rune of seps (related paths at lines, sheet
// names at commas), trimmed, without empties or repeats.
func splitList(s string, seps string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// build checks the form and writes the item's files. Messages in errs, by
// field; files is nil when there are any.
func (s *Server) buildItem(ctx context.Context, f *itemForm, prov *units.Province, province string, errs map[string]string) map[string][]byte {
	fv := func(k string) string { return strings.TrimSpace(f.Fields[k]) }
	date := func(k string, required bool) time.Time {
		v := fv(k)
		if v == "" {
			if required {
				errs[k] = "Vui lòng nhập ngày."
			}
			return time.Time{}
		}
		t, ok := parseFormDate(v)
		if !ok {
			errs[k] = "Ngày không hợp lệ: chọn ngày, hoặc viết theo dạng 31/12/2025."
			return t
		}
		// The same day as the file's keeps the file's time of day.
		if f.orig != nil && k != "closes" {
			if o := f.orig.dates[k]; !o.IsZero() && dateField(o) == dateField(t) {
				return o
			}
		}
		return t
	}
	title := fv("title")
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		errs["title"] = "Vui lòng nhập tiêu đề."
	case n > 500:
		errs["title"] = "Tiêu đề dài quá 500 ký tự."
	}
	cat, ok := content.ParseCategory(fv("category"))
	if !ok {
		errs["category"] = "Vui lòng chọn lĩnh vực."
	}
	published := date("published", true)
	updated := date("updated", false)
	if !updated.IsZero() && !published.IsZero() && updated.Before(published) {
		errs["updated"] = "Ngày cập nhật không được trước ngày ban hành."
	}
	if utf8.RuneCountInString(fv("summary")) > 1000 {
		errs["summary"] = "Tóm tắt dài quá 1.000 ký tự."
	}
	if f.Path == "" {
		slug := strings.TrimSpace(f.Slug)
		if slug == "" {
			slug = content.Slugify(title)
			if len(slug) > 80 {
				slug = strings.TrimRight(slug[:80], "-")
			}
		}
		f.Slug = slug
		switch {
		case !validSlug(slug):
			errs["slug"] = "Địa chỉ chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang (ví dụ: thong-bao-lich-tiep-dan)."
		default:
			snap := s.deps.Portal.Snapshot()
			if n, d := snap.Lookup(f.Agency + "/" + slug); n != nil || d != nil {
				errs["slug"] = "Địa chỉ này đã có văn bản hoặc dữ liệu khác: hãy chọn địa chỉ khác."
			} else if _, gone := snap.Tombstone(f.Agency + "/" + slug); gone {
				errs["slug"] = "Địa chỉ này thuộc một nội dung đã rút: hãy chọn địa chỉ khác."
			}
		}
	}
	if f.Action == publish.ActionCorrect && f.Reason == "" {
		errs["reason"] = "Vui lòng nêu lý do đính chính (ví dụ: Đính chính số liệu dòng 3)."
	}
	var places []content.Place
	for i, v := range f.Places {
		if v == "" {
			continue
		}
		p, ok := parsePlace(v, province, prov)
		if !ok {
			errs[fmt.Sprintf("place_%d", i)] = "Địa bàn không có trong danh mục đơn vị hành chính."
			continue
		}
		if !slices.Contains(places, p) {
			places = append(places, p)
		}
	}
	tags := splitTags(fv("tags"))
	if len(tags) > 30 {
		errs["tags"] = "Nhiều nhất 30 từ khóa."
	}
	disclosure, periodStart, periodEnd := s.readDisclosure(f, date, errs)
	files := map[string][]byte{}
	prefix := f.Agency + "/"
	var kept []fileRow
	seen := map[string]bool{}
	for _, r := range f.Files {
		if !r.Keep {
			continue
		}
		if seen[r.Name] {
			continue
		}
		seen[r.Name] = true
		b, err := s.pub.store.Blob(ctx, r.hash)
		if err != nil {
			errs["files"] = "Không đọc được tệp " + r.Name + ": hãy tải tệp lên lại."
			continue
		}
		files[prefix+r.Name] = b
		kept = append(kept, r)
	}
	if f.Kind == publish.Dataset && f.orig == nil && !slices.Contains(recordsKinds, fv("records_kind")) {
		errs["records_kind"] = "Loại bộ dữ liệu không hợp lệ: hãy chọn trong danh sách."
	}
	if f.Kind == publish.Dataset {
		hasTable := false
		for _, r := range kept {
			hasTable = hasTable || tableTypes[strings.ToLower(path.Ext(r.Name))]
		}
		if !hasTable {
			errs["upload"] = "Bộ dữ liệu cần ít nhất một bảng (CSV, XLSX, XLS hoặc ODS)."
		}
	}
	if len(errs) > 0 {
		return nil
	}
	var raw []byte
	var err error
	if f.Kind == publish.Dataset {
		d := content.DatasetDraft{Title: title, Category: cat, Published: published, Updated: updated, Summary: fv("summary"),
			License: fv("license"), Source: fv("source"), Frequency: fv("frequency"), Places: places, Tags: tags, Body: f.Fields["body"],
			Disclosure: disclosure, PeriodStart: periodStart, PeriodEnd: periodEnd}
		if f.orig != nil {
			// A records dataset's kind, fields and drop are the file's.
			d.Kind, d.Fields, d.Drop = f.orig.kind, f.orig.fields, f.orig.drop
		} else {
			// A new dataset's kind is chosen once, on the form.
			d.Kind = fv("records_kind")
		}
		for i, r := range f.Columns {
			if r.Name == "" {
				continue
			}
			typ := content.ColumnType(r.Type)
			if r.Type != "" && !slices.Contains(columnTypes, typ) {
				errs[fmt.Sprintf("col_%d_type", i)] = "Kiểu cột không hợp lệ."
			}
			d.Columns = append(d.Columns, content.Column{Name: r.Name, Title: r.Title, Type: typ, Unit: r.Unit, Description: r.Description})
		}
		for i, r := range f.Tables {
			if r.File == "" {
				continue
			}
			td := content.TableDecl{File: r.File, Sheet: r.Sheet, Sheets: splitList(r.Sheets, ",;"), Name: r.Name, Title: r.Title, Unit: r.Unit, Exclude: r.Exclude}
			if r.Numbers != "" && r.Numbers != "vi" && r.Numbers != "en" {
				errs[fmt.Sprintf("tab_%d_numbers", i)] = "Chọn cách viết số: vi hoặc en."
			}
			td.Numbers = r.Numbers
			for k, p := range map[string]**int{"header_rows": &td.HeaderRows, "skip_rows": &td.SkipRows} {
				v := map[string]string{"header_rows": r.HeaderRows, "skip_rows": r.SkipRows}[k]
				if v == "" {
					continue
				}
				n, err := strconv.Atoi(v)
				if err != nil || n < 0 || n > 50 {
					errs[fmt.Sprintf("tab_%d_%s", i, k)] = "Nhập một số từ 0 đến 50."
					continue
				}
				*p = &n
			}
			switch {
			case r.Chart == "off":
				td.Chart = &content.ChartDecl{Off: true}
			case r.Chart == "on":
				td.Chart = &content.ChartDecl{}
			case strings.HasPrefix(r.Chart, "keep:"):
				parts := strings.SplitN(strings.TrimPrefix(r.Chart, "keep:"), "|", 3)
				if len(parts) == 3 {
					td.Chart = &content.ChartDecl{Label: parts[0], Columns: splitList(parts[1], "\x1f"), Rows: parts[2]}
				}
			}
			d.Tables = append(d.Tables, td)
		}
		if len(errs) > 0 {
			return nil
		}
		raw, err = content.EncodeDataset(d)
	} else {
		d := content.NoticeDraft{Title: title, Category: cat, Published: published, Updated: updated, Number: fv("number"), Signer: fv("signer"),
			SignerTitle: fv("signer_title"), Effective: date("effective", false), Expires: date("expires", false), Summary: fv("summary"),
			Places: places, Tags: tags, Related: splitList(fv("related"), "\n"), Disclosure: disclosure, Body: f.Fields["body"]}
		if !d.Expires.IsZero() && !d.Effective.IsZero() && d.Expires.Before(d.Effective) {
			errs["expires"] = "Ngày hết hiệu lực không được trước ngày hiệu lực."
		}
		opens, closes := date("opens", cat == content.CatDraft), date("closes", cat == content.CatDraft)
		if cat == content.CatDraft && !opens.IsZero() && !closes.IsZero() {
			if closes.Before(opens) {
				errs["closes"] = "Ngày kết thúc lấy ý kiến không được trước ngày bắt đầu."
			}
			last := closes.Add(24*time.Hour - time.Nanosecond)
			if f.orig != nil {
				if o := f.orig.dates["closes"]; !o.IsZero() && dateField(o) == dateField(closes) {
					last = o // the file's closing time
				}
			}
			d.Comment = &content.CommentWindow{Opens: opens, Closes: last}
		}
		for _, r := range kept {
			t := r.Title
			if t == "" {
				t = path.Base(r.Name)
			}
			d.Attachments = append(d.Attachments, content.AttachmentDraft{Title: t, File: r.Name})
		}
		for i, u := range f.URLs {
			if u.URL == "" && u.Title == "" {
				continue
			}
			if !strings.HasPrefix(u.URL, "https://") && !strings.HasPrefix(u.URL, "http://") {
				errs[fmt.Sprintf("url_%d_url", i)] = "Địa chỉ liên kết phải bắt đầu bằng https:// hoặc http://."
				continue
			}
			t := u.Title
			if t == "" && (f.orig == nil || !f.orig.untitled[u.URL]) {
				t = u.URL
			}
			d.Attachments = append(d.Attachments, content.AttachmentDraft{Title: t, URL: u.URL})
		}
		if f.orig != nil {
			// Attachments the file had keep its order; new ones follow.
			at := func(a content.AttachmentDraft) int {
				k := "f:" + path.Clean(a.File)
				if a.URL != "" {
					k = "u:" + a.URL
				}
				if i := slices.Index(f.orig.attachments, k); i >= 0 {
					return i
				}
				return len(f.orig.attachments)
			}
			slices.SortStableFunc(d.Attachments, func(a, b content.AttachmentDraft) int { return at(a) - at(b) })
		}
		if len(errs) > 0 {
			return nil
		}
		raw, err = content.EncodeNotice(d)
	}
	if err != nil {
		errs["body"] = "Văn bản có ký tự không hợp lệ (không phải UTF-8)."
		return nil
	}
	files[f.mainName()] = raw
	return files
}

// readDisclosure reads the form's disclosure fields — document type,
// period, approval date — and a dataset's span (period_start, period_end),
// checked as the loader checks them. periodStart and periodEnd are the
// span of a dataset (zero for a notice).
func (s *Server) readDisclosure(f *itemForm, date func(string, bool) time.Time, errs map[string]string) (d content.Disclosure, periodStart, periodEnd time.Time) {
	fv := func(k string) string { return strings.TrimSpace(f.Fields[k]) }
	d.DocumentType = fv("document_type")
	if v := d.DocumentType; v != "" && (f.orig == nil || v != f.orig.documentType) &&
		!slices.ContainsFunc(s.docTypes(), func(o docTypeOption) bool { return o.Value == v }) {
		errs["document_type"] = "Loại văn bản không có trong danh mục nghĩa vụ công khai: hãy chọn trong danh sách."
	}
	d.Period = fv("period")
	if d.Period != "" {
		if _, _, _, ok := content.ParsePeriod(d.Period); !ok {
			errs["period"] = "Kỳ công khai không hợp lệ: viết năm (2026), quý (quý I/2026 hoặc 2026-Q1), 6 tháng, 9 tháng (6 tháng 2026) hoặc tháng (tháng 3/2026 hoặc 2026-03)."
		}
	}
	d.Approved = date("approved", false)
	if f.Kind != publish.Dataset {
		return d, time.Time{}, time.Time{}
	}
	periodStart, periodEnd = date("period_start", false), date("period_end", false)
	switch problem, spanStart, spanEnd := content.CheckSpan(d.Period, periodStart, periodEnd); problem {
	case content.SpanReversed:
		errs["period_end"] = "Ngày kết thúc không được trước ngày bắt đầu."
	case content.SpanDisagrees:
		errs["period_start"] = fmt.Sprintf("Kỳ công khai %s là từ ngày %s đến ngày %s: hãy để trống hai ngày này, hoặc ghi đúng như vậy.",
			d.Period, spanStart.Format("02/01/2006"), spanEnd.Format("02/01/2006"))
	}
	return d, periodStart, periodEnd
}

// docTypeOption is a document type the form offers: one of a disclosure
// rule's, or the item's own that no rule knows.
type docTypeOption struct {
	Value, Label string
	Unknown      bool
}

// docTypes lists the document types of the site's disclosure rules
// (site.yaml's accountability.obligations applied), in the rules' order.
func (s *Server) docTypes() []docTypeOption {
	rules, _ := portal.DisclosureRules(s.deps.Portal.Snapshot().Site.Config)
	var out []docTypeOption
	for i := range rules {
		v := rules[i].DocType()
		if !slices.ContainsFunc(out, func(o docTypeOption) bool { return o.Value == v }) {
			out = append(out, docTypeOption{Value: v, Label: rules[i].Title})
		}
	}
	return out
}

// columnTypes are the types a declared column may have.
var columnTypes = []content.ColumnType{content.TypeText, content.TypeInteger, content.TypeDecimal, content.TypeMoney, content.TypePercent, content.TypeDate, content.TypeCode}

// unreadableError is a main file the form cannot start from: its front
// matter does not parse.
type unreadableError struct{ p content.Problem }

func (e *unreadableError) Error() string { return publish.ErrInvalid.Error() + ": " + e.p.String() }
func (e *unreadableError) Unwrap() error { return publish.ErrInvalid }

func unreadable(name string, p content.Problem) error {
	p.Path = name
	return &unreadableError{p}
}
