package streams

import (
	"time"

	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// A contribution is what one state of an item adds to the aggregates. A change adds
// contribution(new) − contribution(old), so however the records of one item are ordered or
// interleaved, the sum of the applied changes telescopes to contribution(latest) −
// contribution(none): the aggregates equal a recount from the items as they are.
type contribution map[cell]map[string]int64

type cell struct {
	month string
	group analytics.Group
}

func (c contribution) add(month string, g analytics.Group, field string, n int64) {
	if n == 0 {
		return
	}
	k := cell{month, g}
	if c[k] == nil {
		c[k] = map[string]int64{}
	}
	c[k][field] += n
}

func orgGroup() analytics.Group { return analytics.Group{Kind: "org"} }
func deptGroup(d string) analytics.Group {
	if d == "" {
		d = "Unknown"
	}
	return analytics.Group{Kind: "department", Key: d, Name: d}
}
func expertGroup(p tandem.Party) analytics.Group {
	return analytics.Group{Kind: "expert", Key: p.ID, Name: p.Name}
}

// bookingContribution: booked counts every booking made and not declined or expired
// (cancelled ones included); minutes booked leave cancelled ones out; started is the
// concluded sessions (completed or no-show) that completion and no-show rates divide by.
func bookingContribution(b *tandem.Booking) contribution {
	c := contribution{}
	if b == nil {
		return c
	}
	month := dynamo.MonthOf(b.Start)
	minutes := int64(b.End.Sub(b.Start) / time.Minute)
	f := map[string]int64{}
	switch b.Status {
	case tandem.StatusConfirmed:
		f["booked"], f["minutesBooked"] = 1, minutes
	case tandem.StatusCompleted:
		f["booked"], f["minutesBooked"], f["completed"], f["minutesDelivered"], f["started"] = 1, minutes, 1, minutes, 1
		if b.Learner.Department != b.Expert.Department {
			f["crossDept"] = 1
		}
	case tandem.StatusNoShow:
		f["booked"], f["minutesBooked"], f["started"] = 1, minutes, 1
		if b.NoShow == tandem.NoShowHost {
			f["noShowHost"] = 1
		} else {
			f["noShowGuest"] = 1
		}
	case tandem.StatusCancelled:
		f["booked"], f["cancelled"] = 1, 1
		if b.LateCancel {
			f["lateCancelled"] = 1
		}
	}
	if seats := int64(b.SessionType.Seats); b.CircleID != "" && seats > 1 {
		// A seat uses only its share of the expert's time (analytics.Counts).
		extra := minutes - minutes/seats
		if f["minutesBooked"] > 0 {
			f["groupExtraMinutesBooked"] = extra
		}
		if f["minutesDelivered"] > 0 {
			f["groupExtraMinutesDelivered"] = extra
		}
	}
	for _, g := range []analytics.Group{orgGroup(), deptGroup(b.Learner.Department), expertGroup(b.Expert)} {
		for k, n := range f {
			c.add(month, g, k, n)
		}
	}
	if b.Status == tandem.StatusCompleted {
		c.add(month, analytics.Group{Kind: "edge", Key: deptGroup(b.Learner.Department).Key + "#" + deptGroup(b.Expert.Department).Key}, "completed", 1)
	}
	return c
}

// feedbackContribution: a learner's rating and recommendation count in the month of the
// session, for the org, the learner's department and the expert.
func feedbackContribution(f *dynamo.FeedbackFact) contribution {
	c := contribution{}
	if f == nil || f.Feedback.Rating == 0 {
		return c
	}
	month := dynamo.MonthOf(f.SessionStart)
	r, rec := int64(f.Feedback.Rating), f.Feedback.Recommend
	fields := map[string]int64{"ratings": 1, "ratingSum": r, "recommends": 1}
	if r >= 4 {
		fields["satisfied"] = 1
	}
	switch {
	case rec >= 9:
		fields["promoters"] = 1
	case rec <= 6:
		fields["detractors"] = 1
	}
	expert := analytics.Group{Kind: "expert", Key: f.Feedback.ExpertID}
	for _, g := range []analytics.Group{orgGroup(), deptGroup(f.LearnerDepartment), expert} {
		for k, n := range fields {
			c.add(month, g, k, n)
		}
	}
	return c
}

// requestContribution: requests count in the month they were made, for the org and the
// learner's department; matched once they have a first booking.
func requestContribution(r *tandem.LearnerRequest) contribution {
	c := contribution{}
	if r == nil {
		return c
	}
	month := dynamo.MonthOf(r.CreatedAt)
	for _, g := range []analytics.Group{orgGroup(), deptGroup(r.LearnerDepartment)} {
		c.add(month, g, "requests", 1)
		if !r.MatchedAt.IsZero() {
			c.add(month, g, "matched", 1)
		}
	}
	return c
}

// minus returns new − old as aggregate additions (zero cells dropped).
func minus(newC, oldC contribution) []dynamo.AggAdd {
	diff := map[cell]map[string]int64{}
	for k, fields := range newC {
		for f, n := range fields {
			if diff[k] == nil {
				diff[k] = map[string]int64{}
			}
			diff[k][f] += n
		}
	}
	for k, fields := range oldC {
		for f, n := range fields {
			if diff[k] == nil {
				diff[k] = map[string]int64{}
			}
			diff[k][f] -= n
		}
	}
	var adds []dynamo.AggAdd
	for k, fields := range diff {
		nonzero := map[string]int64{}
		for f, n := range fields {
			if n != 0 {
				nonzero[f] = n
			}
		}
		if len(nonzero) > 0 {
			adds = append(adds, dynamo.AggAdd{Month: k.month, Group: k.group, Fields: nonzero})
		}
	}
	return adds
}
