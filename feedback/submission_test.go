package feedback

import (
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/congkhai/congkhai/internal/sqldb"
)

func TestSubmitValidation(t *testing.T) {
	s, _ := openTest(t, "sqlite")
	ctx := context.Background()
	tests := []struct {
		name  string
		edit  func(n *NewSubmission)
		field string
		msg   string // a part of the message
	}{
		{"unknown type", func(n *NewSubmission) { n.Type = "praise" }, "type", "chọn loại"},
		{"empty body", func(n *NewSubmission) { n.Body = "  \n\t " }, "body", "nhập nội dung"},
		{"short body", func(n *NewSubmission) { n.Body = "Ngắn quá" }, "body", "quá ngắn"},
		{"control chars do not count", func(n *NewSubmission) { n.Body = "abc\x00\x01\x02\x03\x04\x05\x06\x07" }, "body", "quá ngắn"},
		{"long body", func(n *NewSubmission) { n.Body = strings.Repeat("ạ", 5001) }, "body", "quá dài"},
		{"long name", func(n *NewSubmission) { n.Name = strings.Repeat("Đ", 101) }, "name", "Họ tên quá dài"},
		{"phone letters", func(n *NewSubmission) { n.Phone = "09123abc78" }, "phone", "Số điện thoại"},
		{"phone too short", func(n *NewSubmission) { n.Phone = "091234567" }, "phone", "Số điện thoại"},
		{"phone foreign", func(n *NewSubmission) { n.Phone = "+33612345678" }, "phone", "Số điện thoại"},
		{"email", func(n *NewSubmission) { n.Email = "an@example" }, "email", "email"},
		{"email with name", func(n *NewSubmission) { n.Email = "An <an@example.vn>" }, "email", "email"},
		{"comment without target", func(n *NewSubmission) { n.Type = TypeComment; n.TargetPath = "" }, "target", "dự thảo"},
		{"comment window closed", func(n *NewSubmission) {
			n.Type, n.CommentOpens, n.CommentCloses = TypeComment, testStart.AddDate(0, -1, 0), testStart.AddDate(0, 0, -1)
		}, "type", "hết thời gian"},
		{"comment window not open", func(n *NewSubmission) {
			n.Type, n.CommentOpens, n.CommentCloses = TypeComment, testStart.AddDate(0, 0, 1), testStart.AddDate(0, 1, 0)
		}, "type", "chưa đến"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := NewSubmission{Type: TypeQuestion, Agency: "a", TargetPath: "a/b", Body: "Nội dung đủ dài để gửi.", Now: testStart}
			tt.edit(&n)
			_, err := s.Submit(ctx, n)
			var v *ValidationError
			if !errors.As(err, &v) {
				t.Fatalf("Submit() error = %v, want a *ValidationError", err)
			}
			if got := v.Fields[tt.field]; !strings.Contains(got, tt.msg) {
				t.Errorf("Fields[%q] = %q, want it to contain %q (all: %v)", tt.field, got, tt.msg, v.Fields)
			}
		})
	}
}

func TestSubmitNormalizes(t *testing.T) {
	s, _ := openTest(t, "sqlite")
	// "Nguyễn" in decomposed form (NFD), a bidi override, CRLF, stray spaces.
	sub := submit(t, s, func(n *NewSubmission) {
		n.Name = "  Nguye\u0302\u0303n   Văn\u202e An  "
		n.Body = "Dòng một\r\n\r\n\r\n\r\nDòng hai\x07 \t"
		n.Phone = "+84 912.345.678"
		n.Email = " An@Example.VN "
		n.Type = " question "
	})
	tests := []struct{ field, got, want string }{
		{"name", sub.Name, "Nguyễn Văn An"},
		{"body", sub.Body, "Dòng một\n\n\nDòng hai"},
		{"phone", sub.Phone, "0912345678"},
		{"email", sub.Email, "an@example.vn"},
		{"type", string(sub.Type), "question"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.field, tt.got, tt.want)
		}
	}
	got, err := s.Get(context.Background(), sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != sub.Name || got.Body != sub.Body || !got.CreatedAt.Equal(sub.CreatedAt) || !got.DueAt.Equal(sub.DueAt) {
		t.Errorf("Get() = %+v,\nwant %+v", got, sub)
	}
}

var codeRe = regexp.MustCompile(`^GY-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`)

func TestCodes(t *testing.T) {
	const n = 20000
	seen := map[string]bool{}
	var counts [codeLen][32]int
	for i := 0; i < n; i++ {
		c := newCode()
		if !codeRe.MatchString(c) {
			t.Fatalf("newCode() = %q, want GY-XXXX-XXXX-XXXX in Crockford base32", c)
		}
		if seen[c] {
			t.Fatalf("newCode() repeated %q", c)
		}
		seen[c] = true
		raw := strings.ReplaceAll(c[3:], "-", "")
		for p := 0; p < codeLen; p++ {
			counts[p][strings.IndexByte(codeAlphabet, raw[p])]++
		}
	}
	// Every position uniform over the 32 symbols: chi-square with 31 degrees
	// of freedom stays far below 80 unless something is biased or sequential.
	for p := range counts {
		exp := float64(n) / 32
		chi := 0.0
		for _, c := range counts[p] {
			chi += (float64(c) - exp) * (float64(c) - exp) / exp
		}
		if chi > 80 {
			t.Errorf("position %d: chi-square %.1f, the symbols are not uniform", p, chi)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"GY-7K3M-Q9TD-2PXH", "GY-7K3M-Q9TD-2PXH", true},
		{"gy-7k3m-q9td-2pxh", "GY-7K3M-Q9TD-2PXH", true},
		{"7K3MQ9TD2PXH", "GY-7K3M-Q9TD-2PXH", true},
		{" GY 7K3M Q9TD 2PXH ", "GY-7K3M-Q9TD-2PXH", true},
		{"GY-OK3M-Q9TD-2PXH", "GY-0K3M-Q9TD-2PXH", true}, // O read as 0
		{"GY-IK3M-Q9TD-LPXH", "GY-1K3M-Q9TD-1PXH", true}, // I and L read as 1
		{"GY-7K3M-Q9TD-2PX", "", false},
		{"GY-7K3M-Q9TD-2PXU", "", false}, // U is not in the alphabet
		{"GY-7K3M-Q9TD-2PXĐ", "", false},
		{"", "", false},
		{"' OR 1=1 --", "", false},
	}
	for _, tt := range tests {
		got, ok := NormalizeCode(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizeCode(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSubmitAndTrack(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		q := submit(t, s, nil)
		c := submit(t, s, func(n *NewSubmission) { n.Type = TypeComplaint; n.Email = "" })
		if !codeRe.MatchString(q.Code) || q.Code == c.Code {
			t.Fatalf("codes %q, %q", q.Code, c.Code)
		}
		// Deadlines: 15 working days for a question, 10 for a complaint (WithDeadlines).
		if want := vn(t, "2026-03-23 23:59:59"[:10]).Add(24*time.Hour - time.Second); !q.DueAt.Equal(want) {
			t.Errorf("question DueAt = %s, want %s", q.DueAt, want)
		}
		if want := vn(t, "2026-03-16").Add(24*time.Hour - time.Second); !c.DueAt.Equal(want) {
			t.Errorf("complaint DueAt = %s, want %s", c.DueAt, want)
		}
		for _, typed := range []string{q.Code, strings.ToLower(q.Code), strings.ReplaceAll(q.Code, "-", ""), q.Code[3:]} {
			got, err := s.ByCode(ctx, typed)
			if err != nil || got.ID != q.ID {
				t.Errorf("ByCode(%q) = %v, %v, want id %d", typed, got, err, q.ID)
			}
		}
		if _, err := s.ByCode(ctx, "GY-0000-0000-0000"); !errors.Is(err, ErrNotFound) {
			t.Errorf("ByCode(unknown) error = %v, want ErrNotFound", err)
		}
		if _, err := s.ByCode(ctx, "garbage"); !errors.Is(err, ErrNotFound) {
			t.Errorf("ByCode(garbage) error = %v, want ErrNotFound", err)
		}
		if _, err := s.Get(ctx, 999999); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(999999) error = %v, want ErrNotFound", err)
		}
		// Audit and outbox in the same transaction.
		au, err := s.Audit(ctx, q.ID)
		if err != nil || len(au) != 1 || au[0].Action != "submitted" || au[0].Actor != ActorCitizen {
			t.Errorf("Audit() = %+v, %v, want one 'submitted' by citizen", au, err)
		}
		mails, err := s.ClaimOutbox(ctx, 100, clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range mails {
			got = append(got, m.Kind+" "+m.To)
			if strings.Contains(m.Body, "0912345678") || strings.Contains(m.Body, "Nguyễn Văn An") {
				t.Errorf("mail %s to %s carries personal data:\n%s", m.Kind, m.To, m.Body)
			}
		}
		want := []string{
			"new_submission staff1@stc.gov.vn", "new_submission staff2@stc.gov.vn", "acknowledgement an@example.vn",
			"new_submission staff1@stc.gov.vn", "new_submission staff2@stc.gov.vn",
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("outbox = %v, want %v", got, want)
		}
	})
}

// auditActions returns the submission's audit actions.
func auditActions(t *testing.T, s *Store, id int64) string {
	t.Helper()
	au, err := s.Audit(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var a []string
	for _, e := range au {
		a = append(a, e.Action)
	}
	return strings.Join(a, ",")
}

func TestLifecycle(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		alice := newStaff(t, s, "alice@stc.gov.vn", "so-tai-chinh", RoleStaff)
		bob := newStaff(t, s, "bob@stc.gov.vn", "so-tai-chinh", RoleAgencyAdmin)
		other := newStaff(t, s, "carol@sxd.gov.vn", "so-xay-dung", RoleStaff)
		sub := submit(t, s, nil)
		id := sub.ID

		steps := []struct {
			name       string
			do         func() error
			wantErr    error // nil, ErrInvalidState, or a *ValidationError field below
			wantField  string
			wantStatus Status
		}{
			{"rate before answer", func() error { return s.Rate(ctx, sub.Code, 5, "") }, nil, "rating", StatusNew},
			{"assign to other agency", func() error { return s.Assign(ctx, id, bob.ID, other.ID) }, nil, "assigned_to", StatusNew},
			{"assign", func() error { return s.Assign(ctx, id, bob.ID, alice.ID) }, nil, "", StatusAssigned},
			{"note", func() error { return s.AddNote(ctx, id, alice.ID, "Cần hỏi phòng ngân sách.") }, nil, "", StatusAssigned},
			{"empty note", func() error { return s.AddNote(ctx, id, alice.ID, " ") }, nil, "body", StatusAssigned},
			{"publish before answer", func() error { return s.Publish(ctx, id, bob.ID, "Câu hỏi công khai", "Trả lời công khai") }, ErrInvalidState, "", StatusAssigned},
			{"reopen open", func() error { return s.Reopen(ctx, id, bob.ID, "") }, ErrInvalidState, "", StatusAssigned},
			{"reply", func() error {
				return s.Reply(ctx, id, alice.ID, "Dự toán tăng do điều chỉnh lương cơ sở.", "", clk.Now())
			}, nil, "", StatusAnswered},
			{"second reply", func() error {
				return s.Reply(ctx, id, alice.ID, "Bổ sung: chi tiết tại phụ lục 2.", "", clk.Now())
			}, nil, "", StatusAnswered},
			{"publish with name", func() error {
				return s.Publish(ctx, id, bob.ID, "Ông Nguyễn Văn An hỏi về dự toán 2026.", "Dự toán tăng do điều chỉnh lương cơ sở.")
			}, nil, "public_question", StatusAnswered},
			{"publish with phone", func() error {
				return s.Publish(ctx, id, bob.ID, "Hỏi về dự toán 2026, gọi lại 0912.345.678.", "Dự toán tăng do điều chỉnh lương cơ sở.")
			}, nil, "public_question", StatusAnswered},
			{"publish with email", func() error {
				return s.Publish(ctx, id, bob.ID, "Hỏi về dự toán 2026.", "Đã gửi trả lời tới AN@example.vn.")
			}, nil, "public_answer", StatusAnswered},
			{"publish", func() error {
				return s.Publish(ctx, id, bob.ID, "Vì sao dự toán chi thường xuyên 2026 tăng?", "Dự toán tăng do điều chỉnh lương cơ sở.")
			}, nil, "", StatusAnswered},
			{"rate 0", func() error { return s.Rate(ctx, sub.Code, 0, "") }, nil, "rating", StatusAnswered},
			{"rate", func() error { return s.Rate(ctx, strings.ToLower(sub.Code), 4, "Rõ ràng") }, nil, "", StatusAnswered},
			{"rate twice", func() error { return s.Rate(ctx, sub.Code, 5, "") }, nil, "rating", StatusAnswered},
			{"close", func() error { return s.CloseSubmission(ctx, id, bob.ID, "đã trả lời") }, nil, "", StatusClosed},
			{"close twice", func() error { return s.CloseSubmission(ctx, id, bob.ID, "") }, ErrInvalidState, "", StatusClosed},
			{"reply closed", func() error { return s.Reply(ctx, id, alice.ID, "Thêm một ý.", "", clk.Now()) }, ErrInvalidState, "", StatusClosed},
			{"assign closed", func() error { return s.Assign(ctx, id, bob.ID, alice.ID) }, ErrInvalidState, "", StatusClosed},
			{"transfer closed", func() error { return s.Transfer(ctx, id, bob.ID, "so-xay-dung", nil) }, ErrInvalidState, "", StatusClosed},
			{"reopen", func() error { return s.Reopen(ctx, id, bob.ID, "người dân hỏi thêm") }, nil, "", StatusAnswered},
			{"unpublish", func() error { return s.Unpublish(ctx, id, bob.ID) }, nil, "", StatusAnswered},
			{"unpublish twice", func() error { return s.Unpublish(ctx, id, bob.ID) }, ErrInvalidState, "", StatusAnswered},
			{"unknown id", func() error { return s.CloseSubmission(ctx, 987654, bob.ID, "") }, ErrNotFound, "", StatusAnswered},
		}
		for _, st := range steps {
			clk.Add(time.Hour)
			err := st.do()
			switch {
			case st.wantField != "":
				var v *ValidationError
				if !errors.As(err, &v) || v.Fields[st.wantField] == "" {
					t.Errorf("%s: error = %v, want a *ValidationError on %q", st.name, err, st.wantField)
				}
			case st.wantErr != nil:
				if !errors.Is(err, st.wantErr) {
					t.Errorf("%s: error = %v, want %v", st.name, err, st.wantErr)
				}
			case err != nil:
				t.Errorf("%s: %v", st.name, err)
			}
			got, err := s.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != st.wantStatus {
				t.Errorf("%s: status = %s, want %s", st.name, got.Status, st.wantStatus)
			}
		}

		got, _ := s.Get(ctx, id)
		if got.AssignedTo != alice.ID || got.Rating != 4 || got.RatingComment != "Rõ ràng" || got.Public || got.LateExplanation != "" {
			t.Errorf("final = %+v", got)
		}
		if want := testStart.Add(8 * time.Hour); !got.AnsweredAt.Equal(want) {
			t.Errorf("AnsweredAt = %s, want the first reply's time %s", got.AnsweredAt, want)
		}
		if want := "submitted,assigned,note,replied,replied,published,rated,closed,reopened,unpublished"; auditActions(t, s, id) != want {
			t.Errorf("audit = %s, want %s", auditActions(t, s, id), want)
		}
		all, _ := s.Messages(ctx, id, true)
		public, _ := s.Messages(ctx, id, false)
		if len(all) != 3 || len(public) != 2 || public[0].Kind != KindReply || public[0].AuthorName != alice.Name {
			t.Errorf("Messages = %+v / %+v", all, public)
		}
		// The assignee and the citizen (twice, one per reply) got mail.
		mails, _ := s.ClaimOutbox(ctx, 100, clk.Now())
		kinds := map[string]int{}
		for _, m := range mails {
			kinds[m.Kind+" "+m.To]++
		}
		if kinds["assigned alice@stc.gov.vn"] != 1 || kinds["reply an@example.vn"] != 2 {
			t.Errorf("outbox = %v", kinds)
		}
	})
}

func TestLateReplyNeedsExplanation(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		st := newStaff(t, s, "a@stc.gov.vn", "so-tai-chinh", RoleStaff)
		sub := submit(t, s, nil)
		late := sub.DueAt.Add(time.Minute)
		err := s.Reply(ctx, sub.ID, st.ID, "Trả lời muộn.", "  ", late)
		var v *ValidationError
		if !errors.As(err, &v) || !strings.Contains(v.Fields["late_explanation"], "quá hạn") {
			t.Fatalf("late Reply without explanation: error = %v, want ValidationError on late_explanation", err)
		}
		// On the deadline itself is on time.
		onTime := submit(t, s, nil)
		if err := s.Reply(ctx, onTime.ID, st.ID, "Trả lời đúng hạn.", "", onTime.DueAt); err != nil {
			t.Errorf("Reply at the deadline: %v", err)
		}
		if err := s.Reply(ctx, sub.ID, st.ID, "Trả lời muộn.", "Phải lấy ý kiến Sở Nội vụ.", late); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Get(ctx, sub.ID)
		if !got.AnsweredLate() || got.LateExplanation != "Phải lấy ý kiến Sở Nội vụ." {
			t.Errorf("late answer = late %v, explanation %q", got.AnsweredLate(), got.LateExplanation)
		}
		// A later reply needs no explanation: the answer was already given.
		if err := s.Reply(ctx, sub.ID, st.ID, "Bổ sung.", "", late.Add(48*time.Hour)); err != nil {
			t.Errorf("follow-up reply: %v", err)
		}
	})
}

func TestTransfer(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		a := newStaff(t, s, "a@stc.gov.vn", "so-tai-chinh", RoleStaff)
		sub := submit(t, s, nil)
		if err := s.Assign(ctx, sub.ID, a.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		var v *ValidationError
		if err := s.Transfer(ctx, sub.ID, a.ID, "so-tai-chinh", nil); !errors.As(err, &v) {
			t.Errorf("Transfer to the same agency: error = %v, want ValidationError", err)
		}
		if err := s.Transfer(ctx, sub.ID, a.ID, "so-xay-dung", []string{"x@sxd.gov.vn", "X@sxd.gov.vn", "bad"}); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Get(ctx, sub.ID)
		if got.Agency != "so-xay-dung" || got.Status != StatusNew || got.AssignedTo != 0 || !got.DueAt.Equal(sub.DueAt) {
			t.Errorf("after transfer: agency %s status %s assigned %d due %s", got.Agency, got.Status, got.AssignedTo, got.DueAt)
		}
		au, _ := s.Audit(ctx, sub.ID)
		if last := au[len(au)-1]; last.Action != "transferred" || last.Detail != "so-tai-chinh → so-xay-dung" || last.StaffID != a.ID {
			t.Errorf("audit = %+v", last)
		}
		mails, _ := s.ClaimOutbox(ctx, 100, clk.Now())
		n := 0
		for _, m := range mails {
			if m.Kind == "transferred" {
				n++
				if m.To != "x@sxd.gov.vn" {
					t.Errorf("transferred mail to %s", m.To)
				}
			}
		}
		if n != 1 {
			t.Errorf("%d transfer mails, want 1 (deduplicated, invalid dropped)", n)
		}
	})
}

func TestInbox(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		me := newStaff(t, s, "me@stc.gov.vn", "so-tai-chinh", RoleStaff)
		// Mon 2 March: due 23 March (15 days) or 16 March (complaint, 10 days).
		fresh := submit(t, s, nil)
		mine := submit(t, s, nil)
		soon := submit(t, s, func(n *NewSubmission) { n.Type = TypeComplaint })
		clk.Set(testStart.AddDate(0, 0, -30)) // 31 January: long overdue by March
		overdue := submit(t, s, nil)
		answered := submit(t, s, nil)
		closed := submit(t, s, nil)
		elsewhere := submit(t, s, func(n *NewSubmission) { n.Agency = "so-xay-dung" })
		clk.Set(testStart)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(s.Assign(ctx, mine.ID, me.ID, me.ID))
		must(s.Reply(ctx, answered.ID, me.ID, "Đã trả lời.", "Chậm do thiếu hồ sơ.", testStart))
		must(s.CloseSubmission(ctx, closed.ID, me.ID, "trùng"))

		now := vn(t, "2026-03-12 10:00") // Thursday: soon (16/3) is 2 working days away
		tests := []struct {
			filter string
			want   []int64
		}{
			{FilterNew, []int64{overdue.ID, soon.ID, fresh.ID}},
			{FilterMine, []int64{mine.ID}},
			{FilterDueSoon, []int64{soon.ID}},
			{FilterOverdue, []int64{overdue.ID}},
			{FilterAnswered, []int64{answered.ID}},
			{FilterAll, []int64{soon.ID, mine.ID, fresh.ID, closed.ID, answered.ID, overdue.ID}},
		}
		for _, tt := range tests {
			in, err := s.Inbox(ctx, InboxQuery{Agency: []string{"so-tai-chinh"}, Filter: tt.filter, StaffID: me.ID, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, x := range in.Items {
				got = append(got, x.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Inbox(%s) = %v, want %v", tt.filter, got, tt.want)
			}
			if in.Counts[tt.filter] != len(tt.want) || in.Total != len(tt.want) {
				t.Errorf("Inbox(%s) counts = %v, total %d, want %d", tt.filter, in.Counts, in.Total, len(tt.want))
			}
		}
		all, err := s.Inbox(ctx, InboxQuery{Filter: FilterAll, Now: now})
		if err != nil || all.Total != 7 {
			t.Errorf("site admin inbox total = %v, %v, want 7", all.Total, err)
		}
		if _, err := s.Inbox(ctx, InboxQuery{Filter: "bogus"}); err == nil {
			t.Error("Inbox(bogus filter) succeeded")
		}
		od, _ := s.Overdue(ctx, now)
		ds, _ := s.DueSoon(ctx, now, 3)
		if len(od) != 2 || len(ds) != 1 || ds[0].ID != soon.ID { // overdue at two agencies
			t.Errorf("Overdue = %d rows, DueSoon = %d rows", len(od), len(ds))
		}
		_ = elsewhere
		if !od[0].Overdue(now) || fresh.Overdue(now) {
			t.Error("Submission.Overdue wrong")
		}
	})
}

func TestPublicQA(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		st := newStaff(t, s, "a@stc.gov.vn", "so-tai-chinh", RoleStaff)
		sub := submit(t, s, nil)
		submit(t, s, nil) // unpublished
		if err := s.Reply(ctx, sub.ID, st.ID, "Trả lời riêng cho ông An.", "", clk.Now()); err != nil {
			t.Fatal(err)
		}
		if err := s.Publish(ctx, sub.ID, st.ID, "Vì sao dự toán tăng?", "Do điều chỉnh lương cơ sở."); err != nil {
			t.Fatal(err)
		}
		for _, agency := range []string{"", "so-tai-chinh"} {
			qa, total, err := s.PublicQA(ctx, agency, 1)
			if err != nil || total != 1 || len(qa) != 1 {
				t.Fatalf("PublicQA(%q) = %v, %d, %v", agency, qa, total, err)
			}
			if qa[0].Question != "Vì sao dự toán tăng?" || qa[0].Answer != "Do điều chỉnh lương cơ sở." || qa[0].PublishedAt.IsZero() {
				t.Errorf("PublicQA = %+v", qa[0])
			}
		}
		if _, total, _ := s.PublicQA(ctx, "so-xay-dung", 1); total != 0 {
			t.Errorf("PublicQA(other agency) total = %d", total)
		}
		if all, err := s.AllPublicQA(ctx); err != nil || len(all) != 1 || all[0].ID != sub.ID {
			t.Errorf("AllPublicQA = %v, %v; want the one published", all, err)
		}
		if qa, err := s.PublishedQA(ctx, sub.ID); err != nil || qa.Answer != "Do điều chỉnh lương cơ sở." {
			t.Errorf("PublishedQA(%d) = %v, %v", sub.ID, qa, err)
		}
		if err := s.Unpublish(ctx, sub.ID, st.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PublishedQA(ctx, sub.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("PublishedQA after Unpublish: err = %v, want ErrNotFound", err)
		}
	})
}

func TestConcurrentSubmit(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		const n = 50
		var wg sync.WaitGroup
		codes := make(chan string, n)
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sub, err := s.Submit(ctx, NewSubmission{Type: TypeSuggestion, Agency: "so-tai-chinh",
					Body: fmt.Sprintf("Góp ý số %d về thủ tục hành chính.", i), Email: "a@example.vn", Recipients: []string{"s@stc.gov.vn"}})
				if err != nil {
					errs <- err
					return
				}
				codes <- sub.Code
			}()
		}
		wg.Wait()
		close(codes)
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		for c := range codes {
			if _, err := s.ByCode(ctx, c); err != nil {
				t.Errorf("ByCode(%s): %v", c, err)
			}
		}
		in, _ := s.Inbox(ctx, InboxQuery{Now: clk.Now()})
		pending, _ := s.OutboxPending(ctx)
		if in.Total != n || pending != 2*n {
			t.Errorf("stored %d submissions and %d mails, want %d and %d", in.Total, pending, n, 2*n)
		}
	})
}

func TestOpenTwice(t *testing.T) {
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn, dir := "", t.TempDir()
			if kind == "postgres" {
				dsn = pgDSN(t)
			}
			// Two "replicas" starting at once, then a restart.
			var wg sync.WaitGroup
			errs := make([]error, 2)
			stores := make([]*Store, 2)
			for i := range stores {
				wg.Add(1)
				go func() {
					defer wg.Done()
					stores[i], errs[i] = Open(ctx, dsn, dir, WithLogger(quiet))
				}()
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("Open #%d: %v", i, err)
				}
			}
			sub := submit(t, stores[0], nil)
			for _, s := range stores {
				s.Close()
			}
			s, err := Open(ctx, dsn, dir, WithLogger(quiet))
			if err != nil {
				t.Fatalf("reopen: %v", err)
			}
			defer s.Close()
			if _, err := s.ByCode(ctx, sub.Code); err != nil {
				t.Errorf("after reopen: %v", err)
			}
			ms, _ := sqldb.ReadMigrations(migrationFiles, path.Join("migrations", s.Dialect()))
			var n int
			if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(ms) {
				t.Errorf("schema_migrations rows = %d, %v, want %d", n, err, len(ms))
			}
		})
	}
	if _, err := Open(context.Background(), "mysql://x", t.TempDir()); err == nil {
		t.Error("Open(mysql://) succeeded")
	}
}

// TestListsAreCopies: the lists of types and filters cannot be changed by a caller.
func TestListsAreCopies(t *testing.T) {
	types := Types()
	types[0] = "hacked"
	if got := Types()[0]; got != TypeQuestion {
		t.Errorf("Types()[0] = %q after a caller changed its copy, want %q", got, TypeQuestion)
	}
	for _, ty := range Types() {
		if !ty.Valid() {
			t.Errorf("%q.Valid() = false", ty)
		}
	}
	if Type("hacked").Valid() {
		t.Error(`Type("hacked").Valid() = true`)
	}
	filters := Filters()
	filters[0] = "hacked"
	if got := Filters()[0]; got != FilterNew {
		t.Errorf("Filters()[0] = %q after a caller changed its copy, want %q", got, FilterNew)
	}
}
