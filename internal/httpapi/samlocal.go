package httpapi

import (
	"context"
	"errors"
	"github.com/tandemhq/tandem/internal/obs"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/tandemhq/tandem/internal/gateway/jwtauth"
)

// SAM CLI sets AWS_SAM_LOCAL=true in every function it runs (`sam local start-api`,
// `sam local invoke`); Lambda never does. Its local API runs no JWT authorizer and passes
// no claims, so under it the functions check the bearer token themselves, against the dev
// key set in SAMLocalJWKSEnv (`tandem sam-env` writes it into the env-vars file), and build
// the claims the authorizer would have. In AWS none of this runs.
const (
	SAMLocalEnv     = "AWS_SAM_LOCAL"
	SAMLocalJWKSEnv = "SAM_LOCAL_JWKS"
)

// ProxyFunc is the shape of an HTTP function's Lambda handler (API Gateway payload 2.0).
type ProxyFunc func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// publicRoutes are the routes the template opens to anyone (Auth: Authorizer: NONE); a
// test keeps the list equal to template.yaml's.
var publicRoutes = map[string]bool{
	"GET /v1/calendar/{token}/feed.ics": true,
	"GET /v1/unsubscribe/{linkToken}":   true,
	"POST /v1/unsubscribe/{linkToken}":  true,
}

// SAMLocal wraps next for `sam local`: a request to a protected route needs a bearer token
// that the dev key set (a JWKS document, jwks) verifies with the dev issuer and audience,
// exactly as the HTTP API's JWT authorizer checks Cognito's; its claims are put where the
// authorizer puts them. Otherwise the answer is API Gateway's own 401
// {"message":"Unauthorized"} and the function is not called. An event that already carries
// authorizer claims (a sample event given to `sam local invoke`) passes as it is, as do
// public routes. An empty or unusable jwks refuses every token, and says so in the log.
func SAMLocal(next ProxyFunc, jwks string, log *slog.Logger) ProxyFunc {
	v := &jwtauth.Verifier{Issuer: jwtauth.DevIssuer, Audience: []string{jwtauth.DevAudience}}
	var setup error
	if strings.TrimSpace(jwks) == "" {
		setup = errors.New(SAMLocalJWKSEnv + " is empty: write the env-vars file with `tandem sam-env` (make sam-local does)")
	} else if keys, err := jwtauth.ParseJWKS([]byte(jwks)); err != nil {
		setup = err
	} else {
		v.Keys = keys
	}
	if log == nil {
		log = obs.NewLogger(io.Discard)
	}
	return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		if publicRoutes[ev.RouteKey] || (ev.RequestContext.Authorizer != nil && ev.RequestContext.Authorizer.JWT != nil) {
			return next(ctx, ev)
		}
		if setup != nil {
			log.ErrorContext(ctx, "sam local: cannot verify tokens", slog.String("error", setup.Error()))
			return unauthorized("The local token keys are not configured."), nil
		}
		token := bearer(ev.Headers)
		claims, err := v.Verify(ctx, token)
		if err != nil {
			return unauthorized(err.Error()), nil
		}
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims},
		}
		return next(ctx, ev)
	}
}

// bearer is the token of the Authorization header (the authorizer's identity source),
// with or without the Bearer scheme, as API Gateway accepts it.
func bearer(headers map[string]string) string {
	for k, v := range headers {
		if strings.EqualFold(k, "authorization") {
			v = strings.TrimSpace(v)
			if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
				v = strings.TrimSpace(v[7:])
			}
			return v
		}
	}
	return ""
}

// unauthorized is API Gateway's answer when the JWT authorizer rejects a request.
func unauthorized(why string) events.APIGatewayV2HTTPResponse {
	desc := strings.NewReplacer(`"`, `'`, "\n", " ").Replace(why)
	return events.APIGatewayV2HTTPResponse{
		StatusCode: http.StatusUnauthorized,
		Headers: map[string]string{
			"content-type":     "application/json",
			"www-authenticate": `Bearer scope="" error="invalid_token" error_description="` + desc + `"`,
		},
		Body: `{"message":"Unauthorized"}`,
	}
}
