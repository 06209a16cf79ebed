package gateway

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/golang-jwt/jwt/v5"

	"github.com/tandemhq/tandem/internal/obs/obstest"
	"github.com/tandemhq/tandem/internal/problem"
	"github.com/tandemhq/tandem/internal/samtemplate"
)

// fixedNow is the clock of every fixture: tokens, verifier and events agree on it.
var fixedNow = time.Date(2027, 3, 10, 12, 0, 0, 0, time.UTC)

const (
	testIssuerURL = "http://tandem.local/dev"
	testAudience  = "tandem-local"
)

var ada = DevUser{ID: "u-ada", Email: "ada@example.com", Name: "Ada Lovelace", OrgID: "org-acme",
	Department: "Engineering", Roles: []string{"learner", "expert"}}

var testUsers = StaticDirectory{ada,
	{ID: "u-grace", Email: "grace@example.com", Name: "Grace Hopper", OrgID: "org-acme", Department: "People", Roles: []string{"hr"}}}

var testRoutes = []samtemplate.Route{
	{Function: "ExpertsFunction", Event: "GetMe", Method: "GET", Path: "/v1/me"},
	{Function: "ExpertsFunction", Event: "PutMe", Method: "PUT", Path: "/v1/me"},
	{Function: "ExpertsFunction", Event: "GetExpert", Method: "GET", Path: "/v1/experts/{expertId}"},
	{Function: "ExpertsFunction", Event: "GetMyExpertProfile", Method: "GET", Path: "/v1/experts/me"},
	{Function: "BlobsFunction", Event: "PostBlob", Method: "POST", Path: "/v1/blobs"},
	{Function: "CalendarFunction", Event: "Feed", Method: "GET", Path: "/v1/calendar/{token}/feed.ics", Public: true},
	{Function: "FailingFunction", Event: "Fail", Method: "GET", Path: "/v1/fail/{mode}"},
}

// Keys are slow to generate under -race, so the tests share two.
var (
	keysOnce            sync.Once
	issuerKey, otherKey *rsa.PrivateKey
)

func testKeys(t testing.TB) (issuer, other *rsa.PrivateKey) {
	t.Helper()
	keysOnce.Do(func() {
		var err error
		if issuerKey, err = GenerateKey(); err == nil {
			otherKey, err = GenerateKey()
		}
		if err != nil {
			panic(err)
		}
	})
	return issuerKey, otherKey
}

func newTestIssuer(t testing.TB) *Issuer {
	t.Helper()
	key, _ := testKeys(t)
	iss, err := NewIssuer(key, IssuerConfig{URL: testIssuerURL, Audience: testAudience, Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	return iss
}

// echo is what echoHandler reports about the request it got through the Lambda path.
type echo struct {
	OK      bool                                  `json:"ok"`
	Context events.APIGatewayV2HTTPRequestContext `json:"context"`
	Method  string                                `json:"method"`
	Path    string                                `json:"path"`
	Query   map[string][]string                   `json:"query"`
	Header  http.Header                           `json:"header"`
	Body    string                                `json:"body"`
}

// echoHandler is a real function handler: it reads the API Gateway context the way Tandem's
// handlers do and reports it.
func echoHandler(w http.ResponseWriter, r *http.Request) {
	rc, ok := core.GetAPIGatewayV2ContextFromContext(r.Context())
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(echo{OK: ok, Context: rc, Method: r.Method, Path: r.URL.Path,
		Query: r.URL.Query(), Header: r.Header, Body: string(body)})
}

// blobHandler returns the body it got, with the same content type.
func blobHandler(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", r.Header.Get("Content-Type"))
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write(body)
}

// recorder is an Invoker that remembers the events it passes on.
type recorder struct {
	inner  Invoker
	mu     sync.Mutex
	events []events.APIGatewayV2HTTPRequest
}

func (rec *recorder) Invoke(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	rec.mu.Lock()
	rec.events = append(rec.events, ev)
	rec.mu.Unlock()
	return rec.inner.Invoke(ctx, ev)
}

func (rec *recorder) last(t *testing.T) events.APIGatewayV2HTTPRequest {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.events) == 0 {
		t.Fatal("the function was not invoked")
	}
	return rec.events[len(rec.events)-1]
}

func (rec *recorder) count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.events)
}

// failing misbehaves in the way its {mode} path parameter names.
var failing = InvokerFunc(func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	switch ev.PathParameters["mode"] {
	case "error":
		return events.APIGatewayV2HTTPResponse{}, errors.New("dynamodb: connection refused to secret-host:8000")
	case "panic":
		return InProcess(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })).Invoke(ctx, ev)
	case "silent":
		return InProcess(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})).Invoke(ctx, ev)
	case "badbase64":
		return events.APIGatewayV2HTTPResponse{StatusCode: 200, Body: "%%%", IsBase64Encoded: true}, nil
	case "rich":
		return events.APIGatewayV2HTTPResponse{
			StatusCode:        http.StatusAccepted,
			Headers:           map[string]string{"X-One": "1", "Content-Type": "text/plain", "Content-Length": "999"},
			MultiValueHeaders: map[string][]string{"X-Many": {"a", "b"}},
			Cookies:           []string{"s=1; Path=/; HttpOnly", "t=2"},
			Body:              "aGVsbG8=", // hello
			IsBase64Encoded:   true,
		}, nil
	}
	return events.APIGatewayV2HTTPResponse{}, nil // status 0: unusable
})

// fixture is a gateway behind a real HTTP server.
type fixture struct {
	srv     *httptest.Server
	issuer  *Issuer
	experts *recorder
	blobs   *recorder
	logs    *obstest.Buffer
}

func newFixture(t *testing.T, edit ...func(*Config)) *fixture {
	t.Helper()
	f := &fixture{
		issuer:  newTestIssuer(t),
		experts: &recorder{inner: InProcess(http.HandlerFunc(echoHandler))},
		blobs:   &recorder{inner: InProcess(http.HandlerFunc(blobHandler))},
		logs:    &obstest.Buffer{},
	}
	cfg := Config{
		Routes: testRoutes,
		Functions: map[string]Invoker{
			"ExpertsFunction":  f.experts,
			"BlobsFunction":    f.blobs,
			"CalendarFunction": f.experts,
			"FailingFunction":  failing,
		},
		Verifier: f.issuer.Verifier(),
		Issuer:   f.issuer,
		Users:    testUsers,
		Logger:   slog.New(slog.NewJSONHandler(f.logs, nil)),
		Now:      func() time.Time { return fixedNow },
	}
	for _, e := range edit {
		e(&cfg)
	}
	g, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(g)
	t.Cleanup(f.srv.Close)
	return f
}

// token signs ada's claims, changed by edit, with the issuer's key and kid.
func (f *fixture) token(t testing.TB, edit func(jwt.MapClaims)) string {
	t.Helper()
	return tokenFor(t, f.issuer, edit)
}

func tokenFor(t testing.TB, iss *Issuer, edit func(jwt.MapClaims)) string {
	t.Helper()
	claims, _, err := iss.claims(ada)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(claims)
	}
	s, err := iss.sign(claims)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// do sends a request; token "" sends no Authorization header.
func (f *fixture) do(t *testing.T, method, path, token string, body io.Reader, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func readBody(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeJSON[T any](t *testing.T, resp *http.Response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(readBody(t, resp), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// wantProblem checks a problem+json answer and returns it.
func wantProblem(t *testing.T, resp *http.Response, status int, code string) problem.Details {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status = %d, want %d", resp.StatusCode, status)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	p := decodeJSON[problem.Details](t, resp)
	if p.Code != code || p.Status != status || p.Title == "" || p.RequestID == "" {
		t.Errorf("problem = %+v, want code %q, status %d, a title and a request id", p, code, status)
	}
	if rid := resp.Header.Get("Apigw-Requestid"); rid != p.RequestID {
		t.Errorf("Apigw-Requestid = %q, problem requestId = %q", rid, p.RequestID)
	}
	return p
}
