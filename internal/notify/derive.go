package notify

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// FormatTime is an instant as people read it in zone: "Mon 7 Dec 2026, 15:00 GMT (UTC+00:00)".
func FormatTime(t time.Time, zone *time.Location) string {
	l := t.In(zone)
	return l.Format("Mon 2 Jan 2006, 15:04 MST") + " (UTC" + l.Format("-07:00") + ")"
}

func bookingPath(b *tandem.Booking) string { return "/bookings/" + b.ID }

// booking derives the notifications of a booking's change (old → new).
func (c *Consumer) booking(ctx context.Context, ch *dynamo.StreamChange) error {
	nw, old := ch.NewBooking, ch.OldBooking
	if nw == nil || ch.Imported {
		return nil
	}
	at := nw.UpdatedAt
	if at.IsZero() {
		at = ch.At
	}
	var was tandem.BookingStatus
	if old != nil {
		was = old.Status
	}
	learner, expert := nw.Learner, nw.Expert
	// A session that is over is no news: nothing about its booking, confirmation or moves
	// (imported or demo history, a record processed very late); its end still is.
	over := !c.now().Before(nw.End) && nw.Status != tandem.StatusCompleted && nw.Status != tandem.StatusNoShow
	if over {
		return nil
	}
	var notes []note
	add := func(to tandem.Party, kind string, compose func(zone *time.Location) (string, string, Message)) {
		notes = append(notes, note{org: ch.Org, userID: to.ID, kind: kind, eventKey: bookingEvent(nw, kind), at: at,
			path: bookingPath(nw), name: to.Name, address: to.Email, compose: compose})
	}
	what := nw.SessionType.Name
	if what == "" {
		what = "Session"
	}
	reminders := false
	switch {
	case was == "" && nw.Status == tandem.StatusPending && nw.Offer:
		add(learner, KindWaitlistOffered, func(z *time.Location) (string, string, Message) {
			title := "A seat is free: " + what + " with " + expert.Name
			return title, "Confirm by " + FormatTime(nw.HoldUntil, z) + " to take it.", Message{
				Lines: []string{"A seat in " + what + " with " + expert.Name + " on " + FormatTime(nw.Start, z) + " has been given up, and you are first on the waitlist.",
					"It is held for you until " + FormatTime(nw.HoldUntil, z) + ". Confirm to take it, or decline to pass it on."},
				When: sessionSpan(nw), Deadline: nw.HoldUntil,
				Actions: []Action{{"Take the seat", "confirm", nw.ID}, {"Pass it on", "decline", nw.ID}}}
		})
		if err := c.scheduleLapse(ctx, nw, learner.ID); err != nil {
			return err
		}
	case was == "" && nw.Status == tandem.StatusPending:
		add(expert, KindBookingRequested, func(z *time.Location) (string, string, Message) {
			title := learner.Name + " asks for " + what + " on " + FormatTime(nw.Start, z)
			lines := []string{learner.Name + " would like to book " + what + " with you on " + FormatTime(nw.Start, z) + ".",
				"Please confirm or decline by " + FormatTime(nw.HoldUntil, z) + "; after that the request lapses and the time is freed."}
			if nw.Note != "" {
				lines = append(lines, "Their note: "+nw.Note)
			}
			return title, "Approval needed by " + FormatTime(nw.HoldUntil, z) + ".", Message{Lines: lines, When: sessionSpan(nw),
				Deadline: nw.HoldUntil, Actions: []Action{{"Confirm", "confirm", nw.ID}, {"Decline", "decline", nw.ID}}}
		})
		if err := c.scheduleLapse(ctx, nw, expert.ID); err != nil {
			return err
		}
	case nw.Status == tandem.StatusConfirmed && was != tandem.StatusConfirmed:
		reminders = true
		confirmed := func(other string) func(z *time.Location) (string, string, Message) {
			return func(z *time.Location) (string, string, Message) {
				title := what + " with " + other + " is confirmed"
				return title, FormatTime(nw.Start, z) + ".", Message{
					Lines: []string{what + " with " + other + " is confirmed for " + FormatTime(nw.Start, z) + ".",
						"The attached invitation adds it to your calendar."},
					When: sessionSpan(nw), Invite: invite(nw, c.now()),
					Actions: []Action{{"Reschedule", "reschedule", nw.ID}, {"Cancel", "cancel", nw.ID}}}
			}
		}
		add(learner, KindBookingConfirmed, confirmed(expert.Name))
		if nw.RequestID != "" && was == "" {
			add(expert, KindOfferAccepted, func(z *time.Location) (string, string, Message) {
				title := learner.Name + " accepted your offer"
				return title, what + " on " + FormatTime(nw.Start, z) + ".", Message{
					Lines: []string{learner.Name + " accepted your offer on their request: " + what + " on " + FormatTime(nw.Start, z) + ".",
						"The attached invitation adds it to your calendar."},
					When: sessionSpan(nw), Invite: invite(nw, c.now()),
					Actions: []Action{{"Reschedule", "reschedule", nw.ID}, {"Cancel", "cancel", nw.ID}}}
			})
		} else {
			add(expert, KindBookingConfirmed, confirmed(learner.Name))
		}
	case nw.Status == tandem.StatusConfirmed && was == tandem.StatusConfirmed && !old.Start.Equal(nw.Start):
		reminders = true
		for _, p := range []struct{ to, other tandem.Party }{{learner, expert}, {expert, learner}} {
			add(p.to, KindBookingRescheduled, func(z *time.Location) (string, string, Message) {
				title := what + " with " + p.other.Name + " moved to " + FormatTime(nw.Start, z)
				return title, "It was on " + FormatTime(old.Start, z) + ".", Message{
					Lines: []string{what + " with " + p.other.Name + " has moved from " + FormatTime(old.Start, z) + " to " + FormatTime(nw.Start, z) + ".",
						"The attached invitation updates your calendar."},
					When: sessionSpan(nw), Invite: invite(nw, c.now()),
					Actions: []Action{{"Reschedule", "reschedule", nw.ID}, {"Cancel", "cancel", nw.ID}}}
			})
		}
	case nw.Status == tandem.StatusCancelled && was != tandem.StatusCancelled:
		by := "was cancelled"
		switch nw.CancelledBy {
		case "learner", learner.ID:
			by = "was cancelled by " + learner.Name
		case "expert", expert.ID:
			by = "was cancelled by " + expert.Name
		}
		if nw.LateCancel {
			by += " at short notice"
		}
		for _, p := range []struct{ to, other tandem.Party }{{learner, expert}, {expert, learner}} {
			add(p.to, KindBookingCancelled, func(z *time.Location) (string, string, Message) {
				title := what + " with " + p.other.Name + " on " + FormatTime(nw.Start, z) + " " + by
				lines := []string{title + "."}
				if nw.CancelReason != "" {
					lines = append(lines, "Reason: "+nw.CancelReason)
				}
				m := Message{Lines: lines, When: sessionSpan(nw)}
				if was == tandem.StatusConfirmed {
					m.Invite = invite(nw, c.now()) // METHOD:CANCEL: mail clients take it off the calendar
					m.Lines = append(m.Lines, "The attached update removes it from your calendar.")
				}
				return title, "", m
			})
		}
	case (nw.Status == tandem.StatusDeclined || nw.Status == tandem.StatusExpired) && was == tandem.StatusPending && !nw.Offer:
		add(learner, KindBookingDeclined, func(z *time.Location) (string, string, Message) {
			title := expert.Name + " declined " + what + " on " + FormatTime(nw.Start, z)
			lines := []string{title + "."}
			if nw.Status == tandem.StatusExpired {
				title = "Your request for " + what + " with " + expert.Name + " lapsed"
				lines = []string{expert.Name + " did not answer your request for " + FormatTime(nw.Start, z) + " in time; the time is free again."}
			} else if nw.CancelReason != "" {
				lines = append(lines, "Reason: "+nw.CancelReason)
			}
			lines = append(lines, "You can pick another time or another expert.")
			return title, "", Message{Lines: lines, When: sessionSpan(nw)}
		})
	case nw.Status == tandem.StatusNoShow && was != tandem.StatusNoShow:
		who := learner.Name
		if nw.NoShow == tandem.NoShowHost {
			who = expert.Name
		}
		for _, p := range []struct{ to, other tandem.Party }{{learner, expert}, {expert, learner}} {
			add(p.to, KindBookingNoShow, func(z *time.Location) (string, string, Message) {
				title := what + " with " + p.other.Name + " on " + FormatTime(nw.Start, z) + " was marked as a no-show"
				return title, who + " did not attend.", Message{Lines: []string{title + ": " + who + " did not attend."}, When: sessionSpan(nw)}
			})
		}
	case nw.Status == tandem.StatusCompleted && was != tandem.StatusCompleted:
		add(learner, KindFeedbackDue, func(z *time.Location) (string, string, Message) {
			title := "How was " + what + " with " + expert.Name + "?"
			return title, "Your feedback helps " + expert.Name + " and other learners.", Message{
				Lines: []string{"Your session with " + expert.Name + " on " + FormatTime(nw.Start, z) + " has ended.",
					"A rating and a few words help " + expert.Name + " and other learners; you can edit them for 7 days."}}
		})
	}
	for _, n := range notes {
		if err := publish(ctx, c.Store, n); err != nil {
			return err
		}
	}
	if reminders {
		return c.scheduleReminders(ctx, nw)
	}
	return nil
}

// scheduleReminders writes the due entries of the session's reminders for its participants
// (the learner of a group seat only: the expert's time belongs to the circle), at each one's
// lead times still ahead. A rescheduled session gets new entries for its new start; the old
// ones name the old start and never fire (Remind).
func (c *Consumer) scheduleReminders(ctx context.Context, b *tandem.Booking) error {
	now := c.now()
	users := []string{b.Learner.ID}
	if b.CircleID == "" {
		users = append(users, b.Expert.ID)
	}
	var rs []dynamo.Reminder
	for _, u := range users {
		s, err := c.Store.GetNotificationSettings(ctx, b.OrgID, u)
		if err != nil {
			return err
		}
		for _, lead := range Leads(s) {
			r := dynamo.Reminder{Org: b.OrgID, BookingID: b.ID, UserID: u, Lead: time.Duration(lead) * time.Minute, Start: b.Start, Kind: dynamo.DueRemind}
			if r.At().After(now) {
				rs = append(rs, r)
			}
		}
	}
	return c.Store.ScheduleReminders(ctx, rs)
}

// lapseLead is how long before a hold ends its holder is reminded: a quarter of the hold,
// at most 12 hours (48 h approval holds: 12 h before; 12 h seat offers: 3 h before).
func lapseLead(b *tandem.Booking) time.Duration {
	d := min(b.HoldUntil.Sub(b.CreatedAt)/4, 12*time.Hour)
	return d.Truncate(time.Minute)
}

func (c *Consumer) scheduleLapse(ctx context.Context, b *tandem.Booking, userID string) error {
	lead := lapseLead(b)
	r := dynamo.Reminder{Org: b.OrgID, BookingID: b.ID, UserID: userID, Lead: lead, Start: b.HoldUntil, Kind: dynamo.DueLapse}
	if b.HoldUntil.IsZero() || lead <= 0 || !r.At().After(c.now()) {
		return nil
	}
	return c.Store.ScheduleReminders(ctx, []dynamo.Reminder{r})
}

func leadText(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		n := int(d / (24 * time.Hour))
		return plural(n, "day")
	case d%time.Hour == 0:
		return plural(int(d/time.Hour), "hour")
	}
	return plural(int(d/time.Minute), "minute")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// Remind handles a due REMIND or LAPSE entry (the scheduler). done is false while its time
// has not come (the entry stays for a later run). A reminder fires only if the booking is
// still confirmed at the start it was made for (a rescheduled session's old reminders, and a
// cancelled one's, never fire) and the user still wants that lead; a lapse warning only if
// the hold is still pending with the same end. The notification's id comes from the
// reminder, so a run repeated after a crash creates nothing twice.
func Remind(ctx context.Context, store *dynamo.Store, r dynamo.Reminder, now time.Time) (done bool, err error) {
	if now.Before(r.At()) {
		return false, nil
	}
	b, err := store.GetBooking(ctx, r.Org, r.BookingID)
	if tandem.ErrorCode(err) == tandem.ENotFound {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	what := b.SessionType.Name
	if what == "" {
		what = "Session"
	}
	var n note
	switch r.Kind {
	case dynamo.DueRemind:
		if b.Status != tandem.StatusConfirmed || !b.Start.Equal(r.Start) || !now.Before(b.Start) {
			return true, nil
		}
		s, err := store.GetNotificationSettings(ctx, r.Org, r.UserID)
		if err != nil {
			return false, err
		}
		if !slices.Contains(Leads(s), int(r.Lead/time.Minute)) {
			return true, nil
		}
		other := b.Expert
		if r.UserID == b.Expert.ID {
			other = b.Learner
		}
		n = note{kind: KindReminder, eventKey: eventKey("R", b.ID, strconv.Itoa(int(r.Lead/time.Minute)), r.Start.UTC().Format(time.RFC3339)),
			compose: func(z *time.Location) (string, string, Message) {
				title := "In " + leadText(r.Lead) + ": " + what + " with " + other.Name
				lines := []string{what + " with " + other.Name + " starts " + FormatTime(b.Start, z) + "."}
				if b.MeetingURL != "" {
					lines = append(lines, "Join: "+b.MeetingURL)
				}
				return title, FormatTime(b.Start, z) + ".", Message{Lines: lines, When: sessionSpan(b),
					Actions: []Action{{"Reschedule", "reschedule", b.ID}, {"Cancel", "cancel", b.ID}}}
			}}
	case dynamo.DueLapse:
		if b.Status != tandem.StatusPending || !b.HoldUntil.Equal(r.Start) || !now.Before(b.HoldUntil) {
			return true, nil
		}
		kind := KindApprovalLapsing
		if b.Offer {
			kind = KindWaitlistLapsing
		}
		n = note{kind: kind, eventKey: eventKey("L", b.ID, r.Start.UTC().Format(time.RFC3339)),
			compose: func(z *time.Location) (string, string, Message) {
				var title string
				var lines []string
				if b.Offer {
					title = "Your seat offer for " + what + " lapses " + FormatTime(b.HoldUntil, z)
					lines = []string{"The seat in " + what + " with " + b.Expert.Name + " on " + FormatTime(b.Start, z) + " is held for you until " + FormatTime(b.HoldUntil, z) + ".",
						"After that it passes to the next learner on the waitlist."}
				} else {
					title = b.Learner.Name + "'s request lapses " + FormatTime(b.HoldUntil, z)
					lines = []string{b.Learner.Name + " is still waiting for your answer on " + what + " on " + FormatTime(b.Start, z) + ".",
						"Unless you confirm or decline by " + FormatTime(b.HoldUntil, z) + ", the request lapses."}
				}
				return title, "", Message{Lines: lines, When: sessionSpan(b), Deadline: b.HoldUntil,
					Actions: []Action{{"Confirm", "confirm", b.ID}, {"Decline", "decline", b.ID}}}
			}}
	default:
		return true, nil
	}
	n.org, n.userID, n.at, n.path = r.Org, r.UserID, r.At(), bookingPath(b)
	if r.UserID == b.Expert.ID {
		n.name, n.address = b.Expert.Name, b.Expert.Email
	} else {
		n.name, n.address = b.Learner.Name, b.Learner.Email
	}
	if err := publish(ctx, store, n); err != nil {
		return false, err
	}
	return true, nil
}

// offer notifies the learner of an expert's offer on their request.
func (c *Consumer) offer(ctx context.Context, ch *dynamo.StreamChange) error {
	o := ch.NewOffer
	if o == nil {
		return nil
	}
	req, err := c.Store.GetRequest(ctx, ch.Org, o.RequestID)
	if tandem.ErrorCode(err) == tandem.ENotFound {
		return nil
	}
	if err != nil {
		return err
	}
	at := o.CreatedAt
	if at.IsZero() {
		at = ch.At
	}
	return publish(ctx, c.Store, note{org: ch.Org, userID: req.LearnerID, kind: KindRequestOffer, name: req.LearnerName,
		eventKey: eventKey("O", o.RequestID, o.ExpertID, at.UTC().Format(time.RFC3339)), at: at, path: "/requests/" + o.RequestID,
		compose: func(z *time.Location) (string, string, Message) {
			title := o.ExpertName + " offered to help with your request"
			times := make([]string, len(o.Starts))
			for i, s := range o.Starts {
				times[i] = FormatTime(s, z)
			}
			lines := []string{o.ExpertName + " offered " + o.SessionType + " for your request about " + strings.Join(req.Topics, ", ") + "."}
			if len(times) > 0 {
				lines = append(lines, "Proposed times: "+strings.Join(times, "; ")+".")
			}
			m := Message{Lines: lines}
			if !req.ExpiresAt.IsZero() {
				m.Deadline = req.ExpiresAt
				lines = append(lines, fmt.Sprintf("Your request stays open until %s.", FormatTime(req.ExpiresAt, z)))
				m.Lines = lines
			}
			return title, strings.Join(times, "; "), m
		}})
}
