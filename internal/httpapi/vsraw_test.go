package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"runtime/metrics"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Tandem's request overhead: each benchmark runs a request through the function's handler as
// Lambda does (the event JSON decoded, the router, the store, the response encoded) and, in the
// same loop, exactly the DynamoDB calls that request made (recorded from the store's client)
// made raw through the SDK, alternating the two so that machine load hits both alike. It
// reports both times and their ratio (×raw); the README's "Request overhead" has the figures.
// Each benchmark has a DynamoDB Local of its own (dynamotest.Options.Own): nothing another
// test left in a shared instance slows it. `make bench` runs them.

// vsRaw is a function's handler on its own DynamoDB Local, with its store's calls recordable.
type vsRaw struct {
	*fixture
	calls *dynamotest.Calls
	raw   dynamo.Config
}

func newVsRaw(b *testing.B) *vsRaw {
	b.Helper()
	f := &fixture{counter: &dynamo.CallCounter{}, now: time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)}
	v := &vsRaw{fixture: f, calls: &dynamotest.Calls{}}
	f.cfg = dynamotest.Config(b, dynamotest.Options{Now: f.clock, Own: true})
	v.raw = f.cfg
	f.cfg.APIOptions = append(slices.Clip(f.cfg.APIOptions), v.calls.Middleware)
	store, err := dynamo.New(context.Background(), f.cfg)
	if err != nil {
		b.Fatal(err)
	}
	f.store = store
	routers := FunctionsWith(func(fn string) Deps {
		return Deps{Store: functionStore(b, f.cfg, fn), Logger: quietLog, Now: f.clock, VerifyLink: testVerifyLink, Sealer: testSealer}
	})
	f.api = newLambdaClient(b, routers["ExpertsFunction"])
	f.bookings = newLambdaClient(b, routers["BookingsFunction"])
	return v
}

// lambdaEvent is the API Gateway event of a GET by caller, as the Lambda runtime hands it over.
func lambdaEvent(b *testing.B, target string, caller *tandem.Caller) []byte {
	u, err := url.Parse(target)
	if err != nil {
		b.Fatal(err)
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "$default", RawPath: u.Path, RawQueryString: u.RawQuery,
		Headers: map[string]string{"accept": "application/json"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			DomainName: "api.test", RequestID: "req-bench", Stage: "$default",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: http.MethodGet, Path: u.Path, SourceIP: "127.0.0.1"},
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claimsOf(caller)},
			},
		},
	}
	raw, err := json.Marshal(ev)
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// serve is one invocation as the Lambda runtime makes it: decode the event, call the
// handler, encode the response.
func serve(ctx context.Context, adapter *httpadapter.HandlerAdapterV2, event []byte) (int, error) {
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(event, &ev); err != nil {
		return 0, err
	}
	res, err := adapter.ProxyWithContext(ctx, ev)
	if err != nil {
		return 0, err
	}
	if _, err := json.Marshal(res); err != nil {
		return 0, err
	}
	return res.StatusCode, nil
}

// run measures target (a GET by caller on the experts function) against its own calls made raw.
func (v *vsRaw) run(b *testing.B, target string, caller *tandem.Caller) {
	ctx := context.Background()
	adapter := v.api.adapter
	event := lambdaEvent(b, target, caller)
	var status int
	var err error
	inputs := v.calls.Record(func() { status, err = serve(ctx, adapter, event) })
	if err != nil || status != http.StatusOK {
		b.Fatalf("GET %s: %d %v", target, status, err)
	}
	raw := dynamotest.NewRaw(b, v.raw, inputs)
	// Warm both paths (connections, caches) before timing.
	for range 20 {
		_, _ = serve(ctx, adapter, event)
		_ = raw.Do(ctx)
	}
	// Wall time, and this process's CPU time (Getrusage: the SDK, networking and Tandem's
	// code, not DynamoDB Local's), of each side; the two alternate which goes first.
	// Bytes allocated (runtime/metrics, no stop-the-world) are the one figure machine load
	// does not move.
	var tandemTime, rawTime, tandemCPU, rawCPU time.Duration
	var tandemBytes, rawBytes uint64
	tandemSide := func() {
		t0, c0, a0 := time.Now(), cpuTime(), allocated()
		if _, err := serve(ctx, adapter, event); err != nil {
			b.Fatal(err)
		}
		tandemTime, tandemCPU, tandemBytes = tandemTime+time.Since(t0), tandemCPU+cpuTime()-c0, tandemBytes+allocated()-a0
	}
	rawSide := func() {
		t0, c0, a0 := time.Now(), cpuTime(), allocated()
		if err := raw.Do(ctx); err != nil {
			b.Fatal(err)
		}
		rawTime, rawCPU, rawBytes = rawTime+time.Since(t0), rawCPU+cpuTime()-c0, rawBytes+allocated()-a0
	}
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		if n%2 == 0 {
			tandemSide()
			rawSide()
		} else {
			rawSide()
			tandemSide()
		}
		n++
	}
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(n) }
	b.ReportMetric(per(tandemTime), "tandem-µs/op")
	b.ReportMetric(per(rawTime), "raw-µs/op")
	b.ReportMetric(float64(tandemTime)/float64(rawTime), "×raw")
	b.ReportMetric(per(tandemCPU), "tandem-cpu-µs/op")
	b.ReportMetric(per(rawCPU), "raw-cpu-µs/op")
	b.ReportMetric(float64(tandemCPU)/float64(rawCPU), "cpu×raw")
	b.ReportMetric(float64(tandemBytes)/float64(n), "tandem-B/op")
	b.ReportMetric(float64(rawBytes)/float64(n), "raw-B/op")
	b.ReportMetric(float64(tandemBytes)/float64(rawBytes), "alloc×raw")
	b.ReportMetric(float64(raw.Len()), "calls")
}

// allocated is the bytes this process has allocated so far.
func allocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// cpuTime is the CPU time this process has used (user + system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkSlotsVsRaw: a learner lists an expert's slots for 14 days (the default range) in
// their own zone, with bookings in it.
func BenchmarkSlotsVsRaw(b *testing.B) {
	v := newVsRaw(b)
	if res := v.api.do("PUT", "/v1/experts/me", nyProfile, aliceExpert); res.Status != 200 {
		b.Fatal(res.Body)
	}
	if res := v.api.do("PUT", "/v1/experts/me/availability", nySchedule, aliceExpert); res.Status != 200 {
		b.Fatal(res.Body)
	}
	// A few sessions booked in the range, so the busy reads return items.
	booked := 0
	for day := 2; day <= 12 && booked < 4; day++ {
		start := time.Date(2027, 3, day, 15, 0, 0, 0, time.UTC).Format(time.RFC3339)
		body := fmt.Sprintf(`{"expertId":"u-alice","sessionType":"intro","start":%q}`, start)
		if res := v.bookings.do("POST", "/v1/bookings", body, bobLearner, "Idempotency-Key", "bench-"+start); res.Status == 201 {
			booked++
		}
	}
	if booked == 0 {
		b.Fatal("no booking made: the slots would read no busy time")
	}
	v.run(b, "/v1/experts/u-alice/slots", bobLearner)
}

// BenchmarkSearchVsRaw: a learner searches experts by topic (a page of 20).
func BenchmarkSearchVsRaw(b *testing.B) {
	v := newVsRaw(b)
	for i := range 25 {
		c := &tandem.Caller{UserID: fmt.Sprintf("u-exp%02d", i), OrgID: "acme", Email: fmt.Sprintf("exp%02d@acme.test", i),
			Name: fmt.Sprintf("Expert %02d", i), Department: "Engineering", Roles: []tandem.Role{tandem.RoleExpert, tandem.RoleLearner}}
		if res := v.api.do("PUT", "/v1/experts/me", aliceProfile, c); res.Status != 200 {
			b.Fatal(res.Body)
		}
	}
	v.run(b, "/v1/experts?topic=go&limit=20", bobLearner)
}
