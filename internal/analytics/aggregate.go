// Package analytics turns the aggregates the stream consumer keeps (per org × month × group)
// into HR's utilization and connection metrics, with the formulas documented in metrics.go.
// It is pure: no I/O, so every figure can be checked by hand.
package analytics

import "hash/fnv"

// Counts are the additive counters of one group (the org, a department or an expert) in one
// month. Months are UTC calendar months of a session's start. Departments are the learner's.
// Every field is a plain sum, so groups and months add up.
type Counts struct {
	Booked           int64 `json:"booked"`           // sessions booked (confirmed at least once; not declined or expired)
	Completed        int64 `json:"completed"`        // sessions completed
	Cancelled        int64 `json:"cancelled"`        // booked sessions cancelled
	LateCancelled    int64 `json:"lateCancelled"`    // of those, inside the policy window
	NoShowHost       int64 `json:"noShowHost"`       // expert did not come
	NoShowGuest      int64 `json:"noShowGuest"`      // learner did not come
	Started          int64 `json:"started"`          // booked, not cancelled, start in the past (completion's denominator)
	MinutesBooked    int64 `json:"minutesBooked"`    // minutes of booked, not cancelled sessions
	MinutesDelivered int64 `json:"minutesDelivered"` // minutes of completed sessions
	// A seat of a group session (circle) counts its whole duration in the minutes above (the
	// learner's hours) but only its share, duration ÷ seats, of the expert's capacity: the
	// rest is counted here and left out of utilization.
	GroupExtraMinutesBooked    int64 `json:"groupExtraMinutesBooked,omitempty"`
	GroupExtraMinutesDelivered int64 `json:"groupExtraMinutesDelivered,omitempty"`
	MinutesOffered             int64 `json:"minutesOffered"` // experts' open minutes: expert rows; the org row sums its experts. Department rows are learners' departments, so they have none and their utilization is null.
	CrossDept                  int64 `json:"crossDept"`      // completed sessions whose learner and expert are in different departments
	ActiveLearners             int64 `json:"activeLearners"` // distinct learners with ≥1 completed session
	Ratings                    int64 `json:"ratings"`        // learner ratings given (1..5)
	RatingSum                  int64 `json:"ratingSum"`
	Satisfied                  int64 `json:"satisfied"` // ratings of 4 or 5
	Recommends                 int64 `json:"recommends"`
	Promoters                  int64 `json:"promoters"`  // recommend 9..10
	Detractors                 int64 `json:"detractors"` // recommend 0..6
	Requests                   int64 `json:"requests"`   // learners' requests created
	Matched                    int64 `json:"matched"`    // requests with a first booking
	NewTies                    int64 `json:"newTies"`    // learner–expert pairs meeting for the first time (first completed session)
	// Peer ties of published program cohorts, counted in the month of the program's start
	// (org rows only): member pairs, pairs across departments, pairs who had not met before.
	CohortPairs      int64 `json:"cohortPairs"`
	CohortCrossPairs int64 `json:"cohortCrossPairs"`
	CohortNewPairs   int64 `json:"cohortNewPairs"`
	// Sessions of published cohorts in the month they are scheduled (org rows only): one per
	// cohort and session date, and their length times the members (member-minutes).
	CohortSessions      int64 `json:"cohortSessions,omitempty"`
	CohortMemberMinutes int64 `json:"cohortMemberMinutes,omitempty"`
	// MatchMinutes are the times from request to first booking, for the median.
	MatchMinutes []int64 `json:"matchMinutes,omitempty"`
	// Learners is the set of the active learners' keys (LearnerKey), sorted: a range of
	// months has as many active learners as the union of its months' sets, not the sum of
	// their counts (someone coached in March and in April is one active learner).
	Learners []int64 `json:"learners,omitempty"`
}

// LearnerKey is the number a learner id is kept as in Counts.Learners: 63 bits of its FNV-1a
// hash (a collision among a million learners has odds of about 1 in 10 million; DynamoDB
// number sets keep it in about 10 bytes, so a month's item holds some 30,000 learners).
func LearnerKey(id string) int64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return int64(h.Sum64() >> 1)
}

// Group is one row's identity.
type Group struct {
	Kind string `json:"kind"` // "org", "department" or "expert"
	Key  string `json:"key"`  // "" for the org, the department name, or the expert id
	Name string `json:"name"` // a display name
}

// MonthGroup is the aggregate of one group in one month ("2027-03").
type MonthGroup struct {
	Month  string
	Group  Group
	Counts Counts
}

// Edge is the number of completed sessions between learners of department From and experts
// of department To in a month (From == To for sessions inside a department).
type Edge struct {
	Month    string
	From, To string
	Sessions int64
	// CohortPairs, on a cohort edge (Cohort true), counts the member pairs of published
	// cohorts whose departments are From and To (From < To: cohort ties are not directed).
	Cohort      bool
	CohortPairs int64
}
