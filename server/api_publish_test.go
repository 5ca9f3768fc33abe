package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/congkhai/congkhai/calendar"
	"github.com/congkhai/congkhai/content"
)

// apiCall sends a request of the publishing API.
func apiCall(t *testing.T, s *Server, method, target, token, contentType string, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, bytes.NewReader(body))
	req.RemoteAddr = "192.0.2.20:4000"
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

func jsonBody(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// directSite lets UBND xã Cẩm Quan publish without approval.
func directSite(dir string) {
	p := filepath.Join(dir, "site.yaml")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, append(b, []byte("publishing:\n  direct: [ubnd-xa-cam-quan]\n")...), 0o644)
}

// TestPublishAPI: the story of the console through the API, with an agency
// token: publish a notice with a PDF (JSON) and a dataset (multipart),
// correct on the version it was made from, a stale correction refused,
// withdraw; another agency's items out of reach; an agency that needs
// approval gets a pending draft; every error is problem+json.
func TestPublishAPI(t *testing.T) {
	dialects(t, func(t *testing.T, dsn string) {
		e := newPubEnv(t, dsn, directSite, nil)
		ctx := context.Background()
		_, secret, err := e.pub.CreateToken(ctx, "ubnd-xa-cam-quan", "Phần mềm quản lý văn bản", 1)
		if err != nil {
			t.Fatal(err)
		}
		_, other, err := e.pub.CreateToken(ctx, "so-tai-chinh", "Phần mềm STC", 1)
		if err != nil {
			t.Fatal(err)
		}
		const base = "/api/publish/v1/items/ubnd-xa-cam-quan/thong-bao-api"
		notice := map[string]any{
			"notice": map[string]any{"title": "Thông báo lịch tiếp công dân tháng 12", "category": "thong-bao", "published": "2026-11-25",
				"number": "60/TB-UBND", "places": []map[string]string{{"province": "Tỉnh Hà Tĩnh", "district": "Huyện Cẩm Xuyên", "commune": "Xã Cẩm Quan"}},
				"tags": []string{"tiếp công dân"}, "body": "Chủ tịch UBND xã tiếp công dân vào ngày 15/12/2026."},
			"files": []map[string]string{{"name": "files/thong-bao-api/Lịch tiếp.pdf", "content_base64": base64.StdEncoding.EncodeToString(pdf)}},
		}
		check := func(name string, rec *httptest.ResponseRecorder, status int, want ...string) map[string]any {
			t.Helper()
			if rec.Code != status {
				t.Fatalf("%s: %d, want %d\n%s", name, rec.Code, status, rec.Body.String())
			}
			if status >= 400 && !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") {
				t.Errorf("%s: Content-Type %q, want application/problem+json", name, rec.Header().Get("Content-Type"))
			}
			mustContain(t, name, rec.Body.String(), want...)
			var out map[string]any
			json.Unmarshal(rec.Body.Bytes(), &out)
			return out
		}
		check("no token", apiCall(t, e.s, "POST", base+"/publish", "", "application/json", jsonBody(t, notice)), 401, `"status":401`)
		check("bad token", apiCall(t, e.s, "GET", "/api/publish/v1/items", "ckp_AAAAAAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAA", "", nil), 401)
		check("another agency's path", apiCall(t, e.s, "POST", "/api/publish/v1/items/so-tai-chinh/x/publish", secret, "application/json", jsonBody(t, notice)), 404)
		bad := map[string]any{"notice": map[string]any{"title": "X", "category": "khong-co", "published": "2026-11-25"}}
		check("bad category", apiCall(t, e.s, "POST", base+"/publish", secret, "application/json", jsonBody(t, bad)), 422, "category")
		check("a bad file name", apiCall(t, e.s, "POST", base+"/publish", secret, "application/json", jsonBody(t, map[string]any{
			"notice": notice["notice"], "files": []map[string]string{{"name": "../site.yaml.pdf", "content_base64": "JVBERg=="}}})), 422, "không dùng được")

		out := check("publish", apiCall(t, e.s, "POST", base+"/publish", secret, "application/json", jsonBody(t, notice)), 201, `"state":"published"`, `"number":1`)
		if out["version"] == nil {
			t.Fatal("no version")
		}
		rec := e.client(t).get("/ubnd-xa-cam-quan/thong-bao-api")
		if rec.Code != 200 {
			t.Fatalf("public page: %d", rec.Code)
		}
		mustContain(t, "public page", rec.Body.String(), "tiếp công dân vào ngày 15/12/2026", "Lịch tiếp", "60/TB-UBND")
		check("publish again", apiCall(t, e.s, "POST", base+"/publish", secret, "application/json", jsonBody(t, notice)), 409)

		corr := map[string]any{"base": 1, "reason": "Đổi ngày tiếp", "notice": map[string]any{"title": "Thông báo lịch tiếp công dân tháng 12", "category": "thong-bao",
			"published": "2026-11-25", "number": "60/TB-UBND", "body": "Chủ tịch UBND xã tiếp công dân vào ngày 16/12/2026.",
			"attachments": []map[string]string{{"title": "Lịch tiếp công dân", "file": "files/thong-bao-api/Lịch tiếp.pdf"}}}}
		check("correct without a reason", apiCall(t, e.s, "POST", base+"/correct", secret, "application/json", jsonBody(t, map[string]any{"base": 1, "notice": corr["notice"]})), 422, "reason")
		check("correct", apiCall(t, e.s, "POST", base+"/correct", secret, "application/json", jsonBody(t, corr)), 201, `"number":2`, `"action":"correct"`)
		mustContain(t, "corrected page", e.client(t).get("/ubnd-xa-cam-quan/thong-bao-api").Body.String(), "16/12/2026", "Đã đính chính ngày", "Lịch tiếp công dân")
		check("stale correction", apiCall(t, e.s, "POST", base+"/correct", secret, "application/json", jsonBody(t, corr)), 409, "không được ghi đè")
		check("item", apiCall(t, e.s, "GET", base, secret, "", nil), 200, `"state":"published"`, `"number":2`, `"name":"files/thong-bao-api/Lịch tiếp.pdf"`)
		check("another agency's item", apiCall(t, e.s, "GET", "/api/publish/v1/items/ubnd-xa-cam-quan/thong-bao-api", other, "", nil), 404)

		// A dataset, multipart.
		var mb bytes.Buffer
		w := multipart.NewWriter(&mb)
		w.WriteField("meta", `{"dataset":{"title":"Danh sách hộ nhận hỗ trợ","category":"boi-thuong","published":"2026-11-25","body":"Danh sách."}}`)
		fw, _ := w.CreateFormFile("file", "Danh sách hộ.csv")
		fw.Write([]byte("STT,Họ tên,Số tiền\n1,Nguyễn Văn A,12000000\n2,Trần Thị B,8000000\n"))
		w.Close()
		check("dataset", apiCall(t, e.s, "POST", "/api/publish/v1/items/ubnd-xa-cam-quan/ho-nhan-ho-tro/publish", secret, w.FormDataContentType(), mb.Bytes()), 201, `"state":"published"`)
		mustContain(t, "dataset page", e.client(t).get("/ubnd-xa-cam-quan/ho-nhan-ho-tro").Body.String(), "Trần Thị B", "8.000.000")
		check("items", apiCall(t, e.s, "GET", "/api/publish/v1/items", secret, "", nil), 200, "ubnd-xa-cam-quan/ho-nhan-ho-tro", "ubnd-xa-cam-quan/thong-bao-api")

		// An agency that needs approval: a pending draft, published by its admin.
		stc := map[string]any{"markdown": "---\ntitle: Thông báo của Sở\ncategory: thong-bao\npublished: 2026-11-25\n---\nNội dung.\n"}
		out = check("needs approval", apiCall(t, e.s, "POST", "/api/publish/v1/items/so-tai-chinh/thong-bao-api/publish", other, "application/json", jsonBody(t, stc)), 202, `"state":"pending"`)
		id := int(out["draft"].(map[string]any)["id"].(float64))
		check("not allowed to approve", apiCall(t, e.s, "POST", "/api/publish/v1/drafts/"+itoa(id)+"/publish", other, "", nil), 403)
		check("draft", apiCall(t, e.s, "GET", "/api/publish/v1/drafts/"+itoa(id), other, "", nil), 200, `"state":"pending"`)
		check("another agency's draft", apiCall(t, e.s, "GET", "/api/publish/v1/drafts/"+itoa(id), secret, "", nil), 404)

		check("withdraw", apiCall(t, e.s, "POST", base+"/withdraw", secret, "application/json", jsonBody(t, map[string]any{"base": 2, "reason": "Hủy lịch"})), 201, `"state":"withdrawn"`)
		if rec := e.client(t).get("/ubnd-xa-cam-quan/thong-bao-api"); rec.Code != http.StatusGone {
			t.Errorf("withdrawn page: %d", rec.Code)
		}
		check("restore", apiCall(t, e.s, "POST", base+"/restore", secret, "application/json", jsonBody(t, map[string]any{"base": 3, "reason": "Khôi phục"})), 201, `"state":"published"`, `"number":4`)
	})
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestOpenAPICoversRoutes: every /api/ route of the server is in the OpenAPI
// document, with its method.
func TestOpenAPICoversRoutes(t *testing.T) {
	e := newPubEnv(t, "", nil, nil)
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	rec := e.client(t).get("/api/openapi.json")
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || rec.Code != 200 {
		t.Fatalf("GET /api/openapi.json = %d, %v", rec.Code, err)
	}
	param := regexp.MustCompile(`:([a-z]+)`)
	for _, r := range e.s.e.Routes() {
		if !strings.HasPrefix(r.Path, "/api/") || strings.HasSuffix(r.Path, "*") || r.Method == "echo_route_not_found" || r.Method == "HEAD" {
			continue
		}
		p := param.ReplaceAllString(r.Path, "{$1}")
		if _, ok := doc.Paths[p][strings.ToLower(r.Method)]; !ok {
			t.Errorf("%s %s is not in the OpenAPI document", r.Method, p)
		}
	}
}

// TestPublishAPIKeepsDisclosure: corrections through the API of items
// written by hand with the disclosure fields and a records dataset's kind,
// fields and drop (handWritten): a field absent from the JSON keeps the
// current file's value, a field given changes it, an empty one clears it,
// and a value the loader would refuse is a problem+json naming the field.
// Every step is checked against the file published, and the content folder
// loads without problems at the end.
func TestPublishAPIKeepsDisclosure(t *testing.T) {
	e := newPubEnv(t, "", func(dir string) { writeHandWritten(dir); directSite(dir) }, nil)
	_, secret, err := e.pub.CreateToken(context.Background(), "ubnd-xa-cam-quan", "Phần mềm quản lý văn bản", 1)
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time {
		d, err := time.ParseInLocation("2006-01-02", s, calendar.Location)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	notice := func(extra map[string]any) map[string]any {
		n := map[string]any{"title": "Báo cáo tình hình thực hiện dự toán ngân sách xã quý I/2026", "category": "ngan-sach", "published": "2026-04-10",
			"number": "15/BC-UBND", "body": "Tổng thu ngân sách xã quý I/2026 đạt 2.310 triệu đồng."}
		for k, v := range extra {
			n[k] = v
		}
		return map[string]any{"notice": n}
	}
	dataset := func(extra map[string]any) map[string]any {
		n := map[string]any{"title": "Kết quả giải quyết hồ sơ thủ tục hành chính của UBND xã Cẩm Quan", "category": "thu-tuc", "published": "2026-01-05",
			"source": "Phần mềm Một cửa điện tử tỉnh Hà Tĩnh", "body": "Hồ sơ thủ tục hành chính do UBND xã Cẩm Quan tiếp nhận."}
		for k, v := range extra {
			n[k] = v
		}
		return map[string]any{"dataset": n}
	}
	satisfaction := func(extra map[string]any) map[string]any {
		n := map[string]any{"title": "Kết quả đánh giá mức độ hài lòng tại Bộ phận Một cửa xã Cẩm Quan", "category": "thu-tuc", "published": "2026-01-05",
			"body": "Số lượt đánh giá theo từng mức, tổng hợp theo tháng."}
		for k, v := range extra {
			n[k] = v
		}
		return map[string]any{"dataset": n}
	}
	const (
		reportPath = "ubnd-xa-cam-quan/bao-cao-thuc-hien-du-toan-quy-i-2026"
		dossiers   = "ubnd-xa-cam-quan/ho-so-thu-tuc-hanh-chinh"
		rating     = "ubnd-xa-cam-quan/danh-gia-muc-do-hai-long"
	)
	dossierFields := map[string]string{"code": "Mã hồ sơ", "received": "Ngày tiếp nhận", "digitized": "Hồ sơ đã số hóa"}

	// The steps run in order, each a correction of the latest version.
	tests := []struct {
		name   string
		path   string
		body   map[string]any
		status int
		want   []string           // in the answer
		check  func(n any) string // the file published: "" when right
	}{
		{"notice: absent fields are kept", reportPath, notice(nil), 201, nil, func(n any) string {
			d := n.(content.NoticeDraft)
			if d.DocumentType != "thuc-hien-ngan-sach" || d.Period != "quý I/2026" || !d.Approved.Equal(day("2026-04-05")) {
				return "disclosure lost"
			}
			return ""
		}},
		{"notice: given fields change", reportPath, notice(map[string]any{"document_type": "du-toan-ngan-sach", "period": "2026", "approved": "2025-12-26"}), 201, nil, func(n any) string {
			d := n.(content.NoticeDraft)
			if d.DocumentType != "du-toan-ngan-sach" || d.Period != "2026" || !d.Approved.Equal(day("2025-12-26")) {
				return "disclosure not changed"
			}
			return ""
		}},
		{"notice: a period the loader refuses", reportPath, notice(map[string]any{"period": "quy-1-2025"}), 422, []string{`period: \"quy-1-2025\"`}, nil},
		{"notice: a document type no rule has", reportPath, notice(map[string]any{"document_type": "bao-cao-khac"}), 422, []string{`document_type: \"bao-cao-khac\"`, "thuc-hien-ngan-sach"}, nil},
		{"notice: an approval date that is no date", reportPath, notice(map[string]any{"approved": "31/02/2026"}), 422, []string{`approved: ngày \"31/02/2026\"`}, nil},
		{"notice: the last change is kept", reportPath, notice(map[string]any{"summary": "Báo cáo quý I."}), 201, nil, func(n any) string {
			d := n.(content.NoticeDraft)
			if d.DocumentType != "du-toan-ngan-sach" || d.Period != "2026" || d.Summary != "Báo cáo quý I." {
				return "disclosure lost"
			}
			return ""
		}},
		{"notice: empty fields clear", reportPath, notice(map[string]any{"document_type": "", "period": "", "approved": ""}), 201, nil, func(n any) string {
			if d := n.(content.NoticeDraft); d.Disclosure != (content.Disclosure{}) {
				return "disclosure not cleared"
			}
			return ""
		}},

		{"dossiers: absent fields are kept", dossiers, dataset(nil), 201, nil, func(n any) string {
			d := n.(content.DatasetDraft)
			if d.Kind != content.KindDossiers || !reflect.DeepEqual(d.Fields, dossierFields) || !reflect.DeepEqual(d.Drop, []string{"Số văn bản xin lỗi"}) {
				return "records fields lost"
			}
			return ""
		}},
		{"dossiers: a period", dossiers, dataset(map[string]any{"period": "2026", "document_type": "", "approved": "2026-01-02"}), 201, nil, func(n any) string {
			d := n.(content.DatasetDraft)
			if d.Period != "2026" || !d.Approved.Equal(day("2026-01-02")) || d.Kind != content.KindDossiers || len(d.Fields) != 3 {
				return "period not written or records fields lost"
			}
			return ""
		}},
		{"dossiers: fields and drop given", dossiers, dataset(map[string]any{"fields": map[string]string{"code": "Số hồ sơ"}, "drop": []string{}}), 201, nil, func(n any) string {
			d := n.(content.DatasetDraft)
			if d.Kind != content.KindDossiers || !reflect.DeepEqual(d.Fields, map[string]string{"code": "Số hồ sơ"}) || d.Drop != nil || d.Period != "2026" {
				return "fields not changed, or kind or period lost"
			}
			return ""
		}},
		{"dossiers: a span replaces the period", dossiers, dataset(map[string]any{"period_start": "2026-01-01", "period_end": "2026-11-30"}), 201, nil, func(n any) string {
			d := n.(content.DatasetDraft)
			if d.Period != "" || !d.PeriodStart.Equal(day("2026-01-01")) || !d.PeriodEnd.Equal(day("2026-11-30")) {
				return "span not written"
			}
			return ""
		}},
		{"dossiers: the span is kept", dossiers, dataset(map[string]any{"frequency": "hằng tháng"}), 201, nil, func(n any) string {
			d := n.(content.DatasetDraft)
			if !d.PeriodStart.Equal(day("2026-01-01")) || !d.PeriodEnd.Equal(day("2026-11-30")) || d.Frequency != "hằng tháng" || d.Kind != content.KindDossiers {
				return "span or kind lost"
			}
			return ""
		}},
		{"dossiers: an unknown kind", dossiers, dataset(map[string]any{"kind": "ho-so-dat-dai"}), 422, []string{`kind: \"ho-so-dat-dai\"`}, nil},
		{"dossiers: the exports never become open data", dossiers, dataset(map[string]any{"kind": "", "fields": map[string]string{}, "drop": []string{}}), 422, []string{"kind:", "không đổi được loại"}, nil},
		{"dossiers: a field without its column", dossiers, dataset(map[string]any{"fields": map[string]string{"code": " "}}), 422, []string{"fields:"}, nil},
		{"dossiers: a span that ends before it starts", dossiers, dataset(map[string]any{"period_start": "2026-12-31", "period_end": "2026-01-01"}), 422, []string{"period_end:"}, nil},
		{"dossiers: a period and a span that differ", dossiers, dataset(map[string]any{"period": "2026", "period_start": "2026-02-01", "period_end": "2026-12-31"}), 422, []string{"period_start, period_end:", "2026-01-01"}, nil},

		{"satisfaction: the kind as written is kept", rating, satisfaction(nil), 201, nil, func(n any) string {
			if d := n.(content.DatasetDraft); d.Kind != "satisfaction" || d.Fields["total"] != "Tổng số lượt đánh giá" {
				return "kind or fields lost"
			}
			return ""
		}},
		{"satisfaction: fields without a kind", rating, satisfaction(map[string]any{"kind": ""}), 422, []string{"fields, drop:"}, nil},
		{"satisfaction: the kind by its name", rating, satisfaction(map[string]any{"kind": "Hài lòng"}), 201, nil, func(n any) string {
			if d := n.(content.DatasetDraft); d.Kind != content.KindSatisfaction || len(d.Fields) != 2 {
				return "kind not written as the portal names it"
			}
			return ""
		}},
		{"satisfaction: open data", rating, satisfaction(map[string]any{"kind": "", "fields": map[string]string{}, "drop": nil}), 201, nil, func(n any) string {
			if d := n.(content.DatasetDraft); d.Kind != "" || d.Fields != nil {
				return "kind and fields not cleared"
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := apiCall(t, e.s, "GET", "/api/publish/v1/items/"+tt.path, secret, "", nil)
			var it struct {
				Version struct{ Number int } `json:"version"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &it); err != nil || rec.Code != 200 {
				t.Fatalf("item: %d %v", rec.Code, err)
			}
			body := tt.body
			body["base"], body["reason"] = it.Version.Number, "Đính chính"
			rec = apiCall(t, e.s, "POST", "/api/publish/v1/items/"+tt.path+"/correct", secret, "application/json", jsonBody(t, body))
			if rec.Code != tt.status {
				t.Fatalf("%d, want %d\n%s", rec.Code, tt.status, rec.Body.String())
			}
			if tt.status >= 400 && !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/problem+json") {
				t.Errorf("Content-Type %q, want application/problem+json", rec.Header().Get("Content-Type"))
			}
			mustContain(t, "answer", rec.Body.String(), tt.want...)
			if tt.check == nil {
				return
			}
			file := tt.path + ".md"
			if _, isDataset := tt.body["dataset"]; isDataset {
				file = tt.path + "/index.md"
			}
			raw, err := os.ReadFile(filepath.Join(e.dir, filepath.FromSlash(file)))
			if err != nil {
				t.Fatal(err)
			}
			if msg := tt.check(decodeItem(t, file != tt.path+".md", raw)); msg != "" {
				t.Errorf("%s:\n%s", msg, raw)
			}
		})
	}

	// A draft's content replaced (PUT): what the JSON leaves out is the
	// draft's, not the latest version's.
	rec := apiCall(t, e.s, "GET", "/api/publish/v1/items/"+reportPath, secret, "", nil)
	var it struct {
		Version struct{ Number int } `json:"version"`
	}
	json.Unmarshal(rec.Body.Bytes(), &it)
	body := notice(map[string]any{"document_type": "thuc-hien-ngan-sach", "period": "6 tháng 2026"})
	body["base"], body["reason"], body["submit"] = it.Version.Number, "Bổ sung kỳ công khai", false
	rec = apiCall(t, e.s, "POST", "/api/publish/v1/items/"+reportPath+"/correct", secret, "application/json", jsonBody(t, body))
	var out struct {
		Draft struct{ ID int } `json:"draft"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != 201 || out.Draft.ID == 0 {
		t.Fatalf("draft: %d\n%s", rec.Code, rec.Body.String())
	}
	draft := "/api/publish/v1/drafts/" + itoa(out.Draft.ID)
	body = notice(map[string]any{"approved": "2026-07-05"})
	body["reason"], body["submit"] = "Bổ sung kỳ công khai và ngày phê duyệt", false
	if rec := apiCall(t, e.s, "PUT", draft, secret, "application/json", jsonBody(t, body)); rec.Code != 201 {
		t.Fatalf("replace the draft: %d\n%s", rec.Code, rec.Body.String())
	}
	if rec := apiCall(t, e.s, "POST", draft+"/publish", secret, "", nil); rec.Code != 200 {
		t.Fatalf("publish the draft: %d\n%s", rec.Code, rec.Body.String())
	}
	raw, err := os.ReadFile(filepath.Join(e.dir, filepath.FromSlash(reportPath+".md")))
	if err != nil {
		t.Fatal(err)
	}
	if d := decodeItem(t, false, raw).(content.NoticeDraft); d.DocumentType != "thuc-hien-ngan-sach" || d.Period != "6 tháng 2026" || !d.Approved.Equal(day("2026-07-05")) {
		t.Errorf("the draft's fields were not kept:\n%s", raw)
	}
	_, ps := content.Load(context.Background(), os.DirFS(e.dir), nil)
	for _, p := range ps {
		if !p.Guess {
			t.Errorf("content check: %s", p)
		}
	}
}

// TestPublishAPIRecordsDataset: one-stop exports published through the API
// as a dataset of kind ho-so-tthc: an export with personal-data columns is
// a 422 naming each column (nothing written); a clean one is published as a
// restricted dataset whose export is never served.
func TestPublishAPIRecordsDataset(t *testing.T) {
	e := newPubEnv(t, "", directSite, nil)
	_, secret, err := e.pub.CreateToken(context.Background(), "ubnd-xa-cam-quan", "Phần mềm Một cửa", 1)
	if err != nil {
		t.Fatal(err)
	}
	const p = "ubnd-xa-cam-quan/ho-so-mot-cua-api"
	tests := []struct {
		name   string
		export string
		status int
		want   []string
	}{
		{"personal columns", personalExport, 422, []string{`"file":"ubnd-xa-cam-quan/ho-so-mot-cua-api/xuat.csv"`, `Họ và tên người nộp\" holds a name (personal data)`, `Số CCCD\" holds an identity number`}},
		{"a clean export", cleanExport, 201, []string{`"state":"published"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := map[string]any{"dataset": map[string]any{"title": "Hồ sơ thủ tục hành chính (phần mềm Một cửa)", "category": "thu-tuc", "published": "2026-12-01", "kind": "ho-so-tthc"},
				"files": []map[string]string{{"name": "xuat.csv", "content_base64": base64.StdEncoding.EncodeToString([]byte(tt.export))}}}
			rec := apiCall(t, e.s, "POST", "/api/publish/v1/items/"+p+"/publish", secret, "application/json", jsonBody(t, body))
			if rec.Code != tt.status {
				t.Fatalf("%d, want %d\n%s", rec.Code, tt.status, rec.Body.String())
			}
			mustContain(t, "answer", rec.Body.String(), tt.want...)
			if strings.Contains(rec.Body.String(), "Nguyễn Văn An") {
				t.Error("the answer holds the applicant's name")
			}
		})
	}
	_, d := e.p.Snapshot().Lookup(p)
	if d == nil || !d.Restricted() {
		t.Fatalf("dataset %+v, want restricted", d)
	}
	pub := e.client(t)
	for _, u := range []string{"/" + p + "/xuat.csv", "/tai-ve/" + p + "/xuat.csv"} {
		if rec := pub.get(u); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", u, rec.Code)
		}
	}
}
