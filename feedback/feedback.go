package feedback

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Type is the kind of a citizen's submission.
type Type string

// The kinds of submission. The string values are stored in the database and
// used as keys of the per-type deadlines in site.yaml (feedback.deadlines).
const (
	TypeQuestion   Type = "question"   // hỏi đáp
	TypeComplaint  Type = "complaint"  // phản ánh, kiến nghị
	TypeSuggestion Type = "suggestion" // góp ý, đề xuất
	TypeComment    Type = "comment"    // góp ý dự thảo (only while the draft's window is open)
)

// Types returns the kinds of submission in the order a form offers them, in a
// new slice the caller may change.
func Types() []Type { return []Type{TypeQuestion, TypeComplaint, TypeSuggestion, TypeComment} }

// Label is the Vietnamese name of the type, for forms and pages.
func (t Type) Label() string {
	switch t {
	case TypeQuestion:
		return "Hỏi đáp"
	case TypeComplaint:
		return "Phản ánh, kiến nghị"
	case TypeSuggestion:
		return "Góp ý, đề xuất"
	case TypeComment:
		return "Góp ý dự thảo"
	}
	return string(t)
}

// Valid reports whether t is one of Types.
func (t Type) Valid() bool {
	switch t {
	case TypeQuestion, TypeComplaint, TypeSuggestion, TypeComment:
		return true
	}
	return false
}

// Status is where a submission is in its life.
type Status string

// The states of a submission. new → assigned → answered → closed; Reopen
// takes a closed submission back to assigned (or new when nobody holds it);
// Transfer takes an open one back to new at another agency.
const (
	StatusNew      Status = "new"
	StatusAssigned Status = "assigned"
	StatusAnswered Status = "answered"
	StatusClosed   Status = "closed"
)

// Label is the Vietnamese name of the status, for the tracking page and the inbox.
func (s Status) Label() string {
	switch s {
	case StatusNew:
		return "Mới tiếp nhận"
	case StatusAssigned:
		return "Đang xử lý"
	case StatusAnswered:
		return "Đã trả lời"
	case StatusClosed:
		return "Đã đóng"
	}
	return string(s)
}

// Open reports whether the submission still waits for an answer (new or assigned).
func (s Status) Open() bool { return s == StatusNew || s == StatusAssigned }

// Role is what a staff account may do.
type Role string

// The staff roles. Staff and agency admins work on their own agency's
// submissions; agency admins also manage their agency's accounts; site admins
// see everything.
const (
	RoleStaff       Role = "staff"
	RoleAgencyAdmin Role = "agency_admin"
	RoleSiteAdmin   Role = "site_admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleStaff || r == RoleAgencyAdmin || r == RoleSiteAdmin
}

// Actors recorded in the audit log besides staff members ("staff:<id>").
const (
	ActorCitizen = "citizen"
	ActorSystem  = "system"
)

// Errors returned by the store. Check them with errors.Is.
var (
	// ErrNotFound: no submission, staff account or session with that id, code or token.
	ErrNotFound = errors.New("feedback: not found")
	// ErrInvalidState: the action is not allowed in the submission's current state
	// (reply to a closed submission, reopen an open one, ...).
	ErrInvalidState = errors.New("feedback: action not allowed in this state")
	// ErrBadCredentials: unknown email, wrong password or disabled account; which one is not told.
	ErrBadCredentials = errors.New("feedback: wrong email or password")
	// ErrThrottled: too many failed logins from this client (see LoginLimits);
	// the error is a *ThrottledError carrying the wait.
	ErrThrottled = errors.New("feedback: too many failed logins, wait")
)

// ThrottledError is returned by Authenticate while a client must wait before
// trying an email again. errors.Is(err, ErrThrottled) is true.
type ThrottledError struct {
	Wait time.Duration // how long until the next attempt is checked
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("feedback: too many failed logins, retry in %s", e.Wait.Round(time.Second))
}

// Is makes errors.Is(err, ErrThrottled) true.
func (e *ThrottledError) Is(target error) bool { return target == ErrThrottled }

// ValidationError holds what is wrong with the input, field name → message in
// Vietnamese, safe to show on the re-rendered form (status 422). It is never a
// server fault and should not be logged as an error.
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string {
	keys := slices.Sorted(maps.Keys(e.Fields))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return "feedback: invalid input (" + strings.Join(parts, "; ") + ")"
}

// add records a message for a field, keeping the first one.
func (e *ValidationError) add(field, msg string) {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	if _, ok := e.Fields[field]; !ok {
		e.Fields[field] = msg
	}
}

// err returns e when it holds something, nil otherwise.
func (e *ValidationError) err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}

func invalid(field, msg string) error {
	return &ValidationError{Fields: map[string]string{field: msg}}
}

// NewSubmission is what a citizen sends. The server fills Agency from the
// target (the notice's or dataset's agency, or the site's default agency for
// general feedback), and Recipients from that agency's staff addresses.
type NewSubmission struct {
	Type        Type
	Agency      string // responsible agency slug; "" for general feedback handled by site admins
	TargetPath  string // "agency/slug" of the notice or dataset, or ""
	TargetTitle string
	Subject     string
	Body        string
	Name        string
	Phone       string
	Email       string
	Address     string
	IPHash      string // a keyed hash of the sender's address, computed by the caller (never the raw IP)

	// CommentOpens and CommentCloses are the draft's comment window, required
	// for TypeComment: the submission is refused outside [CommentOpens, CommentCloses].
	CommentOpens, CommentCloses time.Time

	// Recipients are the addresses notified of the new submission.
	Recipients []string

	// Now is the time of submission; zero means the store's clock.
	Now time.Time
}

// Submission is a stored submission. Times are in Asia/Ho_Chi_Minh; a zero
// time means "not yet".
type Submission struct {
	ID              int64
	Code            string // tracking code, "GY-XXXX-XXXX-XXXX"
	Type            Type
	Status          Status
	Agency          string
	TargetPath      string
	TargetTitle     string
	Subject         string
	Body            string
	Name            string
	Phone           string
	Email           string
	Address         string
	CreatedAt       time.Time
	DueAt           time.Time
	AssignedTo      int64 // staff id, 0 when nobody
	AnsweredAt      time.Time
	LateExplanation string
	ClosedAt        time.Time
	Rating          int // 1–5, 0 when not rated
	RatingComment   string
	RatedAt         time.Time
	Public          bool
	PublicQuestion  string
	PublicAnswer    string
	PublishedAt     time.Time
	IPHash          string
	UpdatedAt       time.Time
}

// Overdue reports whether the submission still waits for an answer after its deadline.
func (s *Submission) Overdue(now time.Time) bool {
	return s.Status.Open() && now.After(s.DueAt)
}

// AnsweredLate reports whether the first answer came after the deadline.
func (s *Submission) AnsweredLate() bool {
	return !s.AnsweredAt.IsZero() && s.AnsweredAt.After(s.DueAt)
}

// MessageKind tells a reply (seen by the citizen) from a note (staff only).
type MessageKind string

// The kinds of message.
const (
	KindReply MessageKind = "reply"
	KindNote  MessageKind = "note"
)

// Message is a reply or an internal note on a submission.
type Message struct {
	ID           int64
	SubmissionID int64
	Kind         MessageKind
	AuthorID     int64  // staff id
	AuthorName   string // staff name at read time
	Body         string
	CreatedAt    time.Time
}

// AuditEntry is one line of a submission's history.
type AuditEntry struct {
	ID           int64
	SubmissionID int64  // 0 for entries about no submission (staff accounts)
	Actor        string // "citizen", "system" or "staff:<id>"
	StaffID      int64
	StaffName    string
	Action       string // submitted, assigned, note, replied, published, unpublished, closed, reopened, transferred, rated, ...
	Detail       string
	CreatedAt    time.Time
}

// Staff is a staff account. PasswordHash never leaves the package.
type Staff struct {
	ID          int64
	Email       string
	Name        string
	Agency      string
	Role        Role
	CreatedAt   time.Time
	Disabled    bool
	LastLoginAt time.Time
}

// CanAccess reports whether the staff member may see and act on records of
// the agency: site admins everything, others their own agency only. The server
// checks it on every record it shows or changes.
func (s *Staff) CanAccess(agency string) bool {
	if s == nil || s.Disabled {
		return false
	}
	if s.Role == RoleSiteAdmin {
		return true
	}
	return agency != "" && agency == s.Agency
}

// Agencies returns the agencies the member may see, for InboxQuery.Agency:
// nil (all) for site admins.
func (s *Staff) Agencies() []string {
	if s.Role == RoleSiteAdmin {
		return nil
	}
	return []string{s.Agency}
}

func staffActor(id int64) string {
	if id == 0 {
		return ActorSystem
	}
	return fmt.Sprintf("staff:%d", id)
}
