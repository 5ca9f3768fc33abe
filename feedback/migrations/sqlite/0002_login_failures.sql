-- Failed staff logins, counted per account and client, per client and per
-- account, whether the account exists or not (see throttle.go). Throttling
-- reads these rows only: staff.failed_logins and staff.locked_until are no
-- longer written.

CREATE TABLE login_failures (
    account       TEXT    NOT NULL,                  -- hex SHA-256 of the lower-cased email typed; '' counts a client's failures on every account
    client        TEXT    NOT NULL,                  -- the server's keyed hash of the client address; '' counts an account's failures from every client
    failures      INTEGER NOT NULL,
    last_failure  TEXT    NOT NULL,
    blocked_until TEXT,                              -- no attempt is checked before this
    PRIMARY KEY (account, client)
);
CREATE INDEX login_failures_last ON login_failures (last_failure);
