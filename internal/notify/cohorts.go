package notify

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// programRef is how a cohort session's reminders name their program (Reminder.BookingID).
const programRef = "program:"

// cohortPublished tells every member of a plan just published which cohort they are in,
// with whom, and the session times, and schedules their reminders for those sessions.
func (c *Consumer) cohortPublished(ctx context.Context, ch *dynamo.StreamChange) error {
	nw, old := ch.NewCohortPlan, ch.OldCohortPlan
	if nw == nil || nw.Status != tandem.PlanPublished || (old != nil && old.Status == tandem.PlanPublished) {
		return nil
	}
	p, err := c.Store.GetProgram(ctx, ch.Org, nw.ProgramID)
	if tandem.ErrorCode(err) == tandem.ENotFound {
		return nil
	}
	if err != nil {
		return err
	}
	at := nw.PublishedAt
	if at.IsZero() {
		at = ch.At
	}
	times := p.SessionTimes()
	now := c.now()
	var rs []dynamo.Reminder
	for _, cohort := range nw.Cohorts {
		for _, m := range cohort.Members {
			var others []string
			for _, o := range cohort.Members {
				if o.ID != m.ID {
					others = append(others, o.Name)
				}
			}
			number := strconv.Itoa(cohort.Number)
			if err := publish(ctx, c.Store, note{org: ch.Org, userID: m.ID, kind: KindCohortPublished, name: m.Name,
				eventKey: eventKey("C", nw.ProgramID, "v"+strconv.FormatInt(nw.Version, 10)), at: at, path: "/programs/" + nw.ProgramID,
				compose: func(z *time.Location) (string, string, Message) {
					title := "Your cohort in " + p.Title + ": cohort " + number
					lines := []string{"You are in cohort " + number + " of " + p.Title + " with " + strings.Join(others, ", ") + "."}
					var when []string
					for _, t := range times {
						when = append(when, FormatTime(t, z))
					}
					if len(when) > 0 {
						lines = append(lines, "Sessions ("+strconv.Itoa(p.SessionMin)+" minutes): "+strings.Join(when, "; ")+".")
					}
					body := ""
					if len(when) > 0 {
						body = "First session " + when[0] + "."
					}
					return title, body, Message{Lines: lines}
				}}); err != nil {
				return err
			}
			s, err := c.Store.GetNotificationSettings(ctx, ch.Org, m.ID)
			if err != nil {
				return err
			}
			for _, t := range times {
				for _, lead := range Leads(s) {
					r := dynamo.Reminder{Org: ch.Org, BookingID: programRef + nw.ProgramID, UserID: m.ID, Lead: time.Duration(lead) * time.Minute, Start: t, Kind: dynamo.DueRemind}
					if r.At().After(now) {
						rs = append(rs, r)
					}
				}
			}
		}
	}
	return c.Store.ScheduleReminders(ctx, rs)
}

// remindCohort fires a cohort session's reminder while the program is not archived, the
// session time is still one of its times and the user still wants that lead.
func remindCohort(ctx context.Context, store *dynamo.Store, r dynamo.Reminder, now time.Time) (bool, error) {
	id := strings.TrimPrefix(r.BookingID, programRef)
	p, err := store.GetProgram(ctx, r.Org, id)
	if tandem.ErrorCode(err) == tandem.ENotFound {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	found := false
	for _, t := range p.SessionTimes() {
		found = found || t.Equal(r.Start)
	}
	if p.Status == tandem.ProgramArchived || !found || !now.Before(r.Start) {
		return true, nil
	}
	s, err := store.GetNotificationSettings(ctx, r.Org, r.UserID)
	if err != nil {
		return false, err
	}
	lead := int(r.Lead / time.Minute)
	wanted := false
	for _, l := range Leads(s) {
		wanted = wanted || l == lead
	}
	if !wanted {
		return true, nil
	}
	return true, publish(ctx, store, note{org: r.Org, userID: r.UserID, kind: KindReminder, at: r.At(), path: "/programs/" + id,
		eventKey: eventKey("R", r.BookingID, strconv.Itoa(lead), r.Start.UTC().Format(time.RFC3339)),
		compose: func(z *time.Location) (string, string, Message) {
			title := "In " + leadText(r.Lead) + ": " + p.Title + " cohort session"
			end := r.Start.Add(time.Duration(p.SessionMin) * time.Minute)
			return title, FormatTime(r.Start, z) + ".", Message{Lines: []string{"Your cohort of " + p.Title + " meets " + FormatTime(r.Start, z) + "."},
				When: &Span{Start: r.Start, End: end}}
		}})
}
