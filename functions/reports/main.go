// Command reports is the ReportsFunction: HR's utilization and connection reports.
// Wiring only: httpapi.Start builds the store once per cold start and serves the router.
package main

import "github.com/tandemhq/tandem/internal/httpapi"

func main() { httpapi.Start(httpapi.NewReports) }
