// Package notify turns changes in the table into notifications for the people they matter
// to: an in-app inbox entry for each (event, recipient), and an e-mail unless the recipient
// switched that kind off. It runs as NotificationsFunction, the table stream's second
// consumer (locally, `tandem dev`'s stream poller hands it the same records), so the request
// path does not wait for it and is unchanged.
//
// Exactly once. A notification's id is derived from its event (the item and version that
// changed, or the due reminder) and its recipient, and starts with the event's time; the
// inbox entry is put with attribute_not_exists in one transaction with the unread count
// (dynamo.PutNotification). A stream record delivered twice, or records of one item out of
// order, put the same keys: nothing changes the second time. The e-mail is a state machine
// on the entry (see internal/dynamo/notifications.go): the sender acts on the stream record
// of an entry becoming pending, claims it with a conditional write on (pending, attempt) and
// a lease, sends, and records sent; a failure records retrying with a due entry for the
// scheduler (exponential backoff) or, past MaxAttempts or for a permanent refusal, dead (a
// log line and the NotificationsDeadLettered metric, with an alarm). The stream is never
// held up by SES: a failed send is a successfully processed record.
//
// What cannot be guaranteed: SES's SendEmail has no idempotency token, so a sender that dies
// after SES accepted a message and before it recorded "sent" cannot know whether it went
// out. Its lease then lapses and the scheduler makes it pending again (attempt+1), counted
// as NotificationLeaseLapsed and logged: the e-mail may arrive twice (never zero times),
// with the same Message-ID (derived from the notification id), which many mail systems use
// to drop the duplicate. Everything else is exactly once.
package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/tandemhq/tandem/internal/calendar"
	"github.com/tandemhq/tandem/internal/dynamo"
)

// Notification kinds (contracts.md §1). The values are stored and appear in settings.
const (
	KindBookingRequested   = "booking.requested"
	KindBookingConfirmed   = "booking.confirmed"
	KindBookingDeclined    = "booking.declined"
	KindBookingCancelled   = "booking.cancelled"
	KindBookingRescheduled = "booking.rescheduled"
	KindBookingNoShow      = "booking.no_show"
	KindApprovalLapsing    = "approval.lapsing"
	KindWaitlistOffered    = "waitlist.offered"
	KindWaitlistLapsing    = "waitlist.lapsing"
	KindRequestOffer       = "request.offer"
	KindOfferAccepted      = "request.offer_accepted"
	KindFeedbackDue        = "feedback.due"
	KindCohortPublished    = "cohort.published"
	KindBudgetNearCap      = "budget.near_cap"
	KindReminder           = "reminder"
	KindCalendarBroken     = "calendar.broken"
	KindFlashProposed      = "flash.proposed"  // raised by internal/flash
	KindFlashConfirmed     = "flash.confirmed" // raised by internal/flash
	// Mentorships (mentorship.go).
	KindMentorshipProposed   = "mentorship.proposed"
	KindMentorshipActive     = "mentorship.active"
	KindMentorshipChanged    = "mentorship.changed"
	KindMentorshipStalled    = "mentorship.stalled"
	KindMentorshipReflection = "mentorship.reflection_due"
)

// KindInfo is a kind as the settings page shows it.
type KindInfo struct{ Kind, Label string }

// Kinds lists every kind in the order settings show them.
var Kinds = []KindInfo{
	{KindBookingRequested, "Approval needed for a session"},
	{KindBookingConfirmed, "Session confirmed"},
	{KindBookingDeclined, "Session request declined or lapsed"},
	{KindBookingCancelled, "Session cancelled"},
	{KindBookingRescheduled, "Session rescheduled"},
	{KindBookingNoShow, "Session marked as a no-show"},
	{KindApprovalLapsing, "Approval about to lapse"},
	{KindWaitlistOffered, "Waitlist seat offered"},
	{KindWaitlistLapsing, "Waitlist seat offer about to lapse"},
	{KindRequestOffer, "Offer on your request"},
	{KindOfferAccepted, "Your offer was accepted"},
	{KindFeedbackDue, "Feedback after a session"},
	{KindCohortPublished, "Cohort published"},
	{KindBudgetNearCap, "Coaching budget near its cap"},
	{KindReminder, "Session reminders"},
	{KindCalendarBroken, "Connected calendar failing"},
	{KindFlashProposed, "Flash mentoring proposal"},
	{KindFlashConfirmed, "Flash mentoring session confirmed"},
	{KindMentorshipProposed, "Mentorship proposed to you"},
	{KindMentorshipActive, "Mentorship started"},
	{KindMentorshipChanged, "Mentorship paused, resumed or closed"},
	{KindMentorshipStalled, "Mentorship stalled (a nudge)"},
	{KindMentorshipReflection, "Reflection due after a mentorship"},
}

// Label is the kind's label ("" for an unknown kind).
func Label(kind string) string {
	for _, k := range Kinds {
		if k.Kind == kind {
			return k.Label
		}
	}
	return ""
}

// DefaultLeads are the reminder lead times when a user has not chosen: 24 h and 1 h.
var DefaultLeads = []int{1440, 60}

// Recipient, Span and Action mirror internal/mail's (contracts.md §1): the e-mail is stored
// on the notification in this form and handed to the mailer when it is sent.
type Recipient struct{ UserID, Org, Name, Address, Zone string }

// Span is a session's time.
type Span struct{ Start, End time.Time }

// Action is a one-click link into the app.
type Action struct{ Label, Verb, BookingID string }

// Message is the e-mail of a notification, as stored on its inbox entry.
type Message struct {
	Kind     string
	To       Recipient
	Subject  string
	Lines    []string
	When     *Span             `json:",omitempty"`
	Deadline time.Time         `json:",omitzero"`
	Path     string            `json:",omitempty"`
	Actions  []Action          `json:",omitempty"`
	Invite   *calendar.Session `json:",omitempty"`
}

// NotificationID is the deterministic id of the notification of an event for a recipient:
// the event's time (so ids sort as the inbox does) and a hash of the event key and user.
func NotificationID(at time.Time, eventKey, userID string) string {
	sum := sha256.Sum256([]byte(eventKey + "\x00" + userID))
	return dynamo.NotificationIDPrefix(at) + "-" + hex.EncodeToString(sum[:10])
}

// Leads returns the user's reminder lead times.
func Leads(s dynamo.NotificationSettings) []int {
	if s.Leads == nil {
		return DefaultLeads
	}
	return s.Leads
}

// EmailWanted reports whether the settings allow e-mail of kind.
func EmailWanted(s dynamo.NotificationSettings, kind string) bool {
	if s.EmailOff {
		return false
	}
	for _, k := range s.KindsOff {
		if k == kind {
			return false
		}
	}
	return true
}
