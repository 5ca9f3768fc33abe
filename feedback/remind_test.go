package feedback

import (
	"context"
	"testing"
	"time"

	"github.com/congkhai/congkhai/calendar"
)

// TestRemind: due-soon and overdue reminders go to the agency's addresses and
// the assignee, once per submission per day, and are in the history.
func TestRemind(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		sub := submit(t, s, func(n *NewSubmission) { n.Email = "" })
		st := newStaff(t, s, "cb@stc.gov.vn", "so-tai-chinh", RoleStaff)
		if err := s.Assign(ctx, sub.ID, st.ID, st.ID); err != nil {
			t.Fatal(err)
		}
		rcpt := func(agency string) []string {
			if agency != "so-tai-chinh" {
				t.Errorf("recipients(%q)", agency)
			}
			return []string{"tiepnhan@stc.gov.vn", "CB@stc.gov.vn"}
		}
		pending := func() int {
			n, err := s.OutboxPending(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		base := pending()
		if got := sub.DueAt.Format(time.DateOnly); got != "2026-03-23" {
			t.Fatalf("due %s, want 2026-03-23 (15 working days from Monday 2 March)", got)
		}
		soon := time.Date(2026, 3, 19, 9, 0, 0, 0, calendar.Location) // Thursday: due in 2 working days
		late := time.Date(2026, 3, 24, 9, 0, 0, 0, calendar.Location) // the day after the deadline
		tests := []struct {
			name  string
			at    time.Time
			want  int // submissions reminded
			mails int // new outbox rows
		}{
			{"far from the deadline", testStart, 0, 0},
			{"due soon", soon, 1, 2},
			{"same day again", soon.Add(8 * time.Hour), 0, 0},
			{"due soon, next day", soon.Add(24 * time.Hour), 1, 2},
			{"overdue", late, 1, 2},
			{"overdue, next run that day", late.Add(5 * time.Hour), 0, 0},
		}
		for _, tt := range tests {
			clk.Set(tt.at)
			n, err := s.Remind(ctx, tt.at, rcpt)
			if err != nil {
				t.Fatal(err)
			}
			if got := pending() - base; n != tt.want || got != tt.mails {
				t.Errorf("%s: Remind = %d with %d mails, want %d with %d", tt.name, n, got, tt.want, tt.mails)
			}
			base = pending()
		}
		audit, err := s.Audit(ctx, sub.ID)
		if err != nil {
			t.Fatal(err)
		}
		var reminded int
		for _, a := range audit {
			if a.Action == "reminded" {
				reminded++
			}
		}
		if reminded != 3 {
			t.Errorf("%d reminded rows in the history, want 3", reminded)
		}
		// Answered: no more reminders.
		if err := s.Reply(ctx, sub.ID, st.ID, "Trả lời.", "Chậm do chờ số liệu.", clk.Now()); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.Remind(ctx, sub.DueAt.Add(72*time.Hour), rcpt); n != 0 {
			t.Errorf("answered submission reminded %d times", n)
		}
	})
}
