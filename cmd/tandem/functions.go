package main

import (
	"flag"
	"fmt"

	"github.com/tandemhq/tandem/internal/samtemplate"
)

func runFunctions(args []string) error {
	fs := flag.NewFlagSet("functions", flag.ExitOnError)
	path := fs.String("template", samtemplate.FileName, "path to the SAM template")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tpl, err := samtemplate.Load(*path)
	if err != nil {
		return err
	}
	for _, fn := range tpl.Functions() {
		fmt.Println(fn)
	}
	return nil
}
