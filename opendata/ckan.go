package opendata

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/congkhai/congkhai/content"
)

// The CKAN dictionaries, with the keys, types and nulls CKAN 2.10's
// package_show writes, so that harvesters and clients written against CKAN
// read them unchanged.

// Package is CKAN's package dictionary.
type Package struct {
	Author                 *string           `json:"author"`
	AuthorEmail            *string           `json:"author_email"`
	CreatorUserID          *string           `json:"creator_user_id"`
	ID                     string            `json:"id"`
	IsOpen                 bool              `json:"isopen"`
	LicenseID              string            `json:"license_id"`
	LicenseTitle           string            `json:"license_title"`
	LicenseURL             string            `json:"license_url,omitempty"`
	Maintainer             *string           `json:"maintainer"`
	MaintainerEmail        *string           `json:"maintainer_email"`
	MetadataCreated        string            `json:"metadata_created"`
	MetadataModified       string            `json:"metadata_modified"`
	Name                   string            `json:"name"`
	Notes                  string            `json:"notes"`
	NumResources           int               `json:"num_resources"`
	NumTags                int               `json:"num_tags"`
	Organization           *Organization     `json:"organization"`
	OwnerOrg               *string           `json:"owner_org"`
	Private                bool              `json:"private"`
	State                  string            `json:"state"`
	Title                  string            `json:"title"`
	Type                   string            `json:"type"`
	URL                    string            `json:"url"`
	Version                *string           `json:"version"`
	Extras                 []Extra           `json:"extras"`
	Groups                 []GroupRef        `json:"groups"`
	Resources              []ResourceDict    `json:"resources"`
	Tags                   []Tag             `json:"tags"`
	RelationshipsAsObject  []json.RawMessage `json:"relationships_as_object"`
	RelationshipsAsSubject []json.RawMessage `json:"relationships_as_subject"`
}

// Extra is a key and value of a package's extras.
type Extra struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Organization is CKAN's organization dictionary.
type Organization struct {
	ID             string            `json:"id"`
	Name           string            `json:"name"`
	Title          string            `json:"title"`
	Type           string            `json:"type"`
	Description    string            `json:"description"`
	ImageURL       string            `json:"image_url"`
	Created        string            `json:"created"`
	IsOrganization bool              `json:"is_organization"`
	ApprovalStatus string            `json:"approval_status"`
	State          string            `json:"state"`
	PackageCount   *int              `json:"package_count,omitempty"`
	DisplayName    string            `json:"display_name,omitempty"`
	Extras         []Extra           `json:"extras,omitempty"`
	Packages       []json.RawMessage `json:"packages,omitempty"`
}

// GroupRef is a group as a package lists it.
type GroupRef struct {
	Description     string `json:"description"`
	DisplayName     string `json:"display_name"`
	ID              string `json:"id"`
	ImageDisplayURL string `json:"image_display_url"`
	Name            string `json:"name"`
	Title           string `json:"title"`
}

// GroupDict is CKAN's group dictionary (group_show, group_list all_fields).
type GroupDict struct {
	ID             string            `json:"id"`
	Name           string            `json:"name"`
	Title          string            `json:"title"`
	DisplayName    string            `json:"display_name"`
	Type           string            `json:"type"`
	Description    string            `json:"description"`
	ImageURL       string            `json:"image_url"`
	Created        string            `json:"created"`
	IsOrganization bool              `json:"is_organization"`
	ApprovalStatus string            `json:"approval_status"`
	State          string            `json:"state"`
	PackageCount   int               `json:"package_count"`
	Packages       []json.RawMessage `json:"packages,omitempty"`
}

// Tag is CKAN's tag dictionary.
type Tag struct {
	DisplayName  string  `json:"display_name"`
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	State        string  `json:"state"`
	VocabularyID *string `json:"vocabulary_id"`
}

// ResourceDict is CKAN's resource dictionary.
type ResourceDict struct {
	CacheLastUpdated *string `json:"cache_last_updated"`
	CacheURL         *string `json:"cache_url"`
	Created          string  `json:"created"`
	DatastoreActive  bool    `json:"datastore_active"`
	Description      string  `json:"description"`
	Format           string  `json:"format"`
	Hash             string  `json:"hash"`
	ID               string  `json:"id"`
	LastModified     string  `json:"last_modified"`
	MetadataModified string  `json:"metadata_modified"`
	Mimetype         string  `json:"mimetype"`
	MimetypeInner    *string `json:"mimetype_inner"`
	Name             string  `json:"name"`
	PackageID        string  `json:"package_id"`
	Position         int     `json:"position"`
	ResourceType     *string `json:"resource_type"`
	Size             *int64  `json:"size"`
	State            string  `json:"state"`
	URL              string  `json:"url"`
	URLType          *string `json:"url_type"`
}

func strp(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Package is e as CKAN's package dictionary.
func (c *Catalog) Package(e *Entry) Package {
	d := e.Dataset
	p := Package{
		Author: strp(d.Source), ID: e.ID, IsOpen: e.License.Open,
		LicenseID: e.License.ID, LicenseTitle: e.License.Title, LicenseURL: e.License.URL,
		MetadataCreated: CKANTime(e.Created), MetadataModified: CKANTime(e.Modified),
		Name: e.Name, Notes: notes(d), NumResources: len(e.Resources), NumTags: len(e.Tags),
		State: "active", Title: d.Title, Type: "dataset", URL: c.PageURL(d),
		Extras: c.extras(e), Groups: []GroupRef{}, Resources: make([]ResourceDict, 0, len(e.Resources)),
		Tags: make([]Tag, 0, len(e.Tags)), RelationshipsAsObject: []json.RawMessage{}, RelationshipsAsSubject: []json.RawMessage{},
	}
	if org, ok := c.Org(d.Agency); ok {
		o := c.Organization(org, false)
		p.Organization, p.OwnerOrg = &o, &o.ID
		p.Maintainer, p.MaintainerEmail = strp(org.Agency.Name), strp(org.Agency.Email)
	}
	if g, ok := c.Group(string(d.Category)); ok {
		p.Groups = append(p.Groups, GroupRef{Description: "", DisplayName: g.Info.NameVI, ID: g.ID, Name: string(g.Info.Slug), Title: g.Info.NameVI})
	}
	for _, r := range e.Resources {
		p.Resources = append(p.Resources, c.ResourceDict(r))
	}
	for _, t := range e.Tags {
		p.Tags = append(p.Tags, Tag{DisplayName: t, ID: tagUUID(c.NS, t), Name: t, State: "active"})
	}
	return p
}

// PackageJSON is the package dictionary of e encoded, computed once per
// catalog.
func (c *Catalog) PackageJSON(e *Entry) []byte {
	e.once.Do(func() {
		e.json, _ = json.Marshal(c.Package(e)) // plain data: cannot fail
	})
	return e.json
}

// notes is a package's description: the dataset's text (markdown as CKAN
// expects reads plain text as it is), else its summary.
func notes(d *content.Dataset) string {
	if t := strings.TrimSpace(d.Text); t != "" {
		return t
	}
	return d.Summary
}

func (c *Catalog) extras(e *Entry) []Extra {
	d := e.Dataset
	x := []Extra{
		{"issued", isoDate(d.Published)},
		{"modified", isoDate(d.Updated)},
		{"language", "vi"},
		{"uri", c.PageURL(d) + "#dataset"},
	}
	if d.Frequency != "" {
		x = append(x, Extra{"frequency", d.Frequency})
	}
	if d.License != "" {
		x = append(x, Extra{"license_text", d.License})
	}
	if labels := placeLabels(d.Places); len(labels) > 0 {
		x = append(x, Extra{"spatial_text", strings.Join(labels, "; ")})
	}
	return x
}

// isoDate writes a date as the portal shows it, in Asia/Ho_Chi_Minh, ISO form.
func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return local(t).Format("2006-01-02")
}

func placeLabels(ps []content.Place) []string {
	var out []string
	for _, p := range ps {
		if l := p.Label(); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// ResourceDict is r as CKAN's resource dictionary.
func (c *Catalog) ResourceDict(r *Resource) ResourceDict {
	rd := ResourceDict{
		Created: CKANTime(r.Entry.Created), DatastoreActive: r.Datastore(), Description: resourceDescription(r),
		Format: r.Format, Hash: r.Hash, ID: r.ID, LastModified: CKANTime(r.Modified), MetadataModified: CKANTime(r.Entry.Modified),
		Mimetype: r.Media, Name: r.Name, PackageID: r.Entry.ID, Position: r.Position, State: "active", URL: r.URL,
	}
	if r.Size >= 0 {
		rd.Size = &r.Size
	}
	return rd
}

func resourceDescription(r *Resource) string {
	t := r.Table
	switch r.Kind {
	case "file":
		return "Tệp gốc do cơ quan công bố (" + r.Format + ")."
	case "csv":
		return t.Title + ": bảng đã làm sạch, " + itoa(t.RowCount) + " dòng, mỗi cột một tiêu đề, số viết không phân cách hàng nghìn, dấu chấm thập phân (UTF-8)."
	}
	return t.Title + ": bảng đã làm sạch, " + itoa(t.RowCount) + " dòng, mảng đối tượng JSON theo thứ tự cột."
}

// Organization is org as CKAN's organization dictionary; withCount adds
// package_count.
func (c *Catalog) Organization(org *Org, withCount bool) Organization {
	a := org.Agency
	o := Organization{
		ID: org.ID, Name: org.Name, Title: a.Name, Type: "organization", Description: strings.TrimSpace(a.Body),
		Created: CKANTime(c.orgCreated(org)), IsOrganization: true, ApprovalStatus: "approved", State: "active",
	}
	if withCount {
		n := len(org.Entries)
		o.PackageCount, o.DisplayName = &n, a.Name
		for _, kv := range [][2]string{{"short_name", a.ShortName}, {"kind", a.Kind}, {"address", a.Address}, {"phone", a.Phone}, {"email", a.Email}, {"website", a.Website}, {"url", c.Base + "/" + a.Slug}} {
			if kv[1] != "" {
				o.Extras = append(o.Extras, Extra{kv[0], kv[1]})
			}
		}
	}
	return o
}

// orgCreated is when an organization first published: its oldest dataset's
// metadata_created, else the site's epoch (1970) so it stays stable.
func (c *Catalog) orgCreated(org *Org) time.Time {
	var t time.Time
	for _, e := range org.Entries {
		if t.IsZero() || e.Created.Before(t) {
			t = e.Created
		}
	}
	return t
}

// GroupDict is g as CKAN's group dictionary.
func (c *Catalog) GroupDict(g *Group) GroupDict {
	var created time.Time
	for _, e := range g.Entries {
		if created.IsZero() || e.Created.Before(created) {
			created = e.Created
		}
	}
	return GroupDict{
		ID: g.ID, Name: string(g.Info.Slug), Title: g.Info.NameVI, DisplayName: g.Info.NameVI, Type: "group",
		Description: g.Info.NameEN, Created: CKANTime(created), ApprovalStatus: "approved", State: "active",
		PackageCount: len(g.Entries),
	}
}

// TagDict is CKAN's dictionary of a tag name.
func (c *Catalog) TagDict(name string) Tag {
	return Tag{DisplayName: name, ID: tagUUID(c.NS, name), Name: name, State: "active"}
}
