package content

import (
	"bytes"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"
)

// decodeYAMLDecoder is decodeYAML without its fast path: the decoder parses
// the text again with KnownFields, as every file was decoded before.
func decodeYAMLDecoder(y []byte, off int, v any) []Problem {
	var root yaml.Node
	if err := yaml.Unmarshal(y, &root); err != nil {
		return yamlProblems(err, y, off)
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(y))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return yamlProblems(err, y, off)
	}
	return nil
}

// TestDecodeYAMLFastPath: decoding from the parsed tree gives the values and
// the problems the decoder gives, for valid fields, unknown keys at any depth,
// type errors, aliases and merge keys, and says when it took the tree's way.
func TestDecodeYAMLFastPath(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		into func() any
		fast bool // every key has a field: decoded from the tree
	}{
		{"notice", "title: Thông báo\ncategory: thong-bao\npublished: 2026-01-02\ntags: [a, b]\nplaces:\n  - province: Tỉnh A\n    district: Huyện B\nattachments:\n  - title: Tệp\n    file: a.pdf\ncomment:\n  opens: 2026-01-01\n  closes: 2026-02-01\n",
			func() any { return &noticeMeta{} }, true},
		{"dataset with columns", "title: Bảng\ncategory: gia-dat\ncolumns:\n  - name: xa\n    title: Xã\n    type: text\n  - name: vt1\n    unit: đ/m²\n",
			func() any { return &datasetMeta{} }, true},
		{"agency", "name: Sở X\nshort_name: SX\norder: 3\nstaff: [a@b.vn]\n", func() any { return &agencyMeta{} }, true},
		{"empty values", "title:\ntags:\nplaces: []\n", func() any { return &noticeMeta{} }, true},
		{"unknown key", "title: A\ntitel: B\n", func() any { return &noticeMeta{} }, false},
		{"unknown key in a place", "title: A\nplaces:\n  - province: X\n    provinse: Y\n", func() any { return &noticeMeta{} }, false},
		{"unknown key in a column", "title: A\ncolumns:\n  - name: a\n    titel: B\n", func() any { return &datasetMeta{} }, false},
		{"unknown key in comment", "title: A\ncomment:\n  open: 2026-01-01\n", func() any { return &noticeMeta{} }, false},
		{"a mapping where a list is", "title: A\ntags: {a: 1}\n", func() any { return &noticeMeta{} }, false},
		{"text where a list is", "name: A\nstaff: x\n", func() any { return &agencyMeta{} }, true},
		{"text where a number is", "name: A\norder: first\n", func() any { return &agencyMeta{} }, true},
		{"a mapping where text is", "title: {a: b}\n", func() any { return &noticeMeta{} }, false},
		{"alias", "title: &t A\nsummary: *t\n", func() any { return &noticeMeta{} }, false},
		{"merge key", "comment: &c {opens: 2026-01-01}\n<<: *c\n", func() any { return &noticeMeta{} }, false},
		{"integer key", "1: A\n", func() any { return &noticeMeta{} }, false},
		{"site config map", "title: T\nfeedback:\n  deadlines: {question: 10}\n  holidays: [2026-01-01]\n", func() any { return &SiteConfig{} }, true},
		{"site config unknown nested", "title: T\nfeedback:\n  deadline: 3\n", func() any { return &SiteConfig{} }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var root yaml.Node
			if err := yaml.Unmarshal([]byte(tc.yaml), &root); err != nil {
				t.Fatal(err)
			}
			v := tc.into()
			if got := fieldsKnown(root.Content[0], reflect.TypeOf(v)); got != tc.fast {
				t.Errorf("fieldsKnown = %v, want %v", got, tc.fast)
			}
			_, ps := decodeYAML([]byte(tc.yaml), 3, v)
			want := tc.into()
			wps := decodeYAMLDecoder([]byte(tc.yaml), 3, want)
			if !reflect.DeepEqual(ps, wps) {
				t.Errorf("problems %v, want %v", ps, wps)
			}
			if len(wps) == 0 && !reflect.DeepEqual(v, want) {
				t.Errorf("decoded %+v, want %+v", v, want)
			}
		})
	}
}
