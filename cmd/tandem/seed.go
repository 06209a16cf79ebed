package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/tandemhq/tandem/internal/seed"
)

func runSeed(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ExitOnError)
	var sf storeFlags
	sf.register(fs)
	nowFlag := fs.String("now", "", "place the demo bookings around this RFC 3339 instant instead of the current time (use the same value as tandem dev -now)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	clock, err := clockFrom(*nowFlag)
	if err != nil {
		return err
	}
	store, _, err := sf.open(ctx, clock)
	if err != nil {
		return err
	}
	if err := seed.Load(ctx, store, clock()); err != nil {
		return err
	}
	fmt.Printf("seeded %d demo users and their bookings into table %s\n", len(seed.People()), sf.table)
	return nil
}
