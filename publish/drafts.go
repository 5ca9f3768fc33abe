package publish

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/congkhai/congkhai/internal/sqldb"
)

// DraftState is where a draft is in the workflow:
//
//	draft ──SubmitDraft──► pending ──ApproveDraft──► published
//	  ▲                      │
//	  └──UpdateDraft── rejected ◄──RejectDraft
//
// ApproveDraft also takes a draft straight from draft to published (an agency
// allowed to publish without approval, or an admin's own change); who may do
// what is the server's to check.
type DraftState string

// Draft states.
const (
	DraftOpen      DraftState = "draft"
	DraftPending   DraftState = "pending"
	DraftPublished DraftState = "published"
	DraftRejected  DraftState = "rejected"
)

// Draft is a proposed change of an item, not public until approved: a new
// item, a correction, a withdrawal or a restoration.
type Draft struct {
	ID         int64
	Agency     string // the first segment of Path
	Kind       Kind
	Path       string // the item it creates or changes
	Action     Action // publish, correct, withdraw or restore
	Base       int    // the item's version number it was made from (0: a new item)
	Author     string // StaffActor or TokenActor
	State      DraftState
	Reason     string
	Reviewer   string // who approved or rejected it
	ReviewNote string
	VersionID  int64 // the version it became, once published
	Created    time.Time
	Updated    time.Time
	Submitted  time.Time // zero until submitted
	Reviewed   time.Time // zero until approved or rejected
	Files      []File    // sorted by name; empty for a withdrawal (the latest files are kept)
}

// NewDraft is a draft to create.
type NewDraft struct {
	Kind   Kind
	Path   string
	Action Action // "" is publish when Base is 0, correct otherwise
	Base   int    // the item's latest version number when the author started (0: a new item)
	Author string
	Reason string
	Files  []File // stored with PutBlob or PutFiles; none for a withdrawal
}

// CreateDraft stores a draft in state draft. Base must be the item's latest
// version number (0 for an item that does not exist), else it fails with a
// *ConflictError; other errors are as Record's (ErrInvalid, ErrTooLarge,
// ErrUnknownBlob), wrapped "publish: ..." for the database's.
func (s *Store) CreateDraft(ctx context.Context, nd NewDraft) (*Draft, error) {
	agency, err := checkItem(nd.Path, nd.Kind)
	if err != nil {
		return nil, err
	}
	if nd.Action == "" {
		nd.Action = ActionCorrect
		if nd.Base == 0 {
			nd.Action = ActionPublish
		}
	}
	switch nd.Action {
	case ActionPublish, ActionCorrect, ActionWithdraw, ActionRestore:
	default:
		return nil, fmt.Errorf("%w: a draft cannot %q", ErrInvalid, nd.Action)
	}
	if nd.Action == ActionWithdraw && len(nd.Files) > 0 {
		return nil, fmt.Errorf("%w: a withdrawal keeps the item's files: give none", ErrInvalid)
	}
	if err := checkActor(nd.Author); err != nil {
		return nil, err
	}
	if nd.Author == ActorFile {
		return nil, fmt.Errorf("%w: a draft's author is a person or a token", ErrInvalid)
	}
	if err := s.checkReason("reason", nd.Reason); err != nil {
		return nil, err
	}
	var files []File
	if nd.Action != ActionWithdraw {
		if files, err = s.checkFiles(nd.Path, nd.Kind, nd.Files); err != nil {
			return nil, err
		}
	}
	now := s.now()
	d := &Draft{Agency: agency, Kind: nd.Kind, Path: nd.Path, Action: nd.Action, Base: nd.Base, Author: nd.Author,
		State: DraftOpen, Reason: nd.Reason, Created: now.UTC().Truncate(time.Microsecond), Files: files}
	d.Updated = d.Created
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		it, found, err := s.item(ctx, tx, nd.Path)
		if err != nil {
			return err
		}
		if found && it.kind != nd.Kind {
			return fmt.Errorf("%w: %s is a %s, not a %s", ErrInvalid, nd.Path, it.kind, nd.Kind)
		}
		if it.number != nd.Base {
			return &ConflictError{Path: nd.Path, Base: nd.Base, Latest: it.number}
		}
		if err := s.blobSizes(ctx, tx, files); err != nil {
			return err
		}
		if err := s.checkSize(files); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, s.db.Q(`INSERT INTO publish_drafts (agency, kind, path, action, base, author, state, reason, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			d.Agency, d.Kind, d.Path, d.Action, d.Base, d.Author, d.State, d.Reason, s.db.Time(now), s.db.Time(now)).Scan(&d.ID); err != nil {
			return err
		}
		return s.putDraftFiles(ctx, tx, d.ID, files)
	})
	if err != nil {
		return nil, wrap("create draft of "+nd.Path, err)
	}
	return d, nil
}

func (s *Store) putDraftFiles(ctx context.Context, tx *sql.Tx, id int64, files []File) error {
	if _, err := tx.ExecContext(ctx, s.db.Q(`DELETE FROM publish_draft_files WHERE draft_id = ?`), id); err != nil {
		return err
	}
	for _, f := range files {
		if _, err := tx.ExecContext(ctx, s.db.Q(`INSERT INTO publish_draft_files (draft_id, name, blob, size) VALUES (?, ?, ?, ?)`),
			id, f.Name, f.Hash, f.Size); err != nil {
			return err
		}
	}
	return nil
}

const draftCols = `id, agency, kind, path, action, base, author, state, reason, reviewer, review_note, COALESCE(version_id, 0),
	created_at, updated_at, submitted_at, reviewed_at`

func scanDraft(row interface{ Scan(...any) error }) (*Draft, error) {
	var d Draft
	err := row.Scan(&d.ID, &d.Agency, &d.Kind, &d.Path, &d.Action, &d.Base, &d.Author, &d.State, &d.Reason, &d.Reviewer, &d.ReviewNote,
		&d.VersionID, scanTime(&d.Created), scanTime(&d.Updated), scanTime(&d.Submitted), scanTime(&d.Reviewed))
	return &d, err
}

// draft reads a draft with its files; forUpdate locks its row (PostgreSQL).
func (s *Store) draft(ctx context.Context, q sqldb.Querier, id int64, forUpdate bool) (*Draft, error) {
	lock := ""
	if forUpdate {
		lock = s.db.ForUpdate()
	}
	d, err := scanDraft(q.QueryRowContext(ctx, s.db.Q(`SELECT `+draftCols+` FROM publish_drafts WHERE id = ?`+lock), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: draft %d", ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, s.db.Q(`SELECT name, blob, size FROM publish_draft_files WHERE draft_id = ? ORDER BY name`), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f File
		if err := rows.Scan(&f.Name, &f.Hash, &f.Size); err != nil {
			return nil, err
		}
		d.Files = append(d.Files, f)
	}
	return d, rows.Err()
}

// Draft returns a draft with its files. It fails with ErrNotFound.
func (s *Store) Draft(ctx context.Context, id int64) (*Draft, error) {
	d, err := s.draft(ctx, s.db.Reader(), id, false)
	if err != nil {
		return nil, wrap(fmt.Sprintf("draft %d", id), err)
	}
	return d, nil
}

// DraftFilter selects drafts; zero fields select all.
type DraftFilter struct {
	Agency string
	Path   string
	States []DraftState
	Author string
	Limit  int // at most this many, the most recently updated first (default 200)
}

// Drafts lists drafts, the most recently updated first, without their files
// (Draft has them).
func (s *Store) Drafts(ctx context.Context, f DraftFilter) ([]Draft, error) {
	var where []string
	var args []any
	if f.Agency != "" {
		where, args = append(where, "agency = ?"), append(args, f.Agency)
	}
	if f.Path != "" {
		where, args = append(where, "path = ?"), append(args, f.Path)
	}
	if f.Author != "" {
		where, args = append(where, "author = ?"), append(args, f.Author)
	}
	if len(f.States) > 0 {
		where = append(where, "state IN ("+strings.Repeat("?, ", len(f.States)-1)+"?)")
		for _, st := range f.States {
			args = append(args, st)
		}
	}
	q := `SELECT ` + draftCols + ` FROM publish_drafts`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	rows, err := s.db.Reader().QueryContext(ctx, s.db.Q(q+` ORDER BY updated_at DESC, id DESC LIMIT ?`), append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("publish: drafts: %w", err)
	}
	defer rows.Close()
	var out []Draft
	for rows.Next() {
		d, err := scanDraft(rows)
		if err != nil {
			return nil, fmt.Errorf("publish: drafts: %w", err)
		}
		out = append(out, *d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("publish: drafts: %w", err)
	}
	return out, nil
}

// changeDraft runs fn on the draft, locked, in a write transaction, after
// checking that its state is one of from (else ErrInvalidState).
func (s *Store) changeDraft(ctx context.Context, id int64, from []DraftState, fn func(tx *sql.Tx, d *Draft) error) (*Draft, error) {
	var d *Draft
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if d, err = s.draft(ctx, tx, id, true); err != nil {
			return err
		}
		ok := false
		for _, st := range from {
			ok = ok || d.State == st
		}
		if !ok {
			return fmt.Errorf("%w: draft %d is %s", ErrInvalidState, id, d.State)
		}
		return fn(tx, d)
	})
	if err != nil {
		return nil, wrap(fmt.Sprintf("draft %d", id), err)
	}
	return d, nil
}

// UpdateDraft replaces the reason and files of a draft that is open or
// rejected; it is open again afterwards. Errors: ErrNotFound,
// ErrInvalidState, and CreateDraft's about the files.
func (s *Store) UpdateDraft(ctx context.Context, id int64, reason string, files []File) (*Draft, error) {
	if err := s.checkReason("reason", reason); err != nil {
		return nil, err
	}
	return s.changeDraft(ctx, id, []DraftState{DraftOpen, DraftRejected}, func(tx *sql.Tx, d *Draft) error {
		var err error
		if d.Action == ActionWithdraw {
			if len(files) > 0 {
				return fmt.Errorf("%w: a withdrawal keeps the item's files: give none", ErrInvalid)
			}
		} else if files, err = s.checkFiles(d.Path, d.Kind, files); err != nil {
			return err
		}
		if err := s.blobSizes(ctx, tx, files); err != nil {
			return err
		}
		if err := s.checkSize(files); err != nil {
			return err
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, s.db.Q(`UPDATE publish_drafts SET reason = ?, state = ?, updated_at = ? WHERE id = ?`),
			reason, DraftOpen, s.db.Time(now), id); err != nil {
			return err
		}
		d.Reason, d.State, d.Updated, d.Files = reason, DraftOpen, now.UTC().Truncate(time.Microsecond), files
		return s.putDraftFiles(ctx, tx, id, files)
	})
}

// SubmitDraft asks for approval: an open or rejected draft becomes pending.
// Errors: ErrNotFound, ErrInvalidState.
func (s *Store) SubmitDraft(ctx context.Context, id int64) (*Draft, error) {
	return s.changeDraft(ctx, id, []DraftState{DraftOpen, DraftRejected}, func(tx *sql.Tx, d *Draft) error {
		now := s.now()
		if _, err := tx.ExecContext(ctx, s.db.Q(`UPDATE publish_drafts SET state = ?, submitted_at = ?, updated_at = ? WHERE id = ?`),
			DraftPending, s.db.Time(now), s.db.Time(now), id); err != nil {
			return err
		}
		d.State, d.Submitted, d.Updated = DraftPending, now.UTC().Truncate(time.Microsecond), now.UTC().Truncate(time.Microsecond)
		return nil
	})
}

// RejectDraft sends a pending draft back to its author with a note.
// Errors: ErrNotFound, ErrInvalidState, ErrInvalid (reviewer, note).
func (s *Store) RejectDraft(ctx context.Context, id int64, reviewer, note string) (*Draft, error) {
	if err := checkActor(reviewer); err != nil {
		return nil, err
	}
	if err := s.checkReason("note", note); err != nil {
		return nil, err
	}
	return s.changeDraft(ctx, id, []DraftState{DraftPending}, func(tx *sql.Tx, d *Draft) error {
		now := s.now()
		if _, err := tx.ExecContext(ctx, s.db.Q(`UPDATE publish_drafts SET state = ?, reviewer = ?, review_note = ?, reviewed_at = ?, updated_at = ? WHERE id = ?`),
			DraftRejected, reviewer, note, s.db.Time(now), s.db.Time(now), id); err != nil {
			return err
		}
		t := now.UTC().Truncate(time.Microsecond)
		d.State, d.Reviewer, d.ReviewNote, d.Reviewed, d.Updated = DraftRejected, reviewer, note, t, t
		return nil
	})
}

// ApproveDraft publishes an open or pending draft: in one transaction the
// draft's version is recorded (actor: the reviewer, reason: the draft's, and
// a link to the draft) and the draft becomes published. The item's latest
// version must still be the draft's base, else it fails with a
// *ConflictError and the draft stays as it was: two drafts made from the same
// version cannot both be approved. When the draft changes nothing, it is
// marked published with the item's latest version. Other errors: ErrNotFound,
// ErrInvalidState (also from Record's rules), ErrInvalid.
func (s *Store) ApproveDraft(ctx context.Context, id int64, reviewer, note string) (*Draft, *Version, error) {
	if err := checkActor(reviewer); err != nil {
		return nil, nil, err
	}
	if err := s.checkReason("note", note); err != nil {
		return nil, nil, err
	}
	var v *Version
	var created bool
	d, err := s.changeDraft(ctx, id, []DraftState{DraftOpen, DraftPending}, func(tx *sql.Tx, d *Draft) error {
		var err error
		v, created, err = s.recordTx(ctx, tx, NewVersion{Path: d.Path, Kind: d.Kind, Action: d.Action, Actor: reviewer,
			Reason: d.Reason, Files: d.Files, CheckBase: true, Base: d.Base}, d.ID)
		if err != nil {
			return err
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, s.db.Q(`UPDATE publish_drafts SET state = ?, reviewer = ?, review_note = ?, version_id = ?, reviewed_at = ?, updated_at = ? WHERE id = ?`),
			DraftPublished, reviewer, note, v.ID, s.db.Time(now), s.db.Time(now), id); err != nil {
			return err
		}
		t := now.UTC().Truncate(time.Microsecond)
		d.State, d.Reviewer, d.ReviewNote, d.VersionID, d.Reviewed, d.Updated = DraftPublished, reviewer, note, v.ID, t, t
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if created {
		s.changed()
	}
	return d, v, nil
}

// DeleteDraft deletes an open or rejected draft (its blobs stay).
// Errors: ErrNotFound, ErrInvalidState.
func (s *Store) DeleteDraft(ctx context.Context, id int64) error {
	_, err := s.changeDraft(ctx, id, []DraftState{DraftOpen, DraftRejected}, func(tx *sql.Tx, d *Draft) error {
		if _, err := tx.ExecContext(ctx, s.db.Q(`DELETE FROM publish_draft_files WHERE draft_id = ?`), id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.db.Q(`DELETE FROM publish_drafts WHERE id = ?`), id)
		return err
	})
	return err
}
