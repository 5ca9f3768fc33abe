package feedback

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Outbox delivery: notifications are rows written in the same transaction as
// the change they announce; a worker claims due rows, sends them and marks
// them sent, or failed with a later next attempt. Delivery is at least once:
// a worker killed between sending and marking sends again after ClaimLease.
const (
	ClaimLease   = 5 * time.Minute // a claimed row is not claimed again before this
	BackoffBase  = time.Minute
	BackoffMax   = 6 * time.Hour
	outboxBatch  = 20
	sendTimeout  = time.Minute
	maxErrorText = 1000
)

// Backoff is the wait before the next attempt after attempts failed ones:
// BackoffBase doubled each time, at most BackoffMax. Mails are retried until
// delivered.
func Backoff(attempts int) time.Duration {
	d := BackoffBase
	for i := 1; i < attempts && d < BackoffMax; i++ {
		d *= 2
	}
	return min(d, BackoffMax)
}

// OutboxMail is a claimed outbox row.
type OutboxMail struct {
	Mail
	Attempts  int // including the current one
	LastError string
	CreatedAt time.Time
}

// ClaimOutbox takes up to limit unsent mails due at now (next_attempt_at ≤
// now), oldest first, counts the attempt and leases them for ClaimLease, in
// one transaction. On PostgreSQL rows are locked with FOR UPDATE SKIP LOCKED,
// so replicas claiming at the same time never get the same row.
func (s *Store) ClaimOutbox(ctx context.Context, limit int, now time.Time) ([]OutboxMail, error) {
	lock := ""
	if s.pg {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var out []OutboxMail
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.q(`SELECT id, kind, recipient, subject, body, attempts, last_error, created_at FROM outbox
			WHERE sent_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`+lock), s.ts(now), limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var m OutboxMail
			if err := rows.Scan(&m.ID, &m.Kind, &m.To, &m.Subject, &m.Body, &m.Attempts, &m.LastError, tsDst(&m.CreatedAt)); err != nil {
				rows.Close()
				return err
			}
			m.Attempts++
			out = append(out, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range out {
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?`),
				s.ts(now.Add(ClaimLease)), m.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("feedback: claim outbox: %w", err)
	}
	return out, nil
}

// MarkSent records that the mail was delivered. It returns ErrNotFound for an unknown id.
func (s *Store) MarkSent(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, s.q(`UPDATE outbox SET sent_at = ?, last_error = '' WHERE id = ?`), s.ts(s.now()), id)
	return outboxResult("mark sent", id, res, err)
}

// MarkFailed records a failed attempt and when to try again (see Backoff). It
// returns ErrNotFound for an unknown id.
func (s *Store) MarkFailed(ctx context.Context, id int64, cause error, nextAttempt time.Time) error {
	msg := "unknown error"
	if cause != nil {
		msg = cause.Error()
	}
	if r := []rune(msg); len(r) > maxErrorText {
		msg = string(r[:maxErrorText])
	}
	res, err := s.w.ExecContext(ctx, s.q(`UPDATE outbox SET last_error = ?, next_attempt_at = ? WHERE id = ? AND sent_at IS NULL`),
		msg, s.ts(nextAttempt), id)
	return outboxResult("mark failed", id, res, err)
}

func outboxResult(what string, id int64, res sql.Result, err error) error {
	if err != nil {
		return fmt.Errorf("feedback: %s %d: %w", what, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("feedback: %s %d: %w", what, id, ErrNotFound)
	}
	return nil
}

// OutboxPending returns the number of unsent mails, for health pages.
func (s *Store) OutboxPending(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL`).Scan(&n); err != nil {
		return 0, fmt.Errorf("feedback: outbox pending: %w", err)
	}
	return n, nil
}

// Mailer sends one mail. An error means "not delivered, try again later".
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// DeliverOutbox makes one pass: it claims a batch of due mails, sends each
// and marks it sent or failed (with Backoff). It returns how many were sent
// and failed; err is set only when the store fails.
func DeliverOutbox(ctx context.Context, s *Store, m Mailer, log *slog.Logger) (sent, failed int, err error) {
	batch, err := s.ClaimOutbox(ctx, outboxBatch, s.now())
	if err != nil {
		return 0, 0, err
	}
	for _, om := range batch {
		sctx, cancel := context.WithTimeout(ctx, sendTimeout)
		serr := m.Send(sctx, om.Mail)
		cancel()
		// Record the outcome even when ctx was just cancelled: a sent mail
		// left unmarked would be sent again.
		mctx := context.WithoutCancel(ctx)
		if serr != nil {
			failed++
			next := s.now().Add(Backoff(om.Attempts))
			log.Warn("mail not sent", "outbox_id", om.ID, "kind", om.Kind, "attempts", om.Attempts, "next_attempt_at", next, "err", serr)
			if err := s.MarkFailed(mctx, om.ID, serr, next); err != nil {
				return sent, failed, err
			}
			continue
		}
		sent++
		if err := s.MarkSent(mctx, om.ID); err != nil {
			return sent, failed, err
		}
		log.Info("mail sent", "outbox_id", om.ID, "kind", om.Kind, "attempts", om.Attempts)
	}
	return sent, failed, nil
}

// RunOutbox delivers the outbox every interval until ctx is cancelled,
// draining full batches at once. Store errors are logged and retried at the
// next tick.
func RunOutbox(ctx context.Context, s *Store, m Mailer, log *slog.Logger, every time.Duration) {
	if log == nil {
		log = slog.Default()
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		for ctx.Err() == nil {
			sent, failed, err := DeliverOutbox(ctx, s, m, log)
			if err != nil {
				if ctx.Err() == nil {
					log.Error("outbox delivery failed", "err", err)
				}
				break
			}
			if sent+failed < outboxBatch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SMTP security modes.
const (
	SMTPStartTLS = "starttls" // plain connection upgraded with STARTTLS (port 587); refused if the server cannot
	SMTPTLS      = "tls"      // implicit TLS (port 465)
	SMTPNone     = "none"     // no TLS: only for a relay on the same machine
)

// SMTPConfig configures an SMTPMailer.
type SMTPConfig struct {
	Host     string
	Port     int    // 587 for starttls, 465 for tls when 0
	Username string // no authentication when empty
	Password string
	From     string // "Cổng thông tin <noreply@example.gov.vn>"
	Security string // SMTPStartTLS (default), SMTPTLS or SMTPNone
	// TLSConfig overrides the TLS settings (a private CA); ServerName defaults to Host.
	TLSConfig *tls.Config
	Timeout   time.Duration // per mail; 30 s when 0
	HelloName string        // EHLO name; "localhost" when empty
}

// SMTPMailer sends mail through an SMTP server with github.com/wneessen/go-mail,
// one connection per mail (the outbox sends a few at a time). The library
// composes the message (UTF-8 plain text, quoted-printable, headers encoded
// and folded as RFC 2047 and 5322 want, so no header can be injected) and
// speaks SMTP: STARTTLS or implicit TLS, and the strongest authentication the
// server offers over TLS (SCRAM, CRAM-MD5, PLAIN or LOGIN — the one some
// hosted services, Microsoft 365 among them, accept); without TLS (a relay on
// this machine) PLAIN, which it sends to localhost only.
type SMTPMailer struct {
	cfg    SMTPConfig
	from   *mail.Address
	client *gomail.Client
}

// NewSMTPMailer checks the configuration and returns the mailer.
func NewSMTPMailer(cfg SMTPConfig) (*SMTPMailer, error) {
	if cfg.Host == "" {
		return nil, errors.New("feedback: smtp: no host")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("feedback: smtp: from %q: %w", cfg.From, err)
	}
	switch cfg.Security {
	case "":
		cfg.Security = SMTPStartTLS
	case SMTPStartTLS, SMTPTLS, SMTPNone:
	default:
		return nil, fmt.Errorf("feedback: smtp: security %q: want starttls, tls or none", cfg.Security)
	}
	if cfg.Port == 0 {
		cfg.Port = 587
		if cfg.Security == SMTPTLS {
			cfg.Port = 465
		}
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.TLSConfig != nil {
		tc = cfg.TLSConfig.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = cfg.Host
	}
	opts := []gomail.Option{gomail.WithPort(cfg.Port), gomail.WithTimeout(cfg.Timeout), gomail.WithTLSConfig(tc)}
	switch cfg.Security {
	case SMTPStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case SMTPTLS:
		opts = append(opts, gomail.WithSSL())
	case SMTPNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if cfg.HelloName != "" {
		opts = append(opts, gomail.WithHELO(cfg.HelloName))
	}
	if cfg.Username != "" {
		auth := gomail.SMTPAuthAutoDiscover
		if cfg.Security == SMTPNone {
			auth = gomail.SMTPAuthPlain
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	c, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("feedback: smtp: %w", err)
	}
	return &SMTPMailer{cfg: cfg, from: from, client: c}, nil
}

// Send delivers one mail. It fails when the connection, TLS, authentication
// or any SMTP command fails, or ctx ends.
func (m *SMTPMailer) Send(ctx context.Context, msg Mail) error {
	to, err := mail.ParseAddress(msg.To)
	if err != nil {
		return fmt.Errorf("feedback: smtp: recipient %q: %w", msg.To, err)
	}
	gm := m.message(to, msg)
	ctx, cancel := context.WithTimeout(ctx, m.cfg.Timeout)
	defer cancel()
	c, err := m.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fmt.Errorf("feedback: smtp: connect to %s:%d: %w", m.cfg.Host, m.cfg.Port, err)
	}
	// A cancelled ctx ends the conversation (the connection also has the
	// Timeout as its deadline).
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	if err := m.client.SendWithSMTPClient(c, gm); err != nil {
		c.Close()
		return fmt.Errorf("feedback: smtp: send: %w", err)
	}
	// The server accepted the message at the end of DATA; a failed QUIT must
	// not cause a second copy.
	_ = m.client.CloseWithSMTPClient(c)
	return nil
}

// message composes the RFC 5322 message: UTF-8 plain text, quoted-printable,
// a Message-ID in the sender's domain, marked as sent by a program.
func (m *SMTPMailer) message(to *mail.Address, msg Mail) *gomail.Msg {
	gm := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP), gomail.WithNoDefaultUserAgent())
	gm.FromMailAddress(m.from)
	gm.ToMailAddress(to)
	gm.Subject(msg.Subject)
	gm.SetDate()
	id := make([]byte, 12)
	rand.Read(id)
	gm.SetMessageIDWithValue(hex.EncodeToString(id) + "@" + m.from.Address[strings.LastIndexByte(m.from.Address, '@')+1:])
	gm.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	gm.SetBodyString(gomail.TypeTextPlain, msg.Body)
	return gm
}
