package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/tandemhq/tandem/internal/gateway"
	"github.com/tandemhq/tandem/internal/httpapi"
)

// defaultKeyPath is the dev signing key `tandem dev`, `tandem token` and `tandem sam-env`
// share: tokens from either verify against the JWKS in the env-vars file.
const defaultKeyPath = ".local/dev-signing-key.pem"

// runSAMEnv: tandem sam-env — the env-vars file for `sam local start-api --env-vars`:
// infra/sam-local-env.json with DynamoDB Local's endpoint as a container sees it and the dev
// key's JWKS, which the functions verify bearer tokens with under SAM CLI.
func runSAMEnv(args []string) error {
	fs := flag.NewFlagSet("sam-env", flag.ExitOnError)
	base := fs.String("base", "infra/sam-local-env.json", "the committed env-vars file to fill in")
	endpoint := fs.String("endpoint", os.Getenv("DYNAMODB_ENDPOINT"), "DynamoDB Local on this machine, e.g. http://127.0.0.1:8000 (127.0.0.1 and localhost become host.docker.internal); env DYNAMODB_ENDPOINT")
	table := fs.String("table", "", "table name (default: the base file's)")
	keyPath := fs.String("key", defaultKeyPath, "dev signing key (created if missing), the one tandem dev uses")
	out := fs.String("o", "", "write here instead of stdout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	raw, err := os.ReadFile(*base)
	if err != nil {
		return err
	}
	var file map[string]map[string]string
	if err := json.Unmarshal(raw, &file); err != nil {
		return fmt.Errorf("%s: %w", *base, err)
	}
	params := file["Parameters"]
	if params == nil {
		return fmt.Errorf(`%s: no "Parameters"`, *base)
	}
	if *endpoint != "" {
		ep, err := containerURL(*endpoint)
		if err != nil {
			return err
		}
		params["DYNAMODB_ENDPOINT"] = ep
	}
	if *table != "" {
		params["TABLE_NAME"] = *table
	}
	issuer, err := devIssuerFrom(*keyPath)
	if err != nil {
		return err
	}
	jwks, err := json.Marshal(issuer.JWKS())
	if err != nil {
		return err
	}
	params[httpapi.SAMLocalJWKSEnv] = string(jwks)
	doc, err := json.MarshalIndent(file, "", "  ")
	if err != nil {
		return err
	}
	doc = append(doc, '\n')
	if *out == "" {
		_, err = os.Stdout.Write(doc)
		return err
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(*out, doc, 0o644)
}

// containerURL rewrites a loopback URL of this machine to the name a SAM CLI container
// reaches the machine by (make sam-local maps it with --add-host host.docker.internal:host-gateway).
func containerURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("-endpoint %q is not a URL", raw)
	}
	switch u.Hostname() {
	case "127.0.0.1", "localhost", "::1":
		port := u.Port()
		u.Host = "host.docker.internal"
		if port != "" {
			u.Host += ":" + port
		}
	}
	return u.String(), nil
}

// runToken: tandem token -email ben@acme.example — a dev ID token for a seeded user, signed
// with the dev key (as POST /dev/token of tandem dev), for `sam local start-api` or curl.
func runToken(args []string) error {
	fs := flag.NewFlagSet("token", flag.ExitOnError)
	email := fs.String("email", "", "a seeded user's email (tandem dev's GET /dev/users lists them)")
	keyPath := fs.String("key", defaultKeyPath, "dev signing key (created if missing), the one tandem dev uses")
	if err := fs.Parse(args); err != nil {
		return err
	}
	u, ok := devDirectory().UserByEmail(*email)
	if !ok {
		return fmt.Errorf("token: no seeded user has email %q", *email)
	}
	issuer, err := devIssuerFrom(*keyPath)
	if err != nil {
		return err
	}
	token, _, err := issuer.Sign(u)
	if err != nil {
		return err
	}
	fmt.Println(token)
	return nil
}

func devIssuerFrom(keyPath string) (*gateway.Issuer, error) {
	key, err := gateway.LoadOrCreateKey(keyPath)
	if err != nil {
		return nil, err
	}
	return gateway.NewIssuer(key, gateway.IssuerConfig{URL: devIssuer, Audience: devAudience})
}
