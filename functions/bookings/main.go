// Command bookings is the BookingsFunction: booking, the booking lifecycle, invites and calendar feeds.
// Wiring only: httpapi.Start builds the store once per cold start and serves the router.
package main

import "github.com/tandemhq/tandem/internal/httpapi"

func main() { httpapi.Start(httpapi.NewBookings) }
