package opendata

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestNewV5(t *testing.T) {
	tests := []struct {
		ns   UUID
		name string
		want string
	}{
		// The example of RFC 9562 (appendix A.4).
		{nsDNS, "www.example.com", "2ed6657d-e927-568b-95e1-2665a8aea6a2"},
		{nsDNS, "python.org", "886313e1-3b8a-5372-9b90-0c9aee199e5d"},
	}
	for _, tt := range tests {
		if got := NewV5(tt.ns, tt.name).String(); got != tt.want {
			t.Errorf("NewV5(%q) = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestSiteNamespaceIgnoresCase(t *testing.T) {
	if SiteNamespace("CongKhai.Example.VN") != SiteNamespace("congkhai.example.vn") {
		t.Error("the namespace depends on the host's case")
	}
	if SiteNamespace("a.example") == SiteNamespace("b.example") {
		t.Error("two hosts share a namespace")
	}
}

// ckanName is CKAN's package and organization name pattern.
var ckanName = regexp.MustCompile(`^[a-z0-9_-]{2,100}$`)

func TestNames(t *testing.T) {
	long := strings.Repeat("a", 60) + "/" + strings.Repeat("b", 60)
	tests := []struct {
		name, got, want string
	}{
		{"package", PackageName("so-tai-chinh/du-toan-2026"), "so-tai-chinh--du-toan-2026"},
		{"org", OrganizationName("so-tai-chinh"), "so-tai-chinh"},
		{"org of one letter", OrganizationName("x"), "x--"},
		{"long package", PackageName(long), ""}, // checked below: 100 bytes ending in a hash
	}
	for _, tt := range tests {
		if tt.name == "long package" {
			if len(tt.got) != 100 || !strings.HasPrefix(tt.got, strings.Repeat("a", 60)+"--") {
				t.Errorf("%s: %q (%d bytes)", tt.name, tt.got, len(tt.got))
			}
		} else if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
		if !ckanName.MatchString(tt.got) {
			t.Errorf("%s: %q does not match CKAN's name pattern", tt.name, tt.got)
		}
	}
	if PackageName("a-b/c") == PackageName("a/b-c") {
		t.Error("two paths share a package name")
	}
}

// ckanTag is CKAN's tag pattern with Python's Unicode \w.
var ckanTag = regexp.MustCompile(`^[\p{L}\p{Nd}_ \-.]*$`)

func TestTagName(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"giá đất", "giá đất", true},
		{"cao tốc Bắc – Nam", "cao tốc Bắc Nam", true},
		{"ngân sách 2026", "ngân sách 2026", true},
		{"đất ở/đất nông nghiệp", "đất ở đất nông nghiệp", true},
		{"QĐ-UBND (12/2025)", "QĐ-UBND 12 2025", true},
		{"x", "x", false},
		{"—", "", false},
		{strings.Repeat("á", 120), strings.Repeat("á", 100), true},
	}
	for _, tt := range tests {
		got, ok := TagName(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("TagName(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
		if ok && !ckanTag.MatchString(got) {
			t.Errorf("TagName(%q) = %q does not match CKAN's tag pattern", tt.in, got)
		}
	}
}

func TestCKANTime(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 2, 10, 8, 30, 0, 0, time.FixedZone("ICT", 7*3600)), "2026-02-10T01:30:00.000000"},
		{time.Date(2026, 2, 10, 1, 30, 0, 123456789, time.UTC), "2026-02-10T01:30:00.123456"},
		{time.Time{}, "1970-01-01T00:00:00.000000"},
	}
	for _, tt := range tests {
		if got := CKANTime(tt.in); got != tt.want {
			t.Errorf("CKANTime(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
