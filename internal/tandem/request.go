package tandem

import (
	"strings"
	"time"
)

// RequestStatus is where a learner's request is:
//
//	open ──offer──► offered ──accept / book──► booked ──► closed
//	  └────────────────┴──(expiry)──► expired        (a poor match reopens a booked request)
type RequestStatus string

// Request statuses.
const (
	RequestOpen    RequestStatus = "open"
	RequestOffered RequestStatus = "offered"
	RequestBooked  RequestStatus = "booked"
	RequestClosed  RequestStatus = "closed"
	RequestExpired RequestStatus = "expired"
)

// Matchable reports whether the request still looks for an expert.
func (s RequestStatus) Matchable() bool { return s == RequestOpen || s == RequestOffered }

// PreferredTime is a weekly window the learner would like to meet in, on their own clock.
type PreferredTime struct {
	Weekday   string `json:"weekday"` // mon..sun
	StartHour int    `json:"startHour"`
	EndHour   int    `json:"endHour"`
}

// Weekdays maps the API's day names to time.Weekday.
var Weekdays = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
	"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

// LearnerRequest is what a learner wants to learn, posted for matching and for experts'
// request board.
type LearnerRequest struct {
	ID                string
	OrgID             string
	LearnerID         string
	LearnerName       string
	LearnerDepartment string
	Topics            []string
	Goal              string
	DurationMin       int
	PreferredTimes    []PreferredTime
	Language          string
	Urgency           string
	Timezone          string // the learner's zone for PreferredTimes
	Status            RequestStatus
	CreatedAt         time.Time
	ExpiresAt         time.Time
	MatchedAt         time.Time // first booking
	BookingID         string
	Version           int64
}

// EffectiveStatus is the status as of now: a request still looking for an expert after its
// expiry is expired, whether or not the scheduler has recorded it.
func (r *LearnerRequest) EffectiveStatus(now time.Time) RequestStatus {
	if r.Status.Matchable() && !r.ExpiresAt.IsZero() && !now.Before(r.ExpiresAt) {
		return RequestExpired
	}
	return r.Status
}

// RequestInput is what a learner posts.
type RequestInput struct {
	Topics         []string        `json:"topics"`
	Goal           string          `json:"goal"`
	DurationMin    int             `json:"durationMin"`
	PreferredTimes []PreferredTime `json:"preferredTimes"`
	Language       string          `json:"language"`
	Urgency        string          `json:"urgency"`
	Timezone       string          `json:"timezone"`
}

// Request limits. MaxOpenRequests caps a learner's requests still looking for an expert
// (open or offered), so that one learner cannot crowd the experts' board.
const (
	MaxGoal         = 2000
	MaxOpenRequests = 5
)

// Validate normalises and checks the input (EInvalid with field errors).
func (in *RequestInput) Validate() error {
	in.Goal, in.Language, in.Urgency = strings.TrimSpace(in.Goal), strings.TrimSpace(in.Language), strings.TrimSpace(in.Urgency)
	if in.Urgency == "" {
		in.Urgency = "normal"
	}
	if in.DurationMin == 0 {
		in.DurationMin = 60
	}
	var v Validation
	v.Check(len(in.Topics) >= 1 && len(in.Topics) <= MaxTopics, "topics", "must list 1 to %d topics", MaxTopics)
	seen := map[string]bool{}
	for i, t := range in.Topics {
		in.Topics[i] = NormalizeTopic(t)
		f := fieldIndex("topics", i)
		v.Check(len(in.Topics[i]) >= 2 && len(in.Topics[i]) <= 40 && isSlug(in.Topics[i]), f, "must be 2-40 letters, digits or dashes")
		v.Check(!seen[in.Topics[i]], f, "is listed twice")
		seen[in.Topics[i]] = true
	}
	v.Check(in.Goal != "", "goal", "must be 1-%d characters", MaxGoal)
	v.CheckText("goal", in.Goal, MaxGoal, true)
	v.Check(in.DurationMin >= 15 && in.DurationMin <= MaxDurationMin, "durationMin", "must be 15-%d minutes", MaxDurationMin)
	v.Check(len(in.PreferredTimes) <= 21, "preferredTimes", "must list at most 21 windows")
	for i, p := range in.PreferredTimes {
		f := fieldIndex("preferredTimes", i)
		_, ok := Weekdays[p.Weekday]
		v.Check(ok, f+".weekday", "must be mon, tue, wed, thu, fri, sat or sun")
		v.Check(p.StartHour >= 0 && p.StartHour < p.EndHour && p.EndHour <= 24, f, "must have 0 ≤ startHour < endHour ≤ 24")
	}
	v.Check(in.Language == "" || isLanguage(in.Language), "language", `must be a language code such as "en" or "pt-BR"`)
	v.Check(in.Urgency == "low" || in.Urgency == "normal" || in.Urgency == "high", "urgency", `must be "low", "normal" or "high"`)
	if in.Timezone != "" {
		if _, err := LoadZone(in.Timezone); err != nil {
			v.Add("timezone", "is not a known IANA time zone")
		}
	}
	return v.Err()
}

// Offer is an expert's proposal of up to three concrete starts for a request.
type Offer struct {
	RequestID   string
	ExpertID    string
	ExpertName  string
	SessionType string
	Starts      []time.Time
	CreatedAt   time.Time
}

// MaxOfferSlots is how many starts one offer may propose.
const MaxOfferSlots = 3
