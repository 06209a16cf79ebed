package httpapi

import _ "embed"

// OpenAPI is the OpenAPI 3.0 document of the public API (openapi.yaml). It lives next to the
// handlers because the tests hold it to them: its routes must equal template.yaml's, and every
// request and response of the handler tests is validated against it. `tandem dev` serves it
// at GET /openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte
