package dossier

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/congkhai/congkhai/calendar"
	"github.com/congkhai/congkhai/msg"
)

// day parses "2006-01-02".
func day(t testing.TB, s string) Day {
	t.Helper()
	tm, err := time.ParseInLocation(time.DateOnly, s, calendar.Location)
	if err != nil {
		t.Fatal(err)
	}
	return DayOf(tm)
}

// testCalendar is the working-day calendar of the demo's site.yaml.
func testCalendar(t testing.TB) *calendar.Calendar {
	t.Helper()
	var hol []time.Time
	for _, s := range []string{"2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-04-26", "2026-04-27"} {
		hol = append(hol, day(t, s).Time())
	}
	return calendar.New(hol, nil)
}

func testWorkdays(t testing.TB) *Workdays {
	t.Helper()
	return NewWorkdays(testCalendar(t), 2024, 2028)
}

func importCSV(t *testing.T, csv string, opts ImportOptions) *Batch {
	t.Helper()
	if opts.Workdays == nil {
		opts.Workdays = testWorkdays(t)
	}
	if opts.Agency == "" {
		opts.Agency = "ubnd-huyen"
	}
	b, err := Import(context.Background(), "ubnd-huyen/ho-so/xuat.csv", strings.NewReader(csv), int64(len(csv)), opts)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	return b
}

func problemTexts(ps []Problem) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.String())
	}
	return strings.Join(s, "\n")
}

const exportCSV = `Mã hồ sơ,Tên thủ tục hành chính,Mã thủ tục,Lĩnh vực,Hình thức nộp,Ngày tiếp nhận,Ngày hẹn trả,Ngày trả kết quả,Trạng thái,Lý do quá hạn,Ngày xin lỗi,Số phiếu xin lỗi,Họ và tên người nộp,Số điện thoại,Địa chỉ,Số CCCD
H23.14-260105-0001,Đăng ký biến động quyền sử dụng đất,1.012770,Đất đai,Trực tiếp,05/01/2026 08:15,15/01/2026,14/01/2026,Đã trả kết quả,,,,Nguyễn Văn An,0912345678,Thôn 1 xã Cẩm Quan,042093001234
H23.14-260105-0002,Đăng ký biến động quyền sử dụng đất,1.012770,Đất đai,Trực tuyến,05/01/2026,15/01/2026,20/01/2026,Đã trả kết quả,Chờ ý kiến cơ quan thuế (liên hệ 0987 654 321),14/01/2026,12/PXL-CN,Trần Thị Bình,0987654321,Thôn 2,042093005678
H23.14-260105-0003,Chứng thực bản sao từ bản chính,2.000815,Chứng thực,Bưu chính,2026-01-05,2026-01-05,2026-01-05,Đã giải quyết,,,,Lê Văn Cường,0905111222,Thôn 3,
,Đăng ký biến động quyền sử dụng đất,1.012770,Đất đai,Trực tiếp,06/01/2026,16/01/2026,,Đang giải quyết,,,,Phạm Thị Dung,,,
H23.14-260106-0005,Đăng ký biến động quyền sử dụng đất,1.012770,Đất đai,Trực tiếp,32/01/2026,16/01/2026,,Đang giải quyết,,,,Hoàng Văn Em,,,
H23.14-260106-0006,Đăng ký biến động quyền sử dụng đất,1.012770,Đất đai,Trực tiếp,06/01/2026,,,Đang giải quyết,,,,Vũ Thị Giang,,,
H23.14-260106-0007,Cấp giấy chứng nhận lần đầu,1.012753,Đất đai,Trực tiếp,06/01/2026,03/02/2026,,Đang giải quyết,,,,Đỗ Văn Hùng,,,
`

func TestImportCSV(t *testing.T) {
	b := importCSV(t, exportCSV, ImportOptions{})
	if b.Len() != 4 {
		t.Fatalf("kept %d dossiers, want 4\n%s", b.Len(), problemTexts(b.Problems))
	}
	ps := problemTexts(b.Problems)
	for _, want := range []string{
		`xuat.csv:1: column "Họ và tên người nộp" holds a name (personal data): it is not read and never published`,
		`column "Số điện thoại" holds a phone number`,
		`column "Địa chỉ" holds an address`,
		`column "Số CCCD" holds an identity number`,
		`xuat.csv:5: no code (column "Mã hồ sơ"): the row is left out`,
		`xuat.csv:6: column "Ngày tiếp nhận": "32/01/2026" is not a date`,
		`xuat.csv:7: no due date (column "Ngày hẹn trả"): the row is left out`,
		`xuat.csv:3: a phone number, identity number or e-mail address in the explanation`,
	} {
		if !strings.Contains(ps, want) {
			t.Errorf("problems lack %q:\n%s", want, ps)
		}
	}
	s := NewSet([]*Batch{b})
	got := s.Lookup(" h23.14-260105-0002 ")
	if len(got) != 1 {
		t.Fatalf("Lookup = %d dossiers, want 1", len(got))
	}
	d := got[0]
	want := Dossier{Code: "H23.14-260105-0002", Agency: "ubnd-huyen", Procedure: "Đăng ký biến động quyền sử dụng đất", ProcedureCode: "1.012770",
		Field: "Đất đai", Channel: ChannelOnline, Status: StatusFinished, Received: day(t, "2026-01-05"), Due: day(t, "2026-01-15"),
		Finished: day(t, "2026-01-20"), Reason: "Chờ ý kiến cơ quan thuế (liên hệ …)", Apology: day(t, "2026-01-14"), Letter: "12/PXL-CN",
		File: "ubnd-huyen/ho-so/xuat.csv", Line: 3}
	if d != want {
		t.Errorf("Lookup =\n%+v\nwant\n%+v", d, want)
	}
	if c := s.Lookup("H23.14-260105-0003")[0]; c.Channel != ChannelPost || c.Received != c.Finished {
		t.Errorf("dossier 0003 = %+v, want by post, resolved the day it came", c)
	}
	// Nothing personal is kept anywhere in the batch.
	for _, name := range []string{"Nguyễn Văn An", "0912345678", "042093001234", "Thôn 1", "0987654321"} {
		for _, str := range b.strs.list {
			if strings.Contains(str, name) {
				t.Errorf("the batch keeps %q (in %q)", name, str)
			}
		}
		if bytes.Contains(b.codes, []byte(name)) {
			t.Errorf("the codes hold %q", name)
		}
	}
	if got := s.Lookup("H23.14-260105-9999"); got != nil {
		t.Errorf("Lookup(unknown) = %v, want none", got)
	}
}

func TestImportDeclaredFieldsAndDrop(t *testing.T) {
	csv := "Số BN;Thủ tục;Nhận lúc;Hạn (ngày làm việc);Xong lúc;Người nộp;Ghi chú\n" +
		"001;Chứng thực;13/02/2026;5;26/02/2026;Nguyễn A;x\n" +
		"002;Chứng thực;09/01/2026;1;;Nguyễn B;y\n"
	b := importCSV(t, csv, ImportOptions{
		Fields: map[string]string{"code": "Số BN", "procedure": "Thủ tục", "received": "Nhận lúc", "term_days": "Hạn (ngày làm việc)", "finished": "Xong lúc", "colour": "Ghi chú"},
		Drop:   []string{"Người nộp"},
	})
	ps := problemTexts(b.Problems)
	if strings.Contains(ps, "personal") {
		t.Errorf("a dropped column is reported:\n%s", ps)
	}
	if !strings.Contains(ps, `fields: "colour" is not a field of this kind of export`) {
		t.Errorf("an unknown declared field is not reported:\n%s", ps)
	}
	s := NewSet([]*Batch{b})
	tests := []struct{ code, due string }{
		// Received on Friday 13/02/2026, the last working day before Tết
		// Bính Ngọ (14–22/02): five working days are 23–27/02.
		{"001", "2026-02-27"},
		// Received on Friday 09/01/2026: the next working day is Saturday
		// 10/01/2026, worked in exchange for the bridge day 02/01.
		{"002", "2026-01-10"},
	}
	for _, tt := range tests {
		got := s.Lookup(tt.code)
		if len(got) != 1 || got[0].Due != day(t, tt.due) {
			t.Errorf("Lookup(%s).Due = %v, want %s", tt.code, got, tt.due)
		}
	}
}

func TestImportXLSX(t *testing.T) {
	f := excelize.NewFile()
	sh := "Tháng 3"
	_ = f.SetSheetName("Sheet1", sh)
	rows := [][]any{
		{"BÁO CÁO KẾT QUẢ GIẢI QUYẾT HỒ SƠ THÁNG 3/2026"},
		{},
		{"STT", "Số biên nhận", "Thủ tục hành chính", "Lĩnh vực", "Kênh nộp", "Ngày nhận", "Ngày hẹn trả kết quả", "Ngày có kết quả", "Giải trình", "Xin lỗi", "Email"},
		{1, "000.00.21.H23-260302-0001", "Cấp đổi giấy chứng nhận", "Đất đai", "Dịch vụ công trực tuyến", time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC), time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC), "Thiếu hồ sơ địa chính", "Đã gửi phiếu ngày 13/03/2026", "a@b.vn"},
		{2, "000.00.21.H23-260302-0002", "Cấp đổi giấy chứng nhận", "Đất đai", "Tại quầy", time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), "16/03/2026", "", "", "", ""},
		{3, "000.00.21.H23-260303-0003", "Đăng ký khai sinh", "Hộ tịch", "Trực tiếp", "31/04/2026", "16/03/2026", "", "", "", ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	_ = f.SetCellStyle(sh, "F4", "H5", style)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	b, err := Import(context.Background(), "ubnd-huyen/ho-so/thang-3.xlsx", bytes.NewReader(buf.Bytes()), int64(buf.Len()), ImportOptions{Agency: "ubnd-huyen", Workdays: testWorkdays(t)})
	if err != nil {
		t.Fatal(err)
	}
	ps := problemTexts(b.Problems)
	if b.Len() != 2 {
		t.Fatalf("kept %d, want 2\n%s", b.Len(), ps)
	}
	for _, want := range []string{`column "Email" holds an e-mail address`, `thang-3.xlsx:6: column "Ngày nhận": "31/04/2026" is not a date`} {
		if !strings.Contains(ps, want) {
			t.Errorf("problems lack %q:\n%s", want, ps)
		}
	}
	s := NewSet([]*Batch{b})
	d := s.Lookup("000.00.21.H23-260302-0001")[0]
	if d.Channel != ChannelOnline || d.Received != day(t, "2026-03-02") || d.Finished != day(t, "2026-03-20") || d.Apology != day(t, "2026-03-13") ||
		d.Letter != "Đã gửi phiếu ngày 13/03/2026" || d.Reason != "Thiếu hồ sơ địa chính" || d.Line != 4 {
		t.Errorf("dossier 0001 = %+v", d)
	}
	d = s.Lookup("000.00.21.H23-260302-0002")[0]
	if d.Channel != ChannelDirect || d.Status != StatusPending || d.Due != day(t, "2026-03-16") {
		t.Errorf("dossier 0002 = %+v", d)
	}
}

func TestImportRefusesUnmappedExport(t *testing.T) {
	b := importCSV(t, "Cột A,Cột B\n1,2\n", ImportOptions{})
	if b.Len() != 0 || !strings.Contains(problemTexts(b.Problems), "no column for code, received, due") {
		t.Errorf("an export without the needed columns: %d dossiers, problems:\n%s", b.Len(), problemTexts(b.Problems))
	}
}

func TestLaterExportWins(t *testing.T) {
	jan := importCSV(t, "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Trạng thái\nA1,05/01/2026,15/01/2026,Đang giải quyết\nA2,05/01/2026,15/01/2026,Đang giải quyết\n", ImportOptions{})
	feb := importCSV(t, "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả,Ngày trả kết quả\nA1,05/01/2026,15/01/2026,14/01/2026\n", ImportOptions{})
	other := importCSV(t, "Mã hồ sơ,Ngày tiếp nhận,Ngày hẹn trả\nA1,07/01/2026,17/01/2026\n", ImportOptions{Agency: "ubnd-xa"})
	s := NewSet([]*Batch{jan, feb, other})
	if s.Len() != 3 || s.Replaced != 1 {
		t.Fatalf("Len = %d, Replaced = %d, want 3 and 1", s.Len(), s.Replaced)
	}
	got := s.Lookup("a1")
	if len(got) != 2 || got[0].Agency != "ubnd-huyen" || got[0].Status != StatusFinished || got[1].Agency != "ubnd-xa" {
		t.Errorf("Lookup(a1) = %+v", got)
	}
}

func TestHeadings(t *testing.T) {
	tests := []struct {
		heading string
		field   Field
		person  string
	}{
		{"Mã hồ sơ", FieldCode, ""},
		{"Số biên nhận", FieldCode, ""},
		{"Ngày tiếp nhận (dd/mm/yyyy)", FieldReceived, ""},
		{"Ngày hẹn trả kết quả", FieldDue, ""},
		{"Ngày hẹn trả mới", FieldNewDue, ""},
		{"Ngày hẹn trả mới (theo phiếu xin lỗi)", FieldNewDue, ""},
		{"Thời hạn giải quyết (ngày làm việc)", FieldTermDays, ""},
		{"Mã thủ tục", FieldProcedureCode, ""},
		{"Đơn vị tính", "", ""},
		{"Mã đơn vị", "", ""},
		{"Rất không hài lòng", FieldVeryUnsat, ""},
		{"Không hài lòng", FieldUnsat, ""},
		{"Họ tên", "", "a name"},
		{"Tên tổ chức, cá nhân", "", "a name"},
		{"Số ĐT liên hệ", "", "a phone number"},
		{"Địa chỉ thường trú", "", "an address"},
		{"Số định danh cá nhân", "", "an identity number"},
		{"Thư điện tử", "", "an e-mail address"},
		{"Kết quả điện tử", FieldEResult, ""},
		{"Hình thức nộp hồ sơ", FieldChannel, ""},
	}
	all := append(append([]Field{}, dossierFields...), satisfactionFields...)
	for _, tt := range tests {
		f := fold(tt.heading)
		if got, _ := personal(f); got.String() != tt.person {
			t.Errorf("personal(%q) = %q, want %q", tt.heading, got, tt.person)
		}
		if tt.person != "" {
			continue
		}
		if got := matchHeading(f, all); got != tt.field {
			t.Errorf("matchHeading(%q) = %q, want %q", tt.heading, got, tt.field)
		}
	}
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Chờ ý kiến cơ quan thuế", "Chờ ý kiến cơ quan thuế"},
		{"Gọi 0912 345 678 để bổ sung", "Gọi … để bổ sung"},
		{"CCCD 042093001234 hết hạn", "CCCD … hết hạn"},
		{"gửi an.nguyen@gmail.com", "gửi …"},
		{"Văn bản số 1234/UBND-TNMT ngày 12/03/2026", "Văn bản số 1234/UBND-TNMT ngày 12/03/2026"},
	}
	for _, tt := range tests {
		if got, _ := redact(tt.in); got != tt.want {
			t.Errorf("redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestImportProblemsInBothLanguages: the problems of an export read in
// Vietnamese and in English, headings and values as written.
func TestImportProblemsInBothLanguages(t *testing.T) {
	b := importCSV(t, exportCSV, ImportOptions{})
	for _, tt := range []struct{ vi, en string }{
		{`xuat.csv:1: cột “Họ và tên người nộp” chứa họ tên (dữ liệu cá nhân): cột này không được đọc và không bao giờ được đăng`,
			`xuat.csv:1: column "Họ và tên người nộp" holds a name (personal data): it is not read and never published`},
		{`xuat.csv:5: không có mã hồ sơ (cột “Mã hồ sơ”): bỏ qua dòng này`, `xuat.csv:5: no code (column "Mã hồ sơ"): the row is left out`},
		{`xuat.csv:6: cột “Ngày tiếp nhận”: “32/01/2026” không phải là ngày (hãy viết 15/03/2026 hoặc 2026-03-15): bỏ qua dòng này`,
			`xuat.csv:6: column "Ngày tiếp nhận": "32/01/2026" is not a date (write 15/03/2026 or 2026-03-15): the row is left out`},
		{`xuat.csv:7: không có ngày hẹn trả (cột “Ngày hẹn trả”): bỏ qua dòng này`, `xuat.csv:7: no due date (column "Ngày hẹn trả"): the row is left out`},
	} {
		var vi, en []string
		for _, p := range b.Problems {
			vi, en = append(vi, p.In(msg.VI)), append(en, p.In(msg.EN))
		}
		if s := strings.Join(vi, "\n"); !strings.Contains(s, tt.vi) {
			t.Errorf("problems in Vietnamese lack %q:\n%s", tt.vi, s)
		}
		if s := strings.Join(en, "\n"); !strings.Contains(s, tt.en) {
			t.Errorf("problems in English lack %q:\n%s", tt.en, s)
		}
	}
}
