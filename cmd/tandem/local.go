package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"time"

	"github.com/tandemhq/tandem/internal/connections"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/streamreader"
	"github.com/tandemhq/tandem/internal/gateway"
	"github.com/tandemhq/tandem/internal/notify"
	"github.com/tandemhq/tandem/internal/rie"
	"github.com/tandemhq/tandem/internal/samtemplate"
	"github.com/tandemhq/tandem/internal/streams"
)

// pollStream is the local stand-in for the Lambda event source mapping on the table's
// stream: every second it reads new records and delivers them to the same handler
// StreamsFunction runs, with the mapping's settings from the template (batch size, retries,
// bisect) and Lambda's partial batch semantics (streams.Poller): a batch that reports a
// failed record is retried from that record's sequence number on the next tick. The table's
// second consumer, NotificationsFunction's (internal/notify), gets the same records through
// a poller of its own, with its own mapping's settings, as in AWS.
func pollStream(ctx context.Context, sf storeFlags, tpl *samtemplate.Template, store *dynamo.Store, notifier *notify.Consumer, cal *connections.Service, log *slog.Logger) {
	reader, err := streamreader.New(ctx, dynamo.Config{Table: sf.table, Endpoint: sf.endpoint})
	if err != nil {
		log.Error("stream poller", slog.String("error", err.Error()))
		return
	}
	ev, err := tpl.StreamEvent("StreamsFunction")
	if err != nil {
		log.Error("stream poller", slog.String("error", err.Error()))
		return
	}
	var hook streams.BookingHook
	if cal != nil {
		hook = cal.WriteBack
	}
	poller := streams.NewPoller(streams.HandlerWith(store, log, hook),
		streams.Delivery{BatchSize: ev.BatchSize, MaxRetries: ev.MaximumRetryAttempts, Bisect: ev.BisectOnError}, log)
	nev, err := tpl.StreamEvent("NotificationsFunction")
	if err != nil {
		log.Error("stream poller", slog.String("error", err.Error()))
		return
	}
	notifications := streams.NewPoller(notifier.Handler(),
		streams.Delivery{BatchSize: nev.BatchSize, MaxRetries: nev.MaximumRetryAttempts, Bisect: nev.BisectOnError}, log)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		recs, err := reader.Read(ctx)
		if err != nil {
			log.Error("stream poller: read", slog.String("error", err.Error()))
			continue
		}
		poller.Add(recs...)
		notifications.Add(recs...)
		_ = poller.Deliver(ctx)        // a failed batch is logged and retried at the next tick
		_ = notifications.Deliver(ctx) // the same, for the notifications consumer
	}
}

// startRIE builds every HTTP function of the template and runs it under the Lambda Runtime
// Interface Emulator, adding them to functions. The returned func stops them all.
func startRIE(ctx context.Context, tpl *samtemplate.Template, sf storeFlags, functions map[string]gateway.Invoker, linkKey []byte) (func(), error) {
	root, err := rie.ModuleRoot("")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var ids []string
	for _, r := range tpl.Routes() {
		if !seen[r.Function] {
			seen[r.Function] = true
			ids = append(ids, r.Function)
		}
	}
	// LINK_SIGNING_KEY: NotificationsFunction verifies unsubscribe links with the dev key.
	fns, stop, err := rie.StartAll(ctx, root, ids, map[string]string{"TABLE_NAME": sf.table, "DYNAMODB_ENDPOINT": sf.endpoint,
		"LINK_SIGNING_KEY": string(linkKey)}, os.Stderr)
	if err != nil {
		return nil, err
	}
	for id, f := range fns {
		functions[id] = f
	}
	return stop, nil
}

// runInvoke: tandem invoke -fn ExpertsFunction -event events/experts/get-expert.json —
// the real bootstrap under RIE against DynamoDB Local, once.
func runInvoke(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("invoke", flag.ExitOnError)
	var sf storeFlags
	sf.register(fs)
	fn := fs.String("fn", "", "function logical id (ExpertsFunction) or package directory (functions/experts)")
	event := fs.String("event", "", "path of the event JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *fn == "" || *event == "" {
		fs.Usage()
		os.Exit(2)
	}
	return rie.InvokeOnce(ctx, *fn, *event, map[string]string{"TABLE_NAME": sf.table, "DYNAMODB_ENDPOINT": sf.endpoint}, os.Stdout)
}
