package tandem

import (
	"crypto/rand"
	"encoding/base32"
	"time"
)

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewID returns a random, URL-safe id (128 bits): the id of every new booking, program and
// request.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics rather than return an error)
	return idEncoding.EncodeToString(b[:])
}

// ClockOr is the clock a use case runs on: now, or the wall clock when now is nil.
func ClockOr(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}
