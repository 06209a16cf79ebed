// Command feedback is the FeedbackFunction: feedback after sessions and experts' reviews.
// Wiring only: httpapi.Start builds the store once per cold start and serves the router.
package main

import "github.com/tandemhq/tandem/internal/httpapi"

func main() { httpapi.Start(httpapi.NewFeedback) }
