package content

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestWatch(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, s string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("so-tai-chinh/a.md", "a")
	write("so-tai-chinh/b.md", "b")
	write("so-tai-chinh/c.md", "c")

	ctx, cancel := context.WithCancel(context.Background())
	changes := make(chan []string, 100)
	done := make(chan error, 1)
	go func() {
		done <- Watch(ctx, dir, 50*time.Millisecond, func(p []string) { changes <- p })
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Watch returned %v, want nil", err)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("Watch did not return after cancel")
		}
	})
	// The first call says the watches are in place.
	select {
	case first := <-changes:
		if len(first) != 1 || first[0] != "." {
			t.Fatalf("first change = %q, want [.]", first)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no first call from Watch")
	}

	// wait collects batches until every wanted path has been seen.
	wait := func(name string, want ...string) {
		t.Helper()
		seen := map[string]bool{}
		deadline := time.After(10 * time.Second)
		for {
			missing := false
			for _, w := range want {
				if !seen[w] {
					missing = true
				}
			}
			if !missing {
				return
			}
			select {
			case ps := <-changes:
				for _, p := range ps {
					seen[p] = true
					if filepath.Base(p)[0] == '.' || p[len(p)-1] == '~' {
						t.Errorf("%s: ignored path %q reported", name, p)
					}
				}
			case <-deadline:
				t.Fatalf("%s: paths %v not reported; saw %v", name, want, seen)
			}
		}
	}
	tests := []struct {
		name string
		do   func()
		want []string
	}{
		{"edit", func() {
			write("so-tai-chinh/a.md", "a2")
			write("so-tai-chinh/.a.md.swp", "x")
			write("so-tai-chinh/a.md~", "x")
		}, []string{"so-tai-chinh/a.md"}},
		{"delete", func() { os.Remove(filepath.Join(dir, "so-tai-chinh", "b.md")) }, []string{"so-tai-chinh/b.md"}},
		{"rename", func() {
			os.Rename(filepath.Join(dir, "so-tai-chinh", "c.md"), filepath.Join(dir, "so-tai-chinh", "d.md"))
		}, []string{"so-tai-chinh/c.md", "so-tai-chinh/d.md"}},
		{"mkdir and file", func() {
			os.Mkdir(filepath.Join(dir, "so-xay-dung"), 0o755)
			time.Sleep(100 * time.Millisecond)
			write("so-xay-dung/_agency.md", "x")
		}, []string{"so-xay-dung", "so-xay-dung/_agency.md"}},
		{"copied tree", func() {
			tmp := t.TempDir()
			os.MkdirAll(filepath.Join(tmp, "so-y-te", "bang"), 0o755)
			os.WriteFile(filepath.Join(tmp, "so-y-te", "bang", "index.md"), []byte("x"), 0o644)
			os.Rename(filepath.Join(tmp, "so-y-te"), filepath.Join(dir, "so-y-te"))
		}, []string{"so-y-te", "so-y-te/bang/index.md"}},
		{"file in copied tree", func() { write("so-y-te/bang/data.csv", "a\n1\n") }, []string{"so-y-te/bang/data.csv"}},
		{"renamed folder", func() {
			os.Rename(filepath.Join(dir, "so-y-te"), filepath.Join(dir, "so-y-te-2"))
			time.Sleep(100 * time.Millisecond)
			write("so-y-te-2/bang/moi.csv", "a\n1\n")
		}, []string{"so-y-te", "so-y-te-2", "so-y-te-2/bang/moi.csv"}},
	}
	for _, tt := range tests {
		tt.do()
		wait(tt.name, tt.want...)
	}
}
