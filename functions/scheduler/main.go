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
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/scheduler"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	store, err := dynamo.New(context.TODO(), dynamo.ConfigFromEnv())
	if err != nil {
		log.Error("init", slog.String("error", err.Error()))
		os.Exit(1)
	}
	run := scheduler.Handler(store, time.Now)
	lambda.Start(func(ctx context.Context, ev events.EventBridgeEvent) (scheduler.Result, error) {
		res, err := run(ctx, ev)
		log.Info("scheduler run", slog.Int("completed", res.Completed), slog.Int("expired", res.Expired), slog.Int("skipped", res.Skipped))
		return res, err
	})
}
