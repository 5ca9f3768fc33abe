package opendata

import (
	"strconv"
	"time"

	"github.com/congkhai/congkhai/calendar"
)

// local is t in Asia/Ho_Chi_Minh, where every date of the content is.
func local(t time.Time) time.Time { return t.In(calendar.Location) }

// strconvF writes f with one decimal.
func strconvF(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
