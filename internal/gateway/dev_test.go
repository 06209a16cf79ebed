package gateway

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tandemhq/tandem/internal/samtemplate"
)

func TestDevUsers(t *testing.T) {
	f := newFixture(t)
	resp := f.do(t, "GET", "/dev/users", "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	got := decodeJSON[struct{ Users []DevUser }](t, resp)
	if diff := cmp.Diff([]DevUser(testUsers), got.Users); diff != "" {
		t.Errorf("users mismatch (-want +got):\n%s", diff)
	}
}

func TestDevTokenIsAcceptedByTheGateway(t *testing.T) {
	f := newFixture(t)
	resp := f.do(t, "POST", "/dev/token", "", strings.NewReader(`{"email":"  Grace@Example.com "}`))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200: %s", resp.StatusCode, readBody(t, resp))
	}
	tr := decodeJSON[tokenResponse](t, resp)
	if want := fixedNow.Add(DefaultTokenTTL); !tr.ExpiresAt.Equal(want) || tr.Token == "" {
		t.Fatalf("got %+v, want a token expiring at %v", tr, want)
	}
	e := decodeJSON[echo](t, f.do(t, "GET", "/v1/me", tr.Token, nil))
	claims := e.Context.Authorizer.JWT.Claims
	if claims["sub"] != "u-grace" || claims["cognito:groups"] != "[hr]" || claims["custom:org"] != "org-acme" {
		t.Errorf("claims = %v, want grace's", claims)
	}
}

func TestDevTokenErrors(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, body string
		status     int
		code       string
	}{
		{"unknown email", `{"email":"nobody@example.com"}`, http.StatusNotFound, "not_found"},
		{"bad json", `{"email":`, http.StatusBadRequest, "invalid"},
		{"unknown field", `{"email":"ada@example.com","admin":true}`, http.StatusBadRequest, "invalid"},
		{"two documents", `{"email":"ada@example.com"}{}`, http.StatusBadRequest, "invalid"},
		{"no email", `{}`, http.StatusBadRequest, "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantProblem(t, f.do(t, "POST", "/dev/token", "", strings.NewReader(tt.body)), tt.status, tt.code)
		})
	}
}

// TestDevJWKSVerifiesTokens plugs the published JWKS into a Verifier, as a gateway that
// fetches a jwks_uri would.
func TestDevJWKSVerifiesTokens(t *testing.T) {
	f := newFixture(t)
	resp := f.do(t, "GET", "/dev/jwks.json", "", nil)
	keys, err := ParseJWKS(readBody(t, resp))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := keys[f.issuer.KeyID()]; !ok || len(keys) != 1 {
		t.Fatalf("JWKS keys = %v, want exactly kid %s", keys, f.issuer.KeyID())
	}
	v := &Verifier{Issuer: testIssuerURL, Audience: []string{testAudience}, Keys: keys, Now: func() time.Time { return fixedNow }}
	if _, err := v.Verify(context.Background(), f.token(t, nil)); err != nil {
		t.Errorf("Verify with fetched JWKS: %v", err)
	}
}

func TestWebApp(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"index.html":        "<html>shell</html>",
		"assets/app-1a2.js": "console.log(1)",
		"docs/index.html":   "<html>docs</html>",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f := newFixture(t, func(c *Config) { c.WebDir = dir })
	tests := []struct {
		path     string
		status   int
		body, ct string
	}{
		{"/", 200, "<html>shell</html>", "text/html; charset=utf-8"},
		{"/index.html", 200, "<html>shell</html>", "text/html; charset=utf-8"},
		{"/assets/app-1a2.js", 200, "console.log(1)", "text/javascript; charset=utf-8"},
		{"/experts/e-42/book", 200, "<html>shell</html>", "text/html; charset=utf-8"}, // SPA fallback
		{"/assets/", 200, "<html>shell</html>", "text/html; charset=utf-8"},           // no listing
		{"/docs", 200, "<html>docs</html>", "text/html; charset=utf-8"},
		{"/../../etc/passwd", 200, "<html>shell</html>", "text/html; charset=utf-8"},
		{"/assets/missing.js", 404, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp := f.do(t, "GET", tt.path, "", nil)
			body := string(readBody(t, resp))
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.body != "" && (body != tt.body || resp.Header.Get("Content-Type") != tt.ct) {
				t.Errorf("got %q (%s), want %q (%s)", body, resp.Header.Get("Content-Type"), tt.body, tt.ct)
			}
		})
	}
	wantProblem(t, f.do(t, "GET", "/v1/unknown", "", nil), http.StatusNotFound, "not_found")
	wantProblem(t, f.do(t, "GET", "/dev/unknown", "", nil), http.StatusNotFound, "not_found")
}

func TestWebAppNotBuilt(t *testing.T) {
	for name, dir := range map[string]string{"unset": "", "missing": filepath.Join(t.TempDir(), "dist")} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, func(c *Config) { c.WebDir = dir })
			resp := f.do(t, "GET", "/", "", nil)
			body := string(readBody(t, resp))
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, "not built") || !strings.Contains(body, "/dev/users") {
				t.Errorf("GET / = %d %q, want a page saying the web app is not built and pointing to /dev/users", resp.StatusCode, body)
			}
			wantProblem(t, f.do(t, "GET", "/experts", "", nil), http.StatusNotFound, "not_found")
		})
	}
}

func TestLoadOrCreateKeyPersists(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "jwt.pem")
	k1, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, want 0600", fi.Mode().Perm())
	}
	k2, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if !k1.Equal(k2) {
		t.Error("second load returned a different key")
	}
	if jwkOf(&k1.PublicKey).Kid != jwkOf(&k2.PublicKey).Kid {
		t.Error("kid changed across loads")
	}
	if err := os.WriteFile(path, []byte("junk"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(path); err == nil {
		t.Error("a corrupt key file was accepted (or silently replaced)")
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	fns := map[string]Invoker{"F": failing}
	r := func(method, path string) samtemplate.Route {
		return samtemplate.Route{Function: "F", Method: method, Path: path}
	}
	tests := map[string]Config{
		"no invoker":         {Routes: testRoutes[:1], Verifier: &Verifier{}},
		"no verifier":        {Routes: []samtemplate.Route{r("GET", "/v1/x")}, Functions: fns},
		"duplicate route":    {Routes: []samtemplate.Route{r("GET", "/v1/x"), r("GET", "/v1/x")}, Functions: fns, Verifier: &Verifier{}},
		"clash with /dev":    {Routes: []samtemplate.Route{r("GET", "/dev/users")}, Functions: fns, Verifier: &Verifier{}},
		"relative path":      {Routes: []samtemplate.Route{r("GET", "v1/x")}, Functions: fns, Verifier: &Verifier{}},
		"greedy not last":    {Routes: []samtemplate.Route{r("GET", "/v1/{p+}/x")}, Functions: fns, Verifier: &Verifier{}},
		"bad parameter name": {Routes: []samtemplate.Route{r("GET", "/v1/{a-b}")}, Functions: fns, Verifier: &Verifier{}},
	}
	for name, cfg := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := New(cfg); err == nil {
				t.Error("New accepted the config")
			}
		})
	}
}

func TestMuxPattern(t *testing.T) {
	tests := []struct {
		method, path, want string
		params             []string
	}{
		{"GET", "/v1/experts/{expertId}", "GET /v1/experts/{expertId}", []string{"expertId"}},
		{"ANY", "/v1/files/{proxy+}", "/v1/files/{proxy...}", []string{"proxy"}},
		{"POST", "/v1/bookings/{id}/cancel", "POST /v1/bookings/{id}/cancel", []string{"id"}},
		{"GET", "/v1/dir/", "GET /v1/dir/{$}", nil},
	}
	for _, tt := range tests {
		got, params, err := muxPattern(samtemplate.Route{Method: tt.method, Path: tt.path})
		if err != nil || got != tt.want || !cmp.Equal(params, tt.params) {
			t.Errorf("muxPattern(%s %s) = %q, %v, %v; want %q, %v", tt.method, tt.path, got, params, err, tt.want, tt.params)
		}
	}
}
