// Package calendar renders coaching sessions as RFC 5545 iCalendar documents: an invitation
// for email (an iTIP message, RFC 5546) and a subscription feed for calendar apps. It is pure:
// no I/O and no clock, so the same sessions always render the same bytes.
//
//	func Invite(s Session) ([]byte, error)                     // METHOD:REQUEST, or METHOD:CANCEL
//	func InviteWithAlarm(s Session, before time.Duration) ([]byte, error) // Invite + VALARM (e-mail)
//	func Feed(name string, sessions []Session) ([]byte, error) // no METHOD, a VEVENT per session
//
// InviteWithAlarm is what notification e-mails attach (internal/mail): Invite with one VALARM
// (ACTION:DISPLAY, TRIGGER:-PT<n>M) in a REQUEST and none in a CANCEL; the downloadable
// invite.ics stays Invite, without an alarm.
//
// SessionOf turns a booking into a Session; CohortSessionOf turns session n of a published
// program cohort into one (UID "<program>-<cohort>-<n>@tandem", SEQUENCE the plan's version,
// organizer CohortOrganizer, the member the one attendee besides it), for its invite and the feed.
//
// All answer with ContentType. Errors are tandem.EInvalid with field errors; nothing else can
// fail.
//
// # Identity and updates
//
// A session's UID is "<BookingID>@tandem" and never changes. A reschedule is the same UID with a
// higher SEQUENCE and a new DTSTART/DTEND; a cancellation is the same UID with a higher SEQUENCE
// and STATUS:CANCELLED (and METHOD:CANCEL in an invite). The caller bumps Session.Sequence; this
// package only writes it. Feeds keep cancelled sessions as STATUS:CANCELLED events rather than
// dropping them, so subscribed clients remove them explicitly instead of depending on how each
// treats an event that vanished. A feed may be empty: RFC 5545's grammar asks for at least one
// component, but clients accept none, and a placeholder event would be worse.
//
// Session.Status is a tandem.BookingStatus:
//
//	confirmed, completed, no_show → STATUS:CONFIRMED
//	pending                       → STATUS:TENTATIVE
//	cancelled, declined, expired  → STATUS:CANCELLED (METHOD:CANCEL in an invite)
//
// The meeting URL (LOCATION, URL and the "Join:" line) is written for a confirmed session
// only, as the booking's JSON shows it: a pending request, or one declined, cancelled or
// expired, never carries the expert's meeting link.
//
// # Times
//
// DTSTART, DTEND, DTSTAMP, CREATED and LAST-MODIFIED are UTC in the Z form
// (DTSTART:20261201T140000Z) at whole seconds (sub-second parts are dropped), so no VTIMEZONE
// is needed and every client shows the instant in its own zone. DTSTAMP is Session.Updated, or
// Created when Updated is zero, rather than the time of rendering: it keeps output
// deterministic (cacheable feeds, exact tests) and still advances with every change.
//
// # Participants
//
// The expert is the ORGANIZER and also an ATTENDEE with ROLE=CHAIR; the learner is an ATTENDEE
// with ROLE=REQ-PARTICIPANT. The learner booked the session, so their PARTSTAT is ACCEPTED; the
// expert's is NEEDS-ACTION while a request is pending, DECLINED when they declined it and
// ACCEPTED otherwise. RSVP is FALSE for both: Tandem, not the calendar, is the system of record,
// and a calendar reply would only reach the expert's mailbox and change nothing.
//
// # Text and the library
//
// Documents are built with github.com/arran4/golang-ical, never by joining lines. The library
// escapes TEXT values (\\ \; \, \n) and folds lines longer than 75 octets without splitting
// UTF-8 sequences. It folds at the last space that fits rather than at octet 75, so a
// continuation line may start with two spaces; that is correct (unfolding removes exactly one)
// but looks odd. Three of its habits are corrected here:
//
//   - It ends lines with LF on every platform; RFC 5545 requires CRLF, so output is serialized
//     with ics.WithNewLineWindows.
//   - It writes CAL-ADDRESS and URI values verbatim, so a CR or LF in an email address or URL
//     would inject properties. Email addresses must be plain ASCII addr-specs and the meeting
//     URL an absolute http(s) URL of printable ASCII; anything else is EInvalid.
//   - It escapes parameter values with backslashes (CN=O\'Brien\, Maya), which RFC 5545 does not
//     define and clients show literally, and it cannot quote them. Display names are therefore
//     reduced to text that needs no escaping: ' becomes ’, the separators , ; : become spaces and
//     " and \ are dropped. (Its WithRSVP also writes lowercase true/false; RSVP=FALSE is set
//     directly.)
//
// Untrusted text (title, description, names, feed name) is cleaned before it reaches the
// library: invalid UTF-8 becomes U+FFFD, CR and CRLF become LF, other control characters except
// tab are dropped, and surrounding space is trimmed; one-line values (SUMMARY, CN, the feed
// name) also have their runs of white space collapsed to one space.
package calendar
