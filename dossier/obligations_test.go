package dossier

import (
	"strings"
	"testing"
)

func TestEvaluate(t *testing.T) {
	d := func(s string) Day {
		if s == "" {
			return 0
		}
		return day(t, s)
	}
	pub := func(agency, path, typ, period, published, approved string) Publication {
		return Publication{Agency: agency, Path: path, Title: path, DocumentType: typ, Period: period, Published: d(published), Approved: d(approved)}
	}
	agencies := []AgencyRef{
		{"ubnd-tinh", "province", ""},
		{"so-tai-chinh", "department", "ubnd-tinh"},
		{"ubnd-huyen", "district", "ubnd-tinh"},
		{"ubnd-xa", "commune", "ubnd-huyen"},
	}
	post := pub("ubnd-xa", "ubnd-xa/niem-yet-du-thao-dot-3", "du-thao-phuong-an-boi-thuong", "", "2026-08-25", "")
	post.PostFrom, post.PostTo = d("2026-08-25"), d("2026-09-24")
	short := pub("ubnd-xa", "ubnd-xa/niem-yet-du-thao-dot-4", "du-thao-phuong-an-boi-thuong", "", "2026-10-01", "")
	short.PostFrom, short.PostTo = d("2026-10-01"), d("2026-10-20")
	pubs := []Publication{
		// The province's budget, published by its finance department after
		// the council's resolution of 08/12/2025.
		pub("so-tai-chinh", "so-tai-chinh/du-toan-2026", "du-toan-ngan-sach", "2026", "2025-12-20", "2025-12-08"),
		pub("ubnd-huyen", "ubnd-huyen/du-toan-2026", "du-toan-ngan-sach", "2026", "2026-01-25", ""),
		pub("so-tai-chinh", "so-tai-chinh/quy-i-2026", "thuc-hien-ngan-sach", "2026-Q1", "2026-04-14", ""),
		pub("so-tai-chinh", "so-tai-chinh/6-thang-2026", "thuc-hien-ngan-sach", "2026-Q2", "2026-07-20", ""),
		pub("so-tai-chinh", "so-tai-chinh/9-thang-2026", "thuc-hien-ngan-sach", "2026-Q3", "2026-10-16", ""),
		pub("ubnd-tinh", "ubnd-tinh/bang-gia-dat-2026", "bang-gia-dat", "2026", "2025-12-31", ""),
		pub("ubnd-huyen", "ubnd-huyen/ke-hoach-sdd-2026", "ke-hoach-su-dung-dat", "2026", "2026-02-10", "2026-01-20"),
		pub("ubnd-huyen", "ubnd-huyen/phuong-an-dot-3", "phuong-an-boi-thuong", "", "2026-08-28", "2026-08-20"),
		pub("ubnd-huyen", "ubnd-huyen/phuong-an-dot-2", "phuong-an-boi-thuong", "", "2026-05-05", ""),
		post, short,
		pub("ubnd-xa", "ubnd-xa/dong-gop", "cong-khai-dong-gop", "2026", "2026-03-01", ""),
		pub("ubnd-huyen", "ubnd-huyen/du-toan-khong-ky", "du-toan-ngan-sach", "", "2026-01-05", ""),
		// The final accounts of 2024, approved in December 2025.
		pub("so-tai-chinh", "so-tai-chinh/quyet-toan-2024", "quyet-toan-ngan-sach", "2024", "2025-12-26", "2025-12-10"),
	}
	sources := map[string]string{}
	for _, p := range pubs {
		sources[p.Path] = p.Path + ".md"
	}
	c := Evaluate(DefaultRules(), agencies, pubs, testWorkdays(t), d("2026-12-07"), sources)
	find := func(rule, agency, period, path string) *Obligation {
		for i := range c.Obligations {
			o := &c.Obligations[i]
			if o.Rule.ID == rule && o.Agency == agency && (period == "" || o.Period.String() == period) && (path == "" || o.Pub != nil && o.Pub.Path == path) {
				return o
			}
		}
		return nil
	}
	tests := []struct {
		name                 string
		rule, agency, period string
		path                 string
		state                ObligationState
		due                  string
		days                 int // DaysLate, DaysLeft or Posted
		assumed              bool
	}{
		{"the province's budget, 30 days after the council's resolution", "du-toan-ngan-sach", "ubnd-tinh", "2026", "", StateDone, "2026-01-07", 0, false},
		{"the district's budget without the resolution's date: from 19/12/2025", "du-toan-ngan-sach", "ubnd-huyen", "2026", "", StateLate, "2026-01-18", 7, true},
		{"the commune's budget never published: from 29/12/2025", "du-toan-ngan-sach", "ubnd-xa", "2026", "", StateMissing, "2026-01-28", 313, true},
		{"the commune's 2027 budget is not yet due", "du-toan-ngan-sach", "ubnd-xa", "2027", "", StateUpcoming, "2027-01-28", 52, true},
		{"first quarter, 15 days after 31/03", "thuc-hien-ngan-sach", "ubnd-tinh", "2026-Q1", "", StateDone, "2026-04-15", 0, false},
		{"six months, published five days late", "thuc-hien-ngan-sach", "ubnd-tinh", "2026-Q2", "", StateLate, "2026-07-15", 5, false},
		{"nine months, one day late", "thuc-hien-ngan-sach", "ubnd-tinh", "2026-Q3", "", StateLate, "2026-10-15", 1, false},
		{"the district's nine months, missing", "thuc-hien-ngan-sach", "ubnd-huyen", "2026-Q3", "", StateMissing, "2026-10-15", 53, false},
		{"the final accounts of 2024, due in 2026, are checked", "quyet-toan-ngan-sach", "ubnd-tinh", "2024", "", StateDone, "2026-01-09", 0, false},
		{"the commune's final accounts of 2024, due 29/01/2026, missing", "quyet-toan-ngan-sach", "ubnd-xa", "2024", "", StateMissing, "2026-01-29", 312, true},
		{"the land price table of 2026 on 31/12/2025", "bang-gia-dat", "ubnd-tinh", "2026", "", StateDone, "2026-01-01", 0, false},
		{"the land price table of 2027, due on 01/01/2027", "bang-gia-dat", "ubnd-tinh", "2027", "", StateUpcoming, "2027-01-01", 25, false},
		{"the land-use plan 15 days after its approval", "ke-hoach-su-dung-dat", "ubnd-huyen", "2026", "", StateLate, "2026-02-04", 6, false},
		// Approved Thursday 20/08/2026: five working days are 21/08, Saturday
		// 22/08 (worked in exchange for the bridge day 31/08), 24, 25 and 26/08;
		// published Friday 28/08, two working days late.
		{"a compensation plan, five working days after its approval", "phuong-an-boi-thuong", "ubnd-huyen", "", "ubnd-huyen/phuong-an-dot-3", StateLate, "2026-08-26", 2, false},
		{"a compensation plan without its approval date", "phuong-an-boi-thuong", "ubnd-huyen", "", "ubnd-huyen/phuong-an-dot-2", StateUnknown, "", 0, false},
		{"a draft plan posted 31 days", "du-thao-phuong-an-boi-thuong", "ubnd-xa", "", "ubnd-xa/niem-yet-du-thao-dot-3", StateDone, "", 31, false},
		{"a draft plan posted 20 days", "du-thao-phuong-an-boi-thuong", "ubnd-xa", "", "ubnd-xa/niem-yet-du-thao-dot-4", StateShort, "", 20, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := find(tt.rule, tt.agency, tt.period, tt.path)
			if o == nil {
				t.Fatalf("no obligation %s %s %s %s", tt.rule, tt.agency, tt.period, tt.path)
			}
			days := o.DaysLate
			switch o.State {
			case StateUpcoming:
				days = o.DaysLeft
			case StateShort, StateDone:
				days = o.DaysLate + o.Posted
			}
			if o.State != tt.state || o.Due.String() != tt.due || days != tt.days || o.Assumed != tt.assumed {
				t.Errorf("got state %d, due %s, days %d, assumed %v; want %d, %s, %d, %v", o.State, o.Due, days, o.Assumed, tt.state, tt.due, tt.days, tt.assumed)
			}
		})
	}
	if o := find("bang-gia-dat", "ubnd-tinh", "2025", ""); o != nil {
		t.Errorf("the land price rule checks 2025 (before its Since): %+v", o)
	}
	if o := find("quyet-toan-ngan-sach", "ubnd-tinh", "2022", ""); o != nil {
		t.Errorf("the final accounts of 2022 (due in January 2024, before last year) are checked: %+v", o)
	}
	if o := find("quyet-toan-ngan-sach", "ubnd-tinh", "2023", ""); o == nil || o.Due.String() != "2025-01-29" {
		t.Errorf("the final accounts of 2023 (due 29/01/2025, last year) = %+v", o)
	}
	if o := find("du-toan-ngan-sach", "so-tai-chinh", "2026", ""); o != nil {
		t.Errorf("a department owes the province's budget itself: %+v", o)
	}
	ps := problemTexts(c.Problems)
	for _, want := range []string{
		`ubnd-xa/dong-gop.md: document_type "cong-khai-dong-gop" is not the type of any disclosure rule`,
		`ubnd-huyen/du-toan-khong-ky.md: document_type du-toan-ngan-sach needs the period it covers`,
	} {
		if !strings.Contains(ps, want) {
			t.Errorf("problems lack %q:\n%s", want, ps)
		}
	}
	tally := c.Tally("ubnd-tinh")
	if tally.Done != 4 || tally.Late != 2 || tally.Upcoming < 1 {
		t.Errorf("Tally(ubnd-tinh) = %+v", tally)
	}
}

func TestApplyConfig(t *testing.T) {
	days := 20
	rules, ps := ApplyConfig(DefaultRules(), []RuleConfig{
		{ID: "ke-hoach-su-dung-dat", Days: &days, Law: "Quyết định của UBND tỉnh", Line: 3},
		{ID: "bang-gia-dat", Off: true, Line: 5},
		{ID: "cong-khai-dong-gop", Title: "Công khai các khoản đóng góp", Agencies: []string{"commune"}, Every: "year", From: "start", Days: &days, Line: 7},
		{ID: "khong-co", Off: true, Line: 9},
		{ID: "moi", Every: "weekly", Line: 11},
		{ID: "moi-2", Agencies: []string{"district"}, Since: "2026-Q9", Line: 13},
	})
	byID := map[string]Rule{}
	for _, r := range rules {
		byID[r.ID] = r
	}
	if r := byID["ke-hoach-su-dung-dat"]; r.Days != 20 || r.Basis[0].Ref != "Quyết định của UBND tỉnh" || len(r.Basis) != 4 {
		t.Errorf("ke-hoach-su-dung-dat = %d days, basis %v", r.Days, r.Basis)
	}
	if _, ok := byID["bang-gia-dat"]; ok {
		t.Error("bang-gia-dat is still on")
	}
	if r := byID["cong-khai-dong-gop"]; r.From != FromStart || r.Every != EveryYear || r.DocType() != "cong-khai-dong-gop" {
		t.Errorf("new rule = %+v", r)
	}
	got := problemTexts(ps)
	for _, want := range []string{
		`site.yaml:9: accountability.obligations: "khong-co" is not a rule`,
		`site.yaml:11: accountability.obligations: every: "weekly" is not year, quarter, month or event`,
		`site.yaml:13: accountability.obligations: since: "2026-Q9" is not a period`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
	if DefaultRules()[4].Days != 15 {
		t.Error("ApplyConfig changed the defaults")
	}
}
