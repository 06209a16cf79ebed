// Package booking is the booking use case, end to end: the one place that decides how a
// session is booked, changed and handed on. Handlers, the scheduler and the seeder only
// decode, authorize and call it; the store (internal/dynamo) only carries out the decisions
// it is given. If you are looking for *the* booking rule, it is here.
//
// # Who calls it
//
//	POST /v1/bookings                     Book                 internal/httpapi/bookings.go (book)
//	POST /v1/requests/{id}/accept         Book                 internal/httpapi/requests.go (accept → book)
//	the demo data                         Book                 internal/seed/bookings.go (book)
//	POST /v1/bookings/{id}/cancel, ...    Cancel, Reschedule,  internal/httpapi/lifecycle.go
//	                                      Confirm, Decline,
//	                                      Complete, NoShow
//	DELETE /v1/circles/{id}/waitlist,     LeaveWaitlist,       internal/httpapi/circles.go
//	POST /v1/circles/{id}/cancel          CancelCircle
//	due entries (SchedulerFunction)       Complete, Expire,    internal/scheduler
//	                                      PromoteWaitlist
//
// The callers decode, authorize (who may act is theirs to say: a learner books, a participant
// changes a booking, the scheduler acts on due entries) and answer; everything between is
// here. The store (internal/dynamo) builds and runs the conditional transactions that carry
// the decisions out and reports which condition failed; it decides nothing about bookings.
//
// # Booking (Service.Book)
//
//   - Warm (the container has the expert's rules cached, dynamo.BookingRules, and the session
//     is one-to-one): no read at all. The rules (profile, schedule, the org's settings and the
//     expert's connected calendars' ranges, read at most dynamo.CalendarCacheTTL ago) decide,
//     and the one transaction guards them: a ConditionCheck on the profile's version, on the
//     schedule document and on the settings document (or their absence). A guard that fails
//     (another container changed the rules) drops the entry and the booking is decided again,
//     cold, once; so is a booking the cached rules refuse (a refusal is never made on cached
//     rules alone). The stored response is not read either: the booking, which is its key's
//     idempotency record, is the transaction's first item (attribute_not_exists), and when its
//     condition fails the booking comes back with the cancellation (ALL_OLD) and answers. Existing bookings are
//     not read: the lock cells and counters in the transaction decide, and which condition
//     failed says why (expert busy, learner busy, which limit, which budget).
//   - Cold (no cached rules, or a group session, whose circle must be read): round trip 1
//     reads, in parallel and strongly consistent, the stored response for the caller's
//     Idempotency-Key, the org's settings (the coaching budget) and the expert's slot inputs
//     (profile, schedule, busy time and circles around the start), and caches the rules.
//   - A stored response for the key is the answer (replayed byte for byte); the same key with
//     another body is refused (unprocessable).
//   - The start is checked with the slot engine (availability.Check), exactly as the slot
//     listing offers it. A group session's existing circle at that start is joined: its own
//     busy entry is left out of the check (the circle holds that time itself), and its seats
//     are the transaction's to decide.
//   - The decisions: the booking's id and parties (from the verified caller and the stored
//     profile), its span, confirmed or pending (an approval-mode expert's one-to-one booking
//     holds its slot for tandem.DefaultHold, never past the start), the circle id of a
//     group session (dynamo.CircleID: the same for every learner, so two first learners
//     collide and one joins), the expert-local day and ISO week that the per-day and per-week
//     counters are keyed by, the learner's live-booking cap and the org's budget.
//   - Then one TransactWriteItems (dynamo.Store.Book, or BookSeat for a seat):
//     the booking, its 5-minute lock slots for the expert (buffers included; a circle's
//     once, by the circle) and the learner, the counters, the budget draw, the due entries,
//     (warm) the rules' guards, every part conditional; the booking is the idempotency record. A conflict
//     anywhere writes nothing, so there is never a double booking, whatever was read or cached.
//
// # The stored response
//
// A retry gets the very bytes the first request got. Those bytes are the API's JSON, which is
// the HTTP layer's to shape, but they must be made before the one write: so the caller passes
// Request.Render, which the use case calls with the booking it is about to write (and, for a
// group session's waitlist, the place's outcome). The use case never knows the API's shapes
// and the write stays one.
//
// A booking is its own idempotency record, so nothing is written twice (the note, up to
// tandem.MaxNote characters, only in the booking): its id derives from the learner and the key
// (KeyedID; callers that fix ids, the demo data and mentorship occurrences, fix one per key),
// it keeps the request's body hash, and its write is conditioned on the id being new. A retry
// reads the booking (cold, round trip 1) or gets it back with its failed write (warm) and
// renders it again as it was answered: Render must make the response from the Outcome alone
// (Now is the booking's creation), and the first change of the booking (a cancellation, a
// move, an approval) keeps the fields it changes as they were answered (dynamo, "answered").
// So a replay after a cancellation or a move still answers what the request was answered
// then, as a stored response does in Stripe-style APIs: a replay says what happened to that
// request, the booking's resource (GET /v1/bookings/{id}) says what it is now. What differs
// from storing the bytes: a replay renders with the API of the day, so a field the API adds
// later appears in replays of older bookings too. A key stays bound to its booking as long as
// the booking exists (not only IdempotencyTTL): reusing it, even a day later, replays or is
// refused, never books again. A place on a waitlist (202) makes no booking: its response is a
// record (dynamo.IdemRecord.Body) written in the place of the key's booking, so one key gets a
// booking or a place, never both, and is bound until the table's TTL deletes the record.
//
// # Concurrent retries with one key (issue #15 item 8)
//
// Copies of one request that race can see the first copy's booking (in the busy read of
// round trip 1, or as a failed cell or counter condition) without having seen its
// idempotency record, which was read in parallel a moment before it was written. So when a
// booking fails with a conflict or a limit after round trip 1 found no stored response, the
// use case reads the record again (one consistent GetItem, only on that failure path: the
// happy path is still two round trips) and, if the first copy committed, answers with its
// stored response. A failure that was only contention (the transaction kept colliding with
// concurrent ones) re-reads a few times while the first copy finishes. Warm, there was no
// round trip 1: a refusal before the transaction is never made on cached rules alone (the
// booking is decided again cold, which reads the record); a failed condition of the
// transaction needs no read (the record's own condition was evaluated with it, first). Every
// copy thus gets the one stored response, and exactly one booking is made.
//
// # The lifecycle
//
// Each step's rule is tandem.Booking's method; the use case adds the org's late-cancel window
// (Cancel), the engine check and counter keys of the new start (Reschedule: as for a new
// booking, without the booking's own busy time; a seat cannot move), and hands a seat given
// up (cancelled, declined, expired) to its circle's waitlist at once (Changed.Offered; a
// failure there is Changed.Deferred, since the release wrote a due entry the scheduler
// retries). Steps are safe to retry: asking for the state a booking is in changes nothing.
//
// # Waitlists (PromoteWaitlist, LeaveWaitlist, CancelCircle)
//
// A seat given up in a full circle is offered to the first learner waiting, first come first
// served. The decisions are here: stop when no seat is free or the circle is being called
// off; dissolve the circle when nobody holds a seat and nobody waits; otherwise offer the
// seat (a pending seat booking with Offer set, held until tandem.Circle.OfferUntil, with the
// learner's live-booking cap and the org's budget), or skip the learner who can no longer
// take it, and say why: busy at that time (busy), at their cap (active_limit), over budget
// (budget). The store carries out each decision in one transaction conditioned on what was
// read (dynamo.Store.OfferSeat, SkipWaiter, DissolveEmpty) and reports only whether that
// still held ("stale": read again and re-decide). Places a crowd queued and nobody has
// counted yet (dynamo.Store.FoldWaitlist) are counted before each decision, so the first in
// line is the first to arrive, whenever their place was written. The last learner leaving the waitlist of a
// circle nobody holds a seat in dissolves it; calling a circle off skips everyone waiting
// (cancelled) and cancels every live seat as the expert.
// A live seat given up (cancelled, declined, lapsed) dissolves its circle when it was the last
// one held and nobody waits (or the circle is called off); otherwise it goes back to the
// counter and is offered to whoever waits (ReleaseSeat). The store's transition
// (dynamo.Store.UpdateBooking) asks for that decision on the counts it reads in the same
// attempt (dynamo.Change.ReleaseSeat) and carries it out in the step's transaction.
package booking
