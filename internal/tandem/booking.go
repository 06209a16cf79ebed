package tandem

import (
	"strings"
	"time"
)

// BookingStatus is where a booking is in its lifecycle:
//
//	pending ──confirm──► confirmed ──(end passes)──► completed | no_show
//	   │ └──decline──► declined          │
//	   └──(hold passes)──► expired       └──cancel──► cancelled (late when inside the policy window)
//
// pending and confirmed are live: they hold the expert's and the learner's time.
type BookingStatus string

// Booking statuses.
const (
	StatusPending   BookingStatus = "pending"
	StatusConfirmed BookingStatus = "confirmed"
	StatusDeclined  BookingStatus = "declined"
	StatusExpired   BookingStatus = "expired"
	StatusCancelled BookingStatus = "cancelled"
	StatusCompleted BookingStatus = "completed"
	StatusNoShow    BookingStatus = "no_show"
)

// Live reports whether the booking holds time.
func (s BookingStatus) Live() bool { return s == StatusPending || s == StatusConfirmed }

// Who did not show up.
const (
	NoShowHost  = "host"  // the expert
	NoShowGuest = "guest" // the learner
)

// Party is one participant of a booking as recorded at booking time.
type Party struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Email      string `json:"email,omitempty"`
	Department string `json:"department"`
}

// Booking is one session between an expert and a learner.
type Booking struct {
	ID          string
	OrgID       string
	Expert      Party
	Learner     Party
	SessionType SessionType // snapshot at booking time
	Start, End  time.Time   // UTC
	Status      BookingStatus
	Note        string
	RequestID   string
	MeetingURL  string
	// HoldUntil is when a pending booking stops holding its slot (approval mode).
	HoldUntil    time.Time
	Reschedules  int
	Sequence     int // iCalendar SEQUENCE: bumped on every reschedule and cancel
	CancelledBy  string
	CancelReason string
	LateCancel   bool
	NoShow       string // NoShowHost or NoShowGuest when Status is no_show
	// CircleID is set on a seat of a group session (circle.go); the expert's time then
	// belongs to the circle, not to the seat.
	CircleID string
	// Offer marks a seat offered to the first learner on a circle's waitlist: pending until
	// the learner (not the expert) confirms it within HoldUntil.
	Offer     bool
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// EffectiveStatus is the status as of now: a pending booking whose hold has passed is
// expired even before anything rewrites it (expiry never waits for TTL or the scheduler).
func (b *Booking) EffectiveStatus(now time.Time) BookingStatus {
	if b.Status == StatusPending && !b.HoldUntil.IsZero() && !now.Before(b.HoldUntil) {
		return StatusExpired
	}
	return b.Status
}

// IsParticipant reports whether the user is the booking's expert or learner.
func (b *Booking) IsParticipant(userID string) bool {
	return b.Expert.ID == userID || b.Learner.ID == userID
}

// LockCellMin is the size of the fixed time cells a booking locks (README "Design rules"): any
// two overlapping spans share a cell, so per-cell conditions rule out double booking (the
// cells are attributes of 4-hour lock items, internal/dynamo/cells.go). The slot engine
// rounds spans to the same cells, so what it lists is exactly what can be booked.
const LockCellMin = 5

// Booking input limits and policy defaults.
const (
	MaxNote            = 1000
	MaxCancelReason    = 500
	MaxReschedules     = 3
	DefaultHold        = 48 * time.Hour // how long an approval-mode request holds its slot
	DefaultLateCancel  = 24 * time.Hour // cancelling closer than this to the start is late
	DefaultActiveLimit = 10             // live bookings a learner may hold at once
)

// BookInput is what a learner sends to book a session.
type BookInput struct {
	ExpertID    string    `json:"expertId"`
	SessionType string    `json:"sessionType"`
	Start       time.Time `json:"start"`
	Note        string    `json:"note"`
	RequestID   string    `json:"requestId,omitempty"`
	// Waitlist asks, for a group session that is full, to join its waitlist instead of
	// being refused.
	Waitlist bool `json:"waitlist,omitempty"`
}

// Validate checks the shape of the input (EInvalid with field errors); whether the time is
// bookable is for the slot engine to say.
func (in *BookInput) Validate() error {
	in.Note = strings.TrimSpace(in.Note)
	var v Validation
	v.Check(in.ExpertID != "", "expertId", "is required")
	v.CheckID("expertId", in.ExpertID)
	v.Check(in.SessionType != "", "sessionType", "is required")
	v.CheckText("sessionType", in.SessionType, 40, false)
	v.Check(!in.Start.IsZero(), "start", "is required (RFC 3339, e.g. 2027-03-10T14:30:00Z)")
	v.CheckInstant("start", in.Start)
	v.CheckText("note", in.Note, MaxNote, true)
	v.CheckID("requestId", in.RequestID)
	return v.Err()
}
