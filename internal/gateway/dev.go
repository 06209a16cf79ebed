package gateway

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// DevUser is a user one can sign in as locally; the Issuer turns it into token claims
// (ID → sub, OrgID → custom:org, Department → custom:department, Roles → cognito:groups).
type DevUser struct {
	ID         string   `json:"id"`
	Email      string   `json:"email"`
	Name       string   `json:"name"`
	OrgID      string   `json:"org"`
	Department string   `json:"department"`
	Roles      []string `json:"roles"`
}

// DevDirectory is the local stand-in for the user pool's user list, usually the seeded demo
// users.
type DevDirectory interface {
	Users() []DevUser
	// UserByEmail finds a user by email, ignoring case as Cognito does.
	UserByEmail(email string) (DevUser, bool)
}

// StaticDirectory is a DevDirectory over a fixed list.
type StaticDirectory []DevUser

// Users returns a copy of the list.
func (d StaticDirectory) Users() []DevUser { return slices.Clone(d) }

// UserByEmail returns the first user whose email equals email, ignoring case and spaces.
func (d StaticDirectory) UserByEmail(email string) (DevUser, bool) {
	email = strings.TrimSpace(email)
	for _, u := range d {
		if email != "" && strings.EqualFold(u.Email, email) {
			return u, true
		}
	}
	return DevUser{}, false
}

// devUsers serves GET /dev/users: {"users": [{id, email, name, org, department, roles}]}.
func (g *Gateway) devUsers(w http.ResponseWriter, r *http.Request) {
	users := []DevUser{}
	if g.cfg.Users != nil {
		users = append(users, g.cfg.Users.Users()...)
	}
	for i := range users {
		if users[i].Roles == nil {
			users[i].Roles = []string{}
		}
	}
	writeJSON(w, map[string]any{"users": users})
}

// tokenResponse is the answer of POST /dev/token.
type tokenResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// devToken serves POST /dev/token {"email": "..."}: a signed ID token for that directory
// user. Bad JSON → 400 invalid; unknown email → 404 not_found.
func (g *Gateway) devToken(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email string `json:"email"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil || dec.More() {
		writeProblem(w, r, http.StatusBadRequest, tandem.Errorf(tandem.EInvalid, `The body must be JSON: {"email": "..."}.`))
		return
	}
	if strings.TrimSpace(in.Email) == "" {
		writeProblem(w, r, http.StatusBadRequest, &tandem.Error{Code: tandem.EInvalid, Message: "The request has invalid fields.",
			Fields: []tandem.FieldError{{Field: "email", Message: "is required"}}})
		return
	}
	var u DevUser
	ok := false
	if g.cfg.Users != nil {
		u, ok = g.cfg.Users.UserByEmail(in.Email)
	}
	if !ok {
		writeProblem(w, r, http.StatusNotFound, tandem.Errorf(tandem.ENotFound, "No local user has that email; see GET /dev/users."))
		return
	}
	token, exp, err := g.cfg.Issuer.Sign(u)
	if err != nil {
		writeProblem(w, r, http.StatusInternalServerError, &tandem.Error{Code: tandem.EInternal, Err: err})
		return
	}
	writeJSON(w, tokenResponse{Token: token, ExpiresAt: exp})
}

// devJWKS serves GET /dev/jwks.json, the Issuer's public keys.
func (g *Gateway) devJWKS(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, g.cfg.Issuer.JWKS())
}
