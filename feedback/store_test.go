package feedback

import (
	"context"
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
