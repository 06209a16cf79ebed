package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Caller is the verified identity of the request (see tandem.Caller).
type Caller = tandem.Caller

var errUnauthenticated = tandem.Errorf(tandem.EUnauthenticated, "A valid sign-in token is required.")

// callerFrom reads the caller from the JWT authorizer's claims in the API Gateway v2 request
// context, and from nowhere else: headers, query and body can't name an org or a user.
func callerFrom(r *http.Request) (Caller, error) {
	gw, ok := core.GetAPIGatewayV2ContextFromContext(r.Context())
	if !ok || gw.Authorizer == nil || gw.Authorizer.JWT == nil {
		return Caller{}, errUnauthenticated
	}
	claims := gw.Authorizer.JWT.Claims
	c := Caller{
		UserID:     claims["sub"],
		OrgID:      claims["custom:org"],
		Email:      claims["email"],
		Name:       claims["name"],
		Department: claims["custom:department"],
	}
	if c.UserID == "" || c.OrgID == "" || strings.Contains(c.OrgID, "#") {
		return Caller{}, errUnauthenticated
	}
	if c.Name == "" {
		c.Name = c.Email
	}
	for _, g := range parseGroups(claims["cognito:groups"]) {
		switch role := tandem.Role(g); role {
		case tandem.RoleLearner, tandem.RoleExpert, tandem.RoleHR:
			c.Roles = append(c.Roles, role)
		}
	}
	return c, nil
}

// arrivedAt is when API Gateway received the request (requestContext.timeEpoch, milliseconds):
// the order of a circle's waitlist, which the time this function got to it would scramble
// (cold starts, other containers, a loaded one). Zero when the event has none (the dev
// server, tests): the booking use case then stamps its own arrival.
func arrivedAt(r *http.Request) time.Time {
	if gw, ok := core.GetAPIGatewayV2ContextFromContext(r.Context()); ok && gw.TimeEpoch > 0 {
		return time.UnixMilli(gw.TimeEpoch)
	}
	return time.Time{}
}

// parseGroups accepts the forms a groups claim takes on its way through API Gateway: its own
// "[a b]" rendering of a JSON array, a JSON array, or a comma-separated list.
func parseGroups(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	var arr []string
	if json.Unmarshal([]byte(s), &arr) == nil {
		return arr
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' })
}
