package mail

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"time"

	"github.com/tandemhq/tandem/internal/obs"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Link purposes.
const (
	PurposeAction      = "action"      // a one-click action link into the app
	PurposeUnsubscribe = "unsubscribe" // the RFC 8058 one-click unsubscribe of one kind
)

// LinkClaims is what a signed link says: for whom (Org, UserID), what for (Purpose; Verb and
// BookingID for an action, Kind for an unsubscribe) and until when.
type LinkClaims struct {
	Org, UserID, Purpose, Verb, BookingID, Kind string
	Expires                                     time.Time
}

// Errors a verification can wrap (in a tandem.EInvalid *tandem.Error); test with errors.Is.
var (
	ErrLinkInvalid = errors.New("link token is malformed, forged or signed with an unknown key")
	ErrLinkExpired = errors.New("link token has expired")
)

// Token layout (before base64url without padding):
//
//	version (1 byte, 1) | key id (1 byte) | expires (8 bytes, Unix seconds, big endian)
//	| 6 × (uvarint length | bytes): Org, UserID, Purpose, Verb, BookingID, Kind
//	| HMAC-SHA256(key, "tandem-link\x00" | everything before the MAC) (32 bytes)
//
// The key id is the first byte of SHA-256("tandem-link-key-id\x00" | key): it lets a verifier
// that holds several keys (during a rotation: the new key signs, old and new verify; see
// VerifyLinkKeys) pick the right one without trying each; it says nothing about the key. The
// claims are readable by anyone holding the link (they are ids, not secrets); only the MAC
// makes them trustworthy, and it is compared in constant time.
const (
	tokenVersion = 1
	macLen       = sha256.Size
	macDomain    = "tandem-link\x00"
	maxTokenLen  = 4096
)

func keyID(key []byte) byte {
	h := sha256.Sum256(append([]byte("tandem-link-key-id\x00"), key...))
	return h[0]
}

func mac(key, body []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(macDomain))
	h.Write(body)
	return h.Sum(nil)
}

// SignLink returns the URL-safe token for c, signed with the Mailer's key.
func (m *Mailer) SignLink(c LinkClaims) string { return signLink(m.key, c) }

func signLink(key []byte, c LinkClaims) string {
	b := make([]byte, 0, 64)
	b = append(b, tokenVersion, keyID(key))
	b = binary.BigEndian.AppendUint64(b, uint64(c.Expires.Unix()))
	for _, f := range []string{c.Org, c.UserID, c.Purpose, c.Verb, c.BookingID, c.Kind} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	b = append(b, mac(key, b)...)
	tok := base64.RawURLEncoding.EncodeToString(b)
	obs.NoteSecret(tok)
	return tok
}

// VerifyLink checks token against key at now and returns its claims. A malformed, forged or
// truncated token, one signed with another key or with an unknown purpose is EInvalid wrapping
// ErrLinkInvalid; a genuine token past its expiry is EInvalid wrapping ErrLinkExpired. The
// caller must still check that the claims fit the request (the user, the booking, the kind).
func VerifyLink(key []byte, token string, now time.Time) (LinkClaims, error) {
	return VerifyLinkKeys([][]byte{key}, token, now)
}

// VerifyLinkKeys is VerifyLink with several keys, for key rotation: the token's key id picks
// the key.
func VerifyLinkKeys(keys [][]byte, token string, now time.Time) (LinkClaims, error) {
	invalid := &tandem.Error{Code: tandem.EInvalid, Message: "This link is not valid.", Err: ErrLinkInvalid}
	if len(token) == 0 || len(token) > maxTokenLen {
		return LinkClaims{}, invalid
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(b) < 2+8+6+macLen || b[0] != tokenVersion {
		return LinkClaims{}, invalid
	}
	body, sum := b[:len(b)-macLen], b[len(b)-macLen:]
	ok := false
	for _, k := range keys {
		if len(k) >= MinKeyLen && keyID(k) == b[1] && hmac.Equal(mac(k, body), sum) {
			ok = true
			break
		}
	}
	if !ok {
		return LinkClaims{}, invalid
	}
	exp := int64(binary.BigEndian.Uint64(body[2:10]))
	rest := body[10:]
	var f [6]string
	for i := range f {
		n, w := binary.Uvarint(rest)
		if w <= 0 || n > uint64(len(rest)-w) {
			return LinkClaims{}, invalid
		}
		f[i] = string(rest[w : w+int(n)])
		rest = rest[w+int(n):]
	}
	if len(rest) != 0 {
		return LinkClaims{}, invalid
	}
	c := LinkClaims{Org: f[0], UserID: f[1], Purpose: f[2], Verb: f[3], BookingID: f[4], Kind: f[5], Expires: time.Unix(exp, 0).UTC()}
	if c.Purpose != PurposeAction && c.Purpose != PurposeUnsubscribe {
		return LinkClaims{}, invalid
	}
	if !now.Before(c.Expires) {
		return LinkClaims{}, &tandem.Error{Code: tandem.EInvalid, Message: "This link has expired.", Err: ErrLinkExpired}
	}
	return c, nil
}
