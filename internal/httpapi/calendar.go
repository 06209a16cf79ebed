package httpapi

import (
	"net/http"
	"time"

	"github.com/tandemhq/tandem/internal/calendar"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

type calendarAPI struct {
	store *dynamo.Store
	now   func() time.Time
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
// secret token is the credential. Sessions from 30 days back on, both as expert and learner.
func (a calendarAPI) feed(w http.ResponseWriter, r *http.Request) error {
	org, userID, err := a.store.CalendarTokenOwner(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	now := a.now()
	bookings, err := a.store.ListUserBookings(r.Context(), org, userID, now.Add(-30*24*time.Hour))
	if err != nil {
		return err
	}
	sessions := make([]calendar.Session, 0, len(bookings))
	for _, b := range bookings {
		sessions = append(sessions, calendar.SessionOf(b, now))
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
