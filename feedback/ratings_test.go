package feedback

import (
	"context"
	"reflect"
	"testing"
)

func TestRatingLevels(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store, clk *clock) {
		ctx := context.Background()
		st := newStaff(t, s, "a@x.gov.vn", "", RoleSiteAdmin)
		data := []struct {
			agency, rated string
			rating        int
		}{
			{"a", "2026-02-27 09:00", 5}, // before from
			{"a", "2026-03-02 09:00", 5},
			{"a", "2026-03-31 23:30", 4}, // still March in Vietnam
			{"a", "2026-04-01 00:10", 1},
			{"b", "2026-03-03 09:00", 3},
			{"b", "", 0}, // answered, not rated
		}
		for _, d := range data {
			sub := submit(t, s, func(n *NewSubmission) { n.Agency = d.agency; n.Now = vn(t, "2026-02-20 09:00") })
			if err := s.Reply(ctx, sub.ID, st.ID, "Trả lời.", "", vn(t, "2026-02-25 09:00")); err != nil {
				t.Fatal(err)
			}
			if d.rating > 0 {
				clk.Set(vn(t, d.rated))
				if err := s.Rate(ctx, sub.Code, d.rating, ""); err != nil {
					t.Fatal(err)
				}
			}
		}
		got, err := s.RatingLevels(ctx, vn(t, "2026-03-01"))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]map[string][5]int{
			"a": {"2026-03": {0, 0, 0, 1, 1}, "2026-04": {1, 0, 0, 0, 0}},
			"b": {"2026-03": {0, 0, 1, 0, 0}},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("RatingLevels = %v, want %v", got, want)
		}
	})
}
