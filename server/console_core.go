package server

// What the publishing console (console.go) and the publishing API
// (api_publish.go) share: who acts and what they may do, the upload limits,
// the names uploaded files get, and the steps of a change — every one goes
// through a draft of the record (package publish) and is published by the
// portal (Portal.ApproveDraft), which writes the documented files of the
// content folder atomically and refuses what `congkhai check` would flag.
//
// Who may do what, for an agency:
//   - staff of the agency (and its API tokens) create, change, submit and
//     delete drafts: new items, corrections, withdrawals, restorations;
//   - agency admins of the agency, and site admins for every agency, also
//     approve (publish) and reject drafts, and manage the agency's tokens;
//   - an agency that site.yaml lists in publishing.direct publishes without
//     approval: its staff and tokens approve their own drafts.
//
// Every action is on the record: a version names its actor and the draft it
// came from; a draft its author, reviewer, note and times; a token who made
// and revoked it. Each action is also logged ("publishing", with the actor,
// the action, the path and the draft), never with a token's secret.

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/feedback"
	"github.com/congkhai/congkhai/portal"
	"github.com/congkhai/congkhai/publish"
)

// Upload limits when Deps leaves them zero: a file, and a whole request (a
// form or an API call with its files).
const (
	DefaultPublishMaxFile    = 64 << 20
	DefaultPublishMaxRequest = 160 << 20
	// uploadSlots bounds the uploads read at once: their files are held in
	// memory while they are checked.
	uploadSlots = 2
)

// publishState is what the console and the API share, set up by
// setupPublishing; nil without a record or a feedback store (staff).
type publishState struct {
	store      *publish.Store
	refKey     []byte // signs the references of files a form carries
	maxFile    int64
	maxRequest int64
	slots      chan struct{}
	apiLimit   echo.MiddlewareFunc // nil when rate limits are off
}

func (s *Server) setupPublishing() {
	st := s.deps.Portal.Publisher()
	if st == nil || s.fb == nil {
		return
	}
	mac := hmac.New(sha256.New, s.fb.secret)
	mac.Write([]byte("congkhai publishing file references"))
	ps := &publishState{store: st, refKey: mac.Sum(nil), maxFile: s.deps.PublishMaxFile, maxRequest: s.deps.PublishMaxRequest,
		slots: make(chan struct{}, uploadSlots)}
	if ps.maxFile <= 0 {
		ps.maxFile = DefaultPublishMaxFile
	}
	if ps.maxRequest <= 0 {
		ps.maxRequest = DefaultPublishMaxRequest
	}
	if s.deps.RateLimit > 0 {
		ps.apiLimit = rateLimiter(apiPerMinute)
	}
	s.pub = ps
}

// bannerKey holds the banner of a page rendered as a preview (not cached).
const (
	bannerKey     = "page_banner"
	bannerLinkKey = "page_banner_link"
)

// apiPerMinute is how many publishing API requests one client address may
// send per minute (with a burst of as many).
const apiPerMinute = 120

// uploadRoute reports whether a request may carry uploads: the global body
// limit (1 MB) does not apply to it; its own routes bound it.
func uploadRoute(c echo.Context) bool {
	p := c.Request().URL.Path
	return strings.HasPrefix(p, "/staff/xuat-ban/") || strings.HasPrefix(p, "/api/publish/")
}

// actor is who acts: a staff member in the console, or an agency's API token.
type actor struct {
	staff *feedback.Staff
	token *publish.Token
}

// id is the actor string of the record.
func (a actor) id() string {
	if a.token != nil {
		return publish.TokenActor(a.token.ID)
	}
	return publish.StaffActor(a.staff.ID)
}

// canEdit: create, change, submit, delete drafts of the agency.
func (a actor) canEdit(agency string) bool {
	if a.token != nil {
		return a.token.Agency == agency && agency != ""
	}
	return a.staff.CanAccess(agency)
}

// canReview: approve and reject the agency's drafts, manage its tokens.
func (a actor) canReview(agency string) bool {
	if a.token != nil || a.staff == nil {
		return false
	}
	return a.staff.CanAccess(agency) && (a.staff.Role == feedback.RoleAgencyAdmin || a.staff.Role == feedback.RoleSiteAdmin)
}

// canPublish: approve a draft of the agency, as a reviewer or as one of
// an agency that publishes without approval.
func (s *Server) canPublish(a actor, agency string) bool {
	return a.canReview(agency) || a.canEdit(agency) && s.deps.Portal.Snapshot().Site.Config.PublishesDirectly(agency)
}

// audit keeps a publishing action in the record's audit log (for the
// agency's admins: /staff/xuat-ban/nhat-ky) and in the process log. The
// action has happened: a failure to keep it is logged, not returned.
func (s *Server) audit(ctx context.Context, a actor, e publish.AuditEntry) {
	e.Actor = a.id()
	s.log.LogAttrs(ctx, slog.LevelInfo, "publishing", slog.String("actor", e.Actor), slog.String("action", e.Action),
		slog.String("agency", e.Agency), slog.String("path", e.Path), slog.Int64("draft", e.Draft), slog.Int("version", e.Version))
	if err := s.pub.store.AddAudit(context.WithoutCancel(ctx), e); err != nil {
		s.log.Error("publishing audit not kept", "action", e.Action, "path", e.Path, "err", err)
	}
}

// agencyOf is the agency of an item path.
func agencyOf(p string) string {
	a, _, _ := strings.Cut(p, "/")
	return a
}

// change is a proposed version of an item, from a form or an API call.
type change struct {
	Path   string
	Kind   publish.Kind
	Action publish.Action
	Base   int
	Reason string
	Files  map[string][]byte // every file of the item; none to withdraw or restore
}

// checkError says that the files of a change do not pass the content checks:
// its problems, guesses left out.
type checkError struct{ problems []content.Problem }

func (e *checkError) Error() string { return fmt.Sprintf("%d problems", len(e.problems)) }

// checkChange loads the change's files as the portal will (CheckItem) and
// fails with a *checkError when they would not be published as they are.
func (s *Server) checkChange(ch *change) (*content.Item, error) {
	if len(ch.Files) == 0 {
		return nil, nil
	}
	it, ps := s.deps.Portal.CheckItem(ch.Path, ch.Files)
	var bad []content.Problem
	for _, p := range ps {
		if !p.Guess {
			bad = append(bad, p)
		}
	}
	if it == nil || len(bad) > 0 {
		return it, &checkError{bad}
	}
	if it.Dataset != nil && ch.Kind == publish.Notice || it.Notice != nil && ch.Kind == publish.Dataset {
		return it, fmt.Errorf("%w: %s is not a %s", publish.ErrInvalid, ch.Path, ch.Kind)
	}
	return it, nil
}

// saveDraft stores a change as a new draft (id 0) or as the new content of
// draft id, after checking the actor's rights and the files.
func (s *Server) saveDraft(ctx context.Context, a actor, id int64, ch *change) (*publish.Draft, error) {
	if !a.canEdit(agencyOf(ch.Path)) {
		return nil, errForbidden
	}
	if _, err := s.checkChange(ch); err != nil {
		return nil, err
	}
	st := s.pub.store
	files, err := st.PutFiles(ctx, ch.Files)
	if err != nil {
		return nil, err
	}
	var d *publish.Draft
	if id == 0 {
		d, err = st.CreateDraft(ctx, publish.NewDraft{Kind: ch.Kind, Path: ch.Path, Action: ch.Action, Base: ch.Base, Author: a.id(), Reason: ch.Reason, Files: files})
	} else {
		d, err = st.UpdateDraft(ctx, id, ch.Reason, files)
	}
	if err != nil {
		return nil, err
	}
	s.audit(ctx, a, publish.AuditEntry{Agency: d.Agency, Action: "draft_saved", Path: d.Path, Draft: d.ID, Detail: string(d.Action)})
	return d, nil
}

// draftFor returns draft id if the actor may see it; ErrNotFound otherwise
// (an agency never learns of another's drafts).
func (s *Server) draftFor(ctx context.Context, a actor, id int64) (*publish.Draft, error) {
	d, err := s.pub.store.Draft(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.canEdit(d.Agency) {
		return nil, fmt.Errorf("%w: draft %d", publish.ErrNotFound, id)
	}
	return d, nil
}

// draftAction runs submit, approve, reject or delete on draft id.
func (s *Server) draftAction(ctx context.Context, a actor, id int64, action, note string) (*publish.Draft, *publish.Version, error) {
	d, err := s.draftFor(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	st := s.pub.store
	var v *publish.Version
	switch action {
	case "submit":
		d, err = st.SubmitDraft(ctx, id)
	case "approve":
		// A reviewer approves a pending or open draft; an agency that
		// publishes without approval approves its own.
		if !s.canPublish(a, d.Agency) {
			return nil, nil, errForbidden
		}
		d, v, err = s.deps.Portal.ApproveDraft(ctx, id, a.id(), note)
	case "reject":
		if !a.canReview(d.Agency) {
			return nil, nil, errForbidden
		}
		d, err = st.RejectDraft(ctx, id, a.id(), note)
	case "delete":
		err = st.DeleteDraft(ctx, id)
	default:
		return nil, nil, fmt.Errorf("%w: action %q", publish.ErrNotFound, action)
	}
	if err != nil {
		return d, v, err
	}
	e := publish.AuditEntry{Agency: d.Agency, Action: "draft_" + action, Path: d.Path, Draft: id, Detail: note}
	if v != nil {
		e.Version = v.Number
	}
	s.audit(ctx, a, e)
	return d, v, nil
}

// errForbidden is an action the actor's role does not allow on an agency it
// can see: 403.
var errForbidden = errors.New("publishing: not allowed for this role")

// fileName makes a name an agency gave a file fit the content folder: the
// last element of whatever path it came with, NFC, without control
// characters, slashes or a leading dot, underscore or hash (names the portal
// ignores), spaces collapsed, at most 120 characters; the extension is kept
// lower-case. "" when nothing is left.
func fileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = norm.NFC.String(strings.ToValidUTF8(name, ""))
	var b strings.Builder
	space := false
	for _, r := range name {
		switch {
		case unicode.IsControl(r) || r == unicode.ReplacementChar || strings.ContainsRune(`"<>|:*?`, r):
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	name = strings.TrimLeft(b.String(), "._#- ")
	name = strings.TrimRight(name, "~. ")
	if utf8.RuneCountInString(name) > 120 {
		ext := path.Ext(name)
		r := []rune(strings.TrimSuffix(name, ext))
		name = string(r[:120-min(utf8.RuneCountInString(ext), 20)]) + ext
	}
	if ext := path.Ext(name); ext != "" {
		name = strings.TrimSuffix(name, ext) + strings.ToLower(ext)
	}
	return name
}

// uploadTypes are the extensions an agency may upload: documents, tables,
// images and archives. Any file is served as a download unless it is a PDF,
// a plain image or text.
var uploadTypes = map[string]bool{
	".pdf": true, ".doc": true, ".docx": true, ".odt": true, ".rtf": true, ".txt": true,
	".xls": true, ".xlsx": true, ".ods": true, ".csv": true,
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".svg": true,
	".zip": true,
}

// tableTypes are the files a dataset reads as tables.
var tableTypes = map[string]bool{".csv": true, ".xlsx": true, ".xls": true, ".ods": true}

// problemStatus is the HTTP status of an error of a publishing step, and a
// message in Vietnamese for the one who acted.
func problemStatus(err error) (int, string) {
	var conflict *publish.ConflictError
	var ce *checkError
	var pc *portal.ContentError
	var ue *unreadableError
	switch {
	case errors.As(err, &conflict):
		if conflict.Base == 0 {
			return http.StatusConflict, "Đã có văn bản hoặc dữ liệu ở địa chỉ này: hãy chọn địa chỉ khác, hoặc đính chính văn bản đã có."
		}
		return http.StatusConflict, fmt.Sprintf("Nội dung đã được thay đổi (phiên bản %d) sau phiên bản %d mà bạn dùng để sửa: hãy mở lại bản mới nhất và sửa lại; thay đổi không được ghi đè.", conflict.Latest, conflict.Base)
	case errors.As(err, &ce), errors.As(err, &pc):
		return http.StatusUnprocessableEntity, "Nội dung chưa hợp lệ: hãy sửa các lỗi được nêu."
	case errors.Is(err, errForbidden):
		return http.StatusForbidden, "Vai trò của bạn không được thực hiện thao tác này."
	case errors.Is(err, publish.ErrNotFound):
		return http.StatusNotFound, "Không tìm thấy."
	case errors.Is(err, publish.ErrInvalidState):
		return http.StatusConflict, "Không thể thực hiện thao tác này ở trạng thái hiện tại."
	case errors.Is(err, publish.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, "Tệp hoặc tổng dung lượng vượt giới hạn cho phép."
	case errors.As(err, &ue):
		return http.StatusUnprocessableEntity, "Không mở được để sửa vì tệp có lỗi: " + ue.p.In("vi") + ". Hãy sửa tệp này trong thư mục nội dung (lệnh congkhai check chỉ ra dòng lỗi)."
	case errors.Is(err, publish.ErrInvalid), errors.Is(err, content.ErrEncode):
		return http.StatusUnprocessableEntity, "Dữ liệu không hợp lệ."
	}
	return http.StatusInternalServerError, ""
}

// problemsOf returns the content problems of an error (nil when none).
func problemsOf(err error) []content.Problem {
	var ce *checkError
	var pc *portal.ContentError
	switch {
	case errors.As(err, &ce):
		return ce.problems
	case errors.As(err, &pc):
		var out []content.Problem
		for _, p := range pc.Problems {
			if !p.Guess {
				out = append(out, p)
			}
		}
		return out
	}
	return nil
}

// signRef signs a blob hash for a form of staff id: a form carries the files
// already uploaded as such references, which no one can make for a file they
// did not upload or open.
func (ps *publishState) signRef(staffID int64, hash string) string {
	mac := hmac.New(sha256.New, ps.refKey)
	fmt.Fprintf(mac, "%d|%s", staffID, hash)
	return hash + "." + hex.EncodeToString(mac.Sum(nil)[:16])
}

// checkRef returns the hash a reference signed for staff id names, or false.
func (ps *publishState) checkRef(staffID int64, ref string) (string, bool) {
	hash, _, ok := strings.Cut(ref, ".")
	if !ok || len(hash) != 64 {
		return "", false
	}
	return hash, hmac.Equal([]byte(ps.signRef(staffID, hash)), []byte(ref))
}
