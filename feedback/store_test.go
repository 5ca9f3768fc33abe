package feedback

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestRebind(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"placeholders", `SELECT a FROM t WHERE b = ? AND c IN (?, ?)`, `SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)`},
		{"none", `SELECT 1`, `SELECT 1`},
		{"string literal", `SELECT 'why?', ? FROM t`, `SELECT 'why?', $1 FROM t`},
		{"doubled quote", `SELECT 'it''s ?', ?`, `SELECT 'it''s ?', $1`},
		{"escape string", `SELECT E'a\'?', ?`, `SELECT E'a\'?', $1`},
		{"not an escape string", `SELECT name'?', ?`, `SELECT name'?', $1`},
		{"quoted identifier", `SELECT "a?""b" FROM t WHERE x = ?`, `SELECT "a?""b" FROM t WHERE x = $1`},
		{"line comment", "SELECT ? -- what?\nFROM t WHERE x = ?", "SELECT $1 -- what?\nFROM t WHERE x = $2"},
		{"comment to the end", "SELECT ? -- what?", "SELECT $1 -- what?"},
		{"block comment", `SELECT /* a? /* nested? */ b? */ ?`, `SELECT /* a? /* nested? */ b? */ $1`},
		{"dollar quote", `SELECT $$a?$$, $tag$b?$$c?$tag$, ?`, `SELECT $$a?$$, $tag$b?$$c?$tag$, $1`},
		{"positional parameter is no dollar quote", `SELECT $1, ?`, `SELECT $1, $1`},
		{"unclosed literal", `SELECT ?, 'a?`, `SELECT $1, 'a?`},
		{"minus and slash", `SELECT ? - 1, ? / 2`, `SELECT $1 - 1, $2 / 2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rebind(tt.in); got != tt.want {
				t.Errorf("rebind(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestQueryWithQuestionMarks runs a query whose literal, identifier and
// comments hold question marks on both databases: only the real placeholder
// takes the argument.
func TestQueryWithQuestionMarks(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, _ *clock) {
		query := "SELECT 'là sao?' AS \"hỏi?\", CAST(? AS TEXT) /* chỗ này? */ -- hay đây?\n"
		if s.pg {
			query = "SELECT 'là sao?' || E'\\'?' || $$?$$ AS \"hỏi?\", CAST(? AS TEXT) /* chỗ này? */ -- hay đây?\n"
		}
		var lit, arg string
		if err := s.db.QueryRowContext(context.Background(), s.q(query), "đáp").Scan(&lit, &arg); err != nil {
			t.Fatalf("query %q: %v", s.q(query), err)
		}
		want := "là sao?"
		if s.pg {
			want = "là sao?'??"
		}
		if lit != want || arg != "đáp" {
			t.Errorf("got %q, %q; want %q, %q", lit, arg, want, "đáp")
		}
	})
}

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

// TestDatabaseFileModes: the SQLite database and its -wal and -shm files are
// readable by the portal's user only, also when they were made wider before.
func TestDatabaseFileModes(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "congkhai.db")
	files := []string{file, file + "-wal", file + "-shm"}
	check := func(when string) {
		t.Helper()
		for _, p := range files {
			st, err := os.Stat(p)
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			if got := st.Mode().Perm(); got != 0o600 {
				t.Errorf("%s: mode of %s = %v, want -rw-------", when, filepath.Base(p), got)
			}
		}
	}
	ctx := context.Background()
	a, err := Open(ctx, "", dir, WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	submit(t, a, nil) // the write makes the -wal and -shm files
	check("new database")

	for _, p := range files {
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := Open(ctx, "", dir, WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	check("files made 0644 before")
}
