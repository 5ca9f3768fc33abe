// Package feedback carries citizens' feedback to the staff who must answer it:
// questions (hỏi đáp), complaints and reports (phản ánh, kiến nghị),
// suggestions, and comments on drafts open for comment.
//
// A citizen's submission is stored with an unguessable tracking code
// ("GY-XXXX-XXXX-XXXX", see NormalizeCode) and a deadline counted in
// Vietnamese working days (package calendar). Staff of the responsible agency assign
// it, write internal notes, reply (a first reply after the deadline must say
// why), publish it as a public question and answer without personal data,
// close, reopen and transfer it; the citizen rates the answer. Every action
// writes an audit row in the same transaction, and every notification is an
// outbox row in that transaction too, delivered later by RunOutbox through a
// Mailer (SMTPMailer), retried with Backoff until sent.
//
// Store works on a database opened by package internal/sqldb: SQLite
// (WAL, synchronous=FULL: a submission whose code was returned survives
// kill -9 and power loss) or PostgreSQL (several replicas may share it:
// migrations take an advisory lock, the outbox is claimed with FOR UPDATE
// SKIP LOCKED). New takes the opened database, which the command shares with
// other packages; Open opens one for the store alone. The schema is created
// and upgraded from the embedded migrations/<dialect>/*.sql, recorded in
// schema_migrations under the components "feedback" and "alerts" (NewAlerts).
//
// Staff log in with an email and a password (argon2id); failed logins are
// throttled per client and account, per client and per account (LoginLimits)
// in a way that lets nobody lock the real user out, and that answers and
// works the same whether the email has an account or not.
//
// Errors: ErrNotFound, ErrInvalidState, ErrBadCredentials and ErrThrottled
// (*ThrottledError) are checked with errors.Is; invalid input is a
// *ValidationError holding field → Vietnamese message, for the form. Other
// errors are database failures wrapped "feedback: ...".
//
// The package knows nothing of HTTP: the server checks Staff.CanAccess on
// every record it shows or changes.
package feedback
