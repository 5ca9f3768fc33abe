package dossier

import "fmt"

// Index766 is the law the components come from.
const Index766 = "Quyết định số 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ phê duyệt Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp trong thực hiện thủ tục hành chính, dịch vụ công theo thời gian thực trên môi trường điện tử"

// Component is a component of the 766 index as far as the published data
// supports it: its group (and the group's points out of 100), the
// measure, its formula, and the value, or why it cannot be computed.
type Component struct {
	Group       string
	GroupPoints int
	Name        string
	Formula     string
	Value       float64 // percent
	OK          bool    // Value was computed
	Num, Den    int     // the formula's figures
	Why         string  // when not OK: what is missing
}

// Components returns the components of the 766 index for counts c (an
// agency's, or all agencies', over a period) and satisfaction answers sat.
// The index's points are not computed: each group's scale is set by the
// national system from data the portal does not have.
func Components(c Counts, sat Levels) []Component {
	pct := func(num, den int) (float64, bool) { return share(num, den) }
	var out []Component
	add := func(group string, points int, name, formula string, num, den int, why string) {
		v, ok := pct(num, den)
		comp := Component{Group: group, GroupPoints: points, Name: name, Formula: formula, Num: num, Den: den, Value: v, OK: ok && why == ""}
		if !comp.OK {
			comp.Why = why
			if comp.Why == "" {
				comp.Why = "Không có hồ sơ trong kỳ để tính."
			}
		}
		out = append(out, comp)
	}
	const (
		gPublic   = "Công khai, minh bạch"
		gProgress = "Tiến độ, kết quả giải quyết"
		gOnline   = "Cung cấp dịch vụ trực tuyến"
		gPayment  = "Thanh toán trực tuyến"
		gSat      = "Mức độ hài lòng"
		gDigital  = "Số hóa hồ sơ"
	)
	add(gPublic, 18, "Công khai, đồng bộ hồ sơ trên Cổng Dịch vụ công quốc gia",
		"Số hồ sơ đồng bộ trạng thái lên Cổng Dịch vụ công quốc gia ÷ tổng số hồ sơ", 0, 0,
		"Không tính được: được đo trên Hệ thống thông tin giải quyết TTHC và Cổng Dịch vụ công quốc gia, không có trong tệp xuất của Một cửa điện tử.")
	add(gProgress, 20, "Tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn",
		"(Số hồ sơ giải quyết trước hạn + đúng hạn) ÷ số hồ sơ đã giải quyết trong kỳ", c.Early+c.OnTime, c.Resolved, "")
	add(gOnline, 12, "Tỷ lệ hồ sơ nộp trực tuyến",
		"Số hồ sơ tiếp nhận trực tuyến ÷ tổng số hồ sơ tiếp nhận trong kỳ", c.Online, c.Received, "")
	add(gPayment, 10, "Tỷ lệ hồ sơ thanh toán trực tuyến",
		"Số hồ sơ có giao dịch thanh toán trực tuyến ÷ số hồ sơ có nghĩa vụ tài chính", 0, 0,
		"Không tính được: tệp xuất không có thông tin thanh toán phí, lệ phí.")
	why := ""
	if sat.Total() == 0 {
		why = "Không có đánh giá nào trong kỳ."
	}
	add(gSat, 18, "Tỷ lệ hài lòng",
		"(Số đánh giá Rất hài lòng + Hài lòng) ÷ tổng số đánh giá (đánh giá trên cổng và kết quả khảo sát, thiết bị đánh giá đã công bố)", sat.Satisfied(), sat.Total(), why)
	why = ""
	if c.DigitizedKnown == 0 {
		why = "Không tính được: tệp xuất không có cột hồ sơ đã số hóa."
	}
	add(gDigital, 22, "Tỷ lệ hồ sơ được số hóa",
		"Số hồ sơ được số hóa ÷ số hồ sơ tiếp nhận có thông tin số hóa", c.Digitized, c.DigitizedKnown, why)
	why = ""
	if c.EResultKnown == 0 {
		why = "Không tính được: tệp xuất không có cột kết quả điện tử."
	}
	add(gDigital, 22, "Tỷ lệ cấp kết quả giải quyết điện tử",
		"Số hồ sơ được cấp kết quả điện tử ÷ số hồ sơ tiếp nhận có thông tin về kết quả", c.EResult, c.EResultKnown, why)
	return out
}

// String writes a component for logs and tests.
func (c Component) String() string {
	if !c.OK {
		return fmt.Sprintf("%s: %s", c.Name, c.Why)
	}
	return fmt.Sprintf("%s: %.1f%% (%d/%d)", c.Name, c.Value, c.Num, c.Den)
}
