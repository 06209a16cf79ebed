package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Change describes one lifecycle step. Apply checks the booking's current state (as of now)
// and mutates it; it returns a conflict error for an illegal transition. The store then
// writes the booking back conditioned on the version it read, together with the side
// effects the status change implies (releasing cells, counters, due entries), in one
// transaction. A concurrent change makes it re-read and re-apply, so two transitions can
// never both win (confirm vs decline, cancel vs reschedule).
type Change struct {
	Apply func(b *tandem.Booking, now time.Time) error
	// Reschedule, when set, moves the booking's cells and counters to the new span after
	// Apply has set the new Start and End.
	Reschedule *RescheduleLimits
	// ReleaseSeat decides what giving up a live seat does to its circle, from the circle's
	// counts read in the same attempt (the use case's rule). A change that can give up a seat
	// must set it.
	ReleaseSeat func(c tandem.Circle) SeatRelease
}

// SeatRelease is the use case's decision about a live seat given up: either the circle
// dissolves (its entries, the expert's cells and limit counters; conditioned on its counts
// being as read), or the seat goes back to the counter (conditioned on it not being the last
// one with nobody waiting) and, with Offer, a due entry asks the scheduler to offer it to
// whoever waits. Either way a concurrent change makes the transition re-read and re-decide.
type SeatRelease struct {
	Dissolve bool
	Offer    bool
}

// RescheduleLimits are the counter keys and limits for the new start of a reschedule.
type RescheduleLimits struct {
	DayKey, WeekKey       string
	MaxPerDay, MaxPerWeek int
	// Budget is the org's budget now: a booking that drew on a budget moves its draw to the
	// new start's period (checked against today's caps) when the period changes.
	Budget *tandem.Budget
	// budgetParts are the new draw's parts once planned (budget.go); nil: the home shard.
	budgetParts [2][]budgetPart
}

// UpdateBooking applies change to the booking and writes it with its side effects in one
// transaction (after one consistent read). Errors: not_found, conflict (Detail.status is the
// current status; Detail.conflict for a reschedule into a busy time), limit_exceeded.
func (s *Store) UpdateBooking(ctx context.Context, org, id string, change Change) (_ *tandem.Booking, err error) {
	defer tandem.Wrap(&err, "Store.UpdateBooking(%q)", id)
	for attempt := 0; ; attempt++ {
		it, err := s.getBookingItem(ctx, org, id)
		if err != nil {
			return nil, err
		}
		var circle *busyItem
		if it.CircleID != "" {
			// A seat's release depends on the circle's counts (dissolve or hand back).
			if circle, err = s.getCircleBusy(ctx, org, it.Expert.ID, parseKeyTime(it.Start), it.CircleID); err != nil {
				return nil, err
			}
		}
		before := it.toDomain()
		after := it.toDomain()
		now := s.now()
		if err := change.Apply(after, now); err != nil {
			return nil, err
		}
		tx, err := s.transitionTx(it, before, after, change, circle, now)
		if err != nil {
			return nil, err
		}
		failed, err := s.commit(ctx, tx, "")
		if failed == nil && err == nil {
			return after, nil
		}
		if failed == nil {
			return nil, err
		}
		// A condition on the booking itself or on a cell we meant to release means someone
		// else changed things since our read: read again and re-decide.
		if (failed.kind == "state" || failed.kind == "release") && attempt < 3 {
			continue
		}
		// Seats of one circle come and go together: re-read its counts and try again.
		if failed.kind == "circle_release" && attempt < 12 {
			continue
		}
		// The moved draw's home shard was short: plan it over the shards from the groups as
		// they are (the true refusal if the period has no room) and try again.
		if (failed.kind == kindBudgetOrg || failed.kind == kindBudgetDepartment) && change.Reschedule != nil && attempt < planRounds {
			if draw := drawFor(after, change.Reschedule.Budget, [2][]budgetPart{}); draw != nil {
				if err := s.planDraw(ctx, org, draw, nil); err != nil {
					return nil, err
				}
				rs := *change.Reschedule
				rs.budgetParts = draw.parts
				change.Reschedule = &rs
				continue
			}
		}
		return nil, explain(failed)
	}
}

func (s *Store) transitionTx(old *bookingItem, before, after *tandem.Booking, change Change, circle *busyItem, now time.Time) (*txBuilder, error) {
	rs := change.Reschedule
	tx := newTx(s.table)
	item := bookingItemFrom(after, now)
	item.DayCounter, item.WeekCounter, item.ActiveCounted = old.DayCounter, old.WeekCounter, old.ActiveCounted
	item.BudgetPeriod, item.BudgetDepartment, item.BudgetMin, item.BudgetParts = old.BudgetPeriod, old.BudgetDepartment, old.BudgetMin, old.BudgetParts
	item.IdemHash, item.Answered = old.IdemHash, old.answered()
	org, id := old.Org, old.ID
	wasLive := before.EffectiveStatus(now).Live()
	// A hold that lapsed no longer owns its cells (another booking may have taken them).
	ownsCells := before.Status == tandem.StatusConfirmed || (before.Status == tandem.StatusPending && wasLive)
	seat := old.CircleID != ""
	switch {
	case rs != nil && seat:
		return nil, tandem.Errorf(tandem.EConflict, "A seat in a group session cannot be moved; cancel it and book another.")
	case rs != nil:
		if err := s.moveParts(tx, &item, before, after, rs, now); err != nil {
			return nil, err
		}
	case before.Status == tandem.StatusPending && after.Status == tandem.StatusConfirmed:
		tx.delete("due", duePK(before.HoldUntil), dueSK(org, id, "HOLD"), "", nil)
		if !seat { // a seat's expert time is the circle's, never held pending
			tx.update("busy", expertPK(org, after.Expert.ID), busySK(after.Start, id), "REMOVE holdUntil", "attribute_exists(PK)", nil, nil)
			lo, hi := expertSpan(after)
			tx.confirmSpan(expertLocks(org, after.Expert.ID), lo, hi, id)
		}
		lo, hi := learnerSpan(after)
		tx.confirmSpan(learnerLocks(org, after.Learner.ID), lo, hi, id)
	case before.Status.Live() && !after.Status.Live():
		ended := after.Status == tandem.StatusCompleted || after.Status == tandem.StatusNoShow
		if !ended {
			// Cancelled, declined or expired: give the time back (a seat gives its seat back).
			if seat {
				if err := releaseSeat(tx, org, circle, before.Expert.ID, change.ReleaseSeat, now); err != nil {
					return nil, err
				}
			} else {
				tx.delete("busy", expertPK(org, before.Expert.ID), busySK(before.Start, id), "", nil)
			}
			if ownsCells {
				if !seat {
					lo, hi := expertSpan(before)
					tx.releaseSpan(expertLocks(org, before.Expert.ID), lo, hi, id)
				}
				lo, hi := learnerSpan(before)
				tx.releaseSpan(learnerLocks(org, before.Learner.ID), lo, hi, id)
			}
			if item.DayCounter != "" {
				tx.decrement("counter", expertPK(org, before.Expert.ID), item.DayCounter)
			}
			if item.WeekCounter != "" {
				tx.decrement("counter", expertPK(org, before.Expert.ID), item.WeekCounter)
			}
			// The budget is given back, except for a learner's late cancellation: the
			// expert's time was blocked until too late to offer it to someone else.
			if !(after.LateCancel && after.CancelledBy == "learner") {
				tx.refundBudget(&item)
			}
		}
		if item.ActiveCounted {
			tx.decrement("counter", userPK(org, before.Learner.ID), skActive)
		}
		tx.delete("due", duePK(before.End), dueSK(org, id, "END"), "", nil)
		if !before.HoldUntil.IsZero() {
			tx.delete("due", duePK(before.HoldUntil), dueSK(org, id, "HOLD"), "", nil)
		}
	}
	if err := tx.put("state", item, "version = :v", map[string]types.AttributeValue{":v": num(old.Version)}); err != nil {
		return nil, err
	}
	return tx, nil
}

// moveParts releases the old span and takes the new one: cells only where they differ (a
// cell in both spans stays), the busy and due entries, the counters if the day or week
// changed, and the budget draw if the budget period changed.
func (s *Store) moveParts(tx *txBuilder, item *bookingItem, before, after *tandem.Booking, rs *RescheduleLimits, now time.Time) error {
	org, id := before.OrgID, before.ID
	hold := int64(0)
	if after.Status == tandem.StatusPending && !after.HoldUntil.IsZero() {
		hold = after.HoldUntil.Unix()
	}
	tx.delete("busy", expertPK(org, before.Expert.ID), busySK(before.Start, id), "", nil)
	st := after.SessionType
	_ = tx.put("busy", busyItem{PK: expertPK(org, after.Expert.ID), SK: busySK(after.Start, id), Type: typeBusy, BookingID: id,
		Start: timeKey(after.Start), End: timeKey(after.End), BufferBefore: st.BufferBeforeMin, BufferAfter: st.BufferAfterMin,
		HoldUntil: hold, ExpiresAt: after.End.Add(60 * 24 * time.Hour).Unix()}, "attribute_not_exists(PK)", nil)
	if duePK(before.End) != duePK(after.End) {
		tx.delete("due", duePK(before.End), dueSK(org, id, "END"), "", nil)
		_ = tx.put("due", dueItem{PK: duePK(after.End), SK: dueSK(org, id, "END"), Type: typeDue, Org: org, BookingID: id}, "", nil)
	}
	oldLo, oldHi := expertSpan(before)
	newLo, newHi := expertSpan(after)
	tx.moveSpan(expertLocks(org, after.Expert.ID), oldLo, oldHi, newLo, newHi, id, hold, now)
	oldLo, oldHi = learnerSpan(before)
	newLo, newHi = learnerSpan(after)
	tx.moveSpan(learnerLocks(org, after.Learner.ID), oldLo, oldHi, newLo, newHi, id, hold, now)
	expert := expertPK(org, after.Expert.ID)
	move := func(kind txKind, oldKey *string, newKey string, max int) {
		if max <= 0 {
			newKey = ""
		}
		if *oldKey == newKey {
			return
		}
		if *oldKey != "" {
			tx.decrement("counter", expert, *oldKey)
		}
		if newKey != "" {
			tx.increment(kind, expert, newKey, max)
		}
		*oldKey = newKey
	}
	move("day", &item.DayCounter, dayCounterSK(rs.DayKey), rs.MaxPerDay)
	move("week", &item.WeekCounter, weekCounterSK(rs.WeekKey), rs.MaxPerWeek)
	if item.BudgetMin > 0 {
		draw := drawFor(after, rs.Budget, rs.budgetParts)
		if draw == nil || draw.period != item.BudgetPeriod {
			tx.refundBudget(item)
			item.BudgetPeriod, item.BudgetDepartment, item.BudgetMin, item.BudgetParts = "", "", 0, ""
			if draw != nil {
				if err := draw.tooBig(); err != nil {
					return err
				}
				tx.drawBudget(org, draw)
				draw.record(item)
			}
		}
	}
	return nil
}
