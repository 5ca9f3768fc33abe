package opendata

import (
	"context"
	"errors"
	"testing"
	"testing/fstest"

	"github.com/congkhai/congkhai/content"
)

// priceTable is the demo's land price table: 357 rows, stt, xa_phuong,
// ten_duong, doan_tu, doan_den, vt1–vt4 (money).
func priceTable(t *testing.T) *content.Table {
	t.Helper()
	c := demoCatalog(t)
	e, ok := c.Entry("so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen")
	if !ok || len(e.Dataset.Tables) != 1 {
		t.Fatal("demo land price table missing")
	}
	return e.Dataset.Tables[0]
}

func TestDatastore(t *testing.T) {
	tb := priceTable(t)
	ctx := context.Background()
	tests := []struct {
		name      string
		q         DatastoreQuery
		total     int
		records   int
		first     map[string]string // field → text of the first record
		wantParam string            // a FieldError on this parameter
	}{
		{name: "first page", q: DatastoreQuery{Limit: 2, Total: true}, total: 357, records: 2, first: map[string]string{"_id": "1", "vt1": "11650"}},
		{name: "offset", q: DatastoreQuery{Offset: 356, Limit: 10, Total: true}, total: 357, records: 1, first: map[string]string{"_id": "357"}},
		{name: "past the end", q: DatastoreQuery{Offset: 400, Limit: 10, Total: true}, total: 357, records: 0},
		{name: "filter", q: DatastoreQuery{Filters: map[string][]string{"ten_duong": {"Quốc lộ 1A"}}, Limit: 100, Total: true}, total: -1, first: map[string]string{"ten_duong": "Quốc lộ 1A"}},
		{name: "numeric filter", q: DatastoreQuery{Filters: map[string][]string{"vt1": {"11650.0"}}, Limit: 100, Total: true}, total: 1, records: 1, first: map[string]string{"_id": "1"}},
		{name: "two values", q: DatastoreQuery{Filters: map[string][]string{"_id": {"1", "3"}}, Limit: 100, Total: true}, total: 2, records: 2},
		{name: "words without diacritics", q: DatastoreQuery{Q: "cau hoi", Limit: 100, Total: true}, total: -1, first: map[string]string{"_id": "1"}},
		{name: "words in a field", q: DatastoreQuery{QFields: map[string]string{"doan_den": "Cầu Hội"}, Limit: 100, Total: true}, total: 1, records: 1, first: map[string]string{"_id": "1"}},
		{name: "sorted", q: DatastoreQuery{Sort: &SortKey{Field: "vt1", Desc: true}, Limit: 1, Total: true}, total: 357, records: 1},
		{name: "sorted and filtered", q: DatastoreQuery{Sort: &SortKey{Field: "_id", Desc: true}, Filters: map[string][]string{"_id": {"1", "3"}}, Limit: 1, Total: true}, total: 2, records: 1, first: map[string]string{"_id": "3"}},
		{name: "fields", q: DatastoreQuery{Fields: []string{"vt1", "_id"}, Limit: 1}, total: -1, records: 1, first: map[string]string{"vt1": "11650", "_id": "1"}},
		{name: "unknown field", q: DatastoreQuery{Fields: []string{"nope"}, Limit: 1}, wantParam: "fields"},
		{name: "unknown filter", q: DatastoreQuery{Filters: map[string][]string{"nope": {"1"}}, Limit: 1}, wantParam: "filters"},
		{name: "unknown sort", q: DatastoreQuery{Sort: &SortKey{Field: "nope"}, Limit: 1}, wantParam: "sort"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Datastore(ctx, tb, tt.q)
			var fe *FieldError
			if tt.wantParam != "" {
				if !errors.As(err, &fe) || fe.Param != tt.wantParam {
					t.Fatalf("error = %v, want a FieldError on %s", err, tt.wantParam)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.total >= 0 && tt.q.Total && res.Total != tt.total {
				t.Errorf("total = %d, want %d", res.Total, tt.total)
			}
			if tt.total < 0 && tt.q.Total && (res.Total < 1 || res.Total >= 357) {
				t.Errorf("total = %d, want some rows", res.Total)
			}
			if tt.records > 0 && len(res.Records) != tt.records || tt.records == 0 && tt.total >= 0 && tt.first == nil && len(res.Records) != 0 {
				t.Errorf("%d records, want %d", len(res.Records), tt.records)
			}
			if tt.first != nil {
				if len(res.Records) == 0 {
					t.Fatal("no record")
				}
				for i, f := range res.Fields {
					if want, ok := tt.first[f.ID]; ok && res.Records[0][i].Text != want {
						t.Errorf("first record's %s = %q, want %q", f.ID, res.Records[0][i].Text, want)
					}
				}
			}
		})
	}
	res, err := Datastore(ctx, tb, DatastoreQuery{Q: "x", Limit: 1, MaxScan: 100})
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("a filter on 357 rows with MaxScan 100: %v, %v; want ErrTooLarge", res.Total, err)
	}
}

func TestDatastoreFields(t *testing.T) {
	tb := priceTable(t)
	fs := DatastoreFields(tb)
	want := map[string]string{"_id": "int", "stt": "int", "xa_phuong": "text", "vt1": "numeric"}
	for _, f := range fs {
		if w, ok := want[f.ID]; ok && f.Type != w {
			t.Errorf("field %s: type %s, want %s", f.ID, f.Type, w)
		}
		if f.ID == "vt1" && (f.Info == nil || f.Info.Label != "Vị trí 1" || f.Info.Notes == "") {
			t.Errorf("vt1's info = %+v", f.Info)
		}
	}
	if len(fs) != len(tb.Columns)+1 {
		t.Errorf("%d fields for %d columns", len(fs), len(tb.Columns))
	}
}

func TestDataPackageTypes(t *testing.T) {
	files := fstest.MapFS{
		"site.yaml":     {Data: []byte("title: T\n")},
		"so/_agency.md": {Data: []byte("---\nname: Sở Tài chính\n---\n")},
		"so/bang/index.md": {Data: []byte("---\ntitle: Bảng giá\ncategory: gia-dat\npublished: 2025-01-01\n" +
			"columns:\n  - name: gia\n    type: money\n    unit: nghìn đồng/m²\n---\n")},
		"so/bang/bang.csv": {Data: []byte("ten,gia,ngay,so\nA,1200,2025-01-02,3\nB,liên hệ,2025-01-03,4\nC,-,,5\n")},
	}
	site, _ := content.Load(context.Background(), files, nil)
	c := NewCatalog(site, Options{Base: testBase})
	e, ok := c.Entry("so/bang")
	if !ok {
		t.Fatal("dataset so/bang missing")
	}
	dp, err := c.DataPackage(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if len(dp.Resources) != 1 {
		t.Fatalf("%d resources", len(dp.Resources))
	}
	r := dp.Resources[0]
	if r.Path != "bang.csv" || r.Name != "bang" || r.Profile != "tabular-data-resource" {
		t.Errorf("resource %+v", r)
	}
	types := map[string]string{}
	for _, f := range r.TableSchema.Fields {
		types[f.Name] = f.Type
	}
	want := map[string]string{"ten": "string", "gia": "string", "ngay": "date", "so": "integer"}
	for k, v := range want {
		if types[k] != v {
			t.Errorf("field %s: type %q, want %q (all: %v)", k, types[k], v, types)
		}
	}
	if dp.Name != "so--bang" || dp.Licenses[0].Name != "CC-BY-4.0" {
		t.Errorf("package %s, licence %+v", dp.Name, dp.Licenses)
	}
}
