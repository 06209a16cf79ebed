package tandem

import (
	"strconv"
	"strings"
	"time"
)

// A mentorship is a relationship between one learner and one expert: an agreement (goals, a
// rhythm of sessions, a time window), a series of ordinary bookings, and what happens between
// and after them. The rules (states, the series' times, health) are in internal/mentorships;
// these are its words.

// MentorshipStatus: proposed until both sides accepted, then active; paused and resumed by
// either side; closed for good.
type MentorshipStatus string

const (
	MentorshipProposed MentorshipStatus = "proposed"
	MentorshipActive   MentorshipStatus = "active"
	MentorshipPaused   MentorshipStatus = "paused"
	MentorshipClosed   MentorshipStatus = "closed"
)

// MentorshipOrigin is how a mentorship started.
type MentorshipOrigin string

const (
	OriginRequest    MentorshipOrigin = "request"    // from a request the learner had matched
	OriginProgram    MentorshipOrigin = "program"    // from a program the learner is enrolled in
	OriginInvitation MentorshipOrigin = "invitation" // one side invited the other
)

// Limits of an agreement.
const (
	MaxGoals            = 5
	MaxMentorshipMonths = 12
	MaxAgendaItems      = 20
	MaxActionItems      = 50
	MaxPrivateNotes     = 200
)

// Goal is one goal of the agreement and how progress on it will be judged.
type Goal struct {
	Title   string `json:"title"`
	Measure string `json:"measure"`
}

// Window is the preferred local time window for sessions ("HH:MM", end after start).
type Window struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// Agreement is what both sides accept. Times are wall-clock times in Timezone, which is the
// learner's zone when the mentorship is proposed (the series keeps that local time across DST).
type Agreement struct {
	Goals   []Goal  `json:"goals"`
	Cadence Cadence `json:"cadence"`
	Months  int     `json:"months"`
	// Sessions caps the series at that many sessions within the length (0: every one that fits).
	Sessions    int    `json:"sessions,omitempty"`
	SessionType string `json:"sessionType"`
	Weekday     string `json:"weekday"` // mon..sun
	Window      Window `json:"window"`
	Timezone    string `json:"timezone"`
}

// ParseClock parses "HH:MM" (00:00-23:59) into minutes after midnight.
func ParseClock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	h, m := 0, 0
	for _, c := range s[:2] {
		if c < '0' || c > '9' {
			return 0, false
		}
		h = h*10 + int(c-'0')
	}
	for _, c := range s[3:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		m = m*10 + int(c-'0')
	}
	if h > 23 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}

// Validate checks the agreement (the time zone must already be set).
func (a *Agreement) Validate() error {
	var v Validation
	v.Check(len(a.Goals) >= 1 && len(a.Goals) <= MaxGoals, "agreement.goals", "must list 1-%d goals", MaxGoals)
	for i, g := range a.Goals {
		if len(a.Goals) > MaxGoals {
			break
		}
		f := "agreement.goals[" + strconv.Itoa(i) + "]"
		v.Check(strings.TrimSpace(g.Title) != "", f+".title", "is required")
		v.CheckText(f+".title", g.Title, 200, false)
		v.Check(strings.TrimSpace(g.Measure) != "", f+".measure", "is required: how progress will be judged")
		v.CheckText(f+".measure", g.Measure, 500, false)
	}
	v.Check(a.Cadence == CadenceWeekly || a.Cadence == CadenceBiweekly || a.Cadence == CadenceMonthly, "agreement.cadence", `must be "weekly", "biweekly" or "monthly"`)
	v.Check(a.Months >= 1 && a.Months <= MaxMentorshipMonths, "agreement.months", "must be 1-%d months", MaxMentorshipMonths)
	v.Check(a.Sessions >= 0 && a.Sessions <= 60, "agreement.sessions", "must be 0 (as many as fit) to 60")
	v.Check(a.SessionType != "" && ValidID(a.SessionType), "agreement.sessionType", IDRule)
	_, ok := Weekdays[a.Weekday]
	v.Check(ok, "agreement.weekday", `must be one of "mon", "tue", "wed", "thu", "fri", "sat", "sun"`)
	s, ok1 := ParseClock(a.Window.Start)
	e, ok2 := ParseClock(a.Window.End)
	v.Check(ok1, "agreement.window.start", "must be HH:MM")
	v.Check(ok2, "agreement.window.end", "must be HH:MM")
	if ok1 && ok2 {
		v.Check(e > s, "agreement.window.end", "must be after the start")
	}
	if _, err := LoadZone(a.Timezone); err != nil || a.Timezone == "" {
		v.Add("agreement.timezone", "must be an IANA time zone")
	}
	return v.Err()
}

// OccurrenceState is what became of one occurrence of the series.
type OccurrenceState string

const (
	OccurrenceBooked    OccurrenceState = "booked"    // an ordinary booking exists (see its own status)
	OccurrenceFailed    OccurrenceState = "failed"    // could not be booked; may be retried
	OccurrenceSkipped   OccurrenceState = "skipped"   // skipped by agreement (its booking cancelled)
	OccurrenceCancelled OccurrenceState = "cancelled" // cancelled because the mentorship closed
)

// Occurrence is one session of the series: its planned local start (as an instant) and the
// booking that holds it.
type Occurrence struct {
	Index     int             `json:"index"`
	Start     time.Time       `json:"start"`
	BookingID string          `json:"bookingId,omitempty"`
	State     OccurrenceState `json:"state"`
	Reason    string          `json:"reason,omitempty"` // why it failed
}

// Reflection is one side's final word on a closed mentorship.
type Reflection struct {
	GoalsAchieved  []int     `json:"goalsAchieved"` // per goal, 1-5 (the learner's end rating when from the learner)
	WouldRecommend bool      `json:"wouldRecommend"`
	PoorFit        bool      `json:"poorFit"`
	Comment        string    `json:"comment"`
	CreatedAt      time.Time `json:"createdAt"`
}

// Mentorship is the relationship as stored.
type Mentorship struct {
	ID         string
	OrgID      string
	Learner    Party
	Expert     Party
	Origin     MentorshipOrigin
	RequestID  string
	ProgramID  string
	ProposedBy string // user id
	// Accepted holds the user ids that accepted the agreement (the proposer at once).
	Accepted    []string
	Status      MentorshipStatus
	Agreement   Agreement
	Occurrences []Occurrence
	Reflections map[string]Reflection // by user id
	// Health as last computed and stored (a notification consumer reads it from the stream).
	Health       string // "ok" | "stalled"
	HealthReason string // "no_session" | "cancellations"
	CreatedAt    time.Time
	ActivatedAt  time.Time
	ClosedAt     time.Time
	UpdatedAt    time.Time
	Version      int64
	// ChangedBy is the user id of whoever made the last change of status (notifications name them).
	ChangedBy string
}

// IsParty reports whether id is the learner or the expert.
func (m *Mentorship) IsParty(id string) bool {
	return id != "" && (m.Learner.ID == id || m.Expert.ID == id)
}

// Other is the other party's id.
func (m *Mentorship) Other(id string) string {
	if m.Learner.ID == id {
		return m.Expert.ID
	}
	return m.Learner.ID
}

// AgendaItem is one line of a session's shared agenda.
type AgendaItem struct {
	Text    string `json:"text"`
	AddedBy string `json:"addedBy"`
}

// Agenda is the shared agenda of one occurrence.
type Agenda struct {
	Occurrence int          `json:"occurrence"`
	Items      []AgendaItem `json:"items"`
	Version    int64        `json:"version"`
	UpdatedAt  time.Time    `json:"updatedAt"`
}

// ActionItem is a task agreed between sessions.
type ActionItem struct {
	ID        string    `json:"id"`
	Text      string    `json:"text"`
	Owner     string    `json:"owner"` // a party's user id
	Due       string    `json:"due"`   // YYYY-MM-DD
	Done      bool      `json:"done"`
	CreatedBy string    `json:"createdBy"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	Version   int64     `json:"version"`
}

// PrivateNote is visible to its author only.
type PrivateNote struct {
	ID         string    `json:"id"`
	AuthorID   string    `json:"-"`
	Occurrence *int      `json:"occurrence,omitempty"`
	Note       string    `json:"note"`
	CreatedAt  time.Time `json:"createdAt"`
}

// CheckInKind says when the learner rated the goals.
type CheckInKind string

const (
	CheckInStart   CheckInKind = "start"
	CheckInSession CheckInKind = "session"
	CheckInEnd     CheckInKind = "end"
)

// CheckIn is the learner's rating of each goal (1-5, in the agreement's order) at one time.
type CheckIn struct {
	ID         string      `json:"id"`
	Kind       CheckInKind `json:"kind"`
	Occurrence *int        `json:"occurrence,omitempty"`
	Ratings    []int       `json:"ratings"`
	Comment    string      `json:"comment"`
	At         time.Time   `json:"at"` // to the millisecond
	// Seq orders check-ins of the same millisecond: the order they were stored in (1, 2, …);
	// 0 for those stored with whole-second times, before it existed (then the id decides).
	Seq int `json:"-"`
}

// Before says whether check-in c comes before d: by time, then Seq, then id.
func (c *CheckIn) Before(d *CheckIn) bool {
	switch {
	case !c.At.Equal(d.At):
		return c.At.Before(d.At)
	case c.Seq != d.Seq:
		return c.Seq < d.Seq
	}
	return c.ID < d.ID
}
