package mail

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tandemhq/tandem/internal/tandem"
)

var (
	key1 = []byte("k1-0123456789abcdef0123456789abcdef")
	key2 = []byte("k2-0123456789abcdef0123456789abcdef")
	t0   = time.Date(2027, 3, 10, 9, 0, 0, 0, time.UTC)
)

func claims() LinkClaims {
	return LinkClaims{Org: "acme", UserID: "u-ben", Purpose: PurposeAction, Verb: "cancel", BookingID: "bk1",
		Kind: "booking.confirmed", Expires: t0.Add(ActionTTL)}
}

func TestLinkRoundTrip(t *testing.T) {
	for _, c := range []LinkClaims{
		claims(),
		{Org: "acme", UserID: "u-ben", Purpose: PurposeUnsubscribe, Kind: "reminder", Expires: t0.Add(UnsubscribeTTL)},
		{Org: strings.Repeat("o", 300), UserID: "ü-ßen", Purpose: PurposeAction, Verb: "confirm", BookingID: "b", Expires: t0.Add(time.Second)},
	} {
		tok := signLink(key1, c)
		if strings.ContainsAny(tok, "+/=") {
			t.Errorf("token %q is not URL-safe", tok)
		}
		got, err := VerifyLink(key1, tok, t0)
		if err != nil {
			t.Fatalf("VerifyLink: %v", err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Errorf("claims (-signed +verified):\n%s", diff)
		}
	}
}

// TestLinkRefused: each way a token can be wrong is EInvalid, and only a genuine, expired one
// says so.
func TestLinkRefused(t *testing.T) {
	good := signLink(key1, claims())
	raw, _ := base64.RawURLEncoding.DecodeString(good)
	flip := func(i int) string {
		b := append([]byte(nil), raw...)
		b[i] ^= 0x01
		return base64.RawURLEncoding.EncodeToString(b)
	}
	// The same claims but for another user, re-encoded with the original MAC.
	other := claims()
	other.UserID = "u-eve"
	forgedBody, _ := base64.RawURLEncoding.DecodeString(signLink(key1, other))
	otherUser := base64.RawURLEncoding.EncodeToString(append(forgedBody[:len(forgedBody)-macLen:len(forgedBody)-macLen], raw[len(raw)-macLen:]...))
	// A token an attacker signs with a key of their own.
	selfSigned := signLink([]byte("attacker-key-0123456789abcdef0123456789"), claims())
	// A genuine MAC over a body with an unknown purpose.
	bad := claims()
	bad.Purpose = "admin"
	unknownPurpose := signLink(key1, bad)
	// A genuine MAC over a body with trailing garbage.
	body := append(append([]byte(nil), raw[:len(raw)-macLen]...), 'x')
	trailing := base64.RawURLEncoding.EncodeToString(append(body, mac(key1, body)...))

	tests := []struct {
		name, token string
		now         time.Time
		want        error
	}{
		{"empty", "", t0, ErrLinkInvalid},
		{"not base64", "!!!" + good[3:], t0, ErrLinkInvalid},
		{"padded base64", good + "=", t0, ErrLinkInvalid},
		{"truncated by one", good[:len(good)-1], t0, ErrLinkInvalid},
		{"truncated MAC", base64.RawURLEncoding.EncodeToString(raw[:len(raw)-1]), t0, ErrLinkInvalid},
		{"only the body", base64.RawURLEncoding.EncodeToString(raw[:len(raw)-macLen]), t0, ErrLinkInvalid},
		{"version flipped", flip(0), t0, ErrLinkInvalid},
		{"key id flipped", flip(1), t0, ErrLinkInvalid},
		{"expiry moved", flip(9), t0, ErrLinkInvalid},
		{"claim byte flipped", flip(14), t0, ErrLinkInvalid},
		{"MAC byte flipped", flip(len(raw) - 1), t0, ErrLinkInvalid},
		{"other user, original MAC", otherUser, t0, ErrLinkInvalid},
		{"signed with another key", selfSigned, t0, ErrLinkInvalid},
		{"unknown purpose", unknownPurpose, t0, ErrLinkInvalid},
		{"trailing bytes", trailing, t0, ErrLinkInvalid},
		{"huge", strings.Repeat("A", maxTokenLen+1), t0, ErrLinkInvalid},
		{"expired", good, t0.Add(ActionTTL), ErrLinkExpired},
		{"long expired", good, t0.Add(10 * ActionTTL), ErrLinkExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := VerifyLink(key1, tt.token, tt.now)
			if !errors.Is(err, tt.want) {
				t.Fatalf("VerifyLink = %+v, %v; want %v", c, err, tt.want)
			}
			if tandem.ErrorCode(err) != tandem.EInvalid {
				t.Errorf("code %q, want %q", tandem.ErrorCode(err), tandem.EInvalid)
			}
			if c != (LinkClaims{}) {
				t.Errorf("claims returned with an error: %+v", c)
			}
		})
	}
	// Just before expiry it still works.
	if _, err := VerifyLink(key1, good, t0.Add(ActionTTL-time.Second)); err != nil {
		t.Errorf("a second before expiry: %v", err)
	}
}

// TestLinkKeyRotation: during a rotation the new key signs and both verify; a token of a key
// that was dropped no longer does; a key shorter than MinKeyLen verifies nothing.
func TestLinkKeyRotation(t *testing.T) {
	old, cur := signLink(key1, claims()), signLink(key2, claims())
	for _, tok := range []string{old, cur} {
		if _, err := VerifyLinkKeys([][]byte{key2, key1}, tok, t0); err != nil {
			t.Errorf("during rotation: %v", err)
		}
	}
	if _, err := VerifyLinkKeys([][]byte{key2}, old, t0); !errors.Is(err, ErrLinkInvalid) {
		t.Errorf("after rotation, the old key's token: %v", err)
	}
	short := []byte("short")
	if _, err := VerifyLink(short, signLink(short, claims()), t0); !errors.Is(err, ErrLinkInvalid) {
		t.Errorf("short key: %v", err)
	}
	if keyID(key1) == keyID(key2) {
		t.Log("the two test keys share a key id (1 in 256); verification still tells them apart by MAC")
	}
}

// FuzzVerifyLink: no input panics, and any token that verifies was made with the key (it decodes
// to claims whose re-signing gives the same token).
func FuzzVerifyLink(f *testing.F) {
	f.Add(signLink(key1, claims()))
	f.Add(signLink(key2, claims()))
	f.Add("")
	f.Add("AQ")
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := VerifyLink(key1, tok, t0)
		if err != nil {
			if tandem.ErrorCode(err) != tandem.EInvalid {
				t.Fatalf("error %v is not EInvalid", err)
			}
			return
		}
		if again := signLink(key1, c); again != tok {
			sum := sha256.Sum256([]byte(tok))
			t.Fatalf("verified token %x does not re-sign to itself", sum[:8])
		}
	})
}
