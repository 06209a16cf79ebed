package gateway

import (
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"
)

func TestEventIsWhatAPIGatewaySends(t *testing.T) {
	f := newFixture(t)
	tok := f.token(t, nil)
	resp := f.do(t, "GET", "/v1/experts/e%2F1?topic=go&topic=rust&q=a%20b", tok, nil,
		"X-Multi", "a", "X-Multi", "b", "Cookie", "a=1; b=2")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200: %s", resp.StatusCode, readBody(t, resp))
	}
	got := f.experts.last(t)
	if got.RequestContext.Authorizer == nil || got.RequestContext.Authorizer.JWT == nil || got.RequestContext.Authorizer.JWT.Claims["sub"] != "u-ada" {
		t.Fatalf("authorizer = %+v, want JWT claims of u-ada", got.RequestContext.Authorizer)
	}
	host := strings.TrimPrefix(f.srv.URL, "http://")
	_, port, _ := net.SplitHostPort(host)
	want := events.APIGatewayV2HTTPRequest{
		Version:        "2.0",
		RouteKey:       "GET /v1/experts/{expertId}",
		RawPath:        "/v1/experts/e%2F1",
		RawQueryString: "topic=go&topic=rust&q=a%20b",
		Cookies:        []string{"a=1", "b=2"},
		Headers: map[string]string{
			"accept-encoding": "gzip", "user-agent": "Go-http-client/1.1", "authorization": "Bearer " + tok,
			"x-multi": "a,b", "host": host, "x-forwarded-for": "127.0.0.1", "x-forwarded-proto": "http",
			"x-forwarded-port": port,
		},
		QueryStringParameters: map[string]string{"topic": "go,rust", "q": "a b"},
		PathParameters:        map[string]string{"expertId": "e/1"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     "GET /v1/experts/{expertId}",
			AccountID:    "123456789012",
			Stage:        "$default",
			RequestID:    resp.Header.Get("Apigw-Requestid"),
			APIID:        "tandemdev",
			DomainName:   "127.0.0.1",
			DomainPrefix: "127",
			Time:         "10/Mar/2027:12:00:00 +0000",
			TimeEpoch:    fixedNow.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: "GET", Path: "/v1/experts/e/1", Protocol: "HTTP/1.1", SourceIP: "127.0.0.1", UserAgent: "Go-http-client/1.1",
			},
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: got.RequestContext.Authorizer.JWT.Claims},
			},
		},
	}
	if want.RequestContext.RequestID == "" {
		t.Error("no Apigw-Requestid response header")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("event mismatch (-want +got):\n%s", diff)
	}
}

func TestClaimsReachHandlerAsDocumented(t *testing.T) {
	f := newFixture(t)
	tok, exp, err := f.issuer.Sign(ada)
	if err != nil {
		t.Fatal(err)
	}
	if want := fixedNow.Add(DefaultTokenTTL); !exp.Equal(want) {
		t.Errorf("expiresAt = %v, want %v", exp, want)
	}
	resp := f.do(t, "GET", "/v1/me", tok, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	e := decodeJSON[echo](t, resp)
	if !e.OK || e.Context.RouteKey != "GET /v1/me" || e.Path != "/v1/me" {
		t.Fatalf("handler saw ok=%v route=%q path=%q", e.OK, e.Context.RouteKey, e.Path)
	}
	claims := e.Context.Authorizer.JWT.Claims
	if len(claims["jti"]) != 32 {
		t.Errorf("jti = %q, want 32 hex digits", claims["jti"])
	}
	delete(claims, "jti")
	unix := strconv.FormatInt(fixedNow.Unix(), 10)
	want := map[string]string{
		"sub": "u-ada", "cognito:username": "u-ada", "email": "ada@example.com", "email_verified": "true",
		"name": "Ada Lovelace", "custom:org": "org-acme", "custom:department": "Engineering",
		"cognito:groups": "[learner expert]", "iss": testIssuerURL, "aud": testAudience, "token_use": "id",
		"auth_time": unix, "iat": unix, "exp": strconv.FormatInt(exp.Unix(), 10),
	}
	if diff := cmp.Diff(want, claims); diff != "" {
		t.Errorf("claims mismatch (-want +got):\n%s", diff)
	}
	if e.Context.Authorizer.JWT.Scopes != nil {
		t.Errorf("scopes = %v, want none for an ID token", e.Context.Authorizer.JWT.Scopes)
	}
}

func TestRoutesPathParamsAndQuery(t *testing.T) {
	f := newFixture(t)
	tok := f.token(t, nil)
	tests := []struct {
		path, wantRoute, wantPath string
		wantQuery                 map[string][]string
	}{
		{"/v1/experts/me", "GET /v1/experts/me", "/v1/experts/me", map[string][]string{}},
		{"/v1/experts/e-42?topic=go&topic=rust", "GET /v1/experts/{expertId}", "/v1/experts/e-42", map[string][]string{"topic": {"go", "rust"}}},
		{"/v1/experts/%C3%A9l%C3%A8ve?q=caf%C3%A9+au+lait", "GET /v1/experts/{expertId}", "/v1/experts/élève", map[string][]string{"q": {"café au lait"}}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp := f.do(t, "GET", tt.path, tok, nil)
			e := decodeJSON[echo](t, resp)
			if e.Context.RouteKey != tt.wantRoute || e.Path != tt.wantPath {
				t.Errorf("route, path = %q, %q, want %q, %q", e.Context.RouteKey, e.Path, tt.wantRoute, tt.wantPath)
			}
			if diff := cmp.Diff(tt.wantQuery, e.Query); diff != "" {
				t.Errorf("query mismatch (-want +got):\n%s", diff)
			}
		})
	}
	ev := f.experts.last(t)
	if got := ev.PathParameters["expertId"]; got != "élève" {
		t.Errorf("pathParameters.expertId = %q, want élève", got)
	}
}

func TestResponseIsWrittenLikeAPIGateway(t *testing.T) {
	f := newFixture(t)
	resp := f.do(t, "GET", "/v1/fail/rich", f.token(t, nil), nil)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("status = %d, want 202", resp.StatusCode)
	}
	if got := string(readBody(t, resp)); got != "hello" {
		t.Errorf("body = %q, want hello (base64-decoded)", got)
	}
	h := resp.Header
	checks := map[string][]string{
		"X-One": {"1"}, "X-Many": {"a", "b"}, "Content-Type": {"text/plain"}, "Content-Length": {"5"},
		"Set-Cookie": {"s=1; Path=/; HttpOnly", "t=2"},
	}
	for k, want := range checks {
		if diff := cmp.Diff(want, h.Values(k)); diff != "" {
			t.Errorf("header %s mismatch (-want +got):\n%s", k, diff)
		}
	}
}

func TestFunctionFailureIs502(t *testing.T) {
	f := newFixture(t)
	tok := f.token(t, nil)
	for _, mode := range []string{"error", "panic", "silent", "badbase64", "zero"} {
		t.Run(mode, func(t *testing.T) {
			resp := f.do(t, "GET", "/v1/fail/"+mode, tok, nil)
			p := wantProblem(t, resp, http.StatusBadGateway, "internal")
			if strings.Contains(p.Detail, "secret-host") || strings.Contains(p.Detail, "boom") {
				t.Errorf("detail %q leaks the internal error", p.Detail)
			}
		})
	}
	if logs := strings.Join(f.logs.Lines(), "\n"); !strings.Contains(logs, `"msg":"function failed"`) {
		t.Errorf("no function failure logged:\n%s", logs)
	}
}

func TestNotFoundAndMethodNotAllowed(t *testing.T) {
	f := newFixture(t)
	tok := f.token(t, nil)
	tests := []struct {
		method, path string
		status       int
		code, allow  string
	}{
		{"GET", "/v1/nope", http.StatusNotFound, "not_found", ""},
		{"GET", "/v1", http.StatusNotFound, "not_found", ""},
		{"GET", "/v1/me/extra", http.StatusNotFound, "not_found", ""},
		{"GET", "/dev/nope", http.StatusNotFound, "not_found", ""},
		{"DELETE", "/v1/me", http.StatusMethodNotAllowed, "method_not_allowed", "GET, PUT"},
		{"HEAD", "/v1/experts/e-1", http.StatusMethodNotAllowed, "", "GET"},
		{"POST", "/v1/experts/e-1", http.StatusMethodNotAllowed, "method_not_allowed", "GET"},
		{"POST", "/dev/users", http.StatusMethodNotAllowed, "method_not_allowed", "GET"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			resp := f.do(t, tt.method, tt.path, tok, nil)
			if tt.method == "HEAD" {
				if resp.StatusCode != tt.status {
					t.Errorf("status = %d, want %d", resp.StatusCode, tt.status)
				}
			} else {
				wantProblem(t, resp, tt.status, tt.code)
			}
			if got := resp.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
		})
	}
	if n := f.experts.count(); n != 0 {
		t.Errorf("function invoked %d times, want 0", n)
	}
}

func TestPublicRouteNeedsNoToken(t *testing.T) {
	f := newFixture(t)
	for _, token := range []string{"", "junk"} {
		resp := f.do(t, "GET", "/v1/calendar/sekrit-123/feed.ics", token, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("token %q: status = %d, want 200", token, resp.StatusCode)
		}
		e := decodeJSON[echo](t, resp)
		if e.Context.Authorizer != nil {
			t.Errorf("token %q: authorizer = %+v, want none on a public route", token, e.Context.Authorizer)
		}
	}
	if got := f.experts.last(t).PathParameters["token"]; got != "sekrit-123" {
		t.Errorf("pathParameters.token = %q, want sekrit-123", got)
	}
}

func TestAccessLogHasOneLinePerRequestAndNoSecrets(t *testing.T) {
	f := newFixture(t)
	tok := f.token(t, nil)
	f.do(t, "GET", "/v1/me?x=1", tok, nil)
	f.do(t, "GET", "/v1/calendar/sekrit-123/feed.ics", "", nil)
	f.do(t, "POST", "/dev/token", "", strings.NewReader(`{"email":"ada@example.com"}`))
	lines := f.logs.Lines()
	if len(lines) != 3 {
		t.Fatalf("got %d log lines, want 3:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	all := strings.Join(lines, "\n")
	for _, secret := range []string{tok, "sekrit-123", "eyJ"} {
		if strings.Contains(all, secret[:min(len(secret), 20)]) {
			t.Errorf("logs contain a secret %.12q…:\n%s", secret, all)
		}
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]any{"method": "GET", "path": "/v1/me", "route": "GET /v1/me", "function": "ExpertsFunction", "status": 200.0} {
		if first[k] != want {
			t.Errorf("log %s = %v, want %v", k, first[k], want)
		}
	}
	if id, _ := first["requestId"].(string); id == "" {
		t.Error("log line has no requestId")
	}
	if _, ok := first["latencyMs"].(float64); !ok {
		t.Error("log line has no latencyMs")
	}
	if !strings.Contains(lines[1], `"path":"/v1/calendar/{token}/feed.ics"`) {
		t.Errorf("calendar token not redacted: %s", lines[1])
	}
}
