// Command streams is the StreamsFunction: it keeps HR's aggregates current from the table's
// stream (internal/streams). Wiring only.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/streams"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	store, err := dynamo.New(context.TODO(), dynamo.ConfigFromEnv())
	if err != nil {
		log.Error("init", slog.String("error", err.Error()))
		os.Exit(1)
	}
	lambda.Start(streams.Handler(store, log))
}
