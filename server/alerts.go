package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/feedback"
	"github.com/congkhai/congkhai/portal"
)

// Email alerts of lists: the subscribe form (/theo-doi?list=/path), the
// confirmation and unsubscribe pages reached from the mails, and the job that
// records what followed lists show and queues the mails. The pages behind the
// mail links ask for one click on a button (a POST) rather than acting on the
// GET: mail scanners that open links must not confirm or cancel anything.

// AlertsConfig returns the links of alert mails for feedback.NewAlerts: the
// public address is baseURL, else site.yaml's base_url when the mail is written.
func AlertsConfig(p *portal.Portal, baseURL string) feedback.AlertsConfig {
	base := func() string { return publicBase(baseURL, p.Snapshot()) }
	site := p.Snapshot().Site.Config.Title
	return feedback.AlertsConfig{
		Site:           site,
		ListURL:        func(list string) string { return base() + list },
		ConfirmURL:     func(t string) string { return base() + "/theo-doi/xac-nhan?t=" + url.QueryEscape(t) },
		UnsubscribeURL: func(t string) string { return base() + "/theo-doi/huy?t=" + url.QueryEscape(t) },
	}
}

// publicBase is the address for links made outside a request (mails, jobs).
func publicBase(configured string, snap *portal.Snapshot) string {
	if configured != "" {
		return strings.TrimSuffix(configured, "/")
	}
	if b := strings.TrimSuffix(snap.Site.Config.BaseURL, "/"); b != "" {
		return b
	}
	return "http://localhost:8080"
}

// RunAlerts records the lists subscribers follow and queues their mails after
// every content change and every interval, until ctx ends. It returns at once
// when alerts are off.
func (s *Server) RunAlerts(ctx context.Context, every time.Duration) {
	if s.deps.Alerts == nil {
		return
	}
	poke := make(chan struct{}, 1)
	s.deps.Portal.OnChange(func(_, _ *portal.Snapshot) {
		select {
		case poke <- struct{}{}:
		default:
		}
	})
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := s.SyncAlerts(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("email alerts failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-poke:
		}
	}
}

// SyncAlerts makes one pass: it records the current items of every followed
// list and queues the mails that are due. It fails when the store fails.
func (s *Server) SyncAlerts(ctx context.Context) error {
	a := s.deps.Alerts
	if a == nil {
		return nil
	}
	lists, err := a.FollowedLists(ctx)
	if err != nil {
		return err
	}
	snap := s.deps.Portal.Snapshot()
	b := newFeedBuilder(publicBase(s.deps.BaseURL, snap), snap)
	now := s.now()
	for _, l := range lists {
		items, err := s.alertItems(ctx, b, l, now)
		if err != nil {
			continue // the list is gone (agency renamed); its subscribers keep their links
		}
		if _, err := a.RecordList(ctx, l, items, now); err != nil {
			return err
		}
	}
	n, err := a.DispatchAlerts(ctx, now)
	if n > 0 {
		s.log.Info("email alerts queued", "mails", n)
	}
	return err
}

func (s *Server) alertItems(ctx context.Context, b *feedBuilder, list string, now time.Time) ([]feedback.AlertItem, error) {
	f, err := s.anyListFeed(ctx, b, list, now)
	if err != nil {
		return nil, err
	}
	b.finish(f)
	items := make([]feedback.AlertItem, 0, len(f.Entries))
	for _, e := range f.Entries {
		items = append(items, feedback.AlertItem{ID: e.ID, Title: e.Title, URL: e.URL, Updated: e.Updated})
	}
	return items, nil
}

// alertPage is what alerts.html shows.
type alertPage struct {
	Mode      string // off, form, sent, confirm, confirmed, unsubscribe, unsubscribed, invalid
	ListPath  string
	ListTitle string
	Email     string
	Frequency string
	Errors    map[string]string
	CSRF      string
	Token     string
}

// alertList resolves the list a form names; ok is false for anything that is
// not a list of the portal.
func (s *Server) alertList(c echo.Context, list string) (title string, ok bool) {
	if !strings.HasPrefix(list, "/") || strings.HasPrefix(list, "//") || len(list) > 1000 {
		return "", false
	}
	snap := s.deps.Portal.Snapshot()
	f, err := s.anyListFeed(c.Request().Context(), s.newFeedBuilder(c, snap), list, s.now())
	if err != nil {
		return "", false
	}
	return f.ListTitle, true
}

func (s *Server) renderAlert(c echo.Context, status int, p *alertPage) error {
	return s.renderNoStore(c, status, "alerts", func(v *view) {
		v.Title = v.T("alerts_title")
		v.Section = "alerts"
		if p.ListPath != "" && p.Mode != "invalid" {
			if rest, ok := strings.CutPrefix(p.ListPath, "/search?"); ok {
				if q, err := url.ParseQuery(rest); err == nil {
					if sp, err := parseSearch(q); err == nil {
						v.Feeds = searchFeedLinks(sp)
					}
				}
			} else {
				v.Feeds = feedLinks(p.ListPath, p.ListTitle)
			}
		}
		p.CSRF = csrfToken(c)
		v.Data = p
	})
}

func (s *Server) alertForm(c echo.Context) error {
	list := c.QueryParam("list")
	if list == "" {
		list = "/"
	}
	title, ok := s.alertList(c, list)
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	p := &alertPage{Mode: "form", ListPath: list, ListTitle: title, Frequency: string(feedback.FreqDaily)}
	if s.fb == nil || s.deps.Alerts == nil {
		p.Mode = "off"
	}
	return s.renderAlert(c, http.StatusOK, p)
}

func (s *Server) alertSubscribe(c echo.Context) error {
	list := c.FormValue("list")
	title, ok := s.alertList(c, list)
	if !ok {
		return echo.NewHTTPError(http.StatusBadRequest, "Danh sách cần theo dõi không hợp lệ.")
	}
	p := &alertPage{Mode: "form", ListPath: list, ListTitle: title, Email: strings.TrimSpace(c.FormValue("email")), Frequency: c.FormValue("frequency")}
	if c.FormValue(honeypotField) != "" {
		p.Mode = "sent" // a program filled the hidden field: say the usual, do nothing
		return s.renderAlert(c, http.StatusOK, p)
	}
	err := s.deps.Alerts.Subscribe(c.Request().Context(), p.Email, list, title, feedback.Frequency(p.Frequency), s.fb.ipHash(c), s.now())
	var ve *feedback.ValidationError
	switch {
	case errors.As(err, &ve):
		p.Errors = ve.Fields
		return s.renderAlert(c, http.StatusUnprocessableEntity, p)
	case err != nil:
		return err
	}
	// The same answer whether the address was new, known or already confirmed:
	// the page tells nobody who follows what.
	p.Mode = "sent"
	return s.renderAlert(c, http.StatusOK, p)
}

// alertTokenPage shows the button that confirms or cancels the subscription of ?t=.
func (s *Server) alertTokenPage(mode string) echo.HandlerFunc {
	return func(c echo.Context) error {
		t := c.QueryParam("t")
		sub, err := s.deps.Alerts.Subscription(c.Request().Context(), t)
		if errors.Is(err, feedback.ErrNotFound) {
			return s.renderAlert(c, http.StatusNotFound, &alertPage{Mode: "invalid"})
		}
		if err != nil {
			return err
		}
		p := &alertPage{Mode: mode, ListPath: sub.ListPath, ListTitle: sub.ListTitle, Email: sub.Email, Frequency: string(sub.Frequency), Token: t}
		if mode == "confirm" && sub.Confirmed() {
			p.Mode = "confirmed"
		}
		return s.renderAlert(c, http.StatusOK, p)
	}
}

func (s *Server) alertConfirm(c echo.Context) error {
	ctx := c.Request().Context()
	a, t := s.deps.Alerts, c.FormValue("t")
	sub, err := a.Subscription(ctx, t)
	if errors.Is(err, feedback.ErrNotFound) {
		return s.renderAlert(c, http.StatusNotFound, &alertPage{Mode: "invalid"})
	}
	if err != nil {
		return err
	}
	// Record the list first, so that only what appears after the confirmation is mailed.
	snap := s.deps.Portal.Snapshot()
	if items, err := s.alertItems(ctx, newFeedBuilder(publicBase(s.deps.BaseURL, snap), snap), sub.ListPath, s.now()); err == nil {
		if _, err := a.RecordList(ctx, sub.ListPath, items, s.now()); err != nil {
			return err
		}
	}
	sub, err = a.Confirm(ctx, t, s.now())
	if errors.Is(err, feedback.ErrNotFound) {
		// Unsubscribed, or expired, since it was read above.
		return s.renderAlert(c, http.StatusNotFound, &alertPage{Mode: "invalid"})
	}
	if err != nil {
		return err
	}
	return s.renderAlert(c, http.StatusOK, &alertPage{Mode: "confirmed", ListPath: sub.ListPath, ListTitle: sub.ListTitle, Email: sub.Email, Frequency: string(sub.Frequency), Token: t})
}

func (s *Server) alertUnsubscribe(c echo.Context) error {
	sub, err := s.deps.Alerts.Unsubscribe(c.Request().Context(), c.FormValue("t"))
	if errors.Is(err, feedback.ErrNotFound) {
		// Already gone: the wish is fulfilled.
		return s.renderAlert(c, http.StatusOK, &alertPage{Mode: "unsubscribed"})
	}
	if err != nil {
		return err
	}
	return s.renderAlert(c, http.StatusOK, &alertPage{Mode: "unsubscribed", ListPath: sub.ListPath, ListTitle: sub.ListTitle, Email: sub.Email})
}

// FrequencyLabel names a frequency in the page's language.
func (p *alertPage) FrequencyLabel() string { return feedback.Frequency(p.Frequency).Label() }

// AlertURL is the subscribe form of the list whose feeds are l.
func (l feedLink) AlertURL() string {
	if strings.HasPrefix(l.URL, "/search.") {
		_, q, _ := strings.Cut(l.URL, "?")
		return "/theo-doi?list=" + url.QueryEscape("/search?"+q)
	}
	list := path.Dir(l.URL)
	return "/theo-doi?list=" + strings.ReplaceAll(url.QueryEscape(list), "%2F", "/")
}
