// Package jwtauth verifies bearer tokens the way the API Gateway HTTP API JWT authorizer
// does and renders their claims as API Gateway hands them to Lambda. The local gateway
// (internal/gateway, `tandem dev`) uses it, and so do the functions themselves under
// `sam local` (AWS_SAM_LOCAL=true), where SAM CLI runs no JWT authorizer: it is small on
// purpose, so the Lambda binaries can link it without the gateway's template reader.
package jwtauth

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
)

// KeySet finds the RSA public key a token names in its kid header. The Verifier depends only
// on this, so keys can come from a local Issuer (StaticKeys) or from a JWKS document fetched
// from an issuer's jwks_uri and parsed with ParseJWKS (caching and refresh are the fetcher's).
type KeySet interface {
	PublicKey(ctx context.Context, kid string) (*rsa.PublicKey, error)
}

// ErrUnknownKey is returned by a KeySet that has no key with the requested kid.
var ErrUnknownKey = errors.New("jwtauth: unknown key id")

// StaticKeys is a fixed KeySet, by kid.
type StaticKeys map[string]*rsa.PublicKey

// PublicKey returns the key with kid, or ErrUnknownKey.
func (s StaticKeys) PublicKey(_ context.Context, kid string) (*rsa.PublicKey, error) {
	if k, ok := s[kid]; ok {
		return k, nil
	}
	return nil, ErrUnknownKey
}

// JWKS is a JSON Web Key Set document (RFC 7517) as served at a jwks_uri.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// JWK is one RSA public key of a JWKS.
type JWK struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use,omitempty"`
	Alg string `json:"alg,omitempty"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// ParseJWKS decodes a JWKS document into a KeySet, keeping the RSA signing keys and skipping
// keys of other types or uses.
func ParseJWKS(doc []byte) (StaticKeys, error) {
	var set JWKS
	if err := json.Unmarshal(doc, &set); err != nil {
		return nil, fmt.Errorf("jwtauth.ParseJWKS: %w", err)
	}
	keys := StaticKeys{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" || (k.Use != "" && k.Use != "sig") || k.Kid == "" {
			continue
		}
		pub, err := k.publicKey()
		if err != nil {
			return nil, fmt.Errorf("jwtauth.ParseJWKS: key %q: %w", k.Kid, err)
		}
		keys[k.Kid] = pub
	}
	return keys, nil
}

func (k JWK) publicKey() (*rsa.PublicKey, error) {
	n, err := base64.RawURLEncoding.DecodeString(k.N)
	if err != nil {
		return nil, fmt.Errorf("modulus: %w", err)
	}
	e, err := base64.RawURLEncoding.DecodeString(k.E)
	if err != nil {
		return nil, fmt.Errorf("exponent: %w", err)
	}
	exp := new(big.Int).SetBytes(e)
	if len(n) < 2048/8 || !exp.IsInt64() || exp.Int64() < 3 || exp.Int64() > 1<<31-1 {
		return nil, errors.New("not a usable RSA key (need >= 2048 bits and a small exponent)")
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(exp.Int64())}, nil
}

// JWKOf returns the JWK of pub with its RFC 7638 thumbprint as kid, so the kid is stable for
// as long as the key is.
func JWKOf(pub *rsa.PublicKey) JWK {
	n := base64.RawURLEncoding.EncodeToString(pub.N.Bytes())
	e := base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes())
	// Members in lexicographic order, no whitespace (RFC 7638 section 3.2).
	sum := sha256.Sum256([]byte(`{"e":"` + e + `","kty":"RSA","n":"` + n + `"}`))
	return JWK{Kty: "RSA", Kid: base64.RawURLEncoding.EncodeToString(sum[:]), Use: "sig", Alg: "RS256", N: n, E: e}
}
