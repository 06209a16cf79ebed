package gateway

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/tandemhq/tandem/internal/samtemplate"
)

func TestClaimStrings(t *testing.T) {
	var claims map[string]any
	dec := json.NewDecoder(strings.NewReader(`{
		"s": "text", "i": 1804593600, "neg": -3, "f": 1.5, "big": 1e21, "t": true, "n": null,
		"groups": ["learner", "expert"], "empty": [], "mixed": ["a", 1, false],
		"obj": {"b": 2, "a": "x"}}`))
	dec.UseNumber()
	if err := dec.Decode(&claims); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"s": "text", "i": "1804593600", "neg": "-3", "f": "1.5", "big": "1000000000000000000000", "t": "true", "n": "",
		"groups": "[learner expert]", "empty": "[]", "mixed": "[a 1 false]", "obj": `{"a":"x","b":2}`,
	}
	if diff := cmp.Diff(want, ClaimStrings(claims)); diff != "" {
		t.Errorf("ClaimStrings mismatch (-want +got):\n%s", diff)
	}
}

func TestVerifierLeewayAndMisconfiguration(t *testing.T) {
	iss := newTestIssuer(t)
	soon := tokenFor(t, iss, func(c jwt.MapClaims) { c["iat"] = fixedNow.Add(10 * time.Second).Unix() })
	tests := []struct {
		name string
		v    Verifier
		ok   bool
	}{
		{"default leeway", *iss.Verifier(), true},
		{"no leeway", func() Verifier { v := *iss.Verifier(); v.Leeway = -1; return v }(), false},
		{"no keys", func() Verifier { v := *iss.Verifier(); v.Keys = nil; return v }(), false},
		{"no issuer configured", func() Verifier { v := *iss.Verifier(); v.Issuer = ""; return v }(), false},
		{"no audience configured", func() Verifier { v := *iss.Verifier(); v.Audience = nil; return v }(), false},
		{"clock after expiry", func() Verifier {
			v := *iss.Verifier()
			v.Now = func() time.Time { return fixedNow.Add(DefaultTokenTTL) }
			return v
		}(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.v.Verify(context.Background(), soon)
			if (err == nil) != tt.ok {
				t.Errorf("Verify error = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestParseJWKSSkipsOtherKeysAndRejectsWeakOnes(t *testing.T) {
	iss := newTestIssuer(t)
	good, _ := json.Marshal(iss.JWKS().Keys[0])
	doc := `{"keys":[` + string(good) + `,{"kty":"EC","kid":"ec","crv":"P-256","x":"a","y":"b"},` +
		`{"kty":"RSA","kid":"enc","use":"enc","n":"AQAB","e":"AQAB"}]}`
	keys, err := ParseJWKS([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[iss.KeyID()] == nil {
		t.Errorf("keys = %v, want only %s", keys, iss.KeyID())
	}
	if _, err := ParseJWKS([]byte(`{"keys":[{"kty":"RSA","kid":"weak","n":"AQAB","e":"AQAB"}]}`)); err == nil {
		t.Error("a 17-bit RSA key was accepted")
	}
	if _, err := ParseJWKS([]byte(`not json`)); err == nil {
		t.Error("a non-JSON document was accepted")
	}
}

func TestGreedyAndAnyRoutes(t *testing.T) {
	rec := &recorder{inner: InProcess(http.HandlerFunc(echoHandler))}
	g, err := New(Config{
		Routes:    []samtemplate.Route{{Function: "F", Method: "ANY", Path: "/v1/files/{proxy+}", Public: true}},
		Functions: map[string]Invoker{"F": rec},
		Logger:    slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	defer srv.Close()
	for _, method := range []string{"GET", "DELETE"} {
		req, _ := http.NewRequest(method, srv.URL+"/v1/files/a/b/c.txt", nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status = %d, want 200", method, resp.StatusCode)
		}
		ev := rec.last(t)
		if ev.RouteKey != "ANY /v1/files/{proxy+}" || ev.PathParameters["proxy"] != "a/b/c.txt" || ev.RequestContext.HTTP.Method != method {
			t.Errorf("%s: routeKey %q, proxy %q, method %q", method, ev.RouteKey, ev.PathParameters["proxy"], ev.RequestContext.HTTP.Method)
		}
	}
}
