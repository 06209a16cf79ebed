// Command bookings is the BookingsFunction Lambda: booking, the booking lifecycle, invites
// and calendar feeds. It only wires: configuration, the store (built once per cold start)
// and the handler.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/httpapi"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	store, err := dynamo.New(context.TODO(), dynamo.ConfigFromEnv())
	if err != nil {
		log.Error("init", slog.String("error", err.Error()))
		os.Exit(1)
	}
	h := httpapi.NewBookings(httpapi.Deps{Store: store, Logger: log})
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
