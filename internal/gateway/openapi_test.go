package gateway

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/httpapi"
)

// TestServesOpenAPI: GET /openapi.yaml answers httpapi's document, without a token; other
// methods get the gateway's 405.
func TestServesOpenAPI(t *testing.T) {
	f := newFixture(t)
	resp := f.do(t, "GET", OpenAPIPath, "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200: %s", resp.StatusCode, readBody(t, resp))
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/yaml" {
		t.Errorf("Content-Type = %q, want application/yaml", ct)
	}
	body := readBody(t, resp)
	if len(httpapi.OpenAPI) == 0 || !bytes.Equal(body, httpapi.OpenAPI) {
		t.Errorf("body is %d bytes, want httpapi.OpenAPI (%d bytes)", len(body), len(httpapi.OpenAPI))
	}
	if !strings.HasPrefix(string(body), "openapi: 3.") {
		t.Errorf("body starts %q, want an OpenAPI 3 document", body[:min(len(body), 40)])
	}

	if head := f.do(t, "HEAD", OpenAPIPath, "", nil); head.StatusCode != http.StatusOK {
		t.Errorf("HEAD status = %d, want 200", head.StatusCode)
	}
	post := f.do(t, "POST", OpenAPIPath, "", strings.NewReader("{}"))
	wantProblem(t, post, http.StatusMethodNotAllowed, "method_not_allowed")
	if allow := post.Header.Get("Allow"); !strings.Contains(allow, "GET") {
		t.Errorf("Allow = %q, want GET", allow)
	}
}
