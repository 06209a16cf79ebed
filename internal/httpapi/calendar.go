package httpapi

import (
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/tandemhq/tandem/internal/calendar"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/programs"
	"github.com/tandemhq/tandem/internal/tandem"
)

type calendarAPI struct {
	store    *dynamo.Store
	programs *programs.Service // the feed's program cohort sessions
	now      func() time.Time
}

func (a calendarAPI) register(rt *Router) {
	rt.handle("GET /v1/bookings/{bookingId}/invite.ics", a.invite)
	rt.handle("POST /v1/me/calendar-token", a.createToken)
	rt.handle("DELETE /v1/me/calendar-token", a.revokeToken)
	rt.handlePublic("GET /v1/calendar/{token}/feed.ics", a.feed)
}

// invite: GET /v1/bookings/{id}/invite.ics — an RFC 5545 invite (METHOD:REQUEST, or CANCEL
// once cancelled) for the participants.
func (a calendarAPI) invite(w http.ResponseWriter, r *http.Request, c Caller) error {
	b, err := a.store.GetBooking(r.Context(), c.OrgID, r.PathValue("bookingId"))
	if err != nil {
		return err
	}
	if !b.IsParticipant(c.UserID) {
		return tandem.Errorf(tandem.ENotFound, "No booking with this id.")
	}
	doc, err := calendar.Invite(calendar.SessionOf(b, a.now()))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", calendar.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="tandem-`+b.ID+`.ics"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(doc)
	return nil
}

// createToken: POST /v1/me/calendar-token — a new secret feed URL; the previous one stops
// working.
func (a calendarAPI) createToken(w http.ResponseWriter, r *http.Request, c Caller) error {
	token := newID() + newID()
	if err := a.store.SetCalendarToken(r.Context(), c.OrgID, c.UserID, token); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"token": token, "url": "/v1/calendar/" + token + "/feed.ics"})
	return nil
}

// revokeToken: DELETE /v1/me/calendar-token — the feed URL stops working.
func (a calendarAPI) revokeToken(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := a.store.RevokeCalendarToken(r.Context(), c.OrgID, c.UserID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// feed: GET /v1/calendar/{token}/feed.ics — no sign-in (calendar apps cannot sign in): the
// secret token is the credential. Sessions from 30 days back on, both as expert and learner,
// then the sessions of the owner's published program cohorts (programs not archived) from 30
// days back on, with the same UIDs as their invites.
func (a calendarAPI) feed(w http.ResponseWriter, r *http.Request) error {
	org, userID, err := a.store.CalendarTokenOwner(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	now := a.now()
	from := now.Add(-30 * 24 * time.Hour)
	var (
		bookings []*tandem.Booking
		cohorts  []*programs.MyCohort
		owner    *tandem.User
	)
	g, gctx := errgroup.WithContext(r.Context())
	g.Go(func() (err error) { bookings, err = a.store.ListUserBookings(gctx, org, userID, from); return err })
	g.Go(func() (err error) {
		cohorts, err = a.programs.MyCohorts(gctx, tandem.Caller{OrgID: org, UserID: userID})
		return err
	})
	g.Go(func() error {
		u, err := a.store.GetUser(gctx, org, userID)
		if tandem.ErrorCode(err) == tandem.ENotFound {
			return nil // no profile (never signed in): no address to put on cohort sessions
		}
		owner = u
		return err
	})
	if err := g.Wait(); err != nil {
		return err
	}
	sessions := make([]calendar.Session, 0, len(bookings))
	for _, b := range bookings {
		sessions = append(sessions, calendar.SessionOf(b, now))
	}
	// The owner's address on cohort sessions: their profile's, else as their bookings carry it;
	// with neither (no profile, no bookings) the cohort sessions are left out.
	me := calendar.Person{}
	if owner != nil {
		me = calendar.Person{Name: owner.Name, Email: owner.Email}
	}
	for _, b := range bookings {
		if me.Email != "" {
			break
		}
		switch userID {
		case b.Learner.ID:
			me = calendar.Person{Name: b.Learner.Name, Email: b.Learner.Email}
		case b.Expert.ID:
			me = calendar.Person{Name: b.Expert.Name, Email: b.Expert.Email}
		}
	}
	for _, m := range cohorts {
		if me.Email == "" {
			break
		}
		for n := 1; ; n++ {
			s, ok := calendar.CohortSessionOf(m.Program, m.Cohort, m.PlanVersion, m.PublishedAt, me, userID, n)
			if !ok {
				break
			}
			if !s.End.Before(from) {
				sessions = append(sessions, s)
			}
		}
	}
	doc, err := calendar.Feed("Tandem sessions", sessions)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", calendar.ContentType)
	w.Header().Set("Cache-Control", "private, max-age=300")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(doc)
	return nil
}
