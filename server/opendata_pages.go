package server

// The schema.org JSON-LD of dataset and agency pages, which the templates
// put in a <script type="application/ld+json"> (data, not script: the
// page's Content-Security-Policy does not apply to it). html/template
// encodes the value as JSON with <, > and & escaped, so no text of the
// content can close the element.

import (
	"strings"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/opendata"
)

// base is the public address the page was built for.
func (v *view) base() string { return strings.TrimSuffix(v.Canonical, v.Path) }

// DatasetJSONLD is the schema.org Dataset of a dataset's page (its dates
// are the page's: published and updated); nil for a restricted dataset (one-stop
// exports are private records, not open data).
func (v *view) DatasetJSONLD(d *content.Dataset) any {
	if d.Restricted() {
		return nil
	}
	cat := opendata.NewPageCatalog(v.Site, v.base())
	return cat.SchemaDataset(cat.EntryOf(d))
}

// AgencyJSONLD is the schema.org GovernmentOrganization of an agency's page.
func (v *view) AgencyJSONLD(a *content.Agency) any {
	return opendata.NewPageCatalog(v.Site, v.base()).SchemaAgency(a)
}

// DatasetLinks are the machine-readable descriptions of a dataset, for the
// page's alternate links; none for a restricted dataset.
func (v *view) DatasetLinks(d *content.Dataset) []feedLink {
	if d.Restricted() {
		return nil
	}
	page := v.base() + "/" + d.Path
	return []feedLink{
		{Type: "text/turtle", Title: "DCAT-AP (Turtle)", URL: page + ".ttl"},
		{Type: "application/ld+json", Title: "DCAT-AP (JSON-LD)", URL: page + ".jsonld"},
		{Type: "application/rdf+xml", Title: "DCAT-AP (RDF/XML)", URL: page + ".rdf"},
		{Type: "application/json", Title: "Data Package", URL: v.base() + "/tai-ve/" + d.Path + "/datapackage.json"},
		{Type: "application/json", Title: "CKAN API", URL: v.base() + "/api/3/action/package_show?id=" + opendata.PackageName(d.Path)},
	}
}
