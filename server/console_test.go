package server

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/congkhai/congkhai/feedback"
)

// upload is a file of a multipart form.
type upload struct {
	field, name string
	data        []byte
}

// multipart sends a multipart form with the CSRF token of page.
func (c *client) multipart(page, target string, form url.Values, files ...upload) *httptest.ResponseRecorder {
	c.t.Helper()
	form.Set("csrf", c.token(page))
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	for _, f := range files {
		fw, err := w.CreateFormFile(f.field, f.name)
		if err != nil {
			c.t.Fatal(err)
		}
		fw.Write(f.data)
	}
	w.Close()
	req := httptest.NewRequest(http.MethodPost, target, &body)
	req.RemoteAddr = c.remote
	req.Header.Set("Content-Type", w.FormDataContentType())
	for k, v := range c.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	rec := httptest.NewRecorder()
	c.s.Handler().ServeHTTP(rec, req)
	for _, ck := range rec.Result().Cookies() {
		c.cookies[ck.Name] = ck.Value
	}
	return rec
}

var pdf = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

// noticeForm is the form of a new notice as a clerk fills it.
func noticeForm() url.Values {
	return url.Values{"kind": {"notice"}, "title": {"Thông báo kết quả kiểm đếm đợt 5"}, "category": {"boi-thuong"},
		"published": {"2026-11-20"}, "number": {"52/TB-UBND"}, "signer": {"Nguyễn Văn Sơn"}, "signer_title": {"Chủ tịch UBND xã"},
		"summary": {"Kết quả kiểm đếm đất đai, tài sản của 8 hộ."}, "tags": {"kiểm đếm, cao tốc"},
		"place_0": {"C|Huyện Cẩm Xuyên|Xã Cẩm Quan"}, "body": {"## Kết quả\n\nTổng diện tích kiểm đếm: 2.150 m²."},
		"upload_title": {"Biên bản kiểm đếm"}}
}

var draftLoc = regexp.MustCompile(`^/staff/xuat-ban/nhap/(\d+)`)

// TestConsoleStory: a clerk creates a notice with a PDF and a table and
// submits it; her agency's admin approves it; she corrects it with a reason
// and the admin approves; a correction made from the old version is refused;
// the admin withdraws it.
func TestConsoleStory(t *testing.T) {
	dialects(t, func(t *testing.T, dsn string) {
		e := newPubEnv(t, dsn, nil, nil)
		e.addStaff(t, "vanthu@camquan.vn", "ubnd-xa-cam-quan", feedback.RoleStaff)
		e.addStaff(t, "chutich@camquan.vn", "ubnd-xa-cam-quan", feedback.RoleAgencyAdmin)
		clerk, boss := e.client(t), e.client(t)
		clerk.login("vanthu@camquan.vn", "mat-khau-dai-du")
		boss.login("chutich@camquan.vn", "mat-khau-dai-du")

		// A form sent without a title comes back with the message, what was
		// typed and the file uploaded.
		bad := noticeForm()
		bad.Del("title")
		rec := clerk.multipart("/staff/xuat-ban/moi", "/staff/xuat-ban/luu", bad, upload{"upload", "Biên bản kiểm đếm.pdf", pdf})
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("no title: %d\n%.2000s", rec.Code, rec.Body.String())
		}
		mustContain(t, "form with errors", rec.Body.String(), "Vui lòng nhập tiêu đề.", "52/TB-UBND", "Biên bản kiểm đếm.pdf")
		// The upload comes back as a signed reference; the form sent again
		// with a title and that reference saves the draft with the file.
		form := noticeForm()
		for _, m := range regexp.MustCompile(`name="(file_\d+_(?:name|ref|size|title|keep))" value="([^"]*)"`).FindAllStringSubmatch(rec.Body.String(), -1) {
			form.Set(m[1], strings.ReplaceAll(m[2], "&#43;", "+"))
		}
		if form.Get("file_0_ref") == "" {
			t.Fatalf("no file reference in the form sent back")
		}
		form.Set("file_0_name", "files/thong-bao-ket-qua-kiem-dem-dot-5/Biên bản kiểm đếm.pdf")
		form.Set("op", "gui")
		form.Set("upload_title", "Danh sách hộ được kiểm đếm")
		rec = clerk.multipart("/staff/xuat-ban/moi", "/staff/xuat-ban/luu", form, upload{"upload", "Danh sách hộ.csv", []byte("STT,Họ tên,Diện tích\n1,Nguyễn Văn A,320\n")})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("save: %d\n%.3000s", rec.Code, rec.Body.String())
		}
		m := draftLoc.FindStringSubmatch(rec.Header().Get("Location"))
		if m == nil {
			t.Fatalf("Location %q", rec.Header().Get("Location"))
		}
		draft := "/staff/xuat-ban/nhap/" + m[1]
		rec = clerk.get(draft + "?ok=gui")
		mustContain(t, "draft page", rec.Body.String(), `href="/staff/xuat-ban"`, "Chờ duyệt", "Biên bản kiểm đếm.pdf", "Danh sách hộ.csv")
		mustNotContain(t, "draft page of a clerk", rec.Body.String(), "Duyệt và đăng")
		if rec := clerk.post(draft, draft+"/dang", url.Values{}); rec.Code != http.StatusForbidden {
			t.Errorf("a clerk approves: %d", rec.Code)
		}
		const path = "/ubnd-xa-cam-quan/thong-bao-ket-qua-kiem-dem-dot-5"
		if rec := clerk.get(path); rec.Code != http.StatusNotFound {
			t.Fatalf("a pending draft is public: %d", rec.Code)
		}
		rec = clerk.get(draft + "/xem-truoc")
		mustContain(t, "preview", rec.Body.String(), "Bản xem trước", "Tổng diện tích kiểm đếm: 2.150 m²", "52/TB-UBND", "Biên bản kiểm đếm")

		// The admin finds it under "Chờ duyệt" and approves it.
		mustContain(t, "pending list", boss.get("/staff/xuat-ban?loc=cho-duyet").Body.String(), "Thông báo kết quả kiểm đếm đợt 5")
		if rec := boss.post(draft, draft+"/dang", url.Values{}); rec.Code != http.StatusSeeOther {
			t.Fatalf("approve: %d\n%.2000s", rec.Code, rec.Body.String())
		}
		rec = clerk.get(path)
		if rec.Code != http.StatusOK {
			t.Fatalf("published page: %d", rec.Code)
		}
		mustContain(t, "public page", rec.Body.String(), "Tổng diện tích kiểm đếm", "Xã Cẩm Quan", "Biên bản kiểm đếm", "Danh sách hộ")

		// The correction: the form starts from version 1.
		rec = clerk.get("/staff/xuat-ban/sua?path=ubnd-xa-cam-quan/thong-bao-ket-qua-kiem-dem-dot-5")
		body := rec.Body.String()
		mustContain(t, "correction form", body, `name="base" value="1"`, "2.150 m²", "Lý do đính chính")
		corr := url.Values{"kind": {"notice"}, "path": {"ubnd-xa-cam-quan/thong-bao-ket-qua-kiem-dem-dot-5"}, "base": {"1"}}
		for k, v := range noticeForm() {
			corr[k] = v
		}
		for _, m := range regexp.MustCompile(`name="(file_\d+_(?:name|ref|size|title|keep))" value="([^"]*)"`).FindAllStringSubmatch(body, -1) {
			corr.Set(m[1], m[2])
		}
		corr.Set("body", "## Kết quả\n\nTổng diện tích kiểm đếm: 2.510 m².")
		corr.Set("op", "gui")
		if rec := clerk.multipart("/staff/xuat-ban/sua?path=ubnd-xa-cam-quan/thong-bao-ket-qua-kiem-dem-dot-5", "/staff/xuat-ban/luu", corr); rec.Code != http.StatusUnprocessableEntity ||
			!strings.Contains(rec.Body.String(), "Vui lòng nêu lý do đính chính") {
			t.Fatalf("a correction without a reason: %d", rec.Code)
		}
		corr.Set("reason", "Đính chính số liệu dòng 3")
		rec = clerk.multipart("/staff/xuat-ban/sua?path=ubnd-xa-cam-quan/thong-bao-ket-qua-kiem-dem-dot-5", "/staff/xuat-ban/luu", corr)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("correction: %d\n%.3000s", rec.Code, rec.Body.String())
		}
		cdraft := draftLoc.FindString(rec.Header().Get("Location"))
		// A second correction made from version 1 too.
		stale := clerk.multipart("/staff/xuat-ban/sua?path=ubnd-xa-cam-quan/thong-bao-ket-qua-kiem-dem-dot-5", "/staff/xuat-ban/luu", corr)
		if stale.Code != http.StatusSeeOther {
			t.Fatalf("second correction draft: %d", stale.Code)
		}
		sdraft := draftLoc.FindString(stale.Header().Get("Location"))
		if rec := boss.post(cdraft, cdraft+"/dang", url.Values{"note": {"Đồng ý"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("approve the correction: %d\n%.2000s", rec.Code, rec.Body.String())
		}
		mustContain(t, "corrected page", clerk.get(path).Body.String(), "2.510 m²", "Đã đính chính ngày", "Đính chính số liệu dòng 3")
		rec = boss.post(sdraft, sdraft+"/dang", url.Values{})
		if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "sau phiên bản 1") {
			t.Fatalf("approving a draft made from an old version: %d\n%.2000s", rec.Code, rec.Body.String())
		}
		// The same, from a form kept open since version 1.
		rec = clerk.multipart("/staff/xuat-ban/sua?path=ubnd-xa-cam-quan/thong-bao-ket-qua-kiem-dem-dot-5", "/staff/xuat-ban/luu", corr)
		if rec.Code != http.StatusConflict || !strings.Contains(rec.Body.String(), "không được ghi đè") {
			t.Fatalf("a correction from an old version: %d\n%.2000s", rec.Code, rec.Body.String())
		}

		// The admin withdraws it at once.
		rec = boss.post("/staff/xuat-ban/rut?path=ubnd-xa-cam-quan/thong-bao-ket-qua-kiem-dem-dot-5", "/staff/xuat-ban/rut",
			url.Values{"path": {"ubnd-xa-cam-quan/thong-bao-ket-qua-kiem-dem-dot-5"}, "base": {"2"}, "action": {"withdraw"}, "reason": {"Ban hành nhầm"}, "op": {"dang"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("withdraw: %d\n%.2000s", rec.Code, rec.Body.String())
		}
		rec = clerk.get(path)
		if rec.Code != http.StatusGone || !strings.Contains(rec.Body.String(), "Ban hành nhầm") {
			t.Fatalf("withdrawn page: %d", rec.Code)
		}
		mustContain(t, "withdrawn list", boss.get("/staff/xuat-ban?loc=da-rut").Body.String(), "Thông báo kết quả kiểm đếm đợt 5", "Công bố lại")
	})
}

// TestConsoleDataset: a dataset created by uploading a table shows, on its
// draft page, the table as the reader detected it (headings, types, first
// rows); a declared column type changes what is detected; the admin
// publishes it directly.
func TestConsoleDataset(t *testing.T) {
	e := newPubEnv(t, "", nil, nil)
	e.addStaff(t, "chutich@camquan.vn", "ubnd-xa-cam-quan", feedback.RoleAgencyAdmin)
	c := e.client(t)
	c.login("chutich@camquan.vn", "mat-khau-dai-du")
	form := url.Values{"kind": {"dataset"}, "title": {"Danh sách hộ được hỗ trợ"}, "category": {"boi-thuong"}, "published": {"2026-11-20"},
		"place_0": {"D|Huyện Cẩm Xuyên"}, "body": {"Danh sách."}}
	rec := c.multipart("/staff/xuat-ban/moi?loai=du-lieu", "/staff/xuat-ban/luu", url.Values{"kind": {"dataset"}, "title": {"Không có bảng"}, "category": {"boi-thuong"}, "published": {"2026-11-20"}})
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "cần ít nhất một bảng") {
		t.Fatalf("a dataset without a table: %d", rec.Code)
	}
	rec = c.multipart("/staff/xuat-ban/moi?loai=du-lieu", "/staff/xuat-ban/luu", form,
		upload{"upload", "Danh sách hộ.csv", []byte("STT,Họ và tên,Mã hộ,Số tiền\n1,Nguyễn Văn Ánh,00012,3000000\n2,Trần Thị Bình,00034,1500000\n")})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d\n%.3000s", rec.Code, rec.Body.String())
	}
	draft := draftLoc.FindString(rec.Header().Get("Location"))
	body := c.get(draft).Body.String()
	mustContain(t, "dataset draft", body, "Các cột cổng nhận diện", "Họ và tên", "Số tiền", "Nguyễn Văn Ánh", "Danh sách hộ.csv", "Duyệt và đăng")
	if rec := c.post(draft, draft+"/dang", url.Values{}); rec.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d\n%.2000s", rec.Code, rec.Body.String())
	}
	page := c.get("/ubnd-xa-cam-quan/danh-sach-ho-duoc-ho-tro").Body.String()
	mustContain(t, "dataset page", page, "Trần Thị Bình", "1.500.000", "Huyện Cẩm Xuyên")
}

// TestConsoleProblemsLanguage: the problems of an uploaded table and what the
// table reader guessed are listed in the staff member's language, Vietnamese
// unless they chose English.
func TestConsoleProblemsLanguage(t *testing.T) {
	e := newPubEnv(t, "", nil, nil)
	e.addStaff(t, "chutich@camquan.vn", "ubnd-xa-cam-quan", feedback.RoleAgencyAdmin)
	form := func(title string) url.Values {
		return url.Values{"kind": {"dataset"}, "title": {title}, "category": {"boi-thuong"}, "published": {"2026-11-20"},
			"place_0": {"D|Huyện Cẩm Xuyên"}, "body": {"Danh sách."}}
	}
	broken := upload{"upload", "Danh sách.csv", []byte("STT,Họ và tên,Số tiền\n1,Nguyễn Văn \xff,3000000\n")}
	// "1,500" reads as 1500 the English way and 1,5 the Vietnamese way.
	ambiguous := upload{"upload", "Hỗ trợ.csv", []byte("STT,Hộ,Số tiền\n1,Hộ A,\"1,500\"\n2,Hộ B,\"2,250\"\n")}
	for _, tt := range []struct {
		lang            string
		problem, guess  string
		notProb, notGss string
	}{
		{"vi", "không phải văn bản UTF-8 (dòng 2)", "cổng đoán numbers là vi", "not UTF-8 text", "guessed numbers"},
		{"en", "not UTF-8 text (line 2)", "guessed numbers: vi", "không phải văn bản UTF-8", "cổng đoán"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			c := e.client(t)
			c.login("chutich@camquan.vn", "mat-khau-dai-du")
			c.cookies["lang"] = tt.lang
			rec := c.multipart("/staff/xuat-ban/moi?loai=du-lieu", "/staff/xuat-ban/luu", form("Danh sách "+tt.lang), broken)
			if rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("a table that is not UTF-8: %d\n%.2000s", rec.Code, rec.Body.String())
			}
			body := rec.Body.String()
			mustContain(t, "the form's problems", body, tt.problem, `<ul lang="`+tt.lang+`">`)
			if strings.Contains(body, tt.notProb) {
				t.Errorf("the form's problems are not in %s:\n%.3000s", tt.lang, body)
			}
			rec = c.multipart("/staff/xuat-ban/moi?loai=du-lieu", "/staff/xuat-ban/luu", form("Hỗ trợ "+tt.lang), ambiguous)
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("save: %d\n%.3000s", rec.Code, rec.Body.String())
			}
			body = c.get(draftLoc.FindString(rec.Header().Get("Location"))).Body.String()
			mustContain(t, "the draft's guesses", body, tt.guess)
			if strings.Contains(body, tt.notGss) {
				t.Errorf("the draft's guesses are not in %s:\n%.3000s", tt.lang, body)
			}
		})
	}
}
