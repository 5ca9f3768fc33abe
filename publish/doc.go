// Package publish keeps the public record of what agencies publish: every
// version of every notice and dataset, the drafts awaiting approval, and the
// agencies' API tokens, in the portal's database (package internal/sqldb,
// SQLite or PostgreSQL). It knows nothing of HTTP, of the content folder's
// formats or of who may do what: the server checks permissions, the portal
// writes the files.
//
// An item is a notice (<agency>/<slug>.md and its attachments) or a dataset
// (<agency>/<slug>/index.md, its tables and attachments), named by its path
// "agency/slug". A Version holds the item's files exactly — names relative
// to the content folder, each pointing to a blob: the file's bytes, stored
// once by SHA-256 whatever the number of versions holding them (PutBlob,
// PutFiles, Blob) — with its action (publish, correct, withdraw, restore,
// hand_edit), time, agency, actor (a staff account, an API token, or "file"
// for a hand edit) and reason. Versions are numbered 1, 2, ... per item and
// carry an id from one global sequence. Record is idempotent: recording the
// files and state the item already has records nothing. A withdrawal keeps
// the files for the record. VersionAt gives the version in force at a time.
//
// Record serialises its transactions (SQLite's single writer; an advisory
// lock on PostgreSQL), so version numbers have no gaps or duplicates and ids
// are committed in increasing order even when several replicas record at
// once. A replica follows with Head, EachLatest and VersionsSince, woken by
// Listen (NOTIFY congkhai_publish in the recording transaction on
// PostgreSQL; in-process on SQLite). A version is durable once Record
// returns (synchronous=FULL on SQLite).
//
// A Draft is a proposed change that is not public: staff create and submit
// it, a reviewer approves (ApproveDraft records its version in the same
// transaction) or rejects it. A draft remembers the version it was made
// from; approving it after the item changed fails with a *ConflictError, so
// of two drafts made from the same version only one can be approved.
//
// API tokens belong to one agency; the secret ("ckp_" + a public key id +
// 128 random bits) is shown once and stored as its SHA-256, compared in
// constant time; last use and revocation are kept.
//
// DiffText compares texts word by word (Vietnamese syllables, numbers and
// codes as words, punctuation apart) and DiffTable compares tables row by row
// and cell by cell, matching rows by a key column or by content. Both bound
// their work: huge inputs give a coarser diff, never a slow one.
//
// Errors: ErrNotFound, ErrInvalid, ErrInvalidState, ErrConflict
// (*ConflictError), ErrTooLarge, ErrUnknownBlob and ErrBadToken, checked
// with errors.Is; other errors are the database's, wrapped "publish: ...".
package publish
