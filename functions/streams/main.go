// Command streams is the StreamsFunction: it keeps HR's aggregates current from the table's
// stream (internal/streams). Wiring only.
package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/metrics"
	"github.com/tandemhq/tandem/internal/obs"
	"github.com/tandemhq/tandem/internal/streams"
	"github.com/tandemhq/tandem/internal/tracing"
)

func main() {
	log := obs.NewLogger(os.Stdout)
	cfg := dynamo.ConfigFromEnv()
	cfg.TracerProvider = tracing.FromEnv()
	store, err := dynamo.New(context.TODO(), cfg)
	if err != nil {
		log.Error("init", slog.String("error", err.Error()))
		os.Exit(1)
	}
	handle := streams.Handler(store, log)
	lambda.Start(func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		resp, err := handle(ctx, ev)
		metrics.StreamBatch(ctx, ev, resp, time.Now())
		return resp, err
	})
}
