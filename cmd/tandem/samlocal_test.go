package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/tandemhq/tandem/internal/httpapi"
	"github.com/tandemhq/tandem/internal/samtemplate"
)

// TestSAMEnvAndTokenAgree: the env-vars file `tandem sam-env` writes points a container at
// DynamoDB Local and carries the dev key's JWKS, and a function in its sam local mode
// accepts the token `tandem token` prints with the same key.
func TestSAMEnvAndTokenAgree(t *testing.T) {
	tpl, err := samtemplate.Find(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	key, out := filepath.Join(dir, "key.pem"), filepath.Join(dir, "env.json")
	if err := runSAMEnv([]string{"-base", filepath.Join(filepath.Dir(tpl), "infra", "sam-local-env.json"),
		"-endpoint", "http://127.0.0.1:8123", "-table", "tandem-local", "-key", key, "-o", out}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var file map[string]map[string]string
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	p := file["Parameters"]
	if p["DYNAMODB_ENDPOINT"] != "http://host.docker.internal:8123" || p["TABLE_NAME"] != "tandem-local" || p[httpapi.SAMLocalJWKSEnv] == "" {
		t.Fatalf("Parameters = %v", p)
	}
	issuer, err := devIssuerFrom(key)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := devDirectory().UserByEmail("ben@acme.example")
	token, _, err := issuer.Sign(u)
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]string
	fn := httpapi.SAMLocal(func(_ context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		claims = ev.RequestContext.Authorizer.JWT.Claims
		return events.APIGatewayV2HTTPResponse{StatusCode: 200}, nil
	}, p[httpapi.SAMLocalJWKSEnv], nil)
	res, err := fn(context.Background(), events.APIGatewayV2HTTPRequest{RouteKey: "GET /v1/me", Headers: map[string]string{"Authorization": "Bearer " + token}})
	if err != nil || res.StatusCode != 200 || claims["sub"] != u.ID || claims["custom:org"] != u.OrgID {
		t.Fatalf("sam local with the written JWKS: %d %v, claims %v", res.StatusCode, err, claims)
	}
}
