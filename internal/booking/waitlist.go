package booking

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"golang.org/x/sync/errgroup"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Why a learner first in line was skipped (tandem.CircleMember.SkipReason).
const (
	SkipBusy        = "busy"         // they have another session at that time
	SkipActiveLimit = "active_limit" // they hold as many upcoming sessions as they may
	SkipBudget      = "budget"       // the budget does not cover the session
	SkipCancelled   = "cancelled"    // the expert called the circle off
)

// next is what to do with a circle's waitlist, given its counts and the first in line.
type next int

const (
	stop     next = iota // no seat is free, the circle is being called off, or nobody is in line
	dissolve             // nobody holds a seat and nobody waits: free the expert's time
	offer                // offer a free seat to the first in line
)

// decideNext is the promotion rule.
func decideNext(c *tandem.Circle, first []tandem.Waiter) next {
	switch {
	case c.Cancelled || c.Taken >= c.Seats:
		return stop
	case c.Waiting == 0:
		if c.Taken == 0 {
			return dissolve
		}
		return stop
	case len(first) == 0:
		return stop // the count is ahead of the list (a place being written): the due entry retries
	}
	return offer
}

// skipReason is why a learner cannot take an offered seat, from the failed condition the store
// reports; "" for any other error.
func skipReason(err error) string {
	var e *tandem.Error
	if !errors.As(err, &e) {
		return ""
	}
	switch {
	case e.Code == tandem.EConflict && e.Detail["conflict"] == "learner_busy":
		return SkipBusy
	case e.Code == tandem.ELimitExceeded && e.Detail["limit"] == "active":
		return SkipActiveLimit
	case e.Code == tandem.ELimitExceeded: // budget_org, budget_department, or longer than a period
		return SkipBudget
	}
	return ""
}

// offerID is the id of the seat offered to the waiter with key in circle id: the same for
// every promoter, so two offering at once collide on it and one looks again.
func offerID(circleID, key string) string {
	h := sha256.New()
	for _, p := range []string{circleID, key} {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return "o" + hex.EncodeToString(h.Sum(nil))[:25]
}

// PromoteWaitlist offers the circle's free seats to the first learners on its waitlist, in
// order, and skips (with the reason) a learner who can no longer take one. Each offer is one
// transaction that the store conditions on what was read, so it is safe to run concurrently
// and repeatedly: it stops when no seat is free or nobody waits, and dissolves the circle
// when nobody holds a seat and nobody waits. It returns the offers made.
//
// Places still queued (dynamo.Store.FoldWaitlist) are counted before anyone is offered a
// seat, so the first in line is offered first even if their place was written last.
//
// Round trips: the settings (budget) and the circle's facts in parallel; then per offer the
// counts, the first place and the queue (counted when it is not empty) in parallel, and one
// write.
func (s *Service) PromoteWaitlist(ctx context.Context, org, circleID string) (_ []*tandem.Booking, err error) {
	defer tandem.Wrap(&err, "booking.PromoteWaitlist(%q)", circleID)
	var (
		settings tandem.OrgSettings
		c        *tandem.Circle
		g        errgroup.Group
	)
	g.Go(func() (err error) { settings, err = s.store.GetSettings(ctx, org); return err })
	g.Go(func() (err error) { c, err = s.store.CircleFacts(ctx, org, circleID); return err })
	if err := g.Wait(); err != nil {
		if tandem.ErrorCode(err) == tandem.ENotFound {
			return nil, nil // dissolved
		}
		return nil, err
	}
	var offered []*tandem.Booking
	for attempt := 0; attempt < 50; attempt++ {
		var (
			g       errgroup.Group
			first   []tandem.Waiter
			counted bool
		)
		g.Go(func() (err error) { first, err = s.store.Waitlist(ctx, org, circleID, 1); return err })
		g.Go(func() (err error) { counted, err = s.store.FoldWaitlist(ctx, c); return err })
		err := s.store.CircleCounts(ctx, c)
		errList := g.Wait()
		if tandem.ErrorCode(err) == tandem.ENotFound || tandem.ErrorCode(errList) == tandem.ENotFound {
			return offered, nil
		}
		if err == nil {
			err = errList
		}
		if err != nil {
			return offered, err
		}
		if counted {
			continue // the counts and the first in line were read before the queue was counted
		}
		switch decideNext(c, first) {
		case stop:
			return offered, nil
		case dissolve:
			return offered, s.store.DissolveEmpty(ctx, c)
		}
		w := first[0]
		now := s.now()
		b := &tandem.Booking{ID: offerID(circleID, w.Key), OrgID: org, Expert: c.Expert, Learner: w.Learner,
			SessionType: c.SessionType, Start: c.Start, End: c.End, Status: tandem.StatusPending, Note: w.Note,
			MeetingURL: c.MeetingURL, CircleID: circleID, Offer: true, HoldUntil: c.OfferUntil(now)}
		stale, err := s.store.OfferSeat(ctx, dynamo.SeatOffer{Circle: c, Waiter: w, Booking: b,
			ActiveLimit: tandem.DefaultActiveLimit, Budget: settings.Budget})
		switch reason := skipReason(err); {
		case reason != "":
			if err := s.store.SkipWaiter(ctx, c, w, reason); err != nil {
				return offered, err
			}
		case err != nil:
			return offered, err
		case !stale:
			offered = append(offered, b)
		}
		// Stale: someone else promoted or left meanwhile; look again.
	}
	return offered, nil
}
