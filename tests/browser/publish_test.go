package browser

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/congkhai/congkhai/internal/binarytest"
)

// TestPublishingInBrowser walks issue 19's story in chromium against the real
// binary on a copy of the demo: a clerk signs in, creates a notice with a PDF
// and a table, previews and submits it; her agency's admin approves it; the
// page, search and the Atom feed have it within a second; the clerk corrects
// it with a reason and the admin approves; the history shows both versions
// and the diff; the admin withdraws it and the page answers 410 with the
// reason. axe-core finds no violation on any console page nor on the pages
// of the record.
func TestPublishingInBrowser(t *testing.T) {
	axe := axeScript(t)
	ctx := browser(t)
	dir := binarytest.CopyDir(t, filepath.Join(binarytest.Root(), "demo", "site"))
	data := t.TempDir()
	for _, acc := range [][]string{{"vanthu@camquan.example.vn", "staff", "Phạm Thị Lan"}, {"chutich@camquan.example.vn", "agency_admin", "Lê Văn Hòa"}} {
		add := exec.Command(binarytest.Binary(t), "staff", "add", "--data", data, "--email", acc[0], "--agency", "ubnd-xa-cam-quan", "--role", acc[1], "--name", acc[2])
		add.Stdin = strings.NewReader("mat-khau-trinh-duyet-dai\n")
		if out, err := add.CombinedOutput(); err != nil {
			t.Fatalf("staff add: %v\n%s", err, out)
		}
	}
	files := t.TempDir()
	pdfFile, csvFile := filepath.Join(files, "Quyết định 80.pdf"), filepath.Join(files, "Danh sách hộ.csv")
	os.WriteFile(pdfFile, []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), 0o644)
	os.WriteFile(csvFile, []byte("STT,Họ và tên,Diện tích (m²)\n1,Nguyễn Văn Ánh,320\n2,Trần Thị Bình,210\n"), 0o644)
	p := binarytest.Start(t, "--content", dir, "--data", data)
	waitSynced(t, p)

	check := func(name string) {
		t.Helper()
		var raw string
		if err := chromedp.Run(ctx,
			chromedp.Evaluate(axe, nil),
			chromedp.Evaluate(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r => JSON.stringify(r.violations.map(v => v.id + ": " + v.help + " " + v.nodes.map(n => n.html).join(" | "))))`, &raw, awaitPromise),
		); err != nil {
			t.Fatalf("%s: axe: %v", name, err)
		}
		if raw != "[]" {
			t.Errorf("%s: axe violations %s", name, raw)
		}
	}
	run := func(what string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		var s string
		run("read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
		return s
	}
	login := func(email string) {
		t.Helper()
		run("login "+email,
			chromedp.Navigate(p.URL+"/staff/login"),
			chromedp.WaitVisible("#f-email"),
			chromedp.SendKeys("#f-email", email),
			chromedp.SendKeys("#f-password", "mat-khau-trinh-duyet-dai"),
			chromedp.Submit("#f-password"),
			chromedp.WaitVisible(".st-bar"),
		)
	}
	logout := func() {
		t.Helper()
		run("logout", chromedp.Click(`.st-bar button[type="submit"]`, chromedp.ByQuery), chromedp.WaitVisible("#f-email"))
	}

	// The clerk creates the notice.
	login("vanthu@camquan.example.vn")
	run("console", chromedp.Navigate(p.URL+"/staff/xuat-ban"), chromedp.WaitVisible(`a[href^="/staff/xuat-ban/moi?loai=van-ban"]`))
	check("console list")
	run("new notice", chromedp.Click(`a[href^="/staff/xuat-ban/moi?loai=van-ban"]`, chromedp.ByQuery), chromedp.WaitVisible("#f-title"))
	check("new notice form")
	run("save without a title", chromedp.Click(`button[value="luu"]`, chromedp.ByQuery), chromedp.WaitVisible(".form-errors"))
	if body := text("main"); !strings.Contains(body, "Vui lòng nhập tiêu đề.") {
		t.Errorf("form with errors:\n%s", body)
	}
	check("form with errors")
	run("fill the form",
		chromedp.SendKeys("#f-title", "Thông báo kết quả kiểm đếm đợt 6"),
		chromedp.SetValue("#f-category", "boi-thuong", chromedp.ByID),
		chromedp.SendKeys("#f-number", "80/TB-UBND"),
		chromedp.SendKeys("#f-signer", "Nguyễn Văn Sơn"),
		chromedp.SetValue("#f-place_0", "C|Huyện Cẩm Xuyên|Xã Cẩm Quan", chromedp.ByID),
		chromedp.SendKeys("#f-tags", "kiểm đếm, cao tốc"),
		chromedp.SetValue("#f-body", "## Kết quả kiểm đếm\n\nĐã kiểm đếm đất đai, tài sản của **12 hộ**, tổng diện tích 4.120 m².", chromedp.ByID),
		chromedp.SetUploadFiles("#f-upload", []string{pdfFile, csvFile}, chromedp.ByID),
		chromedp.Click(`button[value="luu"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[href$="/xem-truoc"]`),
	)
	check("draft page")
	if body := text("main"); !strings.Contains(body, "Quyết định 80.pdf") || !strings.Contains(body, "Danh sách hộ.csv") {
		t.Fatalf("draft page lacks the files:\n%s", body)
	}
	var draftURL string
	run("draft url", chromedp.Location(&draftURL))
	run("preview", chromedp.Click(`a[href$="/xem-truoc"]`, chromedp.ByQuery), chromedp.WaitVisible(".preview-banner"))
	if body := text("main"); !strings.Contains(body, "4.120 m²") || !strings.Contains(body, "80/TB-UBND") {
		t.Errorf("preview lacks the notice:\n%s", body)
	}
	check("preview")
	run("submit", chromedp.Navigate(draftURL), chromedp.WaitVisible(`form[action$="/gui"]`),
		chromedp.Submit(`form[action$="/gui"] button`, chromedp.ByQuery), chromedp.WaitVisible(".notice-ok"))
	logout()

	// The admin approves it from "Chờ duyệt".
	login("chutich@camquan.example.vn")
	run("pending", chromedp.Navigate(p.URL+"/staff/xuat-ban?loc=cho-duyet"), chromedp.WaitVisible(`a[href^="/staff/xuat-ban/nhap/"]`))
	check("pending list")
	run("open", chromedp.Click(`td a[href^="/staff/xuat-ban/nhap/"]`, chromedp.ByQuery), chromedp.WaitVisible(`form[action$="/dang"]`))
	check("draft to approve")
	start := time.Now()
	run("approve", chromedp.Submit(`form[action$="/dang"] button`, chromedp.ByQuery), chromedp.WaitVisible(".notice-ok"))
	const path = "/ubnd-xa-cam-quan/thong-bao-ket-qua-kiem-dem-dot-6"
	if s, body := p.Get(t, path); s != 200 || !strings.Contains(body, "4.120 m²") {
		t.Fatalf("public page after approval: %d", s)
	}
	for _, probe := range []struct{ url, want string }{
		{"/api/search?q=ket+qua+kiem+dem+dot+6", path},
		{"/ubnd-xa-cam-quan/feed.atom", "Thông báo kết quả kiểm đếm đợt 6"},
	} {
		for {
			if _, body := p.Get(t, probe.url); strings.Contains(body, probe.want) {
				break
			}
			if time.Since(start) > time.Second {
				t.Fatalf("%s lacks the notice 1 s after approval", probe.url)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	logout()

	// The clerk corrects a figure, with a reason.
	login("vanthu@camquan.example.vn")
	run("correction form", chromedp.Navigate(p.URL+"/staff/xuat-ban/sua?path=ubnd-xa-cam-quan/thong-bao-ket-qua-kiem-dem-dot-6"), chromedp.WaitVisible("#f-reason"))
	check("correction form")
	run("correct",
		chromedp.SendKeys("#f-reason", "Đính chính số liệu dòng 3"),
		chromedp.SetValue("#f-body", "## Kết quả kiểm đếm\n\nĐã kiểm đếm đất đai, tài sản của **12 hộ**, tổng diện tích 4.210 m².", chromedp.ByID),
		chromedp.Click(`button[value="gui"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".notice-ok"),
	)
	logout()
	login("chutich@camquan.example.vn")
	run("approve the correction", chromedp.Navigate(p.URL+"/staff/xuat-ban?loc=cho-duyet"), chromedp.Click(`td a[href^="/staff/xuat-ban/nhap/"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`form[action$="/dang"]`), chromedp.Submit(`form[action$="/dang"] button`, chromedp.ByQuery), chromedp.WaitVisible(".notice-ok"))
	run("corrected page", chromedp.Navigate(p.URL+path), chromedp.WaitVisible(".record-status"))
	if body := text("main"); !strings.Contains(body, "4.210 m²") || !strings.Contains(body, "Đã đính chính ngày") {
		t.Errorf("corrected page:\n%s", body)
	}
	check("corrected notice")
	run("history", chromedp.Click(".record-status a", chromedp.ByQuery), chromedp.WaitVisible(".hist-list"))
	if body := text("main"); !strings.Contains(body, "Phiên bản 2") || !strings.Contains(body, "Phiên bản 1") || !strings.Contains(body, "Đính chính số liệu dòng 3") {
		t.Errorf("history:\n%s", body)
	}
	check("history")
	run("diff", chromedp.Click(".hist-compare button", chromedp.ByQuery), chromedp.WaitVisible(".diff-body"))
	var del, ins string
	run("read the diff", chromedp.Text(".diff-body del", &del, chromedp.ByQuery), chromedp.Text(".diff-body ins", &ins, chromedp.ByQuery))
	if del != "4.120" || ins != "4.210" {
		t.Errorf("diff: removed %q, added %q", del, ins)
	}
	check("diff")
	run("tokens", chromedp.Navigate(p.URL+"/staff/xuat-ban/khoa"), chromedp.WaitVisible("#f-name"))
	check("tokens")
	run("audit log", chromedp.Navigate(p.URL+"/staff/xuat-ban/nhat-ky"), chromedp.WaitVisible("table.data"))
	if body := text("main"); !strings.Contains(body, "Duyệt và đăng") || !strings.Contains(body, "Gửi duyệt") {
		t.Errorf("audit log:\n%s", body)
	}
	check("audit log")

	// A dataset: its draft shows the table as detected.
	run("new dataset", chromedp.Navigate(p.URL+"/staff/xuat-ban/moi?loai=du-lieu"), chromedp.WaitVisible("#f-title"))
	check("new dataset form")
	run("save the dataset",
		chromedp.SendKeys("#f-title", "Danh sách hộ được kiểm đếm đợt 6"),
		chromedp.SetValue("#f-category", "boi-thuong", chromedp.ByID),
		chromedp.SetUploadFiles("#f-upload", []string{csvFile}, chromedp.ByID),
		chromedp.Click(`button[value="luu"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[href$="/xem-truoc"]`),
	)
	if body := text("main"); !strings.Contains(body, "Các cột cổng nhận diện") || !strings.Contains(body, "Trần Thị Bình") {
		t.Errorf("dataset draft:\n%s", body)
	}
	check("dataset draft")
	run("dataset preview", chromedp.Click(`a[href$="/xem-truoc"]`, chromedp.ByQuery), chromedp.WaitVisible(".preview-banner"))
	check("dataset preview")

	// The admin withdraws it.
	run("withdraw form", chromedp.Navigate(p.URL+"/staff/xuat-ban/rut?path=ubnd-xa-cam-quan/thong-bao-ket-qua-kiem-dem-dot-6"), chromedp.WaitVisible("#f-reason"))
	check("withdraw form")
	run("withdraw", chromedp.SendKeys("#f-reason", "Ban hành nhầm, thay bằng Thông báo 85/TB-UBND"),
		chromedp.Click(`button[value="dang"]`, chromedp.ByQuery), chromedp.WaitVisible(".notice-ok"))
	status, body := p.Get(t, path)
	if status != 410 || !strings.Contains(body, "Ban hành nhầm, thay bằng Thông báo 85/TB-UBND") {
		t.Fatalf("withdrawn page: %d", status)
	}
	run("gone page", chromedp.Navigate(p.URL+path), chromedp.WaitVisible("#gone-title"))
	check("410 page")
	run("withdrawn list", chromedp.Navigate(p.URL+"/staff/xuat-ban?loc=da-rut"), chromedp.WaitVisible("table.data"))
	check("withdrawn list")
}
