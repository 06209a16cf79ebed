package httpapi

import (
	"net/http"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/matching"
	"github.com/tandemhq/tandem/internal/tandem"
)

type settingsAPI struct {
	store *dynamo.Store
	now   func() time.Time
}

func (a settingsAPI) register(rt *Router) {
	rt.handle("GET /v1/org/settings", a.get)
	rt.handle("PUT /v1/org/settings", a.put)
}

// get: GET /v1/org/settings (HR) — the org's settings, defaults filled in.
func (a settingsAPI) get(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleHR); err != nil {
		return err
	}
	st, err := a.store.GetSettings(r.Context(), c.OrgID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// put: PUT /v1/org/settings (HR) — matching weights and policies for the caller's org only.
func (a settingsAPI) put(w http.ResponseWriter, r *http.Request, c Caller) error {
	if err := c.Require(tandem.RoleHR); err != nil {
		return err
	}
	var in tandem.OrgSettings
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := matching.Weights(in.Matching).Validate(); err != nil {
		return prefixFields(err, "matching.")
	}
	if err := in.Validate(); err != nil {
		return err
	}
	if err := a.store.PutSettings(r.Context(), c.OrgID, &in); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

// prefixFields names field errors from a nested validator after their place in the body.
func prefixFields(err error, prefix string) error {
	if e, ok := err.(*tandem.Error); ok {
		for i := range e.Fields {
			e.Fields[i].Field = prefix + e.Fields[i].Field
		}
	}
	return err
}
