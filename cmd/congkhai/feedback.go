package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/congkhai/congkhai/calendar"
	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/feedback"
	"github.com/congkhai/congkhai/internal/sqldb"
	"github.com/congkhai/congkhai/portal"
	"github.com/congkhai/congkhai/server"
)

// feedbackConfig is the part of `serve`'s settings about citizens' feedback:
// the database, abuse limits and mail.
type feedbackConfig struct {
	DB             string
	RateLimit      int
	TrustedProxies string
	SMTPHost       string
	SMTPPort       int
	SMTPUser       string
	SMTPPassword   string
	SMTPFrom       string
	SMTPTLS        string
}

func (c *feedbackConfig) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.DB, "db", "", "database: empty for SQLite in the data folder, or postgres://user@host/db")
	fs.IntVar(&c.RateLimit, "rate-limit", 5, "feedback submissions per minute per client address (burst as many); 0 turns the limit off")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", "", "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is trusted")
	fs.StringVar(&c.SMTPHost, "smtp-host", "", "SMTP server for notification mails (none: mails stay queued)")
	fs.IntVar(&c.SMTPPort, "smtp-port", 0, "SMTP port (default 587, or 465 with --smtp-tls tls)")
	fs.StringVar(&c.SMTPUser, "smtp-user", "", "SMTP user name (no authentication when empty)")
	fs.StringVar(&c.SMTPPassword, "smtp-password", "", "SMTP password (prefer the CONGKHAI_SMTP_PASSWORD variable)")
	fs.StringVar(&c.SMTPFrom, "smtp-from", "", `sender address, e.g. "Cổng công khai <noreply@example.gov.vn>"`)
	fs.StringVar(&c.SMTPTLS, "smtp-tls", "starttls", "SMTP security: starttls, tls or none (a relay on this machine)")
}

// dataFlags are the flags every subcommand touching stored data shares with serve.
func dataFlags(fs *flag.FlagSet, data, db *string) {
	fs.StringVar(data, "data", "./data", "folder for everything the portal writes (search index, database)")
	fs.StringVar(db, "db", "", "database: empty for SQLite in the data folder, or postgres://user@host/db")
}

// storeOptions turns site.yaml's feedback section into store options.
func storeOptions(site *content.Site, baseURL string, log *slog.Logger) ([]feedback.Option, error) {
	fc := site.Config.Feedback
	parse := func(what string, days []string) ([]time.Time, error) {
		var out []time.Time
		for _, d := range days {
			t, err := time.ParseInLocation(time.DateOnly, d, calendar.Location)
			if err != nil {
				return nil, fmt.Errorf("site.yaml: feedback.%s: %q is not a date (yyyy-mm-dd)", what, d)
			}
			out = append(out, t)
		}
		return out, nil
	}
	hol, err := parse("holidays", fc.Holidays)
	if err != nil {
		return nil, err
	}
	work, err := parse("working_days", fc.WorkingDays)
	if err != nil {
		return nil, err
	}
	if baseURL == "" {
		baseURL = strings.TrimSuffix(site.Config.BaseURL, "/")
	}
	opts := []feedback.Option{
		feedback.WithLogger(log),
		feedback.WithCalendar(calendar.New(hol, work)),
		feedback.WithDeadlines(fc.DeadlineDays, fc.Deadlines),
	}
	if baseURL != "" {
		opts = append(opts, feedback.WithLinks(
			func(code string) string { return baseURL + "/feedback/" + code },
			func(id int64) string { return baseURL + "/staff/s/" + strconv.FormatInt(id, 10) },
		))
	}
	return opts, nil
}

// secretKey reads the data folder's key for hashing client addresses,
// creating it on first start.
func secretKey(dataDir string) ([]byte, error) {
	p := filepath.Join(dataDir, "feedback.key")
	b, err := os.ReadFile(p)
	if err == nil && len(b) >= 32 {
		return b, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("feedback key: %w", err)
	}
	b = make([]byte, 32)
	_, _ = rand.Read(b)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		return nil, fmt.Errorf("feedback key: %w", err)
	}
	return b, nil
}

// openDB opens the portal's database (--db, else SQLite in the data folder),
// which serve and the other subcommands open once and share among the
// packages that keep data in it.
func openDB(ctx context.Context, dsn, dataDir string, log *slog.Logger) (*sqldb.DB, error) {
	return sqldb.Open(ctx, dsn, dataDir, sqldb.WithLogger(log))
}

// feedbackDeps makes the feedback store on db and fills the server's feedback
// settings.
func feedbackDeps(ctx context.Context, c *feedbackConfig, db *sqldb.DB, dataDir, baseURL string, p *portal.Portal, log *slog.Logger, d *server.Deps) (*feedback.Store, error) {
	opts, err := storeOptions(p.Snapshot().Site, baseURL, log)
	if err != nil {
		return nil, err
	}
	nets, err := server.ParseProxies(c.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("--trusted-proxies: %w", err)
	}
	if c.RateLimit < 0 {
		return nil, errors.New("--rate-limit: must be 0 (off) or more")
	}
	key, err := secretKey(dataDir)
	if err != nil {
		return nil, err
	}
	st, err := feedback.New(ctx, db, opts...)
	if err != nil {
		return nil, err
	}
	d.Feedback, d.RateLimit, d.TrustedProxies, d.Secret = st, c.RateLimit, nets, key
	log.Info("feedback store open", "dialect", st.Dialect(), "rate_limit_per_min", c.RateLimit, "trusted_proxies", len(nets))
	return st, nil
}

// feedbackJobs runs the mail outbox (when SMTP is configured) and, every few
// minutes, the deadline reminders and the removal of expired sessions and old
// login failure counts, until
// ctx ends or the returned stop function is called; stop waits for them.
func feedbackJobs(ctx context.Context, c *feedbackConfig, st *feedback.Store, p *portal.Portal, log *slog.Logger) (stop func(), err error) {
	var m *feedback.SMTPMailer
	if c.SMTPHost != "" {
		if m, err = feedback.NewSMTPMailer(feedback.SMTPConfig{
			Host: c.SMTPHost, Port: c.SMTPPort, Username: c.SMTPUser, Password: c.SMTPPassword,
			From: c.SMTPFrom, Security: c.SMTPTLS,
		}); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	if m != nil {
		wg.Go(func() { feedback.RunOutbox(ctx, st, m, log, 15*time.Second) })
		log.Info("mail outbox delivering", "smtp_host", c.SMTPHost)
	} else {
		n, _ := st.OutboxPending(ctx)
		log.Warn("SMTP not configured (--smtp-host): notification mails stay queued in the outbox", "pending", n)
	}
	recipients := func(agency string) []string {
		if a, ok := p.Snapshot().Site.Agency(agency); ok {
			return a.Staff
		}
		return nil
	}
	wg.Go(func() {
		t := time.NewTicker(10 * time.Minute)
		defer t.Stop()
		for {
			now := time.Now()
			if _, err := st.Remind(ctx, now, recipients); err != nil && ctx.Err() == nil {
				log.Error("feedback reminders failed", "err", err)
			}
			if n, err := st.DeleteExpiredSessions(ctx, now); err != nil && ctx.Err() == nil {
				log.Error("expired sessions cleanup failed", "err", err)
			} else if n > 0 {
				log.Info("expired staff sessions removed", "sessions", n)
			}
			if _, err := st.ForgetLoginFailures(ctx, now); err != nil && ctx.Err() == nil {
				log.Error("old login failure counts cleanup failed", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	})
	return func() { cancel(); wg.Wait() }, nil
}
