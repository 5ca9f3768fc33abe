package server

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/publish"
)

func TestProblemStatus(t *testing.T) {
	_, ps := content.DecodeNotice([]byte("---\ntitle: Thông báo: lịch tiếp dân\ncategory: thong-bao\n---\nNội dung\n"))
	if len(ps) == 0 {
		t.Fatal("DecodeNotice: no problem for an unquoted colon")
	}
	tests := []struct {
		name string
		err  error
		code int
		want []string
	}{
		{"unreadable file names the file and line in Vietnamese", fmt.Errorf("open: %w", unreadable("ubnd-xa/thong-bao.md", ps[0])), http.StatusUnprocessableEntity,
			[]string{"Không mở được để sửa", "ubnd-xa/thong-bao.md:2:", "congkhai check"}},
		{"invalid", publish.ErrInvalid, http.StatusUnprocessableEntity, []string{"Dữ liệu không hợp lệ."}},
		{"not found", publish.ErrNotFound, http.StatusNotFound, []string{"Không tìm thấy."}},
		{"conflict", &publish.ConflictError{Base: 2, Latest: 3}, http.StatusConflict, []string{"phiên bản 3", "phiên bản 2"}},
		{"other", errors.New("disk"), http.StatusInternalServerError, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := problemStatus(tt.err)
			if code != tt.code {
				t.Errorf("code %d, want %d (%q)", code, tt.code, msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			if tt.want == nil && msg != "" {
				t.Errorf("message %q, want none", msg)
			}
		})
	}
}
