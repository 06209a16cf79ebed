package mail

import (
	"fmt"
	"time"
)

// Location is the recipient's zone, or UTC when the name is empty or unknown.
func Location(zone string) *time.Location {
	if zone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// FormatTime writes t in zone with its abbreviation and UTC offset:
// "Mon 15 Mar 2027, 10:00 EDT (UTC−4)".
func FormatTime(t time.Time, zone string) string {
	lt := t.In(Location(zone))
	return lt.Format("Mon 2 Jan 2006, 15:04") + " " + zoneLabel(lt)
}

// FormatSpan writes a session's time in zone: "Tue 16 Mar 2027, 10:00–11:00 EDT (UTC−4)". An
// end on another day repeats the date ("Tue 16 Mar 2027, 23:30 – Wed 17 Mar 2027, 00:30 EDT
// (UTC−4)"), and a span across a change of offset (a DST switch) labels both ends ("Sun 8 Mar
// 2026, 01:30 EST (UTC−5) – 03:30 EDT (UTC−4)").
func FormatSpan(s Span, zone string) string {
	loc := Location(zone)
	a, b := s.Start.In(loc), s.End.In(loc)
	la, lb := zoneLabel(a), zoneLabel(b)
	sameDay := a.Year() == b.Year() && a.YearDay() == b.YearDay()
	day := "Mon 2 Jan 2006"
	switch {
	case sameDay && la == lb:
		return a.Format(day+", 15:04") + "–" + b.Format("15:04") + " " + la
	case sameDay:
		return a.Format(day+", 15:04") + " " + la + " – " + b.Format("15:04") + " " + lb
	case la == lb:
		return a.Format(day+", 15:04") + " – " + b.Format(day+", 15:04") + " " + la
	default:
		return a.Format(day+", 15:04") + " " + la + " – " + b.Format(day+", 15:04") + " " + lb
	}
}

// zoneLabel is "EDT (UTC−4)", "IST (UTC+5:30)", "UTC", or just "UTC−3" where the zone has no
// letter abbreviation (tzdata writes "-03").
func zoneLabel(t time.Time) string {
	abbr, off := t.Zone()
	o := offset(off)
	if abbr == "UTC" && off == 0 {
		return "UTC"
	}
	if !lettersOnly(abbr) {
		return o
	}
	return abbr + " (" + o + ")"
}

// offset is "UTC+1", "UTC−4" (U+2212 MINUS SIGN), "UTC+5:30", "UTC+0".
func offset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "−", -sec
	}
	h, m := sec/3600, sec%3600/60
	if m == 0 {
		return fmt.Sprintf("UTC%s%d", sign, h)
	}
	return fmt.Sprintf("UTC%s%d:%02d", sign, h, m)
}

func lettersOnly(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return false
		}
	}
	return true
}
