package analytics

import (
	"math"
	"slices"
)

// The rules behind every figure, in one place.
//
// Formulas (the product's metric definitions, listed in README "Design rules"). A ratio whose denominator is zero is null, never 0, NaN or
// Inf, so "no data" and "none" stay apart:
//
//	utilizationBooked      = (minutesBooked − groupExtraMinutesBooked) ÷ minutesOffered
//	utilizationDelivered   = (minutesDelivered − groupExtraMinutesDelivered) ÷ minutesOffered
//	                         (a group-session seat uses only its share of the expert's time)
//	completionRate         = completed ÷ started
//	noShowRateHost         = noShowHost ÷ started   (started excludes cancelled sessions)
//	noShowRateGuest        = noShowGuest ÷ started
//	lateCancelRate         = lateCancelled ÷ booked
//	csat                   = satisfied ÷ ratings    (ratings of 4 or 5 on 1..5)
//	nps                    = 100 × (promoters − detractors) ÷ recommends
//	averageRating          = ratingSum ÷ ratings
//	timeToMatchMedianHours = median(matchMinutes) ÷ 60 (exact; an even count takes the mean
//	                         of the two middle values)
//	crossFunctionalReach   = crossDept ÷ completed
//
// Rounding: ratios to 4 decimals; hours, nps (a ratio × 100) and averageRating to 2.
//
// Ranges: Counts add up across months and groups, except ActiveLearners, which counts
// distinct learners per month: summed over several months it counts learner-months, an upper
// bound of the distinct learners. Department and expert rows over a range show that sum;
// suppression uses the monthly maximum instead (below).
//
// Privacy (Report). Any group cut under minGroup people (3, the product's privacy floor) is suppressed:
//   - A department or expert row is suppressed when the group never had minGroup active
//     learners in one month of the range (the maximum monthly ActiveLearners is below
//     minGroup). A sum over months could reach minGroup with the same two people, so the
//     monthly maximum is the safe bound. A suppressed row keeps Month and Group, sets
//     Suppressed and SuppressedReason, and carries zero Metrics (every ratio null).
//   - Org rows are never suppressed as a whole.
//   - On every shown row, including the org's, csat and averageRating are withheld (null,
//     named in Row.Withheld) when 0 < ratings < minGroup, and nps when 0 < recommends <
//     minGroup: one or two answers would be readable from the figure. With no answers at
//     all the figure is simply null and not listed as withheld.
//
// Privacy (Connections). An edge with fewer than minGroup sessions is left out of
// Graph.Edges, and a department touched by some, but fewer than minGroup, sessions shows
// Suppressed with Sessions 0. Their sessions still count in InternalSessions, ExternalSessions, EIIndex and
// Density: those are totals over the whole org, and a hidden edge still counts as a tie.

// Metrics are the figures of one row, ready to encode. Pointer fields are null when their
// denominator is zero, when withheld for privacy, or (budget) when the caller gave none.
type Metrics struct {
	Booked        int64 `json:"booked"`
	Completed     int64 `json:"completed"`
	Cancelled     int64 `json:"cancelled"`
	LateCancelled int64 `json:"lateCancelled"`
	NoShowHost    int64 `json:"noShowHost"`
	NoShowGuest   int64 `json:"noShowGuest"`

	HoursBooked    float64 `json:"hoursBooked"`
	HoursDelivered float64 `json:"hoursDelivered"`
	HoursOffered   float64 `json:"hoursOffered"`

	Requests       int64 `json:"requests"`
	Matched        int64 `json:"matched"`
	NewTies        int64 `json:"newTies"`
	ActiveLearners int64 `json:"activeLearners"`

	UtilizationBooked      *float64 `json:"utilizationBooked"`
	UtilizationDelivered   *float64 `json:"utilizationDelivered"`
	CompletionRate         *float64 `json:"completionRate"`
	NoShowRateHost         *float64 `json:"noShowRateHost"`
	NoShowRateGuest        *float64 `json:"noShowRateGuest"`
	LateCancelRate         *float64 `json:"lateCancelRate"`
	CSAT                   *float64 `json:"csat"`
	NPS                    *float64 `json:"nps"`
	AverageRating          *float64 `json:"averageRating"`
	TimeToMatchMedianHours *float64 `json:"timeToMatchMedianHours"`
	CrossFunctionalReach   *float64 `json:"crossFunctionalReach"`

	BudgetHours     *float64 `json:"budgetHours"`
	BudgetUsedHours *float64 `json:"budgetUsedHours"`
	BudgetUsedShare *float64 `json:"budgetUsedShare"`
}

// Option adjusts the Metrics Compute returns with figures the counters do not hold. An
// Option can also be applied to a Row's Metrics directly: WithBudget(b, u)(&row.Metrics).
type Option func(*Metrics)

// WithBudget sets the org's purchased hours and the hours the caller counts as used of them;
// BudgetUsedShare is used ÷ budget (null for a budget of zero). Non-finite values are ignored.
func WithBudget(budgetHours, usedHours float64) Option {
	return func(m *Metrics) {
		if !finite(budgetHours) || !finite(usedHours) {
			return
		}
		m.BudgetHours = ptr(round(budgetHours, 2))
		m.BudgetUsedHours = ptr(round(usedHours, 2))
		m.BudgetUsedShare = nil
		if budgetHours > 0 {
			m.BudgetUsedShare = ptr(round(usedHours/budgetHours, 4))
		}
	}
}

// Add returns the sum of c and o. MatchMinutes are concatenated into a new slice, so the
// result never shares storage with either operand. Learners are united; when both operands
// carry their learner sets (as the stored aggregates do), ActiveLearners is the size of the
// union, so learners active in several months count once.
func (c Counts) Add(o Counts) Counts {
	sum := c.add(o)
	if int64(len(c.Learners)) == c.ActiveLearners && int64(len(o.Learners)) == o.ActiveLearners {
		sum.Learners = union(c.Learners, o.Learners)
		sum.ActiveLearners = int64(len(sum.Learners))
	}
	return sum
}

// union merges two sorted sets into a new one.
func union(a, b []int64) []int64 {
	if len(a) == 0 && len(b) == 0 {
		return nil
	}
	out := make([]int64, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}

func (c Counts) add(o Counts) Counts {
	return Counts{
		Booked:                     c.Booked + o.Booked,
		Completed:                  c.Completed + o.Completed,
		Cancelled:                  c.Cancelled + o.Cancelled,
		LateCancelled:              c.LateCancelled + o.LateCancelled,
		NoShowHost:                 c.NoShowHost + o.NoShowHost,
		NoShowGuest:                c.NoShowGuest + o.NoShowGuest,
		Started:                    c.Started + o.Started,
		MinutesBooked:              c.MinutesBooked + o.MinutesBooked,
		MinutesDelivered:           c.MinutesDelivered + o.MinutesDelivered,
		GroupExtraMinutesBooked:    c.GroupExtraMinutesBooked + o.GroupExtraMinutesBooked,
		GroupExtraMinutesDelivered: c.GroupExtraMinutesDelivered + o.GroupExtraMinutesDelivered,
		MinutesOffered:             c.MinutesOffered + o.MinutesOffered,
		CrossDept:                  c.CrossDept + o.CrossDept,
		ActiveLearners:             c.ActiveLearners + o.ActiveLearners,
		Ratings:                    c.Ratings + o.Ratings,
		RatingSum:                  c.RatingSum + o.RatingSum,
		Satisfied:                  c.Satisfied + o.Satisfied,
		Recommends:                 c.Recommends + o.Recommends,
		Promoters:                  c.Promoters + o.Promoters,
		Detractors:                 c.Detractors + o.Detractors,
		Requests:                   c.Requests + o.Requests,
		Matched:                    c.Matched + o.Matched,
		NewTies:                    c.NewTies + o.NewTies,
		CohortPairs:                c.CohortPairs + o.CohortPairs,
		CohortCrossPairs:           c.CohortCrossPairs + o.CohortCrossPairs,
		CohortNewPairs:             c.CohortNewPairs + o.CohortNewPairs,
		CohortSessions:             c.CohortSessions + o.CohortSessions,
		CohortMemberMinutes:        c.CohortMemberMinutes + o.CohortMemberMinutes,
		MatchMinutes:               slices.Concat(c.MatchMinutes, o.MatchMinutes),
	}
}

// Compute turns counters into the section 9 metrics (formulas in the comment above). It
// applies no privacy rule; Report does.
func Compute(c Counts, opts ...Option) Metrics {
	m := Metrics{
		Booked:        c.Booked,
		Completed:     c.Completed,
		Cancelled:     c.Cancelled,
		LateCancelled: c.LateCancelled,
		NoShowHost:    c.NoShowHost,
		NoShowGuest:   c.NoShowGuest,

		HoursBooked:    hours(c.MinutesBooked),
		HoursDelivered: hours(c.MinutesDelivered),
		HoursOffered:   hours(c.MinutesOffered),

		Requests:       c.Requests,
		Matched:        c.Matched,
		NewTies:        c.NewTies,
		ActiveLearners: c.ActiveLearners,

		UtilizationBooked:    ratio(c.MinutesBooked-c.GroupExtraMinutesBooked, c.MinutesOffered),
		UtilizationDelivered: ratio(c.MinutesDelivered-c.GroupExtraMinutesDelivered, c.MinutesOffered),
		CompletionRate:       ratio(c.Completed, c.Started),
		NoShowRateHost:       ratio(c.NoShowHost, c.Started),
		NoShowRateGuest:      ratio(c.NoShowGuest, c.Started),
		LateCancelRate:       ratio(c.LateCancelled, c.Booked),
		CSAT:                 ratio(c.Satisfied, c.Ratings),
		CrossFunctionalReach: ratio(c.CrossDept, c.Completed),
	}
	if c.Recommends > 0 {
		m.NPS = ptr(round(100*float64(c.Promoters-c.Detractors)/float64(c.Recommends), 2))
	}
	if c.Ratings > 0 {
		m.AverageRating = ptr(round(float64(c.RatingSum)/float64(c.Ratings), 2))
	}
	if med, ok := median(c.MatchMinutes); ok {
		m.TimeToMatchMedianHours = ptr(round(med/60, 2))
	}
	for _, o := range opts {
		o(&m)
	}
	return m
}

// median is the exact median of xs (the mean of the two middle values for an even count);
// ok is false for no values. xs is not modified.
func median(xs []int64) (med float64, ok bool) {
	n := len(xs)
	if n == 0 {
		return 0, false
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if n%2 == 1 {
		return float64(s[n/2]), true
	}
	return (float64(s[n/2-1]) + float64(s[n/2])) / 2, true
}

// ratio is num ÷ den rounded to 4 decimals, or nil when den is not positive.
func ratio(num, den int64) *float64 {
	if den <= 0 {
		return nil
	}
	return ptr(round(float64(num)/float64(den), 4))
}

func hours(minutes int64) float64 { return round(float64(minutes)/60, 2) }

func round(x float64, places int) float64 {
	p := math.Pow10(places)
	r := math.Round(x*p) / p
	if r == 0 {
		return 0 // never -0, which JSON would print as "-0"
	}
	return r
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func ptr(x float64) *float64 { return &x }
