package feedback

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/congkhai/congkhai/calendar"
)

// Reminder kinds, as outbox kinds and in the audit detail.
const (
	ReminderDueSoon = "reminder_due_soon"
	ReminderOverdue = "reminder_overdue"
)

// Remind queues reminder mails for the open submissions due within
// DueSoonDays working days and for the overdue ones, at most once per
// submission per day (Asia/Ho_Chi_Minh): each reminder writes a "reminded"
// audit row "<kind> <yyyy-mm-dd>" in the same transaction as its mails, and a
// submission that already has that row today is skipped, so running Remind
// often, or on several replicas, or again after a restart, sends nothing twice.
// Mails go to recipients(agency) (the agency's feedback addresses) and to the
// staff member holding the submission. It returns how many submissions were
// reminded; err only when the store fails.
func (s *Store) Remind(ctx context.Context, now time.Time, recipients func(agency string) []string) (int, error) {
	soon, err := s.DueSoon(ctx, now, DueSoonDays)
	if err != nil {
		return 0, err
	}
	late, err := s.Overdue(ctx, now)
	if err != nil {
		return 0, err
	}
	day := now.In(calendar.Location).Format(time.DateOnly)
	at := normTime(now)
	n := 0
	for i, sub := range append(soon, late...) {
		kind := ReminderDueSoon
		if i >= len(soon) {
			kind = ReminderOverdue
		}
		var to []string
		if recipients != nil {
			to = recipients(sub.Agency)
		}
		if sub.AssignedTo != 0 {
			if st, err := s.staffByID(ctx, s.db, sub.AssignedTo); err == nil && !st.Disabled {
				to = append(to, st.Email)
			}
		}
		to = s.cleanRecipients(to)
		if len(to) == 0 {
			continue
		}
		detail := kind + " " + day
		sent := false
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			var k int
			if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM audit_log WHERE submission_id = ? AND action = 'reminded' AND detail = ?`),
				sub.ID, detail).Scan(&k); err != nil {
				return err
			}
			if k > 0 {
				return nil
			}
			var mails []Mail
			for _, r := range to {
				mails = append(mails, s.mailReminder(sub, kind, r, now))
			}
			if err := s.enqueue(ctx, tx, sub.ID, at, mails...); err != nil {
				return err
			}
			sent = true
			return s.audit(ctx, tx, sub.ID, ActorSystem, 0, "reminded", detail, at)
		})
		if err != nil {
			return n, fmt.Errorf("feedback: remind %d: %w", sub.ID, err)
		}
		if sent {
			n++
		}
	}
	if n > 0 {
		s.log.Info("feedback reminders queued", "submissions", n)
	}
	return n, nil
}

func (s *Store) mailReminder(sub *Submission, kind, to string, now time.Time) Mail {
	head := fmt.Sprintf("Ý kiến mã %s sắp đến hạn trả lời (%s).", sub.Code, sub.DueAt.Format("02/01/2006"))
	subject := fmt.Sprintf("[%s] Sắp đến hạn trả lời: %s", sub.Code, subjectOf(sub))
	if kind == ReminderOverdue {
		head = fmt.Sprintf("Ý kiến mã %s đã quá hạn trả lời %d ngày làm việc (hạn %s). Khi trả lời, vui lòng nêu lý do chậm trễ.",
			sub.Code, max(1, s.cal.WorkingDaysBetween(sub.DueAt, now)), sub.DueAt.Format("02/01/2006"))
		subject = fmt.Sprintf("[%s] Quá hạn trả lời: %s", sub.Code, subjectOf(sub))
	}
	return Mail{
		Kind:    kind,
		To:      to,
		Subject: subject,
		Body:    fmt.Sprintf("%s\n\nLoại: %s\n%s\n%s", head, sub.Type.Label(), about(sub), s.staffLine(sub.ID)),
	}
}
