package availability

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Size limits of a Schedule, checked by Validate.
const (
	MaxIntervalsPerDay = 8
	MaxOverrides       = 366
	MaxTimeOff         = 200
	MaxTimeOffLength   = 366 * 24 * time.Hour
)

// The instants a schedule may mention: dates and time off lie in [minInstant, maxInstant).
var (
	minInstant = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxInstant = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// LocalInterval is a wall-clock interval within one day, as "HH:MM" strings. Start is 00:00 to
// 23:59; End is 00:01 to 24:00 (the end of the day) and after Start.
type LocalInterval struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Weekly is the recurring availability of each day of the week, in the expert's zone.
// Intervals of one day must not overlap; touching intervals merge.
type Weekly struct {
	Mon []LocalInterval `json:"mon"`
	Tue []LocalInterval `json:"tue"`
	Wed []LocalInterval `json:"wed"`
	Thu []LocalInterval `json:"thu"`
	Fri []LocalInterval `json:"fri"`
	Sat []LocalInterval `json:"sat"`
	Sun []LocalInterval `json:"sun"`
}

// dayNames are the JSON names of Weekly's fields, indexed by time.Weekday.
var dayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// Day returns the intervals of weekday d.
func (w Weekly) Day(d time.Weekday) []LocalInterval {
	return *weekdayField(&w, d)
}

// weekdayField returns a pointer to the field of w for day d.
func weekdayField(w *Weekly, d time.Weekday) *[]LocalInterval {
	return [7]*[]LocalInterval{&w.Sun, &w.Mon, &w.Tue, &w.Wed, &w.Thu, &w.Fri, &w.Sat}[d]
}

// Override replaces the weekly intervals of one date (YYYY-MM-DD in the expert's zone). No
// intervals means closed that day; an override may also open a day that is normally off.
type Override struct {
	Date      string          `json:"date"`
	Intervals []LocalInterval `json:"intervals"`
}

// TimeOff is an absolute range [Start, End) in which no session may take place, whatever the
// weekly hours and overrides say.
type TimeOff struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Schedule is an expert's availability: weekly hours and date overrides in the IANA zone
// Timezone, and time off as absolute ranges.
type Schedule struct {
	Timezone  string     `json:"timezone"`
	Weekly    Weekly     `json:"weekly"`
	Overrides []Override `json:"overrides"`
	TimeOff   []TimeOff  `json:"timeOff"`
}

// Normalize puts a schedule in its canonical stored form: trimmed strings, empty lists
// instead of nil ones (so JSON shows []), intervals sorted by start, overrides by date, time off
// in UTC sorted by start. It does not validate.
func (s *Schedule) Normalize() {
	s.Timezone = strings.TrimSpace(s.Timezone)
	norm := func(ivs []LocalInterval) []LocalInterval {
		if ivs == nil {
			ivs = []LocalInterval{}
		}
		for i := range ivs {
			ivs[i].Start = strings.TrimSpace(ivs[i].Start)
			ivs[i].End = strings.TrimSpace(ivs[i].End)
		}
		slices.SortStableFunc(ivs, func(a, b LocalInterval) int { return cmp.Compare(a.Start, b.Start) })
		return ivs
	}
	for d := range time.Weekday(7) {
		p := weekdayField(&s.Weekly, d)
		*p = norm(*p)
	}
	if s.Overrides == nil {
		s.Overrides = []Override{}
	}
	for i := range s.Overrides {
		s.Overrides[i].Date = strings.TrimSpace(s.Overrides[i].Date)
		s.Overrides[i].Intervals = norm(s.Overrides[i].Intervals)
	}
	slices.SortStableFunc(s.Overrides, func(a, b Override) int { return cmp.Compare(a.Date, b.Date) })
	if s.TimeOff == nil {
		s.TimeOff = []TimeOff{}
	}
	for i := range s.TimeOff {
		s.TimeOff[i].Start = s.TimeOff[i].Start.UTC()
		s.TimeOff[i].End = s.TimeOff[i].End.UTC()
	}
	slices.SortStableFunc(s.TimeOff, func(a, b TimeOff) int { return a.Start.Compare(b.Start) })
}

// Validate checks every rule of a schedule and reports all problems at once: an EInvalid
// *tandem.Error whose field errors name the culprit ("timezone", "weekly.mon[1].end",
// "overrides[0].date", "overrides[2].intervals[0]", "timeOff[3]").
func (s *Schedule) Validate() error {
	_, err := compile(s)
	return err
}

// minuteRange is a parsed LocalInterval: minutes since local midnight, [start, end).
type minuteRange struct{ start, end int64 }

// plan is a validated schedule in the form the engine computes with.
type plan struct {
	loc       *time.Location
	weekly    [7][]minuteRange        // by time.Weekday
	overrides map[int64][]minuteRange // by civil day; present and empty = closed
	timeOff   intervalSet             // Unix seconds, rounded outward
}

// compile validates s and turns it into a plan (EInvalid with field errors).
func compile(s *Schedule) (*plan, error) {
	var v tandem.Validation
	p := &plan{overrides: make(map[int64][]minuteRange, len(s.Overrides))}
	if s.Timezone == "" {
		v.Add("timezone", "is required")
	} else if loc, err := tandem.LoadZone(s.Timezone); err != nil {
		v.Add("timezone", "is not a known IANA time zone")
	} else {
		p.loc = loc
	}
	for d := range time.Weekday(7) {
		p.weekly[d] = parseDay(&v, "weekly."+dayNames[d], s.Weekly.Day(d))
	}

	if len(s.Overrides) > MaxOverrides {
		v.Add("overrides", "must list at most %d dates", MaxOverrides)
	} else {
		seen := make(map[int64]int, len(s.Overrides))
		for i, o := range s.Overrides {
			f := "overrides[" + strconv.Itoa(i) + "]"
			ranges := parseDay(&v, f+".intervals", o.Intervals)
			day, ok := parseDate(o.Date)
			switch {
			case !ok:
				v.Add(f+".date", "must be a date YYYY-MM-DD between 1970 and 2199")
			case seen[day] > 0:
				v.Add(f+".date", "repeats overrides[%d].date", seen[day]-1)
			default:
				seen[day] = i + 1
				p.overrides[day] = append(make([]minuteRange, 0, len(ranges)), ranges...)
			}
		}
	}

	if len(s.TimeOff) > MaxTimeOff {
		v.Add("timeOff", "must list at most %d ranges", MaxTimeOff)
	} else {
		ivs := make([]interval, 0, len(s.TimeOff))
		for i, to := range s.TimeOff {
			f := func() string { return "timeOff[" + strconv.Itoa(i) + "]" }
			switch {
			case to.Start.IsZero() || to.End.IsZero():
				v.Add(f(), "needs a start and an end")
			case !to.Start.Before(to.End):
				v.Add(f(), "must end after it starts")
			case to.End.Sub(to.Start) > MaxTimeOffLength:
				v.Add(f(), "must be at most 366 days long")
			case to.Start.Before(minInstant) || to.End.After(maxInstant):
				v.Add(f(), "must lie between 1970 and 2199")
			default:
				ivs = append(ivs, interval{floorSec(to.Start), ceilSec(to.End)})
			}
		}
		p.timeOff = newIntervalSet(ivs)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

// parseDay checks the intervals of one day and returns them sorted by start. Field errors
// are named field[i], field[i].start, field[i].end.
func parseDay(v *tandem.Validation, field string, ivs []LocalInterval) []minuteRange {
	if len(ivs) > MaxIntervalsPerDay {
		v.Add(field, "must list at most %d intervals", MaxIntervalsPerDay)
		return nil
	}
	type indexed struct {
		minuteRange
		i int
	}
	rs := make([]indexed, 0, len(ivs))
	for i, iv := range ivs {
		start, okStart := parseClock(iv.Start, false)
		end, okEnd := parseClock(iv.End, true)
		if !okStart || !okEnd || start >= end {
			f := field + "[" + strconv.Itoa(i) + "]"
			v.Check(okStart, f+".start", "must be a time HH:MM from 00:00 to 23:59")
			v.Check(okEnd, f+".end", "must be a time HH:MM from 00:01 to 24:00")
			v.Check(!okStart || !okEnd || start < end, f+".end", "must be after start")
			continue
		}
		rs = append(rs, indexed{minuteRange{start, end}, i})
	}
	slices.SortFunc(rs, func(a, b indexed) int { return cmp.Compare(a.start, b.start) })
	reach := 0
	out := make([]minuteRange, 0, len(rs))
	for k, r := range rs {
		// Compare with the interval reaching furthest so far; blame the later of the two
		// in the input, since that is usually the one just added.
		if k > 0 && r.start < rs[reach].end {
			later, earlier := max(r.i, rs[reach].i), min(r.i, rs[reach].i)
			v.Add(field+"["+strconv.Itoa(later)+"]", "overlaps %s[%d]", field, earlier)
		} else {
			out = append(out, r.minuteRange)
		}
		if k == 0 || r.end > rs[reach].end {
			reach = k
		}
	}
	return out
}

// parseClock parses "HH:MM" into minutes since midnight; "24:00" only if allow24.
func parseClock(s string, allow24 bool) (int64, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	h := int64(s[0]-'0')*10 + int64(s[1]-'0')
	m := int64(s[3]-'0')*10 + int64(s[4]-'0')
	if allow24 && h == 24 && m == 0 {
		return 24 * 60, true
	}
	if h > 23 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}

// parseDate parses a strict "YYYY-MM-DD" within the supported years into a civil day.
func parseDate(s string) (int64, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Format(time.DateOnly) != s || t.Before(minInstant) || !t.Before(maxInstant) {
		return 0, false
	}
	return floorDiv(t.Unix(), secondsPerDay), true
}
