package dossier

import (
	"strings"
	"unicode"

	"github.com/congkhai/congkhai/msg"
)

// Field is a piece of a dossier the portal reads from an export. Only these
// are ever kept: every other column is left out, and personal-data columns
// are refused by name (see personalKinds).
type Field string

// The fields of a dossier export. FieldCode, FieldReceived and either FieldDue
// or FieldTermDays are required.
const (
	FieldCode          Field = "code"           // mã hồ sơ, số biên nhận
	FieldProcedure     Field = "procedure"      // tên thủ tục hành chính
	FieldProcedureCode Field = "procedure_code" // mã thủ tục (Cơ sở dữ liệu quốc gia về TTHC: "1.012753")
	FieldField         Field = "field"          // lĩnh vực
	FieldAgency        Field = "agency"         // cơ quan giải quyết, when an export covers several agencies
	FieldChannel       Field = "channel"        // hình thức nộp: trực tiếp, trực tuyến, bưu chính
	FieldReceived      Field = "received"       // ngày tiếp nhận
	FieldDue           Field = "due"            // ngày hẹn trả kết quả
	FieldTermDays      Field = "term_days"      // thời hạn giải quyết, working days (gives the due date when the export has none)
	FieldFinished      Field = "finished"       // ngày có kết quả / trả kết quả
	FieldStatus        Field = "status"         // trạng thái
	FieldReason        Field = "reason"         // lý do quá hạn (giải trình)
	FieldApology       Field = "apology"        // ngày gửi văn bản xin lỗi
	FieldLetter        Field = "letter"         // số, ký hiệu của văn bản (phiếu) xin lỗi
	FieldNewDue        Field = "new_due"        // ngày hẹn trả mới ghi trong phiếu xin lỗi
	FieldDigitized     Field = "digitized"      // hồ sơ đã số hóa
	FieldEResult       Field = "e_result"       // kết quả điện tử
)

// The fields of a satisfaction export: one row per month (and agency), the
// number of answers at each level.
const (
	FieldMonth       Field = "month" // tháng (kỳ) đánh giá
	FieldVerySat     Field = "very_satisfied"
	FieldSat         Field = "satisfied"
	FieldNeutral     Field = "neutral"
	FieldUnsat       Field = "unsatisfied"
	FieldVeryUnsat   Field = "very_unsatisfied"
	FieldSource      Field = "source" // thiết bị đánh giá, khảo sát SIPAS, …
	FieldSatTotal    Field = "total"  // tổng số lượt đánh giá (checked against the levels)
	fieldSatAgencyID Field = FieldAgency
)

// dossierFields and satisfactionFields list what each kind of export may map.
var (
	dossierFields = []Field{FieldCode, FieldProcedure, FieldProcedureCode, FieldField, FieldAgency, FieldChannel,
		FieldReceived, FieldDue, FieldTermDays, FieldFinished, FieldStatus, FieldReason, FieldApology, FieldLetter,
		FieldNewDue, FieldDigitized, FieldEResult}
	satisfactionFields = []Field{FieldMonth, fieldSatAgencyID, FieldVerySat, FieldSat, FieldNeutral, FieldUnsat, FieldVeryUnsat, FieldSource, FieldSatTotal}
)

// headingAliases are the headings one-stop software and rating devices use,
// folded (see fold), for each field. A heading matches a field when it is one
// of them; otherwise when it starts with one (longest alias first), so that
// "Ngày tiếp nhận (dd/mm/yyyy)" is the received date.
var headingAliases = map[Field][]string{
	FieldCode:          {"ma ho so", "so ho so", "ma so ho so", "so bien nhan", "ma bien nhan", "ma tiep nhan", "so tiep nhan", "ma hs", "so hs", "ma"},
	FieldProcedure:     {"ten thu tuc hanh chinh", "ten thu tuc", "thu tuc hanh chinh", "thu tuc", "ten tthc", "tthc"},
	FieldProcedureCode: {"ma thu tuc hanh chinh", "ma thu tuc", "ma tthc", "ma so thu tuc", "ma thu tuc quoc gia"},
	FieldField:         {"linh vuc", "ten linh vuc", "linh vuc giai quyet"},
	FieldAgency:        {"co quan", "co quan giai quyet", "don vi giai quyet", "co quan chu tri", "don vi xu ly", "co quan thuc hien", "don vi"},
	FieldChannel:       {"hinh thuc nop", "hinh thuc nop ho so", "kenh nop", "kenh tiep nhan", "hinh thuc tiep nhan", "phuong thuc nop", "hinh thuc"},
	FieldReceived:      {"ngay tiep nhan", "ngay nhan", "ngay nhan ho so", "thoi gian tiep nhan", "ngay nop", "tiep nhan"},
	FieldDue:           {"ngay hen tra", "ngay hen tra ket qua", "hen tra ket qua", "hen tra", "han giai quyet", "han xu ly", "ngay hen", "han tra ket qua", "thoi han tra ket qua", "han"},
	FieldTermDays:      {"thoi han giai quyet", "so ngay giai quyet", "thoi han giai quyet ngay", "thoi han ngay lam viec", "thoi han"},
	FieldFinished:      {"ngay tra ket qua", "ngay co ket qua", "ngay hoan thanh", "ngay giai quyet xong", "thoi gian tra ket qua", "ngay ket thuc", "ngay xu ly xong", "ngay tra", "ngay giai quyet"},
	FieldStatus:        {"trang thai", "tinh trang", "trang thai ho so", "tinh trang giai quyet"},
	FieldReason:        {"ly do qua han", "nguyen nhan qua han", "giai trinh", "ly do cham", "ly do tre han", "ly do"},
	FieldApology:       {"ngay xin loi", "ngay gui van ban xin loi", "ngay gui phieu xin loi", "ngay van ban xin loi", "xin loi", "da xin loi"},
	FieldLetter:        {"so van ban xin loi", "van ban xin loi", "phieu xin loi", "so phieu xin loi", "so ky hieu van ban xin loi", "phieu xin loi va hen lai ngay tra ket qua"},
	FieldNewDue:        {"ngay hen lai", "hen lai", "ngay hen tra moi", "han moi", "ngay hen tra lai", "hen lai ngay tra ket qua"},
	FieldDigitized:     {"so hoa", "da so hoa", "ho so da so hoa", "so hoa ho so"},
	FieldEResult:       {"ket qua dien tu", "cap ket qua dien tu", "tra ket qua dien tu"},

	FieldMonth:     {"thang", "ky", "ky danh gia", "thang danh gia", "ky khao sat", "thang khao sat", "thoi gian", "thoi ky"},
	FieldVerySat:   {"rat hai long"},
	FieldSat:       {"hai long"},
	FieldNeutral:   {"binh thuong", "chap nhan duoc", "tam hai long", "trung binh"},
	FieldUnsat:     {"khong hai long", "chua hai long"},
	FieldVeryUnsat: {"rat khong hai long"},
	FieldSource:    {"nguon", "hinh thuc danh gia", "nguon du lieu", "kenh danh gia"},
	FieldSatTotal:  {"tong so", "tong", "tong so luot danh gia", "so luot danh gia", "tong cong"},
}

// A personal kind is a kind of personal data a column may hold, by the
// headings that name it. Such a column is never read: Decree 13/2023/NĐ-CP
// on personal data protection, art. 2, lists name, date of birth, address,
// phone, identity card and personal identification numbers, e-mail as basic
// personal data.
type personalKind struct {
	what     msg.Text // for the message
	headings []string // folded; a heading containing one of them is personal
}

var personalKinds = []personalKind{
	{msg.New("a name"), []string{"ho ten", "ho va ten", "ten nguoi", "nguoi nop", "chu ho so", "ten cong dan", "ten ca nhan", "ten to chuc ca nhan", "ten to chuc", "nguoi dung ten", "nguoi yeu cau", "nguoi de nghi", "nguoi dai dien", "chu so huu", "chu su dung", "nguoi su dung dat", "ten chu"}},
	{msg.New("an identity number"), []string{"cccd", "cmnd", "can cuoc", "chung minh", "dinh danh", "giay to tuy than", "ho chieu", "so cmt", "so giay to"}},
	{msg.New("a phone number"), []string{"dien thoai", "sdt", "so dt", "di dong", "phone", "mobile", "zalo"}},
	{msg.New("an address"), []string{"dia chi", "noi cu tru", "noi o", "thuong tru", "tam tru", "que quan", "address"}},
	{msg.New("an e-mail address"), []string{"email", "e mail", "thu dien tu"}},
	{msg.New("a date of birth"), []string{"ngay sinh", "nam sinh", "sinh ngay"}},
	{msg.New("a personal tax number"), []string{"ma so thue ca nhan"}},
	{msg.New("a gender"), []string{"gioi tinh"}},
}

// personal returns what personal data a heading names; ok is false when none.
func personal(folded string) (what msg.Text, ok bool) {
	padded := " " + folded + " "
	for _, k := range personalKinds {
		for _, h := range k.headings {
			if strings.Contains(padded, " "+h+" ") {
				return k.what, true
			}
		}
	}
	return msg.Text{}, false
}

// foldTable maps every precomposed Vietnamese letter (NFC, as the table
// reader and the content loader give text) to its base letter.
var foldTable = func() map[rune]rune {
	m := map[rune]rune{}
	for base, letters := range map[rune]string{
		'a': "àáảãạăằắẳẵặâầấẩẫậ", 'e': "èéẻẽẹêềếểễệ", 'i': "ìíỉĩị", 'o': "òóỏõọôồốổỗộơờớởỡợ",
		'u': "ùúủũụưừứửữự", 'y': "ỳýỷỹỵ", 'd': "đ",
	} {
		for _, r := range letters {
			m[r] = base
			m[unicode.ToUpper(r)] = base
		}
	}
	return m
}()

// fold lower-cases a heading, drops Vietnamese diacritics (đ → d), turns
// anything but letters and digits into single spaces: "Ngày tiếp nhận
// (dd/mm/yyyy)" → "ngay tiep nhan dd mm yyyy".
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if f, ok := foldTable[r]; ok {
			r = f
		}
		switch {
		case unicode.Is(unicode.Mn, r):
			continue // a combining mark of decomposed text
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
		default:
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// exactOnly are aliases too general to start a longer heading ("Đơn vị tính"
// is not the agency); aliases of one word are exact-only too.
var exactOnly = map[string]bool{"don vi": true, "hinh thuc": true, "thoi gian": true, "thoi han": true}

// matchHeading returns the field among allowed that a heading names, or "".
// An exact alias wins over a prefix; among prefixes the longest alias wins.
func matchHeading(folded string, allowed []Field) Field {
	best, bestLen := Field(""), 0
	for _, f := range allowed {
		for _, a := range headingAliases[f] {
			if folded == a {
				return f
			}
			if exactOnly[a] || !strings.Contains(a, " ") {
				continue
			}
			if len(a) > bestLen && strings.HasPrefix(folded, a+" ") {
				best, bestLen = f, len(a)
			}
		}
	}
	return best
}
