package server

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/congkhai/congkhai/demo"
	"github.com/congkhai/congkhai/opendata"
)

// ckanDo sends a request and decodes CKAN's envelope.
func ckanDo(t *testing.T, s *Server, method, url, contentType, body string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, url, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	var env map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
		t.Fatalf("%s %s: not JSON (%d): %.300s", method, url, rec.Code, rec.Body.String())
	}
	return rec.Code, env
}

const demoPrice = "so-tai-nguyen-moi-truong--bang-gia-dat-o-huyen-cam-xuyen"

// TestCKANActions is the table of CKAN Action API scenarios on the demo.
func TestCKANActions(t *testing.T) {
	s := newTestServer(t, demo.FS())
	tests := []struct {
		name, method, url, ct, body string
		status                      int
		errType                     string             // error.__type when not a success
		check                       func(r any) string // "" when the result is right
	}{
		{name: "search all", url: "/api/3/action/package_search?rows=100", status: 200, check: func(r any) string {
			m := r.(map[string]any)
			if m["count"].(float64) != 11 || len(m["results"].([]any)) != 11 {
				return "want 11 datasets (the one-stop exports are not open data)"
			}
			return ""
		}},
		{name: "search alias path", url: "/api/action/package_search?rows=1", status: 200},
		{name: "rows capped", url: "/api/3/action/package_search?rows=5000", status: 200},
		{name: "rows negative", url: "/api/3/action/package_search?rows=-1", status: 409, errType: "Validation Error"},
		{name: "rows not a number", url: "/api/3/action/package_search?rows=ten", status: 409, errType: "Validation Error"},
		{name: "bad fq", url: "/api/3/action/package_search?fq=nofield:x", status: 409, errType: "Search Query Error"},
		{name: "bad sort", url: "/api/3/action/package_search?sort=views_recent%20desc", status: 409, errType: "Search Query Error"},
		{name: "facets", url: `/api/3/action/package_search?facet.field=["organization","res_format"]&rows=0`, status: 200, check: func(r any) string {
			m := r.(map[string]any)
			org := m["search_facets"].(map[string]any)["organization"].(map[string]any)["items"].([]any)
			if len(org) != 6 || len(m["results"].([]any)) != 0 {
				return "want 6 organizations and no result"
			}
			return ""
		}},
		{name: "fq organization", url: "/api/3/action/package_search?fq=organization:so-tai-chinh", status: 200, check: func(r any) string {
			if r.(map[string]any)["count"].(float64) != 3 {
				return "want 3"
			}
			return ""
		}},
		{name: "q fielded", url: "/api/3/action/package_search?q=groups:gia-dat", status: 200, check: func(r any) string {
			if r.(map[string]any)["count"].(float64) < 1 {
				return "want a land price dataset"
			}
			return ""
		}},
		{name: "text without an index", url: "/api/3/action/package_search?q=gi%C3%A1%20%C4%91%E1%BA%A5t", status: 503, errType: "Search Error"},
		{name: "show by name", url: "/api/3/action/package_show?id=" + demoPrice, status: 200, check: checkPackage},
		{name: "show by path", url: "/api/3/action/package_show?id=so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen", status: 200, check: checkPackage},
		{name: "show POST JSON", method: "POST", url: "/api/3/action/package_show", ct: "application/json", body: `{"id": "` + demoPrice + `"}`, status: 200, check: checkPackage},
		{name: "show POST form", method: "POST", url: "/api/3/action/package_show", ct: "application/x-www-form-urlencoded", body: "id=" + demoPrice, status: 200, check: checkPackage},
		{name: "show bad JSON", method: "POST", url: "/api/3/action/package_show", ct: "application/json", body: `{"id":`, status: 400, errType: "Bad request"},
		{name: "show missing id", url: "/api/3/action/package_show", status: 409, errType: "Validation Error"},
		{name: "show unknown", url: "/api/3/action/package_show?id=nope", status: 404, errType: "Not Found Error"},
		{name: "unknown action", url: "/api/3/action/frobnicate", status: 400, errType: "Bad request"},
		{name: "write action", method: "POST", url: "/api/3/action/package_create", ct: "application/json", body: "{}", status: 403, errType: "Authorization Error"},
		{name: "package_list", url: "/api/3/action/package_list", status: 200, check: func(r any) string {
			if len(r.([]any)) != 11 {
				return "want 8 names"
			}
			return ""
		}},
		{name: "package_list paged", url: "/api/3/action/package_list?limit=3&offset=9", status: 200, check: func(r any) string {
			if len(r.([]any)) != 2 {
				return "want 2 names"
			}
			return ""
		}},
		{name: "current packages", url: "/api/3/action/current_package_list_with_resources?limit=2", status: 200, check: func(r any) string {
			if len(r.([]any)) != 2 {
				return "want 2 packages"
			}
			return ""
		}},
		{name: "organization_list", url: "/api/3/action/organization_list?all_fields=true", status: 200, check: func(r any) string {
			for _, o := range r.([]any) {
				if _, ok := o.(map[string]any)["package_count"]; !ok {
					return "no package_count"
				}
			}
			return ""
		}},
		{name: "organization_show", url: "/api/3/action/organization_show?id=so-tai-chinh&include_datasets=true", status: 200, check: func(r any) string {
			if len(r.(map[string]any)["packages"].([]any)) != 3 {
				return "want 3 packages"
			}
			return ""
		}},
		{name: "group_list", url: "/api/3/action/group_list", status: 200, check: func(r any) string {
			if len(r.([]any)) != 7 {
				return "want 7 categories"
			}
			return ""
		}},
		{name: "group_show", url: "/api/3/action/group_show?id=gia-dat", status: 200},
		{name: "group_show unknown", url: "/api/3/action/group_show?id=nope", status: 404, errType: "Not Found Error"},
		{name: "tag_list query", url: "/api/3/action/tag_list?query=gia%20dat", status: 200, check: func(r any) string {
			if len(r.([]any)) == 0 {
				return "no tag"
			}
			return ""
		}},
		{name: "status_show", url: "/api/3/action/status_show", status: 200},
		{name: "license_list", url: "/api/3/action/license_list", status: 200},
		{name: "datastore unknown resource", url: "/api/3/action/datastore_search?resource_id=nope", status: 404, errType: "Not Found Error"},
		{name: "datastore no resource", url: "/api/3/action/datastore_search", status: 409, errType: "Validation Error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.method == "" {
				tt.method = http.MethodGet
			}
			status, env := ckanDo(t, s, tt.method, tt.url, tt.ct, tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %v", status, tt.status, env)
			}
			if h, _ := env["help"].(string); !strings.HasPrefix(h, "https://congkhai.example.vn/api/3/action/help_show?name=") {
				t.Errorf("help = %q", h)
			}
			if tt.errType != "" {
				e, _ := env["error"].(map[string]any)
				if env["success"] != false || e["__type"] != tt.errType {
					t.Fatalf("error = %v, want __type %q", env["error"], tt.errType)
				}
				return
			}
			if env["success"] != true {
				t.Fatalf("success = %v: %v", env["success"], env["error"])
			}
			if tt.check != nil {
				if msg := tt.check(env["result"]); msg != "" {
					t.Errorf("%s: %.500v", msg, env["result"])
				}
			}
		})
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func checkPackage(r any) string {
	p := r.(map[string]any)
	if p["name"] != demoPrice || !uuidRE.MatchString(p["id"].(string)) {
		return "wrong name or id"
	}
	if len(p["resources"].([]any)) != 3 {
		return "want 3 resources (file, CSV, JSON)"
	}
	for _, res := range p["resources"].([]any) {
		if !uuidRE.MatchString(res.(map[string]any)["id"].(string)) {
			return "resource id is not a UUID"
		}
	}
	if p["organization"].(map[string]any)["name"] != "so-tai-nguyen-moi-truong" {
		return "wrong organization"
	}
	return ""
}

func TestDatastoreSearchHTTP(t *testing.T) {
	s := newTestServer(t, demo.FS())
	_, env := ckanDo(t, s, "GET", "/api/3/action/package_show?id="+demoPrice, "", "")
	res := env["result"].(map[string]any)["resources"].([]any)
	file, csvID := res[0].(map[string]any)["id"].(string), res[1].(map[string]any)["id"].(string)
	tests := []struct {
		name, query string
		status      int
		total       float64
		records     int
	}{
		{"page", "limit=5", 200, 357, 5},
		{"filters", `filters={"ten_duong":"Quốc lộ 1A"}&limit=1000`, 200, -1, -1},
		{"q", "q=cau%20hoi", 200, -1, -1},
		{"fields and sort", "fields=vt1,_id&sort=vt1%20desc&limit=3", 200, 357, 3},
		{"lists", "records_format=lists&limit=2", 200, 357, 2},
		{"unknown field", "fields=nope", 409, 0, 0},
		{"two sort keys", "sort=vt1,vt2", 409, 0, 0},
		{"bad filters", "filters=[1]", 409, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, env := ckanDo(t, s, "GET", "/api/3/action/datastore_search?resource_id="+csvID+"&"+strings.ReplaceAll(tt.query, " ", "%20"), "", "")
			if status != tt.status {
				t.Fatalf("status %d, want %d: %v", status, tt.status, env["error"])
			}
			if status != 200 {
				return
			}
			r := env["result"].(map[string]any)
			if tt.total >= 0 && r["total"].(float64) != tt.total {
				t.Errorf("total = %v, want %v", r["total"], tt.total)
			}
			if tt.records >= 0 && len(r["records"].([]any)) != tt.records {
				t.Errorf("%d records, want %d", len(r["records"].([]any)), tt.records)
			}
			if tt.total < 0 && (r["total"].(float64) < 1 || r["total"].(float64) >= 357) {
				t.Errorf("total = %v, want some rows", r["total"])
			}
		})
	}
	if status, _ := ckanDo(t, s, "GET", "/api/3/action/datastore_search?resource_id="+file, "", ""); status != 404 {
		t.Errorf("the original file's resource: status %d, want 404", status)
	}
}

// TestOpenDataRoutes: the DCAT, Data Package and page routes.
func TestOpenDataRoutes(t *testing.T) {
	fsys := fstest.MapFS{}
	for k, v := range demoFiles(t) {
		fsys[k] = v
	}
	// A file in an agency folder named like a dataset's RDF: the file wins.
	fsys["so-tai-chinh/du-toan-ngan-sach-2026.ttl"] = &fstest.MapFile{Data: []byte("# the agency's own file\n")}
	s := newTestServer(t, fsys)
	tests := []struct {
		url, ctype string
		status     int
		want       string
	}{
		{"/api/3", "application/json", 200, `{"version":3}`},
		{"/catalog.ttl", "text/turtle", 200, "a dcat:Catalog"},
		{"/catalog.jsonld", "application/ld+json", 200, `"dcat:Catalog"`},
		{"/catalog.rdf", "application/rdf+xml", 200, "rdf:RDF"},
		{"/catalog.ttl?page=2", "text/turtle", 200, "hydra:previous"},
		{"/catalog.ttl?page=0", "", 400, ""},
		{"/catalog.ttl?modified_since=2999-01-01", "text/turtle", 200, `hydra:totalItems "0"`},
		{"/catalog.ttl?modified_since=tomorrow", "", 400, ""},
		{"/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen.ttl", "text/turtle", 200, "a dcat:Dataset"},
		{"/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen.jsonld", "application/ld+json", 200, "dcat:distribution"},
		{"/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen.rdf", "application/rdf+xml", 200, "http://www.w3.org/ns/dcat#Dataset"},
		{"/so-tai-nguyen-moi-truong/khong-co.ttl", "", 404, ""},
		{"/so-tai-chinh/du-toan-ngan-sach-2026.ttl", "", 200, "the agency's own file"},
		{"/so-tai-chinh/du-toan-ngan-sach-2026.jsonld", "application/ld+json", 200, "dcat:Dataset"},
		{"/so-tai-chinh/cong-khai-du-toan-ngan-sach-2026.ttl", "", 404, ""}, // a notice
		{"/tai-ve/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen/datapackage.json", "application/json", 200, `"tabular-data-package"`},
		{"/tai-ve/so-tai-nguyen-moi-truong/khong-co/datapackage.json", "", 404, ""},
		{"/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen", "text/html", 200, `<script type="application/ld+json">{"@context":"https://schema.org","@type":"Dataset"`},
		{"/so-tai-nguyen-moi-truong", "text/html", 200, `"@type":"GovernmentOrganization"`},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			rec := do(t, s, request{url: tt.url})
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %.300s", rec.Code, tt.status, rec.Body.String())
			}
			if tt.ctype != "" && !strings.HasPrefix(rec.Header().Get("Content-Type"), tt.ctype) {
				t.Errorf("Content-Type %q, want %q", rec.Header().Get("Content-Type"), tt.ctype)
			}
			if !strings.Contains(rec.Body.String(), tt.want) {
				t.Errorf("body lacks %q: %.500s", tt.want, rec.Body.String())
			}
		})
	}
	// The page's JSON-LD is JSON that a reader decodes as the dataset.
	body := do(t, s, request{url: "/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen"}).Body.String()
	m := regexp.MustCompile(`<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(body)
	var ld map[string]any
	if m == nil || json.Unmarshal([]byte(m[1]), &ld) != nil || ld["name"] == nil || ld["distribution"] == nil {
		t.Errorf("the dataset page's JSON-LD does not decode: %v", m)
	}
}

// demoFiles copies the demo into a map file system.
func demoFiles(t *testing.T) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	err := fsWalk(demo.FS(), func(p string, data []byte) { out[p] = &fstest.MapFile{Data: data} })
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestColumnKeysMatchDownloads: the API's fields and the Data Package's are
// the CSV download's header, for every table of the demo.
func TestColumnKeysMatchDownloads(t *testing.T) {
	s := newTestServer(t, demo.FS())
	snap := s.deps.Portal.Snapshot()
	for _, d := range snap.Site.Datasets {
		for _, tb := range d.Tables {
			rec := do(t, s, request{url: "/tai-ve/" + d.Path + "/" + tb.Name + ".csv"})
			header, _, _ := strings.Cut(rec.Body.String(), "\n")
			want := opendata.ColumnKeys(tb)
			if tb.Structured {
				want = append(want, "_role", "_level")
			}
			got, err := csv.NewReader(strings.NewReader(header)).Read()
			if err != nil || strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("%s: CSV header %q, opendata keys %q (%v)", tb.ID, got, want, err)
			}
		}
	}
}

// TestMetadataModified: files' times date a dataset; a change whose files
// went back in time is dated when the portal loads it; a reload without a
// change keeps the date.
func TestMetadataModified(t *testing.T) {
	old := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	fsys := fstest.MapFS{
		"site.yaml":        {Data: []byte("title: T\n")},
		"so/_agency.md":    {Data: []byte("---\nname: Sở\n---\n"), ModTime: old},
		"so/bang":          {Mode: 0o755 | 1<<31, ModTime: old},
		"so/bang/index.md": {Data: []byte("---\ntitle: Bảng\ncategory: gia-dat\npublished: 2025-01-01\n---\n"), ModTime: old},
		"so/bang/a.csv":    {Data: []byte("ten,gia\nA,1\n"), ModTime: old.Add(time.Hour)},
	}
	s := newTestServer(t, fsys)
	modified := func() string {
		t.Helper()
		_, env := ckanDo(t, s, "GET", "/api/3/action/package_show?id=so--bang", "", "")
		return env["result"].(map[string]any)["metadata_modified"].(string)
	}
	if got, want := modified(), opendata.CKANTime(old.Add(time.Hour)); got != want {
		t.Fatalf("metadata_modified = %s, want the table's time %s", got, want)
	}
	// The same size and an older time: the content changed all the same.
	fsys["so/bang/a.csv"] = &fstest.MapFile{Data: []byte("ten,gia\nB,2\n"), ModTime: old}
	s.deps.Portal.Reload(context.Background())
	if got, want := modified(), opendata.CKANTime(fixedNow); got != want {
		t.Errorf("after a change dated in the past: %s, want the load's time %s", got, want)
	}
	// Nothing changed: the date stays.
	s.deps.Portal.Reload(context.Background())
	if got, want := modified(), opendata.CKANTime(fixedNow); got != want {
		t.Errorf("after a reload without change: %s, want %s", got, want)
	}
	// A newer file dates the dataset by its time.
	newer := fixedNow.Add(time.Hour)
	fsys["so/bang/index.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Bảng mới\ncategory: gia-dat\npublished: 2025-01-01\n---\n"), ModTime: newer}
	s.deps.Portal.Reload(context.Background())
	if got, want := modified(), opendata.CKANTime(newer); got != want {
		t.Errorf("after an edit: %s, want %s", got, want)
	}
}

// fsWalk calls fn with every regular file of fsys.
func fsWalk(fsys fs.FS, fn func(p string, data []byte)) error {
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		fn(p, b)
		return nil
	})
}
