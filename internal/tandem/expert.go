package tandem

import (
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	// Embedded zone data: results must not depend on the machine's zoneinfo.
	_ "time/tzdata"
)

// BookingMode says whether a booking is confirmed at once or waits for the expert.
type BookingMode string

// Booking modes.
const (
	BookingInstant  BookingMode = "instant"
	BookingApproval BookingMode = "approval"
)

// SessionType is one kind of session an expert offers.
type SessionType struct {
	ID              string `json:"id"`
	Name            string `json:"name"`
	DurationMin     int    `json:"durationMin"`
	BufferBeforeMin int    `json:"bufferBeforeMin"`
	BufferAfterMin  int    `json:"bufferAfterMin"`
	// Seats > 1 makes a group session (circle).
	Seats int `json:"seats"`
}

// Limits are the expert's booking rules. Zero MaxPerDay/MaxPerWeek means no limit.
type Limits struct {
	MinNoticeMin int `json:"minNoticeMin"`
	HorizonDays  int `json:"horizonDays"`
	MaxPerDay    int `json:"maxPerDay"`
	MaxPerWeek   int `json:"maxPerWeek"`
	// StartIncrementMin is the step of the slot grid (every 15, 30 or 60 minutes, ...).
	StartIncrementMin int `json:"startIncrementMin"`
}

// DefaultLimits are applied to fields a profile leaves at zero where zero makes no sense.
var DefaultLimits = Limits{MinNoticeMin: 240, HorizonDays: 60, StartIncrementMin: 30}

// RatingSummary is the exact tally of an expert's ratings (1..5).
type RatingSummary struct {
	Count        int     `json:"count"`
	Average      float64 `json:"average"`
	Distribution [5]int  `json:"distribution"`
}

// Expert is an expert's public profile. Name, Email and Department come from the identity
// provider; the rest is written by the expert.
type Expert struct {
	ID           string
	OrgID        string
	Name         string
	Email        string
	Department   string
	Headline     string
	Bio          string
	Topics       []string
	Languages    []string
	Timezone     string
	SessionTypes []SessionType
	MeetingURL   string
	BookingMode  BookingMode
	Limits       Limits
	Rating       RatingSummary
	UpdatedAt    time.Time
}

// SessionType returns the session type with id.
func (e *Expert) SessionType(id string) (SessionType, bool) {
	for _, st := range e.SessionTypes {
		if st.ID == id {
			return st, true
		}
	}
	return SessionType{}, false
}

// ExpertProfileInput is what an expert may write about themselves.
type ExpertProfileInput struct {
	Headline     string        `json:"headline"`
	Bio          string        `json:"bio"`
	Topics       []string      `json:"topics"`
	Languages    []string      `json:"languages"`
	Timezone     string        `json:"timezone"`
	SessionTypes []SessionType `json:"sessionTypes"`
	MeetingURL   string        `json:"meetingUrl"`
	BookingMode  BookingMode   `json:"bookingMode"`
	Limits       Limits        `json:"limits"`
}

// Size limits of a profile.
const (
	MaxHeadline     = 120
	MaxBio          = 4000
	MaxTopics       = 12
	MaxLanguages    = 8
	MaxSessionTypes = 8
	MaxMeetingURL   = 500
	MaxSeats        = 50
	// A session and its buffers must fit the 100-item transaction that locks its 15-minute
	// cells, even when a reschedule releases one span and takes another in one go.
	MaxDurationMin = 240
	MaxBufferMin   = 60
)

var increments = []int{5, 10, 15, 20, 30, 60}

// isSlug reports whether s is lower-case letters and digits in dash-separated runs
// (^[a-z0-9]+(-[a-z0-9]+)*$): no leading, trailing or double dash. A loop, not a regexp
// compiled at init (README, cold start).
func isSlug(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// isLanguage reports whether s is a language code: 2-3 lower-case letters and an optional
// region of 2 upper-case ones (^[a-z]{2,3}(-[A-Z]{2})?$).
func isLanguage(s string) bool {
	lang, region, hasRegion := strings.Cut(s, "-")
	if len(lang) < 2 || len(lang) > 3 || (hasRegion && len(region) != 2) {
		return false
	}
	for i := 0; i < len(lang); i++ {
		if lang[i] < 'a' || lang[i] > 'z' {
			return false
		}
	}
	for i := 0; i < len(region); i++ {
		if region[i] < 'A' || region[i] > 'Z' {
			return false
		}
	}
	return true
}

// NormalizeTopic lower-cases a topic and turns spaces into dashes ("Public Speaking" →
// "public-speaking"), so topics match whatever way people type them.
func NormalizeTopic(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), "-")
}

// Normalize trims and canonicalises the input in place and fills defaults.
func (in *ExpertProfileInput) Normalize() {
	in.Headline = strings.TrimSpace(in.Headline)
	in.Bio = strings.TrimSpace(in.Bio)
	in.Timezone = strings.TrimSpace(in.Timezone)
	in.MeetingURL = strings.TrimSpace(in.MeetingURL)
	for i, t := range in.Topics {
		in.Topics[i] = NormalizeTopic(t)
	}
	for i, l := range in.Languages {
		in.Languages[i] = strings.TrimSpace(l)
	}
	if in.BookingMode == "" {
		in.BookingMode = BookingInstant
	}
	if in.Limits.HorizonDays == 0 {
		in.Limits.HorizonDays = DefaultLimits.HorizonDays
	}
	if in.Limits.StartIncrementMin == 0 {
		in.Limits.StartIncrementMin = DefaultLimits.StartIncrementMin
	}
	for i := range in.SessionTypes {
		st := &in.SessionTypes[i]
		st.ID = strings.TrimSpace(st.ID)
		st.Name = strings.TrimSpace(st.Name)
		if st.Seats == 0 {
			st.Seats = 1
		}
	}
}

// Validate checks every rule of a profile and reports all problems at once (EInvalid).
func (in *ExpertProfileInput) Validate() error {
	var v Validation
	v.CheckText("headline", in.Headline, MaxHeadline, false)
	v.Check(in.Headline != "", "headline", "is required")
	v.CheckText("bio", in.Bio, MaxBio, true)

	v.Check(len(in.Topics) >= 1 && len(in.Topics) <= MaxTopics, "topics", "must list 1 to %d topics", MaxTopics)
	seen := map[string]bool{}
	for i, t := range in.Topics {
		f := fieldIndex("topics", i)
		v.Check(len(t) >= 2 && len(t) <= 40 && isSlug(t), f, "must be 2-40 letters, digits or dashes")
		v.Check(!seen[t], f, "is listed twice")
		seen[t] = true
	}
	v.Check(len(in.Languages) >= 1 && len(in.Languages) <= MaxLanguages, "languages", "must list 1 to %d languages", MaxLanguages)
	for i, l := range in.Languages {
		v.Check(isLanguage(l), fieldIndex("languages", i), "must be a language code such as \"en\" or \"pt-BR\"")
	}
	if in.Timezone == "" {
		v.Add("timezone", "is required")
	} else if _, err := LoadZone(in.Timezone); err != nil {
		v.Add("timezone", "is not a known IANA time zone")
	}
	v.Check(in.BookingMode == BookingInstant || in.BookingMode == BookingApproval, "bookingMode", "must be \"instant\" or \"approval\"")
	if in.MeetingURL != "" {
		u, err := url.Parse(in.MeetingURL)
		ok := err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && len(in.MeetingURL) <= MaxMeetingURL &&
			TextProblem(in.MeetingURL, false) == ""
		v.Check(ok, "meetingUrl", "must be an http(s) URL of at most %d characters", MaxMeetingURL)
	}
	validateSessionTypes(&v, in.SessionTypes)
	validateLimits(&v, in.Limits)
	return v.Err()
}

func validateSessionTypes(v *Validation, types []SessionType) {
	v.Check(len(types) >= 1 && len(types) <= MaxSessionTypes, "sessionTypes", "must list 1 to %d session types", MaxSessionTypes)
	ids := map[string]bool{}
	for i, st := range types {
		f := fieldIndex("sessionTypes", i)
		v.Check(len(st.ID) >= 1 && len(st.ID) <= 40 && isSlug(st.ID), f+".id", "must be 1-40 lower-case letters, digits or dashes")
		v.Check(!ids[st.ID], f+".id", "is used twice")
		ids[st.ID] = true
		v.Check(st.Name != "", f+".name", "must be 1-80 characters")
		v.CheckText(f+".name", st.Name, 80, false)
		v.Check(st.DurationMin >= 10 && st.DurationMin <= MaxDurationMin && st.DurationMin%5 == 0, f+".durationMin", "must be 10-%d minutes in steps of 5", MaxDurationMin)
		v.Check(st.BufferBeforeMin >= 0 && st.BufferBeforeMin <= MaxBufferMin, f+".bufferBeforeMin", "must be 0-%d minutes", MaxBufferMin)
		v.Check(st.BufferAfterMin >= 0 && st.BufferAfterMin <= MaxBufferMin, f+".bufferAfterMin", "must be 0-%d minutes", MaxBufferMin)
		v.Check(st.Seats >= 1 && st.Seats <= MaxSeats, f+".seats", "must be 1-%d", MaxSeats)
	}
}

func validateLimits(v *Validation, l Limits) {
	v.Check(l.MinNoticeMin >= 0 && l.MinNoticeMin <= 30*24*60, "limits.minNoticeMin", "must be 0-43200 minutes (30 days)")
	v.Check(l.HorizonDays >= 1 && l.HorizonDays <= 365, "limits.horizonDays", "must be 1-365 days")
	v.Check(l.MaxPerDay >= 0 && l.MaxPerDay <= 24, "limits.maxPerDay", "must be 0 (no limit) to 24")
	v.Check(l.MaxPerWeek >= 0 && l.MaxPerWeek <= 100, "limits.maxPerWeek", "must be 0 (no limit) to 100")
	ok := false
	for _, inc := range increments {
		ok = ok || l.StartIncrementMin == inc
	}
	v.Check(ok, "limits.startIncrementMin", "must be one of 5, 10, 15, 20, 30 or 60")
}

func fieldIndex(name string, i int) string {
	return name + "[" + strconv.Itoa(i) + "]"
}

// zones caches loaded locations: time.LoadLocation parses zone data on every call, which
// dominated slot computation before this cache.
var zones sync.Map // name → *time.Location

// LoadZone loads an IANA zone, refusing "Local" and "" whose meaning depends on the machine.
// Zone data comes from the system when present, else from the embedded copy (time/tzdata).
func LoadZone(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	if name == "" || name == "Local" || len(name) > 64 {
		return nil, Errorf(EInvalid, "unknown time zone %q", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, Errorf(EInvalid, "unknown time zone %q", name)
	}
	zones.Store(name, loc)
	return loc, nil
}
