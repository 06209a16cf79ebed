// Command hello is the baseline for cold-start measurements (infra/coldstart.sh): the smallest
// Go Lambda, built like Tandem's functions (lambda.norpc, stripped), with nothing done in init.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(ctx context.Context, ev map[string]any) (map[string]any, error) {
		return map[string]any{"hello": "world"}, nil
	})
}
