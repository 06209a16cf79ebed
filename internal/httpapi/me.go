package httpapi

import (
	"net/http"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/tandem"
)

// meJSON is the caller as the web app needs them: identity from the token plus preferences.
type meJSON struct {
	ID         string        `json:"id"`
	Org        string        `json:"org"`
	Email      string        `json:"email"`
	Name       string        `json:"name"`
	Department string        `json:"department"`
	Roles      []tandem.Role `json:"roles"`
	// Timezone is empty until the user sets one; clients then use the device's zone.
	Timezone string `json:"timezone"`
}

type meAPI struct{ store *dynamo.Store }

func (a meAPI) register(rt *Router) {
	rt.handle("GET /v1/me", a.get)
	rt.handle("PUT /v1/me", a.put)
}

func meFrom(c Caller, u *tandem.User) meJSON {
	m := meJSON{ID: c.UserID, Org: c.OrgID, Email: c.Email, Name: c.Name, Department: c.Department, Roles: c.Roles}
	if m.Roles == nil {
		m.Roles = []tandem.Role{}
	}
	if u != nil {
		m.Name, m.Timezone = u.Name, u.Timezone
	}
	return m
}

// get: GET /v1/me — one GetItem for the user's preferences.
func (a meAPI) get(w http.ResponseWriter, r *http.Request, c Caller) error {
	u, err := a.store.GetUser(r.Context(), c.OrgID, c.UserID)
	if err != nil && tandem.ErrorCode(err) != tandem.ENotFound {
		return err
	}
	writeJSON(w, http.StatusOK, meFrom(c, u))
	return nil
}

// put: PUT /v1/me {name, timezone}.
func (a meAPI) put(w http.ResponseWriter, r *http.Request, c Caller) error {
	var in tandem.UserInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	u := &tandem.User{ID: c.UserID, OrgID: c.OrgID, Email: c.Email, Name: in.Name,
		Department: c.Department, Roles: c.Roles, Timezone: in.Timezone}
	if err := a.store.PutUser(r.Context(), u); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, meFrom(c, u))
	return nil
}
