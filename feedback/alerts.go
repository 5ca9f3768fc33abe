package feedback

// Email alerts: a visitor follows a list of the portal (an agency, a category,
// a place, a search…) by email. The subscription is confirmed by a link in a
// first mail (double opt-in); then each mail names the subscription, lists what
// is new or corrected and carries an unsubscribe link that needs no login.
// Mails go through the outbox, so they survive restarts and an SMTP outage.
// Confirmation mails are bounded per address, per requesting client and per
// subscription (AlertLimits), and unconfirmed subscriptions expire, so the
// form cannot be used to flood a mailbox.
//
// The store knows nothing of lists: the server records, after each content
// change, the items each followed list shows (RecordList), and DispatchAlerts
// turns what subscribers have not been sent into mails, at once or as a daily
// digest.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Frequency is how often a subscriber gets mail.
type Frequency string

// The frequencies a subscriber chooses from.
const (
	FreqInstant Frequency = "instant" // a mail after each content change that matters
	FreqDaily   Frequency = "daily"   // at most one digest a day
)

// Valid reports whether f is a known frequency.
func (f Frequency) Valid() bool { return f == FreqInstant || f == FreqDaily }

// Label is the frequency in Vietnamese, for mails and pages.
func (f Frequency) Label() string {
	if f == FreqDaily {
		return "tối đa một thư mỗi ngày"
	}
	return "ngay khi có thay đổi"
}

// Subscription is one email address following one list.
type Subscription struct {
	ID          int64
	Email       string
	ListPath    string // "/so-tai-chinh", "/search?q=boi+thuong"
	ListTitle   string
	Frequency   Frequency
	Token       string // capability of the confirm and unsubscribe links
	CreatedAt   time.Time
	ConfirmedAt time.Time // zero until confirmed
}

// Confirmed reports whether the subscriber confirmed the address.
func (s *Subscription) Confirmed() bool { return !s.ConfirmedAt.IsZero() }

// AlertItem is an entry of a list as alerts need it.
type AlertItem struct {
	ID      string // the feed entry id: stable across edits
	Title   string
	URL     string // absolute
	Updated time.Time
}

// AlertsConfig is what mails need from the portal, and the limits of the
// subscribe form.
type AlertsConfig struct {
	Site           string                    // the portal's name, in subjects
	ListURL        func(path string) string  // absolute address of a list
	ConfirmURL     func(token string) string // the page that confirms a subscription
	UnsubscribeURL func(token string) string // the page that ends it
	Limits         AlertLimits               // zero fields: DefaultAlertLimits
}

// AlertLimits bound the confirmation mails the subscribe form can cause, so
// that nobody can use it to flood a mailbox. A request over a limit changes
// nothing and sends nothing, and the caller answers it as any other: the
// form tells nobody which addresses follow what.
type AlertLimits struct {
	Unconfirmed    int           // unconfirmed subscriptions of one address; a new one replaces the oldest
	PerAddress     int           // confirmation mails to one address in 24 hours
	PerClient      int           // confirmation mails one client asks for in 24 hours
	ResendAfter    time.Duration // the least time between two confirmation mails of one subscription
	UnconfirmedTTL time.Duration // an unconfirmed subscription is deleted this long after it was asked for
}

// DefaultAlertLimits returns 5 unconfirmed subscriptions and 5 confirmation
// mails a day per address, 20 a day per client, one mail an hour per
// subscription, and unconfirmed subscriptions kept 7 days.
func DefaultAlertLimits() AlertLimits {
	return AlertLimits{Unconfirmed: 5, PerAddress: 5, PerClient: 20, ResendAfter: time.Hour, UnconfirmedTTL: 7 * 24 * time.Hour}
}

// withDefaults fills the zero fields of l from DefaultAlertLimits.
func (l AlertLimits) withDefaults() AlertLimits {
	d := DefaultAlertLimits()
	if l.Unconfirmed <= 0 {
		l.Unconfirmed = d.Unconfirmed
	}
	if l.PerAddress <= 0 {
		l.PerAddress = d.PerAddress
	}
	if l.PerClient <= 0 {
		l.PerClient = d.PerClient
	}
	if l.ResendAfter <= 0 {
		l.ResendAfter = d.ResendAfter
	}
	if l.UnconfirmedTTL <= 0 {
		l.UnconfirmedTTL = d.UnconfirmedTTL
	}
	return l
}

// Alerts manages email subscriptions in the store's database.
type Alerts struct {
	s   *Store
	cfg AlertsConfig
}

// alertDigestEvery is the least time between two digests of a daily subscription.
const alertDigestEvery = 24 * time.Hour

// confirmWindow is the period over which AlertLimits count confirmation mails.
const confirmWindow = 24 * time.Hour

// alertItemsMax is how many items one mail lists; the rest are counted.
const alertItemsMax = 30

// NewAlerts brings the alerts tables up to date (migration component
// "alerts") and returns the manager. It fails when the migration fails.
func NewAlerts(ctx context.Context, s *Store, cfg AlertsConfig) (*Alerts, error) {
	if cfg.ListURL == nil || cfg.ConfirmURL == nil || cfg.UnsubscribeURL == nil {
		return nil, errors.New("feedback: alerts: ListURL, ConfirmURL and UnsubscribeURL are required")
	}
	if err := s.sql.Migrate(ctx, "alerts", migrationFiles, "migrations/alerts"); err != nil {
		return nil, fmt.Errorf("feedback: %w", err)
	}
	cfg.Limits = cfg.Limits.withDefaults()
	return &Alerts{s: s, cfg: cfg}, nil
}

func newToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return hex.EncodeToString(b)
}

const subCols2 = `id, email, list_path, list_title, frequency, token, created_at, confirmed_at`

func scanSub(row interface{ Scan(...any) error }) (*Subscription, error) {
	var x Subscription
	var freq string
	if err := row.Scan(&x.ID, &x.Email, &x.ListPath, &x.ListTitle, &freq, &x.Token, tsDst(&x.CreatedAt), tsDst(&x.ConfirmedAt)); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	x.Frequency = Frequency(freq)
	return &x, nil
}

// Subscribe records that email wants the list at listPath (titled listTitle)
// at frequency freq, asked by client (an opaque identity of the requester's
// address; "" is one anonymous client), and queues the confirmation mail.
// Subscribing again to the same list sends the confirmation again and the
// frequency changes only when that mail's link is followed, so nobody can
// change another's subscription. Within AlertLimits only: a request over them
// is dropped without error. It returns a *ValidationError for a bad address,
// list or frequency.
func (a *Alerts) Subscribe(ctx context.Context, email, listPath, listTitle string, freq Frequency, client string, now time.Time) error {
	email = strings.ToLower(strings.TrimSpace(email))
	var verr ValidationError
	if !validEmail(email) || len(email) > 254 {
		verr.add("email", "Địa chỉ thư điện tử không hợp lệ.")
	}
	if !freq.Valid() {
		verr.add("frequency", "Hãy chọn tần suất nhận thư.")
	}
	if !strings.HasPrefix(listPath, "/") || len(listPath) > 1000 || strings.TrimSpace(listTitle) == "" {
		verr.add("list", "Danh sách cần theo dõi không hợp lệ.")
	}
	if err := verr.err(); err != nil {
		return err
	}
	lim, s := a.cfg.Limits, a.s
	client, emailKey := clientOrAnon(client), addressKey(email)
	dropped := ""
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		dropped = ""
		if err := a.purge(ctx, tx, now); err != nil {
			return err
		}
		var id int64
		var token string
		var sentAt time.Time
		err := tx.QueryRowContext(ctx, s.q(`SELECT id, token, confirm_sent_at FROM alert_subscriptions WHERE email = ? AND list_path = ?`+s.forUpdate()),
			email, listPath).Scan(&id, &token, tsDst(&sentAt))
		exists := err == nil
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case now.Sub(sentAt) < lim.ResendAfter:
			return nil // already mailed recently: say nothing more
		}
		since := s.ts(now.Add(-confirmWindow))
		var toAddress, byClient int
		if err := tx.QueryRowContext(ctx, s.q(`SELECT
			COALESCE(SUM(CASE WHEN email_key = ? THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN client = ? THEN 1 ELSE 0 END), 0)
			FROM alert_confirm_mails WHERE (email_key = ? OR client = ?) AND sent_at > ?`),
			emailKey, client, emailKey, client, since).Scan(&toAddress, &byClient); err != nil {
			return err
		}
		switch {
		case toAddress >= lim.PerAddress:
			dropped = "address"
			return nil
		case byClient >= lim.PerClient:
			dropped = "client"
			return nil
		}
		if exists {
			if _, err := tx.ExecContext(ctx, s.q(`UPDATE alert_subscriptions SET requested_frequency = ?, confirm_sent_at = ? WHERE id = ?`),
				string(freq), s.ts(now), id); err != nil {
				return err
			}
		} else {
			// The oldest unconfirmed subscriptions of the address make room:
			// whoever filled them cannot keep its owner from subscribing.
			var unconfirmed int
			if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM alert_subscriptions WHERE email = ? AND confirmed_at IS NULL`),
				email).Scan(&unconfirmed); err != nil {
				return err
			}
			if extra := unconfirmed - lim.Unconfirmed + 1; extra > 0 {
				if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM alert_subscriptions WHERE id IN (
					SELECT id FROM alert_subscriptions WHERE email = ? AND confirmed_at IS NULL ORDER BY created_at, id LIMIT ?)`),
					email, extra); err != nil {
					return err
				}
			}
			token = newToken()
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO alert_subscriptions (email, list_path, list_title, frequency, requested_frequency, token, created_at, confirm_sent_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), email, listPath, listTitle, string(freq), string(freq), token, s.ts(now), s.ts(now)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO alert_confirm_mails (email_key, client, sent_at) VALUES (?, ?, ?)`),
			emailKey, client, s.ts(now)); err != nil {
			return err
		}
		return s.enqueue(ctx, tx, 0, now, a.mailConfirm(email, listPath, listTitle, freq, token))
	})
	if err != nil {
		return fmt.Errorf("feedback: subscribe: %w", err)
	}
	if dropped != "" {
		s.log.Info("alert confirmation not sent: daily limit reached", "limit", dropped)
	}
	return nil
}

// purge deletes the confirmation mail counts older than a day and the
// unconfirmed subscriptions older than UnconfirmedTTL.
func (a *Alerts) purge(ctx context.Context, tx *sql.Tx, now time.Time) error {
	if _, err := tx.ExecContext(ctx, a.s.q(`DELETE FROM alert_confirm_mails WHERE sent_at <= ?`), a.s.ts(now.Add(-confirmWindow))); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, a.s.q(`DELETE FROM alert_subscriptions WHERE confirmed_at IS NULL AND created_at <= ?`),
		a.s.ts(now.Add(-a.cfg.Limits.UnconfirmedTTL)))
	return err
}

// addressKey is how alert_confirm_mails names an address without keeping it.
func addressKey(email string) string {
	h := sha256.Sum256([]byte("congkhai alert " + email))
	return hex.EncodeToString(h[:])
}

// live is the condition on alert_subscriptions that leaves out unconfirmed
// subscriptions older than UnconfirmedTTL (not purged yet); its argument is
// a.s.ts(now.Add(-UnconfirmedTTL)).
const live = ` AND (confirmed_at IS NOT NULL OR created_at > ?)`

// Subscription returns the subscription the token belongs to, or ErrNotFound
// (also for an unconfirmed one older than UnconfirmedTTL).
func (a *Alerts) Subscription(ctx context.Context, token string) (*Subscription, error) {
	x, err := scanSub(a.s.db.QueryRowContext(ctx, a.s.q(`SELECT `+subCols2+` FROM alert_subscriptions WHERE token = ?`+live), token,
		a.s.ts(a.s.now().Add(-a.cfg.Limits.UnconfirmedTTL))))
	if err != nil {
		return nil, fmt.Errorf("feedback: subscription: %w", err)
	}
	return x, nil
}

// Confirm confirms the subscription of the token with the frequency last
// asked for. Only what the list shows after now is mailed. It returns
// ErrNotFound for an unknown token (also after unsubscribing, and for an
// unconfirmed subscription older than UnconfirmedTTL).
func (a *Alerts) Confirm(ctx context.Context, token string, now time.Time) (*Subscription, error) {
	var x *Subscription
	err := a.s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, a.s.q(`UPDATE alert_subscriptions SET frequency = requested_frequency,
			confirmed_at = COALESCE(confirmed_at, ?),
			notified_seq = CASE WHEN confirmed_at IS NULL THEN (SELECT COALESCE(MAX(id), 0) FROM alert_items WHERE alert_items.list_path = alert_subscriptions.list_path) ELSE notified_seq END
			WHERE token = ?`+live), a.s.ts(now), token, a.s.ts(now.Add(-a.cfg.Limits.UnconfirmedTTL)))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		x, err = scanSub(tx.QueryRowContext(ctx, a.s.q(`SELECT `+subCols2+` FROM alert_subscriptions WHERE token = ?`), token))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("feedback: confirm subscription: %w", err)
	}
	return x, nil
}

// Unsubscribe deletes the subscription of the token (the address is not
// kept). It returns the deleted subscription, or ErrNotFound.
func (a *Alerts) Unsubscribe(ctx context.Context, token string) (*Subscription, error) {
	var x *Subscription
	err := a.s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		x, err = scanSub(tx.QueryRowContext(ctx, a.s.q(`SELECT `+subCols2+` FROM alert_subscriptions WHERE token = ?`+a.s.forUpdate()), token))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, a.s.q(`DELETE FROM alert_subscriptions WHERE id = ?`), x.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("feedback: unsubscribe: %w", err)
	}
	return x, nil
}

// FollowedLists returns the paths of the lists confirmed subscriptions follow,
// which the server records after each content change.
func (a *Alerts) FollowedLists(ctx context.Context) ([]string, error) {
	rows, err := a.s.db.QueryContext(ctx, `SELECT DISTINCT list_path FROM alert_subscriptions WHERE confirmed_at IS NOT NULL ORDER BY list_path`)
	if err != nil {
		return nil, fmt.Errorf("feedback: followed lists: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("feedback: followed lists: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// RecordList stores the items the list at listPath shows now and returns how
// many are new: not seen before, or seen with another updated date (a
// correction). The first record of a list is its baseline and is never mailed.
func (a *Alerts) RecordList(ctx context.Context, listPath string, items []AlertItem, now time.Time) (int, error) {
	n := 0
	err := a.s.inTx(ctx, func(tx *sql.Tx) error {
		n = 0
		var known int
		if err := tx.QueryRowContext(ctx, a.s.q(`SELECT COUNT(*) FROM alert_items WHERE list_path = ?`), listPath).Scan(&known); err != nil {
			return err
		}
		baseline := 0
		if known == 0 {
			baseline = 1
		}
		for _, it := range items {
			var seen int
			if err := tx.QueryRowContext(ctx, a.s.q(`SELECT COUNT(*) FROM alert_items WHERE list_path = ? AND entry_id = ?`), listPath, it.ID).Scan(&seen); err != nil {
				return err
			}
			correction := 0
			if seen > 0 {
				correction = 1
			}
			res, err := tx.ExecContext(ctx, a.s.q(`INSERT INTO alert_items (list_path, entry_id, updated, title, url, correction, baseline, first_seen_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (list_path, entry_id, updated) DO NOTHING`),
				listPath, it.ID, it.Updated.UTC().Format(time.RFC3339), it.Title, it.URL, correction, baseline, a.s.ts(now))
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k > 0 && baseline == 0 {
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("feedback: record list %s: %w", listPath, err)
	}
	return n, nil
}

// DispatchAlerts queues a mail for every confirmed subscription with items it
// has not been sent: at once for FreqInstant, for FreqDaily when the last
// digest is a day old. It returns how many mails were queued.
func (a *Alerts) DispatchAlerts(ctx context.Context, now time.Time) (int, error) {
	type due struct {
		sub      Subscription
		seq      int64
		lastMail time.Time
	}
	rows, err := a.s.db.QueryContext(ctx, a.s.q(`SELECT s.id, s.email, s.list_path, s.list_title, s.frequency, s.token, s.notified_seq, s.last_mail_at
		FROM alert_subscriptions s WHERE s.confirmed_at IS NOT NULL
		AND EXISTS (SELECT 1 FROM alert_items i WHERE i.list_path = s.list_path AND i.id > s.notified_seq AND i.baseline = 0)
		ORDER BY s.id`))
	if err != nil {
		return 0, fmt.Errorf("feedback: dispatch alerts: %w", err)
	}
	var dues []due
	for rows.Next() {
		var d due
		var freq string
		if err := rows.Scan(&d.sub.ID, &d.sub.Email, &d.sub.ListPath, &d.sub.ListTitle, &freq, &d.sub.Token, &d.seq, tsDst(&d.lastMail)); err != nil {
			rows.Close()
			return 0, fmt.Errorf("feedback: dispatch alerts: %w", err)
		}
		d.sub.Frequency = Frequency(freq)
		if d.sub.Frequency == FreqDaily && !d.lastMail.IsZero() && now.Sub(d.lastMail) < alertDigestEvery {
			continue
		}
		dues = append(dues, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("feedback: dispatch alerts: %w", err)
	}
	queued := 0
	for _, d := range dues {
		err := a.s.inTx(ctx, func(tx *sql.Tx) error {
			// Re-read under the write lock: another replica may have sent it.
			var seq int64
			if err := tx.QueryRowContext(ctx, a.s.q(`SELECT notified_seq FROM alert_subscriptions WHERE id = ?`+a.s.forUpdate()), d.sub.ID).Scan(&seq); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return nil // unsubscribed meanwhile
				}
				return err
			}
			if seq != d.seq {
				return nil
			}
			items, maxID, err := a.pendingItems(ctx, tx, d.sub.ListPath, seq)
			if err != nil || len(items) == 0 {
				return err
			}
			if _, err := tx.ExecContext(ctx, a.s.q(`UPDATE alert_subscriptions SET notified_seq = ?, last_mail_at = ? WHERE id = ?`),
				maxID, a.s.ts(now), d.sub.ID); err != nil {
				return err
			}
			queued++
			return a.s.enqueue(ctx, tx, 0, now, a.mailAlert(&d.sub, items))
		})
		if err != nil {
			return queued, fmt.Errorf("feedback: dispatch alerts: %w", err)
		}
	}
	return queued, nil
}

type pendingItem struct {
	AlertItem
	correction bool
}

// pendingItems returns the items of the list after seq, newest first, one per
// entry (its latest version), and the highest id read.
func (a *Alerts) pendingItems(ctx context.Context, tx *sql.Tx, list string, seq int64) ([]pendingItem, int64, error) {
	rows, err := tx.QueryContext(ctx, a.s.q(`SELECT id, entry_id, title, url, correction FROM alert_items
		WHERE list_path = ? AND id > ? AND baseline = 0 ORDER BY id DESC`), list, seq)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []pendingItem
	var maxID int64
	seen := map[string]bool{}
	for rows.Next() {
		var id int64
		var it pendingItem
		var corr int
		if err := rows.Scan(&id, &it.ID, &it.Title, &it.URL, &corr); err != nil {
			return nil, 0, err
		}
		maxID = max(maxID, id)
		if seen[it.ID] {
			continue
		}
		seen[it.ID] = true
		it.correction = corr == 1
		out = append(out, it)
	}
	return out, maxID, rows.Err()
}

// The mails.

func (a *Alerts) mailConfirm(email, list, title string, freq Frequency, token string) Mail {
	return Mail{
		Kind:    "alert_confirm",
		To:      email,
		Subject: fmt.Sprintf("[%s] Xác nhận đăng ký theo dõi: %s", a.cfg.Site, title),
		Body: fmt.Sprintf("Có người (có thể là bạn) đã đăng ký nhận thư về các văn bản mới của:\n\n  %s\n  %s\n\n"+
			"Tần suất: %s.\n\nĐể bắt đầu nhận thư, hãy mở liên kết sau và bấm nút xác nhận:\n%s\n\n"+
			"Nếu bạn không đăng ký, hãy bỏ qua thư này: bạn sẽ không nhận thêm thư nào.\n\n%s\n",
			title, a.cfg.ListURL(list), freq.Label(), a.cfg.ConfirmURL(token), a.cfg.Site),
	}
}

func (a *Alerts) mailAlert(sub *Subscription, items []pendingItem) Mail {
	var b strings.Builder
	fmt.Fprintf(&b, "Theo dõi: %s\n%s\n\n", sub.ListTitle, a.cfg.ListURL(sub.ListPath))
	fmt.Fprintf(&b, "%d mục mới hoặc được cập nhật:\n\n", len(items))
	for i, it := range items {
		if i == alertItemsMax {
			fmt.Fprintf(&b, "… và %d mục khác: %s\n", len(items)-alertItemsMax, a.cfg.ListURL(sub.ListPath))
			break
		}
		mark := ""
		if it.correction {
			mark = "(cập nhật) "
		}
		fmt.Fprintf(&b, "- %s%s\n  %s\n", mark, it.Title, it.URL)
	}
	fmt.Fprintf(&b, "\nBạn nhận thư này vì đã đăng ký theo dõi \"%s\" (%s).\n", sub.ListTitle, sub.Frequency.Label())
	fmt.Fprintf(&b, "Hủy theo dõi, không cần đăng nhập: %s\n\n%s\n", a.cfg.UnsubscribeURL(sub.Token), a.cfg.Site)
	subject := fmt.Sprintf("[%s] %d mục mới: %s", a.cfg.Site, len(items), sub.ListTitle)
	if sub.Frequency == FreqDaily {
		subject = fmt.Sprintf("[%s] Tin trong ngày (%d mục): %s", a.cfg.Site, len(items), sub.ListTitle)
	}
	return Mail{Kind: "alert", To: sub.Email, Subject: subject, Body: b.String()}
}
