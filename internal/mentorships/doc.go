// Package mentorships owns the mentoring relationship end to end: a learner and an expert, an
// agreement (1-5 goals, each with how progress is judged; a cadence; a length; a session
// type; a weekday and local time window), a series of sessions booked through the one
// booking path (internal/booking), what happens between sessions (shared agendas, action
// items, private notes), progress check-ins, health, and closure.
//
// # States (Transition, a table test holds it)
//
//	proposed ──both accepted──► active ◄──pause/resume──► paused
//	    │                          │                         │
//	    └────────── close (either side, any time) ───────────┴──► closed
//
// Whoever proposes has accepted; the other side's accept makes it active. Asking for the
// state a mentorship is in changes nothing (retries are safe). The store writes each change
// conditioned on the status and version it was decided on (dynamo.Store.UpdateMentorship), so
// two racing changes never both win: the loser re-reads and decides again.
//
// # Whose zone
//
// The agreement's weekday and window are wall-clock times in the learner's zone (their saved
// zone when the mentorship is proposed, or the one given), stored in the agreement, so a later
// profile change does not move the series. Each occurrence is built from its local date and
// the agreed clock time in that zone (Series), so it keeps its local time across DST.
//
// # The series (Schedule)
//
// Every occurrence is an ordinary booking made by booking.Service.Book for the learner, with
// all its guarantees (cells, limits, budget, idempotency). The idempotency key and the
// booking id are derived from the mentorship and the occurrence's index, so a retried
// schedule books nothing twice. An occurrence that cannot be booked is reported with the
// nearest free starts the slot engine lists for the expert (up to three, within a week either
// side), and the rest are booked; scheduling again retries only the failed ones. Skipping an
// occurrence cancels its booking (booking.Service.Cancel) and marks it skipped, which health
// does not count as a cancellation; moving one reschedules its booking
// (booking.Service.Reschedule). Closing the mentorship cancels every future booking of it.
//
// Calendars see one invite per occurrence: each is an ordinary booking with its own UID and
// SEQUENCE (GET /v1/bookings/{id}/invite.ics and the feed). An RRULE series would need
// exceptions for every skipped, moved, failed or individually cancelled occurrence, and a
// separate lifecycle from the bookings that really hold the time; per-occurrence invites stay
// exactly as true as the bookings.
//
// # Health (ComputeHealth)
//
// An active mentorship is stalled after 21 days without a session held (or since it became
// active) or when the last two sessions due were cancelled or missed; computed at read from
// the occurrences' bookings, with the reason, and stored on the mentorship (health,
// healthReason) whenever it changes, so a stream consumer (notifications) can nudge both sides.
// The scheduler refreshes each org's active mentorships hourly (HealthDue, health_job.go), so
// a pair nobody opens still turns stalled; every health write is conditioned on the stored
// health it was decided on and a stalled one carries the stall's mark (StallMark).
package mentorships
