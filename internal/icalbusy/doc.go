// Package icalbusy turns an iCalendar document (RFC 5545) into the owner's busy time: the merged
// UTC intervals in a window during which the calendar says the owner is taken. It is pure: no
// I/O and no clock, so the same bytes and window always give the same intervals.
//
//	func Expand(data []byte, owner *time.Location, from, to time.Time, opts ...Option) ([]Interval, Summary, error)
//	func Merge(in []Interval) []Interval
//
// What counts as busy: every VEVENT instance that overlaps [from, to), except
//
//   - TRANSP:TRANSPARENT, or Outlook's X-MICROSOFT-CDO-BUSYSTATUS:FREE ("show as free");
//   - STATUS:CANCELLED (a cancelled master drops the whole series, a cancelled RECURRENCE-ID
//     override drops that one instance);
//   - an invitation the owner declined: an ATTENDEE whose address is one of the owner's
//     (Addresses option) with PARTSTAT=DECLINED;
//   - instances of zero length (a DATE-TIME DTSTART with neither DTEND nor DURATION).
//
// Tentative events, unanswered invitations and events without TRANSP are busy: when in doubt a
// slot is hidden rather than double-booked.
//
// # Recurrence
//
// RRULE is expanded by github.com/teambition/rrule-go in the event's own zone, so a 10:00
// meeting stays at 10:00 local time across a DST change. RDATE (DATE, DATE-TIME or PERIOD) adds
// instances, EXDATE removes them (a DATE EXDATE removes every instance on that local day), and a
// VEVENT with the same UID and a RECURRENCE-ID replaces the instance that started at that time
// (moved, shortened, or cancelled). RANGE=THISANDFUTURE is read as this instance only. An
// override without a master in the document (Google exports single instances one is invited
// to this way) is an ordinary event. A rule that cannot be read, or asks for MINUTELY or
// SECONDLY repetition, is skipped ("bad-rule") and the event keeps its DTSTART instance and
// RDATEs.
//
// # Times and zones
//
// DATE-TIME values in UTC ("Z") are exact; with TZID they are read in that zone; without either
// they are floating and read in the owner's zone. TZID may be an IANA name, a Windows zone name
// as Outlook and Exchange write them ("W. Europe Standard Time", mapped through CLDR's
// windowsZones table), an IANA name behind a prefix ("/mozilla.org/20050126_1/Europe/Berlin"),
// or a custom name whose VTIMEZONE is given in the document: then the VTIMEZONE's X-LIC-LOCATION
// or its STANDARD/DAYLIGHT rules are used. A zone that none of these resolve is read as the
// owner's zone and counted in Summary.GuessedZones. All-day events (VALUE=DATE) cover whole days
// in the owner's zone, midnight to midnight (23 or 25 hours on DST days). DTEND gives an exact
// length for DATE-TIME events; DURATION's days and weeks are nominal (same wall-clock time),
// its hours, minutes and seconds exact.
//
// # Limits
//
// A calendar comes from outside, so the work is bounded: at most MaxEvents VEVENTs, at most
// MaxInstances busy instances in the window, at most MaxSteps recurrence steps over the whole
// document, and no component nesting deeper than 8. Rules without COUNT are started near the
// window rather than at a DTSTART years back, and a rule that can never match (BYMONTH=2 with
// BYMONTHDAY=30) is found by a short probe instead of being iterated to the year 9999. Past a
// limit Expand fails with ErrTooComplex rather than answering with part of the busy time.
// Input that is not iCalendar fails with ErrMalformed. Expand never panics (fuzzed).
package icalbusy
