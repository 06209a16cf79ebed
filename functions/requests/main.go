// Command requests is the RequestsFunction: learners' requests, explainable matching, the
// request board, offers and org settings.
// Wiring only: httpapi.Start builds the store once per cold start and serves the router.
package main

import "github.com/tandemhq/tandem/internal/httpapi"

func main() { httpapi.Start(httpapi.NewRequests) }
