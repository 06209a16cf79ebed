// Package gateway is Tandem's local API Gateway: `sam local start-api` without Docker. It
// serves the HttpApi routes that template.yaml declares, verifies bearer tokens the way the
// HTTP API JWT authorizer does, turns each request into the exact payload-v2 event
// (events.APIGatewayV2HTTPRequest) API Gateway would send, invokes the route's function
// through an Invoker and writes the function's response back. `tandem dev` and the
// end-to-end tests use it; nothing here is deployed.
//
// Invokers run a function either in process, through the same httpadapter path the Lambda
// entry points use (InProcess), or, later, as the real bootstrap binary under the Lambda
// Runtime Interface Emulator. Tokens come from an Issuer that signs Cognito-like ID tokens
// with a local RSA key and publishes its JWKS; a Verifier checks them against an issuer,
// audience and key set.
//
// The gateway also offers dev-only routes that never exist in AWS: GET /dev/users,
// POST /dev/token (sign in as a directory user), GET /dev/jwks.json and GET /openapi.yaml
// (the API's OpenAPI document, httpapi.OpenAPI), and it serves the built web app at / with a
// single-page-app fallback to index.html.
//
// Where the emulator deliberately differs from AWS, it answers in Tandem's problem+json so
// that clients and tests see one error shape:
//
//   - A rejected token is 401 problem+json with code "unauthenticated" (plus a
//     WWW-Authenticate header); the AWS authorizer answers 401 {"message":"Unauthorized"}
//     itself, before any function runs.
//   - An unknown route is 404 problem+json with code "not_found", and a known path with
//     another method is 405 problem+json with an Allow header; AWS answers 404
//     {"message":"Not Found"} for both.
//   - A function error (or an unusable response) is 502 problem+json with code "internal";
//     AWS answers 500 {"message":"Internal Server Error"}.
//   - A body over Config.MaxBody is 413 problem+json with code "limit_exceeded"; AWS answers
//     413 {"message":"Request Entity Too Large"}.
//   - Responses honour MultiValueHeaders too; payload format 2.0 in AWS ignores them, so
//     functions should not rely on them.
//   - Only RS256 tokens are accepted (Cognito signs with RS256); AWS accepts any RSA
//     algorithm.
package gateway
