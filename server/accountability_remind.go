package server

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/congkhai/congkhai/dossier"
	"github.com/congkhai/congkhai/feedback"
)

// remindDays is how many days before a disclosure deadline its agency is
// reminded.
var remindDays = []int{7, 1}

// RunAccountabilityReminders mails, every interval until ctx ends, the
// agencies whose disclosure deadlines come in remindDays days (and the day
// after one passed without the document): to the addresses of _agency.md's
// staff and the agency's admins in the console. Each mail is queued once
// (feedback.Store.NotifyOnce). It returns at once without a feedback store.
func (s *Server) RunAccountabilityReminders(ctx context.Context, every time.Duration) {
	if s.deps.Feedback == nil {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.RemindObligations(ctx, s.now()); err != nil && ctx.Err() == nil {
			s.log.Error("disclosure reminders failed", "err", err)
		} else if n > 0 {
			s.log.Info("disclosure reminders queued", "obligations", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RemindObligations queues the reminders due on the day of now, and returns
// how many obligations it reminded of. err only when the store fails.
func (s *Server) RemindObligations(ctx context.Context, now time.Time) (int, error) {
	a := s.deps.Portal.Accountability()
	if a == nil || s.deps.Feedback == nil {
		return 0, nil
	}
	today := dossier.DayOf(now)
	if a.Day != today {
		return 0, nil // yesterday's figures: wait for today's
	}
	snap := s.deps.Portal.Snapshot()
	base := publicBase(s.deps.BaseURL, snap)
	n := 0
	for _, o := range a.Compliance.Obligations {
		var kind string
		switch {
		case o.State == dossier.StateUpcoming && containsInt(remindDays, int(o.Due-today)):
			kind = fmt.Sprintf("obligation_due_%d", o.Due-today)
		case o.State == dossier.StateMissing && o.Due+1 == today:
			kind = "obligation_missed"
		default:
			continue
		}
		ag, ok := snap.Site.Agency(o.Agency)
		if !ok {
			continue
		}
		to := append([]string{}, ag.Staff...)
		admins, err := s.deps.Feedback.ListStaff(ctx, o.Agency)
		if err != nil {
			return n, err
		}
		for _, st := range admins {
			if st.Role == feedback.RoleAgencyAdmin && !st.Disabled {
				to = append(to, st.Email)
			}
		}
		what := o.Rule.Title
		if o.Period.Kind != 0 {
			what += " – " + strings.ToLower(o.Period.Label("vi"))
		}
		subject := fmt.Sprintf("[Công khai] Còn %d ngày: %s", o.Due-today, what)
		head := fmt.Sprintf("Theo %s, %s phải công khai %s chậm nhất ngày %s (còn %d ngày).", basisRef(o.Rule), ag.Name, lowerFirst(what), o.Due.VN(), o.Due-today)
		if kind == "obligation_missed" {
			subject = "[Công khai] Đã quá hạn: " + what
			head = fmt.Sprintf("Theo %s, %s phải công khai %s chậm nhất ngày %s. Đến nay cổng chưa có văn bản này; cổng công khai đã ghi nhận là chưa thực hiện.", basisRef(o.Rule), ag.Name, lowerFirst(what), o.Due.VN())
		}
		if o.Assumed {
			head += " Hạn được tính từ ngày muộn nhất pháp luật cho phép ban hành văn bản; khi đăng, ghi ngày phê duyệt (approved:) để hạn được tính đúng."
		}
		body := head + "\n\nKhi đăng, ghi trong phần đầu văn bản:\n  document_type: " + o.Rule.ID
		if o.Period.Kind != 0 {
			body += "\n  period: " + o.Period.String()
		}
		body += "\n\nTình hình công khai của cơ quan: " + base + accPrefix + "/" + o.Agency + "#nghia-vu"
		var mails []feedback.Mail
		for _, r := range to {
			mails = append(mails, feedback.Mail{Kind: kind, To: r, Subject: subject, Body: body})
		}
		sent, err := s.deps.Feedback.NotifyOnce(ctx, kind+" "+o.Key(), mails, now)
		if err != nil {
			return n, err
		}
		if sent {
			n++
		}
	}
	return n, nil
}

func basisRef(r *dossier.Rule) string {
	if len(r.Basis) == 0 {
		return "quy định"
	}
	return r.Basis[0].Ref
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// lowerFirst lower-cases the first letter of s.
func lowerFirst(s string) string {
	for i, r := range s {
		return strings.ToLower(string(r)) + s[i+len(string(r)):]
	}
	return s
}
