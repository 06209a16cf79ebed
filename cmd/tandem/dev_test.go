package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/tandemhq/tandem/internal/dynamo/dynamotest"
	"github.com/tandemhq/tandem/internal/gateway"
	"github.com/tandemhq/tandem/internal/httpapi"
	"github.com/tandemhq/tandem/internal/samtemplate"
	"github.com/tandemhq/tandem/internal/seed"
)

// devStack is tandem dev as a test server: the template's routes, the real handlers, a fresh
// table in DynamoDB Local with the demo data, and the dev token issuer.
type devStack struct {
	url    string
	now    time.Time
	offset atomic.Int64 // shifts the stack's clock, to mint tokens in the past
}

func newDevStack(t *testing.T) *devStack {
	t.Helper()
	s := &devStack{now: time.Date(2027, 3, 10, 12, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return s.now.Add(time.Duration(s.offset.Load())) }
	store := dynamotest.New(t, dynamotest.Options{Now: clock})
	if err := seed.Load(context.Background(), store, s.now); err != nil {
		t.Fatal(err)
	}
	tpl, err := samtemplate.LoadNearest()
	if err != nil {
		t.Fatal(err)
	}
	key, err := gateway.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	issuer, err := gateway.NewIssuer(key, gateway.IssuerConfig{URL: devIssuer, Audience: devAudience, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	functions := map[string]gateway.Invoker{}
	for name, router := range httpapi.Functions(httpapi.Deps{Store: store, Now: clock, Logger: log}) {
		functions[name] = gateway.InProcess(router)
	}
	gw, err := newDevGateway(tpl, functions, issuer, t.TempDir(), log, clock)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gw)
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

func (s *devStack) token(t *testing.T, email string) string {
	t.Helper()
	res, err := http.Post(s.url+"/dev/token", "application/json", strings.NewReader(`{"email":"`+email+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.Token == "" {
		t.Fatalf("dev token for %s: status %d, %v", email, res.StatusCode, err)
	}
	return out.Token
}

func (s *devStack) call(t *testing.T, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	if res.StatusCode >= 400 && res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("%s %s: error %d is not problem+json", method, path, res.StatusCode)
	}
	return res.StatusCode, out
}

// TestDevStackEndToEnd is the "make run, then curl" check: dev sign-in, listing seeded
// experts, and a profile PUT that round-trips, all through the local gateway.
func TestDevStackEndToEnd(t *testing.T) {
	s := newDevStack(t)
	ben := s.token(t, "ben@acme.example")
	status, page := s.call(t, "GET", "/v1/experts?topic=go", ben, "")
	if status != 200 || len(page["items"].([]any)) != 2 {
		t.Fatalf("GET /v1/experts?topic=go = %d %v, want the 2 seeded Go experts", status, page)
	}
	maya := s.token(t, "maya@acme.example")
	body := `{"headline":"Round trip","topics":["go","mentoring"],"languages":["en"],"timezone":"America/New_York",
		"sessionTypes":[{"id":"intro","name":"Intro","durationMin":30}]}`
	if status, out := s.call(t, "PUT", "/v1/experts/me", maya, body); status != 200 {
		t.Fatalf("PUT /v1/experts/me = %d %v", status, out)
	}
	status, got := s.call(t, "GET", "/v1/experts/acme-maya", ben, "")
	if status != 200 || got["headline"] != "Round trip" {
		t.Errorf("GET after PUT = %d %v", status, got)
	}
}

func TestDevStackRejectsBadTokens(t *testing.T) {
	s := newDevStack(t)
	forgedKey, _ := gateway.GenerateKey()
	forger, _ := gateway.NewIssuer(forgedKey, gateway.IssuerConfig{URL: devIssuer, Audience: devAudience, Now: func() time.Time { return s.now }})
	forged, _, _ := forger.Sign(gateway.DevUser{ID: "acme-ben", Email: "ben@acme.example", OrgID: "acme", Roles: []string{"hr"}})
	s.offset.Store(int64(-9 * time.Hour)) // tokens live 8h: this one expired an hour ago
	old := s.token(t, "ben@acme.example")
	s.offset.Store(0)
	none := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"sub": "acme-ben", "custom:org": "acme", "iss": devIssuer, "aud": devAudience, "exp": s.now.Add(time.Hour).Unix()})
	unsigned, _ := none.SignedString(jwt.UnsafeAllowNoneSignatureType)
	tests := []struct {
		name, token string
	}{
		{"missing", ""},
		{"garbage", "not-a-jwt"},
		{"forged (other key)", forged},
		{"expired", old},
		{"alg none", unsigned},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, p := s.call(t, "GET", "/v1/experts", tt.token, "")
			if status != 401 || p["code"] != "unauthenticated" {
				t.Errorf("status %d %v, want 401 unauthenticated", status, p)
			}
		})
	}
	// A learner's valid token cannot write an expert profile.
	ben := s.token(t, "ben@acme.example")
	status, p := s.call(t, "PUT", "/v1/experts/me", ben, `{"headline":"x"}`)
	if status != 403 || p["code"] != "forbidden" {
		t.Errorf("learner PUT /v1/experts/me = %d %v, want 403 forbidden", status, p)
	}
	// A user of org globex cannot see acme's experts.
	vera := s.token(t, "vera@globex.example")
	if status, _ := s.call(t, "GET", "/v1/experts/acme-maya", vera, ""); status != 404 {
		t.Errorf("globex reading acme expert = %d, want 404", status)
	}
}
