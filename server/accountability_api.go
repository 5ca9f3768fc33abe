package server

// The accountability figures as JSON: /api/trach-nhiem (every agency),
// /api/trach-nhiem/<agency> (one agency: months, fields, procedures,
// satisfaction, obligations, 766 components), /api/trach-nhiem/qua-han (late
// dossiers, never their codes). ?ky= chooses the period as on the pages.

import (
	"math"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/congkhai/congkhai/dossier"
	"github.com/congkhai/congkhai/portal"
)

// countsJSON is a Counts with its rates, for the API.
func countsJSON(c dossier.Counts) map[string]any {
	rate := func(v float64, ok bool) any {
		if !ok {
			return nil
		}
		return math.Round(v*10) / 10
	}
	m := map[string]any{
		"tiep_nhan": c.Received, "truc_tuyen": c.Online, "buu_chinh": c.Post, "truc_tiep": c.Direct, "rut": c.Withdrawn,
		"da_giai_quyet": c.Resolved, "truoc_han": c.Early, "dung_han": c.OnTime, "qua_han": c.Late,
		"dang_giai_quyet": c.Pending, "dang_qua_han": c.Overdue,
		"ho_so_tre": c.LateTotal, "tre_chua_giai_trinh": c.NoReason, "tre_chua_xin_loi": c.NoApology, "xin_loi_muon": c.ApologyLate,
		"ty_le_dung_han":        rate(c.OnTimeRate()),
		"ty_le_truc_tuyen":      rate(c.OnlineShare()),
		"ty_le_so_hoa":          rate(c.DigitizedShare()),
		"ty_le_ket_qua_dien_tu": rate(c.EResultShare()),
	}
	if md, ok := c.MedianDays(); ok {
		m["trung_vi_ngay_lam_viec"] = md
	} else {
		m["trung_vi_ngay_lam_viec"] = nil
	}
	return m
}

func levelsJSON(l dossier.Levels) map[string]any {
	r, ok := l.Rate()
	var rate any
	if ok {
		rate = math.Round(r*10) / 10
	}
	return map[string]any{"rat_khong_hai_long": l[0], "khong_hai_long": l[1], "binh_thuong": l[2], "hai_long": l[3], "rat_hai_long": l[4],
		"tong": l.Total(), "ty_le_hai_long": rate}
}

func obligationJSON(o dossier.Obligation, base string) map[string]any {
	key, _ := stateKey(o.State)
	m := map[string]any{
		"nghia_vu": o.Rule.ID, "ten": o.Rule.Title, "co_quan": o.Agency, "tinh_trang": key[len("acc_state_"):],
		"han": dayJSON(o.Due), "han_uoc_tinh": o.Assumed, "so_ngay_tre": o.DaysLate, "con_lai": o.DaysLeft,
	}
	if o.Period.Kind != 0 {
		m["ky"] = o.Period.String()
	}
	if o.Pub != nil {
		m["van_ban"] = map[string]any{"duong_dan": base + "/" + o.Pub.Path, "tieu_de": o.Pub.Title, "ngay_dang": dayJSON(o.Pub.Published), "ngay_phe_duyet": dayJSON(o.Pub.Approved)}
	}
	if o.Rule.MinPosting > 0 {
		m["so_ngay_niem_yet"] = o.Posted
	}
	var basis []map[string]any
	for _, b := range o.Rule.Basis {
		basis = append(basis, map[string]any{"can_cu": b.Ref, "trich": b.Quote, "da_doi_chieu": b.Verified})
	}
	m["can_cu"] = basis
	return m
}

func (s *Server) accJSONReady(c echo.Context) (*portal.Accountability, error) {
	a := s.deps.Portal.Accountability()
	if a == nil {
		c.Response().Header().Set("Retry-After", "5")
		return nil, echo.NewHTTPError(http.StatusServiceUnavailable, "the figures are being computed; try again in a few seconds")
	}
	return a, nil
}

// apiAccountability answers /api/trach-nhiem and /api/trach-nhiem/<agency>.
func (s *Server) apiAccountability(c echo.Context) error {
	a, err := s.accJSONReady(c)
	if err != nil {
		return err
	}
	p, err := periodParam(c, a)
	if err != nil {
		return err
	}
	snap := s.deps.Portal.Snapshot()
	base := s.baseURL(c, snap)
	r, _ := s.ratings(c.Request().Context())
	slug := c.Param("agency")
	out := map[string]any{"ky": p.String(), "ngay_tinh": a.Day.String(), "phuong_phap": base + "/trach-nhiem#phuong-phap"}
	if slug == "" {
		_, _, sat := satisfaction(a, r, "", p)
		out["tong"] = countsJSON(a.Report.Cell("", "", "", p))
		out["hai_long"] = levelsJSON(sat)
		var ags []any
		for _, ag := range snap.Site.Agencies {
			_, _, ls := satisfaction(a, r, ag.Slug, p)
			t := a.Compliance.Tally(ag.Slug)
			ags = append(ags, map[string]any{"co_quan": ag.Slug, "ten": ag.Name, "chi_so": countsJSON(a.Report.Cell(ag.Slug, "", "", p)),
				"hai_long": levelsJSON(ls), "nghia_vu_cong_khai": map[string]int{"dung_han": t.Done, "muon": t.Late, "chua_cong_khai": t.Missing, "sap_den_han": t.Upcoming, "chua_du_thoi_gian": t.Short}})
		}
		out["co_quan"] = ags
		var fields []any
		for _, f := range a.Report.Fields("") {
			fields = append(fields, map[string]any{"linh_vuc": f, "chi_so": countsJSON(a.Report.Cell("", f, "", p))})
		}
		out["linh_vuc"] = fields
		return c.JSON(http.StatusOK, out)
	}
	ag, ok := snap.Site.Agency(slug)
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	out["co_quan"], out["ten"] = ag.Slug, ag.Name
	c0 := a.Report.Cell(slug, "", "", p)
	pl, im, both := satisfaction(a, r, slug, p)
	out["chi_so"] = countsJSON(c0)
	out["hai_long"] = map[string]any{"tren_cong": levelsJSON(pl), "khao_sat": levelsJSON(im), "tong_hop": levelsJSON(both)}
	var months []any
	for _, m := range lastMonths(a, 12) {
		pm, im, bm := satisfaction(a, r, slug, m)
		months = append(months, map[string]any{"thang": m.String(), "chi_so": countsJSON(a.Report.Cell(slug, "", "", m)),
			"hai_long": map[string]any{"tren_cong": levelsJSON(pm), "khao_sat": levelsJSON(im), "tong_hop": levelsJSON(bm)}})
	}
	out["theo_thang"] = months
	var fields []any
	for _, f := range a.Report.Fields(slug) {
		fields = append(fields, map[string]any{"linh_vuc": f, "chi_so": countsJSON(a.Report.Cell(slug, f, "", p))})
	}
	out["linh_vuc"] = fields
	var procs []any
	for _, pi := range a.Report.Procedures(slug) {
		procs = append(procs, map[string]any{"thu_tuc": pi.Name, "ma_thu_tuc": pi.Code, "linh_vuc": pi.Field, "chi_so": countsJSON(a.Report.Cell(slug, pi.Field, pi.Key(), p))})
	}
	out["thu_tuc"] = procs
	var obs []any
	for _, o := range a.Compliance.Of(slug) {
		obs = append(obs, obligationJSON(o, base))
	}
	out["nghia_vu_cong_khai"] = obs
	var comps []any
	for _, cp := range dossier.Components(c0, both) {
		m := map[string]any{"nhom": cp.Group, "diem_nhom": cp.GroupPoints, "chi_tieu": cp.Name, "cong_thuc": cp.Formula}
		if cp.OK {
			m["gia_tri"], m["tu_so"], m["mau_so"] = math.Round(cp.Value*10)/10, cp.Num, cp.Den
		} else {
			m["khong_tinh_duoc"] = cp.Why
		}
		comps = append(comps, m)
	}
	out["bo_chi_so_766"] = comps
	return c.JSON(http.StatusOK, out)
}

// apiLate answers /api/trach-nhiem/qua-han?co-quan=&trang=: late dossiers,
// 50 a page, the most recently due first.
func (s *Server) apiLate(c echo.Context) error {
	a, err := s.accJSONReady(c)
	if err != nil {
		return err
	}
	agency := c.QueryParam("co-quan")
	if agency != "" {
		if _, ok := s.deps.Portal.Snapshot().Site.Agency(agency); !ok {
			return echo.NewHTTPError(http.StatusNotFound)
		}
	}
	late := a.Report.Late(agency)
	page := pageParam(c)
	pages := max(1, (len(late)+lateRowsPerPage-1)/lateRowsPerPage)
	if page > pages {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	var items []any
	for _, it := range late[(page-1)*lateRowsPerPage : min(len(late), page*lateRowsPerPage)] {
		st := map[dossier.ApologyState]string{dossier.ApologyOnTime: "dung-han", dossier.ApologyLate: "muon", dossier.ApologyMissing: "chua-co", dossier.ApologyNotDue: "chua-den-han"}[it.State]
		items = append(items, map[string]any{
			"id": it.ID, "co_quan": it.Agency, "thu_tuc": it.Procedure, "ma_thu_tuc": nilIfEmpty(it.ProcedureCode), "linh_vuc": nilIfEmpty(it.Field),
			"hinh_thuc": nilIfEmpty(channelName(it.Channel)), "ngay_nhan": dayJSON(it.Received), "ngay_hen_tra": dayJSON(it.Due), "ngay_tra": dayJSON(it.Finished),
			"so_ngay_lam_viec_qua_han": it.DaysLate, "ly_do": nilIfEmpty(it.Reason), "ngay_xin_loi": dayJSON(it.Apology), "han_xin_loi": dayJSON(it.ApologyDue),
			"xin_loi": st, "co_van_ban_xin_loi": it.HasLetter, "ngay_hen_moi": dayJSON(it.NewDue),
		})
	}
	if items == nil {
		items = []any{}
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=60")
	return c.JSON(http.StatusOK, map[string]any{"ngay_tinh": a.Day.String(), "tong": len(late), "trang": page, "so_trang": pages,
		"co_quan": nilIfEmpty(agency), "ho_so": items, "trang_sau": nextPage(page, pages)})
}

func nextPage(page, pages int) any {
	if page >= pages {
		return nil
	}
	return strconv.Itoa(page + 1)
}
