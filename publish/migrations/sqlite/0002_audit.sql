-- The publishing console's and API's actions, kept for the agency's admins:
-- drafts saved, submitted, approved, rejected and deleted, tokens made and
-- revoked. The record's versions say what was published; this says who did
-- what to get there.
CREATE TABLE publish_audit (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	created_at TEXT    NOT NULL,
	agency     TEXT    NOT NULL,
	actor      TEXT    NOT NULL,
	action     TEXT    NOT NULL,
	path       TEXT    NOT NULL,
	draft_id   BIGINT  NOT NULL DEFAULT 0,
	version    INTEGER NOT NULL DEFAULT 0,
	detail     TEXT    NOT NULL
);
CREATE INDEX publish_audit_agency ON publish_audit (agency, id);
