// Command scheduler is the SchedulerFunction Lambda: on an EventBridge schedule it completes
// ended sessions and expires lapsed approval holds (internal/scheduler). Wiring only.
package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/tandemhq/tandem/internal/connections"
	"github.com/tandemhq/tandem/internal/metrics"
	"github.com/tandemhq/tandem/internal/obs"
	"github.com/tandemhq/tandem/internal/scheduler"
	"github.com/tandemhq/tandem/internal/tracing"
)

func main() {
	log := obs.NewLogger(os.Stdout)
	store := tracing.NewStore(log)
	run := scheduler.HandlerWith(store, time.Now, connections.ServiceFromEnv(store, log))
	lambda.Start(func(ctx context.Context, ev events.EventBridgeEvent) (scheduler.Result, error) {
		res, err := run(ctx, ev)
		metrics.SchedulerRun(ctx, res.Completed, res.Expired, res.RequestsExpired, res.Promoted, err)
		log.Log(ctx, obs.LevelFor(err), "scheduler run", slog.Int("completed", res.Completed), slog.Int("expired", res.Expired), slog.Int("skipped", res.Skipped), slog.Any("error", err))
		return res, err
	})
}
