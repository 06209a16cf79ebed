// Command streams is the StreamsFunction: it keeps HR's aggregates current from the table's
// stream (internal/streams) and writes sessions back into connected calendars
// (internal/connections). Wiring only.
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/tandemhq/tandem/internal/connections"
	"github.com/tandemhq/tandem/internal/metrics"
	"github.com/tandemhq/tandem/internal/obs"
	"github.com/tandemhq/tandem/internal/streams"
	"github.com/tandemhq/tandem/internal/tracing"
)

func main() {
	log := obs.NewLogger(os.Stdout)
	store := tracing.NewStore(log)
	// Confirmed sessions are written back into connected CalDAV calendars that ask for it.
	cal := connections.ServiceFromEnv(store, log)
	lambda.Start(metrics.StreamsHandler(streams.HandlerWith(store, log, cal.WriteBack)))
}
