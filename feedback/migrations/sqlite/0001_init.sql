-- Feedback: staff accounts, sessions, submissions, their messages, the audit
-- log and the mail outbox. Times are TEXT in UTC, fixed width
-- ("2006-01-02T15:04:05.000000Z"), so that text order is time order.

CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,          -- lower case
    name          TEXT    NOT NULL,
    agency        TEXT    NOT NULL DEFAULT '',       -- '' only for site admins
    role          TEXT    NOT NULL CHECK (role IN ('staff', 'agency_admin', 'site_admin')),
    password_hash TEXT    NOT NULL,                  -- argon2id PHC string
    created_at    TEXT    NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    last_login_at TEXT
);
CREATE INDEX staff_agency ON staff (agency);

CREATE TABLE sessions (
    token_hash  TEXT    PRIMARY KEY,                 -- hex sha256 of the token; the token itself is never stored
    staff_id    INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    last_seen   TEXT    NOT NULL,
    ttl_seconds INTEGER NOT NULL                     -- sliding expiry: expires_at = last_seen + ttl
);
CREATE INDEX sessions_staff ON sessions (staff_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE submissions (
    id               INTEGER PRIMARY KEY,
    code             TEXT    NOT NULL UNIQUE,
    type             TEXT    NOT NULL CHECK (type IN ('question', 'complaint', 'suggestion', 'comment')),
    status           TEXT    NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'assigned', 'answered', 'closed')),
    agency           TEXT    NOT NULL DEFAULT '',
    target_path      TEXT    NOT NULL DEFAULT '',
    target_title     TEXT    NOT NULL DEFAULT '',
    subject          TEXT    NOT NULL DEFAULT '',
    body             TEXT    NOT NULL,
    name             TEXT    NOT NULL DEFAULT '',
    phone            TEXT    NOT NULL DEFAULT '',
    email            TEXT    NOT NULL DEFAULT '',
    address          TEXT    NOT NULL DEFAULT '',
    ip_hash          TEXT    NOT NULL DEFAULT '',
    created_at       TEXT    NOT NULL,
    due_at           TEXT    NOT NULL,
    assigned_to      INTEGER REFERENCES staff (id),
    answered_at      TEXT,                           -- first reply
    late_explanation TEXT    NOT NULL DEFAULT '',
    closed_at        TEXT,
    rating           INTEGER CHECK (rating BETWEEN 1 AND 5),
    rating_comment   TEXT    NOT NULL DEFAULT '',
    rated_at         TEXT,
    public           INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),
    public_question  TEXT    NOT NULL DEFAULT '',
    public_answer    TEXT    NOT NULL DEFAULT '',
    published_at     TEXT,
    updated_at       TEXT    NOT NULL
);
CREATE INDEX submissions_inbox ON submissions (agency, status, due_at);
CREATE INDEX submissions_assigned ON submissions (assigned_to, status);
CREATE INDEX submissions_created ON submissions (created_at);
CREATE INDEX submissions_public ON submissions (agency, published_at) WHERE public = 1;

CREATE TABLE messages (
    id            INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CHECK (kind IN ('reply', 'note')),
    author_id     INTEGER REFERENCES staff (id),
    body          TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);
CREATE INDEX messages_submission ON messages (submission_id, id);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    submission_id INTEGER REFERENCES submissions (id) ON DELETE SET NULL,
    actor         TEXT    NOT NULL,                  -- 'citizen', 'system' or 'staff:<id>'
    staff_id      INTEGER REFERENCES staff (id),
    action        TEXT    NOT NULL,
    detail        TEXT    NOT NULL DEFAULT '',
    created_at    TEXT    NOT NULL
);
CREATE INDEX audit_submission ON audit_log (submission_id, id);
CREATE INDEX audit_created ON audit_log (created_at);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL,
    submission_id   INTEGER REFERENCES submissions (id) ON DELETE SET NULL,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    sent_at         TEXT
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE sent_at IS NULL;
