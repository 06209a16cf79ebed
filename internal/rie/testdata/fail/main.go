// Command fail is a test fixture for internal/rie: a Lambda that misbehaves the way FAIL_MODE
// says (init-exit: exits during init; init-network: sends HTTP requests during init, to
// DYNAMODB_ENDPOINT and to a name that only a proxy would carry; init-work: spins through
// 10 million loop iterations before starting, for the instruction count; error: the handler returns
// an error; panic: the handler panics; getenv: answers {"value": $NAME} for an event
// {"name": NAME}; otherwise it echoes its event).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	mode := os.Getenv("FAIL_MODE")
	if mode == "init-exit" {
		os.Stderr.WriteString("fail: exiting during init\n")
		os.Exit(3)
	}
	if mode == "init-network" {
		client := &http.Client{Timeout: time.Second}
		for _, url := range []string{os.Getenv("DYNAMODB_ENDPOINT"), "http://init-check.localhost/"} {
			if url == "" {
				continue
			}
			if resp, err := client.Get(url); err == nil {
				resp.Body.Close()
			}
		}
	}
	if mode == "init-work" {
		sink = spin(10_000_000)
	}
	lambda.Start(func(ctx context.Context, ev json.RawMessage) (json.RawMessage, error) {
		switch mode {
		case "error":
			return nil, errors.New("handler failed on purpose")
		case "panic":
			panic("handler panicked on purpose")
		case "getenv":
			var in struct{ Name string }
			if err := json.Unmarshal(ev, &in); err != nil {
				return nil, err
			}
			return json.Marshal(map[string]string{"value": os.Getenv(in.Name)})
		}
		return ev, nil
	})
}

// sink keeps spin's result alive so the compiler cannot drop the loop.
var sink uint64

//go:noinline
func spin(n int) uint64 {
	x := uint64(1)
	for i := 0; i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}
