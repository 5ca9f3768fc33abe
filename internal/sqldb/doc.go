// Package sqldb is the portal's database plumbing, shared by the packages
// that keep data in it (feedback, publish): one DB opened once by the command
// and passed to each of them.
//
// Open takes an empty dsn for SQLite in the data folder (congkhai.db, pure Go
// modernc.org/sqlite, WAL, synchronous=FULL so that a commit that returned
// survives kill -9 and power loss, foreign keys on, files 0600) or a
// postgres:// dsn for PostgreSQL through pgx's database/sql driver, which
// several replicas may share. On SQLite, Writer is one connection opening
// transactions with BEGIN IMMEDIATE — writers queue in Go and a
// read-then-write transaction cannot deadlock — and Reader a pool of
// read-only connections; on PostgreSQL both are the same pool.
//
// Queries are written once with ? placeholders: Q numbers them $1, $2, ... for
// PostgreSQL, leaving alone the ? inside literals, quoted identifiers,
// dollar quotes and comments (Rebind). Times go in through Time (UTC,
// microseconds; fixed-width text on SQLite so that text order is time order)
// and come out through ScanTime. IsUnique and IsBusy read the drivers' error
// codes.
//
// Migrate applies a component's embedded NNNN_name.sql files for the dialect
// (<dir>/sqlite or <dir>/postgres) that the shared table schema_migrations
// (component, version) does not list, in one transaction; on PostgreSQL the
// transaction first takes an advisory lock per schema, so replicas starting
// together apply each file once. Migrations only add: a binary older than the
// database keeps working during a rolling upgrade.
//
// Notify (in a transaction) and Listen carry PostgreSQL's NOTIFY between
// replicas: a listener is woken soon after a commit of another process on the
// same schema, reconnects by itself, and is also woken after each reconnection,
// when it may have missed some. On SQLite (one process) they do nothing.
//
// Errors from Open and Migrate are wrapped "sqldb: ..."; the other methods
// return the drivers' errors as they are.
package sqldb
