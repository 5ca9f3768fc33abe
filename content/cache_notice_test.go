package content

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// fillValue sets every exported field reachable from v to a value that is
// not its zero, distinct per field (n counts the values given).
func fillValue(t *testing.T, v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString("giá trị " + string(rune('a'+*n%26)) + " số " + time.Duration(*n).String())
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(1000 + *n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fillValue(t, s.Index(i), n)
		}
		v.Set(s)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fillValue(t, p.Elem(), n)
		v.Set(p)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Unix(1_700_000_000+int64(*n)*86_400, int64(*n))))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillValue(t, v.Field(i), n)
			}
		}
	default:
		t.Fatalf("fillValue: a field of kind %s: teach the test (and encodeNotice) about it", v.Kind())
	}
}

// TestCacheNoticeRoundTrip: every exported field of a Notice comes back from
// the cache's encoding as it went in; a field added to Notice and not to
// encodeNotice fails here. Empty slices come back nil, as gob gives them.
func TestCacheNoticeRoundTrip(t *testing.T) {
	full := &Notice{}
	n := 0
	fillValue(t, reflect.ValueOf(full).Elem(), &n)
	tests := []struct {
		name string
		n    *Notice
	}{
		{"every field", full},
		{"zero", &Notice{}},
		{"no comment, no lists", &Notice{Path: "so-tai-chinh/a", Title: "Dự toán", Published: time.Unix(1_735_689_600, 0)}},
		{"times before 1970", &Notice{Effective: time.Unix(-86_400*365, 5)}},
		{"path and slug not in the source", &Notice{Path: "a/b", Slug: "c", Source: "x/y.md"}},
	}
	// One by one, and from one arena shared by every decode: a notice
	// decoded later (or a damaged one) leaves the earlier ones as they were.
	for _, arena := range []*noticeArena{nil, {}} {
		var kept []*Notice
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/arena %t", tt.name, arena != nil), func(t *testing.T) {
				b := encodeNotice(tt.n)
				got, err := decodeNotice(b, newInterner(), arena)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, tt.n) {
					t.Errorf("round trip:\n got %+v\nwant %+v", got, tt.n)
				}
				kept = append(kept, got)
				// Every cut of the bytes is an error, never a panic or a notice.
				for i := range b {
					if _, err := decodeNotice(b[:i], newInterner(), arena); err == nil {
						t.Fatalf("%d of %d bytes decoded without error", i, len(b))
					}
				}
				if _, err := decodeNotice(append(b, 0), newInterner(), arena); err == nil {
					t.Error("a trailing byte decoded without error")
				}
			})
		}
		for i, got := range kept {
			if !reflect.DeepEqual(got, tests[i].n) {
				t.Errorf("%s, arena %t: changed by the decodes after it:\n got %+v\nwant %+v", tests[i].name, arena != nil, got, tests[i].n)
			}
		}
	}
}
