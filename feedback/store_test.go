package feedback

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestIsUnique reads the drivers' error codes: a duplicate key is a unique
// violation on both databases, other constraint failures are not.
func TestIsUnique(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, _ *clock) {
		ctx := context.Background()
		newStaff(t, s, "trung@stc.gov.vn", "so-tai-chinh", RoleStaff)
		insert := func(email, role string) error {
			_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO staff (email, name, agency, role, password_hash, created_at) VALUES (?, 'X', 'so-a', ?, 'h', ?)`),
				email, role, s.ts(testStart))
			return err
		}
		var first int64
		s.db.QueryRowContext(ctx, `SELECT MIN(id) FROM staff`).Scan(&first)
		tests := []struct {
			name string
			err  error
			want bool
		}{
			{"duplicate email", insert("trung@stc.gov.vn", "staff"), true},
			{"duplicate primary key", func() error {
				_, err := s.w.ExecContext(ctx, s.q(`INSERT INTO staff (id, email, name, agency, role, password_hash, created_at) VALUES (?, 'khac@stc.gov.vn', 'X', 'so-a', 'staff', 'h', ?)`),
					first, s.ts(testStart))
				return err
			}(), true},
			{"check constraint", insert("moi@stc.gov.vn", "root"), false},
			{"not null", func() error {
				_, err := s.w.ExecContext(ctx, `INSERT INTO staff (email) VALUES ('null@stc.gov.vn')`)
				return err
			}(), false},
			{"wrapped", fmt.Errorf("feedback: create staff: %w", insert("trung@stc.gov.vn", "staff")), true},
			{"nil", nil, false},
		}
		for _, tt := range tests {
			if got := isUnique(tt.err); got != tt.want {
				t.Errorf("%s: isUnique(%v) = %v, want %v", tt.name, tt.err, got, tt.want)
			}
		}
		// The message users see for a taken email.
		_, err := s.CreateStaff(ctx, "TRUNG@stc.gov.vn", "Trùng", "so-tai-chinh", RoleStaff, "mật khẩu rất dài")
		var v *ValidationError
		if !errors.As(err, &v) || v.Fields["email"] == "" {
			t.Errorf("CreateStaff(taken) = %v, want a *ValidationError on email", err)
		}
	})
}
