package dossier

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/congkhai/congkhai/msg"
)

// Every is how often an obligation falls due.
type Every uint8

// The rhythms of obligations.
const (
	EveryYear    Every = iota + 1 // once per year (a budget year, a plan's year)
	EveryQuarter                  // after the quarters Rule.Quarters names
	EveryMonth                    // after every month
	EveryEvent                    // once per document published (a plan approved, a draft posted)
)

// From is what a term runs from.
type From uint8

// The starts of a term.
const (
	FromStart    From = iota + 1 // the first day of the period ("công bố vào ngày 01/01")
	FromEnd                      // the last day of the period ("15 ngày kể từ ngày kết thúc quý")
	FromApproved                 // the decision the document publishes (front matter approved:), else the latest date the law allows it
)

// Basis is a legal source of a rule: where it is, what it says, and whether
// the text was read against the law's text (the texts of the project's
// corpus) or cited from the published text and to be checked.
type Basis struct {
	Ref      string // "Luật Ngân sách nhà nước 2015, Điều 15 khoản 1 điểm c"
	Quote    string // the words the rule rests on
	Verified bool
}

// Rule is a disclosure obligation: what kind of agency must publish which
// kind of document, for which periods, by when.
type Rule struct {
	ID           string
	Title        string
	DocumentType string   // matched against the front matter's document_type
	Category     string   // the content category such documents have
	Agencies     []string // agency kinds (province, department, district, commune, other) or slugs
	Every        Every
	Quarters     []int // EveryQuarter: the quarters with a report
	From         From
	// ApprovedBy is, per agency kind, the latest day the decision may be
	// taken when a document does not give its date: "-1:12-09" is 9 December
	// of the year before the period's, "+1:12-30" 30 December of the year after.
	ApprovedBy  map[string]string
	Days        int  // the term after From: 0 is the day itself
	WorkingDays bool // Days are working days
	MinPosting  int  // EveryEvent: days the document must stay posted
	Basis       []Basis
	Note        string // what the rule cannot know, said plainly
	Since       Period // the first period checked; zero: those due since the start of the year before Today's
}

// Term describes the deadline in words, for pages: "30 ngày kể từ ngày được
// phê duyệt".
func (r *Rule) Term(lang string) string {
	en := lang == "en"
	days := fmt.Sprintf("%d ngày", r.Days)
	if en {
		days = fmt.Sprintf("%d days", r.Days)
	}
	if r.WorkingDays {
		days = fmt.Sprintf("%d ngày làm việc", r.Days)
		if en {
			days = fmt.Sprintf("%d working days", r.Days)
		}
	}
	switch {
	case r.Every == EveryEvent && r.MinPosting > 0:
		if en {
			return fmt.Sprintf("posted for at least %d days", r.MinPosting)
		}
		return fmt.Sprintf("niêm yết ít nhất %d ngày", r.MinPosting)
	case r.From == FromStart && r.Days == 0:
		if en {
			return "on the first day of the period"
		}
		return "vào ngày đầu của kỳ"
	case r.From == FromStart:
		if en {
			return days + " from the start of the period"
		}
		return days + " kể từ ngày đầu kỳ"
	case r.From == FromEnd:
		if en {
			return days + " after the end of the period"
		}
		return days + " kể từ ngày kết thúc kỳ"
	}
	if en {
		return days + " after the decision"
	}
	return days + " kể từ ngày văn bản được ban hành, phê duyệt"
}

// DefaultRules are the obligations the portal checks unless site.yaml says
// otherwise (docs/accountability.md lists them with their sources).
func DefaultRules() []Rule {
	nsnn := Basis{
		Ref: "Luật Ngân sách nhà nước số 83/2015/QH13, Điều 15 khoản 1 điểm c",
		Quote: "Báo cáo dự toán ngân sách nhà nước đã được cấp có thẩm quyền quyết định, báo cáo quyết toán ngân sách nhà nước đã được cấp có thẩm quyền phê chuẩn … phải được công khai chậm nhất là 30 ngày kể từ ngày văn bản được ban hành. " +
			"Báo cáo tình hình thực hiện ngân sách nhà nước hằng quý, 06 tháng phải được công khai chậm nhất là 15 ngày kể từ ngày kết thúc quý và 06 tháng.",
		Verified: true,
	}
	return []Rule{
		{
			ID: "du-toan-ngan-sach", Title: "Công khai dự toán ngân sách đã được Hội đồng nhân dân quyết định",
			Category: "ngan-sach", Agencies: []string{"province", "district", "commune"},
			Every: EveryYear, From: FromApproved, Days: 30,
			ApprovedBy: map[string]string{"province": "-1:12-09", "district": "-1:12-19", "commune": "-1:12-29"},
			Basis: []Basis{nsnn, {
				Ref:      "Luật Ngân sách nhà nước số 83/2015/QH13, Điều 44 khoản 6",
				Quote:    "Trước ngày 10 tháng 12, Hội đồng nhân dân cấp tỉnh quyết định dự toán ngân sách địa phương … Hội đồng nhân dân cấp dưới quyết định dự toán … chậm nhất là 10 ngày, kể từ ngày Hội đồng nhân dân cấp trên trực tiếp quyết định.",
				Verified: true,
			}},
			Note: "Khi văn bản công khai không ghi ngày Nghị quyết của HĐND (approved:), thời hạn tính từ ngày muộn nhất luật cho phép quyết định dự toán: 09/12 (tỉnh), 19/12 (huyện), 29/12 (xã) năm trước.",
		},
		{
			ID: "thuc-hien-ngan-sach", Title: "Công khai tình hình thực hiện dự toán ngân sách quý, 6 tháng, 9 tháng",
			Category: "ngan-sach", Agencies: []string{"province", "district", "commune"},
			Every: EveryQuarter, Quarters: []int{1, 2, 3}, From: FromEnd, Days: 15,
			Basis: []Basis{nsnn},
			Note:  "Kỳ 2026-Q2 là báo cáo 6 tháng, 2026-Q3 là báo cáo 9 tháng. Báo cáo cả năm được công khai khi trình HĐND tại kỳ họp giữa năm sau: ngày trình không có trong dữ liệu nên không được kiểm tra.",
		},
		{
			ID: "quyet-toan-ngan-sach", Title: "Công khai quyết toán ngân sách đã được Hội đồng nhân dân phê chuẩn",
			Category: "ngan-sach", Agencies: []string{"province", "district", "commune"},
			Every: EveryYear, From: FromApproved, Days: 30,
			ApprovedBy: map[string]string{"province": "+1:12-30", "district": "+1:12-30", "commune": "+1:12-30"},
			Basis: []Basis{nsnn, {
				Ref:      "Luật Ngân sách nhà nước số 83/2015/QH13, Điều 69 khoản 5",
				Quote:    "Ủy ban nhân dân cấp tỉnh tổng hợp, lập quyết toán ngân sách địa phương trình Hội đồng nhân dân cấp tỉnh phê chuẩn quyết toán ngân sách địa phương trước ngày 31 tháng 12 năm sau.",
				Verified: true,
			}},
			Note: "Kỳ là năm ngân sách được quyết toán (quyết toán 2024 là kỳ 2024). Luật không ấn định ngày HĐND huyện, xã phê chuẩn; khi văn bản không ghi ngày phê chuẩn (approved:), thời hạn tính từ ngày muộn nhất của cấp tỉnh (30/12 năm sau).",
		},
		{
			ID: "bang-gia-dat", Title: "Công bố bảng giá đất áp dụng từ ngày 01/01",
			Category: "gia-dat", Agencies: []string{"province"},
			Every: EveryYear, From: FromStart, Days: 0, Since: Period{Year, 2026, 0},
			Basis: []Basis{{
				Ref:   "Luật Đất đai số 31/2024/QH15, Điều 159 khoản 3",
				Quote: "Bảng giá đất … được công bố và áp dụng từ ngày 01 tháng 01 của năm tiếp theo (bảng giá đất lần đầu áp dụng từ ngày 01/01/2026).",
			}, {
				Ref:      "Luật Đất đai số 45/2013/QH13, Điều 114 khoản 1",
				Quote:    "Bảng giá đất được xây dựng định kỳ 05 năm một lần và công bố công khai vào ngày 01 tháng 01 của năm đầu kỳ.",
				Verified: true,
			}},
			Note: "Kiểm tra từ bảng giá đất năm 2026, bảng đầu tiên xây dựng hằng năm theo Luật Đất đai 2024.",
		},
		{
			ID: "ke-hoach-su-dung-dat", Title: "Công bố công khai kế hoạch sử dụng đất hằng năm cấp huyện",
			Category: "quy-hoach", Agencies: []string{"district"},
			Every: EveryYear, From: FromApproved, Days: 15,
			ApprovedBy: map[string]string{"district": "-1:12-31"},
			Basis: []Basis{{
				Ref:   "Luật Đất đai số 31/2024/QH15, Điều 75",
				Quote: "Quy hoạch, kế hoạch sử dụng đất sau khi được cơ quan nhà nước có thẩm quyền quyết định, phê duyệt phải được công bố công khai chậm nhất là 15 ngày kể từ ngày được phê duyệt.",
			}, {
				Ref:      "Luật Quy hoạch số 21/2017/QH14, Điều 38 khoản 1",
				Quote:    "Chậm nhất là 15 ngày kể từ ngày quy hoạch được cơ quan có thẩm quyền quyết định hoặc phê duyệt, toàn bộ nội dung của quy hoạch phải được công bố công khai.",
				Verified: true,
			}, {
				Ref:      "Luật Đất đai số 45/2013/QH13, Điều 48 khoản 3 điểm a (thay thế từ 01/8/2024)",
				Quote:    "Việc công bố công khai được thực hiện trong thời hạn 30 ngày kể từ ngày được cơ quan nhà nước có thẩm quyền quyết định, phê duyệt.",
				Verified: true,
			}},
			Note: "Khi văn bản không ghi ngày UBND tỉnh phê duyệt (approved:), thời hạn tính từ 31/12 năm trước: kế hoạch của năm phải được phê duyệt trước khi năm bắt đầu.",
		},
		{
			ID: "phuong-an-boi-thuong", Title: "Niêm yết, công khai quyết định phê duyệt phương án bồi thường, hỗ trợ, tái định cư",
			Category: "boi-thuong", Agencies: []string{"district", "commune"},
			Every: EveryEvent, From: FromApproved, Days: 5, WorkingDays: true,
			Basis: []Basis{{
				Ref:      "Luật Tiếp cận thông tin số 104/2016/QH13, Điều 18 khoản 4",
				Quote:    "Thời điểm công khai thông tin đối với từng lĩnh vực được thực hiện theo quy định của pháp luật có liên quan; trường hợp pháp luật chưa có quy định thì chậm nhất là 05 ngày làm việc kể từ ngày tạo ra thông tin.",
				Verified: true,
			}, {
				Ref:      "Luật Đất đai số 45/2013/QH13, Điều 69 khoản 3 điểm b",
				Quote:    "Tổ chức làm nhiệm vụ bồi thường … niêm yết công khai quyết định phê duyệt phương án bồi thường, hỗ trợ, tái định cư tại trụ sở Ủy ban nhân dân cấp xã và địa điểm sinh hoạt chung của khu dân cư nơi có đất thu hồi.",
				Verified: true,
			}},
			Note: "Mỗi phương án được công bố là một nghĩa vụ; phương án được phê duyệt mà không đăng thì cổng không biết đến nên không thể báo thiếu. Văn bản không ghi ngày phê duyệt (approved:) không kiểm tra được.",
		},
		{
			ID: "du-thao-phuong-an-boi-thuong", Title: "Niêm yết dự thảo phương án bồi thường, hỗ trợ, tái định cư để lấy ý kiến",
			Category: "boi-thuong", Agencies: []string{"district", "commune"},
			Every: EveryEvent, MinPosting: 30,
			Basis: []Basis{{
				Ref:   "Luật Đất đai số 31/2024/QH15, Điều 87 khoản 2",
				Quote: "Niêm yết công khai phương án bồi thường, hỗ trợ, tái định cư tại trụ sở Ủy ban nhân dân cấp xã, địa điểm sinh hoạt chung của khu dân cư nơi có đất thu hồi trong thời gian 30 ngày.",
			}},
			Note: "Thời gian niêm yết là khoảng giữa effective và expires của thông báo (hoặc thời gian nhận góp ý của dự thảo).",
		},
	}
}

// RuleConfig changes a default rule (by ID) or adds one: site.yaml's
// accountability.obligations. Zero fields keep the default's value.
type RuleConfig struct {
	ID           string
	Off          bool
	Title        string
	DocumentType string
	Category     string
	Agencies     []string
	Every        string
	Quarters     []int
	From         string
	ApprovedBy   map[string]string
	Days         *int
	WorkingDays  *bool
	MinPosting   int
	Law          string
	Since        string
	Line         int
}

// ApplyConfig returns the default rules changed and completed by cfgs, and
// the problems of cfgs (file: site.yaml).
func ApplyConfig(rules []Rule, cfgs []RuleConfig) ([]Rule, []Problem) {
	var ps []Problem
	bad := func(c RuleConfig, format string, args ...any) {
		ps = append(ps, Problem{Path: "site.yaml", Line: c.Line, Msg: msg.New("accountability.obligations: %v", msg.New(format, args...))})
	}
	out := slices.Clone(rules)
	for _, c := range cfgs {
		id := strings.TrimSpace(c.ID)
		if id == "" {
			bad(c, "a rule needs an id (one of %s, or a new one)", ruleIDs(rules))
			continue
		}
		i := slices.IndexFunc(out, func(r Rule) bool { return r.ID == id })
		if c.Off {
			if i < 0 {
				bad(c, "%q is not a rule (%s)", id, ruleIDs(rules))
				continue
			}
			out = slices.Delete(out, i, i+1)
			continue
		}
		var r Rule
		if i >= 0 {
			r = out[i]
			r.Agencies = slices.Clone(r.Agencies)
		} else {
			r = Rule{ID: id, Every: EveryYear, From: FromEnd}
		}
		if c.Title != "" {
			r.Title = c.Title
		}
		if c.DocumentType != "" {
			r.DocumentType = c.DocumentType
		}
		if c.Category != "" {
			r.Category = c.Category
		}
		if len(c.Agencies) > 0 {
			r.Agencies = c.Agencies
		}
		if c.Every != "" {
			e, ok := map[string]Every{"year": EveryYear, "quarter": EveryQuarter, "month": EveryMonth, "event": EveryEvent}[c.Every]
			if !ok {
				bad(c, "every: %q is not year, quarter, month or event", c.Every)
				continue
			}
			r.Every = e
		}
		if len(c.Quarters) > 0 {
			r.Quarters = c.Quarters
		}
		if r.Every == EveryQuarter && len(r.Quarters) == 0 {
			r.Quarters = []int{1, 2, 3, 4}
		}
		if c.From != "" {
			f, ok := map[string]From{"start": FromStart, "end": FromEnd, "approved": FromApproved}[c.From]
			if !ok {
				bad(c, "from: %q is not start, end or approved", c.From)
				continue
			}
			r.From = f
		}
		if len(c.ApprovedBy) > 0 {
			r.ApprovedBy = map[string]string{}
			for k, v := range c.ApprovedBy {
				if _, ok := approvedBy(v, 2026); !ok {
					bad(c, "approved_by: %q: write \"-1:12-09\" (the year before, 9 December), \"0:06-30\" or \"+1:12-30\"", v)
					continue
				}
				r.ApprovedBy[k] = v
			}
		}
		if c.Days != nil {
			r.Days = *c.Days
		}
		if c.WorkingDays != nil {
			r.WorkingDays = *c.WorkingDays
		}
		if c.MinPosting > 0 {
			r.MinPosting = c.MinPosting
		}
		if c.Law != "" {
			r.Basis = append([]Basis{{Ref: c.Law}}, r.Basis...)
		}
		if c.Since != "" {
			p, ok := ParsePeriod(c.Since)
			if !ok {
				bad(c, "since: %q is not a period (2025, 2025-Q1, 2025-03)", c.Since)
				continue
			}
			r.Since = p
		}
		if r.Title == "" {
			r.Title = id
		}
		if len(r.Agencies) == 0 {
			bad(c, "the new rule %q needs agencies (kinds: province, department, district, commune; or folder names)", id)
			continue
		}
		if r.Days < 0 {
			bad(c, "days must be 0 or more")
			continue
		}
		if i >= 0 {
			out[i] = r
		} else {
			out = append(out, r)
		}
	}
	return out, ps
}

func ruleIDs(rules []Rule) string {
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	return strings.Join(ids, ", ")
}

// DocType is the document type a rule's documents carry: its DocumentType,
// else its ID.
func (r *Rule) DocType() string {
	if r.DocumentType != "" {
		return r.DocumentType
	}
	return r.ID
}

// approvedBy reads "-1:12-09" for the year y: the date of year y-1.
func approvedBy(s string, y int) (Day, bool) {
	off, md, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(off, "+"))
	if err != nil || n < -5 || n > 5 {
		return 0, false
	}
	m, d, ok := strings.Cut(md, "-")
	mi, err1 := strconv.Atoi(m)
	di, err2 := strconv.Atoi(d)
	if !ok || err1 != nil || err2 != nil || mi < 1 || mi > 12 || di < 1 || di > 31 {
		return 0, false
	}
	t := time.Date(y+n, time.Month(mi), di, 0, 0, 0, 0, time.UTC)
	if t.Day() != di {
		return 0, false
	}
	return dayOfDate(y+n, time.Month(mi), di), true
}

// AgencyRef is an agency as the rules see it.
type AgencyRef struct {
	Slug, Kind, Parent string
}

// Publication is a notice or dataset that says which obligation it
// fulfils (document_type, period).
type Publication struct {
	Agency       string
	Path, Title  string
	DocumentType string
	Period       string // normalised ("2026", "2026-Q1", "2026-03"); "" when not given
	Published    Day
	Approved     Day // 0 when not given
	// PostFrom and PostTo are the days a document was posted (a draft's
	// comment window, or effective to expires); 0 when not given.
	PostFrom, PostTo Day
}

// ObligationState is how an obligation stands.
type ObligationState uint8

// The states of an obligation.
const (
	StateDone     ObligationState = iota + 1 // published by the deadline
	StateLate                                // published after the deadline
	StateMissing                             // not published, the deadline passed
	StateUpcoming                            // not published, the deadline is ahead
	StateShort                               // posted for less time than the law requires
	StateUnknown                             // cannot be checked: the document gives no date to count from
)

// Obligation is one period of one rule for one agency, and how it stands.
type Obligation struct {
	Rule   *Rule
	Agency string // the agency that owes it
	Period Period // zero for an event
	Due    Day    // 0 for StateShort and StateUnknown
	// Assumed is set when Due counts from the latest date the law allows the
	// decision, the document giving none.
	Assumed  bool
	State    ObligationState
	Pub      *Publication // what fulfils it; nil when missing or upcoming
	DaysLate int          // StateLate, StateMissing: days (working days for such a rule) past Due
	DaysLeft int          // StateUpcoming: days until Due
	Posted   int          // StateShort and posting rules: days posted
}

// Key identifies the obligation in feeds and mails: rule, agency, period (or
// the document for an event).
func (o *Obligation) Key() string {
	if o.Rule.Every == EveryEvent && o.Pub != nil {
		return o.Rule.ID + "/" + o.Agency + "/" + o.Pub.Path
	}
	return o.Rule.ID + "/" + o.Agency + "/" + o.Period.String()
}

// Compliance is the state of every obligation on a day.
type Compliance struct {
	Today       Day
	Rules       []Rule
	Obligations []Obligation // by agency (in the order given), then rule, then period
	// Unmatched are publications with a document_type no rule knows, or that
	// a periodic rule needs a period for: reported to their publishers.
	Problems []Problem
}

// lookahead is how far ahead upcoming obligations are listed.
const lookahead = 62

// Evaluate matches every agency's obligations under rules with the
// publications, on today. An agency's obligations are met by its own
// publications and by those of its departments (children of kind
// department or other): a province's budget is published by its finance
// department. w counts working days (a rule of working days).
func Evaluate(rules []Rule, agencies []AgencyRef, pubs []Publication, w *Workdays, today Day, sources map[string]string) *Compliance {
	c := &Compliance{Today: today, Rules: rules}
	kind := map[string]string{}
	for _, a := range agencies {
		kind[a.Slug] = a.Kind
	}
	owner := map[string]string{} // publication agency → agency whose obligations it meets (besides its own)
	for _, a := range agencies {
		if a.Parent != "" && (a.Kind == "department" || a.Kind == "other") {
			owner[a.Slug] = a.Parent
		}
	}
	byType := map[string][]*Publication{}
	for i := range pubs {
		p := &pubs[i]
		byType[p.DocumentType] = append(byType[p.DocumentType], p)
	}
	known := map[string]bool{}
	for ri := range rules {
		known[rules[ri].DocType()] = true
	}
	for i := range pubs {
		p := &pubs[i]
		if !known[p.DocumentType] {
			src := sources[p.Path]
			c.Problems = append(c.Problems, Problem{Path: src, Msg: msg.New("document_type %q is not the type of any disclosure rule (%s)", p.DocumentType, docTypes(rules))})
		}
	}
	// Without a rule's Since, the obligations due from the start of last year.
	ty, _, _ := today.Date()
	windowStart := dayOfDate(ty-1, 1, 1)
	for _, a := range agencies {
		for ri := range rules {
			r := &rules[ri]
			if !applies(r, a) {
				continue
			}
			mine := func(p *Publication) bool { return p.Agency == a.Slug || owner[p.Agency] == a.Slug }
			if r.Every == EveryEvent {
				for _, p := range byType[r.DocType()] {
					if p.Agency == a.Slug {
						c.Obligations = append(c.Obligations, event(r, a.Slug, p, w, today))
					}
				}
				continue
			}
			byPeriod := map[string]*Publication{}
			for _, p := range byType[r.DocType()] {
				if !mine(p) {
					continue
				}
				if p.Period == "" {
					c.Problems = append(c.Problems, Problem{Path: sources[p.Path], Msg: msg.New("document_type %s needs the period it covers (period: 2026, 2026-Q1, 2026-03)", p.DocumentType)})
					continue
				}
				if q := byPeriod[p.Period]; q == nil || p.Published < q.Published {
					byPeriod[p.Period] = p
				}
			}
			for _, per := range periodsOf(r, today) {
				o := Obligation{Rule: r, Agency: a.Slug, Period: per}
				pub := byPeriod[per.String()]
				start, assumed, ok := termStart(r, per, kind[a.Slug], pub)
				if !ok {
					continue // no default date for this kind: the rule does not apply
				}
				o.Assumed = assumed
				o.Due = termEnd(r, start, w)
				if pub == nil && o.Due > today+lookahead || r.Since.Kind == 0 && o.Due < windowStart {
					continue
				}
				o.Pub = pub
				state(&o, r, w, today)
				c.Obligations = append(c.Obligations, o)
			}
		}
	}
	return c
}

func docTypes(rules []Rule) string {
	var ts []string
	for i := range rules {
		ts = append(ts, rules[i].DocType())
	}
	return strings.Join(ts, ", ")
}

func applies(r *Rule, a AgencyRef) bool {
	for _, x := range r.Agencies {
		if x == a.Kind || x == a.Slug {
			return true
		}
	}
	return false
}

// periodsOf lists the periods of a rule from its Since (else from three
// years before today's: Evaluate keeps those due since the year before) to
// today's next year.
func periodsOf(r *Rule, today Day) []Period {
	y, _, _ := today.Date()
	since := r.Since
	if since.Kind == 0 {
		since = Period{Year, y - 3, 0}
	}
	var kind PeriodKind
	switch r.Every {
	case EveryQuarter:
		kind = Quarter
	case EveryMonth:
		kind = Month
	default:
		kind = Year
	}
	var out []Period
	for p := PeriodOf(kind, since.First()); p.Year <= y+1; p = p.Next() {
		if kind == Quarter && !slices.Contains(r.Quarters, p.Index) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// termStart is the day a rule's term runs from for a period: the period's
// first or last day, or the decision's (the publication's approved date,
// else the latest the law allows for the agency's kind).
func termStart(r *Rule, p Period, kind string, pub *Publication) (d Day, assumed, ok bool) {
	switch r.From {
	case FromStart:
		return p.First(), false, true
	case FromEnd:
		return p.Last(), false, true
	}
	if pub != nil && pub.Approved != 0 {
		return pub.Approved, false, true
	}
	spec, has := r.ApprovedBy[kind]
	if !has {
		for _, v := range r.ApprovedBy {
			spec, has = v, true
			break
		}
	}
	if !has {
		return 0, false, false
	}
	d, ok = approvedBy(spec, p.Year)
	return d, true, ok
}

func termEnd(r *Rule, start Day, w *Workdays) Day {
	if r.WorkingDays {
		return w.Add(start, r.Days)
	}
	return start + Day(r.Days)
}

func state(o *Obligation, r *Rule, w *Workdays, today Day) {
	late := func(from, to Day) int {
		if r.WorkingDays {
			return max(1, w.Between(from, to))
		}
		return int(to - from)
	}
	switch {
	case o.Pub != nil && o.Pub.Published <= o.Due:
		o.State = StateDone
	case o.Pub != nil:
		o.State, o.DaysLate = StateLate, late(o.Due, o.Pub.Published)
	case today > o.Due:
		o.State, o.DaysLate = StateMissing, late(o.Due, today)
	default:
		o.State, o.DaysLeft = StateUpcoming, int(o.Due-today)
	}
}

// event checks one document of an event rule.
func event(r *Rule, agency string, p *Publication, w *Workdays, today Day) Obligation {
	o := Obligation{Rule: r, Agency: agency, Pub: p}
	if r.MinPosting > 0 {
		if p.PostFrom == 0 || p.PostTo == 0 {
			o.State = StateUnknown
			return o
		}
		o.Posted = int(p.PostTo-p.PostFrom) + 1
		if o.Posted < r.MinPosting {
			o.State = StateShort
		} else {
			o.State = StateDone
		}
		return o
	}
	if p.Approved == 0 {
		o.State = StateUnknown
		return o
	}
	o.Due = termEnd(r, p.Approved, w)
	state(&o, r, w, today)
	return o
}

// Of returns the obligations of an agency.
func (c *Compliance) Of(agency string) []Obligation {
	var out []Obligation
	for _, o := range c.Obligations {
		if o.Agency == agency {
			out = append(out, o)
		}
	}
	return out
}

// Tally counts obligations by state.
type Tally struct {
	Done, Late, Missing, Upcoming, Short, Unknown int
}

// Due is the number of obligations whose deadline passed or that were checked.
func (t Tally) Due() int { return t.Done + t.Late + t.Missing + t.Short }

// OnTimeRate is the share of the obligations due that were met on time, in percent.
func (t Tally) OnTimeRate() (float64, bool) { return share(t.Done, t.Due()) }

// Tally counts the obligations of an agency ("" for all).
func (c *Compliance) Tally(agency string) Tally {
	var t Tally
	for _, o := range c.Obligations {
		if agency != "" && o.Agency != agency {
			continue
		}
		switch o.State {
		case StateDone:
			t.Done++
		case StateLate:
			t.Late++
		case StateMissing:
			t.Missing++
		case StateUpcoming:
			t.Upcoming++
		case StateShort:
			t.Short++
		case StateUnknown:
			t.Unknown++
		}
	}
	return t
}
