package feedback

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

const subCols = `id, code, type, status, agency, target_path, target_title, subject, body, name, phone, email, address, ip_hash,
	created_at, due_at, assigned_to, answered_at, late_explanation, closed_at, rating, rating_comment, rated_at,
	public, public_question, public_answer, published_at, updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanSubmission(sc scanner) (*Submission, error) {
	var x Submission
	var assigned, rating sql.NullInt64
	err := sc.Scan(&x.ID, &x.Code, &x.Type, &x.Status, &x.Agency, &x.TargetPath, &x.TargetTitle, &x.Subject, &x.Body,
		&x.Name, &x.Phone, &x.Email, &x.Address, &x.IPHash,
		tsDst(&x.CreatedAt), tsDst(&x.DueAt), &assigned, tsDst(&x.AnsweredAt), &x.LateExplanation, tsDst(&x.ClosedAt),
		&rating, &x.RatingComment, tsDst(&x.RatedAt),
		&x.Public, &x.PublicQuestion, &x.PublicAnswer, tsDst(&x.PublishedAt), tsDst(&x.UpdatedAt))
	if err != nil {
		return nil, err
	}
	x.AssignedTo = assigned.Int64
	x.Rating = int(rating.Int64)
	return &x, nil
}

func (s *Store) querySubmissions(ctx context.Context, db querier, query string, args ...any) ([]*Submission, error) {
	rows, err := db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Submission
	for rows.Next() {
		x, err := scanSubmission(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Submit validates and stores a citizen's submission and returns it with its
// tracking code and deadline. The submission, its "submitted" audit row and
// the notifications (one mail to each of n.Recipients, an acknowledgement to
// the citizen's email if given) are committed in one durable transaction
// before Submit returns. Invalid input gives a *ValidationError; database
// failures a wrapped error, and then nothing is stored.
func (s *Store) Submit(ctx context.Context, n NewSubmission) (*Submission, error) {
	if n.Now.IsZero() {
		n.Now = s.now()
	}
	if v := n.clean(); v.err() != nil {
		return nil, v
	}
	now := normTime(n.Now)
	sub := &Submission{
		Type: n.Type, Status: StatusNew, Agency: n.Agency, TargetPath: n.TargetPath, TargetTitle: n.TargetTitle,
		Subject: n.Subject, Body: n.Body, Name: n.Name, Phone: n.Phone, Email: n.Email, Address: n.Address,
		IPHash: n.IPHash, CreatedAt: now, DueAt: normTime(s.cal.AddWorkingDays(now, s.DeadlineDays(n.Type))), UpdatedAt: now,
	}
	recipients := s.cleanRecipients(n.Recipients)
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		sub.Code = newCode()
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			err := tx.QueryRowContext(ctx, s.q(`INSERT INTO submissions (code, type, status, agency, target_path, target_title, subject, body,
				name, phone, email, address, ip_hash, created_at, due_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
				sub.Code, sub.Type, sub.Status, sub.Agency, sub.TargetPath, sub.TargetTitle, sub.Subject, sub.Body,
				sub.Name, sub.Phone, sub.Email, sub.Address, sub.IPHash, s.ts(now), s.ts(sub.DueAt), s.ts(now)).Scan(&sub.ID)
			if err != nil {
				return err
			}
			if err := s.audit(ctx, tx, sub.ID, ActorCitizen, 0, "submitted", string(sub.Type)+" → "+agencyName(sub.Agency), now); err != nil {
				return err
			}
			var mails []Mail
			for _, to := range recipients {
				mails = append(mails, s.mailNewSubmission(sub, to))
			}
			if sub.Email != "" {
				mails = append(mails, s.mailAcknowledgement(sub))
			}
			return s.enqueue(ctx, tx, sub.ID, now, mails...)
		})
		if !isUnique(err) {
			break // 2^60 codes: a collision is a curiosity, retried with a new code
		}
	}
	if err != nil {
		return nil, fmt.Errorf("feedback: submit: %w", err)
	}
	s.log.Info("feedback submitted", "id", sub.ID, "type", string(sub.Type), "agency", sub.Agency, "due_at", sub.DueAt.Format(time.DateOnly))
	return sub, nil
}

func agencyName(a string) string {
	if a == "" {
		return "(chung)"
	}
	return a
}

// cleanRecipients lower-cases, de-duplicates and drops invalid addresses.
func (s *Store) cleanRecipients(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range in {
		r = strings.ToLower(cleanLine(r))
		if r == "" || seen[r] {
			continue
		}
		if !validEmail(r) {
			s.log.Warn("feedback recipient skipped: invalid address", "recipient", r)
			continue
		}
		seen[r] = true
		out = append(out, r)
	}
	return out
}

// ByCode returns the submission with the tracking code, typed in any case,
// with or without dashes and the GY prefix (see NormalizeCode). It returns
// ErrNotFound when no submission has that code.
func (s *Store) ByCode(ctx context.Context, code string) (*Submission, error) {
	c, ok := NormalizeCode(code)
	if !ok {
		return nil, fmt.Errorf("feedback: code: %w", ErrNotFound)
	}
	x, err := scanSubmission(s.db.QueryRowContext(ctx, s.q(`SELECT `+subCols+` FROM submissions WHERE code = ?`), c))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("feedback: code %s: %w", c, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("feedback: code %s: %w", c, err)
	}
	return x, nil
}

// Get returns the submission with the id, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id int64) (*Submission, error) {
	return s.get(ctx, s.db, id, false)
}

func (s *Store) get(ctx context.Context, db querier, id int64, lock bool) (*Submission, error) {
	query := `SELECT ` + subCols + ` FROM submissions WHERE id = ?`
	if lock {
		query += s.forUpdate()
	}
	x, err := scanSubmission(db.QueryRowContext(ctx, s.q(query), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("feedback: submission %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("feedback: submission %d: %w", id, err)
	}
	return x, nil
}

// change runs fn on the locked submission id inside a write transaction and
// records the audit row fn returns. Errors from fn come back as they are,
// wrapped "feedback: <what> <id>: ...".
func (s *Store) change(ctx context.Context, what string, id int64, actor int64,
	fn func(tx *sql.Tx, sub *Submission, now time.Time) (action, detail string, err error)) error {
	now := normTime(s.now())
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		sub, err := s.get(ctx, tx, id, true)
		if err != nil {
			return err
		}
		action, detail, err := fn(tx, sub, now)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, id, staffActor(actor), actor, action, detail, now)
	})
	if err != nil {
		var v *ValidationError
		if errors.As(err, &v) || errors.Is(err, ErrNotFound) {
			return err
		}
		return fmt.Errorf("feedback: %s %d: %w", what, id, err)
	}
	s.log.Info("feedback "+what, "id", id, "actor", staffActor(actor))
	return nil
}

func (s *Store) staffByID(ctx context.Context, db querier, id int64) (*Staff, error) {
	st, err := scanStaff(db.QueryRowContext(ctx, s.q(`SELECT `+staffCols+` FROM staff WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("feedback: staff %d: %w", id, ErrNotFound)
	}
	return st, err
}

// Assign gives the submission to a staff member (toStaffID 0 takes it back):
// a new submission becomes assigned; the assignee is told by mail unless they
// assigned it to themselves. It returns ErrNotFound for an unknown submission,
// a *ValidationError ("assigned_to") when the staff member does not exist, is
// disabled or cannot access the submission's agency, and ErrInvalidState when
// the submission is closed.
func (s *Store) Assign(ctx context.Context, id, actor, toStaffID int64) error {
	return s.change(ctx, "assign", id, actor, func(tx *sql.Tx, sub *Submission, now time.Time) (string, string, error) {
		if sub.Status == StatusClosed {
			return "", "", ErrInvalidState
		}
		if toStaffID == 0 {
			status := sub.Status
			if status == StatusAssigned {
				status = StatusNew
			}
			_, err := tx.ExecContext(ctx, s.q(`UPDATE submissions SET assigned_to = NULL, status = ?, updated_at = ? WHERE id = ?`), status, s.ts(now), id)
			return "unassigned", "", err
		}
		st, err := s.staffByID(ctx, tx, toStaffID)
		if errors.Is(err, ErrNotFound) || (err == nil && !st.CanAccess(sub.Agency)) {
			return "", "", invalid("assigned_to", "Cán bộ này không thuộc cơ quan xử lý ý kiến.")
		}
		if err != nil {
			return "", "", err
		}
		status := sub.Status
		if status == StatusNew {
			status = StatusAssigned
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE submissions SET assigned_to = ?, status = ?, updated_at = ? WHERE id = ?`),
			toStaffID, status, s.ts(now), id); err != nil {
			return "", "", err
		}
		if toStaffID != actor {
			if err := s.enqueue(ctx, tx, id, now, s.mailAssigned(sub, st)); err != nil {
				return "", "", err
			}
		}
		return "assigned", fmt.Sprintf("staff:%d %s", st.ID, st.Name), nil
	})
}

func cleanMessage(field, body string) (string, error) {
	body = cleanText(body)
	switch l := runes(body); {
	case l == 0:
		return "", invalid(field, "Vui lòng nhập nội dung.")
	case l > 20000:
		return "", invalid(field, "Nội dung quá dài (tối đa 20000 ký tự).")
	}
	return body, nil
}

func (s *Store) addMessage(ctx context.Context, tx querier, subID int64, kind MessageKind, author int64, body string, at time.Time) error {
	var a any
	if author != 0 {
		a = author
	}
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO messages (submission_id, kind, author_id, body, created_at) VALUES (?, ?, ?, ?, ?)`),
		subID, kind, a, body, s.ts(at))
	return err
}

// AddNote adds an internal note, never shown to the citizen. It returns
// ErrNotFound or a *ValidationError ("body") for an empty note.
func (s *Store) AddNote(ctx context.Context, id, actor int64, body string) error {
	body, err := cleanMessage("body", body)
	if err != nil {
		return err
	}
	return s.change(ctx, "note", id, actor, func(tx *sql.Tx, sub *Submission, now time.Time) (string, string, error) {
		return "note", "", s.addMessage(ctx, tx, id, KindNote, actor, body, now)
	})
}

// Reply adds a reply the citizen sees on the tracking page (and by mail if
// they gave an address). The first reply answers the submission: status
// answered, answered_at = now. A first reply after the deadline must carry a
// lateExplanation (the province's rule), kept with the submission and shown
// with the answer; without it Reply returns a *ValidationError on
// "late_explanation". It returns ErrNotFound, a *ValidationError ("body") for
// an empty reply, and ErrInvalidState when the submission is closed.
func (s *Store) Reply(ctx context.Context, id, actor int64, body, lateExplanation string, now time.Time) error {
	body, err := cleanMessage("body", body)
	if err != nil {
		return err
	}
	lateExplanation = cleanText(lateExplanation)
	if now.IsZero() {
		now = s.now()
	}
	now = normTime(now)
	return s.change(ctx, "reply", id, actor, func(tx *sql.Tx, sub *Submission, _ time.Time) (string, string, error) {
		if sub.Status == StatusClosed {
			return "", "", ErrInvalidState
		}
		first := sub.AnsweredAt.IsZero()
		late := first && now.After(sub.DueAt)
		if late && lateExplanation == "" {
			return "", "", invalid("late_explanation", "Đã quá hạn trả lời: vui lòng nêu lý do trả lời chậm.")
		}
		if !late {
			lateExplanation = sub.LateExplanation
		}
		if err := s.addMessage(ctx, tx, id, KindReply, actor, body, now); err != nil {
			return "", "", err
		}
		answeredAt := sub.AnsweredAt
		if first {
			answeredAt = now
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE submissions SET status = ?, answered_at = ?, late_explanation = ?, updated_at = ? WHERE id = ?`),
			StatusAnswered, s.ts(answeredAt), lateExplanation, s.ts(now), id); err != nil {
			return "", "", err
		}
		if sub.Email != "" {
			if err := s.enqueue(ctx, tx, id, now, s.mailReply(sub, body)); err != nil {
				return "", "", err
			}
		}
		detail := ""
		if late {
			detail = "late: " + lateExplanation
		}
		return "replied", detail, nil
	})
}

// Publish shows the submission among the public questions and answers with
// the edited publicQuestion and publicAnswer; the submitter's name, phone,
// email and address are never published. It returns ErrNotFound,
// ErrInvalidState when the submission has no answer yet, and a
// *ValidationError ("public_question", "public_answer") when a text is empty
// or still contains the submitter's name, phone, email or address.
func (s *Store) Publish(ctx context.Context, id, actor int64, publicQuestion, publicAnswer string) error {
	publicQuestion, publicAnswer = cleanText(publicQuestion), cleanText(publicAnswer)
	return s.change(ctx, "publish", id, actor, func(tx *sql.Tx, sub *Submission, now time.Time) (string, string, error) {
		if sub.AnsweredAt.IsZero() {
			return "", "", ErrInvalidState
		}
		v := &ValidationError{}
		for _, f := range []struct{ field, text string }{{"public_question", publicQuestion}, {"public_answer", publicAnswer}} {
			if runes(f.text) < MinBodyLen {
				v.add(f.field, "Vui lòng nhập nội dung công khai (tối thiểu 10 ký tự).")
				continue
			}
			if runes(f.text) > 20000 {
				v.add(f.field, "Nội dung quá dài (tối đa 20000 ký tự).")
				continue
			}
			if p := containsPersonal(f.text, sub); p != "" {
				v.add(f.field, "Nội dung công khai còn chứa "+personalLabel[p]+" của người gửi; vui lòng xoá trước khi công khai.")
			}
		}
		if err := v.err(); err != nil {
			return "", "", err
		}
		_, err := tx.ExecContext(ctx, s.q(`UPDATE submissions SET public = ?, public_question = ?, public_answer = ?, published_at = ?, updated_at = ? WHERE id = ?`),
			true, publicQuestion, publicAnswer, s.ts(now), s.ts(now), id)
		return "published", "", err
	})
}

var personalLabel = map[string]string{"name": "họ tên", "phone": "số điện thoại", "email": "địa chỉ email", "address": "địa chỉ"}

// Unpublish removes the submission from the public questions and answers,
// keeping its public texts. It returns ErrNotFound, or ErrInvalidState when
// it is not published.
func (s *Store) Unpublish(ctx context.Context, id, actor int64) error {
	return s.change(ctx, "unpublish", id, actor, func(tx *sql.Tx, sub *Submission, now time.Time) (string, string, error) {
		if !sub.Public {
			return "", "", ErrInvalidState
		}
		_, err := tx.ExecContext(ctx, s.q(`UPDATE submissions SET public = ?, updated_at = ? WHERE id = ?`), false, s.ts(now), id)
		return "unpublished", "", err
	})
}

// CloseSubmission closes the submission (answered, or not to be answered: spam,
// duplicate — say why in reason). It returns ErrNotFound, or ErrInvalidState
// when it is already closed.
func (s *Store) CloseSubmission(ctx context.Context, id, actor int64, reason string) error {
	reason = cleanLine(reason)
	return s.change(ctx, "close", id, actor, func(tx *sql.Tx, sub *Submission, now time.Time) (string, string, error) {
		if sub.Status == StatusClosed {
			return "", "", ErrInvalidState
		}
		_, err := tx.ExecContext(ctx, s.q(`UPDATE submissions SET status = ?, closed_at = ?, updated_at = ? WHERE id = ?`),
			StatusClosed, s.ts(now), s.ts(now), id)
		return "closed", reason, err
	})
}

// Reopen undoes CloseSubmission: the submission goes back to answered when it has an
// answer, else to assigned or new. Its deadline and first answer time do not
// change. It returns ErrNotFound, or ErrInvalidState when it is not closed.
func (s *Store) Reopen(ctx context.Context, id, actor int64, reason string) error {
	reason = cleanLine(reason)
	return s.change(ctx, "reopen", id, actor, func(tx *sql.Tx, sub *Submission, now time.Time) (string, string, error) {
		if sub.Status != StatusClosed {
			return "", "", ErrInvalidState
		}
		_, err := tx.ExecContext(ctx, s.q(`UPDATE submissions SET status = ?, closed_at = NULL, updated_at = ? WHERE id = ?`),
			reopenStatus(sub), s.ts(now), id)
		return "reopened", reason, err
	})
}

func reopenStatus(sub *Submission) Status {
	switch {
	case !sub.AnsweredAt.IsZero():
		return StatusAnswered
	case sub.AssignedTo != 0:
		return StatusAssigned
	}
	return StatusNew
}

// Transfer hands the submission to another agency: nobody holds it there
// yet, an unanswered one becomes new again, its deadline does not change (the
// citizen should not wait longer for the portal's routing), and each of
// recipients is told by mail. It returns ErrNotFound, ErrInvalidState when
// the submission is closed, and a *ValidationError ("agency") when toAgency
// is empty or the current agency.
func (s *Store) Transfer(ctx context.Context, id, actor int64, toAgency string, recipients []string) error {
	toAgency = cleanLine(toAgency)
	rcpt := s.cleanRecipients(recipients)
	return s.change(ctx, "transfer", id, actor, func(tx *sql.Tx, sub *Submission, now time.Time) (string, string, error) {
		if sub.Status == StatusClosed {
			return "", "", ErrInvalidState
		}
		if toAgency == "" || toAgency == sub.Agency {
			return "", "", invalid("agency", "Vui lòng chọn cơ quan khác để chuyển.")
		}
		status := StatusNew
		if !sub.AnsweredAt.IsZero() {
			status = StatusAnswered
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE submissions SET agency = ?, assigned_to = NULL, status = ?, updated_at = ? WHERE id = ?`),
			toAgency, status, s.ts(now), id); err != nil {
			return "", "", err
		}
		from := sub.Agency
		sub.Agency = toAgency
		var mails []Mail
		for _, to := range rcpt {
			mails = append(mails, s.mailTransferred(sub, from, to))
		}
		if err := s.enqueue(ctx, tx, id, now, mails...); err != nil {
			return "", "", err
		}
		return "transferred", agencyName(from) + " → " + toAgency, nil
	})
}

// Rate records the citizen's rating (1–5) of the answer, once. It returns
// ErrNotFound for an unknown code and a *ValidationError ("rating",
// "rating_comment") when the rating is out of range, the submission has no
// answer yet or was already rated.
func (s *Store) Rate(ctx context.Context, code string, rating int, comment string) error {
	comment = cleanText(comment)
	if rating < 1 || rating > 5 {
		return invalid("rating", "Vui lòng chọn mức đánh giá từ 1 đến 5.")
	}
	if runes(comment) > MaxCommentLen {
		return invalid("rating_comment", "Nhận xét quá dài (tối đa 1000 ký tự).")
	}
	c, ok := NormalizeCode(code)
	if !ok {
		return fmt.Errorf("feedback: rate: %w", ErrNotFound)
	}
	now := normTime(s.now())
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		var answered, rated time.Time
		err := tx.QueryRowContext(ctx, s.q(`SELECT id, answered_at, rated_at FROM submissions WHERE code = ?`+s.forUpdate()), c).
			Scan(&id, tsDst(&answered), tsDst(&rated))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return ErrNotFound
		case err != nil:
			return err
		case answered.IsZero():
			return invalid("rating", "Chỉ có thể đánh giá sau khi cơ quan đã trả lời.")
		case !rated.IsZero():
			return invalid("rating", "Ý kiến này đã được đánh giá.")
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE submissions SET rating = ?, rating_comment = ?, rated_at = ?, updated_at = ? WHERE id = ?`),
			rating, comment, s.ts(now), s.ts(now), id); err != nil {
			return err
		}
		return s.audit(ctx, tx, id, ActorCitizen, 0, "rated", fmt.Sprint(rating), now)
	})
	var v *ValidationError
	if err != nil && !errors.As(err, &v) {
		return fmt.Errorf("feedback: rate %s: %w", c, err)
	}
	return err
}

// Messages returns the submission's replies, and its internal notes too when
// includeNotes, oldest first. An unknown id gives an empty list.
func (s *Store) Messages(ctx context.Context, id int64, includeNotes bool) ([]Message, error) {
	query := `SELECT m.id, m.submission_id, m.kind, COALESCE(m.author_id, 0), COALESCE(st.name, ''), m.body, m.created_at
		FROM messages m LEFT JOIN staff st ON st.id = m.author_id WHERE m.submission_id = ?`
	args := []any{id}
	if !includeNotes {
		query += ` AND m.kind = ?`
		args = append(args, KindReply)
	}
	rows, err := s.db.QueryContext(ctx, s.q(query+` ORDER BY m.id`), args...)
	if err != nil {
		return nil, fmt.Errorf("feedback: messages %d: %w", id, err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.ID, &m.SubmissionID, &m.Kind, &m.AuthorID, &m.AuthorName, &m.Body, tsDst(&m.CreatedAt)); err != nil {
			return nil, fmt.Errorf("feedback: messages %d: %w", id, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("feedback: messages %d: %w", id, err)
	}
	return out, nil
}

// Audit returns the submission's history, oldest first. An unknown id gives
// an empty list.
func (s *Store) Audit(ctx context.Context, id int64) ([]AuditEntry, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT a.id, COALESCE(a.submission_id, 0), a.actor, COALESCE(a.staff_id, 0), COALESCE(st.name, ''),
		a.action, a.detail, a.created_at FROM audit_log a LEFT JOIN staff st ON st.id = a.staff_id
		WHERE a.submission_id = ? ORDER BY a.id`), id)
	if err != nil {
		return nil, fmt.Errorf("feedback: audit %d: %w", id, err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var a AuditEntry
		if err := rows.Scan(&a.ID, &a.SubmissionID, &a.Actor, &a.StaffID, &a.StaffName, &a.Action, &a.Detail, tsDst(&a.CreatedAt)); err != nil {
			return nil, fmt.Errorf("feedback: audit %d: %w", id, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("feedback: audit %d: %w", id, err)
	}
	return out, nil
}
