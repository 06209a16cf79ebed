package notify

import (
	"context"
	"strconv"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Mentorship notifications, derived from the mentorship item's old and new image. A change of
// status takes a new version, so a status event is keyed by the mentorship and the version it
// produced; a stall is keyed by its mark (the data it was decided from: see
// mentorships.StallMark), so every write of the same stall, however many deciders raced or
// how often the record is delivered, is one nudge per side.

func mentorshipPath(m *tandem.Mentorship) string { return "/mentorships/" + m.ID }

// mentorship derives the notifications of a mentorship's change (old → new).
func (c *Consumer) mentorship(ctx context.Context, ch *dynamo.MentorshipChange) error {
	nw, old := ch.New, ch.Old
	if nw == nil {
		return nil
	}
	at := nw.UpdatedAt
	if at.IsZero() {
		at = ch.At
	}
	var was tandem.MentorshipStatus
	if old != nil {
		was = old.Status
	}
	var notes []note
	add := func(to tandem.Party, kind, event string, at time.Time, compose func(z *time.Location) (string, string, Message)) {
		notes = append(notes, note{org: ch.Org, userID: to.ID, kind: kind, eventKey: eventKey("M", nw.ID, event, kind), at: at,
			path: mentorshipPath(nw), name: to.Name, address: to.Email, compose: compose})
	}
	version := "v" + strconv.FormatInt(nw.Version, 10)
	// other is the party who is not id; by the one who is (the learner when id is neither).
	other := func(id string) (to, by tandem.Party) {
		if id == nw.Expert.ID {
			return nw.Learner, nw.Expert
		}
		return nw.Expert, nw.Learner
	}
	goals := func() string {
		n := len(nw.Agreement.Goals)
		if n == 1 {
			return "1 goal"
		}
		return strconv.Itoa(n) + " goals"
	}
	rhythm := string(nw.Agreement.Cadence) + " for " + plural(nw.Agreement.Months, "month")
	if nw.Status != was {
		switch {
		case nw.Status == tandem.MentorshipProposed && was == "":
			to, by := other(nw.ProposedBy)
			add(to, KindMentorshipProposed, version, at, func(*time.Location) (string, string, Message) {
				title := by.Name + " proposes a mentorship"
				return title, "Accept it to start.", Message{Lines: []string{
					by.Name + " would like a mentorship with you: " + goals() + ", sessions " + rhythm + ".",
					"Read the agreement and accept it to start; until you do, nothing is booked."}}
			})
		case nw.Status == tandem.MentorshipActive && was == tandem.MentorshipProposed:
			for _, p := range []struct{ to, with tandem.Party }{{nw.Learner, nw.Expert}, {nw.Expert, nw.Learner}} {
				add(p.to, KindMentorshipActive, version, at, func(*time.Location) (string, string, Message) {
					title := "Your mentorship with " + p.with.Name + " has started"
					return title, "Book the series of sessions.", Message{Lines: []string{
						"You and " + p.with.Name + " both accepted the agreement: " + goals() + ", sessions " + rhythm + ".",
						"Book the series of sessions from the mentorship's page."}}
				})
			}
		case nw.Status == tandem.MentorshipPaused || (nw.Status == tandem.MentorshipActive && was == tandem.MentorshipPaused) ||
			(nw.Status == tandem.MentorshipClosed && was != ""):
			to, by := other(nw.ChangedBy)
			verb := map[tandem.MentorshipStatus]string{tandem.MentorshipPaused: "paused", tandem.MentorshipActive: "resumed",
				tandem.MentorshipClosed: "closed"}[nw.Status]
			add(to, KindMentorshipChanged, version, at, func(*time.Location) (string, string, Message) {
				title := by.Name + " " + verb + " your mentorship"
				lines := []string{by.Name + " " + verb + " your mentorship."}
				switch nw.Status {
				case tandem.MentorshipPaused:
					lines = append(lines, "Booked sessions stay booked; either of you can resume it.")
				case tandem.MentorshipClosed:
					lines = append(lines, "Its future sessions are cancelled.")
				}
				return title, "", Message{Lines: lines}
			})
			if nw.Status == tandem.MentorshipClosed && was != tandem.MentorshipProposed {
				for _, p := range []struct{ to, with tandem.Party }{{nw.Learner, nw.Expert}, {nw.Expert, nw.Learner}} {
					add(p.to, KindMentorshipReflection, version, at, func(*time.Location) (string, string, Message) {
						title := "How did your mentorship with " + p.with.Name + " go?"
						return title, "A final reflection, once.", Message{Lines: []string{
							"Your mentorship with " + p.with.Name + " is closed.",
							"Rate how far each goal was achieved and say whether you would recommend it; it takes a minute."}}
					})
				}
			}
		}
	}
	// A stall is news only from a health write that carries its mark (whole-item puts never
	// do, so a put carrying an old health along nudges nobody).
	oldHealth := ""
	if old != nil {
		oldHealth = old.Health
	}
	if nw.Status == tandem.MentorshipActive && nw.Health == healthStalled && oldHealth != healthStalled && ch.StallKey != "" {
		mark, when := ch.StallKey, ch.StalledAt
		if when.IsZero() {
			when = ch.At
		}
		why := "It has been 21 days without a session."
		if nw.HealthReason == reasonCancellations {
			why = "The last two sessions were cancelled or missed."
		}
		for _, p := range []struct{ to, with tandem.Party }{{nw.Learner, nw.Expert}, {nw.Expert, nw.Learner}} {
			add(p.to, KindMentorshipStalled, "stall|"+mark, when, func(*time.Location) (string, string, Message) {
				title := "Your mentorship with " + p.with.Name + " has stalled"
				return title, why, Message{Lines: []string{why,
					"Book or schedule the next session with " + p.with.Name + " from the mentorship's page, or pause it if now is not the time."}}
			})
		}
	}
	for _, n := range notes {
		if err := publish(ctx, c.Store, n); err != nil {
			return err
		}
	}
	return nil
}

// The stored health values (internal/mentorships: HealthStalled, ReasonCancellations).
const (
	healthStalled       = "stalled"
	reasonCancellations = "cancellations"
)
