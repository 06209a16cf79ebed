package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Page size bounds for listings.
const (
	defaultPageSize = 20
	maxPageSize     = 50
)

// expertJSON is the public shape of a profile. MeetingURL is shown only to the expert
// themselves (participants get it with their booking).
type expertJSON struct {
	ID           string               `json:"id"`
	Name         string               `json:"name"`
	Department   string               `json:"department"`
	Headline     string               `json:"headline"`
	Bio          string               `json:"bio,omitempty"`
	Topics       []string             `json:"topics"`
	Languages    []string             `json:"languages"`
	Timezone     string               `json:"timezone"`
	SessionTypes []tandem.SessionType `json:"sessionTypes"`
	MeetingURL   string               `json:"meetingUrl,omitempty"`
	BookingMode  tandem.BookingMode   `json:"bookingMode"`
	Limits       tandem.Limits        `json:"limits"`
	Rating       tandem.RatingSummary `json:"rating"`
	UpdatedAt    time.Time            `json:"updatedAt"`
}

func toExpertJSON(e *tandem.Expert, own bool) expertJSON {
	j := expertJSON{
		ID: e.ID, Name: e.Name, Department: e.Department, Headline: e.Headline, Bio: e.Bio,
		Topics: e.Topics, Languages: e.Languages, Timezone: e.Timezone, SessionTypes: e.SessionTypes,
		BookingMode: e.BookingMode, Limits: e.Limits, Rating: e.Rating, UpdatedAt: e.UpdatedAt,
	}
	if own {
		j.MeetingURL = e.MeetingURL
	}
	return j
}

type expertsAPI struct{ store *dynamo.Store }

func (a expertsAPI) register(rt *Router) {
	rt.handle("GET /v1/experts", a.list)
	rt.handle("GET /v1/experts/me", a.getMine)
	rt.handle("PUT /v1/experts/me", a.putMine)
	rt.handle("GET /v1/experts/{expertId}", a.get)
}

// list: GET /v1/experts?topic=&language=&q=&cursor=&limit= — one Query per page.
func (a expertsAPI) list(w http.ResponseWriter, r *http.Request, c Caller) error {
	q := r.URL.Query()
	var v tandem.Validation
	limit := defaultPageSize
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		v.Check(err == nil && n >= 1 && n <= maxPageSize, "limit", "must be a number from 1 to %d", maxPageSize)
		limit = n
	}
	topic := tandem.NormalizeTopic(q.Get("topic"))
	v.Check(len(topic) <= 40, "topic", "must be at most 40 characters")
	language := strings.TrimSpace(q.Get("language"))
	v.Check(len(language) <= 8, "language", "must be a language code")
	text := q.Get("q")
	v.Check(len(text) <= 100, "q", "must be at most 100 characters")
	if err := v.Err(); err != nil {
		return err
	}
	page, err := a.store.SearchExperts(r.Context(), c.OrgID, dynamo.ExpertQuery{
		Topic: topic, Language: language, Text: text, Cursor: q.Get("cursor"), Limit: limit,
	})
	if err != nil {
		return err
	}
	items := make([]expertJSON, 0, len(page.Experts))
	for _, e := range page.Experts {
		items = append(items, toExpertJSON(e, false))
	}
	writeJSON(w, http.StatusOK, expertPageJSON{Items: items, NextCursor: page.Cursor})
	return nil
}

// expertPageJSON is a page of the search: a struct, not a map, so the encoder needs no
// reflection over interface values (the request-overhead benchmark, BenchmarkSearchVsRaw).
type expertPageJSON struct {
	Items      []expertJSON `json:"items"`
	NextCursor string       `json:"nextCursor"`
}

// get: GET /v1/experts/{expertId} — one GetItem, within the caller's org only.
func (a expertsAPI) get(w http.ResponseWriter, r *http.Request, c Caller) error {
	id := r.PathValue("expertId")
	e, err := a.store.GetExpert(r.Context(), c.OrgID, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toExpertJSON(e, e.ID == c.UserID))
	return nil
}

// getMine: GET /v1/experts/me — the expert's own profile, meeting URL included.
func (a expertsAPI) getMine(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleExpert); err != nil {
		return err
	}
	e, err := a.store.GetExpert(r.Context(), c.OrgID, c.UserID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toExpertJSON(e, true))
	return nil
}

// putMine: PUT /v1/experts/me — create or replace the caller's own profile (expert role).
// Identity fields (id, org, name, department) come from the token, never from the body.
func (a expertsAPI) putMine(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleExpert); err != nil {
		return err
	}
	var in tandem.ExpertProfileInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	e := &tandem.Expert{
		ID: c.UserID, OrgID: c.OrgID, Name: c.Name, Email: c.Email, Department: c.Department,
		Headline: in.Headline, Bio: in.Bio, Topics: in.Topics, Languages: in.Languages,
		Timezone: in.Timezone, SessionTypes: in.SessionTypes, MeetingURL: in.MeetingURL,
		BookingMode: in.BookingMode, Limits: in.Limits,
	}
	if err := a.store.PutExpert(r.Context(), e); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toExpertJSON(e, true))
	return nil
}
