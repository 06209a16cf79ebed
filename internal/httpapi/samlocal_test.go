package httpapi

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/golang-jwt/jwt/v5"
	"github.com/tandemhq/tandem/internal/gateway/jwtauth"
	"github.com/tandemhq/tandem/internal/samtemplate"
)

// devSigner signs tokens the way `tandem dev` and `tandem token` do (RS256, the dev issuer
// and audience), and publishes its key as the JWKS `tandem sam-env` puts in SAM_LOCAL_JWKS.
type devSigner struct {
	key  *rsa.PrivateKey
	kid  string
	jwks string
}

func newDevSigner(t testing.TB) *devSigner {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	jwk := jwtauth.JWKOf(&key.PublicKey)
	doc, _ := json.Marshal(jwtauth.JWKS{Keys: []jwtauth.JWK{jwk}})
	return &devSigner{key: key, kid: jwk.Kid, jwks: string(doc)}
}

// token signs the identity claims of a Cognito ID token (as API Gateway renders them, groups
// as "[a b]") with the dev issuer and audience, valid for an hour from now.
func (s *devSigner) token(t testing.TB, claims map[string]string, edit func(jwt.MapClaims)) string {
	t.Helper()
	now := time.Now()
	c := jwt.MapClaims{"iss": jwtauth.DevIssuer, "aud": jwtauth.DevAudience, "token_use": "id",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	for _, k := range []string{"sub", "email", "name", "custom:org", "custom:department"} {
		if v, ok := claims[k]; ok {
			c[k] = v
		}
	}
	if g := strings.Trim(claims["cognito:groups"], "[]"); g != "" {
		c["cognito:groups"] = strings.Fields(g)
	}
	if edit != nil {
		edit(c)
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = s.kid
	out, err := tok.SignedString(s.key)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// asSAMLocal turns an API Gateway event into what SAM CLI's local API sends for the same
// request: no authorizer claims, and the caller's token in the Authorization header.
func asSAMLocal(ev events.APIGatewayV2HTTPRequest, token string) events.APIGatewayV2HTTPRequest {
	ev.RequestContext.Authorizer = nil
	headers := map[string]string{}
	for k, v := range ev.Headers {
		if !strings.EqualFold(k, "authorization") {
			headers[k] = v
		}
	}
	if token != "" {
		headers["authorization"] = "Bearer " + token
	}
	ev.Headers = headers
	return ev
}

// TestSAMLocalChecksTokensLikeTheAuthorizer runs the AWS_SAM_LOCAL path of the HTTP
// functions: without the authorizer, a function verifies the bearer token itself and hands
// the handlers the claims API Gateway would have.
func TestSAMLocalChecksTokensLikeTheAuthorizer(t *testing.T) {
	signer := newDevSigner(t)
	var got *events.APIGatewayV2HTTPRequest
	next := func(_ context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		got = &ev
		return events.APIGatewayV2HTTPResponse{StatusCode: 200}, nil
	}
	me := events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: "GET /v1/me", RawPath: "/v1/me",
		Headers: map[string]string{"accept": "application/json"}}
	feed := events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: "GET /v1/calendar/{token}/feed.ics", RawPath: "/v1/calendar/x/feed.ics"}
	bob := claimsOf(bobLearner)
	other := newDevSigner(t)
	tests := []struct {
		name   string
		jwks   string
		ev     events.APIGatewayV2HTTPRequest
		status int
	}{
		{"a dev token", signer.jwks, asSAMLocal(me, signer.token(t, bob, nil)), 200},
		{"no Bearer scheme", signer.jwks, func() events.APIGatewayV2HTTPRequest {
			ev := asSAMLocal(me, "")
			ev.Headers["Authorization"] = signer.token(t, bob, nil)
			return ev
		}(), 200},
		{"no token", signer.jwks, asSAMLocal(me, ""), 401},
		{"another key", signer.jwks, asSAMLocal(me, other.token(t, bob, nil)), 401},
		{"expired", signer.jwks, asSAMLocal(me, signer.token(t, bob, func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Minute).Unix() })), 401},
		{"a Cognito issuer", signer.jwks, asSAMLocal(me, signer.token(t, bob, func(c jwt.MapClaims) {
			c["iss"] = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x"
		})), 401},
		{"another audience", signer.jwks, asSAMLocal(me, signer.token(t, bob, func(c jwt.MapClaims) { c["aud"] = "web" })), 401},
		{"no key set", "", asSAMLocal(me, signer.token(t, bob, nil)), 401},
		{"a public route needs none", "", asSAMLocal(feed, ""), 200},
		{"claims already there (sam local invoke with a sample event)", "", func() events.APIGatewayV2HTTPRequest {
			ev := me
			ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: bob}}
			return ev
		}(), 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got = nil
			res, err := SAMLocal(next, tt.jwks, quietLog)(context.Background(), tt.ev)
			if err != nil || res.StatusCode != tt.status {
				t.Fatalf("status = %d, %v; want %d (%s)", res.StatusCode, err, tt.status, res.Headers["www-authenticate"])
			}
			if tt.status == 401 {
				if got != nil || res.Body != `{"message":"Unauthorized"}` || !strings.HasPrefix(res.Headers["www-authenticate"], "Bearer ") {
					t.Errorf("a rejected request reached the handler or got %q %v", res.Body, res.Headers)
				}
				return
			}
			if got == nil {
				t.Fatal("the handler was not called")
			}
			if tt.ev.RouteKey == me.RouteKey {
				claims := got.RequestContext.Authorizer.JWT.Claims
				if claims["sub"] != bobLearner.UserID || claims["custom:org"] != "acme" || claims["cognito:groups"] != "[learner]" {
					t.Errorf("claims = %v", claims)
				}
			}
		})
	}
}

// TestPublicRoutesMatchTemplate keeps SAMLocal's list of open routes equal to the routes
// template.yaml opens with Auth: Authorizer: NONE.
func TestPublicRoutesMatchTemplate(t *testing.T) {
	tpl, err := samtemplate.LoadNearest()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, r := range tpl.Routes() {
		if r.Public {
			want[r.Key()] = true
		}
	}
	if len(want) != len(publicRoutes) {
		t.Errorf("template's public routes %v, SAMLocal's %v", want, publicRoutes)
	}
	for k := range want {
		if !publicRoutes[k] {
			t.Errorf("template opens %s but SAMLocal would ask it for a token", k)
		}
	}
}
