package publish

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestTokens: a token's secret is shown once and finds the token; its use is
// noted at most once a minute; a revoked, altered or malformed secret is
// refused.
func TestTokens(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		tok, secret, err := s.CreateToken(ctx, "so-tai-chinh", "  Phần mềm một cửa ", 7)
		if err != nil {
			t.Fatal(err)
		}
		if tok.Name != "Phần mềm một cửa" || tok.Agency != "so-tai-chinh" || tok.CreatedBy != 7 || !strings.HasPrefix(secret, tok.Prefix+"_") || !tok.LastUsed.IsZero() {
			t.Errorf("CreateToken = %+v, %q", tok, secret)
		}
		other, otherSecret, err := s.CreateToken(ctx, "so-noi-vu", "Cổng dịch vụ công", 8)
		if err != nil {
			t.Fatal(err)
		}
		if otherSecret == secret || other.Prefix == tok.Prefix {
			t.Error("two tokens share a secret or a prefix")
		}
		var hash []byte
		if err := s.db.Reader().QueryRow(s.db.Q(`SELECT hash FROM publish_tokens WHERE id = ?`), tok.ID).Scan(&hash); err != nil || strings.Contains(string(hash), secret[len(tok.Prefix)+1:]) {
			t.Errorf("stored hash %x, %v: the secret must not be stored", hash, err)
		}

		got, err := s.LookupToken(ctx, secret)
		if err != nil || got.ID != tok.ID || got.Agency != "so-tai-chinh" || !got.LastUsed.Equal(testStart) {
			t.Fatalf("LookupToken = %+v, %v", got, err)
		}
		clk.Add(30 * time.Second)
		if got, _ := s.LookupToken(ctx, secret); !got.LastUsed.Equal(testStart) {
			t.Errorf("last use after 30 s = %v, want %v (kept to the minute)", got.LastUsed, testStart)
		}
		clk.Add(31 * time.Second)
		if got, _ := s.LookupToken(ctx, secret); !got.LastUsed.Equal(testStart.Add(61 * time.Second)) {
			t.Errorf("last use after 61 s = %v", got.LastUsed)
		}

		altered := []byte(secret)
		altered[len(altered)-1] ^= 1
		tests := []struct{ name, secret string }{
			{"empty", ""},
			{"no prefix", strings.TrimPrefix(secret, "ckp_")},
			{"altered", string(altered)},
			{"other key id", other.Prefix + secret[len(tok.Prefix):]},
			{"truncated", secret[:len(secret)-1]},
			{"longer", secret + "A"},
			{"unknown key id", "ckp_AAAAAAAAAAAA_" + strings.Repeat("A", 26)},
		}
		for _, tt := range tests {
			if _, err := s.LookupToken(ctx, tt.secret); !errors.Is(err, ErrBadToken) {
				t.Errorf("%s: LookupToken = %v, want ErrBadToken", tt.name, err)
			}
		}

		if err := s.RevokeToken(ctx, tok.ID, 9); err != nil {
			t.Fatal(err)
		}
		clk.Add(time.Hour)
		if err := s.RevokeToken(ctx, tok.ID, 10); err != nil {
			t.Fatal(err)
		}
		if _, err := s.LookupToken(ctx, secret); !errors.Is(err, ErrBadToken) {
			t.Errorf("LookupToken(revoked) = %v, want ErrBadToken", err)
		}
		r, err := s.Token(ctx, tok.ID)
		if err != nil || r.RevokedBy != 9 || !r.Revoked.Equal(testStart.Add(61*time.Second)) {
			t.Errorf("revoked token %+v, %v: want revoked once, by 9", r, err)
		}
		if err := s.RevokeToken(ctx, 99999, 9); !errors.Is(err, ErrNotFound) {
			t.Errorf("RevokeToken(unknown) = %v", err)
		}
		if _, err := s.Token(ctx, 99999); !errors.Is(err, ErrNotFound) {
			t.Errorf("Token(unknown) = %v", err)
		}

		for agency, want := range map[string][]int64{"": {other.ID, tok.ID}, "so-tai-chinh": {tok.ID}, "so-khac": nil} {
			list, err := s.Tokens(ctx, agency)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, x := range list {
				ids = append(ids, x.ID)
			}
			if len(ids) != len(want) || len(ids) > 0 && ids[0] != want[0] {
				t.Errorf("Tokens(%q) = %v, want %v", agency, ids, want)
			}
		}

		for _, bad := range []struct {
			agency, name string
			by           int64
		}{{"", "x", 1}, {"So A", "x", 1}, {"so-a", " ", 1}, {"so-a", strings.Repeat("x", 201), 1}, {"so-a", "x", 0}} {
			if _, _, err := s.CreateToken(ctx, bad.agency, bad.name, bad.by); !errors.Is(err, ErrInvalid) {
				t.Errorf("CreateToken(%q, %q, %d) = %v, want ErrInvalid", bad.agency, bad.name, bad.by, err)
			}
		}
	})
}
