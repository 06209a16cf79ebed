package availability

import (
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Rules are the booking rules for one session type of one expert, all in minutes or days.
type Rules struct {
	DurationMin     int // length of the session, 1..1440
	BufferBeforeMin int // free time needed before the session, 0..1440
	BufferAfterMin  int // free time needed after the session, 0..1440
	IncrementMin    int // step of the slot grid, 1..1440
	MinNoticeMin    int // a session starts at least this long after now, 0..527040 (366 days)
	HorizonDays     int // last bookable local date = local date of now + HorizonDays (0 = today), 0..3660
	MaxPerDay       int // counted sessions per local day; 0 = unlimited
	MaxPerWeek      int // counted sessions per local ISO week; 0 = unlimited
	// LockCellMin, when set, rounds every blocked span (a candidate's and each busy one's,
	// buffers included) outward to cells of this many minutes aligned to the Unix epoch. The
	// booking transaction locks exactly those cells, so with the same value here the engine
	// offers a slot exactly when its cells are free: listing and booking cannot disagree.
	LockCellMin int
}

// RulesFor combines a session type with the expert's limits. Zero StartIncrementMin and
// HorizonDays, which tandem.ExpertProfileInput.Normalize would have filled, take the values of
// tandem.DefaultLimits.
func RulesFor(st tandem.SessionType, l tandem.Limits) Rules {
	r := Rules{
		DurationMin:     st.DurationMin,
		BufferBeforeMin: st.BufferBeforeMin,
		BufferAfterMin:  st.BufferAfterMin,
		IncrementMin:    l.StartIncrementMin,
		MinNoticeMin:    l.MinNoticeMin,
		HorizonDays:     l.HorizonDays,
		MaxPerDay:       l.MaxPerDay,
		MaxPerWeek:      l.MaxPerWeek,
		LockCellMin:     tandem.LockCellMin,
	}
	if r.IncrementMin == 0 {
		r.IncrementMin = tandem.DefaultLimits.StartIncrementMin
	}
	if r.HorizonDays == 0 {
		r.HorizonDays = tandem.DefaultLimits.HorizonDays
	}
	return r
}

// validate reports rules outside their documented ranges (EInvalid). Rules come from stored
// profiles, so this guards the arithmetic rather than explaining anything to a user.
func (r Rules) validate() error {
	var v tandem.Validation
	v.Check(r.DurationMin >= 1 && r.DurationMin <= 1440, "durationMin", "must be 1-1440 minutes")
	v.Check(r.BufferBeforeMin >= 0 && r.BufferBeforeMin <= 1440, "bufferBeforeMin", "must be 0-1440 minutes")
	v.Check(r.BufferAfterMin >= 0 && r.BufferAfterMin <= 1440, "bufferAfterMin", "must be 0-1440 minutes")
	v.Check(r.IncrementMin >= 1 && r.IncrementMin <= 1440, "startIncrementMin", "must be 1-1440 minutes")
	v.Check(r.MinNoticeMin >= 0 && r.MinNoticeMin <= 366*1440, "minNoticeMin", "must be 0-527040 minutes")
	v.Check(r.HorizonDays >= 0 && r.HorizonDays <= 3660, "horizonDays", "must be 0-3660 days")
	v.Check(r.MaxPerDay >= 0, "maxPerDay", "must not be negative")
	v.Check(r.MaxPerWeek >= 0, "maxPerWeek", "must not be negative")
	return v.Err()
}

// Busy is time the expert already gave away: an existing booking or hold, its session
// interval [Start, End) and its own buffers, which it blocks too. Counts says whether it counts
// toward MaxPerDay and MaxPerWeek (e.g. a confirmed booking does; a personal hold may not).
// Negative buffers count as zero.
type Busy struct {
	Start, End   time.Time
	BufferBefore time.Duration
	BufferAfter  time.Duration
	Counts       bool
	// Free marks an entry that no longer blocks time but still counts toward the limits: an
	// approval hold that expired and has not been cleaned up yet, whose limit counter the
	// booking transaction still sees. Listing and booking then agree until the cleanup.
	Free bool
}

// Slot is a bookable session [Start, End). Open reuses it for plain available intervals.
type Slot struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Reasons a candidate start is not bookable. They appear as Detail["reason"] of the errors
// Check returns, for clients that want to react to a specific one.
const (
	ReasonUnavailable = "unavailable" // the session is not inside the expert's hours
	ReasonOffGrid     = "off_grid"    // inside the hours but not a slot start
	ReasonTooSoon     = "too_soon"    // earlier than now + minimum notice
	ReasonTooFar      = "too_far"     // after the booking horizon
	ReasonTimeOff     = "time_off"    // the expert is away
	ReasonBusy        = "busy"        // overlaps another booking or its buffers (conflict)
	ReasonDayLimit    = "day_limit"   // the day is full (limit_exceeded)
	ReasonWeekLimit   = "week_limit"  // the week is full (limit_exceeded)
	reasonNone        = ""
)

// reasonError turns a reason into the client-safe error Check returns.
func reasonError(reason string, r Rules) error {
	var e *tandem.Error
	switch reason {
	case reasonNone:
		return nil
	case ReasonUnavailable:
		e = tandem.Errorf(tandem.EInvalid, "The expert is not available at that time.")
	case ReasonOffGrid:
		e = tandem.Errorf(tandem.EInvalid, "Sessions start every %d minutes; pick one of the offered slots.", r.IncrementMin)
	case ReasonTooSoon:
		e = tandem.Errorf(tandem.EInvalid, "Sessions must be booked at least %s in advance.", minutes(r.MinNoticeMin))
	case ReasonTooFar:
		e = tandem.Errorf(tandem.EInvalid, "Sessions can be booked at most %d days ahead.", r.HorizonDays)
	case ReasonTimeOff:
		e = tandem.Errorf(tandem.EInvalid, "The expert is away at that time.")
	case ReasonBusy:
		e = tandem.Errorf(tandem.EConflict, "The expert is already booked at that time.")
	case ReasonDayLimit:
		e = tandem.Errorf(tandem.ELimitExceeded, "The expert takes at most %d sessions a day and that day is full.", r.MaxPerDay)
	case ReasonWeekLimit:
		e = tandem.Errorf(tandem.ELimitExceeded, "The expert takes at most %d sessions a week and that week is full.", r.MaxPerWeek)
	default:
		e = tandem.Errorf(tandem.EInternal, "unknown availability reason %q", reason)
	}
	e.Detail = map[string]any{"reason": reason}
	return e
}

// minutes renders a notice period the way people say it ("90 minutes", "4 hours", "2 days").
func minutes(m int) string {
	switch {
	case m%1440 == 0 && m >= 1440:
		return plural(m/1440, "day")
	case m%60 == 0 && m >= 60:
		return plural(m/60, "hour")
	default:
		return plural(m, "minute")
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}
