package tandem

import (
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// The web app words the offer hold ("you have 12 hours to confirm") from its own copy of
// OfferHold; this keeps the two equal.
func TestWebKnowsTheOfferHold(t *testing.T) {
	src, err := os.ReadFile("../../web/src/circles.ts")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`export const OFFER_HOLD_HOURS = (\d+);`).FindSubmatch(src)
	if m == nil {
		t.Fatal("web/src/circles.ts no longer defines OFFER_HOLD_HOURS")
	}
	if h, _ := strconv.Atoi(string(m[1])); time.Duration(h)*time.Hour != OfferHold {
		t.Errorf("web says %d hours, the store holds an offer for %v", h, OfferHold)
	}
}

func TestCircleSeatsLeftAndOfferHold(t *testing.T) {
	start := time.Date(2027, 3, 3, 14, 0, 0, 0, time.UTC)
	c := Circle{Seats: 4, Taken: 3, Start: start}
	if c.SeatsLeft() != 1 {
		t.Errorf("one free seat: %d", c.SeatsLeft())
	}
	c.Waiting = 1 // a free seat while someone waits is theirs
	if c.SeatsLeft() != 0 {
		t.Errorf("free seat with a waitlist: %d left for newcomers", c.SeatsLeft())
	}
	if got := c.OfferUntil(start.Add(-2 * time.Hour)); !got.Equal(start) {
		t.Errorf("an offer two hours before the start holds until %v, want the start", got)
	}
	if got := c.OfferUntil(start.Add(-48 * time.Hour)); !got.Equal(start.Add(-48 * time.Hour).Add(OfferHold)) {
		t.Errorf("offer hold two days ahead: %v", got)
	}
}
