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
	history := fs.Int("bookings", 0, "also import this many past sessions (six months of history, aggregated for the HR reports)")
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
	if err := seed.LoadHistory(ctx, store, clock(), *history); err != nil {
		return err
	}
	fmt.Printf("seeded %d demo users, their bookings and %d past sessions into table %s\n", len(seed.People()), *history, sf.table)
	return nil
}
