package opendata

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/congkhai/congkhai/content"
)

// The Frictionless Data Package v2 descriptor of a dataset, served beside the
// converted tables (/tai-ve/<agency>/<dataset>/datapackage.json), so each
// resource's path is the CSV file's name relative to it and the folder of
// downloads with the descriptor is a package of its own. The descriptor is
// also a valid v1 package (v2 is backward compatible), so v1 tools read it.

// Profiles of Data Package v2.
const (
	profilePackage  = "https://datapackage.org/profiles/2.0/datapackage.json"
	profileResource = "https://datapackage.org/profiles/2.0/dataresource.json"
	profileSchema   = "https://datapackage.org/profiles/2.0/tableschema.json"
	profileDialect  = "https://datapackage.org/profiles/2.0/tabledialect.json"
)

// DataPackageDoc is a Data Package descriptor.
type DataPackageDoc struct {
	Schema string `json:"$schema"`
	// Profile is v1's name of $schema, for v1 tools: "tabular-data-package"
	// makes them check every resource as a table.
	Profile      string          `json:"profile"`
	Name         string          `json:"name"`
	ID           string          `json:"id"`
	Title        string          `json:"title"`
	Description  string          `json:"description,omitempty"`
	Homepage     string          `json:"homepage"`
	Version      string          `json:"version,omitempty"`
	Created      string          `json:"created,omitempty"`
	Keywords     []string        `json:"keywords,omitempty"`
	Licenses     []DPLicense     `json:"licenses"`
	Contributors []DPContributor `json:"contributors,omitempty"`
	Sources      []DPSource      `json:"sources,omitempty"`
	Resources    []DPResource    `json:"resources"`
}

// DPLicense is a licence of a package.
type DPLicense struct {
	Name  string `json:"name,omitempty"`
	Path  string `json:"path,omitempty"`
	Title string `json:"title"`
}

// DPContributor is who published the package.
type DPContributor struct {
	Title        string   `json:"title"`
	Path         string   `json:"path,omitempty"`
	Email        string   `json:"email,omitempty"`
	Roles        []string `json:"roles"`
	Organization string   `json:"organization,omitempty"`
}

// DPSource is where data comes from.
type DPSource struct {
	Title string `json:"title"`
	Path  string `json:"path,omitempty"`
}

// DPResource is a table of the package.
type DPResource struct {
	Schema      string      `json:"$schema"`
	Profile     string      `json:"profile"`
	Name        string      `json:"name"`
	Type        string      `json:"type"`
	Path        string      `json:"path"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Format      string      `json:"format"`
	Mediatype   string      `json:"mediatype"`
	Encoding    string      `json:"encoding"`
	Dialect     DPDialect   `json:"dialect"`
	TableSchema TableSchema `json:"schema"`
	Sources     []DPSource  `json:"sources,omitempty"`
}

// DPDialect describes the CSV downloads: comma-separated, double quotes, a
// header row, "\n" between lines (Go's encoding/csv).
type DPDialect struct {
	Schema         string `json:"$schema"`
	Header         bool   `json:"header"`
	Delimiter      string `json:"delimiter"`
	LineTerminator string `json:"lineTerminator"`
	QuoteChar      string `json:"quoteChar"`
	DoubleQuote    bool   `json:"doubleQuote"`
}

// TableSchema is a Table Schema.
type TableSchema struct {
	Schema        string    `json:"$schema"`
	Fields        []DPField `json:"fields"`
	MissingValues []string  `json:"missingValues"`
}

// DPField is a column of a Table Schema.
type DPField struct {
	Name        string         `json:"name"`
	Type        string         `json:"type"`
	Title       string         `json:"title,omitempty"`
	Description string         `json:"description,omitempty"`
	Format      string         `json:"format,omitempty"`
	DecimalChar string         `json:"decimalChar,omitempty"`
	BareNumber  *bool          `json:"bareNumber,omitempty"`
	Constraints *DPConstraints `json:"constraints,omitempty"`
}

// DPConstraints are a field's constraints.
type DPConstraints struct {
	Enum    []string `json:"enum,omitempty"`
	Minimum *int     `json:"minimum,omitempty"`
}

// DataPackage builds the descriptor of e. It reads each table's rows once to
// check that every value of a numeric or date column is written as its type
// says (a value such as "liên hệ" in a column of amounts is published as
// written): such a column is typed string, with the declared type in its
// description, so the schema always matches the CSV. Errors are ctx.Err() or
// a read error of a table.
func (c *Catalog) DataPackage(ctx context.Context, e *Entry) (DataPackageDoc, error) {
	d := e.Dataset
	page := c.PageURL(d)
	doc := DataPackageDoc{
		Schema: profilePackage, Profile: "tabular-data-package", Name: e.Name, ID: "urn:uuid:" + e.ID, Title: d.Title, Description: notes(d),
		Homepage: page, Created: rfc3339(e.Created), Keywords: d.Tags,
		Licenses:  []DPLicense{{Name: e.License.SPDX, Path: e.License.Legal, Title: licenseTitle(e)}},
		Resources: []DPResource{},
	}
	if a := e.Agency; a != nil {
		doc.Contributors = []DPContributor{{Title: a.Name, Path: c.Base + "/" + a.Slug, Email: a.Email, Roles: []string{"publisher"}}}
	}
	if d.Source != "" {
		doc.Sources = []DPSource{{Title: d.Source}}
	}
	for _, t := range d.Tables {
		fields, err := c.tableFields(ctx, t)
		if err != nil {
			return doc, err
		}
		r := DPResource{
			Schema: profileResource, Profile: "tabular-data-resource", Name: t.Name, Type: "table", Path: t.Name + ".csv", Title: t.Title,
			Description: fmt.Sprintf("%d dòng. Tệp gốc: %s.", t.RowCount, t.File),
			Format:      "csv", Mediatype: "text/csv", Encoding: "utf-8",
			Dialect:     DPDialect{Schema: profileDialect, Header: true, Delimiter: ",", LineTerminator: "\n", QuoteChar: `"`, DoubleQuote: true},
			TableSchema: TableSchema{Schema: profileSchema, Fields: fields, MissingValues: []string{""}},
			Sources:     []DPSource{{Title: "Tệp gốc: " + t.File, Path: c.Base + FilePath(t.File)}},
		}
		if t.Unit != "" {
			r.Description += " " + t.Unit + "."
		}
		doc.Resources = append(doc.Resources, r)
	}
	return doc, nil
}

func licenseTitle(e *Entry) string {
	if e.Dataset.License != "" {
		return e.Dataset.License
	}
	return e.License.Title
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// tableFields are the Table Schema fields of a table, in the CSV's order.
func (c *Catalog) tableFields(ctx context.Context, t *content.Table) ([]DPField, error) {
	keys := ColumnKeys(t)
	bad := make([]int, len(t.Columns))   // values that are not of the column's type
	frac := make([]bool, len(t.Columns)) // an integer column holding a fraction
	err := t.Each(ctx, func(r content.Row) error {
		for i, col := range t.Columns {
			if i >= len(r.Cells) || !(col.Type.Numeric() || col.Type == content.TypeDate) {
				continue
			}
			v := r.Cells[i]
			s, num := PlainValue(col, v)
			switch {
			case s == "":
			case col.Type == content.TypeDate && v.OK:
			case !num:
				bad[i]++
			case col.Type == content.TypeInteger && (v.Num != math.Trunc(v.Num) || math.Abs(v.Num) > 1<<53):
				frac[i] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("opendata: table %s: %w", t.ID, err)
	}
	yes := true
	fields := make([]DPField, 0, len(t.Columns)+2)
	for i, col := range t.Columns {
		f := DPField{Name: keys[i], Title: col.Title, Description: columnNotes(t, col)}
		switch {
		case bad[i] > 0:
			f.Type = "string"
			f.Description = joinNote(f.Description, fmt.Sprintf("Khai báo kiểu %s; %d giá trị không viết theo kiểu đó nên cột để dạng văn bản.", col.Type, bad[i]))
		case col.Type == content.TypeInteger && !frac[i]:
			f.Type = "integer"
		case col.Type.Numeric():
			f.Type, f.DecimalChar, f.BareNumber = "number", ".", &yes
		case col.Type == content.TypeDate:
			f.Type, f.Format = "date", "default"
		default:
			f.Type = "string"
		}
		fields = append(fields, f)
	}
	if t.Structured {
		zero := 0
		fields = append(fields,
			DPField{Name: "_role", Type: "string", Title: "Loại dòng", Description: "data: dòng số liệu; group: nhóm; subtotal: cộng nhóm; total: tổng cộng.",
				Constraints: &DPConstraints{Enum: []string{"data", "group", "subtotal", "total"}}},
			DPField{Name: "_level", Type: "integer", Title: "Cấp", Description: "Cấp của dòng trong dàn ý của biểu (0: tổng và nhóm cao nhất).",
				Constraints: &DPConstraints{Minimum: &zero}})
	}
	return fields, nil
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}
