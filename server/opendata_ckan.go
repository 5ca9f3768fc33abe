package server

// The CKAN Action API 3, read-only: /api/3/action/<name> (and /api/action/),
// GET with query parameters or POST with a JSON object or a form, answered
// in CKAN's envelope {"help", "success", "result"} or {"help", "success":
// false, "error": {"__type", "message"}} with CKAN's status codes.

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/opendata"
	"github.com/congkhai/congkhai/portal"
	"github.com/congkhai/congkhai/search"
)

// Bounds of the API, as CKAN's defaults are.
const (
	ckanRowsMax      = 1000   // package_search rows (ckan.search.rows_max)
	ckanListMax      = 1000   // package_list, organization_list, … without a limit
	datastoreRowsMax = 32000  // datastore_search limit (ckan.datastore.search.rows_max)
	datastoreScanMax = 200000 // rows a datastore_search with a filter or q may read
	textSearchMax    = 2000   // datasets a text query (q) ranks, at most
)

// ckanError is CKAN's error dictionary: a type, a message and, for
// validation errors, the messages of each parameter.
type ckanError struct {
	status int
	Type   string
	Msg    string
	Fields map[string][]string
}

func (e *ckanError) Error() string { return e.Type + ": " + e.Msg }

func (e *ckanError) MarshalJSON() ([]byte, error) {
	m := map[string]any{"__type": e.Type}
	if e.Msg != "" {
		m["message"] = e.Msg
	}
	for k, v := range e.Fields {
		m[k] = v
	}
	return json.Marshal(m)
}

func notFound(msg string) *ckanError {
	return &ckanError{status: http.StatusNotFound, Type: "Not Found Error", Msg: "Not found: " + msg}
}

func validation(field, msg string) *ckanError {
	return &ckanError{status: http.StatusConflict, Type: "Validation Error", Msg: field + ": " + msg, Fields: map[string][]string{field: {msg}}}
}

func queryError(err error) *ckanError {
	return &ckanError{status: http.StatusConflict, Type: "Search Query Error", Msg: "Search Query is invalid: " + strings.TrimPrefix(err.Error(), opendata.ErrQuery.Error()+": ")}
}

// ckanParams are an action's parameters: strings as given, other JSON values
// as their JSON text ("100", "true", `["a","b"]`).
type ckanParams map[string]string

func (p ckanParams) has(k string) bool { _, ok := p[k]; return ok }

func (p ckanParams) int(k string, def, minimum, maximum int) (int, *ckanError) {
	v, ok := p[k]
	if !ok || v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, validation(k, "Invalid integer")
	}
	if n < minimum {
		if minimum == 0 {
			return 0, validation(k, "Must be a natural number")
		}
		return 0, validation(k, fmt.Sprintf("Must be at least %d", minimum))
	}
	return min(n, maximum), nil
}

func (p ckanParams) bool(k string, def bool) (bool, *ckanError) {
	v, ok := p[k]
	if !ok || v == "" {
		return def, nil
	}
	switch strings.ToLower(v) {
	case "true", "1", "yes", "on":
		return true, nil
	case "false", "0", "no", "off":
		return false, nil
	}
	return false, validation(k, "Value must be one of: true, false")
}

// list reads a list given as JSON (`["a","b"]`) or comma-separated ("a,b").
func (p ckanParams) list(k string) ([]string, *ckanError) {
	v, ok := p[k]
	if !ok || strings.TrimSpace(v) == "" {
		return nil, nil
	}
	if strings.HasPrefix(strings.TrimSpace(v), "[") {
		var out []string
		if err := json.Unmarshal([]byte(v), &out); err != nil {
			return nil, validation(k, "Not a list of strings")
		}
		return out, nil
	}
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out, nil
}

// readParams reads the query (GET) or the body (POST: a JSON object, or a
// form).
func readParams(c echo.Context) (ckanParams, *ckanError) {
	p := ckanParams{}
	for k, vs := range c.QueryParams() {
		if len(vs) > 0 {
			p[k] = vs[len(vs)-1]
		}
	}
	r := c.Request()
	if r.Method != http.MethodPost {
		return p, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, &ckanError{status: http.StatusBadRequest, Type: "Bad request", Msg: "Bad request - could not read the body"}
	}
	if ct == "application/x-www-form-urlencoded" || ct == "multipart/form-data" {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, &ckanError{status: http.StatusBadRequest, Type: "Bad request", Msg: "Bad request - Bad form"}
		}
		for k, vs := range form {
			p[k] = vs[len(vs)-1]
		}
		return p, nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return p, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return nil, &ckanError{status: http.StatusBadRequest, Type: "Bad request", Msg: "Bad request - JSON Error: " + err.Error()}
	}
	for k, raw := range obj {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			p[k] = s
		} else if string(raw) != "null" {
			p[k] = string(raw)
		}
	}
	return p, nil
}

// ckanActions are the actions answered; writing actions are refused.
var ckanActions = map[string]func(o *openData, c echo.Context, cat *opendata.Catalog, snap *portal.Snapshot, p ckanParams) (any, *ckanError){
	"package_search":                      (*openData).packageSearch,
	"package_show":                        (*openData).packageShow,
	"package_list":                        (*openData).packageList,
	"current_package_list_with_resources": (*openData).currentPackages,
	"organization_list":                   (*openData).organizationList,
	"organization_show":                   (*openData).organizationShow,
	"group_list":                          (*openData).groupList,
	"group_show":                          (*openData).groupShow,
	"tag_list":                            (*openData).tagList,
	"tag_show":                            (*openData).tagShow,
	"resource_show":                       (*openData).resourceShow,
	"status_show":                         (*openData).statusShow,
	"site_read": func(*openData, echo.Context, *opendata.Catalog, *portal.Snapshot, ckanParams) (any, *ckanError) {
		return true, nil
	},
	"license_list":     (*openData).licenseList,
	"datastore_search": (*openData).datastoreSearch,
	"help_show":        (*openData).helpShow,
}

// ckanActionNames are the keys of ckanActions (help_show reads them).
var ckanActionNames = []string{
	"package_search", "package_show", "package_list", "current_package_list_with_resources",
	"organization_list", "organization_show", "group_list", "group_show", "tag_list", "tag_show",
	"resource_show", "status_show", "site_read", "license_list", "datastore_search", "help_show",
}

// writeActionPrefixes name CKAN's actions that change something.
var writeActionPrefixes = []string{"_create", "_update", "_patch", "_delete", "_purge", "_revise", "_upsert", "_follow", "_unfollow", "_member_create", "_reorder"}

func ckanPreflight(c echo.Context) error {
	h := c.Response().Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type")
	h.Set("Access-Control-Max-Age", "86400")
	return c.NoContent(http.StatusNoContent)
}

// ckanAction answers /api/3/action/<name>.
func (o *openData) ckanAction(c echo.Context) error {
	name := c.Param("action")
	cat, snap := o.catalog(c)
	help := cat.Base + "/api/3/action/help_show?name=" + url.QueryEscape(name)
	h := c.Response().Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cache-Control", "no-cache")
	fn, ok := ckanActions[name]
	if !ok {
		for _, suffix := range writeActionPrefixes {
			if strings.HasSuffix(name, suffix) {
				return o.ckanWrite(c, help, nil, &ckanError{status: http.StatusForbidden, Type: "Authorization Error", Msg: "Access denied: this portal's CKAN API is read-only; publish through the content folder"})
			}
		}
		return o.ckanWrite(c, help, nil, &ckanError{status: http.StatusBadRequest, Type: "Bad request", Msg: "Bad request - Action name not known: " + name})
	}
	p, cerr := readParams(c)
	if cerr != nil {
		return o.ckanWrite(c, help, nil, cerr)
	}
	res, cerr := fn(o, c, cat, snap, p)
	return o.ckanWrite(c, help, res, cerr)
}

func (o *openData) ckanWrite(c echo.Context, help string, result any, cerr *ckanError) error {
	var b bytes.Buffer
	b.WriteString(`{"help": `)
	hq, _ := json.Marshal(help)
	b.Write(hq)
	status := http.StatusOK
	var raw json.RawMessage
	switch {
	case cerr != nil:
		status = cerr.status
		if status >= 500 {
			o.s.log.Error("ckan action failed", "path", c.Request().URL.Path, "err", cerr.Msg, "request_id", requestID(c))
		}
		b.WriteString(`, "success": false, "error": `)
		e, _ := json.Marshal(cerr)
		b.Write(e)
	default:
		b.WriteString(`, "success": true, "result": `)
		var ok bool
		if raw, ok = result.(json.RawMessage); !ok {
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(result); err != nil {
				return fmt.Errorf("server: ckan result: %w", err)
			}
			b.Truncate(b.Len() - 1) // the encoder's newline
		}
	}
	// A result encoded already (a page of packages) is written as it is,
	// not copied into the envelope.
	r := c.Response()
	r.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	r.WriteHeader(status)
	for _, part := range [][]byte{b.Bytes(), raw, []byte("}\n")} {
		if _, err := r.Write(part); err != nil {
			return nil // the client went away: nothing more to tell it
		}
	}
	return nil
}

func internalError(err error) *ckanError {
	return &ckanError{status: http.StatusInternalServerError, Type: "Internal Server Error", Msg: err.Error()}
}

// packageArray encodes package dictionaries, each encoded once per catalog.
func packageArray(cat *opendata.Catalog, es []*opendata.Entry) json.RawMessage {
	var b bytes.Buffer
	n := 2
	for _, e := range es {
		n += len(cat.PackageJSON(e)) + 2
	}
	b.Grow(n)
	b.WriteByte('[')
	for i, e := range es {
		if i > 0 {
			b.WriteString(", ")
		}
		b.Write(cat.PackageJSON(e))
	}
	b.WriteByte(']')
	return b.Bytes()
}

// packageSearch is package_search: q (the portal's Vietnamese search, or
// Lucene's field:value when it holds a colon, as CKAN reads it), fq and
// fq_list, sort, rows (at most 1,000), start, facet.field, facet.limit,
// facet.mincount, fl.
func (o *openData) packageSearch(c echo.Context, cat *opendata.Catalog, _ *portal.Snapshot, p ckanParams) (any, *ckanError) {
	rows, cerr := p.int("rows", 10, 0, ckanRowsMax)
	if cerr != nil {
		return nil, cerr
	}
	start, cerr := p.int("start", 0, 0, 1<<30)
	if cerr != nil {
		return nil, cerr
	}
	now := o.s.now()
	var filters []opendata.Filter
	fqs := []string{p["fq"]}
	if l, cerr := p.list("fq_list"); cerr != nil {
		return nil, cerr
	} else {
		fqs = append(fqs, l...)
	}
	for _, fq := range fqs {
		f, err := opendata.ParseFilter(fq, now)
		if err != nil {
			return nil, queryError(err)
		}
		filters = append(filters, f)
	}
	req := opendata.SearchRequest{Start: start, Rows: rows, FacetLimit: 50, FacetMinCount: 1}
	q := strings.TrimSpace(p["q"])
	switch {
	case q == "" || q == "*:*" || q == "*":
	case strings.Contains(q, ":"):
		f, err := opendata.ParseFilter(q, now)
		if err != nil {
			return nil, queryError(err)
		}
		filters = append(filters, f)
	}
	text := q != "" && q != "*:*" && q != "*" && !strings.Contains(q, ":")
	req.Filter = opendata.And(filters...)
	sort, err := opendata.ParseSort(p["sort"])
	if err != nil {
		return nil, queryError(err)
	}
	req.Sort = sort
	if ff, cerr := p.list("facet.field"); cerr != nil {
		return nil, cerr
	} else if facet, cerr := p.bool("facet", true); cerr != nil {
		return nil, cerr
	} else if facet {
		for _, f := range ff {
			if !slices.Contains(opendata.FacetFields, f) {
				return nil, queryError(fmt.Errorf("cannot facet on %q (facets: %s)", f, strings.Join(opendata.FacetFields, ", ")))
			}
		}
		req.FacetFields = ff
	}
	if req.FacetLimit, cerr = p.int("facet.limit", 50, -1, 1<<20); cerr != nil {
		return nil, cerr
	}
	if req.FacetMinCount, cerr = p.int("facet.mincount", 1, 0, 1<<30); cerr != nil {
		return nil, cerr
	}
	var res opendata.SearchResult
	switch {
	case text && req.Filter.Empty() && len(req.FacetFields) == 0 && sort[0].Field == "score" && sort[0].Desc:
		// Ranked by the search alone: only the page is needed.
		var cerr *ckanError
		if res, cerr = o.textPage(c.Request().Context(), cat, q, start, rows); cerr != nil {
			return nil, cerr
		}
	case text:
		ranked, cerr := o.textSearch(c.Request().Context(), cat, q)
		if cerr != nil {
			return nil, cerr
		}
		req.Ranked = ranked
		res = cat.Search(req)
	default:
		res = cat.Search(req)
	}
	results := packageArray(cat, res.Results)
	if fl, cerr := p.list("fl"); cerr != nil {
		return nil, cerr
	} else if len(fl) > 0 && !slices.Contains(fl, "*") {
		results = selectFields(results, fl)
	}
	facets := map[string]map[string]int{}
	searchFacets := map[string]any{}
	for _, f := range res.Facets {
		counts := map[string]int{}
		items := []map[string]any{}
		for _, it := range f.Items {
			counts[it.Name] = it.Count
			items = append(items, map[string]any{"count": it.Count, "display_name": it.DisplayName, "name": it.Name})
		}
		facets[f.Field] = counts
		searchFacets[f.Field] = map[string]any{"title": f.Field, "items": items}
	}
	sortText := p["sort"]
	if sortText == "" {
		sortText = "score desc, metadata_modified desc"
	}
	// Written by hand around the packages, which are encoded already: the
	// encoder would read all of them again to check them.
	var b bytes.Buffer
	b.Grow(len(results) + 512)
	b.WriteString(`{"count": ` + strconv.Itoa(res.Count) + `, "facets": `)
	for _, v := range []any{facets, searchFacets, sortText} {
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return nil, internalError(err)
		}
		b.Truncate(b.Len() - 1)
		switch v.(type) {
		case map[string]map[string]int:
			b.WriteString(`, "search_facets": `)
		case map[string]any:
			b.WriteString(`, "sort": `)
		}
	}
	b.WriteString(`, "results": `)
	b.Write(results)
	b.WriteByte('}')
	return json.RawMessage(b.Bytes()), nil
}

// selectFields keeps the fields fl names of each encoded package.
func selectFields(pkgs json.RawMessage, fl []string) json.RawMessage {
	var all []map[string]json.RawMessage
	if err := json.Unmarshal(pkgs, &all); err != nil {
		return pkgs
	}
	out := make([]map[string]json.RawMessage, 0, len(all))
	for _, m := range all {
		k := map[string]json.RawMessage{}
		for _, f := range fl {
			if v, ok := m[f]; ok {
				k[f] = v
			}
		}
		out = append(out, k)
	}
	b, _ := json.Marshal(out)
	return b
}

// textSearch ranks the datasets that match q with the portal's search (kind
// dataset), best first, up to textSearchMax.
func (o *openData) textSearch(ctx context.Context, cat *opendata.Catalog, q string) ([]*opendata.Entry, *ckanError) {
	ranked := []*opendata.Entry{}
	seen := map[*opendata.Entry]bool{}
	for from := 0; from < textSearchMax; from += search.MaxSize {
		res, cerr := o.searchDatasets(ctx, q, from, search.MaxSize)
		if cerr != nil {
			return nil, cerr
		}
		for _, h := range res.Hits {
			if e, ok := cat.Entry(strings.TrimPrefix(h.ID, "d:")); ok && !seen[e] {
				seen[e] = true
				ranked = append(ranked, e)
			}
		}
		if uint64(from+search.MaxSize) >= res.Total || len(res.Hits) == 0 {
			break
		}
	}
	return ranked, nil
}

// textPage is a page of the datasets that match q, best first, with their
// number, read from the search's own page (at most search.MaxWindow deep).
func (o *openData) textPage(ctx context.Context, cat *opendata.Catalog, q string, start, rows int) (opendata.SearchResult, *ckanError) {
	var out opendata.SearchResult
	for from := start; from < start+rows && from < search.MaxWindow; {
		size := min(search.MaxSize, start+rows-from, search.MaxWindow-from)
		res, cerr := o.searchDatasets(ctx, q, from, size)
		if cerr != nil {
			return out, cerr
		}
		out.Count = int(res.Total)
		for _, h := range res.Hits {
			if e, ok := cat.Entry(strings.TrimPrefix(h.ID, "d:")); ok {
				out.Results = append(out.Results, e)
			}
		}
		if len(res.Hits) < size {
			break
		}
		from += size
	}
	if rows == 0 {
		res, cerr := o.searchDatasets(ctx, q, 0, 1)
		if cerr != nil {
			return out, cerr
		}
		out.Count = int(res.Total)
	}
	return out, nil
}

func (o *openData) searchDatasets(ctx context.Context, q string, from, size int) (*search.Result, *ckanError) {
	res, err := o.s.deps.Portal.Search(ctx, search.Request{Query: q, Filters: map[string][]string{search.FilterKind: {"dataset"}}, From: from, Size: size, NoAdvice: true})
	switch {
	case errors.Is(err, search.ErrBadQuery):
		return nil, queryError(errors.New(strings.TrimPrefix(err.Error(), "search: ")))
	case errors.Is(err, portal.ErrNoIndex):
		return nil, &ckanError{status: http.StatusServiceUnavailable, Type: "Search Error", Msg: "search is not enabled on this portal; use fq"}
	case err != nil:
		return nil, internalError(err)
	}
	return res, nil
}

func (o *openData) entry(cat *opendata.Catalog, p ckanParams) (*opendata.Entry, *ckanError) {
	id := strings.TrimSpace(p["id"])
	if id == "" {
		id = strings.TrimSpace(p["name_or_id"])
	}
	if id == "" {
		return nil, validation("id", "Missing value")
	}
	e, ok := cat.Entry(id)
	if !ok {
		return nil, notFound("dataset " + id)
	}
	return e, nil
}

func (o *openData) packageShow(_ echo.Context, cat *opendata.Catalog, _ *portal.Snapshot, p ckanParams) (any, *ckanError) {
	e, cerr := o.entry(cat, p)
	if cerr != nil {
		return nil, cerr
	}
	return json.RawMessage(cat.PackageJSON(e)), nil
}

// page reads limit and offset (or page, 1-based, of limit items).
func page(p ckanParams, n int) (from, to int, cerr *ckanError) {
	limit, cerr := p.int("limit", ckanListMax, 0, ckanListMax)
	if cerr != nil {
		return 0, 0, cerr
	}
	offset, cerr := p.int("offset", 0, 0, 1<<30)
	if cerr != nil {
		return 0, 0, cerr
	}
	if p.has("page") {
		pg, cerr := p.int("page", 1, 1, 1<<20)
		if cerr != nil {
			return 0, 0, cerr
		}
		offset = (pg - 1) * limit
	}
	from = min(offset, n)
	return from, min(n, from+limit), nil
}

// packageList is package_list: every name, in name order.
func (o *openData) packageList(_ echo.Context, cat *opendata.Catalog, _ *portal.Snapshot, p ckanParams) (any, *ckanError) {
	es, _ := cat.Ordered("name")
	from, to, cerr := page(p, len(es))
	if cerr != nil {
		return nil, cerr
	}
	names := make([]string, 0, to-from)
	for _, e := range es[from:to] {
		names = append(names, e.Name)
	}
	return names, nil
}

// currentPackages is current_package_list_with_resources: packages, most
// recently modified first.
func (o *openData) currentPackages(_ echo.Context, cat *opendata.Catalog, _ *portal.Snapshot, p ckanParams) (any, *ckanError) {
	res := cat.Search(opendata.SearchRequest{Sort: []opendata.SortKey{{Field: "metadata_modified", Desc: true}}, Rows: len(cat.Entries)})
	from, to, cerr := page(p, len(res.Results))
	if cerr != nil {
		return nil, cerr
	}
	return packageArray(cat, res.Results[from:to]), nil
}

func (o *openData) organizationList(_ echo.Context, cat *opendata.Catalog, _ *portal.Snapshot, p ckanParams) (any, *ckanError) {
	return listGroups(p, cat.Orgs(), func(o *opendata.Org) (string, string, int) { return o.Name, o.Agency.Name, len(o.Entries) },
		func(o *opendata.Org) opendata.Organization { return cat.Organization(o, true) })
}

// listGroups is organization_list or group_list over xs: sorted and paged as
// CKAN's sort, limit and offset say, as names or (all_fields) as dictionaries.
func listGroups[T, D any](p ckanParams, xs []T, key func(T) (name, title string, count int), dict func(T) D) (any, *ckanError) {
	xs = slices.Clone(xs)
	if cerr := sortGroups(p, xs, key); cerr != nil {
		return nil, cerr
	}
	from, to, cerr := page(p, len(xs))
	if cerr != nil {
		return nil, cerr
	}
	all, cerr := p.bool("all_fields", false)
	if cerr != nil {
		return nil, cerr
	}
	if !all {
		names := []string{}
		for _, x := range xs[from:to] {
			name, _, _ := key(x)
			names = append(names, name)
		}
		return names, nil
	}
	out := []D{}
	for _, x := range xs[from:to] {
		out = append(out, dict(x))
	}
	return out, nil
}

// sortGroups sorts organizations or groups as CKAN's sort parameter says:
// "name", "title" or "package_count", with asc or desc (default "title asc"
// is CKAN's; names sort the same here).
func sortGroups[T any](p ckanParams, xs []T, key func(T) (name, title string, count int)) *ckanError {
	s := strings.Fields(p["sort"])
	field, desc := "name", false
	if len(s) > 0 {
		field = s[0]
	}
	if len(s) > 1 {
		desc = strings.EqualFold(s[1], "desc")
	}
	if field != "name" && field != "title" && field != "package_count" || len(s) > 2 {
		return validation("sort", "Cannot sort by "+p["sort"])
	}
	slices.SortStableFunc(xs, func(a, b T) int {
		an, at, ac := key(a)
		bn, bt, bc := key(b)
		n := 0
		switch field {
		case "title":
			n = strings.Compare(content.Fold(at), content.Fold(bt))
		case "package_count":
			n = ac - bc
		}
		if n == 0 {
			n = strings.Compare(an, bn)
		}
		if desc {
			n = -n
		}
		return n
	})
	return nil
}

// datasetsOf are up to 1,000 packages of an organization or group, when
// include_datasets asks for them.
func datasetsOf(cat *opendata.Catalog, p ckanParams, es []*opendata.Entry) ([]json.RawMessage, *ckanError) {
	inc, cerr := p.bool("include_datasets", false)
	if cerr != nil || !inc {
		return nil, cerr
	}
	var out []json.RawMessage
	for _, e := range es[:min(len(es), ckanListMax)] {
		out = append(out, cat.PackageJSON(e))
	}
	return out, nil
}

func (o *openData) organizationShow(_ echo.Context, cat *opendata.Catalog, _ *portal.Snapshot, p ckanParams) (any, *ckanError) {
	id := strings.TrimSpace(p["id"])
	org, ok := cat.Org(id)
	if !ok {
		return nil, notFound("organization " + id)
	}
	d := cat.Organization(org, true)
	var cerr *ckanError
	d.Packages, cerr = datasetsOf(cat, p, org.Entries)
	return d, cerr
}

func (o *openData) groupList(_ echo.Context, cat *opendata.Catalog, _ *portal.Snapshot, p ckanParams) (any, *ckanError) {
	return listGroups(p, cat.Groups(), func(g *opendata.Group) (string, string, int) {
		return string(g.Info.Slug), g.Info.NameVI, len(g.Entries)
	},
		cat.GroupDict)
}

func (o *openData) groupShow(_ echo.Context, cat *opendata.Catalog, _ *portal.Snapshot, p ckanParams) (any, *ckanError) {
	id := strings.TrimSpace(p["id"])
	g, ok := cat.Group(id)
	if !ok {
		return nil, notFound("group " + id)
	}
	d := cat.GroupDict(g)
	var cerr *ckanError
	d.Packages, cerr = datasetsOf(cat, p, g.Entries)
	return d, cerr
}

// tagList is tag_list: every tag name, or those containing query
// (without diacritics), sorted.
func (o *openData) tagList(_ echo.Context, cat *opendata.Catalog, _ *portal.Snapshot, p ckanParams) (any, *ckanError) {
	q := content.Fold(strings.TrimSpace(p["query"]))
	var names []string
	for _, t := range cat.Tags() {
		if q == "" || strings.Contains(content.Fold(t), q) {
			names = append(names, t)
		}
	}
	from, to, cerr := page(p, len(names))
	if cerr != nil {
		return nil, cerr
	}
	names = names[from:to]
	all, cerr := p.bool("all_fields", false)
	if cerr != nil {
		return nil, cerr
	}
	if !all {
		return append([]string{}, names...), nil
	}
	out := []opendata.Tag{}
	for _, t := range names {
		out = append(out, cat.TagDict(t))
	}
	return out, nil
}

func (o *openData) tagShow(_ echo.Context, cat *opendata.Catalog, _ *portal.Snapshot, p ckanParams) (any, *ckanError) {
	id := strings.TrimSpace(p["id"])
	for _, t := range cat.Tags() {
		if t == id || cat.TagDict(t).ID == id {
			return cat.TagDict(t), nil
		}
	}
	return nil, notFound("tag " + id)
}

func (o *openData) resourceShow(_ echo.Context, cat *opendata.Catalog, _ *portal.Snapshot, p ckanParams) (any, *ckanError) {
	id := strings.TrimSpace(p["id"])
	r, ok := cat.Resource(id)
	if !ok {
		return nil, notFound("resource " + id)
	}
	return cat.ResourceDict(r), nil
}

func (o *openData) statusShow(_ echo.Context, cat *opendata.Catalog, snap *portal.Snapshot, _ ckanParams) (any, *ckanError) {
	cfg := snap.Site.Config
	return map[string]any{
		"ckan_version":     "2.10.0",
		"site_title":       cfg.Title,
		"site_description": cfg.Description,
		"site_url":         cat.Base,
		"locale_default":   "vi",
		"extensions":       []string{"datastore", "dcat"},
		"congkhai_version": o.s.deps.Version,
	}, nil
}

func (o *openData) licenseList(_ echo.Context, cat *opendata.Catalog, _ *portal.Snapshot, _ ckanParams) (any, *ckanError) {
	seen := map[string]bool{}
	out := []map[string]any{}
	for _, e := range cat.Entries {
		l := e.License
		if seen[l.ID] {
			continue
		}
		seen[l.ID] = true
		out = append(out, map[string]any{"id": l.ID, "title": l.Title, "url": l.URL, "od_conformance": map[bool]string{true: "approved", false: "not reviewed"}[l.Open], "status": "active"})
	}
	return out, nil
}

func (o *openData) helpShow(_ echo.Context, _ *opendata.Catalog, _ *portal.Snapshot, p ckanParams) (any, *ckanError) {
	name := p["name"]
	if !slices.Contains(ckanActionNames, name) {
		return nil, notFound("action " + name)
	}
	return "Read-only CKAN Action API 3 of a congkhai portal: " + name + ". See docs/open-data.md.", nil
}

// datastoreSearch is datastore_search over a table's CSV or JSON resource:
// resource_id, q (text, or a dictionary of field: text), filters (a
// dictionary of field: value or [values]), fields, sort (one field, asc or
// desc), limit (default 100, at most 32,000), offset, include_total,
// records_format (objects, lists, csv, tsv).
func (o *openData) datastoreSearch(c echo.Context, cat *opendata.Catalog, _ *portal.Snapshot, p ckanParams) (any, *ckanError) {
	id := strings.TrimSpace(p["resource_id"])
	if id == "" {
		id = strings.TrimSpace(p["id"])
	}
	if id == "" {
		return nil, validation("resource_id", "Missing value")
	}
	r, ok := cat.Resource(id)
	if !ok || !r.Datastore() {
		return nil, notFound("resource " + id + " has no table in the datastore")
	}
	q := opendata.DatastoreQuery{MaxScan: datastoreScanMax}
	var cerr *ckanError
	if q.Limit, cerr = p.int("limit", 100, 0, datastoreRowsMax); cerr != nil {
		return nil, cerr
	}
	if q.Offset, cerr = p.int("offset", 0, 0, 1<<30); cerr != nil {
		return nil, cerr
	}
	if q.Total, cerr = p.bool("include_total", true); cerr != nil {
		return nil, cerr
	}
	if raw := strings.TrimSpace(p["q"]); strings.HasPrefix(raw, "{") {
		if err := json.Unmarshal([]byte(raw), &q.QFields); err != nil {
			return nil, validation("q", "Not a string or a dictionary of strings")
		}
	} else {
		q.Q = raw
	}
	if raw := strings.TrimSpace(p["filters"]); raw != "" {
		var m map[string]any
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			return nil, validation("filters", "Not a dictionary")
		}
		q.Filters = map[string][]string{}
		for k, v := range m {
			vals, ok := filterValues(v)
			if !ok {
				return nil, validation("filters", fmt.Sprintf("field %q: a value or a list of values", k))
			}
			q.Filters[k] = vals
		}
	}
	if p.has("fields") {
		if q.Fields, cerr = p.list("fields"); cerr != nil {
			return nil, cerr
		}
		if q.Fields == nil {
			q.Fields = []string{}
		}
	}
	if s := strings.TrimSpace(p["sort"]); s != "" {
		parts := strings.Split(s, ",")
		if len(parts) > 1 {
			return nil, validation("sort", "sorting by one field is supported")
		}
		f := strings.Fields(strings.ReplaceAll(parts[0], `"`, " "))
		k := opendata.SortKey{}
		switch {
		case len(f) == 1:
			k.Field = f[0]
		case len(f) >= 2 && (strings.EqualFold(f[len(f)-1], "asc") || strings.EqualFold(f[len(f)-1], "desc")):
			k.Field, k.Desc = strings.Join(f[:len(f)-1], " "), strings.EqualFold(f[len(f)-1], "desc")
		default:
			k.Field = strings.Join(f, " ")
		}
		q.Sort = &k
	}
	format := p["records_format"]
	switch format {
	case "", "objects", "lists", "csv", "tsv":
	default:
		return nil, validation("records_format", "Value must be one of: objects, lists, csv, tsv")
	}
	res, err := opendata.Datastore(c.Request().Context(), r.Table, q)
	var fe *opendata.FieldError
	switch {
	case errors.As(err, &fe):
		return nil, validation(fe.Param, fe.Msg)
	case errors.Is(err, opendata.ErrTooLarge):
		return nil, &ckanError{status: http.StatusConflict, Type: "Search Query Error", Msg: err.Error() + "; download the CSV: " + r.URL}
	case errors.Is(err, content.ErrStale):
		return nil, &ckanError{status: http.StatusServiceUnavailable, Type: "Internal Server Error", Msg: "the table is being updated; try again"}
	case err != nil:
		return nil, internalError(err)
	}
	out := map[string]any{
		"include_total": q.Total, "resource_id": r.ID, "fields": res.Fields, "records_format": orDefault(format, "objects"),
		"records": encodeRecords(res, format), "limit": q.Limit, "offset": q.Offset,
		"_links": datastoreLinks(r.ID, p, q),
	}
	if p["filters"] != "" {
		out["filters"] = json.RawMessage(p["filters"])
	}
	if q.Q != "" {
		out["q"] = q.Q
	}
	if q.Sort != nil {
		out["sort"] = p["sort"]
	}
	if q.Total {
		out["total"] = res.Total
		out["total_was_estimated"] = false
	}
	return out, nil
}

func filterValues(v any) ([]string, bool) {
	switch x := v.(type) {
	case string:
		return []string{x}, true
	case float64:
		return []string{strconv.FormatFloat(x, 'f', -1, 64)}, true
	case bool:
		return []string{strconv.FormatBool(x)}, true
	case []any:
		var out []string
		for _, e := range x {
			vs, ok := filterValues(e)
			if !ok || len(vs) != 1 {
				return nil, false
			}
			out = append(out, vs...)
		}
		return out, true
	}
	return nil, false
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// encodeRecords writes the rows as CKAN's records_format asks: objects (the
// default), lists, or csv and tsv text.
func encodeRecords(res opendata.DatastoreResult, format string) any {
	switch format {
	case "csv", "tsv":
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		if format == "tsv" {
			w.Comma = '\t'
		}
		rec := make([]string, len(res.Fields))
		for _, r := range res.Records {
			for i, cell := range r {
				rec[i] = cell.Text
			}
			w.Write(rec)
		}
		w.Flush()
		return b.String()
	}
	var b bytes.Buffer
	keys := make([][]byte, len(res.Fields))
	for i, f := range res.Fields {
		keys[i], _ = json.Marshal(f.ID)
	}
	b.WriteByte('[')
	for n, r := range res.Records {
		if n > 0 {
			b.WriteString(", ")
		}
		if format == "lists" {
			b.WriteByte('[')
		} else {
			b.WriteByte('{')
		}
		for i, cell := range r {
			if i > 0 {
				b.WriteString(", ")
			}
			if format != "lists" {
				b.Write(keys[i])
				b.WriteString(": ")
			}
			switch {
			case cell.Null:
				b.WriteString("null")
			case cell.Num:
				b.WriteString(cell.Text)
			default:
				s, _ := json.Marshal(cell.Text)
				b.Write(s)
			}
		}
		if format == "lists" {
			b.WriteByte(']')
		} else {
			b.WriteByte('}')
		}
	}
	b.WriteByte(']')
	return json.RawMessage(b.Bytes())
}

// datastoreLinks are CKAN's _links: this query from the start, and the next
// page.
func datastoreLinks(id string, p ckanParams, q opendata.DatastoreQuery) map[string]string {
	v := url.Values{}
	for k, s := range p {
		if k != "offset" && k != "resource_id" && k != "id" {
			v.Set(k, s)
		}
	}
	v.Set("resource_id", id)
	start := "/api/3/action/datastore_search?" + v.Encode()
	v.Set("offset", strconv.Itoa(q.Offset+q.Limit))
	return map[string]string{"start": start, "next": "/api/3/action/datastore_search?" + v.Encode()}
}
