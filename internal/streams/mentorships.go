package streams

import (
	"context"
	"time"

	"github.com/tandemhq/tandem/internal/analytics"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Mentorship figures (analytics/mentorships.go), kept in the org's MENTORSHIPS partition for
// the org and the learner's department.
//
//   - A mentorship's own state (status, stalled, activated, across departments) is a
//     contribution like a booking's: contribution(new) − contribution(old) with the marker
//     M#<id>#v<version>.<health writes>: health is stored without a new version
//     (SetMentorshipHealth), so its writes are counted apart to name each state once.
//   - A session held belongs to a mentorship only through the mentorship's occurrences (the
//     booking does not name it). Both sides meet in a join fact per booking (MJOIN#<booking>):
//     the mentorship record writes which mentorship (and its department and activation), the
//     booking record that it was held (its start). Whichever finds the other already there
//     counts the session, once (Counted), together with the mentorship's running count and
//     earliest session (MSTATE#<id>), which move its sessions-per-pair and time-to-first
//     buckets. Every write is guarded by the version read, so racing records re-read.
//   - A check-in (never changed once put) moves the mentorship's first or last check-in
//     (MPROG#<id>) when it is earlier or later, and the mentorship's record gives it the
//     learner's department; the goal-change buckets move by contribution(new) −
//     contribution(old) of that fact. First and last are a minimum and a maximum:
//     redelivered or reordered check-ins end in the same place.

const factAttempts = 8

func mentorshipGroups(dept string) []analytics.Group {
	return []analytics.Group{orgGroup(), deptGroup(dept)}
}

// mentorshipContribution is what one state of a mentorship item adds.
func mentorshipContribution(m *tandem.Mentorship) contribution {
	c := contribution{}
	if m == nil {
		return c
	}
	f := map[string]int64{}
	switch m.Status {
	case tandem.MentorshipProposed:
		f[analytics.MProposed] = 1
	case tandem.MentorshipActive:
		f[analytics.MActive] = 1
		if m.Health == "stalled" {
			f[analytics.MStalled] = 1
		}
	case tandem.MentorshipPaused:
		f[analytics.MPaused] = 1
	case tandem.MentorshipClosed:
		f[analytics.MClosed] = 1
	}
	if !m.ActivatedAt.IsZero() {
		f[analytics.MPairs] = 1
		if analytics.MentorshipDept(m.Learner.Department) != analytics.MentorshipDept(m.Expert.Department) {
			f[analytics.MCrossDeptPairs] = 1
		}
	}
	for _, g := range mentorshipGroups(m.Learner.Department) {
		for k, n := range f {
			c.add(dynamo.MentorshipAggregates, g, k, n)
		}
	}
	return c
}

func mentorship(ctx context.Context, store *dynamo.Store, c *dynamo.StreamChange) error {
	nw, old := c.NewMentorship, c.OldMentorship
	if nw == nil {
		return nil // mentorships are never deleted
	}
	if adds := minus(mentorshipContribution(nw), mentorshipContribution(old)); len(adds) > 0 {
		marker := "M#" + nw.ID + "#" + c.MentorshipRev
		if _, err := store.ApplyStep(ctx, dynamo.AggStep{Org: c.Org, Marker: marker, Adds: adds}); err != nil {
			return err
		}
	}
	dept := analytics.MentorshipDept(nw.Learner.Department)
	if err := updateProgress(ctx, store, c.Org, nw.ID, func(st *dynamo.AggFact) bool {
		if st.Department != "" {
			return false
		}
		st.Department = dept
		return true
	}); err != nil {
		return err
	}
	if nw.ActivatedAt.IsZero() {
		return nil
	}
	known := map[string]bool{}
	if old != nil {
		for _, o := range old.Occurrences {
			known[o.BookingID] = true
		}
	}
	// Each booking id first appears in one version of the mentorship; that record links it.
	for _, o := range nw.Occurrences {
		if o.BookingID == "" || known[o.BookingID] {
			continue
		}
		known[o.BookingID] = true
		if err := joinSession(ctx, store, c.Org, o.BookingID, func(f *dynamo.AggFact) bool {
			if f.Mentorship != "" {
				return false
			}
			f.Mentorship, f.Department, f.ActivatedAt = nw.ID, dept, nw.ActivatedAt.UTC().Format(time.RFC3339)
			return true
		}); err != nil {
			return err
		}
	}
	return nil
}

// heldSession records that a booking was held (completed); the session counts for its
// mentorship, if it has one, once the mentorship's record linked it.
func heldSession(ctx context.Context, store *dynamo.Store, org string, b *tandem.Booking) error {
	return joinSession(ctx, store, org, b.ID, func(f *dynamo.AggFact) bool {
		if f.HeldStart != "" {
			return false
		}
		f.HeldStart = b.Start.UTC().Format(time.RFC3339)
		return true
	})
}

// joinSession sets one side of a booking's join and, when both sides are there and the
// session was not counted yet, counts it in the same transaction.
func joinSession(ctx context.Context, store *dynamo.Store, org, bookingID string, set func(*dynamo.AggFact) bool) error {
	key := "MJOIN#" + bookingID
	for range factAttempts {
		cur, err := store.GetAggFact(ctx, org, key)
		if err != nil {
			return err
		}
		var prev int64
		next := dynamo.AggFact{}
		if cur != nil {
			prev, next = cur.Version, *cur
		}
		if !set(&next) {
			return nil // this side was recorded before (and counted if it could be)
		}
		writes := []dynamo.FactWrite{{Key: key, Prev: prev, Fact: next}}
		var adds []dynamo.AggAdd
		if next.Mentorship != "" && next.HeldStart != "" && !next.Counted {
			w, a, err := countSession(ctx, store, org, next)
			if err != nil {
				return err
			}
			writes[0].Fact.Counted = true
			writes, adds = append(writes, w), a
		}
		ok, err := store.CommitAggFacts(ctx, org, writes, adds)
		if err != nil || ok {
			return err
		}
	}
	return tandem.Errorf(tandem.EConflict, "The mentorship figures kept changing; retry.")
}

// countSession is the change of the mentorship's state and buckets for one more session held.
func countSession(ctx context.Context, store *dynamo.Store, org string, j dynamo.AggFact) (dynamo.FactWrite, []dynamo.AggAdd, error) {
	key := "MSTATE#" + j.Mentorship
	cur, err := store.GetAggFact(ctx, org, key)
	if err != nil {
		return dynamo.FactWrite{}, nil, err
	}
	st := dynamo.AggFact{}
	var prev int64
	if cur != nil {
		prev, st = cur.Version, *cur
	}
	start, activated := parseStamp(j.HeldStart), parseStamp(j.ActivatedAt)
	f := map[string]int64{analytics.MHeldSessions: 1, analytics.HeldField(st.Held + 1): 1}
	if st.Held > 0 {
		f[analytics.HeldField(st.Held)]--
	}
	days := analytics.TTFDays(activated, start)
	switch {
	case st.Held == 0:
		f[analytics.MFirstPairs], f[analytics.MTTFDaysSum], f[analytics.TTFField(days)] = 1, days, 1
		st.FirstHeld = j.HeldStart
	case start.Before(parseStamp(st.FirstHeld)): // an earlier session turned up later
		was := analytics.TTFDays(activated, parseStamp(st.FirstHeld))
		f[analytics.MTTFDaysSum] += days - was
		f[analytics.TTFField(was)]--
		f[analytics.TTFField(days)]++
		st.FirstHeld = j.HeldStart
	}
	st.Held++
	var adds []dynamo.AggAdd
	for _, g := range mentorshipGroups(j.Department) {
		adds = append(adds, dynamo.AggAdd{Month: dynamo.MentorshipAggregates, Group: g, Fields: f})
	}
	return dynamo.FactWrite{Key: key, Prev: prev, Fact: st}, adds, nil
}

// checkIn moves the mentorship's first or last check-in, if it is earlier or later.
func checkIn(ctx context.Context, store *dynamo.Store, c *dynamo.StreamChange) error {
	ci := c.NewCheckIn
	if ci == nil || c.CheckInMentorship == "" {
		return nil
	}
	at := ci.At.UTC().Format(time.RFC3339Nano)
	return updateProgress(ctx, store, c.Org, c.CheckInMentorship, func(st *dynamo.AggFact) bool {
		changed := false
		first := &tandem.CheckIn{ID: st.FirstID, At: parseStamp(st.FirstAt), Seq: st.FirstSeq}
		if st.FirstID == "" || ci.Before(first) {
			st.FirstAt, st.FirstID, st.FirstSeq, st.FirstRatings, changed = at, ci.ID, ci.Seq, ci.Ratings, true
		}
		last := &tandem.CheckIn{ID: st.LastID, At: parseStamp(st.LastAt), Seq: st.LastSeq}
		if st.LastID == "" || last.Before(ci) {
			st.LastAt, st.LastID, st.LastSeq, st.LastRatings, changed = at, ci.ID, ci.Seq, ci.Ratings, true
		}
		return changed
	})
}

// updateProgress changes a mentorship's progress fact and applies contribution(new) −
// contribution(old) of it. The learner's department comes from the mentorship's record
// (a check-in does not carry it): until it is known the fact contributes nothing.
func updateProgress(ctx context.Context, store *dynamo.Store, org, mentorshipID string, change func(*dynamo.AggFact) bool) error {
	key := "MPROG#" + mentorshipID
	for range factAttempts {
		cur, err := store.GetAggFact(ctx, org, key)
		if err != nil {
			return err
		}
		var prev int64
		st := dynamo.AggFact{}
		if cur != nil {
			prev, st = cur.Version, *cur
		}
		before := progressContribution(st)
		if !change(&st) {
			return nil
		}
		adds := minus(progressContribution(st), before)
		ok, err := store.CommitAggFacts(ctx, org, []dynamo.FactWrite{{Key: key, Prev: prev, Fact: st}}, adds)
		if err != nil || ok {
			return err
		}
	}
	return tandem.Errorf(tandem.EConflict, "The mentorship figures kept changing; retry.")
}

// progressContribution is what a mentorship's first and last check-in contribute, once its
// department is known: nothing while first and last are the same check-in.
func progressContribution(st dynamo.AggFact) contribution {
	c := contribution{}
	if st.Department == "" || st.FirstID == "" || st.FirstID == st.LastID {
		return c
	}
	for _, g := range mentorshipGroups(st.Department) {
		c.add(dynamo.MentorshipAggregates, g, analytics.MProgressPairs, 1)
		for _, d := range analytics.GoalDeltas(st.FirstRatings, st.LastRatings) {
			c.add(dynamo.MentorshipAggregates, g, analytics.MGoalsRated, 1)
			c.add(dynamo.MentorshipAggregates, g, analytics.MGoalDeltaSum, int64(d))
			c.add(dynamo.MentorshipAggregates, g, analytics.GoalField(d), 1)
		}
	}
	return c
}

func parseStamp(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
