-- The confirmation mails of the last day, to bound how many one address
-- receives and one client asks for (see AlertLimits), without keeping the
-- address itself; and the unconfirmed subscriptions, which expire.

CREATE TABLE alert_confirm_mails (
    id        INTEGER PRIMARY KEY,
    email_key TEXT    NOT NULL,                      -- hex SHA-256 of the address mailed
    client    TEXT    NOT NULL,                      -- the server's keyed hash of the requester's address
    sent_at   TEXT    NOT NULL
);
CREATE INDEX alert_confirm_mails_email ON alert_confirm_mails (email_key, sent_at);
CREATE INDEX alert_confirm_mails_client ON alert_confirm_mails (client, sent_at);
CREATE INDEX alert_confirm_mails_sent ON alert_confirm_mails (sent_at);

CREATE INDEX alert_subscriptions_unconfirmed ON alert_subscriptions (created_at) WHERE confirmed_at IS NULL;
