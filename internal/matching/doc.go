// Package matching ranks experts for a learner's request by a transparent score: every point
// of a Score comes from a named signal with a value, a weight and a reason the client shows.
// It is pure: no I/O, no clock (now is an argument), no AWS. The caller gathers the Request
// and one Candidate per expert (profile, free slots from the slot engine, current load,
// whether the two have met) and the org's Weights.
//
// The API:
//
//	type Weights struct{ Topic, Capacity, Language, Timezone, Rating, Load, Connection float64 }
//	func DefaultWeights() Weights
//	func (w Weights) Validate() error
//	type Request struct{ LearnerID, Topics, Language, LearnerTimezone, LearnerDepartment, PreferredTimes, DurationMin, Urgency }
//	type TimeWindow struct{ Weekday time.Weekday; StartHour, EndHour int }
//	type Candidate struct{ ExpertID, Topics, Languages, Timezone, Department, Rating, FreeSlots, UpcomingSessions, MetBefore }
//	type Signal struct{ Name string; Value, Weight, Points float64; Reason string }
//	type Match struct{ ExpertID string; Score float64; Signals []Signal }
//	func Rank(req Request, cands []Candidate, w Weights, now time.Time) []Match
//
// # Score
//
// Each signal has a Value in [0,1]. The org's weights are relative: a signal's Weight is its
// weight divided by the sum of all seven, so the Weights of a Match add up to 1 (up to
// rounding). Value and Weight are rounded to 4 decimals, Points = round4(Value × Weight), and
// Score is the sum of the Points, added in whole ten-thousandths so there is no floating-point
// drift: the Points of a Match add up to its Score to the last decimal, always. (Add them as
// decimals, or as integers after ×10000; a naive binary floating-point sum can differ in the
// 17th significant digit.) Scores lie in [0,1], exceeding 1 by at most 7×0.00005 when the
// rounded Weights do. Every Match lists all seven signals, in this order, a weight of 0
// included:
//
//   - topic: |requested ∩ expert| / |requested|, topics normalised with tandem.NormalizeTopic
//     ("Public Speaking" = "public-speaking") and repeats in the request counted once. Rank
//     leaves out candidates covering none of the requested topics: a free, well-rated expert
//     in the wrong subject is not a match. A request without topics scores 0 for everyone and
//     leaves no one out.
//   - capacity: can they meet when the learner can, within the horizon [now, now+14 days)
//     (7 days when Urgency is "high": an urgent request cares about the coming week). The
//     learner's PreferredTimes are weekly windows on their own wall clock (LearnerTimezone,
//     loaded with tandem.LoadZone, UTC if unknown). Windows of one weekday that overlap or
//     touch merge; malformed windows, and windows shorter than the session, are ignored. An
//     occurrence is a window on one date, and it counts when a session could still start in
//     it inside the horizon (today's window that is over, or too nearly over, does not).
//     The value is the share of occurrences in which the expert has at least one free slot
//     whose session [start, start+DurationMin) lies inside the occurrence on the learner's
//     wall clock, so a window stays 09:00-12:00 local across a DST change and in half-hour
//     zones. Without usable windows the value is min(1, n/10) for n distinct free starts in
//     the horizon. Free slots outside the horizon never count.
//   - language: 1 when one of the expert's languages has the requested primary subtag
//     ("pt" matches "pt-BR", "pt-BR" matches "pt-PT", case-insensitive), 0 when none does,
//     0.5 for everyone when the request names no language.
//   - timezone: 1 − d/12, d being the hours between the two zones' UTC offsets at now, taken
//     around the 24-hour clock (d = min(Δ mod 24, 24 − Δ mod 24), at most 12): half-hour
//     offsets give fractions (Kolkata–Kathmandu 0.25 h → 0.9792), and Kiritimati (+14) is
//     1 h ahead of Pago Pago (−11), not 25 h. 0.5 when either zone is unknown.
//   - rating: the Bayesian average (5·4.0 + n·avg)/(5 + n) of n ratings averaging avg
//     (clamped to 1..5), mapped from 1..5 to 0..1 by (x − 1)/4. The prior is worth five
//     4.0 ratings, so no ratings give 0.75, one 5-star 0.7917 and fifty 4.8s 0.9318.
//   - load (fairness): 5/(5 + u) = 1/(1 + u/5) for u upcoming sessions: 1 when idle, 0.5
//     at five, 0.3333 at ten. It spreads demand instead of piling onto the most popular
//     expert.
//   - connection: 1.0 for another department not met before, 0.6 for another department
//     met before, 0.5 for the same department not met, 0.2 for the same department met.
//     Departments compare trimmed and case-insensitively; an empty one counts as the same
//     department (a tie cannot be claimed as cross-functional without knowing).
//
// DefaultWeights are topic 0.30, capacity 0.20, and 0.10 each for language, timezone,
// rating, load and connection.
//
// # Order
//
// Rank returns the matches by Score, highest first; equal Scores go to the expert with fewer
// upcoming sessions (fairness again), then to the smaller ExpertID, so the order never
// depends on the order of the candidates. The learner (ExpertID == LearnerID) and later
// repeats of an ExpertID are left out. The result is never nil.
//
// # Bad input
//
// Rank never fails. Requests are checked where they are posted (tandem.RequestInput.Validate)
// and weights where HR sets them (Weights.Validate); Rank ranks with DefaultWeights when w is
// invalid, treats negative counts as 0, and falls back as described above for unknown zones,
// malformed windows and out-of-range ratings.
package matching
