package tandem

import "time"

// A circle is one group session: an expert's session type with more than one seat, at one
// start. The first learner to book a seat creates it and locks the expert's time once for the
// whole group; later learners take further seats. A full circle keeps a waitlist, first come
// first served: when a seat frees up, the first waiting learner is offered it (a pending seat
// booking with Offer set) and has until its hold passes to confirm; a lapsed or declined
// offer passes the seat to the next in line. When the last seat is given up and nobody
// waits, the circle dissolves and the expert's time is free again.
//
// Seats are instant even for experts who approve one-to-one requests: a group session is
// offered to whoever joins.
type Circle struct {
	ID          string
	OrgID       string
	Expert      Party
	SessionType SessionType
	Start, End  time.Time // UTC
	MeetingURL  string
	Seats       int // capacity (SessionType.Seats at creation)
	Taken       int // seats held by live seat bookings and open offers
	Waiting     int // learners on the waitlist
	Cancelled   bool
}

// SeatsLeft is how many seats a new learner could book now: none while anyone waits, since
// a freed seat belongs to the first of them.
func (c *Circle) SeatsLeft() int {
	if c.Cancelled || c.Waiting > 0 || c.Taken >= c.Seats {
		return 0
	}
	return c.Seats - c.Taken
}

// OfferHold is how long a learner promoted from a waitlist has to confirm the seat (never
// past the session's start).
const OfferHold = 12 * time.Hour

// OfferUntil is the hold of a seat offered at now.
func (c *Circle) OfferUntil(now time.Time) time.Time {
	until := now.Add(OfferHold).Truncate(time.Second)
	if until.After(c.Start) {
		until = c.Start
	}
	return until
}

// Waiter is one learner on a circle's waitlist. Key orders the list (arrival time, then the
// learner id to break a tie).
type Waiter struct {
	Learner  Party
	Key      string
	JoinedAt time.Time
	Note     string
}

// Where a learner stands with a circle (CircleMember.State).
const (
	MemberNone    = "none"
	MemberSeat    = "seat"    // holds a confirmed seat
	MemberOffered = "offered" // promoted from the waitlist, to confirm before HoldUntil
	MemberWaiting = "waiting"
	MemberSkipped = "skipped" // was first in line but could not take the seat (SkipReason)
)

// CircleMember is the caller's standing in a circle.
type CircleMember struct {
	State      string
	BookingID  string
	Position   int // 1-based, while waiting
	HoldUntil  time.Time
	SkipReason string
}
