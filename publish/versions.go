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

// Version is one published state of an item, as kept on the public record.
type Version struct {
	ID      int64     // the global sequence: ids grow in the order versions were committed
	Path    string    // the item: "agency/slug"
	Kind    Kind      // notice or dataset
	Number  int       // 1, 2, ... for the item
	Action  Action    // what this version did
	At      time.Time // when it was recorded (UTC); never before the item's previous version
	Agency  string    // the item's agency: the first segment of Path
	Actor   string    // StaffActor, TokenActor or ActorFile
	Reason  string    // why (a hand edit may have none: its Action says what it was)
	DraftID int64     // the draft it was approved from, 0 if none
	Digest  string    // identifies the set of files: equal digests, equal files
	Files   []File    // sorted by name: the item's files exactly (a withdrawal keeps the last ones)
}

// Withdrawn reports whether the item is off the site at this version.
func (v *Version) Withdrawn() bool { return v.Action == ActionWithdraw }

// File returns the version's file of that name.
func (v *Version) File(name string) (File, bool) {
	for _, f := range v.Files {
		if f.Name == name {
			return f, true
		}
	}
	return File{}, false
}

// Main returns the version's markdown file: <path>.md of a notice,
// <path>/index.md of a dataset.
func (v *Version) Main() File {
	f, _ := v.File(mainFile(v.Path, v.Kind))
	return f
}

// NewVersion is a version to record.
type NewVersion struct {
	Path   string
	Kind   Kind
	Action Action
	Actor  string // StaffActor, TokenActor or ActorFile
	Reason string // required to correct, withdraw and restore
	// Files are the item's files, stored with PutBlob or PutFiles (Size is
	// taken from the blob). A withdrawal without files keeps the latest
	// version's.
	Files []File
	// With CheckBase, the item's latest version number must be Base (0: the
	// item must not exist yet), else Record fails with a *ConflictError.
	CheckBase bool
	Base      int
}

// Record records a version of an item in one transaction that is durable
// once Record returns, and wakes the listeners of every replica (Listen).
//
// Recording is idempotent: when the item's latest version already has the
// same files and the same withdrawn state, nothing is recorded and Record
// returns that version with created false. Otherwise the action must fit the
// item: publish a new item (or re-publish nothing), correct a published one,
// withdraw a published one, restore a withdrawn one; a hand edit fits any
// item, new, published or withdrawn (it puts a withdrawn item back). A
// version's number is the item's previous number + 1, and its id the next of
// the global sequence, even when replicas record at once.
//
// Errors: ErrInvalid (bad path, kind, file name, actor, missing reason, a
// kind other than the item's), ErrTooLarge, ErrUnknownBlob, ErrNotFound (to
// correct, withdraw or restore an item never published), ErrInvalidState (an
// action that does not fit), *ConflictError (with CheckBase); other errors
// are the database's, wrapped "publish: ...".
func (s *Store) Record(ctx context.Context, nv NewVersion) (v *Version, created bool, err error) {
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		v, created, err = s.recordTx(ctx, tx, nv, 0)
		return err
	})
	if err != nil {
		return nil, false, wrap("record "+nv.Path, err)
	}
	if created {
		s.changed()
	}
	return v, created, nil
}

// wrap prefixes database errors; the package's own errors already say "publish:".
func wrap(what string, err error) error {
	for _, e := range []error{ErrNotFound, ErrInvalid, ErrInvalidState, ErrConflict, ErrTooLarge, ErrUnknownBlob, ErrBadToken} {
		if errors.Is(err, e) {
			return err
		}
	}
	return fmt.Errorf("publish: %s: %w", what, err)
}

// item is an item's row with its latest version's time and digest.
type item struct {
	kind      Kind
	latestID  int64
	number    int
	withdrawn bool
	at        time.Time
	digest    string
}

// item reads the item at path; ok is false when it was never published.
func (s *Store) item(ctx context.Context, q sqldb.Querier, p string) (it item, ok bool, err error) {
	err = q.QueryRowContext(ctx, s.db.Q(`SELECT i.kind, i.latest_id, i.number, i.withdrawn, v.created_at, v.digest
		FROM publish_items i JOIN publish_versions v ON v.id = i.latest_id WHERE i.path = ?`), p).
		Scan(&it.kind, &it.latestID, &it.number, &it.withdrawn, scanTime(&it.at), &it.digest)
	if errors.Is(err, sql.ErrNoRows) {
		return item{}, false, nil
	}
	return it, err == nil, err
}

// recordTx is Record inside tx (which it locks); draftID links the version
// to the draft approved.
func (s *Store) recordTx(ctx context.Context, tx *sql.Tx, nv NewVersion, draftID int64) (*Version, bool, error) {
	agency, err := checkItem(nv.Path, nv.Kind)
	if err != nil {
		return nil, false, err
	}
	switch nv.Action {
	case ActionPublish, ActionHandEdit:
	case ActionCorrect, ActionWithdraw, ActionRestore:
		if strings.TrimSpace(nv.Reason) == "" {
			return nil, false, fmt.Errorf("%w: a reason is required to %s", ErrInvalid, nv.Action)
		}
	default:
		return nil, false, fmt.Errorf("%w: action %q", ErrInvalid, nv.Action)
	}
	if err := checkActor(nv.Actor); err != nil {
		return nil, false, err
	}
	if err := s.checkReason("reason", nv.Reason); err != nil {
		return nil, false, err
	}
	keep := nv.Action == ActionWithdraw && len(nv.Files) == 0
	var files []File
	if !keep {
		if files, err = s.checkFiles(nv.Path, nv.Kind, nv.Files); err != nil {
			return nil, false, err
		}
	}
	if err := s.lock(ctx, tx); err != nil {
		return nil, false, err
	}
	it, found, err := s.item(ctx, tx, nv.Path)
	if err != nil {
		return nil, false, err
	}
	if found && it.kind != nv.Kind {
		return nil, false, fmt.Errorf("%w: %s is a %s, not a %s", ErrInvalid, nv.Path, it.kind, nv.Kind)
	}
	if nv.CheckBase && it.number != nv.Base {
		return nil, false, &ConflictError{Path: nv.Path, Base: nv.Base, Latest: it.number}
	}
	if !found && nv.Action != ActionPublish && nv.Action != ActionHandEdit {
		return nil, false, fmt.Errorf("%w: %s was never published: cannot %s it", ErrNotFound, nv.Path, nv.Action)
	}
	if keep {
		latest, err := s.versionsWhere(ctx, tx, `v.id = ?`, it.latestID)
		if err != nil {
			return nil, false, err
		}
		files = latest[0].Files
	}
	if err := s.blobSizes(ctx, tx, files); err != nil {
		return nil, false, err
	}
	if err := s.checkSize(files); err != nil {
		return nil, false, err
	}
	dig := digest(files)
	withdrawn := nv.Action == ActionWithdraw
	if found && dig == it.digest && withdrawn == it.withdrawn {
		latest, err := s.versionsWhere(ctx, tx, `v.id = ?`, it.latestID)
		if err != nil {
			return nil, false, err
		}
		return &latest[0], false, nil
	}
	if found {
		var why string
		switch nv.Action {
		case ActionPublish:
			why = "it is already published: correct or restore it"
		case ActionCorrect:
			if it.withdrawn {
				why = "it is withdrawn: restore it"
			}
		case ActionWithdraw:
			if it.withdrawn {
				why = "it is already withdrawn"
			}
		case ActionRestore:
			if !it.withdrawn {
				why = "it is not withdrawn: correct it"
			}
		}
		if why != "" {
			return nil, false, fmt.Errorf("%w: cannot %s %s: %s", ErrInvalidState, nv.Action, nv.Path, why)
		}
	}

	v := &Version{Path: nv.Path, Kind: nv.Kind, Number: it.number + 1, Action: nv.Action,
		At: s.now().UTC().Truncate(time.Microsecond), Agency: agency, Actor: nv.Actor, Reason: nv.Reason,
		DraftID: draftID, Digest: dig, Files: files}
	if v.At.Before(it.at) {
		v.At = it.at // a replica's clock behind the last one's: history stays in order
	}
	var draft any
	if draftID != 0 {
		draft = draftID
	}
	if !found {
		if _, err := tx.ExecContext(ctx, s.db.Q(`INSERT INTO publish_items (path, kind, agency, latest_id, number, withdrawn, updated_at) VALUES (?, ?, ?, 0, 0, ?, ?)`),
			v.Path, v.Kind, agency, false, s.db.Time(v.At)); err != nil {
			return nil, false, err
		}
	}
	if err := tx.QueryRowContext(ctx, s.db.Q(`INSERT INTO publish_versions (path, kind, number, action, created_at, agency, actor, reason, digest, draft_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		v.Path, v.Kind, v.Number, v.Action, s.db.Time(v.At), v.Agency, v.Actor, v.Reason, v.Digest, draft).Scan(&v.ID); err != nil {
		return nil, false, err
	}
	for _, f := range files {
		if _, err := tx.ExecContext(ctx, s.db.Q(`INSERT INTO publish_version_files (version_id, name, blob, size) VALUES (?, ?, ?, ?)`),
			v.ID, f.Name, f.Hash, f.Size); err != nil {
			return nil, false, err
		}
	}
	if _, err := tx.ExecContext(ctx, s.db.Q(`UPDATE publish_items SET latest_id = ?, number = ?, withdrawn = ?, updated_at = ? WHERE path = ?`),
		v.ID, v.Number, withdrawn, s.db.Time(v.At), v.Path); err != nil {
		return nil, false, err
	}
	if err := s.db.Notify(ctx, tx, notifyChannel); err != nil {
		return nil, false, err
	}
	return v, true, nil
}

const versionCols = `v.id, v.path, v.kind, v.number, v.action, v.created_at, v.agency, v.actor, v.reason, v.digest, COALESCE(v.draft_id, 0)`

// versionsWhere reads the versions matching where (on the alias v), ordered
// by id, with their files.
func (s *Store) versionsWhere(ctx context.Context, q sqldb.Querier, where string, args ...any) ([]Version, error) {
	return s.versionsQuery(ctx, q, `SELECT `+versionCols+` FROM publish_versions v WHERE `+where+` ORDER BY v.id`, args...)
}

// versionsQuery reads versions with query (selecting versionCols) and adds
// their files.
func (s *Store) versionsQuery(ctx context.Context, q sqldb.Querier, query string, args ...any) ([]Version, error) {
	rows, err := q.QueryContext(ctx, s.db.Q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var vs []Version
	for rows.Next() {
		var v Version
		if err := rows.Scan(&v.ID, &v.Path, &v.Kind, &v.Number, &v.Action, scanTime(&v.At), &v.Agency, &v.Actor, &v.Reason, &v.Digest, &v.DraftID); err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return vs, s.versionFiles(ctx, q, vs)
}

// filesChunk is how many versions' files one query reads.
const filesChunk = 200

// versionFiles reads the files of vs.
func (s *Store) versionFiles(ctx context.Context, q sqldb.Querier, vs []Version) error {
	byID := make(map[int64]*Version, len(vs))
	for i := range vs {
		byID[vs[i].ID] = &vs[i]
	}
	for start := 0; start < len(vs); start += filesChunk {
		chunk := vs[start:min(start+filesChunk, len(vs))]
		args := make([]any, len(chunk))
		for i, v := range chunk {
			args[i] = v.ID
		}
		marks := strings.Repeat("?, ", len(chunk)-1) + "?"
		rows, err := q.QueryContext(ctx, s.db.Q(`SELECT version_id, name, blob, size FROM publish_version_files WHERE version_id IN (`+marks+`) ORDER BY version_id, name`), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var f File
			if err := rows.Scan(&id, &f.Name, &f.Hash, &f.Size); err != nil {
				rows.Close()
				return err
			}
			v := byID[id]
			v.Files = append(v.Files, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// Versions returns every version of the item at path, oldest first (number
// 1, 2, ...), with their files. It fails with ErrNotFound when the item was
// never published.
func (s *Store) Versions(ctx context.Context, p string) ([]Version, error) {
	vs, err := s.versionsWhere(ctx, s.db.Reader(), `v.path = ?`, p)
	if err != nil {
		return nil, fmt.Errorf("publish: versions of %s: %w", p, err)
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("%w: item %s", ErrNotFound, p)
	}
	return vs, nil
}

// Version returns version number n of the item at path. It fails with
// ErrNotFound when there is none.
func (s *Store) Version(ctx context.Context, p string, n int) (*Version, error) {
	return s.one(ctx, fmt.Sprintf("version %d of %s", n, p), `v.path = ? AND v.number = ?`, p, n)
}

// VersionByID returns the version with that sequence id. It fails with
// ErrNotFound when there is none.
func (s *Store) VersionByID(ctx context.Context, id int64) (*Version, error) {
	return s.one(ctx, fmt.Sprintf("version id %d", id), `v.id = ?`, id)
}

// Latest returns the latest version of the item at path (a withdrawal when
// the item is withdrawn). It fails with ErrNotFound when the item was never
// published.
func (s *Store) Latest(ctx context.Context, p string) (*Version, error) {
	return s.one(ctx, "latest version of "+p, `v.id = (SELECT latest_id FROM publish_items WHERE path = ?)`, p)
}

// VersionAt returns the version of the item at path that was in force at t:
// the last one recorded at or before t (a withdrawal if the item was
// withdrawn then). It fails with ErrNotFound when the item was not yet
// published at t.
func (s *Store) VersionAt(ctx context.Context, p string, t time.Time) (*Version, error) {
	return s.one(ctx, fmt.Sprintf("version of %s at %s", p, t.Format(time.RFC3339)),
		`v.path = ? AND v.number = (SELECT MAX(number) FROM publish_versions WHERE path = ? AND created_at <= ?)`, p, p, s.db.Time(t))
}

func (s *Store) one(ctx context.Context, what, where string, args ...any) (*Version, error) {
	vs, err := s.versionsWhere(ctx, s.db.Reader(), where, args...)
	if err != nil {
		return nil, fmt.Errorf("publish: %s: %w", what, err)
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, what)
	}
	return &vs[0], nil
}

// Head returns the id of the last version recorded (0 when none): with
// EachLatest and VersionsSince, what a replica needs to catch up.
func (s *Store) Head(ctx context.Context) (int64, error) {
	var id int64
	if err := s.db.Reader().QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM publish_versions`).Scan(&id); err != nil {
		return 0, fmt.Errorf("publish: head: %w", err)
	}
	return id, nil
}

// VersionsSince returns the versions whose id is above after, in id order
// (the order they were committed), at most limit of them (500 when limit ≤
// 0), with their files: a replica applies them in order and continues from
// the last id. Ids may have gaps (a rolled back transaction) but never appear
// below one already returned.
func (s *Store) VersionsSince(ctx context.Context, after int64, limit int) ([]Version, error) {
	if limit <= 0 {
		limit = 500
	}
	vs, err := s.versionsQuery(ctx, s.db.Reader(), `SELECT `+versionCols+` FROM publish_versions v WHERE v.id > ? ORDER BY v.id LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("publish: versions since %d: %w", after, err)
	}
	return vs, nil
}

// latestPage is how many items EachLatest reads at a time.
const latestPage = 500

// EachLatest calls fn with the latest version of every item ever published
// (withdrawn ones too), in path order, with its files, and stops at fn's
// first error, which it returns. It reads a page of items at a time, so fn may
// take its time. A replica that starts empty takes Head first, then applies
// EachLatest, then VersionsSince(head): versions recorded meanwhile come
// through both, and applying a version twice changes nothing.
func (s *Store) EachLatest(ctx context.Context, fn func(*Version) error) error {
	after := ""
	for {
		vs, err := s.versionsQuery(ctx, s.db.Reader(), `SELECT `+versionCols+` FROM publish_items i JOIN publish_versions v ON v.id = i.latest_id
			WHERE i.path > ? ORDER BY i.path LIMIT ?`, after, s.latestPage)
		if err != nil {
			return fmt.Errorf("publish: latest versions: %w", err)
		}
		for i := range vs {
			if err := fn(&vs[i]); err != nil {
				return err
			}
		}
		if len(vs) < s.latestPage {
			return nil
		}
		after = vs[len(vs)-1].Path
	}
}
