// Command rierun drives internal/rie from make and scripts until `tandem invoke` exists:
//
//	rierun invoke -fn ExpertsFunction -event events/experts/get-expert.json [-endpoint URL] [-table NAME]
//	rierun coldstart [-runs 5] BOOTSTRAP...
//
// invoke builds the function for the host's architecture, runs it under aws-lambda-rie
// against DynamoDB Local (-endpoint, default $DYNAMODB_ENDPOINT) and prints the response.
// coldstart cold-starts each BOOTSTRAP -runs times under RIE against a stub DynamoDB (after
// one untimed start, round-robin across bootstraps) and checks that init opens no connection
// (rie.InitNetwork); it prints a tab-separated line per bootstrap: its path, the median init
// ms, the samples (comma-separated), and "none" or the connections init opened.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/tandemhq/tandem/internal/rie"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: rierun invoke|coldstart [flags]")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch os.Args[1] {
	case "invoke":
		err = invoke(ctx, os.Args[2:])
	case "coldstart":
		err = coldstart(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "rierun:", err)
		os.Exit(1)
	}
}

func invoke(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("invoke", flag.ExitOnError)
	fn := fs.String("fn", "", "function: template logical id (ExpertsFunction) or package dir (functions/experts)")
	event := fs.String("event", "", "event JSON file")
	endpoint := fs.String("endpoint", os.Getenv("DYNAMODB_ENDPOINT"), "DynamoDB endpoint; env DYNAMODB_ENDPOINT")
	table := fs.String("table", envOr("TABLE_NAME", "tandem-local"), "table name; env TABLE_NAME")
	_ = fs.Parse(args)
	if *fn == "" || *event == "" {
		return fmt.Errorf("invoke needs -fn and -event")
	}
	if *endpoint == "" {
		return fmt.Errorf("no DynamoDB endpoint: pass -endpoint or set DYNAMODB_ENDPOINT (make ddb-start starts DynamoDB Local)")
	}
	env := map[string]string{"TABLE_NAME": *table, "DYNAMODB_ENDPOINT": *endpoint, "LOG_LEVEL": "info"}
	return rie.InvokeOnce(ctx, *fn, *event, env, os.Stdout)
}

func coldstart(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("coldstart", flag.ExitOnError)
	runs := fs.Int("runs", 5, "cold starts to measure per bootstrap")
	_ = fs.Parse(args)
	if fs.NArg() == 0 {
		return fmt.Errorf("coldstart needs BOOTSTRAP paths")
	}
	ddb, closeDDB, err := rie.StubDynamoDB()
	if err != nil {
		return err
	}
	defer closeDDB()
	env := map[string]string{"TABLE_NAME": "coldstart", "DYNAMODB_ENDPOINT": ddb, "LOG_LEVEL": "info"}
	samples := make([][]time.Duration, fs.NArg())
	// One untimed start each (page cache), then the runs round-robin, so every bootstrap
	// sees the same machine load.
	for round := -1; round < *runs; round++ {
		for i, bootstrap := range fs.Args() {
			got, err := rie.MeasureInit(ctx, rie.Config{Bootstrap: bootstrap, Env: env}, []byte("{}"), 1)
			if err != nil {
				return fmt.Errorf("%s: %w", bootstrap, err)
			}
			if round >= 0 {
				samples[i] = append(samples[i], got...)
			}
		}
	}
	for i, bootstrap := range fs.Args() {
		// Init must not touch the network, against DynamoDB Local or against AWS.
		var opened []string
		for _, e := range []map[string]string{
			{"TABLE_NAME": "coldstart", "DYNAMODB_ENDPOINT": "set"},
			{"TABLE_NAME": "coldstart", "AWS_REGION": "eu-west-1", "AWS_SESSION_TOKEN": "local"},
		} {
			hits, err := rie.InitNetwork(ctx, bootstrap, e)
			if err != nil {
				return fmt.Errorf("%s: %w", bootstrap, err)
			}
			opened = append(opened, hits...)
		}
		net := "none"
		if len(opened) > 0 {
			net = strings.Join(opened, "; ")
		}
		ms := make([]string, len(samples[i]))
		for j, d := range samples[i] {
			ms[j] = millis(d)
		}
		fmt.Printf("%s\t%s\t%s\t%s\n", bootstrap, millis(rie.Median(samples[i])), strings.Join(ms, ","), net)
	}
	return nil
}

func millis(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
