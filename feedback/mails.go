package feedback

import (
	"fmt"
)

// The notification texts. Mails to staff carry no personal data of the
// citizen (they read it in the console, behind a login); mails to the citizen
// go only to the address they gave.

func (s *Store) trackLine(code string) string {
	if s.trackURL != nil {
		return "Theo dõi ý kiến: " + s.trackURL(code) + "\n"
	}
	return ""
}

func (s *Store) staffLine(id int64) string {
	if s.staffURL != nil {
		return "Xem và xử lý: " + s.staffURL(id) + "\n"
	}
	return ""
}

func subjectOf(sub *Submission) string {
	// Not an excerpt of the body: it may hold personal details.
	switch {
	case sub.Subject != "":
		return sub.Subject
	case sub.TargetTitle != "":
		return sub.TargetTitle
	}
	return "(không có tiêu đề)"
}

func about(sub *Submission) string {
	if sub.TargetTitle != "" {
		return "Về: " + sub.TargetTitle + "\n"
	}
	if sub.TargetPath != "" {
		return "Về: " + sub.TargetPath + "\n"
	}
	return ""
}

func (s *Store) mailNewSubmission(sub *Submission, to string) Mail {
	return Mail{
		Kind:    "new_submission",
		To:      to,
		Subject: fmt.Sprintf("[%s] %s mới: %s", sub.Code, sub.Type.Label(), subjectOf(sub)),
		Body: fmt.Sprintf("Cơ quan vừa nhận một ý kiến mới của người dân.\n\nLoại: %s\n%sMã: %s\nHạn trả lời: %s\n\n%s",
			sub.Type.Label(), about(sub), sub.Code, sub.DueAt.Format("02/01/2006"), s.staffLine(sub.ID)),
	}
}

func (s *Store) mailAcknowledgement(sub *Submission) Mail {
	return Mail{
		Kind:    "acknowledgement",
		To:      sub.Email,
		Subject: fmt.Sprintf("Đã tiếp nhận ý kiến của bạn – mã %s", sub.Code),
		Body: fmt.Sprintf("Cảm ơn bạn đã gửi ý kiến.\n\nMã theo dõi: %s\nLoại: %s\n%sCơ quan sẽ trả lời trước ngày %s.\n%s\n"+
			"Vui lòng giữ mã theo dõi: bất kỳ ai có mã đều xem được câu trả lời.\n",
			sub.Code, sub.Type.Label(), about(sub), sub.DueAt.Format("02/01/2006"), s.trackLine(sub.Code)),
	}
}

func (s *Store) mailReply(sub *Submission, reply string) Mail {
	return Mail{
		Kind:    "reply",
		To:      sub.Email,
		Subject: fmt.Sprintf("Trả lời ý kiến của bạn – mã %s", sub.Code),
		Body:    fmt.Sprintf("Cơ quan đã trả lời ý kiến của bạn (mã %s):\n\n%s\n\n%s", sub.Code, reply, s.trackLine(sub.Code)),
	}
}

func (s *Store) mailAssigned(sub *Submission, to *Staff) Mail {
	return Mail{
		Kind:    "assigned",
		To:      to.Email,
		Subject: fmt.Sprintf("[%s] Bạn được giao xử lý: %s", sub.Code, subjectOf(sub)),
		Body: fmt.Sprintf("Bạn được giao xử lý một ý kiến của người dân.\n\nLoại: %s\n%sHạn trả lời: %s\n\n%s",
			sub.Type.Label(), about(sub), sub.DueAt.Format("02/01/2006"), s.staffLine(sub.ID)),
	}
}

func (s *Store) mailTransferred(sub *Submission, from, to string) Mail {
	return Mail{
		Kind:    "transferred",
		To:      to,
		Subject: fmt.Sprintf("[%s] Ý kiến được chuyển đến: %s", sub.Code, subjectOf(sub)),
		Body: fmt.Sprintf("Một ý kiến của người dân được chuyển từ %s đến cơ quan của bạn.\n\nLoại: %s\n%sHạn trả lời: %s\n\n%s",
			agencyName(from), sub.Type.Label(), about(sub), sub.DueAt.Format("02/01/2006"), s.staffLine(sub.ID)),
	}
}
