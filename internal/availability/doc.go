// Package availability is the pure slot engine: an expert's Schedule (weekly hours, date
// overrides and time off, in the expert's IANA zone), the Rules of a session type, the expert's
// Busy intervals and the current instant go in; bookable slots come out. It does no I/O and
// reads no clock: now is always an argument.
//
// The API:
//
//	func (s *Schedule) Validate() error
//	func (s *Schedule) Normalize()
//	func RulesFor(st tandem.SessionType, l tandem.Limits) Rules
//	func Slots(s Schedule, r Rules, busy []Busy, from, to, now time.Time, out *time.Location) ([]Slot, error)
//	func Check(s Schedule, r Rules, busy []Busy, start, now time.Time) error
//	func Open(s Schedule, from, to time.Time) ([]Slot, error)
//
// Slots lists what a learner may book; Check decides one booking with exactly the same rules
// (Check(x) == nil iff x is among Slots over any range containing x); Open gives the offered
// time (availability minus time off) that HR reports use as "offered hours".
//
// # From wall clock to instants
//
// A local interval [start, end) on date D stands for exactly the instants whose wall clock in
// the expert's zone shows date D and a time in [start, end). The engine computes that set from
// the zone's offset periods (time.Time.ZoneBounds) rather than with time.Date, which silently
// picks one answer for an ambiguous or missing wall time:
//
//   - Spring forward (a gap): wall times inside the gap never occur, so an interval boundary in
//     the gap lands on the transition instant. Nothing is offered inside the gap; 01:00–03:00 on
//     a New York spring-forward day is one hour long.
//   - Fall back (an overlap): the repeated wall times occur twice, so both occurrences belong to
//     the interval. 00:00–04:00 on a New York fall-back day is five hours long and the 01:00
//     slot is offered twice, at 05:00Z and 06:00Z. An interval ending inside the repeated hour
//     (00:00–01:30) covers 00:00–01:30 of the first pass and 01:00–01:30 of the second.
//   - Every other day is unaffected: a weekly 09:00–17:00 is 09:00–17:00 local before and
//     after a transition.
//
// # The grid
//
// The pieces of all days are merged when they overlap or touch (Mon 20:00–24:00 and Tue
// 00:00–02:00 make one interval, and a session may span midnight). Slot starts step by
// IncrementMin in absolute time from the start of each merged interval, so every viewer sees
// the same instants whatever their zone, and a repeated hour yields two distinct starts. One
// refinement keeps the grid a function of the schedule alone even for round-the-clock
// availability (which would otherwise merge into one endless interval): the grid also restarts
// at a local midnight when the whole previous local day was available. With the usual
// increments (which divide a day) this changes nothing on ordinary days.
//
// # Rules
//
//   - The session [start, start+Duration) must lie inside one merged interval and must not
//     overlap time off. Buffers may extend past available hours and into time off: time off
//     means "no sessions then", not "nothing may touch it", so a session may end right where a
//     holiday begins.
//   - Busy intervals block [Start-BufferBefore, End+BufferAfter); a candidate needs
//     [start-BufferBeforeMin, end+BufferAfterMin) clear of them, so back-to-back sessions are
//     separated by the sum of the two adjacent buffers.
//   - Minimum notice is absolute: start >= now + MinNoticeMin.
//   - The horizon counts calendar days in the expert's zone: the start's local date must be on
//     or before the local date of now plus HorizonDays (0 means today only).
//   - MaxPerDay/MaxPerWeek count the Busy intervals with Counts set whose Start falls on the
//     candidate's local date / local ISO week (Monday first) in the expert's zone; a candidate
//     is not offered once the count has reached the limit. Zero means no limit.
//
// All instants inside the package are whole Unix seconds in UTC; grid instants are always
// whole seconds, and other inputs are rounded outward where that keeps comparisons exact.
// Results are in UTC (Open) or in the caller's presentation zone (Slots).
package availability
