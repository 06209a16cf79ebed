// Command streams is the StreamsFunction: it keeps HR's aggregates current from the table's
// stream (internal/streams). Wiring only.
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/tandemhq/tandem/internal/metrics"
	"github.com/tandemhq/tandem/internal/obs"
	"github.com/tandemhq/tandem/internal/streams"
	"github.com/tandemhq/tandem/internal/tracing"
)

func main() {
	log := obs.NewLogger(os.Stdout)
	store := tracing.NewStore(log)
	lambda.Start(metrics.StreamsHandler(streams.Handler(store, log)))
}
