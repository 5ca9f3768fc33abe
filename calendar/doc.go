// Package calendar is the Vietnamese civil calendar that the portal's
// components share: the Asia/Ho_Chi_Minh zone (Location) and the working-day
// calendar of state agencies (Calendar), on which legal terms are counted —
// the answer deadline of a citizen's feedback, the processing time of an
// administrative procedure.
//
// A Calendar knows the statutory holidays of every year (Bộ luật Lao động
// 2019, art. 112), their compensatory days, and for 2025–2030 the lunar
// holidays and the government's yearly swaps (DefaultYears); a site adds
// what is decided later through New's holidays and working days. Terms are
// counted as Bộ luật Dân sự 2015, art. 147 says: from the day after the
// event, ending at the end of the last day.
//
// The package depends on the standard library only, so that any component can
// use it.
package calendar
