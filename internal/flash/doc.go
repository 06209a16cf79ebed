// Package flash is flash mentoring across departments: HR opts a group in, and every N weeks
// Tandem pairs its members with people they have never met from other departments and
// proposes each pair a 30-minute conversation at a time free for both; one click accepts.
//
// # Who is in
//
// HR sets the org's config (Config: the departments that may take part, empty for everyone;
// every N weeks, 1-12; a working window in each person's own zone, default 09:00-17:00,
// Monday to Friday). People then opt in themselves (Service.Join), with the department from
// their verified claims and their own IANA zone. Opting in is each person's choice because a
// flash session is a conversation with a stranger on their own time: programs that enrol
// whole departments see most proposals lapse. HR's departments bound who may join.
//
// # A round (Service.RunRound; the scheduler's RunDue; HR's "run now")
//
// Round k covers [Anchor + k·N weeks, + N weeks) from the Monday the group was created. A run
// reads the members and, for each in parallel, their bookings as learner and as expert
// (ListUserBookings: confirmed or completed means the two have met; live ones ahead are
// busy, an expert's with buffers), their connected calendars' busy ranges (CalendarBusy, as
// the slot listing reads them), the cohorts they shared (MetBefore) and the group's earlier
// flash pairs (any earlier pair counts as met; a live one ahead is busy). PairUp runs the
// cohort builder with Size 2 (cohorts.Build: new and cross-department pairs preferred, zone
// spread at most the window length minus the session); an odd count leaves one trio, whose
// best pair meets and whose third sits out. FindStart gives each pair the earliest start on
// the 15-minute grid from a day to two weeks ahead inside both windows (each in its own
// zone, DST-correct: a span over a clock change is never proposed) and free for both; a pair
// with none is listed on the round as no time. The plan is written on the round item with
// attribute_not_exists: exactly one run makes round k; any other run (or a retry after a
// crash) finds it and only completes its pairs and notifications, both idempotent, so a run
// twice proposes nothing new. Each person gets flash.proposed (inbox and e-mail, with the
// answer deadline: 3 days, or 2 hours before the start if sooner).
//
// # Answers
//
// Accept records the caller's yes at the pair's version; the second yes confirms it and, in
// the same transaction, takes both people's lock slots over the session as learner and as
// expert (the items bookings take) and a busy entry in each one's busy partition
// (dynamo.Store.AnswerFlashPair). A flash session is not a booking: booking.Service.Book
// needs an expert with a published schedule and session type, and books one learner; flash
// members are any two employees with neither. The lock slots make the conditions on both people's
// time: a booking already holding either person then fails the confirmation (409 flash_busy,
// and the proposal stays until it lapses), and a later booking over it fails. Accepting
// again, or a confirmed pair, changes nothing. Decline releases the pair (declined; both stay
// in the group and are paired with someone else next round); declining a confirmed session
// before its start cancels it and releases the held time in one transaction. A proposal not
// confirmed by its deadline has lapsed (computed at read; nothing was held, so nothing needs
// releasing), and lapsed or declined pairs are not proposed again (they count as met).
package flash
