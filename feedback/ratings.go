package feedback

import (
	"context"
	"fmt"
	"time"

	"github.com/congkhai/congkhai/calendar"
)

// RatingLevels counts the ratings citizens gave to answers since from, per
// agency and per month of the rating (Asia/Ho_Chi_Minh, "2026-03"): [0] is
// one star, [4] five. The accountability pages combine them with the
// satisfaction surveys agencies publish.
func (s *Store) RatingLevels(ctx context.Context, from time.Time) (map[string]map[string][5]int, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT agency, rated_at, rating FROM submissions WHERE rating IS NOT NULL AND rated_at >= ?`), s.ts(from))
	if err != nil {
		return nil, fmt.Errorf("feedback: rating levels: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string][5]int{}
	for rows.Next() {
		var agency string
		var at time.Time
		var rating int
		if err := rows.Scan(&agency, tsDst(&at), &rating); err != nil {
			return nil, fmt.Errorf("feedback: rating levels: %w", err)
		}
		if rating < 1 || rating > 5 || at.IsZero() {
			continue
		}
		month := at.In(calendar.Location).Format("2006-01")
		m := out[agency]
		if m == nil {
			m = map[string][5]int{}
			out[agency] = m
		}
		l := m[month]
		l[rating-1]++
		m[month] = l
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("feedback: rating levels: %w", err)
	}
	return out, nil
}
