package httpapi

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/samtemplate"
	"github.com/tandemhq/tandem/internal/seed"
)

// wantStatus is the expected status of every HTTP sample event in events/ when replayed
// against the demo data. A file without an entry, or an entry without a file, fails the test.
var wantStatus = map[string]int{
	"experts/get-me.json":                200,
	"experts/put-me.json":                200,
	"experts/list-experts.json":          200,
	"experts/get-expert.json":            200,
	"experts/get-my-expert-profile.json": 200,
	"experts/put-my-expert-profile.json": 200,
	"experts/get-my-availability.json":   200,
	"experts/put-my-availability.json":   200,
	"experts/list-slots.json":            200,
}

// TestSampleEventsReplay sends every API Gateway v2 sample event through its function's
// handler (found by routeKey in template.yaml) the way the Lambda runtime does.
func TestSampleEventsReplay(t *testing.T) {
	tplPath, err := samtemplate.Find(".")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := samtemplate.Load(tplPath)
	if err != nil {
		t.Fatal(err)
	}
	fnOf := map[string]string{}
	for _, r := range tpl.Routes() {
		fnOf[r.Key()] = r.Function
	}
	store := dynamotest.New(t, dynamotest.Options{})
	if err := seed.Load(context.Background(), store); err != nil {
		t.Fatal(err)
	}
	routers := Functions(Deps{Store: store, Logger: quietLog})
	root := filepath.Join(filepath.Dir(tplPath), "events")
	seen := map[string]bool{}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var probe struct {
			Version  string `json:"version"`
			RouteKey string `json:"routeKey"`
		}
		if json.Unmarshal(raw, &probe) != nil || probe.Version != "2.0" || probe.RouteKey == "" {
			return nil // not an HTTP API event; replayed by its own function's test
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		seen[rel] = true
		t.Run(rel, func(t *testing.T) {
			var ev events.APIGatewayV2HTTPRequest
			if err := json.Unmarshal(raw, &ev); err != nil {
				t.Fatal(err)
			}
			fn := fnOf[ev.RouteKey]
			if fn == "" || routers[fn] == nil {
				t.Fatalf("routeKey %q is not a route of any function in template.yaml", ev.RouteKey)
			}
			if ev.RequestContext.Authorizer == nil || ev.RequestContext.Authorizer.JWT == nil || ev.RequestContext.Authorizer.JWT.Claims["custom:org"] == "" {
				t.Fatal("sample event lacks realistic JWT claims")
			}
			res, err := httpadapter.NewV2(routers[fn]).ProxyWithContext(context.Background(), ev)
			if err != nil {
				t.Fatal(err)
			}
			want, ok := wantStatus[rel]
			if !ok {
				t.Fatalf("no expected status for %s in wantStatus (got %d)", rel, res.StatusCode)
			}
			if res.StatusCode != want {
				t.Errorf("status = %d, want %d; body %s", res.StatusCode, want, res.Body)
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for rel := range wantStatus {
		if !seen[rel] {
			t.Errorf("wantStatus lists %s but there is no such event file", rel)
		}
	}
	// Every route has at least one sample event.
	covered := map[string]bool{}
	for rel := range seen {
		raw, _ := os.ReadFile(filepath.Join(root, rel))
		var ev events.APIGatewayV2HTTPRequest
		_ = json.Unmarshal(raw, &ev)
		covered[ev.RouteKey] = true
	}
	for key := range fnOf {
		if !covered[key] {
			t.Errorf("route %s has no sample event in events/", key)
		}
	}
}
