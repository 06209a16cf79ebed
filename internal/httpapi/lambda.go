package httpapi

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/tandemhq/tandem/internal/connections"
	"github.com/tandemhq/tandem/internal/obs"
	"github.com/tandemhq/tandem/internal/tracing"
)

// Start is the whole cold start of an HTTP function: JSON logs to stdout (internal/obs: level
// from LOG_LEVEL, request ids, redaction), the store built once from the environment with
// X-Ray tracing of its SDK calls in Lambda (internal/tracing), the function's router behind
// the API Gateway v2 adapter. functions/<domain>/main.go calls it with its constructor and
// nothing else. Under SAM CLI (AWS_SAM_LOCAL=true, never in AWS) the function checks bearer
// tokens itself: SAMLocal.
func Start(newRouter func(Deps) *Router) {
	log := obs.NewLogger(os.Stdout)
	store := tracing.NewStore(log)
	deps := Deps{Store: store, Logger: log}
	var err error
	if deps.Sealer, deps.CalendarHTTP, err = connections.ConfigFromEnv(); err != nil {
		log.Error("calendar connections disabled", slog.String("error", err.Error()))
	}
	handler := ProxyFunc(httpadapter.NewV2(newRouter(deps)).ProxyWithContext)
	if os.Getenv(SAMLocalEnv) == "true" { // SAM CLI's local API: no JWT authorizer runs (samlocal.go)
		handler = SAMLocal(handler, os.Getenv(SAMLocalJWKSEnv), log)
	}
	lambda.Start(handler)
}
