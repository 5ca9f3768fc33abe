package themes

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOverride(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "static"), 0o755)
	os.MkdirAll(filepath.Join(dir, "i18n", "vi"), 0o755)
	os.WriteFile(filepath.Join(dir, "static", "style.css"), []byte("body{color:red}"), 0o644)
	os.WriteFile(filepath.Join(dir, "static", "logo.svg"), []byte("<svg/>"), 0o644)
	os.WriteFile(filepath.Join(dir, "i18n", "vi", "aa-tinh.json"), []byte(`{"home":"Trang đầu"}`), 0o644)

	def, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	th, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, file, want string
	}{
		{"overridden file", "static/style.css", "color:red"},
		{"added file", "static/logo.svg", "<svg/>"},
		{"default kept", "templates/base.html", "<!doctype html>"},
	}
	for _, tt := range tests {
		b, err := fs.ReadFile(th.FS(), tt.file)
		if err != nil || !strings.Contains(string(b), tt.want) {
			t.Errorf("%s: ReadFile(%s) = %.40q, %v; want %q", tt.name, tt.file, b, err, tt.want)
		}
	}
	if th.StaticURL("style.css") == def.StaticURL("style.css") {
		t.Error("the fingerprint of an overridden file did not change")
	}
	if got := th.StaticURL("logo.svg"); !strings.HasPrefix(got, "/static/logo.") || !strings.HasSuffix(got, ".svg") {
		t.Errorf("StaticURL(logo.svg) = %q", got)
	}
	if p, ok := th.StaticFile(strings.TrimPrefix(th.StaticURL("style.css"), "/static/")); !ok || p != "static/style.css" {
		t.Errorf("StaticFile of the fingerprint = %q, %v", p, ok)
	}
	if _, ok := th.StaticFile("style.css"); ok {
		t.Error("an unfingerprinted name resolved")
	}
	// Listings merge both layers, sorted.
	names, err := fs.Glob(th.FS(), "i18n/vi/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 2 || names[0] != "i18n/vi/aa-tinh.json" {
		t.Errorf("Glob(i18n/vi/*.json) = %v, want the added file first and the defaults", names)
	}
	if _, err := Load(filepath.Join(dir, "static", "style.css")); err == nil {
		t.Error("Load of a file instead of a folder succeeded")
	}
}
