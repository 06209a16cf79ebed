// Command tandem is the local tool:
//
//	tandem dev        the local API Gateway (template.yaml routes, JWT checks, dev sign-in) and web app
//	tandem seed       load the demo orgs into a table (idempotent)
//	tandem invoke     run one function's real bootstrap under the Lambda RIE with an event
//	tandem functions  list the template's function logical ids (used by `make build`)
//	tandem sam-env    write the env-vars file for `sam local start-api` (make sam-local)
//	tandem token      print a dev token for a seeded user (tandem dev, sam local)
//	tandem calendars  serve calendar-subscription fixtures on 127.0.0.1 (internal/calsource)
//	tandem backfill   bring a table's items written before this version to its shape (after a deploy)
//
// Run `tandem <command> -h` for flags. `make run` wires all of it together.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "dev":
		err = runDev(ctx, args)
	case "seed":
		err = runSeed(ctx, args)
	case "invoke":
		err = runInvoke(ctx, args)
	case "functions":
		err = runFunctions(args)
	case "sam-env":
		err = runSAMEnv(args)
	case "token":
		err = runToken(args)
	case "calendars":
		err = runCalendars(ctx, args)
	case "backfill":
		err = runBackfill(ctx, args)
	case "-h", "--help", "help":
		usage()
		return
	default:
		fmt.Fprintf(os.Stderr, "tandem: unknown command %q\n", cmd)
		usage()
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tandem:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, `usage: tandem <command> [flags]

commands:
  dev        serve the API (routes from template.yaml) and the web app locally
  seed       load the demo orgs (idempotent); -bookings N adds N past sessions
  invoke     run a function's real bootstrap under the Lambda RIE with an event
  functions  list the template's function logical ids
  sam-env    write the env-vars file for sam local start-api (DynamoDB Local, dev JWKS)
  token      print a dev token for a seeded user (-email)
  calendars  serve calendar-subscription fixtures (Google, Outlook, Apple shapes) on 127.0.0.1
  backfill   bring a table's items written before this version to its shape (-table; README, Upgrading)`)
}
