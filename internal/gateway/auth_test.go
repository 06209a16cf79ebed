package gateway

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tandemhq/tandem/internal/tandem"
)

// forged builds tokens the issuer never signed, or signed with the wrong claims.
type forged struct {
	t   testing.TB
	iss *Issuer
}

func (fg forged) claims(edit func(jwt.MapClaims)) jwt.MapClaims {
	c, _, err := fg.iss.claims(ada)
	if err != nil {
		fg.t.Fatal(err)
	}
	if edit != nil {
		edit(c)
	}
	return c
}

// signed signs ada's claims with method and key under kid ("" = no kid header).
func (fg forged) signed(method jwt.SigningMethod, key any, kid string) string {
	tok := jwt.NewWithClaims(method, fg.claims(nil))
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		fg.t.Fatal(err)
	}
	return s
}

// algNone is an unsigned token claiming "alg": "none".
func (fg forged) algNone() string {
	enc := base64.RawURLEncoding.EncodeToString
	head, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT", "kid": fg.iss.KeyID()})
	body, _ := json.Marshal(fg.claims(nil))
	return enc(head) + "." + enc(body) + "."
}

// tampered swaps the payload of a valid token for grace's identity, keeping the signature.
func (fg forged) tampered() string {
	parts := strings.Split(tokenFor(fg.t, fg.iss, nil), ".")
	body, _ := json.Marshal(fg.claims(func(c jwt.MapClaims) { c["sub"], c["cognito:groups"] = "u-grace", []string{"hr"} }))
	parts[1] = base64.RawURLEncoding.EncodeToString(body)
	return strings.Join(parts, ".")
}

// nonCanonical changes an unused bit of the signature's last base64 character: the same
// bytes under lenient decoding, refused under strict decoding.
func (fg forged) nonCanonical() string {
	tok := tokenFor(fg.t, fg.iss, nil)
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, tok[len(tok)-1])
	return tok[:len(tok)-1] + string(alphabet[last^1])
}

func publicPEM(t testing.TB, k *rsa.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// badTokens are Authorization header values the authorizer must refuse ("" = no header).
func badTokens(t testing.TB, iss *Issuer) map[string]string {
	key, other := testKeys(t)
	fg := forged{t, iss}
	at := func(d time.Duration) int64 { return fixedNow.Add(d).Unix() }
	edit := func(e func(jwt.MapClaims)) string { return "Bearer " + tokenFor(t, iss, e) }
	return map[string]string{
		"missing":                      "",
		"empty bearer":                 "Bearer ",
		"basic auth":                   "Basic dXNlcjpwYXNz",
		"malformed":                    "Bearer not.a.jwt",
		"not a jwt":                    "Bearer abc",
		"two tokens":                   "Bearer a.b.c d.e.f",
		"expired":                      edit(func(c jwt.MapClaims) { c["exp"] = at(-time.Second) }),
		"expires now":                  edit(func(c jwt.MapClaims) { c["exp"] = at(0) }),
		"no exp":                       edit(func(c jwt.MapClaims) { delete(c, "exp") }),
		"exp as string":                edit(func(c jwt.MapClaims) { c["exp"] = "9999999999" }),
		"wrong issuer":                 edit(func(c jwt.MapClaims) { c["iss"] = "https://cognito-idp.example/evil" }),
		"no issuer":                    edit(func(c jwt.MapClaims) { delete(c, "iss") }),
		"wrong audience":               edit(func(c jwt.MapClaims) { c["aud"] = "someone-else" }),
		"audience list without ours":   edit(func(c jwt.MapClaims) { c["aud"] = []string{"a", "b"} }),
		"wrong aud beats client_id":    edit(func(c jwt.MapClaims) { c["aud"], c["client_id"] = "someone-else", testAudience }),
		"no aud, wrong client_id":      edit(func(c jwt.MapClaims) { delete(c, "aud"); c["client_id"] = "x" }),
		"nbf in the future":            edit(func(c jwt.MapClaims) { c["nbf"] = at(2 * time.Minute) }),
		"iat in the future":            edit(func(c jwt.MapClaims) { c["iat"] = at(2 * time.Minute) }),
		"alg none":                     "Bearer " + fg.algNone(),
		"HS256 keyed with public PEM":  "Bearer " + fg.signed(jwt.SigningMethodHS256, publicPEM(t, &key.PublicKey), iss.KeyID()),
		"HS256 keyed with modulus":     "Bearer " + fg.signed(jwt.SigningMethodHS256, key.PublicKey.N.Bytes(), iss.KeyID()),
		"RS512 by the issuer's key":    "Bearer " + fg.signed(jwt.SigningMethodRS512, key, iss.KeyID()),
		"unknown kid":                  "Bearer " + fg.signed(jwt.SigningMethodRS256, key, "not-a-kid"),
		"no kid":                       "Bearer " + fg.signed(jwt.SigningMethodRS256, key, ""),
		"another key, issuer's kid":    "Bearer " + fg.signed(jwt.SigningMethodRS256, other, iss.KeyID()),
		"tampered payload":             "Bearer " + fg.tampered(),
		"non-canonical base64":         "Bearer " + fg.nonCanonical(),
		"valid token plus garbage":     "Bearer " + tokenFor(t, iss, nil) + "x",
		"valid token with extra parts": "Bearer " + tokenFor(t, iss, nil) + ".e30",
	}
}

func TestAuthorizerRejects(t *testing.T) {
	f := newFixture(t)
	for name, header := range badTokens(t, f.issuer) {
		t.Run(name, func(t *testing.T) {
			var hdr []string
			if header != "" {
				hdr = []string{"Authorization", header}
			}
			resp := f.do(t, "GET", "/v1/me", "", nil, hdr...)
			wantProblem(t, resp, http.StatusUnauthorized, "unauthenticated")
			if got := resp.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
				t.Errorf("WWW-Authenticate = %q, want a Bearer challenge", got)
			}
		})
	}
	t.Run("two Authorization headers", func(t *testing.T) {
		tok := "Bearer " + f.token(t, nil)
		resp := f.do(t, "GET", "/v1/me", "", nil, "Authorization", tok, "Authorization", tok)
		wantProblem(t, resp, http.StatusUnauthorized, "unauthenticated")
	})
	if n := f.experts.count(); n != 0 {
		t.Errorf("function invoked %d times with bad tokens, want 0", n)
	}
}

func TestAuthorizerAccepts(t *testing.T) {
	f := newFixture(t)
	at := func(d time.Duration) int64 { return fixedNow.Add(d).Unix() }
	tests := map[string]string{
		"bearer":                      "Bearer " + f.token(t, nil),
		"lower-case scheme":           "bearer " + f.token(t, nil),
		"bare token":                  f.token(t, nil),
		"client_id when aud absent":   "Bearer " + f.token(t, func(c jwt.MapClaims) { delete(c, "aud"); c["client_id"] = testAudience }),
		"aud list containing ours":    "Bearer " + f.token(t, func(c jwt.MapClaims) { c["aud"] = []string{"x", testAudience} }),
		"iat within the clock skew":   "Bearer " + f.token(t, func(c jwt.MapClaims) { c["iat"] = at(10 * time.Second) }),
		"nbf in the past":             "Bearer " + f.token(t, func(c jwt.MapClaims) { c["nbf"] = at(-time.Hour) }),
		"expires in a second":         "Bearer " + f.token(t, func(c jwt.MapClaims) { c["exp"] = at(time.Second) }),
		"fractional numeric dates ok": "Bearer " + f.token(t, func(c jwt.MapClaims) { c["exp"] = float64(at(time.Hour)) + 0.5 }),
	}
	for name, header := range tests {
		t.Run(name, func(t *testing.T) {
			resp := f.do(t, "GET", "/v1/me", "", nil, "Authorization", header)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200: %s", resp.StatusCode, readBody(t, resp))
			}
			if e := decodeJSON[echo](t, resp); e.Context.Authorizer.JWT.Claims["sub"] != "u-ada" {
				t.Errorf("claims = %v, want sub u-ada", e.Context.Authorizer.JWT.Claims)
			}
		})
	}
}

// FuzzBearerVerification feeds arbitrary Authorization headers to the authorizer path. It
// must never panic, must fail only with unauthenticated, and may accept a token only if an
// independent RS256 check proves the issuer's key signed it with the right issuer and expiry.
func FuzzBearerVerification(f *testing.F) {
	iss := newTestIssuer(f)
	for _, h := range badTokens(f, iss) {
		f.Add(h)
	}
	f.Add("Bearer " + tokenFor(f, iss, nil))
	f.Add(tokenFor(f, iss, nil))
	key, _ := testKeys(f)
	v := iss.Verifier()
	f.Fuzz(func(t *testing.T, header string) {
		token, ok := bearerToken([]string{header})
		if !ok {
			return
		}
		claims, err := v.Verify(context.Background(), token)
		if err != nil {
			var e *tandem.Error
			if !errors.As(err, &e) || e.Code != tandem.EUnauthenticated {
				t.Fatalf("Verify error %v, want an unauthenticated *tandem.Error", err)
			}
			return
		}
		parts := strings.Split(token, ".")
		if len(parts) != 3 {
			t.Fatalf("accepted a token with %d parts", len(parts))
		}
		var head struct{ Alg, Kid string }
		raw, err := base64.RawURLEncoding.Strict().DecodeString(parts[0])
		if err != nil || json.Unmarshal(raw, &head) != nil || head.Alg != "RS256" || head.Kid != iss.KeyID() {
			t.Fatalf("accepted a token whose header is %q", raw)
		}
		sig, err := base64.RawURLEncoding.Strict().DecodeString(parts[2])
		sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
		if err != nil || rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, sum[:], sig) != nil {
			t.Fatal("accepted a token the issuer's key did not sign")
		}
		if claims["iss"] != testIssuerURL {
			t.Fatalf("accepted iss %q", claims["iss"])
		}
	})
}
