package gateway

import "github.com/tandemhq/tandem/internal/gateway/jwtauth"

// The token verification lives in package jwtauth, which the Lambda binaries link too (the
// functions verify tokens themselves under `sam local`); these names keep the gateway's API.
type (
	Verifier   = jwtauth.Verifier
	KeySet     = jwtauth.KeySet
	StaticKeys = jwtauth.StaticKeys
	JWKS       = jwtauth.JWKS
	JWK        = jwtauth.JWK
)

var (
	ErrUnknownKey = jwtauth.ErrUnknownKey
	ParseJWKS     = jwtauth.ParseJWKS
	ClaimStrings  = jwtauth.ClaimStrings
	jwkOf         = jwtauth.JWKOf
)

// DefaultLeeway is the clock skew allowed for nbf and iat when Verifier.Leeway is zero.
const DefaultLeeway = jwtauth.DefaultLeeway
