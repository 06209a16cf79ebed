package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/metrics"
	"github.com/tandemhq/tandem/internal/obs/obstest"
)

// TestAbortedRequestIsNoServerError: a client that goes away mid-request (a real connection
// closed on a real server) is logged at info as client_closed_request with status 499, never
// as an internal error or a server error metric; the store call it interrupted is the real
// SDK's, so its error is the one a handler really sees. A cancellation that is not the
// request's, and a deadline, stay internal errors.
func TestAbortedRequestIsNoServerError(t *testing.T) {
	var logs, emf obstest.Buffer
	prev := metrics.SetDefault(metrics.New(&emf))
	t.Cleanup(func() { metrics.SetDefault(prev) })
	rt := newRouter(slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))

	// The SDK fails the call on the cancelled context before sending anything, so the
	// endpoint need not answer. (Only internal/dynamo imports the DynamoDB SDK: the real store.)
	store, err := dynamo.New(context.Background(), dynamo.Config{Table: "t", Endpoint: "http://127.0.0.1:9", Region: "eu-west-1"})
	if err != nil {
		t.Fatal(err)
	}
	storeCall := func(ctx context.Context) error {
		_, err := store.GetExpert(ctx, "acme", "e-1")
		return err
	}
	started := make(chan struct{})
	rt.handlePublic("GET /v1/slow", func(w http.ResponseWriter, r *http.Request) error {
		close(started)
		<-r.Context().Done()
		return storeCall(r.Context())
	})
	rt.handlePublic("GET /v1/cancelled-inside", func(w http.ResponseWriter, r *http.Request) error {
		ctx, cancel := context.WithCancel(r.Context())
		cancel()
		return storeCall(ctx)
	})
	rt.handlePublic("GET /v1/deadline", func(w http.ResponseWriter, r *http.Request) error {
		ctx, cancel := context.WithTimeout(r.Context(), time.Nanosecond)
		defer cancel()
		<-ctx.Done()
		return storeCall(ctx)
	})
	srv := httptest.NewServer(rt)
	t.Cleanup(srv.Close)

	// linesOf waits for the request line of route and returns every line of that request.
	linesOf := func(route string) []map[string]any {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			for _, line := range logs.Lines() {
				var m map[string]any
				if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "request" && m["route"] == route {
					return linesWith(t, &logs, m["requestId"].(string))
				}
			}
		}
		t.Fatalf("no request line for %s: %s", route, logs.String())
		return nil
	}

	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/v1/slow", nil)
	done := make(chan error, 1)
	go func() {
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-started
	cancel() // the client goes away: its connection is closed
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("the client's request ended with %v, want its cancellation", err)
	}
	lines := linesOf("GET /v1/slow")
	if len(lines) != 2 {
		t.Fatalf("want the cancellation and the request line, got %v", lines)
	}
	if l := lines[0]; l["msg"] != "client closed request" || l["level"] != "INFO" {
		t.Errorf("the cancellation is logged as %v, want client closed request at INFO", l)
	}
	if l := lines[1]; l["status"] != 499.0 || l["code"] != "client_closed_request" || l["level"] != "INFO" {
		t.Errorf("request line %v, want status 499 and code client_closed_request", l)
	}
	// The metrics are put after the request line (the same deferred call): wait for them.
	var ms []map[string]any
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if ms = linesWith(t, &emf, lines[1]["requestId"].(string)); len(ms) > 0 {
			break
		}
	}
	if len(ms) != 1 || ms[0]["ClientClosed"] != 1.0 || ms[0]["ServerErrors"] != nil || ms[0]["Refusals"] != nil {
		t.Errorf("metrics %v, want ClientClosed only", ms)
	}

	for _, route := range []string{"GET /v1/cancelled-inside", "GET /v1/deadline"} {
		resp, err := srv.Client().Get(srv.URL + route[4:])
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusInternalServerError {
			t.Errorf("%s: status %d, want 500", route, resp.StatusCode)
		}
		lines := linesOf(route)
		if len(lines) != 2 || lines[0]["msg"] != "internal error" || lines[0]["level"] != "ERROR" || lines[1]["status"] != 500.0 {
			t.Errorf("%s: want the internal error logged, then the request line: %v", route, lines)
		}
	}
}
