package gateway

import (
	"net/http"

	"github.com/tandemhq/tandem/internal/httpapi"
)

// OpenAPIPath is where the gateway serves the API's OpenAPI document.
const OpenAPIPath = "/openapi.yaml"

// serveOpenAPI serves GET /openapi.yaml: the OpenAPI document of the routes this gateway
// serves. It is httpapi's embedded copy, the one the handler tests hold the handlers to, so
// what a client reads here is what the API does. API Gateway in AWS has no such route.
func (g *Gateway) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/yaml")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(httpapi.OpenAPI)
}
