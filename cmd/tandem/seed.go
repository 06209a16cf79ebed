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
	if err := fs.Parse(args); err != nil {
		return err
	}
	store, _, err := sf.open(ctx, nil)
	if err != nil {
		return err
	}
	if err := seed.Load(ctx, store); err != nil {
		return err
	}
	fmt.Printf("seeded %d demo users into table %s\n", len(seed.People()), sf.table)
	return nil
}
