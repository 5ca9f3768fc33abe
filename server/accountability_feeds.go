package server

// Feeds of the accountability pages: the late dossiers (of all agencies or
// one), newest late first; the disclosure obligations missed (published late
// or not published by their deadline). Entry ids are tag URIs of public
// facts only — a late dossier's agency, procedure, received and due dates and
// its rank among the dossiers that share them (dossier.LateItem.ID), never
// its code — so they survive new exports and restarts and reveal no code.

import (
	"html"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/dossier"
	"github.com/congkhai/congkhai/portal"
)

// accFeed serves the feeds under /trach-nhiem: …/qua-han/feed.* and
// …/cong-khai/feed.*, for every agency or one.
func (s *Server) accFeed(c echo.Context) error {
	a := s.deps.Portal.Accountability()
	if a == nil {
		c.Response().Header().Set("Retry-After", "5")
		return echo.NewHTTPError(http.StatusServiceUnavailable, "the figures are being computed")
	}
	listPath := path.Dir(c.Request().URL.Path)
	return s.serveFeedKeyed(c, nil, "acc"+strconv.FormatUint(a.Version, 10), func(b *feedBuilder) (*feed, error) {
		return accListFeed(b, a, listPath)
	})
}

// accAlertFeed is the feed of an accountability list for email alerts
// (Server.anyListFeed): the late dossiers or missed obligations of all
// agencies or one.
func (s *Server) accAlertFeed(b *feedBuilder, list string) (*feed, error) {
	a := s.deps.Portal.Accountability()
	if a == nil {
		return nil, echo.NewHTTPError(http.StatusServiceUnavailable, "the figures are being computed")
	}
	return accListFeed(b, a, list)
}

// accListFeed builds the feed of an accountability list.
func accListFeed(b *feedBuilder, a *portal.Accountability, listPath string) (*feed, error) {
	notFound := echo.NewHTTPError(http.StatusNotFound)
	rest := strings.TrimPrefix(listPath, accPrefix+"/")
	agency, what := "", rest
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		agency, what = rest[:i], rest[i+1:]
	}
	name := "các cơ quan"
	if agency != "" {
		ag, ok := b.snap.Site.Agency(agency)
		if !ok {
			return nil, notFound
		}
		name = ag.Name
	}
	switch what {
	case "qua-han":
		f := b.newFeed(listPath, "Hồ sơ quá hạn – "+name, "Hồ sơ thủ tục hành chính giải quyết quá hạn, kèm lý do và việc xin lỗi người dân, doanh nghiệp")
		late := a.Report.Late(agency)
		for _, it := range late[:min(len(late), feedLimit)] {
			f.Entries = append(f.Entries, b.lateEntry(it))
		}
		return f, nil
	case "cong-khai":
		f := b.newFeed(listPath, "Nghĩa vụ công khai chưa thực hiện đúng hạn – "+name, "Văn bản pháp luật yêu cầu công khai nhưng công khai muộn hoặc chưa công khai")
		var obs []dossier.Obligation
		if agency == "" {
			obs = a.Compliance.Obligations
		} else {
			obs = a.Compliance.Of(agency)
		}
		for _, o := range obs {
			if o.State == dossier.StateLate || o.State == dossier.StateMissing || o.State == dossier.StateShort {
				f.Entries = append(f.Entries, b.obligationEntry(o))
			}
		}
		return f, nil
	}
	return nil, notFound
}

// lateEntry is a late dossier: when it became late, what, and whether the
// agency explained and apologised.
func (b *feedBuilder) lateEntry(it dossier.LateItem) feedEntry {
	agency := b.agencyName(it.Agency)
	since := it.Since().Time()
	title := "Hồ sơ quá hạn: " + it.Procedure
	if it.Procedure == "" {
		title = "Hồ sơ quá hạn"
	}
	title += " (" + agency + ")"
	var meta []string
	meta = append(meta, "Cơ quan: "+html.EscapeString(agency))
	if it.Procedure != "" {
		p := html.EscapeString(it.Procedure)
		if it.ProcedureCode != "" {
			p += " (mã " + html.EscapeString(it.ProcedureCode) + ")"
		}
		meta = append(meta, "Thủ tục: "+p)
	}
	if it.Field != "" {
		meta = append(meta, "Lĩnh vực: "+html.EscapeString(it.Field))
	}
	meta = append(meta, "Ngày tiếp nhận: "+it.Received.VN(), "Hạn trả kết quả: "+it.Due.VN())
	if it.Finished != 0 {
		meta = append(meta, "Ngày trả kết quả: "+it.Finished.VN()+" – quá hạn "+strconv.Itoa(it.DaysLate)+" ngày làm việc")
	} else {
		meta = append(meta, "Chưa có kết quả – đã quá hạn "+strconv.Itoa(it.DaysLate)+" ngày làm việc")
	}
	reason := "Chưa có giải trình lý do quá hạn."
	if it.Reason != "" {
		reason = "Lý do: " + it.Reason
	}
	meta = append(meta, html.EscapeString(reason))
	switch {
	case it.Apology != 0 && it.State == dossier.ApologyOnTime:
		meta = append(meta, "Đã gửi văn bản xin lỗi ngày "+it.Apology.VN()+".")
	case it.Apology != 0:
		meta = append(meta, "Văn bản xin lỗi gửi muộn, ngày "+it.Apology.VN()+" (hạn "+it.ApologyDue.VN()+").")
	case it.State == dossier.ApologyMissing:
		meta = append(meta, "Chưa có văn bản xin lỗi (hạn "+it.ApologyDue.VN()+").")
	default:
		meta = append(meta, "Hạn gửi văn bản xin lỗi: "+it.ApologyDue.VN()+".")
	}
	if it.NewDue != 0 {
		meta = append(meta, "Ngày hẹn trả mới: "+it.NewDue.VN()+".")
	}
	return feedEntry{
		ID:         b.tag("trach-nhiem/qua-han/" + it.ID),
		Title:      title,
		URL:        b.abs(accPrefix+"/"+it.Agency+"/qua-han") + "#hs-" + anchorOf(it.ID),
		Summary:    html.UnescapeString(strings.Join(meta, " · ")),
		HTML:       "<p>" + strings.Join(meta, "<br>") + "</p>",
		Author:     agency,
		Published:  since,
		Updated:    since,
		Categories: []feedCategory{{Term: "Hồ sơ quá hạn", Scheme: b.base + accPrefix}},
	}
}

// obligationEntry is a disclosure obligation missed.
func (b *feedBuilder) obligationEntry(o dossier.Obligation) feedEntry {
	agency := b.agencyName(o.Agency)
	what := o.Rule.Title
	if o.Period.Kind != 0 {
		what += " – " + strings.ToLower(o.Period.Label("vi"))
	}
	var state string
	var when time.Time
	switch o.State {
	case dossier.StateLate:
		state = "công khai muộn " + strconv.Itoa(o.DaysLate) + " ngày"
		when = o.Pub.Published.Time()
	case dossier.StateShort:
		state = "niêm yết " + strconv.Itoa(o.Posted) + " ngày, chưa đủ " + strconv.Itoa(o.Rule.MinPosting) + " ngày"
		when = o.Pub.Published.Time()
	default:
		state = "chưa công khai, quá hạn " + strconv.Itoa(o.DaysLate) + " ngày"
		when = (o.Due + 1).Time()
	}
	var meta []string
	meta = append(meta, "Cơ quan: "+html.EscapeString(agency), "Nghĩa vụ: "+html.EscapeString(what))
	if o.Due != 0 {
		due := "Hạn công khai: " + o.Due.VN()
		if o.Assumed {
			due += " (tính từ ngày muộn nhất pháp luật cho phép ban hành văn bản, vì văn bản không ghi ngày phê duyệt)"
		}
		meta = append(meta, due)
	}
	meta = append(meta, "Tình trạng: "+state)
	if len(o.Rule.Basis) > 0 {
		meta = append(meta, "Căn cứ: "+html.EscapeString(o.Rule.Basis[0].Ref))
	}
	e := feedEntry{
		ID:         b.tag("trach-nhiem/cong-khai/" + o.Key()),
		Title:      agency + ": " + what + " – " + state,
		URL:        b.abs(accPrefix + "/" + o.Agency + "#nghia-vu"),
		Author:     agency,
		Published:  when,
		Updated:    when,
		Categories: []feedCategory{{Term: "Nghĩa vụ công khai", Scheme: b.base + accPrefix + "/cong-khai"}},
	}
	if o.Pub != nil {
		meta = append(meta, `Văn bản: <a href="`+html.EscapeString(b.abs("/"+o.Pub.Path))+`">`+html.EscapeString(o.Pub.Title)+"</a>, đăng ngày "+o.Pub.Published.VN())
	}
	e.HTML = "<p>" + strings.Join(meta, "<br>") + "</p>"
	e.Summary = html.UnescapeString(stripTags(strings.Join(meta, " · ")))
	return e
}

// stripTags drops the tags of a short HTML text.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}
