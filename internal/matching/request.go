package matching

import (
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Urgency of a request. An urgent request looks for free time in the next UrgentHorizon
// instead of Horizon; the other values rank alike.
const (
	UrgencyLow    = "low"
	UrgencyNormal = "normal"
	UrgencyHigh   = "high"
)

// The look-ahead of the capacity signal.
const (
	Horizon       = 14 * 24 * time.Hour
	UrgentHorizon = 7 * 24 * time.Hour
)

// Request is what matching needs from a learner's request and from the learner: the topics,
// the language, the learner's zone and department, when they would like to meet and for how
// long. The goal text is deliberately not a signal: every point of a Score must be explainable.
type Request struct {
	LearnerID         string // never ranked against themselves
	Topics            []string
	Language          string // a language tag such as "pt" or "pt-BR"; "" means any
	LearnerTimezone   string // IANA zone the PreferredTimes are in
	LearnerDepartment string
	PreferredTimes    []TimeWindow
	DurationMin       int    // the session length; 0 means not known
	Urgency           string // "", UrgencyLow, UrgencyNormal or UrgencyHigh
}

// TimeWindow is a weekly recurring time the learner would like to meet: [StartHour, EndHour)
// on Weekday, on the learner's wall clock. StartHour is 0-23, EndHour 1-24 and after StartHour.
type TimeWindow struct {
	Weekday            time.Weekday
	StartHour, EndHour int
}

// valid reports whether tw is a well-formed window that a session of dur fits in.
func (tw TimeWindow) valid(dur time.Duration) bool {
	return tw.Weekday >= time.Sunday && tw.Weekday <= time.Saturday &&
		tw.StartHour >= 0 && tw.StartHour < tw.EndHour && tw.EndHour <= 24 &&
		time.Duration(tw.EndHour-tw.StartHour)*time.Hour >= dur
}

// Candidate is one expert as matching sees them. The caller gathers it from the profile, the
// slot engine and the expert's bookings; Rank takes it as given.
type Candidate struct {
	ExpertID   string
	Topics     []string
	Languages  []string
	Timezone   string // IANA zone
	Department string
	Rating     tandem.RatingSummary
	// FreeSlots are the bookable session starts in the next Horizon, for a session type of
	// about the request's length (as availability.Slots lists them); any zone.
	FreeSlots []time.Time
	// UpcomingSessions is the expert's current load: live bookings that have not started.
	UpcomingSessions int
	// MetBefore says the learner has already had a session with this expert.
	MetBefore bool
}

// primaryLanguage returns the primary subtag of a language tag in lower case ("pt-BR" → "pt")
// and the tag trimmed.
func primaryLanguage(tag string) (primary, trimmed string) {
	trimmed = strings.TrimSpace(tag)
	p, _, _ := strings.Cut(trimmed, "-")
	p, _, _ = strings.Cut(p, "_")
	return strings.ToLower(p), trimmed
}
