package opendata

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/congkhai/congkhai/content"
)

// The schema.org JSON-LD of pages, for search engines (Google Dataset
// Search reads Dataset; GovernmentOrganization describes an agency). Values
// are ordered structs so pages are byte-for-byte stable.

// SchemaDatasetDoc is a schema.org Dataset.
type SchemaDatasetDoc struct {
	Context               string             `json:"@context"`
	Type                  string             `json:"@type"`
	ID                    string             `json:"@id"`
	Name                  string             `json:"name"`
	Description           string             `json:"description"`
	URL                   string             `json:"url"`
	Identifier            []string           `json:"identifier"`
	Keywords              []string           `json:"keywords,omitempty"`
	License               string             `json:"license,omitempty"`
	IsAccessibleForFree   bool               `json:"isAccessibleForFree"`
	Creator               *SchemaOrg         `json:"creator,omitempty"`
	Publisher             *SchemaOrg         `json:"publisher,omitempty"`
	DatePublished         string             `json:"datePublished,omitempty"`
	DateModified          string             `json:"dateModified,omitempty"`
	InLanguage            string             `json:"inLanguage"`
	SpatialCoverage       []SchemaPlace      `json:"spatialCoverage,omitempty"`
	TemporalCoverage      string             `json:"temporalCoverage,omitempty"`
	IncludedInDataCatalog SchemaCatalog      `json:"includedInDataCatalog"`
	Distribution          []SchemaDownload   `json:"distribution"`
	VariableMeasured      []SchemaProperty   `json:"variableMeasured,omitempty"`
	SubjectOf             []SchemaDigitalDoc `json:"subjectOf,omitempty"`
}

// SchemaOrg is an organization: an agency, or the producer named as text.
type SchemaOrg struct {
	Context            string         `json:"@context,omitempty"`
	Type               string         `json:"@type"`
	ID                 string         `json:"@id,omitempty"`
	Name               string         `json:"name"`
	AlternateName      string         `json:"alternateName,omitempty"`
	URL                string         `json:"url,omitempty"`
	Email              string         `json:"email,omitempty"`
	Telephone          string         `json:"telephone,omitempty"`
	Address            *SchemaAddress `json:"address,omitempty"`
	SameAs             string         `json:"sameAs,omitempty"`
	ParentOrganization *SchemaOrg     `json:"parentOrganization,omitempty"`
	AreaServed         []SchemaPlace  `json:"areaServed,omitempty"`
}

// SchemaAddress is a postal address.
type SchemaAddress struct {
	Type           string `json:"@type"`
	StreetAddress  string `json:"streetAddress"`
	AddressCountry string `json:"addressCountry"`
}

// SchemaPlace is a place by name.
type SchemaPlace struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// SchemaCatalog is the portal as a DataCatalog.
type SchemaCatalog struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url"`
}

// SchemaDownload is a distribution of a dataset.
type SchemaDownload struct {
	Type           string `json:"@type"`
	Name           string `json:"name"`
	ContentURL     string `json:"contentUrl"`
	EncodingFormat string `json:"encodingFormat"`
	ContentSize    string `json:"contentSize,omitempty"`
}

// SchemaProperty is a column as a measured variable.
type SchemaProperty struct {
	Type        string `json:"@type"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	UnitText    string `json:"unitText,omitempty"`
}

// SchemaDigitalDoc points at a machine-readable description of the dataset.
type SchemaDigitalDoc struct {
	Type           string `json:"@type"`
	URL            string `json:"url"`
	EncodingFormat string `json:"encodingFormat"`
}

// descriptionRange is what Google Dataset Search accepts: 50 to 5,000
// characters.
const (
	minDescription = 50
	maxDescription = 5000
)

// SchemaDataset is the schema.org Dataset of e's page. The dates are the
// page's own (published, updated), not the metadata's.
func (c *Catalog) SchemaDataset(e *Entry) SchemaDatasetDoc {
	d := e.Dataset
	page := c.PageURL(d)
	doc := SchemaDatasetDoc{
		Context: "https://schema.org", Type: "Dataset", ID: page + "#dataset",
		Name: d.Title, Description: schemaDescription(c, e), URL: page,
		Identifier: []string{"urn:uuid:" + e.ID, page}, Keywords: d.Tags,
		License: e.License.Legal, IsAccessibleForFree: true,
		DatePublished: isoDate(d.Published), DateModified: isoDate(d.Updated), InLanguage: "vi",
		IncludedInDataCatalog: SchemaCatalog{Type: "DataCatalog", Name: c.Site.Config.Title, URL: c.Base + "/"},
		Distribution:          []SchemaDownload{},
		SubjectOf: []SchemaDigitalDoc{
			{Type: "DigitalDocument", URL: page + ".jsonld", EncodingFormat: "application/ld+json"},
			{Type: "DigitalDocument", URL: c.Base + "/tai-ve/" + d.Path + "/datapackage.json", EncodingFormat: "application/json"},
		},
	}
	if e.License.Legal == "" {
		doc.License = page
	}
	if a := e.Agency; a != nil {
		org := c.schemaAgency(a, false)
		doc.Publisher = &org
		doc.Creator = &org
	}
	if d.Source != "" && (e.Agency == nil || content.Fold(d.Source) != content.Fold(e.Agency.Name)) {
		doc.Creator = &SchemaOrg{Type: "Organization", Name: d.Source}
	}
	for _, p := range d.Places {
		if l := p.Label(); l != "" {
			doc.SpatialCoverage = append(doc.SpatialCoverage, SchemaPlace{Type: "Place", Name: l})
		}
	}
	// An interval as ISO 8601 writes it; ".." for an open end.
	if start, end := d.PeriodStart, d.PeriodEnd; !start.IsZero() || !end.IsZero() {
		iso := func(t time.Time) string {
			if t.IsZero() {
				return ".."
			}
			return local(t).Format("2006-01-02")
		}
		doc.TemporalCoverage = iso(start) + "/" + iso(end)
	}
	for _, r := range e.Resources {
		dl := SchemaDownload{Type: "DataDownload", Name: r.Name, ContentURL: r.URL, EncodingFormat: r.Media}
		if r.Size >= 0 {
			dl.ContentSize = strings.TrimSpace(byteSize(r.Size))
		}
		doc.Distribution = append(doc.Distribution, dl)
	}
	seen := map[string]bool{}
	for _, t := range d.Tables {
		for _, col := range t.Columns {
			if seen[col.Title] || col.Title == "" {
				continue
			}
			seen[col.Title] = true
			doc.VariableMeasured = append(doc.VariableMeasured, SchemaProperty{Type: "PropertyValue", Name: col.Title, Description: col.Description, UnitText: unitOf(t, col)})
		}
	}
	return doc
}

// schemaDescription is the dataset's text cut to 5,000 characters, lengthened
// when shorter than 50 with the agency and the tables it holds.
func schemaDescription(c *Catalog, e *Entry) string {
	s := strings.TrimSpace(describe(c, e))
	if utf8.RuneCountInString(s) < minDescription {
		var b strings.Builder
		b.WriteString(strings.TrimRight(s, ". "))
		if e.Agency != nil && !strings.Contains(s, e.Agency.Name) {
			b.WriteString(". Dữ liệu mở do " + e.Agency.Name + " công bố")
		}
		if len(e.Dataset.Tables) > 0 {
			b.WriteString(". Bảng dữ liệu: ")
			for i, t := range e.Dataset.Tables {
				if i > 0 {
					b.WriteString("; ")
				}
				b.WriteString(t.Title + " (" + itoa(t.RowCount) + " dòng)")
			}
		}
		b.WriteString(".")
		s = b.String()
	}
	if r := []rune(s); len(r) > maxDescription {
		s = string(r[:maxDescription-1]) + "…"
	}
	return s
}

// byteSize writes a size as schema.org's contentSize ("12.5 KB").
func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return trimFloat(float64(n)/(1<<20)) + " MB"
	case n >= 1<<10:
		return trimFloat(float64(n)/(1<<10)) + " KB"
	}
	return itoa(int(n)) + " B"
}

func trimFloat(f float64) string {
	s := strings.TrimRight(strings.TrimRight(strconvF(f), "0"), ".")
	return s
}

// SchemaAgency is the schema.org GovernmentOrganization of an agency's page.
func (c *Catalog) SchemaAgency(a *content.Agency) SchemaOrg {
	return c.schemaAgency(a, true)
}

func (c *Catalog) schemaAgency(a *content.Agency, full bool) SchemaOrg {
	o := SchemaOrg{Type: "GovernmentOrganization", ID: c.Base + "/" + a.Slug + "#agency", Name: a.Name, URL: c.Base + "/" + a.Slug}
	if !full {
		return o
	}
	o.Context = "https://schema.org"
	if a.ShortName != "" && a.ShortName != a.Name {
		o.AlternateName = a.ShortName
	}
	o.Email, o.Telephone, o.SameAs = a.Email, a.Phone, a.Website
	if a.Address != "" {
		o.Address = &SchemaAddress{Type: "PostalAddress", StreetAddress: a.Address, AddressCountry: "VN"}
	}
	if a.Parent != "" {
		if p, ok := c.Site.Agency(a.Parent); ok {
			po := c.schemaAgency(p, false)
			o.ParentOrganization = &po
		}
	}
	for _, p := range a.Places {
		if l := p.Label(); l != "" {
			o.AreaServed = append(o.AreaServed, SchemaPlace{Type: "AdministrativeArea", Name: l})
		}
	}
	return o
}
