package publish

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/congkhai/congkhai/internal/sqldb"
)

//go:embed migrations
var migrationFiles embed.FS

// migrationComponent names this package's rows in schema_migrations.
const migrationComponent = "publish"

// notifyChannel is the PostgreSQL channel of recorded versions.
const notifyChannel = "congkhai_publish"

// Errors. Check them with errors.Is.
var (
	// ErrNotFound: no such item, version, draft, token or blob.
	ErrNotFound = errors.New("publish: not found")
	// ErrInvalid: the input breaks a rule of the package (bad path, file
	// name, kind, action, missing reason...); the wrapped message says which.
	ErrInvalid = errors.New("publish: invalid")
	// ErrInvalidState: the action does not apply to the item or draft as it
	// is (correcting a withdrawn item, approving a rejected draft...).
	ErrInvalidState = errors.New("publish: invalid state")
	// ErrConflict: the item changed since the version a change was made
	// from; the error is a *ConflictError.
	ErrConflict = errors.New("publish: conflict")
	// ErrTooLarge: a file or a version is over the store's Limits.
	ErrTooLarge = errors.New("publish: too large")
	// ErrUnknownBlob: a file refers to a hash that PutBlob never stored.
	ErrUnknownBlob = errors.New("publish: unknown blob")
	// ErrBadToken: an API secret that is malformed, unknown or revoked.
	ErrBadToken = errors.New("publish: bad token")
)

// ConflictError says that an item's latest version is not the one a change
// was based on: someone published in between. errors.Is(err, ErrConflict).
type ConflictError struct {
	Path   string
	Base   int // the version number the change was made from (0: a new item)
	Latest int // the item's latest version number now (0: none)
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("publish: %s changed meanwhile: made from version %d, latest is %d", e.Path, e.Base, e.Latest)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Kind is what an item is.
type Kind string

// Kinds of items.
const (
	Notice  Kind = "notice"  // <agency>/<slug>.md and its attachments
	Dataset Kind = "dataset" // <agency>/<slug>/index.md, its tables and attachments
)

// Action is what a version did to its item.
type Action string

// Actions. A withdrawn item stays withdrawn until a restore or a hand edit.
const (
	ActionPublish  Action = "publish"   // first publication
	ActionCorrect  Action = "correct"   // a correction of a published item
	ActionWithdraw Action = "withdraw"  // taken off the site (the version keeps the files for the record)
	ActionRestore  Action = "restore"   // put back after a withdrawal
	ActionHandEdit Action = "hand_edit" // a file of the content folder edited by hand
)

// Actors of versions, drafts and reviews are strings: StaffActor(id),
// TokenActor(id) or ActorFile.
const ActorFile = "file"

// StaffActor is the actor string of a staff account.
func StaffActor(id int64) string { return "staff:" + strconv.FormatInt(id, 10) }

// TokenActor is the actor string of an API token.
func TokenActor(id int64) string { return "token:" + strconv.FormatInt(id, 10) }

// Limits bound what the store accepts.
type Limits struct {
	FileSize     int64 // bytes of one file (default 128 MiB)
	VersionSize  int64 // bytes of all the files of a version or draft (default 512 MiB)
	VersionFiles int   // files in a version or draft (default 1000)
	Reason       int   // characters of a reason or review note (default 2000)
}

// DefaultLimits are the limits of a store made without WithLimits.
func DefaultLimits() Limits {
	return Limits{FileSize: 128 << 20, VersionSize: 512 << 20, VersionFiles: 1000, Reason: 2000}
}

// Store keeps the published versions, drafts, blobs and API tokens in the
// portal's database. Its methods are safe for concurrent use.
type Store struct {
	db     *sqldb.DB
	log    *slog.Logger
	now    func() time.Time
	limits Limits

	latestPage int // EachLatest's page size: latestPage, less in tests

	mu   sync.Mutex // guards subs
	subs map[chan struct{}]struct{}
}

// Option configures a Store at New.
type Option func(*Store)

// WithLogger sets the logger (default: the database's).
func WithLogger(l *slog.Logger) Option { return func(s *Store) { s.log = l } }

// WithClock sets the clock that dates versions, drafts and tokens (default
// time.Now).
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// WithLimits sets the size limits; fields ≤ 0 keep their defaults.
func WithLimits(l Limits) Option {
	return func(s *Store) {
		d := DefaultLimits()
		if l.FileSize <= 0 {
			l.FileSize = d.FileSize
		}
		if l.VersionSize <= 0 {
			l.VersionSize = d.VersionSize
		}
		if l.VersionFiles <= 0 {
			l.VersionFiles = d.VersionFiles
		}
		if l.Reason <= 0 {
			l.Reason = d.Reason
		}
		s.limits = l
	}
}

// New returns the store on an open database and brings its schema up to date
// (migrations/<dialect>/*.sql, component "publish"). The database stays the
// caller's to close, after the store's last use. New fails when the schema
// cannot be migrated; the error is wrapped "publish: ...".
func New(ctx context.Context, db *sqldb.DB, opts ...Option) (*Store, error) {
	s := &Store{db: db, log: db.Logger(), now: time.Now, limits: DefaultLimits(), latestPage: latestPage,
		subs: map[chan struct{}]struct{}{}}
	for _, o := range opts {
		o(s)
	}
	if err := db.Migrate(ctx, migrationComponent, migrationFiles, "migrations"); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	return s, nil
}

// Limits returns the store's size limits.
func (s *Store) Limits() Limits { return s.limits }

// Listen returns a channel that receives a value at once, then soon after
// each version recorded by any replica sharing the database (on PostgreSQL,
// through NOTIFY congkhai_publish, sent in the recording transaction, and
// after every reconnection of the listener) or by this Store (on SQLite,
// where one process owns the database). Values are coalesced: the receiver
// reads what is new with VersionsSince. The channel is closed when ctx ends.
func (s *Store) Listen(ctx context.Context) <-chan struct{} {
	if s.db.Postgres() {
		return s.db.Listen(ctx, notifyChannel)
	}
	ch := make(chan struct{}, 1)
	ch <- struct{}{}
	s.mu.Lock()
	s.subs[ch] = struct{}{}
	s.mu.Unlock()
	context.AfterFunc(ctx, func() {
		s.mu.Lock()
		delete(s.subs, ch)
		close(ch)
		s.mu.Unlock()
	})
	return ch
}

// changed wakes this process's listeners after a commit (SQLite; PostgreSQL
// delivers its notification to every listener itself).
func (s *Store) changed() {
	if s.db.Postgres() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// lock serialises the transactions that record versions. On PostgreSQL an
// advisory lock per schema makes the global sequence ids commit in order —
// a replica that has read up to id n never sees a smaller id appear later —
// and item numbers count without gaps; SQLite's single writer already does.
func (s *Store) lock(ctx context.Context, tx *sql.Tx) error {
	if !s.db.Postgres() {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('congkhai.publish.' || current_schema()))`)
	return err
}

// slug is a folder or file name of the content folder without its extension.
var slug = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// checkItem validates an item path ("agency/slug") and kind, and returns the
// agency.
func checkItem(p string, kind Kind) (agency string, err error) {
	agency, name, ok := strings.Cut(p, "/")
	if !ok || !slug.MatchString(agency) || !slug.MatchString(name) || len(p) > 300 {
		return "", fmt.Errorf("%w: item path %q: want agency/slug in lower-case letters, digits and hyphens", ErrInvalid, p)
	}
	if kind != Notice && kind != Dataset {
		return "", fmt.Errorf("%w: kind %q: want notice or dataset", ErrInvalid, kind)
	}
	return agency, nil
}

// mainFile is the markdown file every version of an item holds.
func mainFile(p string, kind Kind) string {
	if kind == Dataset {
		return p + "/index.md"
	}
	return p + ".md"
}

// checkFiles validates an item's files: names relative to the content folder,
// clean, inside the item's agency folder, no hidden segment; the item's main
// file present and no other markdown file (a version cannot overwrite another
// item or the agency's _agency.md); hashes well formed; not too many. Files
// are returned sorted by name. Sizes are checked by checkSize once known.
func (s *Store) checkFiles(p string, kind Kind, files []File) ([]File, error) {
	agency, _, _ := strings.Cut(p, "/")
	if len(files) > s.limits.VersionFiles {
		return nil, fmt.Errorf("%w: %d files, at most %d", ErrTooLarge, len(files), s.limits.VersionFiles)
	}
	out := sortedFiles(files)
	main, hasMain := mainFile(p, kind), false
	for i, f := range out {
		if i > 0 && out[i-1].Name == f.Name {
			return nil, fmt.Errorf("%w: file %q given twice", ErrInvalid, f.Name)
		}
		if err := checkName(f.Name, agency); err != nil {
			return nil, err
		}
		if !validHash(f.Hash) {
			return nil, fmt.Errorf("%w: file %q: hash %q is not a SHA-256 in hex", ErrInvalid, f.Name, f.Hash)
		}
		if f.Name == main {
			hasMain = true
		} else if strings.HasSuffix(f.Name, ".md") {
			return nil, fmt.Errorf("%w: file %q: the only markdown file of %s is %s", ErrInvalid, f.Name, p, main)
		}
	}
	if !hasMain {
		return nil, fmt.Errorf("%w: %s has no %s", ErrInvalid, p, main)
	}
	return out, nil
}

// checkSize checks the total size of files against the limit.
func (s *Store) checkSize(files []File) error {
	var total int64
	for _, f := range files {
		total += f.Size
	}
	if total > s.limits.VersionSize {
		return fmt.Errorf("%w: %d bytes of files, at most %d", ErrTooLarge, total, s.limits.VersionSize)
	}
	return nil
}

// checkName validates a file name: relative to the content folder,
// slash-separated, inside agency/, no empty, dot or hidden segment.
func checkName(name, agency string) error {
	bad := func(why string) error { return fmt.Errorf("%w: file name %q: %s", ErrInvalid, name, why) }
	switch {
	case len(name) > 1024 || !utf8.ValidString(name) || strings.ContainsAny(name, "\\\x00"):
		return bad("too long, not UTF-8 or with a backslash")
	case path.Clean(name) != name || path.IsAbs(name):
		return bad("not a clean relative path")
	case !strings.HasPrefix(name, agency+"/"):
		return bad("outside the agency's folder " + agency + "/")
	}
	for seg := range strings.SplitSeq(name, "/") {
		if seg == "" || strings.HasPrefix(seg, ".") || seg == "_agency.md" {
			return bad("hidden or reserved segment")
		}
	}
	return nil
}

// checkActor validates an actor string.
func checkActor(a string) error {
	if a == ActorFile {
		return nil
	}
	kind, id, ok := strings.Cut(a, ":")
	if n, err := strconv.ParseInt(id, 10, 64); !ok || err != nil || n <= 0 || (kind != "staff" && kind != "token") {
		return fmt.Errorf("%w: actor %q: want staff:<id>, token:<id> or file", ErrInvalid, a)
	}
	return nil
}

// checkReason validates a reason or note: UTF-8 within the length limit.
func (s *Store) checkReason(what, r string) error {
	if !utf8.ValidString(r) || utf8.RuneCountInString(r) > s.limits.Reason {
		return fmt.Errorf("%w: %s: at most %d characters of UTF-8 text", ErrInvalid, what, s.limits.Reason)
	}
	return nil
}

// Times come back in UTC.
func scanTime(t *time.Time) sql.Scanner { return sqldb.ScanTime(t, time.UTC) }
