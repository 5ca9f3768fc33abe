package publish

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/congkhai/congkhai/internal/sqldb"
)

// Token is an agency's API token. Its secret is shown once, by CreateToken,
// and never stored: only its SHA-256.
type Token struct {
	ID        int64
	Agency    string
	Name      string // what it is for ("Phần mềm một cửa")
	Prefix    string // the secret's public start ("ckp_XXXXXXXXXXXX"), to tell tokens apart
	CreatedBy int64  // the staff account that made it
	Created   time.Time
	LastUsed  time.Time // zero when never used; kept to the minute
	Revoked   time.Time // zero while valid
	RevokedBy int64
}

// Secrets are "ckp_" + a key id of 12 base32 characters (the public part
// that finds the row) + "_" + 26 base32 characters (128 random bits).
const (
	tokenPrefix = "ckp_"
	keyIDLen    = 12
	secretLen   = 26
)

// lastUsedEvery is how stale LastUsed may be: a token used all the time
// costs one write a minute, not one per request.
const lastUsedEvery = time.Minute

// CreateToken makes an API token for an agency and returns it with its
// secret, which is not stored and cannot be shown again. Errors: ErrInvalid
// (agency, name), others from the database wrapped "publish: ...".
func (s *Store) CreateToken(ctx context.Context, agency, name string, createdBy int64) (*Token, string, error) {
	name = strings.TrimSpace(name)
	if !slug.MatchString(agency) {
		return nil, "", fmt.Errorf("%w: agency %q", ErrInvalid, agency)
	}
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > 200 {
		return nil, "", fmt.Errorf("%w: a token's name is 1 to 200 characters", ErrInvalid)
	}
	if createdBy <= 0 {
		return nil, "", fmt.Errorf("%w: created by staff id %d", ErrInvalid, createdBy)
	}
	now := s.now()
	for range 3 { // a key id collision (60 bits) is as good as impossible; retry anyway
		keyID := rand.Text()[:keyIDLen]
		secret := tokenPrefix + keyID + "_" + rand.Text()
		h := sha256.Sum256([]byte(secret))
		t := &Token{Agency: agency, Name: name, Prefix: tokenPrefix + keyID, CreatedBy: createdBy, Created: now.UTC().Truncate(time.Microsecond)}
		err := s.db.Writer().QueryRowContext(ctx, s.db.Q(`INSERT INTO publish_tokens (agency, name, key_id, hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
			agency, name, keyID, h[:], createdBy, s.db.Time(now)).Scan(&t.ID)
		if err == nil {
			return t, secret, nil
		}
		if !sqldb.IsUnique(err) {
			return nil, "", fmt.Errorf("publish: create token: %w", err)
		}
	}
	return nil, "", errors.New("publish: create token: no free key id")
}

const tokenCols = `id, agency, name, key_id, created_by, created_at, last_used_at, revoked_at, COALESCE(revoked_by, 0)`

func scanToken(row interface{ Scan(...any) error }, extra ...any) (*Token, error) {
	var t Token
	var keyID string
	err := row.Scan(append([]any{&t.ID, &t.Agency, &t.Name, &keyID, &t.CreatedBy, scanTime(&t.Created), scanTime(&t.LastUsed),
		scanTime(&t.Revoked), &t.RevokedBy}, extra...)...)
	t.Prefix = tokenPrefix + keyID
	return &t, err
}

// LookupToken returns the valid token whose secret this is, and notes its
// use. The secret's hash is compared in constant time. It fails with
// ErrBadToken when the secret is malformed, unknown or revoked.
func (s *Store) LookupToken(ctx context.Context, secret string) (*Token, error) {
	rest, ok := strings.CutPrefix(secret, tokenPrefix)
	keyID, _, ok2 := strings.Cut(rest, "_")
	if !ok || !ok2 || len(keyID) != keyIDLen || len(secret) != len(tokenPrefix)+keyIDLen+1+secretLen {
		return nil, ErrBadToken
	}
	var hash []byte
	t, err := scanToken(s.db.Reader().QueryRowContext(ctx, s.db.Q(`SELECT `+tokenCols+`, hash FROM publish_tokens WHERE key_id = ?`), keyID), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrBadToken
	}
	if err != nil {
		return nil, fmt.Errorf("publish: look up token: %w", err)
	}
	h := sha256.Sum256([]byte(secret))
	if subtle.ConstantTimeCompare(h[:], hash) != 1 || !t.Revoked.IsZero() {
		return nil, ErrBadToken
	}
	if now := s.now(); now.Sub(t.LastUsed) >= lastUsedEvery {
		if _, err := s.db.Writer().ExecContext(ctx, s.db.Q(`UPDATE publish_tokens SET last_used_at = ? WHERE id = ?`), s.db.Time(now), t.ID); err != nil {
			return nil, fmt.Errorf("publish: look up token: %w", err)
		}
		t.LastUsed = now.UTC().Truncate(time.Microsecond)
	}
	return t, nil
}

// Tokens lists the tokens of an agency ("" for all), revoked ones too, newest
// first.
func (s *Store) Tokens(ctx context.Context, agency string) ([]Token, error) {
	q, args := `SELECT `+tokenCols+` FROM publish_tokens`, []any{}
	if agency != "" {
		q, args = q+` WHERE agency = ?`, append(args, agency)
	}
	rows, err := s.db.Reader().QueryContext(ctx, s.db.Q(q+` ORDER BY created_at DESC, id DESC`), args...)
	if err != nil {
		return nil, fmt.Errorf("publish: tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("publish: tokens: %w", err)
		}
		out = append(out, *t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("publish: tokens: %w", err)
	}
	return out, nil
}

// Token returns a token by id. It fails with ErrNotFound.
func (s *Store) Token(ctx context.Context, id int64) (*Token, error) {
	t, err := scanToken(s.db.Reader().QueryRowContext(ctx, s.db.Q(`SELECT `+tokenCols+` FROM publish_tokens WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: token %d", ErrNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("publish: token %d: %w", id, err)
	}
	return t, nil
}

// RevokeToken revokes a token at once: LookupToken refuses it from then on.
// Revoking a revoked token changes nothing. It fails with ErrNotFound.
func (s *Store) RevokeToken(ctx context.Context, id, by int64) error {
	res, err := s.db.Writer().ExecContext(ctx, s.db.Q(`UPDATE publish_tokens SET revoked_at = COALESCE(revoked_at, ?), revoked_by = COALESCE(revoked_by, ?) WHERE id = ?`),
		s.db.Time(s.now()), by, id)
	if err != nil {
		return fmt.Errorf("publish: revoke token %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: token %d", ErrNotFound, id)
	}
	return nil
}
