package tandem

import (
	"strings"
	"time"
)

// User is a person in an org as Tandem knows them: identity fields from the identity provider
// plus preferences the user sets (display name, time zone).
type User struct {
	ID         string
	OrgID      string
	Email      string
	Name       string
	Department string
	Roles      []Role
	Timezone   string
	UpdatedAt  time.Time
}

// UserInput is what a user may change about themselves.
type UserInput struct {
	Name     string `json:"name"`
	Timezone string `json:"timezone"`
}

// Normalize trims the input.
func (in *UserInput) Normalize() {
	in.Name = strings.TrimSpace(in.Name)
	in.Timezone = strings.TrimSpace(in.Timezone)
}

// Validate checks the input (EInvalid with field errors).
func (in *UserInput) Validate() error {
	var v Validation
	v.Check(in.Name != "", "name", "must be 1-100 characters")
	v.CheckText("name", in.Name, 100, false)
	if _, err := LoadZone(in.Timezone); err != nil {
		v.Add("timezone", "is not a known IANA time zone")
	}
	return v.Err()
}
