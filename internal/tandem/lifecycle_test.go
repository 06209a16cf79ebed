package tandem

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// The booking lifecycle as lifecycle.go defines it: every step from every status, before the
// session starts and after it ends, for each party a step takes (cancel by the learner or the
// expert, a no-show of the host or the guest). An outcome is one of
//
//	ok       the step applies: the booking moves to the status in to
//	noop     the booking is already there: nil, nothing changes (a retry)
//	conflict EConflict with Detail.status = the effective status
//	limit    ELimitExceeded (reschedules used up)

var (
	lcStart = time.Date(2027, 3, 10, 14, 0, 0, 0, time.UTC)
	lcEnd   = lcStart.Add(30 * time.Minute)
	before  = lcStart.Add(-2 * time.Hour) // outside the late-cancel window of 1h used below
	after   = lcEnd.Add(time.Hour)
)

const lateWindow = time.Hour

type step struct {
	name string
	do   func(b *Booking, now time.Time) error
}

var steps = []step{
	{"cancel/learner", func(b *Booking, now time.Time) error { return b.Cancel("learner", "busy", lateWindow, now) }},
	{"cancel/expert", func(b *Booking, now time.Time) error { return b.Cancel("expert", "ill", lateWindow, now) }},
	{"reschedule", func(b *Booking, now time.Time) error { return b.Reschedule(lcStart.Add(24*time.Hour), now) }},
	{"confirm", func(b *Booking, now time.Time) error { return b.Confirm(now) }},
	{"decline", func(b *Booking, now time.Time) error { return b.Decline("no", now) }},
	{"expire", func(b *Booking, now time.Time) error { return b.Expire(now) }},
	{"complete", func(b *Booking, now time.Time) error { return b.Complete(now) }},
	{"no-show/host", func(b *Booking, now time.Time) error { return b.MarkNoShow(NoShowHost, now) }},
	{"no-show/guest", func(b *Booking, now time.Time) error { return b.MarkNoShow(NoShowGuest, now) }},
}

// states are the stored states a booking can be read in; "pending/lapsed" is pending with a
// hold that has passed (effectively expired).
func stateOf(name string, now time.Time) *Booking {
	b := &Booking{ID: "b1", Start: lcStart, End: lcEnd, SessionType: SessionType{ID: "intro", DurationMin: 30}, Sequence: 1}
	switch name {
	case "pending":
		b.Status, b.HoldUntil = StatusPending, now.Add(time.Hour)
	case "pending/lapsed":
		b.Status, b.HoldUntil = StatusPending, now.Add(-time.Minute)
	case "no_show/guest":
		b.Status, b.NoShow = StatusNoShow, NoShowGuest
	default:
		b.Status = BookingStatus(name)
	}
	return b
}

type outcome struct {
	kind string        // ok, noop, conflict, limit
	to   BookingStatus // for ok
}

func ok(to BookingStatus) outcome { return outcome{"ok", to} }

var (
	noop     = outcome{kind: "noop"}
	conflict = outcome{kind: "conflict"}
)

// want[state][when][step]; a step missing from a row is a conflict.
var want = map[string]map[string]map[string]outcome{
	"pending": {
		"before": {"cancel/learner": ok(StatusCancelled), "cancel/expert": ok(StatusCancelled), "reschedule": ok(StatusPending),
			"confirm": ok(StatusConfirmed), "decline": ok(StatusDeclined)},
		// Confirm and decline do not look at the clock: a hold that outlasts the session can
		// still be answered. Cancel and reschedule refuse once it has started.
		"after": {"confirm": ok(StatusConfirmed), "decline": ok(StatusDeclined)},
	},
	"pending/lapsed": {
		"before": {"expire": ok(StatusExpired)},
		"after":  {"expire": ok(StatusExpired)},
	},
	"confirmed": {
		"before": {"cancel/learner": ok(StatusCancelled), "cancel/expert": ok(StatusCancelled), "reschedule": ok(StatusConfirmed),
			"confirm": noop},
		"after": {"confirm": noop, "complete": ok(StatusCompleted), "no-show/host": ok(StatusNoShow), "no-show/guest": ok(StatusNoShow)},
	},
	"declined": {
		"before": {"decline": noop},
		"after":  {"decline": noop},
	},
	"expired": { // stored expired: Expire applies again (it rewrites the status)
		"before": {"expire": ok(StatusExpired)},
		"after":  {"expire": ok(StatusExpired)},
	},
	"cancelled": {
		"before": {"cancel/learner": noop, "cancel/expert": noop},
		"after":  {"cancel/learner": noop, "cancel/expert": noop},
	},
	"completed": {
		"before": {"complete": noop},
		"after":  {"complete": noop},
	},
	"no_show/guest": {
		"before": {"no-show/guest": noop},
		"after":  {"no-show/guest": noop},
	},
}

func TestLifecycleTransitions(t *testing.T) {
	for state, byWhen := range want {
		for when, row := range byWhen {
			now := before
			if when == "after" {
				now = after
			}
			for _, st := range steps {
				exp, listed := row[st.name]
				if !listed {
					exp = conflict
				}
				t.Run(fmt.Sprintf("%s/%s/%s", state, when, st.name), func(t *testing.T) {
					t.Parallel()
					b := stateOf(state, now)
					orig := *b
					effective := b.EffectiveStatus(now)
					err := st.do(b, now)
					switch exp.kind {
					case "ok":
						if err != nil {
							t.Fatalf("got %v, want the step to apply", err)
						}
						if b.Status != exp.to {
							t.Errorf("status %s, want %s", b.Status, exp.to)
						}
					case "noop":
						if err != nil {
							t.Fatalf("got %v, want a no-op", err)
						}
						if *b != orig {
							t.Errorf("a retry changed the booking:\n%+v\nwas\n%+v", *b, orig)
						}
					case "conflict":
						var e *Error
						if !errors.As(err, &e) || e.Code != EConflict {
							t.Fatalf("got %v, want a conflict", err)
						}
						if e.Detail["status"] != effective || e.Message == "" {
							t.Errorf("conflict %q with Detail %v, want a message and status %s", e.Message, e.Detail, effective)
						}
						if *b != orig {
							t.Errorf("a refused step changed the booking")
						}
					}
				})
			}
		}
	}
}

// What each applied step records besides the status.
func TestLifecycleEffects(t *testing.T) {
	t.Run("cancel records who and why, late inside the window", func(t *testing.T) {
		for _, tc := range []struct {
			now  time.Time
			late bool
		}{{before, false}, {lcStart.Add(-lateWindow + time.Minute), true}, {lcStart.Add(-lateWindow), false}} {
			b := stateOf("confirmed", tc.now)
			if err := b.Cancel("expert", "ill", lateWindow, tc.now); err != nil {
				t.Fatal(err)
			}
			if b.CancelledBy != "expert" || b.CancelReason != "ill" || b.LateCancel != tc.late || b.Sequence != 2 {
				t.Errorf("at %v: %+v, want cancelled by expert, late=%v, sequence 2", tc.now, b, tc.late)
			}
		}
	})
	t.Run("cancel at the start is refused", func(t *testing.T) {
		b := stateOf("confirmed", lcStart)
		if err := b.Cancel("learner", "", lateWindow, lcStart); ErrorCode(err) != EConflict {
			t.Errorf("got %v, want a conflict", err)
		}
	})
	t.Run("reschedule moves the span and counts", func(t *testing.T) {
		b := stateOf("confirmed", before)
		to := lcStart.Add(26 * time.Hour)
		if err := b.Reschedule(to, before); err != nil {
			t.Fatal(err)
		}
		if !b.Start.Equal(to) || !b.End.Equal(to.Add(30*time.Minute)) || b.Reschedules != 1 || b.Sequence != 2 {
			t.Errorf("%+v", b)
		}
		if err := b.Reschedule(to, before); err != nil || b.Reschedules != 1 {
			t.Errorf("the same start again: %v, reschedules %d; want a no-op", err, b.Reschedules)
		}
	})
	t.Run("reschedule is limited", func(t *testing.T) {
		b := stateOf("confirmed", before)
		b.Reschedules = MaxReschedules
		err := b.Reschedule(lcStart.Add(time.Hour), before)
		var e *Error
		if !errors.As(err, &e) || e.Code != ELimitExceeded || e.Detail["limit"] != "reschedules" {
			t.Errorf("got %v, want limit_exceeded (limit: reschedules)", err)
		}
		if err := b.Reschedule(lcStart, before); err != nil {
			t.Errorf("the current start is a no-op even at the limit: %v", err)
		}
	})
	t.Run("confirm drops the hold; decline records why", func(t *testing.T) {
		b := stateOf("pending", before)
		if err := b.Confirm(before); err != nil || !b.HoldUntil.IsZero() || b.Sequence != 1 {
			t.Errorf("confirm: %v, %+v", err, b)
		}
		b = stateOf("pending", before)
		if err := b.Decline("full", before); err != nil || b.CancelReason != "full" || b.Sequence != 2 {
			t.Errorf("decline: %v, %+v", err, b)
		}
	})
	t.Run("no-show records who; the other party is refused", func(t *testing.T) {
		b := stateOf("confirmed", after)
		if err := b.MarkNoShow(NoShowHost, after); err != nil || b.NoShow != NoShowHost {
			t.Fatalf("%v, %+v", err, b)
		}
		if err := b.MarkNoShow(NoShowGuest, after); ErrorCode(err) != EConflict {
			t.Errorf("the other party after a no-show: %v, want a conflict", err)
		}
	})
	t.Run("a lapsed hold is expired before anything rewrites it", func(t *testing.T) {
		b := stateOf("pending/lapsed", before)
		if b.EffectiveStatus(before) != StatusExpired || b.EffectiveStatus(b.HoldUntil.Add(-time.Second)) != StatusPending {
			t.Error("EffectiveStatus")
		}
		if StatusPending.Live() != true || StatusConfirmed.Live() != true || StatusExpired.Live() || StatusCancelled.Live() {
			t.Error("Live")
		}
	})
}
