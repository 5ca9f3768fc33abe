package opendata

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// generated are the sizes of the generated site: agencies × datasets each.
const (
	genAgencies    = 10
	genPerAgency   = 105
	harvestRows    = 100 // what ckanext-harvest's CKAN harvester asks for
	genFileTimeStr = "2025-06-01T08:00:00Z"
)

var genCategories = []string{"ngan-sach", "quy-hoach", "gia-dat", "boi-thuong", "thong-bao", "du-thao", "thu-tuc"}

// generateSite writes a site of genAgencies × genPerAgency datasets, each
// with one small CSV table, every file and folder dated genFileTime.
func generateSite(t *testing.T) (dir string, names []string) {
	t.Helper()
	dir = t.TempDir()
	write := func(p, s string) {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("site.yaml", "title: Cổng thông tin công khai tỉnh Thử nghiệm\nprovince: Tỉnh Thử nghiệm\n")
	for a := 0; a < genAgencies; a++ {
		agency := fmt.Sprintf("so-thu-%02d", a)
		write(agency+"/_agency.md", fmt.Sprintf("---\nname: Sở Thử nghiệm số %d\nshort_name: Sở số %d\nkind: department\nemail: so%d@example.vn\n---\nMô tả sở.\n", a, a, a))
		for d := 0; d < genPerAgency; d++ {
			slug := fmt.Sprintf("bang-gia-dat-%03d", d)
			cat := genCategories[(a*genPerAgency+d)%len(genCategories)]
			if cat == "du-thao" {
				cat = "gia-dat" // a dataset is no draft
			}
			write(agency+"/"+slug+"/index.md", fmt.Sprintf("---\ntitle: Bảng giá đất số %d của sở %d\ncategory: %s\npublished: 2025-%02d-%02d\n"+
				"places:\n  - province: Tỉnh Thử nghiệm\n    district: Huyện %d\ntags: [giá đất, \"cao tốc Bắc – Nam\", năm %d]\n---\nBảng giá đất thử nghiệm số %d.\n",
				d, a, cat, 1+d%12, 1+d%28, d%7, 2020+d%6, d))
			write(agency+"/"+slug+"/bang-gia.csv", fmt.Sprintf("stt,ten_duong,vt1\n1,Đường %d,%d\n2,Đường %d,%d\n3,Đường %d,%d\n", d, 1000+d, d+1, 2000+d, d+2, 3000+d))
			names = append(names, agency+"--"+slug)
		}
	}
	old, _ := time.Parse(time.RFC3339, genFileTimeStr)
	err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chtimes(p, old, old)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir, names
}

// harvestRun replays the gather stage of ckanext-harvest's CKAN harvester
// (CKANHarvester._search_for_datasets): package_search with rows=100,
// start=0, 100, … and sort=id asc (and fq), stopping at the first empty
// page; a page identical to the one before is an error ("the paging doesn't
// seem to work"), and a package seen twice is dropped there — here it is an
// error, since the site does not change during the run.
func harvestRun(t *testing.T, base, fq string) []map[string]any {
	t.Helper()
	params := url.Values{"rows": {strconv.Itoa(harvestRows)}, "start": {"0"}, "sort": {"id asc"}}
	if fq != "" {
		params.Set("fq", fq)
	}
	var all []map[string]any
	seen := map[string]bool{}
	prev := ""
	for page := 0; ; page++ {
		if page > 1000 {
			t.Fatal("more than 1,000 pages")
		}
		u := base + "/api/3/action/package_search?" + params.Encode()
		res, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v\n%.300s", u, res.StatusCode, err, body)
		}
		if prev != "" && string(body) == prev {
			t.Fatalf("the paging doesn't seem to work: %s answered as the page before", u)
		}
		prev = string(body)
		var env struct {
			Success bool
			Result  struct {
				Count   int
				Results []map[string]any
			}
		}
		if err := json.Unmarshal(body, &env); err != nil || !env.Success {
			t.Fatalf("GET %s: %v %.300s", u, err, body)
		}
		if len(env.Result.Results) == 0 {
			break
		}
		for _, p := range env.Result.Results {
			id, _ := p["id"].(string)
			if seen[id] {
				t.Errorf("package %s (%v) on two pages", id, p["name"])
			}
			seen[id] = true
			all = append(all, p)
		}
		start, _ := strconv.Atoi(params.Get("start"))
		params.Set("start", strconv.Itoa(start+harvestRows))
	}
	return all
}

// CKAN's import rules (ckan.logic.validators, ckan.model).
var (
	uuidRE     = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	nameRE     = regexp.MustCompile(`^[a-z0-9_-]{2,100}$`)
	tagRE      = regexp.MustCompile(`^[\p{L}\p{N}_ \-.]*$`) // Python's \w with re.UNICODE
	ckanTimeRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$`)
)

// checkPackage applies CKAN's rules to a package dictionary; it returns what
// breaks them.
func checkPackage(p map[string]any) []string {
	var bad []string
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	if !uuidRE.MatchString(str(p, "id")) {
		bad = append(bad, "id "+str(p, "id"))
	}
	if !nameRE.MatchString(str(p, "name")) {
		bad = append(bad, "name "+str(p, "name"))
	}
	if str(p, "title") == "" || str(p, "license_id") == "" || str(p, "type") != "dataset" || str(p, "state") != "active" {
		bad = append(bad, "title, license_id, type or state")
	}
	for _, k := range []string{"metadata_created", "metadata_modified"} {
		v := str(p, k)
		if !ckanTimeRE.MatchString(v) {
			bad = append(bad, k+" "+v)
		} else if _, err := time.Parse("2006-01-02T15:04:05.000000", v); err != nil {
			bad = append(bad, k+" "+v)
		}
	}
	if str(p, "metadata_created") > str(p, "metadata_modified") {
		bad = append(bad, "created after modified")
	}
	org, _ := p["organization"].(map[string]any)
	if org == nil || !nameRE.MatchString(str(org, "name")) || !uuidRE.MatchString(str(org, "id")) || str(p, "owner_org") != str(org, "id") {
		bad = append(bad, "organization")
	}
	tags, _ := p["tags"].([]any)
	for _, tg := range tags {
		n := str(tg.(map[string]any), "name")
		if l := len([]rune(n)); l < 2 || l > 100 || !tagRE.MatchString(n) {
			bad = append(bad, "tag "+n)
		}
	}
	if int(p["num_tags"].(float64)) != len(tags) {
		bad = append(bad, "num_tags")
	}
	res, _ := p["resources"].([]any)
	if len(res) == 0 || int(p["num_resources"].(float64)) != len(res) {
		bad = append(bad, "resources")
	}
	for i, r := range res {
		rm := r.(map[string]any)
		u, err := url.Parse(str(rm, "url"))
		if !uuidRE.MatchString(str(rm, "id")) || err != nil || !u.IsAbs() || str(rm, "format") == "" ||
			str(rm, "package_id") != str(p, "id") || int(rm["position"].(float64)) != i || !ckanTimeRE.MatchString(str(rm, "last_modified")) {
			bad = append(bad, fmt.Sprintf("resource %d %v", i, rm["id"]))
		}
	}
	keys := map[string]bool{}
	extras, _ := p["extras"].([]any)
	for _, x := range extras {
		k := str(x.(map[string]any), "key")
		if keys[k] || p[k] != nil {
			bad = append(bad, "extra "+k)
		}
		keys[k] = true
	}
	return bad
}

// TestCKANHarvest replays what a CKAN portal harvesting this site does:
// a full gather, then, after one dataset changed, the next night's
// incremental gather; every package passes CKAN's own import rules, ids
// survive a restart.
func TestCKANHarvest(t *testing.T) {
	dir, names := generateSite(t)
	data := t.TempDir()
	p := start(t, dir, "--data", data)

	gatherStarted := time.Now().UTC()
	first := harvestRun(t, p.Base, "")
	if len(first) != len(names) {
		t.Fatalf("harvested %d packages, want %d", len(first), len(names))
	}
	byName := map[string]map[string]any{}
	ids := map[string]string{}
	var lastID string
	for _, pkg := range first {
		name := pkg["name"].(string)
		if byName[name] != nil {
			t.Errorf("name %s twice", name)
		}
		byName[name] = pkg
		ids[name] = pkg["id"].(string)
		if id := pkg["id"].(string); id <= lastID {
			t.Errorf("ids not in ascending order: %s after %s", id, lastID)
		}
		lastID = pkg["id"].(string)
		if bad := checkPackage(pkg); len(bad) > 0 {
			t.Errorf("package %s breaks CKAN's rules: %v", name, bad)
		}
	}
	for _, n := range names {
		if byName[n] == nil {
			t.Errorf("dataset %s not harvested", n)
		}
	}
	if pkg := byName[names[0]]; pkg != nil {
		tags := []string{}
		for _, tg := range pkg["tags"].([]any) {
			tags = append(tags, tg.(map[string]any)["name"].(string))
		}
		if !strings.Contains(strings.Join(tags, "|"), "cao tốc Bắc Nam") {
			t.Errorf("tags %v: want the dash of %q dropped", tags, "cao tốc Bắc – Nam")
		}
	}

	// One table changes; the portal reloads it.
	edited := names[len(names)/2]
	agency, slug, _ := strings.Cut(edited, "--")
	csv := filepath.Join(dir, agency, slug, "bang-gia.csv")
	if err := os.WriteFile(csv, []byte("stt,ten_duong,vt1\n1,Đường mới,1\n2,Đường mới,2\n3,Đường mới,3\n4,Đường mới,4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := byName[edited]["metadata_modified"].(string)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var env struct{ Result map[string]any }
		getJSON(t, p.Base+"/api/3/action/package_show?id="+edited, &env)
		if env.Result["metadata_modified"] != before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the edit was not seen within 20 s; logs:\n%s", p.Logs())
		}
		time.Sleep(100 * time.Millisecond)
	}

	// The next run asks for what changed since the last one started, an
	// hour earlier to allow for clocks (ckanext-harvest's own margin).
	since := gatherStarted.Add(-time.Hour).Format("2006-01-02T15:04:05.000000")
	changed := harvestRun(t, p.Base, "metadata_modified:["+since+"Z TO *]")
	if len(changed) != 1 || changed[0]["name"] != edited {
		var got []any
		for _, c := range changed {
			got = append(got, c["name"])
		}
		t.Fatalf("incremental run returned %v, want just %s", got, edited)
	}
	if m := changed[0]["metadata_modified"].(string); m < since || m <= before {
		t.Errorf("edited package: metadata_modified %s, want after %s and %s", m, since, before)
	}
	if changed[0]["id"] != ids[edited] {
		t.Errorf("the edit changed the id: %v, was %s", changed[0]["id"], ids[edited])
	}

	// A restart on the same content and data keeps every id and name, and
	// the incremental run still finds only the edited dataset.
	p.Stop(t)
	p2 := start(t, dir, "--data", data)
	again := harvestRun(t, p2.Base, "")
	if len(again) != len(names) {
		t.Fatalf("after a restart: %d packages, want %d", len(again), len(names))
	}
	for _, pkg := range again {
		if ids[pkg["name"].(string)] != pkg["id"] {
			t.Errorf("after a restart %s has id %v, was %s", pkg["name"], pkg["id"], ids[pkg["name"].(string)])
		}
	}
	changed = harvestRun(t, p2.Base, "metadata_modified:["+since+"Z TO *]")
	if len(changed) != 1 || changed[0]["name"] != edited {
		t.Errorf("after a restart the incremental run returned %d packages, want just %s", len(changed), edited)
	}
}
