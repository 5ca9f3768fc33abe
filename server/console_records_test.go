package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/congkhai/congkhai/content"
	"github.com/congkhai/congkhai/feedback"
)

// A small export of the one-stop software, as the demo's (its headings),
// and the same with the applicant's name, phone and identity card number.
const (
	cleanExport = "STT,Mã hồ sơ,Tên thủ tục hành chính,Mã thủ tục,Lĩnh vực,Hình thức nộp,Ngày tiếp nhận,Ngày hẹn trả kết quả,Ngày trả kết quả,Trạng thái\n" +
		"1,000.31.11.H23-261102-0901,Chứng thực bản sao từ bản chính,2.000815,Chứng thực,Trực tiếp,02/11/2026 08:10,02/11/2026,02/11/2026,Đã trả kết quả\n" +
		"2,000.31.11.H23-261102-0902,Đăng ký khai sinh,1.001193,Hộ tịch,Trực tuyến,02/11/2026 09:30,03/11/2026,05/11/2026,Đã trả kết quả\n" +
		"3,000.31.11.H23-261103-0903,Đăng ký khai sinh,1.001193,Hộ tịch,Sai kênh,03/11/2026,04/11/2026,,Đang giải quyết\n"
	personalExport = "STT,Mã hồ sơ,Tên thủ tục hành chính,Lĩnh vực,Ngày tiếp nhận,Ngày hẹn trả kết quả,Ngày trả kết quả,Trạng thái,Họ và tên người nộp,Số điện thoại,Số CCCD\n" +
		"1,000.31.11.H23-261102-0911,Đăng ký khai sinh,Hộ tịch,02/11/2026,03/11/2026,03/11/2026,Đã trả kết quả,Nguyễn Văn An,0912345678,042093001234\n"
)

// TestConsoleNewRecordsDataset: a clerk creates a one-stop export dataset
// (kind ho-so-tthc) from the console's new dataset form. An export with
// personal-data columns is refused, the loader's messages shown and nothing
// written; a clean one is saved as a draft (the rows the importer leaves out
// shown on the draft page), its kind shown read-only when the draft is
// edited, then published: the dataset loads as restricted, its export is
// never served, and the accountability lookup finds its dossiers.
func TestConsoleNewRecordsDataset(t *testing.T) {
	e := newPubEnv(t, "", nil, nil)
	e.addStaff(t, "chutich@camquan.vn", "ubnd-xa-cam-quan", feedback.RoleAgencyAdmin)
	c := e.client(t)
	c.login("chutich@camquan.vn", "mat-khau-dai-du")
	const (
		page = "/staff/xuat-ban/moi?loai=du-lieu"
		slug = "ho-so-mot-cua-thang-11-2026"
	)
	folder := filepath.Join(e.dir, "ubnd-xa-cam-quan", slug)

	rec := c.get(page)
	mustContain(t, "new dataset form", rec.Body.String(), `<select id="f-records_kind" name="records_kind"`, `<option value="" selected>Bảng số liệu</option>`,
		`<option value="ho-so-tthc">Hồ sơ thủ tục hành chính (xuất từ phần mềm Một cửa)</option>`, `<option value="hai-long">Kết quả đánh giá sự hài lòng</option>`)
	if rec := c.get("/staff/xuat-ban/moi?loai=van-ban"); strings.Contains(rec.Body.String(), "records_kind") {
		t.Error("the new notice form offers a dataset kind")
	}

	form := func(kind string) url.Values {
		return url.Values{"kind": {"dataset"}, "slug": {slug}, "title": {"Hồ sơ thủ tục hành chính tháng 11/2026"}, "category": {"thu-tuc"},
			"published": {"2026-12-01"}, "source": {"Phần mềm Một cửa điện tử tỉnh Hà Tĩnh"}, "records_kind": {kind}, "body": {"Tệp xuất từ phần mềm Một cửa."}}
	}
	tests := []struct {
		name   string
		kind   string
		export string
		op     string
		status int
		want   []string // in the answer
	}{
		{"a kind that is none", "ho-so-dat-dai", cleanExport, "luu", http.StatusUnprocessableEntity, []string{"Loại bộ dữ liệu không hợp lệ", `<option value="ho-so-tthc">`}},
		{"an export with personal data", "ho-so-tthc", personalExport, "dang", http.StatusUnprocessableEntity, []string{
			`cột “Họ và tên người nộp” chứa họ tên (dữ liệu cá nhân)`, `cột “Số điện thoại” chứa số điện thoại`,
			`cột “Số CCCD” chứa số định danh`, `<option value="ho-so-tthc" selected>`}},
		{"a clean export", "ho-so-tthc", cleanExport, "luu", http.StatusSeeOther, nil},
	}
	var draft string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := form(tt.kind)
			v.Set("op", tt.op)
			rec := c.multipart(page, "/staff/xuat-ban/luu", v, upload{"upload", "Xuất Một cửa tháng 11.csv", []byte(tt.export)})
			if rec.Code != tt.status {
				t.Fatalf("%d, want %d\n%.3000s", rec.Code, tt.status, rec.Body.String())
			}
			mustContain(t, "answer", rec.Body.String(), tt.want...)
			if rec.Code == http.StatusSeeOther {
				draft = draftLoc.FindString(rec.Header().Get("Location"))
				return
			}
			if _, err := os.Stat(folder); !os.IsNotExist(err) {
				t.Errorf("the refused dataset's folder: %v", err)
			}
			for _, personal := range []string{"Nguyễn Văn An", "0912345678", "042093001234"} {
				if strings.Contains(rec.Body.String(), personal) {
					t.Errorf("the form sent back shows %q", personal)
				}
			}
		})
	}
	if draft == "" {
		t.Fatal("no draft")
	}

	// The draft: the row the importer leaves out shown; the kind read-only.
	mustContain(t, "draft page", c.get(draft).Body.String(), "Kiểm tra khi đọc tệp", "cổng không công bố, không cho tải", `&#34;Sai kênh&#34; is not a channel`)
	rec = c.get(draft + "/sua")
	mustContain(t, "draft form", rec.Body.String(), "Loại bộ dữ liệu", "<code>ho-so-tthc</code>")
	if strings.Contains(rec.Body.String(), `name="records_kind"`) {
		t.Error("the draft's form lets the kind be changed")
	}
	v := formOf(t, rec.Body.String())
	v.Set("records_kind", "") // a request that tries anyway is ignored
	v.Set("op", "dang")
	if rec := c.multipart(draft+"/sua", "/staff/xuat-ban/luu", v); rec.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d\n%.3000s", rec.Code, rec.Body.String())
	}

	raw, err := os.ReadFile(filepath.Join(folder, "index.md"))
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := content.DecodeDataset(raw); d.Kind != content.KindDossiers {
		t.Errorf("index.md:\n%s", raw)
	}
	_, d := e.p.Snapshot().Lookup("ubnd-xa-cam-quan/" + slug)
	if d == nil || !d.Restricted() || len(d.Exports) != 1 || len(d.Tables) != 0 {
		t.Fatalf("the dataset = %+v, want restricted with one export", d)
	}
	pub := e.client(t)
	if d.Exports[0].Path != "ubnd-xa-cam-quan/"+slug+"/Xuất Một cửa tháng 11.csv" {
		t.Errorf("export %s", d.Exports[0].Path)
	}
	for _, p := range []string{"/ubnd-xa-cam-quan/" + slug + "/" + url.PathEscape("Xuất Một cửa tháng 11.csv"),
		"/tai-ve/ubnd-xa-cam-quan/" + slug + "/xuat-mot-cua-thang-11.csv",
		versionFileURL("ubnd-xa-cam-quan/"+slug, 1, d.Exports[0].Path)} {
		if rec := pub.get(p); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404: the export is served", p, rec.Code)
		}
	}
	if rec := pub.get("/ubnd-xa-cam-quan/" + slug); strings.Contains(rec.Body.String(), "261102-0901") {
		t.Error("the dataset's page shows a dossier code")
	}
	// The accountability index, computed in the background, counts them.
	deadline := time.Now().Add(30 * time.Second)
	for {
		rec := pub.get("/api/ho-so?ma=000.31.11.H23-261102-0902")
		var out struct {
			HoSo []map[string]any `json:"ho_so"`
		}
		json.Unmarshal(rec.Body.Bytes(), &out)
		if rec.Code == http.StatusOK && len(out.HoSo) == 1 {
			if out.HoSo[0]["co_quan"] != "ubnd-xa-cam-quan" || out.HoSo[0]["qua_han"] != true {
				t.Errorf("dossier 0902 = %v, want UBND xã Cẩm Quan's, late", out.HoSo[0])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/api/ho-so: %d %s", rec.Code, rec.Body.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
