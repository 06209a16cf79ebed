package httpapi

import (
	"errors"
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
	// Report every problem at once: the weights' fields under "matching.", the policies' own.
	var fields []tandem.FieldError
	for _, err := range []error{prefixFields(matching.Weights(in.Matching).Validate(), "matching"), in.Validate()} {
		var e *tandem.Error
		switch {
		case err == nil:
		case errors.As(err, &e) && e.Code == tandem.EInvalid:
			fields = append(fields, e.Fields...)
		default:
			return err // not a validation failure: never dropped
		}
	}
	if len(fields) > 0 {
		return &tandem.Error{Code: tandem.EInvalid, Message: "The request has invalid fields.", Fields: fields}
	}
	if err := a.store.PutSettings(r.Context(), c.OrgID, &in); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

// prefixFields names field errors from a nested validator after their place in the body
// ("matching.topic"; an error about the whole object is named "matching").
func prefixFields(err error, prefix string) error {
	var e *tandem.Error
	if errors.As(err, &e) {
		for i := range e.Fields {
			if e.Fields[i].Field == "" {
				e.Fields[i].Field = prefix
			} else {
				e.Fields[i].Field = prefix + "." + e.Fields[i].Field
			}
		}
	}
	return err
}
