package gateway

import (
	"context"
	"fmt"
	"net/http"
	"runtime/debug"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

// Invoker runs one Lambda function for one API Gateway event. An error means the invocation
// itself failed (the function errored, panicked or could not be reached), which API Gateway
// turns into an error response; a function that answers 4xx/5xx returns a nil error.
type Invoker interface {
	Invoke(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)
}

// InvokerFunc adapts a function to Invoker.
type InvokerFunc func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// Invoke calls f.
func (f InvokerFunc) Invoke(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return f(ctx, ev)
}

// InProcess returns an Invoker that serves events with h exactly as a Tandem Lambda does:
// through httpadapter.NewV2(h).ProxyWithContext, so handlers read the request context and
// claims with core.GetAPIGatewayV2ContextFromContext. A panic in h becomes an invocation
// error, as the Lambda runtime reports it. The adapter is built once, like at cold start.
func InProcess(h http.Handler) Invoker {
	adapter := httpadapter.NewV2(h)
	return InvokerFunc(func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (resp events.APIGatewayV2HTTPResponse, err error) {
		defer func() {
			if p := recover(); p != nil {
				resp, err = events.APIGatewayV2HTTPResponse{}, fmt.Errorf("function panicked: %v\n%s", p, debug.Stack())
			}
		}()
		return adapter.ProxyWithContext(ctx, ev)
	})
}
