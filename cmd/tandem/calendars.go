package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/tandemhq/tandem/internal/calsource"
)

// runCalendars serves the calendar-subscription fixtures (calsource.NewFixtureServer) on
// 127.0.0.1 until interrupted, for `make run` and for trying calendar connections by hand.
func runCalendars(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("calendars", flag.ContinueOnError)
	port := fs.Int("port", 0, "port on 127.0.0.1 (0: any free port)")
	urlFile := fs.String("url-file", "", "also write the base URL to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	base, _, stop, err := calsource.StartFixtureServer(*port)
	if err != nil {
		return err
	}
	defer stop()
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(base+"\n"), 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "calendar subscriptions for testing at %s:\n", base)
	for _, p := range []string{"/ics/google.ics", "/ics/outlook.ics", "/ics/apple.ics", "/ics/generated-500.ics", "/status/401", "/malformed.ics"} {
		fmt.Fprintf(os.Stderr, "  %s%s\n", base, p)
	}
	<-ctx.Done()
	return nil
}
