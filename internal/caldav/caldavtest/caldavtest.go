// Package caldavtest gives tests a fresh calendar on the real Radicale that infra/test.sh (and
// `make run`) start with infra/radicale.sh.
//
// Environment: RADICALE_URL (http://127.0.0.1:N), RADICALE_USER and RADICALE_PASSWORD (default
// the script's default user, tandem / tandem-dev-password). Without RADICALE_URL tests skip,
// unless REQUIRE_RADICALE=1, when they fail. To run them by hand:
//
//	export RADICALE_URL=$(infra/radicale.sh start --state-dir .local/radicale-mine)
//	REQUIRE_RADICALE=1 go test ./internal/caldav/...
package caldavtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/tandemhq/tandem/internal/caldav"
	"github.com/tandemhq/tandem/internal/calsource"
)

// Server answers Radicale's base URL and the test user's credentials, skipping (or failing with
// REQUIRE_RADICALE=1) when none is running.
func Server(t testing.TB) (baseURL, user, password string) {
	t.Helper()
	baseURL = strings.TrimRight(os.Getenv("RADICALE_URL"), "/")
	if baseURL == "" {
		if os.Getenv("REQUIRE_RADICALE") == "1" {
			t.Fatal("REQUIRE_RADICALE=1 but RADICALE_URL is not set (start it with infra/radicale.sh)")
		}
		t.Skip("RADICALE_URL not set: start Radicale with infra/radicale.sh to run CalDAV tests")
	}
	user = os.Getenv("RADICALE_USER")
	if user == "" {
		user = "tandem"
	}
	password = os.Getenv("RADICALE_PASSWORD")
	if password == "" {
		password = "tandem-dev-password"
	}
	return baseURL, user, password
}

// HTTPClient is calsource's client allowed to reach loopback, where Radicale listens.
func HTTPClient() *http.Client {
	return calsource.NewClient(calsource.ClientOptions{AllowPrivate: true})
}

// Calendar creates a new, empty calendar for the test and answers its URL and credentials.
func Calendar(t testing.TB) (calendarURL, user, password string) {
	t.Helper()
	base, user, password := Server(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	calendarURL = base + "/" + user + "/test-" + hex.EncodeToString(b[:]) + "/"
	c, err := caldav.New(HTTPClient(), calendarURL, user, password)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.MakeCalendar(context.Background(), t.Name()); err != nil {
		t.Fatalf("creating a calendar on Radicale: %v", err)
	}
	return calendarURL, user, password
}
