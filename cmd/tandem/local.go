package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/streamreader"
	"github.com/tandemhq/tandem/internal/gateway"
	"github.com/tandemhq/tandem/internal/rie"
	"github.com/tandemhq/tandem/internal/samtemplate"
	"github.com/tandemhq/tandem/internal/streams"
)

// pollStream is the local stand-in for the Lambda event source mapping on the table's
// stream: every second it reads new records and hands them, in batches of 100, to the same
// handler StreamsFunction runs. A failed record is retried from there on the next tick.
func pollStream(ctx context.Context, sf storeFlags, store *dynamo.Store, log *slog.Logger) {
	reader, err := streamreader.New(ctx, dynamo.Config{Table: sf.table, Endpoint: sf.endpoint})
	if err != nil {
		log.Error("stream poller", slog.String("error", err.Error()))
		return
	}
	handle := streams.Handler(store, log)
	var pending []events.DynamoDBEventRecord
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
		pending = append(pending, recs...)
		for len(pending) > 0 {
			batch := pending[:min(100, len(pending))]
			resp, _ := handle(ctx, events.DynamoDBEvent{Records: batch})
			if len(resp.BatchItemFailures) > 0 {
				for i, r := range batch {
					if r.EventID == resp.BatchItemFailures[0].ItemIdentifier {
						pending = pending[i:]
						break
					}
				}
				break
			}
			pending = pending[len(batch):]
		}
	}
}

// startRIE builds every HTTP function of the template and runs it under the Lambda Runtime
// Interface Emulator, adding them to functions. The returned func stops them all.
func startRIE(ctx context.Context, tpl *samtemplate.Template, sf storeFlags, functions map[string]gateway.Invoker) (func(), error) {
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
	fns, stop, err := rie.StartAll(ctx, root, ids, map[string]string{"TABLE_NAME": sf.table, "DYNAMODB_ENDPOINT": sf.endpoint}, os.Stderr)
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
