package jwtauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tandemhq/tandem/internal/tandem"
)

// DefaultLeeway is the clock skew allowed for nbf and iat when Verifier.Leeway is zero.
const DefaultLeeway = 30 * time.Second

// maxTokenLen bounds the work spent on a token; real ID tokens are a few KiB.
const maxTokenLen = 16 << 10

// Verifier checks bearer tokens the way the API Gateway HTTP API JWT authorizer does:
// RS256 only (alg none and HMAC are refused, so a public key can never act as an HMAC
// secret), a kid that Keys knows, a valid signature, iss equal to Issuer, aud containing one
// of Audience (client_id is checked only when aud is absent, as API Gateway does), exp after
// now, and nbf and iat not after now plus Leeway. Scopes are not checked: Tandem's routes
// require none.
type Verifier struct {
	Issuer   string
	Audience []string
	Keys     KeySet
	Now      func() time.Time // time.Now when nil
	Leeway   time.Duration    // for nbf and iat; DefaultLeeway when zero, none when negative
}

var parser = jwt.NewParser(
	jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}),
	jwt.WithJSONNumber(),
	jwt.WithStrictDecoding(),
	jwt.WithoutClaimsValidation(), // checked below, with the injected clock and API Gateway's rules
)

// Verify checks token and returns its claims as API Gateway hands them to Lambda in
// requestContext.authorizer.jwt.claims (see ClaimStrings). Any failure is an
// *tandem.Error with code EUnauthenticated whose message says what was wrong, like the
// error_description API Gateway puts in WWW-Authenticate.
func (v *Verifier) Verify(ctx context.Context, token string) (map[string]string, error) {
	if token == "" || len(token) > maxTokenLen {
		return nil, unauthenticated("The token is missing or too long.", nil)
	}
	claims := jwt.MapClaims{}
	_, err := parser.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" || v.Keys == nil {
			return nil, ErrUnknownKey
		}
		return v.Keys.PublicKey(ctx, kid)
	})
	switch {
	case errors.Is(err, ErrUnknownKey):
		return nil, unauthenticated("The token's key id (kid) is unknown.", err)
	case errors.Is(err, jwt.ErrTokenMalformed):
		return nil, unauthenticated("The token is malformed.", err)
	case err != nil:
		return nil, unauthenticated("The token's algorithm or signature is invalid.", err)
	}
	if err := v.checkClaims(claims); err != nil {
		return nil, err
	}
	return ClaimStrings(claims), nil
}

func (v *Verifier) checkClaims(c jwt.MapClaims) error {
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	t := now()
	leeway := v.Leeway
	if leeway == 0 {
		leeway = DefaultLeeway
	} else if leeway < 0 {
		leeway = 0
	}
	if iss, _ := c["iss"].(string); v.Issuer == "" || iss != v.Issuer {
		return unauthenticated("The token's issuer (iss) is not accepted.", nil)
	}
	if !v.audienceOK(c) {
		return unauthenticated("The token's audience (aud or client_id) is not accepted.", nil)
	}
	exp, ok, err := numericDate(c, "exp")
	if err != nil || !ok {
		return unauthenticated("The token has no valid expiry (exp).", err)
	}
	if !t.Before(exp) {
		return unauthenticated("The token has expired.", nil)
	}
	for _, name := range []string{"nbf", "iat"} {
		at, ok, err := numericDate(c, name)
		if err != nil {
			return unauthenticated(fmt.Sprintf("The token's %s claim is not a valid time.", name), err)
		}
		if ok && at.After(t.Add(leeway)) {
			return unauthenticated(fmt.Sprintf("The token is not valid yet (%s is in the future).", name), nil)
		}
	}
	return nil
}

// audienceOK applies API Gateway's rule: aud (a string or an array) must contain one of the
// configured audiences; client_id is used only when aud is absent.
func (v *Verifier) audienceOK(c jwt.MapClaims) bool {
	aud, present := c["aud"]
	if !present {
		id, _ := c["client_id"].(string)
		return id != "" && slices.Contains(v.Audience, id)
	}
	switch a := aud.(type) {
	case string:
		return a != "" && slices.Contains(v.Audience, a)
	case []any:
		for _, x := range a {
			if s, ok := x.(string); ok && s != "" && slices.Contains(v.Audience, s) {
				return true
			}
		}
	}
	return false
}

// numericDate reads an optional NumericDate claim (seconds since the epoch, maybe fractional).
func numericDate(c jwt.MapClaims, name string) (time.Time, bool, error) {
	raw, ok := c[name]
	if !ok {
		return time.Time{}, false, nil
	}
	n, isNum := raw.(json.Number)
	if !isNum {
		return time.Time{}, true, fmt.Errorf("%s is not a number", name)
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e12 {
		return time.Time{}, true, fmt.Errorf("%s is out of range", name)
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true, nil
}

// ClaimStrings converts decoded JWT claims to the map[string]string API Gateway puts in
// requestContext.authorizer.jwt.claims: strings as they are, numbers as decimal strings,
// booleans as "true"/"false", arrays in API Gateway's bracketed, space-separated form
// (["learner","expert"] → "[learner expert]"), and objects as compact JSON (Tandem's tokens
// carry none; AWS's exact rendering of objects is not documented).
func ClaimStrings(claims map[string]any) map[string]string {
	out := make(map[string]string, len(claims))
	for k, v := range claims {
		out[k] = claimString(v)
	}
	return out
}

func claimString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return strconv.FormatInt(i, 10)
		}
		if f, err := x.Float64(); err == nil {
			return strconv.FormatFloat(f, 'f', -1, 64)
		}
		return x.String()
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = claimString(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	}
}

func unauthenticated(msg string, cause error) error {
	return &tandem.Error{Code: tandem.EUnauthenticated, Message: msg, Err: cause}
}
