package feedback

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
)

// MinPasswordLen is the shortest password accepted, in characters.
const MinPasswordLen = 10

// argonParams are the argon2id parameters of new hashes. Verification reads
// the parameters from the stored hash, so they can be raised without
// invalidating passwords.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
	keyLen  uint32
}

// defaultArgon is OWASP's first choice: 19 MiB, 2 passes, 1 lane.
func defaultArgon() argonParams {
	return argonParams{memory: 19 * 1024, time: 2, threads: 1, keyLen: 32}
}

// hash returns the PHC string of the argon2id hash of password.
func (p argonParams) hash(password string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, p.keyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memory, p.time, p.threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// checkPassword reports whether password matches the PHC string.
func checkPassword(phc, password string) bool {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

const staffCols = `staff.id, staff.email, staff.name, staff.agency, staff.role, staff.created_at, staff.disabled, staff.last_login_at`

// scanStaff scans staffCols, then the extra columns into extra.
func scanStaff(sc scanner, extra ...any) (*Staff, error) {
	var st Staff
	err := sc.Scan(append([]any{&st.ID, &st.Email, &st.Name, &st.Agency, &st.Role, tsDst(&st.CreatedAt), &st.Disabled, tsDst(&st.LastLoginAt)}, extra...)...)
	if err != nil {
		return nil, err
	}
	return &st, nil
}

func validatePassword(v *ValidationError, password string) {
	switch l := runes(password); {
	case l < MinPasswordLen:
		v.add("password", "Mật khẩu phải có ít nhất 10 ký tự.")
	case l > 256:
		v.add("password", "Mật khẩu quá dài.")
	}
}

// CreateStaff creates a staff account. It returns a *ValidationError
// ("email", "name", "agency", "role", "password") for invalid input or an
// email already in use; agency may be empty only for site admins.
func (s *Store) CreateStaff(ctx context.Context, email, name, agency string, role Role, password string) (*Staff, error) {
	email = strings.ToLower(cleanLine(email))
	name, agency = cleanLine(name), cleanLine(agency)
	v := &ValidationError{}
	if !validEmail(email) {
		v.add("email", "Địa chỉ email không hợp lệ.")
	}
	if name == "" || runes(name) > MaxNameLen {
		v.add("name", "Vui lòng nhập họ tên (tối đa 100 ký tự).")
	}
	if !role.Valid() {
		v.add("role", "Vai trò không hợp lệ.")
	}
	if agency == "" && role != RoleSiteAdmin {
		v.add("agency", "Vui lòng chọn cơ quan.")
	}
	validatePassword(v, password)
	if err := v.err(); err != nil {
		return nil, err
	}
	now := normTime(s.now())
	st := &Staff{Email: email, Name: name, Agency: agency, Role: role, CreatedAt: now}
	hash := s.argon.hash(password)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, s.q(`INSERT INTO staff (email, name, agency, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
			email, name, agency, role, hash, s.ts(now)).Scan(&st.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, 0, ActorSystem, st.ID, "staff_created", fmt.Sprintf("%s %s %s", email, role, agency), now)
	})
	if isUnique(err) {
		return nil, invalid("email", "Địa chỉ email này đã có tài khoản.")
	}
	if err != nil {
		return nil, fmt.Errorf("feedback: create staff %s: %w", email, err)
	}
	s.log.Info("staff created", "staff_id", st.ID, "role", string(role), "agency", agency)
	return st, nil
}

// GetStaff returns the staff account with the id, or ErrNotFound.
func (s *Store) GetStaff(ctx context.Context, id int64) (*Staff, error) {
	st, err := s.staffByID(ctx, s.db, id)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("feedback: staff %d: %w", id, err)
	}
	return st, err
}

// ListStaff returns the accounts of the agency ("" for all), by name.
func (s *Store) ListStaff(ctx context.Context, agency string) ([]*Staff, error) {
	query, args := `SELECT `+staffCols+` FROM staff`, []any{}
	if agency != "" {
		query += ` WHERE agency = ?`
		args = append(args, agency)
	}
	rows, err := s.db.QueryContext(ctx, s.q(query+` ORDER BY name, id`), args...)
	if err != nil {
		return nil, fmt.Errorf("feedback: list staff: %w", err)
	}
	defer rows.Close()
	var out []*Staff
	for rows.Next() {
		st, err := scanStaff(rows)
		if err != nil {
			return nil, fmt.Errorf("feedback: list staff: %w", err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("feedback: list staff: %w", err)
	}
	return out, nil
}

// updateStaff runs an UPDATE … RETURNING email on one staff row, ends the
// member's sessions, runs then (if any) with the account's email and writes
// an audit row; ErrNotFound when there is no such account.
func (s *Store) updateStaff(ctx context.Context, id int64, action string, then func(tx *sql.Tx, email string) error, query string, args ...any) error {
	now := normTime(s.now())
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var email string
		err := tx.QueryRowContext(ctx, s.q(query), args...).Scan(&email)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE staff_id = ?`), id); err != nil {
			return err
		}
		if then != nil {
			if err := then(tx, email); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, 0, ActorSystem, id, action, "", now)
	})
	if err != nil {
		return fmt.Errorf("feedback: %s %d: %w", action, id, err)
	}
	s.log.Info("staff "+action, "staff_id", id)
	return nil
}

// SetPassword replaces the password, forgets the account's failed logins
// (every client may try it again at once) and ends the member's sessions. It returns ErrNotFound, or a *ValidationError ("password") for a
// too short password.
func (s *Store) SetPassword(ctx context.Context, id int64, password string) error {
	v := &ValidationError{}
	validatePassword(v, password)
	if err := v.err(); err != nil {
		return err
	}
	forget := func(tx *sql.Tx, email string) error {
		_, err := tx.ExecContext(ctx, s.q(`DELETE FROM login_failures WHERE account = ?`), accountKey(email))
		return err
	}
	return s.updateStaff(ctx, id, "password_set", forget,
		`UPDATE staff SET password_hash = ? WHERE id = ? RETURNING email`, s.argon.hash(password), id)
}

// DisableStaff disables the account and ends its sessions; its history stays.
// It returns ErrNotFound.
func (s *Store) DisableStaff(ctx context.Context, id int64) error {
	return s.updateStaff(ctx, id, "staff_disabled", nil, `UPDATE staff SET disabled = ? WHERE id = ? RETURNING email`, true, id)
}

// Authenticate checks an email and password typed by client (an opaque
// identity of the client's address, see LoginLimits; "" is one anonymous
// client) at now. It returns the account, ErrBadCredentials for an unknown
// email, a wrong password or a disabled account, or a *ThrottledError
// (errors.Is ErrThrottled) while this client must wait before trying this
// email again; the password is not checked then. Unknown emails are
// throttled, and cost as much work, as known ones.
func (s *Store) Authenticate(ctx context.Context, email, password, client string, now time.Time) (*Staff, error) {
	email = strings.ToLower(cleanLine(email))
	account, client := accountKey(email), clientOrAnon(client)
	wait, err := s.throttled(ctx, account, client, now)
	if err != nil {
		return nil, fmt.Errorf("feedback: authenticate: %w", err)
	}
	if wait > 0 {
		return nil, &ThrottledError{Wait: wait}
	}
	var hash string
	st, err := scanStaff(s.db.QueryRowContext(ctx, s.q(`SELECT `+staffCols+`, password_hash FROM staff WHERE email = ?`), email), &hash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		st, hash = nil, s.dummyHash()
	case err != nil:
		return nil, fmt.Errorf("feedback: authenticate: %w", err)
	}
	ok := checkPassword(hash, password) && st != nil && !st.Disabled
	at := normTime(now)
	if ok {
		if err := s.inTx(ctx, func(tx *sql.Tx) error {
			if err := s.clearFailures(ctx, tx, account, client); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE staff SET last_login_at = ? WHERE id = ?`), s.ts(at), st.ID); err != nil {
				return err
			}
			return s.audit(ctx, tx, 0, staffActor(st.ID), st.ID, "login", "", at)
		}); err != nil {
			return nil, fmt.Errorf("feedback: authenticate: %w", err)
		}
		st.LastLoginAt = at
		return st, nil
	}
	var failures int
	var started time.Duration
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if failures, started, err = s.recordFailure(ctx, tx, account, client, at); err != nil {
			return err
		}
		detail := fmt.Sprintf("failures=%d", failures)
		if started > 0 {
			detail += " wait=" + started.String()
		}
		// An unknown email gets its audit row too (without an account), so
		// that a failure costs the same work either way.
		var id int64
		if st != nil {
			id = st.ID
		} else {
			detail += " unknown_account"
		}
		return s.audit(ctx, tx, 0, ActorSystem, id, "login_failed", detail, at)
	})
	if err != nil {
		return nil, fmt.Errorf("feedback: authenticate: %w", err)
	}
	if started > 0 {
		s.log.Warn("staff login throttled", "account", account[:12], "client", client[:min(12, len(client))], "failures", failures, "wait_s", int(started.Seconds()))
	}
	return nil, ErrBadCredentials
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// CreateSession starts a login session for the staff member, valid for ttl
// after its last use, and returns its token (32 random bytes, base64url) for
// the cookie. Only a SHA-256 of the token is stored. It returns ErrNotFound
// for an unknown or disabled account.
func (s *Store) CreateSession(ctx context.Context, staffID int64, ttl time.Duration) (string, error) {
	var b [32]byte
	rand.Read(b[:])
	token := base64.RawURLEncoding.EncodeToString(b[:])
	now := s.now()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var disabled bool
		err := tx.QueryRowContext(ctx, s.q(`SELECT disabled FROM staff WHERE id = ?`), staffID).Scan(&disabled)
		if errors.Is(err, sql.ErrNoRows) || disabled {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO sessions (token_hash, staff_id, created_at, expires_at, last_seen, ttl_seconds) VALUES (?, ?, ?, ?, ?, ?)`),
			tokenHash(token), staffID, s.ts(now), s.ts(now.Add(ttl)), s.ts(now), int64(ttl/time.Second))
		return err
	})
	if err != nil {
		return "", fmt.Errorf("feedback: create session for staff %d: %w", staffID, err)
	}
	return token, nil
}

// sessionTouchEvery limits how often a session's sliding expiry is written.
const sessionTouchEvery = time.Minute

// SessionStaff returns the staff member of a live session at now and slides
// its expiry to now + ttl. It returns ErrNotFound when the token is unknown,
// expired, or its account disabled.
func (s *Store) SessionStaff(ctx context.Context, token string, now time.Time) (*Staff, error) {
	h := tokenHash(token)
	var lastSeen, expires time.Time
	var ttl int64
	st, err := scanStaff(s.db.QueryRowContext(ctx, s.q(`SELECT `+staffCols+`, se.last_seen, se.expires_at, se.ttl_seconds
		FROM sessions se JOIN staff ON staff.id = se.staff_id WHERE se.token_hash = ?`), h), tsDst(&lastSeen), tsDst(&expires), &ttl)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("feedback: session: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("feedback: session: %w", err)
	}
	if !now.Before(expires) || st.Disabled {
		return nil, fmt.Errorf("feedback: session: %w", ErrNotFound)
	}
	if now.Sub(lastSeen) >= sessionTouchEvery {
		if _, err := s.w.ExecContext(ctx, s.q(`UPDATE sessions SET last_seen = ?, expires_at = ? WHERE token_hash = ?`),
			s.ts(now), s.ts(now.Add(time.Duration(ttl)*time.Second)), h); err != nil {
			return nil, fmt.Errorf("feedback: session: %w", err)
		}
	}
	return st, nil
}

// DeleteSession ends the session (logout). Unknown tokens are not an error.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	if _, err := s.w.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE token_hash = ?`), tokenHash(token)); err != nil {
		return fmt.Errorf("feedback: delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions removes the sessions expired at now and returns how many.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, s.q(`DELETE FROM sessions WHERE expires_at <= ?`), s.ts(now))
	if err != nil {
		return 0, fmt.Errorf("feedback: delete expired sessions: %w", err)
	}
	return res.RowsAffected()
}
