package tandem

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Program is a cohort-based learning program run by HR: learners enroll, HR builds cohorts
// (internal/cohorts) that mix departments and introduce people who have not met, reviews
// and adjusts them, and publishes; each cohort then meets on the program's cadence.
type Program struct {
	ID, OrgID   string
	Title       string
	Topic       string
	Description string
	CohortSize  int
	// Start is the first session; later ones keep its wall-clock time in Timezone, so a
	// weekly 17:00 Berlin session stays 17:00 in Berlin across the DST change.
	Start          time.Time
	Timezone       string
	Cadence        Cadence
	Sessions       int
	SessionMin     int
	Facilitators   []string // expert ids, optional
	MaxSpreadHours float64  // largest UTC-offset spread within a cohort
	Status         ProgramStatus
	Enrolled       int
	CreatedAt      time.Time
	UpdatedAt      time.Time
	ArchivedAt     time.Time // zero unless archived
	Version        int64
}

// Cadence is how often a program's cohorts meet.
type Cadence string

const (
	CadenceWeekly   Cadence = "weekly"
	CadenceBiweekly Cadence = "biweekly"
	CadenceMonthly  Cadence = "monthly"
)

// ProgramStatus: enrolling until HR publishes the cohorts, then published (enrolment closed);
// HR can archive a program in either state, which takes it off learners' lists for good.
type ProgramStatus string

const (
	ProgramEnrolling ProgramStatus = "enrolling"
	ProgramPublished ProgramStatus = "published"
	ProgramArchived  ProgramStatus = "archived"
)

// Valid reports whether s is one of the program statuses.
func (s ProgramStatus) Valid() bool {
	return s == ProgramEnrolling || s == ProgramPublished || s == ProgramArchived
}

// Program limits.
const (
	MaxProgramTitle       = 120
	MaxProgramDescription = 2000
	MaxProgramSessions    = 52
	MaxFacilitators       = 10
	MaxInterests          = 12
	MaxEnrollees          = 2000
	DefaultSpreadHours    = 4
	// MaxProgramLead is how far ahead a program may start: far enough to plan a year's
	// cohorts, near enough that every session time is an ordinary date (52 monthly sessions
	// end about six years after the start).
	MaxProgramLead = 2 * 365 * 24 * time.Hour
)

// ProgramInput is what HR sends to create a program.
type ProgramInput struct {
	Title          string    `json:"title"`
	Topic          string    `json:"topic"`
	Description    string    `json:"description"`
	CohortSize     int       `json:"cohortSize"`
	Start          time.Time `json:"start"`
	Timezone       string    `json:"timezone"`
	Cadence        Cadence   `json:"cadence"`
	Sessions       int       `json:"sessions"`
	SessionMin     int       `json:"sessionMin"`
	Facilitators   []string  `json:"facilitators"`
	MaxSpreadHours float64   `json:"maxSpreadHours"`
}

// Validate normalizes and checks the input, reporting every field at once.
func (in *ProgramInput) Validate(now time.Time) error {
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	in.Topic = NormalizeTopic(in.Topic)
	in.Timezone = strings.TrimSpace(in.Timezone)
	if in.MaxSpreadHours == 0 {
		in.MaxSpreadHours = DefaultSpreadHours
	}
	var v Validation
	v.Check(in.Title != "" && utf8.RuneCountInString(in.Title) <= MaxProgramTitle, "title", "is required, at most %d characters", MaxProgramTitle)
	v.Check(isSlug(in.Topic), "topic", "is required: letters, digits and dashes")
	v.Check(utf8.RuneCountInString(in.Description) <= MaxProgramDescription, "description", "must be at most %d characters", MaxProgramDescription)
	v.Check(in.CohortSize >= 2 && in.CohortSize <= 50, "cohortSize", "must be 2-50")
	_, err := LoadZone(in.Timezone)
	v.Check(in.Timezone != "" && err == nil, "timezone", "must be an IANA time zone, e.g. Europe/Berlin")
	v.Check(!in.Start.IsZero() && in.Start.After(now) && !in.Start.After(now.Add(MaxProgramLead)), "start",
		"must be a future time within 2 years (RFC 3339)")
	v.Check(in.Cadence == CadenceWeekly || in.Cadence == CadenceBiweekly || in.Cadence == CadenceMonthly, "cadence", `must be "weekly", "biweekly" or "monthly"`)
	v.Check(in.Sessions >= 1 && in.Sessions <= MaxProgramSessions, "sessions", "must be 1-%d", MaxProgramSessions)
	v.Check(in.SessionMin >= 15 && in.SessionMin <= MaxDurationMin && in.SessionMin%5 == 0, "sessionMin", "must be 15-%d minutes, a multiple of 5", MaxDurationMin)
	v.Check(len(in.Facilitators) <= MaxFacilitators, "facilitators", "must list at most %d experts", MaxFacilitators)
	v.Check(in.MaxSpreadHours >= 1 && in.MaxSpreadHours <= 26, "maxSpreadHours", "must be 1-26 hours")
	in.Facilitators = slices.Compact(slices.Sorted(slices.Values(in.Facilitators)))
	return v.Err()
}

// SessionTimes are the starts of the program's sessions: Start, then every cadence step at
// the same wall-clock time in the program's zone (a time that falls in a DST gap moves
// forward, as Go's time.Date does). Times after the year 9999 are left out: RFC 3339 cannot
// write them, and a program stored before starts were bounded must still be listable.
func (p *Program) SessionTimes() []time.Time {
	loc, err := LoadZone(p.Timezone)
	if err != nil {
		loc = time.UTC
	}
	first := p.Start.In(loc)
	out := make([]time.Time, 0, p.Sessions)
	for i := range p.Sessions {
		t := first
		switch p.Cadence {
		case CadenceWeekly:
			t = first.AddDate(0, 0, 7*i)
		case CadenceBiweekly:
			t = first.AddDate(0, 0, 14*i)
		case CadenceMonthly:
			// The same day each month, or the month's last day when it is shorter (a
			// program starting on 31 January meets on 28 or 29 February, then 31 March).
			y, m := first.Year(), first.Month()+time.Month(i)
			last := time.Date(y, m+1, 0, 0, 0, 0, 0, loc).Day()
			t = time.Date(y, m, min(first.Day(), last), first.Hour(), first.Minute(), first.Second(), 0, loc)
		}
		if t.UTC().Year() > 9999 {
			break
		}
		out = append(out, t.UTC())
	}
	return out
}

// Enrollment is a learner's place in a program, with what cohort building needs.
type Enrollment struct {
	ProgramID  string    `json:"programId"`
	UserID     string    `json:"userId"`
	Name       string    `json:"name"`
	Department string    `json:"department"`
	Timezone   string    `json:"timezone"`
	Interests  []string  `json:"interests"`
	EnrolledAt time.Time `json:"enrolledAt"`
}

// EnrollInput is a learner's enrollment: interests (default: the program's topic) and a
// time zone (default: the one saved on their profile).
type EnrollInput struct {
	Interests []string `json:"interests"`
	Timezone  string   `json:"timezone"`
}

// Validate normalizes and checks the input.
func (in *EnrollInput) Validate() error {
	var v Validation
	for i, t := range in.Interests {
		in.Interests[i] = NormalizeTopic(t)
		v.Check(isSlug(in.Interests[i]), "interests", "must be topics: letters, digits and dashes")
	}
	in.Interests = slices.Compact(slices.Sorted(slices.Values(in.Interests)))
	v.Check(len(in.Interests) <= MaxInterests, "interests", "must list at most %d topics", MaxInterests)
	if in.Timezone = strings.TrimSpace(in.Timezone); in.Timezone != "" {
		_, err := LoadZone(in.Timezone)
		v.Check(err == nil, "timezone", "must be an IANA time zone")
	}
	return v.Err()
}

// CohortPlan is a program's cohorts as HR builds, adjusts and publishes them: the cohorts
// with their explanations, measured against random assignment into the same sizes.
type CohortPlan struct {
	ProgramID   string
	Status      PlanStatus
	Seed        uint64
	Adjusted    bool // HR arranged the cohorts themselves
	Cohorts     []PlanCohort
	Measures    CohortMeasures
	Baseline    CohortMeasures // random assignment into the same sizes, same seed
	BuiltAt     time.Time
	PublishedAt time.Time // zero while a draft
	Version     int64     // 1 for the first plan stored, +1 for each replacement
}

// PlanStatus is draft until HR publishes the plan.
type PlanStatus string

const (
	PlanDraft     PlanStatus = "draft"
	PlanPublished PlanStatus = "published"
)

// PlanCohort is one cohort of a plan, numbered from 1.
type PlanCohort struct {
	Number      int
	Members     []PlanMember
	Explanation CohortExplanation
}

// PlanMember is a cohort member as the plan shows them (kept when they withdraw, so HR sees
// who left).
type PlanMember struct {
	ID, Name, Department, Timezone string
}

// CohortExplanation says why a cohort is a good mix (see internal/cohorts).
type CohortExplanation struct {
	Departments     []string
	Pairs           int
	CrossPairs      int
	NewPairs        int
	SpreadHours     float64
	SharedInterests []string
	EIIndex         float64
}

// CohortMeasures sum up a whole plan (see internal/cohorts).
type CohortMeasures struct {
	EIIndex        float64
	NewPairs       int
	CrossPairs     int
	Pairs          int
	MaxSpreadHours float64
	Violations     int
}

// MemberIDs are the ids of each cohort's members, in cohort order.
func (cp *CohortPlan) MemberIDs() [][]string {
	out := make([][]string, 0, len(cp.Cohorts))
	for _, pc := range cp.Cohorts {
		ids := make([]string, 0, len(pc.Members))
		for _, m := range pc.Members {
			ids = append(ids, m.ID)
		}
		out = append(out, ids)
	}
	return out
}
