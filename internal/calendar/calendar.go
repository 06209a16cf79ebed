package calendar

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/tandemhq/tandem/internal/tandem"
)

// ContentType is the media type of every document this package renders. An email part carrying
// an invite may add the method parameter (method=REQUEST or method=CANCEL).
const ContentType = "text/calendar; charset=utf-8"

const (
	prodID    = "-//Tandem//Coaching//EN"
	uidSuffix = "@tandem"
	feedTTL   = "PT1H" // how often subscribed clients should refetch a feed
)

// Person is a participant as the calendar shows them.
type Person struct {
	Name  string // display name (CN); optional
	Email string // required, a plain addr-spec such as maya@acme.example
}

// Session is one coaching session as it goes on a calendar. A valid session has a BookingID of
// 1–128 ASCII letters, digits, '-', '_' or '.'; a non-blank Title; Start and End in 1970–9999
// with End after Start (to the second); Updated or Created set; plain email addresses for both
// people; an absolute http(s) MeetingURL or none; Sequence >= 0; and a known Status. Anything
// else is EInvalid, with field errors named after the JSON-style field (bookingId, end, ...).
type Session struct {
	BookingID   string // stable; the UID is "<BookingID>@tandem"
	OrgID       string // the sessions of one feed must share it
	Title       string // SUMMARY, e.g. "Deep dive with Maya Okafor"
	Description string // the learner's note etc.; optional
	Start, End  time.Time
	Expert      Person               // ORGANIZER and ATTENDEE (CHAIR)
	Learner     Person               // ATTENDEE (REQ-PARTICIPANT)
	MeetingURL  string               // URL, LOCATION and a "Join:" line in DESCRIPTION, for a confirmed session only; optional
	Sequence    int                  // bumped by the caller on every reschedule and cancellation
	Status      tandem.BookingStatus // see the package doc for how it maps to STATUS
	Created     time.Time            // CREATED when set
	Updated     time.Time            // LAST-MODIFIED when set; DTSTAMP is Updated, else Created
}

// Invite renders s as a single-event iTIP message for email: METHOD:REQUEST, or METHOD:CANCEL
// when s is cancelled, declined or expired. It returns an EInvalid error when s is not valid
// (see Session).
func Invite(s Session) ([]byte, error) {
	return invite(s, 0)
}

// InviteWithAlarm is Invite plus, in a METHOD:REQUEST, a VALARM that reminds the attendee
// `before` the start (ACTION:DISPLAY, TRIGGER:-PT15M for 15 minutes). A cancellation carries
// none: there is nothing left to remind of. This is the invite e-mails attach; the downloadable
// invite.ics stays Invite, so a user's own alarm settings are not overridden by a download.
// before must be positive and whole minutes.
func InviteWithAlarm(s Session, before time.Duration) ([]byte, error) {
	if before <= 0 || before%time.Minute != 0 {
		return nil, tandem.Errorf(tandem.EInvalid, "calendar.InviteWithAlarm(%q): alarm lead %v is not a positive whole number of minutes", s.BookingID, before)
	}
	return invite(s, before)
}

func invite(s Session, alarm time.Duration) (_ []byte, err error) {
	defer tandem.Wrap(&err, "calendar.Invite(%q)", s.BookingID)
	var v tandem.Validation
	st := s.validate(&v, "")
	if err := v.Err(); err != nil {
		return nil, err
	}
	cal := newCalendar()
	if st == ics.ObjectStatusCancelled {
		cal.SetMethod(ics.MethodCancel)
	} else {
		cal.SetMethod(ics.MethodRequest)
	}
	e := event(s, st)
	if alarm > 0 && st != ics.ObjectStatusCancelled {
		a := e.AddAlarm()
		a.SetAction(ics.ActionDisplay)
		a.SetTrigger(fmt.Sprintf("-PT%dM", int(alarm/time.Minute)))
		// DESCRIPTION is required for a DISPLAY alarm (RFC 5545 3.6.6).
		a.SetProperty(ics.ComponentPropertyDescription, "Reminder: "+oneLine(s.Title))
	}
	cal.AddVEvent(e)
	return render(cal)
}

// Feed renders a subscription feed called name with one VEVENT per session, in the given
// order. It has no METHOD, and asks clients to refresh hourly (REFRESH-INTERVAL and
// X-PUBLISHED-TTL). Cancelled sessions stay in the feed with STATUS:CANCELLED so that
// subscribed clients remove them. It returns an EInvalid error when name is blank, a session
// is not valid, two sessions share a BookingID or the sessions belong to different orgs. An
// empty feed is valid: clients accept a calendar without events.
func Feed(name string, sessions []Session) (_ []byte, err error) {
	defer tandem.Wrap(&err, "calendar.Feed(%q)", name)
	var v tandem.Validation
	name = oneLine(name)
	v.Check(name != "", "name", "is required")
	statuses := make([]ics.ObjectStatus, len(sessions))
	seen := make(map[string]int, len(sessions))
	for i, s := range sessions {
		field := fmt.Sprintf("sessions[%d].", i)
		statuses[i] = s.validate(&v, field)
		if j, dup := seen[s.BookingID]; dup {
			v.Add(field+"bookingId", "repeats sessions[%d]; a feed has one event per booking", j)
		} else {
			seen[s.BookingID] = i
		}
		v.Check(s.OrgID == sessions[0].OrgID, field+"orgId", "differs from sessions[0]; a feed belongs to one org")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	cal := newCalendar()
	cal.SetName(name) // NAME (RFC 7986) and X-WR-CALNAME
	cal.SetRefreshInterval(feedTTL)
	cal.SetXPublishedTTL(feedTTL)
	for i, s := range sessions {
		cal.AddVEvent(event(s, statuses[i]))
	}
	return render(cal)
}

func newCalendar() *ics.Calendar {
	cal := ics.NewCalendar() // sets VERSION:2.0 and a PRODID that is replaced below
	cal.SetProductId(prodID)
	cal.SetCalscale("GREGORIAN")
	return cal
}

// render serializes with CRLF line ends (the library defaults to LF) and 75-octet folding.
func render(cal *ics.Calendar) ([]byte, error) {
	var b bytes.Buffer
	if err := cal.SerializeTo(&b, ics.WithNewLineWindows, ics.WithLineLength(75)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// event builds the VEVENT of a validated session.
func event(s Session, st ics.ObjectStatus) *ics.VEvent {
	e := ics.NewEvent(s.BookingID + uidSuffix)
	e.SetDtStampTime(stamp(s))
	e.SetSequence(s.Sequence)
	e.SetStatus(st)
	e.SetSummary(oneLine(s.Title))
	e.SetStartAt(s.Start)
	e.SetEndAt(s.End)

	expertPartstat := ics.ParticipationStatusAccepted
	switch s.Status {
	case tandem.StatusPending:
		expertPartstat = ics.ParticipationStatusNeedsAction
	case tandem.StatusDeclined:
		expertPartstat = ics.ParticipationStatusDeclined
	}
	e.SetOrganizer("mailto:"+s.Expert.Email, cn(s.Expert)...)
	e.AddAttendee("mailto:"+s.Expert.Email,
		append(cn(s.Expert), ics.ParticipationRoleChair, expertPartstat, rsvpFalse)...)
	e.AddAttendee("mailto:"+s.Learner.Email,
		append(cn(s.Learner), ics.ParticipationRoleReqParticipant, ics.ParticipationStatusAccepted, rsvpFalse)...)

	if u := s.joinURL(); u != "" {
		e.SetLocation(u)
		e.SetURL(u)
	}
	if d := description(s); d != "" {
		e.SetDescription(d)
	}
	if !s.Created.IsZero() {
		e.SetCreatedTime(s.Created)
	}
	if !s.Updated.IsZero() {
		e.SetModifiedAt(s.Updated)
	}
	return e
}

// rsvpFalse is RSVP=FALSE in the RFC's spelling; ics.WithRSVP writes lowercase "false".
var rsvpFalse = &ics.KeyValues{Key: string(ics.ParameterRsvp), Value: []string{"FALSE"}}

// cn is the CN parameter of p, or nothing when p has no usable name.
func cn(p Person) []ics.PropertyParameter {
	if n := paramText(p.Name); n != "" {
		return []ics.PropertyParameter{ics.WithCN(n)}
	}
	return nil
}

// stamp is DTSTAMP: the last change, or the creation when there was none.
func stamp(s Session) time.Time {
	if !s.Updated.IsZero() {
		return s.Updated
	}
	return s.Created
}

// description is the note followed by how to join, separated by a blank line.
func description(s Session) string {
	var parts []string
	if d := multiLine(s.Description); d != "" {
		parts = append(parts, d)
	}
	if u := s.joinURL(); u != "" {
		parts = append(parts, "Join: "+u)
	}
	return strings.Join(parts, "\n\n")
}

// joinURL is the meeting URL when the session is confirmed, and empty otherwise: like the
// booking's JSON, a calendar shows how to join only once the expert has accepted, never for
// a pending request or one declined, cancelled or expired.
func (s Session) joinURL() string {
	if s.Status != tandem.StatusConfirmed {
		return ""
	}
	return s.MeetingURL
}

// SessionOf is booking b as a calendar shows it as of now: its effective status, and the
// meeting URL only once confirmed (as in the booking's JSON). The invite download
// (GET /v1/bookings/{id}/invite.ics), the feed, the e-mailed invites (internal/notify) and the
// write-back into connected calendars (internal/connections) all build their session here, so
// an event has the same UID, SEQUENCE, title and times everywhere.
func SessionOf(b *tandem.Booking, now time.Time) Session {
	s := Session{
		BookingID: b.ID, OrgID: b.OrgID,
		Title:       b.SessionType.Name + ": " + b.Expert.Name + " and " + b.Learner.Name,
		Description: b.Note, Start: b.Start, End: b.End,
		Expert:   Person{Name: b.Expert.Name, Email: b.Expert.Email},
		Learner:  Person{Name: b.Learner.Name, Email: b.Learner.Email},
		Sequence: b.Sequence, Status: b.EffectiveStatus(now),
		Created: b.CreatedAt, Updated: b.UpdatedAt,
	}
	if s.Status == tandem.StatusConfirmed {
		s.MeetingURL = b.MeetingURL
	}
	return s
}

// CohortOrganizer is the ORGANIZER of a program cohort session: nobody's mailbox (.invalid is
// reserved, RFC 2606), since Tandem, not a person, schedules the cohort; RSVP is FALSE anyway.
var CohortOrganizer = Person{Name: "Tandem programs", Email: "programs@tandem.invalid"}

// CohortSessionOf is session n (1-based) of program p's cohort pc, published as plan version
// planVersion at publishedAt, as member (whose user id is memberID) sees it; false when p has
// no session n. The id, and so the UID, is "<program>-<cohort>-<n>" (booking ids have no '-',
// so it meets none); SEQUENCE is the plan's version, so an updated plan replaces the event.
// The invite download (GET /v1/programs/{id}/cohort/sessions/{n}/invite.ics) and the feed
// both build their session here.
func CohortSessionOf(p *tandem.Program, pc tandem.PlanCohort, planVersion int64, publishedAt time.Time, member Person, memberID string, n int) (Session, bool) {
	times := p.SessionTimes()
	if n < 1 || n > len(times) {
		return Session{}, false
	}
	num, total := fmt.Sprint(pc.Number), fmt.Sprint(len(times))
	var others []string
	for _, m := range pc.Members {
		if m.ID != memberID {
			others = append(others, m.Name)
		}
	}
	desc := p.Title + ", cohort " + num + ": session " + fmt.Sprint(n) + " of " + total + "."
	if len(others) > 0 {
		desc += "\nWith " + strings.Join(others[:len(others)-1], ", ")
		if len(others) > 1 {
			desc += " and "
		}
		desc += others[len(others)-1] + "."
	}
	start := times[n-1]
	return Session{
		BookingID: p.ID + "-" + num + "-" + fmt.Sprint(n), OrgID: p.OrgID,
		Title:       p.Title + ": cohort " + num + ", session " + fmt.Sprint(n),
		Description: desc, Start: start, End: start.Add(time.Duration(p.SessionMin) * time.Minute),
		Expert: CohortOrganizer, Learner: member,
		Sequence: int(planVersion), Status: tandem.StatusConfirmed,
		Created: publishedAt, Updated: publishedAt,
	}, true
}
