package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/congkhai/congkhai/internal/binarytest"
	"github.com/congkhai/congkhai/internal/sqldb"
	"github.com/congkhai/congkhai/publish"
)

func TestPublishCommand(t *testing.T) {
	content := binarytest.CopyDir(t, filepath.Join(binarytest.Root(), "demo", "site"))
	data := t.TempDir()
	staging := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(staging, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	notice := "---\ntitle: Thông báo lịch tiếp dân\ncategory: thong-bao\npublished: 2026-03-01\nattachments:\n  - file: files/lich.pdf\n---\nLịch.\n"
	write("so-noi-vu/lich-tiep-dan.md", notice)
	write("so-noi-vu/files/lich.pdf", "%PDF lịch")
	broken := write("hong.md", "---\ntitle: Hỏng\n---\n")
	common := []string{"--data", data, "--content", content}
	tests := []struct {
		name     string
		args     []string
		code     int
		inStdout string
		inStderr string
	}{
		{"no path", nil, 1, "", "--path is required"},
		{"no files", []string{"--path", "so-noi-vu/lich-tiep-dan"}, 1, "", "no files"},
		{"broken file", []string{"--path", "so-noi-vu/hong", "--file", "so-noi-vu/hong.md=" + broken}, 1, "", "published (the publication date) is required"},
		{"publish from a staging folder", []string{"--path", "so-noi-vu/lich-tiep-dan", "--from", staging}, 0, "version 1 recorded (publish", ""},
		{"the same again", []string{"--path", "so-noi-vu/lich-tiep-dan", "--from", staging}, 0, "unchanged, version 1", ""},
		{"correct without a reason", []string{"--path", "so-noi-vu/lich-tiep-dan", "--file", "so-noi-vu/lich-tiep-dan.md=" + write("x.md", strings.Replace(notice, "Lịch.", "Lịch mới.", 1)), "--file", "so-noi-vu/files/lich.pdf=" + filepath.Join(staging, "so-noi-vu/files/lich.pdf")}, 1, "", "reason is required"},
		{"correct", []string{"--path", "so-noi-vu/lich-tiep-dan", "--reason", "Đổi lịch", "--file", "so-noi-vu/lich-tiep-dan.md=" + filepath.Join(staging, "x.md"), "--file", "so-noi-vu/files/lich.pdf=" + filepath.Join(staging, "so-noi-vu/files/lich.pdf")}, 0, "version 2 recorded (correct", ""},
		{"stale base", []string{"--path", "so-noi-vu/lich-tiep-dan", "--reason", "x", "--base", "1", "--from", staging}, 1, "", "changed meanwhile"},
		{"withdraw", []string{"--path", "so-noi-vu/lich-tiep-dan", "--action", "withdraw", "--reason", "Nhầm"}, 0, "version 3 recorded (withdraw", ""},
		{"restore", []string{"--path", "so-noi-vu/lich-tiep-dan", "--action", "restore", "--reason", "Khôi phục"}, 0, "version 4 recorded (restore", ""},
		{"a dataset from a staging folder", []string{"--path", "so-tai-chinh/quyet-toan-ngan-sach-2024", "--from", content}, 0, "version 1 recorded (publish", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append([]string{"publish"}, append(append([]string{}, common...), tt.args...)...)
			code := run(context.Background(), args, &out, &errb)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, errb.String())
			}
			if !strings.Contains(out.String(), tt.inStdout) || !strings.Contains(errb.String(), tt.inStderr) {
				t.Errorf("stdout %q, stderr %q; want %q and %q", out.String(), errb.String(), tt.inStdout, tt.inStderr)
			}
		})
	}
	db, err := sqldb.Open(context.Background(), "", data, sqldb.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st, err := publish.New(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := st.Versions(context.Background(), "so-noi-vu/lich-tiep-dan")
	if err != nil || len(vs) != 4 || len(vs[0].Files) != 2 || vs[1].Reason != "Đổi lịch" || vs[0].Actor != publish.ActorFile {
		t.Errorf("versions: %+v, %v", vs, err)
	}
	if v, err := st.Latest(context.Background(), "so-tai-chinh/quyet-toan-ngan-sach-2024"); err != nil || v.Kind != publish.Dataset || len(v.Files) != 2 {
		t.Errorf("dataset: %+v, %v", v, err)
	}
}
