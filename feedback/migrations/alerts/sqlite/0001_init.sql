-- Email alerts: subscriptions to a list or a search of the portal, and the
-- items each followed list has shown. Times are TEXT in UTC, fixed width.

CREATE TABLE alert_subscriptions (
    id                  INTEGER PRIMARY KEY,
    email               TEXT    NOT NULL,                -- lower case
    list_path           TEXT    NOT NULL,                -- "/so-tai-chinh", "/search?q=..."
    list_title          TEXT    NOT NULL,
    frequency           TEXT    NOT NULL CHECK (frequency IN ('instant', 'daily')),
    requested_frequency TEXT    NOT NULL CHECK (requested_frequency IN ('instant', 'daily')), -- applied at confirmation
    token               TEXT    NOT NULL UNIQUE,         -- capability of the confirm and unsubscribe links
    created_at          TEXT    NOT NULL,
    confirm_sent_at     TEXT    NOT NULL,
    confirmed_at        TEXT,
    notified_seq        INTEGER NOT NULL DEFAULT 0,      -- alert_items.id already mailed (or older than the confirmation)
    last_mail_at        TEXT,
    UNIQUE (email, list_path)
);
CREATE INDEX alert_subscriptions_list ON alert_subscriptions (list_path) WHERE confirmed_at IS NOT NULL;

CREATE TABLE alert_items (
    id            INTEGER PRIMARY KEY,                   -- order of discovery
    list_path     TEXT    NOT NULL,
    entry_id      TEXT    NOT NULL,                      -- the feed entry's tag URI
    updated       TEXT    NOT NULL,                      -- the entry's updated date: a correction is a new item
    title         TEXT    NOT NULL,
    url           TEXT    NOT NULL,
    correction    INTEGER NOT NULL DEFAULT 0 CHECK (correction IN (0, 1)),
    baseline      INTEGER NOT NULL DEFAULT 0 CHECK (baseline IN (0, 1)), -- present when the list was first followed: never mailed
    first_seen_at TEXT    NOT NULL,
    UNIQUE (list_path, entry_id, updated)
);
