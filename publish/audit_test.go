package publish

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestAudit(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		entries := []AuditEntry{
			{Agency: "ubnd-xa-cam-quan", Actor: StaffActor(3), Action: "draft_saved", Path: "ubnd-xa-cam-quan/thong-bao", Draft: 1},
			{Agency: "so-tai-chinh", Actor: TokenActor(7), Action: "token_created", Path: "so-tai-chinh", Detail: "token=7"},
			{Agency: "ubnd-xa-cam-quan", Actor: StaffActor(4), Action: "draft_approve", Path: "ubnd-xa-cam-quan/thong-bao", Draft: 1, Version: 1, Detail: "ghi chú " + strings.Repeat("ệ", 1500)},
		}
		for _, e := range entries {
			clk.Add(time.Minute)
			if err := s.AddAudit(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			name    string
			agency  string
			before  int64
			limit   int
			actions string
		}{
			{"one agency, newest first", "ubnd-xa-cam-quan", 0, 10, "draft_approve draft_saved"},
			{"all agencies", "", 0, 10, "draft_approve token_created draft_saved"},
			{"a page", "", 0, 2, "draft_approve token_created"},
			{"the next page", "", 2, 2, "draft_saved"},
			{"an agency without entries", "so-noi-vu", 0, 10, ""},
		}
		for _, tt := range tests {
			got, err := s.AuditLog(ctx, tt.agency, tt.before, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			var acts []string
			for _, e := range got {
				acts = append(acts, e.Action)
			}
			if strings.Join(acts, " ") != tt.actions {
				t.Errorf("%s: %q, want %q", tt.name, strings.Join(acts, " "), tt.actions)
			}
		}
		all, _ := s.AuditLog(ctx, "", 0, 10)
		if e := all[0]; e.Actor != StaffActor(4) || !e.At.Equal(testStart.Add(3*time.Minute)) || len(e.Detail) > auditDetailMax || e.Draft != 1 || e.Version != 1 || !strings.HasPrefix(e.Detail, "ghi chú ệ") || !strings.HasSuffix(e.Detail, "ệ") {
			t.Errorf("newest entry: %+v (detail %d bytes)", e, len(e.Detail))
		}
		if err := s.AddAudit(ctx, AuditEntry{Agency: "../x", Actor: "staff:1", Action: "x"}); !errors.Is(err, ErrInvalid) {
			t.Errorf("a bad agency: %v", err)
		}
	})
}
