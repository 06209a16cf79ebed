// Command rierun drives internal/rie from make and scripts until `tandem invoke` exists:
//
//	rierun invoke -fn ExpertsFunction -event events/experts/get-expert.json [-endpoint URL] [-table NAME]
//	rierun coldstart [-runs 5] BOOTSTRAP...
//
// invoke builds the function for the host's architecture, runs it under aws-lambda-rie
// against DynamoDB Local (-endpoint, default $DYNAMODB_ENDPOINT) and prints the response.
// coldstart measures each BOOTSTRAP's init -runs times, round-robin across bootstraps (after
// one untimed start each) so that machine load hits all alike: the instructions it executes
// before asking for its first event (rie.InitInstructions, with the environment a deployed
// function has: the AWS path, X-Ray on, every key set) and its init time under RIE against a
// stub DynamoDB. It checks that init opens no connection (rie.InitNetwork) and prints a
// tab-separated line per bootstrap: its path, the median instruction count, the counts
// (comma-separated), the median init ms, the ms samples, and "none" or the connections init
// opened.
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
	counts := make([][]uint64, fs.NArg())
	// One untimed start each (page cache), then the runs round-robin, so every bootstrap
	// sees the same machine load.
	for round := -1; round < *runs; round++ {
		for i, bootstrap := range fs.Args() {
			got, err := rie.MeasureInit(ctx, rie.Config{Bootstrap: bootstrap, Env: env}, []byte("{}"), 1)
			if err != nil {
				return fmt.Errorf("%s: %w", bootstrap, err)
			}
			if round < 0 {
				continue
			}
			samples[i] = append(samples[i], got...)
			n, err := rie.InitInstructions(ctx, bootstrap, deployedEnv)
			if err != nil {
				return fmt.Errorf("%s: %w", bootstrap, err)
			}
			counts[i] = append(counts[i], n)
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
		ns := make([]string, len(counts[i]))
		for j, n := range counts[i] {
			ns[j] = fmt.Sprint(n)
		}
		fmt.Printf("%s\t%d\t%s\t%s\t%s\t%s\n", bootstrap, rie.MedianCount(counts[i]), strings.Join(ns, ","),
			millis(rie.Median(samples[i])), strings.Join(ms, ","), net)
	}
	return nil
}

// deployedEnv is what template.yaml gives the functions in AWS, so that init counted with it
// does what a deployed cold start does: no DYNAMODB_ENDPOINT or SES_ENDPOINT (the AWS path,
// with Lambda's session credentials), X-Ray tracing on (Tracing: Active), and every key and
// address set, so no setup is skipped for want of configuration. Variables a function does
// not read change nothing.
var deployedEnv = map[string]string{
	"TABLE_NAME":               "coldstart",
	"LOG_LEVEL":                "info",
	"AWS_SESSION_TOKEN":        "local",
	"AWS_XRAY_DAEMON_ADDRESS":  "169.254.79.129:2000",
	"AWS_LAMBDA_FUNCTION_NAME": "function",
	"CALENDAR_KEY":             "Y29sZHN0YXJ0LWNhbGVuZGFyLWtleS0zMi1ieXRlcyE=", // 32 bytes
	"SENDER_ADDRESS":           "noreply@example.com",
	"APP_URL":                  "https://tandem.example.com",
	"API_URL":                  "https://tandem.example.com",
	"LINK_SIGNING_KEY":         "coldstart-link-signing-key-of-32-bytes-or-more",
}

func millis(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
