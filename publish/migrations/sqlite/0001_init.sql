-- Published versions of notices and datasets, drafts awaiting approval, and
-- the agencies' API tokens. Times are UTC text (sqldb.SQLiteTime).

-- File contents, addressed by their SHA-256 (hex); stored once however many
-- versions and drafts hold them.
CREATE TABLE publish_blobs (
	hash       TEXT    PRIMARY KEY,
	size       INTEGER NOT NULL,
	created_at TEXT    NOT NULL,
	data       BLOB    NOT NULL
);

-- One row per item (notice or dataset) ever published: its latest version.
CREATE TABLE publish_items (
	path       TEXT    PRIMARY KEY,
	kind       TEXT    NOT NULL CHECK (kind IN ('notice', 'dataset')),
	agency     TEXT    NOT NULL,
	latest_id  INTEGER NOT NULL,
	number     INTEGER NOT NULL,
	withdrawn  INTEGER NOT NULL,
	updated_at TEXT    NOT NULL
);

-- Every published version. id is the global sequence replicas follow;
-- number counts an item's versions from 1.
CREATE TABLE publish_versions (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	path       TEXT    NOT NULL REFERENCES publish_items (path),
	kind       TEXT    NOT NULL,
	number     INTEGER NOT NULL,
	action     TEXT    NOT NULL CHECK (action IN ('publish', 'correct', 'withdraw', 'restore', 'hand_edit')),
	created_at TEXT    NOT NULL,
	agency     TEXT    NOT NULL,
	actor      TEXT    NOT NULL,
	reason     TEXT    NOT NULL,
	digest     TEXT    NOT NULL,
	draft_id   INTEGER,
	UNIQUE (path, number)
);
CREATE INDEX publish_versions_path_time ON publish_versions (path, created_at);

CREATE TABLE publish_version_files (
	version_id INTEGER NOT NULL REFERENCES publish_versions (id),
	name       TEXT    NOT NULL,
	blob       TEXT    NOT NULL REFERENCES publish_blobs (hash),
	size       INTEGER NOT NULL,
	PRIMARY KEY (version_id, name)
);

CREATE TABLE publish_drafts (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	agency       TEXT    NOT NULL,
	kind         TEXT    NOT NULL CHECK (kind IN ('notice', 'dataset')),
	path         TEXT    NOT NULL,
	action       TEXT    NOT NULL CHECK (action IN ('publish', 'correct', 'withdraw', 'restore')),
	base         INTEGER NOT NULL,
	author       TEXT    NOT NULL,
	state        TEXT    NOT NULL CHECK (state IN ('draft', 'pending', 'published', 'rejected')),
	reason       TEXT    NOT NULL,
	reviewer     TEXT    NOT NULL DEFAULT '',
	review_note  TEXT    NOT NULL DEFAULT '',
	version_id   INTEGER REFERENCES publish_versions (id),
	created_at   TEXT    NOT NULL,
	updated_at   TEXT    NOT NULL,
	submitted_at TEXT,
	reviewed_at  TEXT
);
CREATE INDEX publish_drafts_agency ON publish_drafts (agency, state, updated_at);
CREATE INDEX publish_drafts_path ON publish_drafts (path);

CREATE TABLE publish_draft_files (
	draft_id INTEGER NOT NULL REFERENCES publish_drafts (id) ON DELETE CASCADE,
	name     TEXT    NOT NULL,
	blob     TEXT    NOT NULL REFERENCES publish_blobs (hash),
	size     INTEGER NOT NULL,
	PRIMARY KEY (draft_id, name)
);

-- API tokens: the secret is never stored, only its SHA-256; key_id is the
-- public part that finds the row.
CREATE TABLE publish_tokens (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	agency       TEXT    NOT NULL,
	name         TEXT    NOT NULL,
	key_id       TEXT    NOT NULL UNIQUE,
	hash         BLOB    NOT NULL,
	created_by   INTEGER NOT NULL,
	created_at   TEXT    NOT NULL,
	last_used_at TEXT,
	revoked_at   TEXT,
	revoked_by   INTEGER
);
CREATE INDEX publish_tokens_agency ON publish_tokens (agency, created_at);
