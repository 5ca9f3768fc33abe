package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/congkhai/congkhai/feedback"
	"github.com/congkhai/congkhai/publish"
)

// TestPublishingAccess is the table of every console and API route × every
// role × the agency's own items and another agency's: who may see and do
// what. The item and drafts belong to UBND xã Cẩm Quan (which needs
// approval); "other" accounts and tokens belong to Sở Tài chính.
func TestPublishingAccess(t *testing.T) {
	e := newPubEnv(t, "", nil, nil)
	ctx := context.Background()
	const agency, item = "ubnd-xa-cam-quan", "ubnd-xa-cam-quan/thong-bao-kiem-dem-dat-dai-tai-san"
	accounts := map[string]*feedback.Staff{
		"staff":       e.addStaff(t, "staff@a.vn", agency, feedback.RoleStaff),
		"admin":       e.addStaff(t, "admin@a.vn", agency, feedback.RoleAgencyAdmin),
		"other staff": e.addStaff(t, "staff@b.vn", "so-tai-chinh", feedback.RoleStaff),
		"other admin": e.addStaff(t, "admin@b.vn", "so-tai-chinh", feedback.RoleAgencyAdmin),
		"site admin":  e.addStaff(t, "site@p.vn", "", feedback.RoleSiteAdmin),
	}
	ownToken, ownSecret, _ := e.pub.CreateToken(ctx, agency, "A", accounts["admin"].ID)
	_, otherSecret, _ := e.pub.CreateToken(ctx, "so-tai-chinh", "B", accounts["other admin"].ID)
	files, base, err := e.p.ItemFiles(ctx, item)
	if err != nil || base == 0 {
		t.Fatalf("ItemFiles = %d, %v", base, err)
	}
	pubFiles, err := e.pub.PutFiles(ctx, files)
	if err != nil {
		t.Fatal(err)
	}
	// newDraft makes a correction draft of the item in a state.
	newDraft := func(state publish.DraftState) int64 {
		d, err := e.pub.CreateDraft(ctx, publish.NewDraft{Kind: publish.Notice, Path: item, Base: base, Author: publish.StaffActor(accounts["staff"].ID), Reason: "Sửa lỗi chính tả", Files: pubFiles})
		if err != nil {
			t.Fatal(err)
		}
		if state == publish.DraftPending {
			if _, err := e.pub.SubmitDraft(ctx, d.ID); err != nil {
				t.Fatal(err)
			}
		}
		return d.ID
	}
	type route struct {
		name, method, url string
		form              url.Values
		draft             publish.DraftState // a fresh draft for {id}
	}
	routes := []route{
		{name: "list", method: "GET", url: "/staff/xuat-ban"},
		{name: "new form", method: "GET", url: "/staff/xuat-ban/moi"},
		{name: "correction form", method: "GET", url: "/staff/xuat-ban/sua?path=" + item},
		{name: "save a correction", method: "POST", url: "/staff/xuat-ban/luu", form: url.Values{"kind": {"notice"}, "path": {item}, "base": {strconv.Itoa(base)}, "title": {"T"}, "category": {"thong-bao"}, "published": {"2026-01-01"}, "reason": {"R"}}},
		{name: "withdraw form", method: "GET", url: "/staff/xuat-ban/rut?path=" + item},
		{name: "withdraw", method: "POST", url: "/staff/xuat-ban/rut", form: url.Values{"path": {item}, "base": {strconv.Itoa(base)}, "action": {"withdraw"}, "reason": {"R"}}},
		{name: "draft", method: "GET", url: "/staff/xuat-ban/nhap/{id}", draft: publish.DraftOpen},
		{name: "draft form", method: "GET", url: "/staff/xuat-ban/nhap/{id}/sua", draft: publish.DraftOpen},
		{name: "preview", method: "GET", url: "/staff/xuat-ban/nhap/{id}/xem-truoc", draft: publish.DraftOpen},
		{name: "submit", method: "POST", url: "/staff/xuat-ban/nhap/{id}/gui", form: url.Values{}, draft: publish.DraftOpen},
		{name: "approve", method: "POST", url: "/staff/xuat-ban/nhap/{id}/dang", form: url.Values{}, draft: publish.DraftPending},
		{name: "reject", method: "POST", url: "/staff/xuat-ban/nhap/{id}/tra-lai", form: url.Values{"note": {"Sửa lại"}}, draft: publish.DraftPending},
		{name: "delete", method: "POST", url: "/staff/xuat-ban/nhap/{id}/xoa", form: url.Values{}, draft: publish.DraftOpen},
		{name: "tokens", method: "GET", url: "/staff/xuat-ban/khoa"},
		{name: "create a token", method: "POST", url: "/staff/xuat-ban/khoa", form: url.Values{"name": {"N"}, "agency": {agency}}},
		{name: "revoke a token", method: "POST", url: fmt.Sprintf("/staff/xuat-ban/khoa/%d/thu-hoi", ownToken.ID), form: url.Values{}},
		{name: "audit log", method: "GET", url: "/staff/xuat-ban/nhat-ky"},
		{name: "another agency's audit log", method: "GET", url: "/staff/xuat-ban/nhat-ky?co-quan=so-tai-chinh"},
	}
	// want[role][route]; the approvals publish, so each role after the
	// first works on the item's new version (base is read again).
	want := map[string]map[string]int{
		"staff": {"list": 200, "new form": 200, "correction form": 200, "save a correction": 303, "withdraw form": 200, "withdraw": 303,
			"draft": 200, "draft form": 200, "preview": 200, "submit": 303, "approve": 403, "reject": 403, "delete": 303,
			"tokens": 404, "create a token": 404, "revoke a token": 404, "audit log": 404, "another agency's audit log": 404},
		"admin": {"list": 200, "new form": 200, "correction form": 200, "save a correction": 303, "withdraw form": 200, "withdraw": 303,
			"draft": 200, "draft form": 200, "preview": 200, "submit": 303, "approve": 303, "reject": 303, "delete": 303,
			"tokens": 200, "create a token": 200, "revoke a token": 200, "audit log": 200, "another agency's audit log": 200}, // the filter is a site admin's: theirs is shown
		"other staff": {"list": 200, "new form": 200, "correction form": 404, "save a correction": 404, "withdraw form": 404, "withdraw": 404,
			"draft": 404, "draft form": 404, "preview": 404, "submit": 404, "approve": 404, "reject": 404, "delete": 404,
			"tokens": 404, "create a token": 404, "revoke a token": 404, "audit log": 404, "another agency's audit log": 404},
		"other admin": {"list": 200, "new form": 200, "correction form": 404, "save a correction": 404, "withdraw form": 404, "withdraw": 404,
			"draft": 404, "draft form": 404, "preview": 404, "submit": 404, "approve": 404, "reject": 404, "delete": 404,
			"tokens": 200, "create a token": 200, "revoke a token": 404, "audit log": 200, "another agency's audit log": 200}, // the token is made for their own agency
		"site admin": {"list": 200, "new form": 200, "correction form": 200, "save a correction": 303, "withdraw form": 200, "withdraw": 303,
			"draft": 200, "draft form": 200, "preview": 200, "submit": 303, "approve": 303, "reject": 303, "delete": 303,
			"tokens": 200, "create a token": 200, "revoke a token": 200, "audit log": 200, "another agency's audit log": 200},
		"anonymous": {},
	}
	for _, role := range []string{"anonymous", "staff", "other staff", "other admin", "admin", "site admin"} {
		c := e.client(t)
		if st := accounts[role]; st != nil {
			c.login(st.Email, "mat-khau-dai-du")
		}
		for _, r := range routes {
			t.Run(role+"/"+r.name, func(t *testing.T) {
				if r.method == "POST" && strings.Contains(r.url, "/xuat-ban/khoa/") && role == "admin" {
					defer func() { e.pub.RevokeToken(ctx, ownToken.ID, 0) }()
				}
				if _, b, err := e.p.ItemFiles(ctx, item); err == nil {
					base = b
				}
				target := r.url
				if r.draft != "" {
					target = strings.Replace(target, "{id}", strconv.FormatInt(newDraft(r.draft), 10), 1)
				}
				var rec interface{ Result() *http.Response }
				if r.method == "GET" {
					rec = c.get(target)
				} else {
					form := url.Values{}
					for k, v := range r.form {
						form[k] = v
					}
					if form.Get("base") != "" {
						form.Set("base", strconv.Itoa(base))
					}
					if role == "anonymous" {
						rec = c.do("POST", target, form)
					} else {
						rec = c.multipart("/staff/xuat-ban", target, form)
					}
				}
				got := rec.Result().StatusCode
				w, ok := want[role][r.name]
				if !ok {
					w = http.StatusSeeOther // the login page
					if r.method == "POST" {
						w = http.StatusSeeOther
					}
				}
				if got != w {
					t.Errorf("%s %s as %s = %d, want %d", r.method, target, role, got, w)
				}
				if role == "anonymous" && !strings.HasPrefix(rec.Result().Header.Get("Location"), "/staff/login") {
					t.Errorf("anonymous: Location %q", rec.Result().Header.Get("Location"))
				}
			})
		}
	}

	// Each agency's admins read their own agency's actions only, whatever
	// they ask; the site admin reads any agency's.
	logs := []struct {
		role, url   string
		want, never []string
	}{
		{"admin", "/staff/xuat-ban/nhat-ky?co-quan=so-tai-chinh", []string{item, "Duyệt và đăng", "Trả lại", "Thu hồi khóa API"}, []string{"so-tai-chinh"}},
		{"other admin", "/staff/xuat-ban/nhat-ky", []string{"Tạo khóa API"}, []string{item}},
		{"site admin", "/staff/xuat-ban/nhat-ky?co-quan=so-tai-chinh", []string{"Tạo khóa API"}, []string{item}},
		{"site admin", "/staff/xuat-ban/nhat-ky", []string{item, "Tạo khóa API"}, nil},
	}
	for _, l := range logs {
		c := e.client(t)
		c.login(accounts[l.role].Email, "mat-khau-dai-du")
		body := c.get(l.url).Body.String()
		mustContain(t, l.role+" "+l.url, body, l.want...)
		mustNotContain(t, l.role+" "+l.url, body, l.never...)
	}

	// The API: the agency's token (a new one: the console revoked the
	// first) and another's.
	if _, ownSecret, err = e.pub.CreateToken(ctx, agency, "A2", accounts["admin"].ID); err != nil {
		t.Fatal(err)
	}
	api := []struct {
		name, method, url, body string
		draft                   publish.DraftState
		own, other              int
	}{
		{"items", "GET", "/api/publish/v1/items", "", "", 200, 200},
		{"item", "GET", "/api/publish/v1/items/" + item, "", "", 200, 404},
		{"correct", "POST", "/api/publish/v1/items/" + item + "/correct", `{"base": {base}, "reason": "R", "markdown": "---\ntitle: T\ncategory: thong-bao\npublished: 2026-01-01\n---\nB.\n"}`, "", 202, 404},
		{"draft", "GET", "/api/publish/v1/drafts/{id}", "", publish.DraftOpen, 200, 404},
		{"update a draft", "PUT", "/api/publish/v1/drafts/{id}", `{"reason": "R", "submit": false, "markdown": "---\ntitle: T2\ncategory: thong-bao\npublished: 2026-01-01\n---\nB.\n"}`, publish.DraftOpen, 201, 404},
		{"submit", "POST", "/api/publish/v1/drafts/{id}/submit", "", publish.DraftOpen, 200, 404},
		{"publish", "POST", "/api/publish/v1/drafts/{id}/publish", "", publish.DraftPending, 403, 404},
		{"delete", "DELETE", "/api/publish/v1/drafts/{id}", "", publish.DraftOpen, 204, 404},
		{"withdraw", "POST", "/api/publish/v1/items/" + item + "/withdraw", `{"base": {base}, "reason": "R"}`, "", 202, 404},
	}
	for _, tt := range api {
		for _, who := range []string{"own", "other"} {
			t.Run("api/"+who+"/"+tt.name, func(t *testing.T) {
				secret, w := ownSecret, tt.own
				if who == "other" {
					secret, w = otherSecret, tt.other
				}
				if _, b, err := e.p.ItemFiles(ctx, item); err == nil {
					base = b
				}
				target := tt.url
				if tt.draft != "" {
					target = strings.Replace(target, "{id}", strconv.FormatInt(newDraft(tt.draft), 10), 1)
				}
				ct := ""
				if tt.body != "" {
					ct = "application/json"
				}
				rec := apiCall(t, e.s, tt.method, target, secret, ct, []byte(strings.Replace(tt.body, "{base}", strconv.Itoa(base), 1)))
				if rec.Code != w {
					t.Errorf("%s %s with the %s token = %d, want %d\n%s", tt.method, target, who, rec.Code, w, rec.Body.String())
				}
			})
		}
	}
}
