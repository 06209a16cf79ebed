// Command streams is the StreamsFunction: it keeps HR's aggregates current from the table's
// stream (internal/streams). Wiring only.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/metrics"
	"github.com/tandemhq/tandem/internal/obs"
	"github.com/tandemhq/tandem/internal/streams"
	"github.com/tandemhq/tandem/internal/tracing"
)

func main() {
	log := obs.NewLogger(os.Stdout)
	store, err := dynamo.New(context.TODO(), tracing.Traced(dynamo.ConfigFromEnv()))
	if err != nil {
		log.Error("init", slog.String("error", err.Error()))
		os.Exit(1)
	}
	lambda.Start(metrics.StreamsHandler(streams.Handler(store, log)))
}
