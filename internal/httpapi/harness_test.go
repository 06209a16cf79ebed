package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	"github.com/tandemhq/tandem/internal/caldav/caldavtest"
	"github.com/tandemhq/tandem/internal/dynamo"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest/faithful"
	"github.com/tandemhq/tandem/internal/tandem"
)

// lambdaClient calls a router exactly as the Lambda does: a v2 event with JWT claims through
// httpadapter.NewV2(...).ProxyWithContext.
type lambdaClient struct {
	t       testing.TB
	adapter *httpadapter.HandlerAdapterV2
	// escaped sends the path as API Gateway sends rawPath: percent-encoded as the client
	// wrote it ("%23", "%00" stay escaped).
	escaped bool
}

func newLambdaClient(t testing.TB, h http.Handler) *lambdaClient {
	return &lambdaClient{t: t, adapter: httpadapter.NewV2(h)}
}

type response struct {
	Status  int
	Headers map[string]string
	Body    string
}

func (r response) problem(t testing.TB) Problem {
	t.Helper()
	if ct := r.Headers["Content-Type"]; ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json (body %s)", ct, r.Body)
	}
	var p Problem
	if err := json.Unmarshal([]byte(r.Body), &p); err != nil {
		t.Fatalf("problem body %q: %v", r.Body, err)
	}
	if p.Status != r.Status || p.Code == "" || p.Type == "" || p.Title == "" {
		t.Fatalf("incomplete problem %+v for status %d", p, r.Status)
	}
	return p
}

func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
}

// claimsOf renders a caller as API Gateway hands JWT claims to Lambda.
func claimsOf(c *tandem.Caller) map[string]string {
	groups := make([]string, len(c.Roles))
	for i, r := range c.Roles {
		groups[i] = string(r)
	}
	return map[string]string{
		"sub": c.UserID, "email": c.Email, "name": c.Name,
		"custom:org": c.OrgID, "custom:department": c.Department,
		"cognito:groups": "[" + strings.Join(groups, " ") + "]",
	}
}

func (lc *lambdaClient) do(method, target, body string, caller *tandem.Caller, headers ...string) response {
	lc.t.Helper()
	return lc.doAt(time.Time{}, method, target, body, caller, headers...)
}

// doAt is do with the event stamped as API Gateway received it at arrived
// (requestContext.timeEpoch; zero: unstamped, as do sends it).
func (lc *lambdaClient) doAt(arrived time.Time, method, target, body string, caller *tandem.Caller, headers ...string) response {
	lc.t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		lc.t.Fatal(err)
	}
	path := u.Path
	if lc.escaped {
		path = u.EscapedPath()
	}
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "$default", RawPath: path, RawQueryString: u.RawQuery,
		Headers: map[string]string{"content-type": "application/json"},
		Body:    body,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			DomainName: "api.test", RequestID: "req-test", Stage: "$default",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path, SourceIP: "127.0.0.1"},
		},
	}
	if !arrived.IsZero() {
		ev.RequestContext.TimeEpoch = arrived.UnixMilli()
	}
	for i := 0; i+1 < len(headers); i += 2 {
		ev.Headers[strings.ToLower(headers[i])] = headers[i+1]
	}
	if caller != nil {
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claimsOf(caller)},
		}
	}
	res, err := lc.adapter.ProxyWithContext(context.Background(), ev)
	if err != nil {
		lc.t.Fatalf("%s %s: %v", method, target, err)
	}
	out := response{Status: res.StatusCode, Headers: res.Headers, Body: res.Body}
	// Every exchange of the handler tests is held to openapi.yaml (see openapi_test.go).
	sent := http.Header{}
	for k, v := range ev.Headers {
		sent.Set(k, v)
	}
	checkContract(lc.t, exchange{method: method, target: target, header: sent, body: body, signedIn: caller != nil, res: out})
	return out
}

// fixture is a store on a fresh table plus the experts and bookings functions, on a clock
// the test can move.
type fixture struct {
	store    *dynamo.Store
	counter  *dynamo.CallCounter
	api      *lambdaClient // ExpertsFunction
	bookings *lambdaClient // BookingsFunction
	feedback *lambdaClient // FeedbackFunction
	requests *lambdaClient // RequestsFunction
	reports  *lambdaClient // ReportsFunction
	notifs   *lambdaClient // NotificationsFunction
	cfg      dynamo.Config
	mu       sync.Mutex
	now      time.Time
	txs      *dynamo.TxRecorder // every committed transaction (capacity tests)
}

// clock returns the fixture's current time.
func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// setNow moves the fixture's clock.
func (f *fixture) setNow(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = t
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureAt(t, time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC))
}

// newFixtureAt is a fixture whose clock stands still at now. With TANDEM_FAITHFUL=1 its
// stores go through a faithful.Model (DynamoDB's transaction conflicts and partition
// throughput; README "Scale"): `TANDEM_FAITHFUL=1 go test -run Randomized ./internal/httpapi`
// runs the randomized invariant tests as AWS would interleave them.
func newFixtureAt(t testing.TB, now time.Time) *fixture {
	t.Helper()
	if os.Getenv("TANDEM_FAITHFUL") == "1" {
		m := faithful.New()
		m.Latency, m.MaxInFlight = 5*time.Millisecond, 8
		t.Cleanup(func() { t.Logf("faithful model: %v", m.Stats()) })
		return newFixtureWith(t, now, m.Install)
	}
	return newFixtureWith(t, now)
}

// newFixtureWith is newFixtureAt with every store's configuration extended by install (the
// load test's faithful.Model: its middleware and its Pause).
func newFixtureWith(t testing.TB, now time.Time, install ...func(*dynamo.Config)) *fixture {
	t.Helper()
	f := &fixture{counter: &dynamo.CallCounter{}, txs: &dynamo.TxRecorder{}, now: now}
	f.cfg = dynamotest.Config(t, dynamotest.Options{Counter: f.counter, Now: f.clock})
	f.cfg.APIOptions = append(f.cfg.APIOptions, f.txs.Middleware)
	for _, in := range install {
		in(&f.cfg)
	}
	store, err := dynamo.New(context.Background(), f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.store = store
	routers := FunctionsWith(func(fn string) Deps {
		return Deps{Store: functionStore(t, f.cfg, fn), Logger: quietLog, Now: f.clock, VerifyLink: testVerifyLink, Sealer: testSealer, CalendarHTTP: caldavtest.HTTPClient()}
	})
	f.api = newLambdaClient(t, routers["ExpertsFunction"])
	f.bookings = newLambdaClient(t, routers["BookingsFunction"])
	f.feedback = newLambdaClient(t, routers["FeedbackFunction"])
	f.requests = newLambdaClient(t, routers["RequestsFunction"])
	f.reports = newLambdaClient(t, routers["ReportsFunction"])
	f.notifs = newLambdaClient(t, routers["NotificationsFunction"])
	return f
}

// functionStore is a store on cfg's table for one function: its client records the AWS
// actions the function performs (awsaccess; the IAM check in make test holds template.yaml's
// policies to them), and shares cfg's other options (the call counter). The fixture's own
// store, which tests use to arrange data, records nothing.
func functionStore(t testing.TB, cfg dynamo.Config, function string) *dynamo.Store {
	t.Helper()
	cfg.APIOptions = append(slices.Clip(cfg.APIOptions), dynamo.RecordAccess(function))
	s, err := dynamo.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var quietLog = slog.New(slog.NewJSONHandler(logSink(), nil))

var (
	aliceExpert = &tandem.Caller{UserID: "u-alice", OrgID: "acme", Email: "alice@acme.test", Name: "Alice Adams",
		Department: "Engineering", Roles: []tandem.Role{tandem.RoleExpert, tandem.RoleLearner}}
	bobLearner = &tandem.Caller{UserID: "u-bob", OrgID: "acme", Email: "bob@acme.test", Name: "Bob Brown",
		Department: "Sales", Roles: []tandem.Role{tandem.RoleLearner}}
	oscarOtherOrg = &tandem.Caller{UserID: "u-oscar", OrgID: "globex", Email: "oscar@globex.test", Name: "Oscar Olsen",
		Department: "Finance", Roles: []tandem.Role{tandem.RoleExpert, tandem.RoleLearner, tandem.RoleHR}}
)

const aliceProfile = `{
  "headline": "Staff engineer, Go and distributed systems",
  "bio": "I help people grow into senior engineering roles.",
  "topics": ["Go", "Distributed Systems", "career-growth"],
  "languages": ["en", "de"],
  "timezone": "America/New_York",
  "sessionTypes": [{"id": "intro", "name": "Intro chat", "durationMin": 30, "bufferBeforeMin": 0, "bufferAfterMin": 10}],
  "meetingUrl": "https://meet.example.com/alice",
  "bookingMode": "instant",
  "limits": {"minNoticeMin": 120, "horizonDays": 30, "maxPerDay": 4, "maxPerWeek": 10, "startIncrementMin": 30}
}`

// logSink discards handler logs unless TANDEM_TEST_LOGS=1.
func logSink() io.Writer {
	if os.Getenv("TANDEM_TEST_LOGS") == "1" {
		return os.Stderr
	}
	return io.Discard
}
