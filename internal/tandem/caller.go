package tandem

import (
	"context"
	"slices"
)

// Role is a coarse permission group (a Cognito group in AWS).
type Role string

// The roles a user can hold; a user may hold several.
const (
	RoleLearner Role = "learner"
	RoleExpert  Role = "expert"
	RoleHR      Role = "hr"
)

// Caller is the verified identity behind a request. It comes only from the JWT authorizer's
// claims, never from a request body or query, so OrgID scopes every key the caller touches.
type Caller struct {
	UserID     string
	OrgID      string
	Email      string
	Name       string
	Department string
	Roles      []Role
}

// Has reports whether the caller holds role.
func (c Caller) Has(role Role) bool { return slices.Contains(c.Roles, role) }

// Require returns an EForbidden error unless the caller holds role.
func (c Caller) Require(role Role) error {
	if c.Has(role) {
		return nil
	}
	return Errorf(EForbidden, "This action needs the %s role.", role)
}

type callerKey struct{}

// WithCaller returns ctx carrying c.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, callerKey{}, c)
}

// CallerFrom returns the caller carried by ctx.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}
