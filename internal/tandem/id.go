package tandem

import (
	"crypto/rand"
	"crypto/sha256"
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

// DerivedID returns the id that parts always derive (128 bits of their SHA-256, as NewID
// writes them): for what must have one id whoever makes it, and however often.
func DerivedID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return idEncoding.EncodeToString(h.Sum(nil)[:16])
}

// ClockOr is the clock a use case runs on: now, or the wall clock when now is nil.
func ClockOr(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}
