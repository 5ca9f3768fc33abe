package feedback

import (
	"context"
	"math"
	"testing"
)

func TestStats(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		st := newStaff(t, s, "a@x.gov.vn", "", RoleSiteAdmin)
		data := []struct {
			agency, created, answered string
			rating                    int
		}{
			{"a", "2026-03-02 09:00", "2026-03-04 10:00", 5}, // 2 working days, on time
			{"a", "2026-03-02 09:00", "2026-03-30 10:00", 2}, // 20 working days, late (due 23/3)
			{"a", "2026-03-02 09:00", "", 0},                 // unanswered
			{"a", "2026-04-01 09:00", "2026-04-02 09:00", 0}, // 1 day
			{"b", "2026-03-03 09:00", "2026-03-06 09:00", 4}, // 3 days
			{"b", "2026-02-27 09:00", "2026-03-02 09:00", 5}, // before From: not counted
		}
		for _, d := range data {
			sub := submit(t, s, func(n *NewSubmission) { n.Agency = d.agency; n.Now = vn(t, d.created) })
			if d.answered != "" {
				if err := s.Reply(ctx, sub.ID, st.ID, "Trả lời.", "Lý do chậm.", vn(t, d.answered)); err != nil {
					t.Fatal(err)
				}
			}
			if d.rating > 0 {
				if err := s.Rate(ctx, sub.Code, d.rating, ""); err != nil {
					t.Fatal(err)
				}
			}
		}
		got, err := s.Stats(ctx, StatsQuery{From: vn(t, "2026-03-01"), To: vn(t, "2026-05-01")})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]StatsRow{
			"a 2026-03": {Agency: "a", Month: "2026-03", Received: 3, Answered: 2, AnsweredOnTime: 1, OnTimeShare: 0.5, MedianDays: 11, MeanRating: 3.5, Rated: 2},
			"a 2026-04": {Agency: "a", Month: "2026-04", Received: 1, Answered: 1, AnsweredOnTime: 1, OnTimeShare: 1, MedianDays: 1},
			"b 2026-03": {Agency: "b", Month: "2026-03", Received: 1, Answered: 1, AnsweredOnTime: 1, OnTimeShare: 1, MedianDays: 3, MeanRating: 4, Rated: 1},
			" 2026-03":  {Month: "2026-03", Received: 4, Answered: 3, AnsweredOnTime: 2, OnTimeShare: 2.0 / 3, MedianDays: 3, MeanRating: 3.67, Rated: 3},
			" 2026-04":  {Month: "2026-04", Received: 1, Answered: 1, AnsweredOnTime: 1, OnTimeShare: 1, MedianDays: 1},
			" ":         {Received: 5, Answered: 4, AnsweredOnTime: 3, OnTimeShare: 0.75, MedianDays: 2.5, MeanRating: 3.67, Rated: 3},
			"a ":        {Agency: "a", Received: 4, Answered: 3, AnsweredOnTime: 2, OnTimeShare: 2.0 / 3, MedianDays: 2, MeanRating: 3.5, Rated: 2},
		}
		rows := map[string]StatsRow{" ": got.Total, "a ": got.Totals["a"]}
		for _, r := range got.Overall {
			rows[" "+r.Month] = r
		}
		for a, rs := range got.Agencies {
			for _, r := range rs {
				rows[a+" "+r.Month] = r
			}
		}
		for k, w := range want {
			g := rows[k]
			if math.Abs(g.OnTimeShare-w.OnTimeShare) < 1e-9 {
				g.OnTimeShare = w.OnTimeShare
			}
			if g != w {
				t.Errorf("Stats[%q] =\n  %+v\nwant\n  %+v", k, g, w)
			}
		}
		if len(got.Overall) != 2 || len(got.Agencies["a"]) != 2 || len(got.Agencies["b"]) != 1 {
			t.Errorf("Stats rows: overall %d, a %d, b %d", len(got.Overall), len(got.Agencies["a"]), len(got.Agencies["b"]))
		}
		only, err := s.Stats(ctx, StatsQuery{Agency: "b"})
		if err != nil || only.Total.Received != 2 || len(only.Agencies) != 1 {
			t.Errorf("Stats(agency b) = %+v, %v", only.Total, err)
		}
	})
}
