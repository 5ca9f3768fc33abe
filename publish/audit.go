package publish

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// AuditEntry is one action of the publishing console or API, kept for the
// agency's admins: who (a StaffActor or TokenActor) did what to which item
// or token, when. The versions say what was published; the audit says how.
type AuditEntry struct {
	ID      int64
	At      time.Time
	Agency  string
	Actor   string
	Action  string // draft_saved, draft_submit, draft_approve, draft_reject, draft_delete, token_created, token_revoked
	Path    string // the item's path, or the agency for a token
	Draft   int64  // the draft acted on, 0 for none
	Version int    // the item's version an approval made, 0 for none
	Detail  string // the rest: a review note, a token's name and prefix
}

// auditDetailMax bounds an entry's detail, in bytes.
const auditDetailMax = 2000

// AddAudit records an action; At is the store's clock when zero. Errors:
// ErrInvalid (no agency, actor or action), others from the database wrapped
// "publish: ...".
func (s *Store) AddAudit(ctx context.Context, e AuditEntry) error {
	if !slug.MatchString(e.Agency) || e.Actor == "" || e.Action == "" {
		return fmt.Errorf("%w: audit entry of agency %q, actor %q, action %q", ErrInvalid, e.Agency, e.Actor, e.Action)
	}
	if e.At.IsZero() {
		e.At = s.now()
	}
	d := strings.ToValidUTF8(e.Detail, "\uFFFD")
	if len(d) > auditDetailMax {
		d = d[:auditDetailMax]
		for !utf8.ValidString(d) {
			d = d[:len(d)-1]
		}
	}
	_, err := s.db.Writer().ExecContext(ctx, s.db.Q(`INSERT INTO publish_audit (created_at, agency, actor, action, path, draft_id, version, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
		s.db.Time(e.At), e.Agency, e.Actor, e.Action, e.Path, e.Draft, e.Version, d)
	if err != nil {
		return fmt.Errorf("publish: audit: %w", err)
	}
	return nil
}

// AuditLog lists the entries of an agency ("" for all), newest first: at
// most limit (1 to 500) of those with an id below before (0: from the
// newest).
func (s *Store) AuditLog(ctx context.Context, agency string, before int64, limit int) ([]AuditEntry, error) {
	limit = min(max(limit, 1), 500)
	q, args := `SELECT id, created_at, agency, actor, action, path, draft_id, version, detail FROM publish_audit WHERE 1 = 1`, []any{}
	if agency != "" {
		q, args = q+` AND agency = ?`, append(args, agency)
	}
	if before > 0 {
		q, args = q+` AND id < ?`, append(args, before)
	}
	rows, err := s.db.Reader().QueryContext(ctx, s.db.Q(q+` ORDER BY id DESC LIMIT ?`), append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("publish: audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, scanTime(&e.At), &e.Agency, &e.Actor, &e.Action, &e.Path, &e.Draft, &e.Version, &e.Detail); err != nil {
			return nil, fmt.Errorf("publish: audit log: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("publish: audit log: %w", err)
	}
	return out, nil
}
