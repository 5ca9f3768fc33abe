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
	"regexp"
	"strconv"
	"strings"
	"testing"
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
