package feedback

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"
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

// SMTPMailer sends mail through an SMTP server with net/smtp, one connection
// per mail (the outbox sends a few at a time).
type SMTPMailer struct {
	cfg  SMTPConfig
	from *mail.Address
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
	return &SMTPMailer{cfg: cfg, from: from}, nil
}

func (m *SMTPMailer) tlsConfig() *tls.Config {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if m.cfg.TLSConfig != nil {
		c = m.cfg.TLSConfig.Clone()
	}
	if c.ServerName == "" {
		c.ServerName = m.cfg.Host
	}
	return c
}

// Send delivers one mail. It fails when the connection, TLS, authentication
// or any SMTP command fails, or ctx ends.
func (m *SMTPMailer) Send(ctx context.Context, msg Mail) (err error) {
	to, err := mail.ParseAddress(msg.To)
	if err != nil {
		return fmt.Errorf("feedback: smtp: recipient %q: %w", msg.To, err)
	}
	ctx, cancel := context.WithTimeout(ctx, m.cfg.Timeout)
	defer cancel()
	addr := net.JoinHostPort(m.cfg.Host, strconv.Itoa(m.cfg.Port))
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("feedback: smtp: dial %s: %w", addr, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if m.cfg.Security == SMTPTLS {
		tc := tls.Client(conn, m.tlsConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("feedback: smtp: tls: %w", err)
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, m.cfg.Host)
	if err != nil {
		return fmt.Errorf("feedback: smtp: greeting: %w", err)
	}
	defer c.Close()
	if m.cfg.HelloName != "" {
		if err := c.Hello(m.cfg.HelloName); err != nil {
			return fmt.Errorf("feedback: smtp: hello: %w", err)
		}
	}
	if m.cfg.Security == SMTPStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("feedback: smtp: server does not offer STARTTLS")
		}
		if err := c.StartTLS(m.tlsConfig()); err != nil {
			return fmt.Errorf("feedback: smtp: starttls: %w", err)
		}
	}
	if m.cfg.Username != "" {
		// PlainAuth refuses to send the password over a connection that is
		// neither TLS nor to localhost.
		if err := c.Auth(smtp.PlainAuth("", m.cfg.Username, m.cfg.Password, m.cfg.Host)); err != nil {
			return fmt.Errorf("feedback: smtp: auth: %w", err)
		}
	}
	if err := c.Mail(m.from.Address); err != nil {
		return fmt.Errorf("feedback: smtp: mail from: %w", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return fmt.Errorf("feedback: smtp: rcpt to: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("feedback: smtp: data: %w", err)
	}
	if _, err := w.Write(m.message(to, msg)); err != nil {
		return fmt.Errorf("feedback: smtp: data: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("feedback: smtp: data: %w", err)
	}
	if err := c.Quit(); err != nil {
		// The server accepted the message at the end of DATA; a failed QUIT
		// must not cause a second copy.
		return nil
	}
	return nil
}

// message renders the RFC 5322 message: UTF-8 plain text, quoted-printable,
// the subject as an encoded word (no header injection possible).
func (m *SMTPMailer) message(to *mail.Address, msg Mail) []byte {
	var b bytes.Buffer
	id := make([]byte, 12)
	rand.Read(id)
	domain := m.from.Address[strings.LastIndexByte(m.from.Address, '@')+1:]
	hdr := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	hdr("From", m.from.String())
	hdr("To", to.String())
	hdr("Subject", mime.BEncoding.Encode("utf-8", msg.Subject))
	hdr("Date", time.Now().Format(time.RFC1123Z))
	hdr("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=utf-8")
	hdr("Content-Transfer-Encoding", "quoted-printable")
	hdr("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(msg.Body, "\n", "\r\n")))
	qp.Close()
	return b.Bytes()
}
