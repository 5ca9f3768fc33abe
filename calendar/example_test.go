package calendar_test

import (
	"fmt"
	"time"

	"github.com/congkhai/congkhai/calendar"
)

// A term of 15 working days started on the Friday before Tết 2026 skips the
// Tết break.
func ExampleCalendar_AddWorkingDays() {
	cal := calendar.New(nil, nil)
	start := time.Date(2026, 2, 13, 16, 30, 0, 0, calendar.Location)
	due := cal.AddWorkingDays(start, 15)
	fmt.Println(due.Format("02/01/2006 15:04:05"))
	fmt.Println(cal.WorkingDaysBetween(start, due))
	// Output:
	// 13/03/2026 23:59:59
	// 15
}
