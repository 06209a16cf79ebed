// Command experts is the ExpertsFunction: expert profiles, availability, slots and /v1/me.
// Wiring only: httpapi.Start builds the store once per cold start and serves the router.
package main

import "github.com/tandemhq/tandem/internal/httpapi"

func main() { httpapi.Start(httpapi.NewExperts) }
