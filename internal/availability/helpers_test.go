package availability

import (
	"errors"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

func zoneOf(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := tandem.LoadZone(name)
	if err != nil {
		t.Fatalf("LoadZone(%q): %v", name, err)
	}
	return loc
}

// ts parses an RFC 3339 instant.
func ts(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("time.Parse(%q): %v", s, err)
	}
	return v
}

func li(start, end string) LocalInterval { return LocalInterval{Start: start, End: end} }

// everyDay returns weekly hours with the same intervals on all seven days.
func everyDay(ivs ...LocalInterval) Weekly {
	return Weekly{Mon: ivs, Tue: ivs, Wed: ivs, Thu: ivs, Fri: ivs, Sat: ivs, Sun: ivs}
}

// startsIn formats slot starts in loc as RFC 3339, which shows both the wall time and the
// offset (so a repeated hour is visible as two different offsets).
func startsIn(slots []Slot, loc *time.Location) []string {
	out := make([]string, len(slots))
	for i, s := range slots {
		out[i] = s.Start.In(loc).Format(time.RFC3339)
	}
	return out
}

// codeAndReason extracts the tandem error code and Detail["reason"] of err.
func codeAndReason(err error) (code, reason string) {
	var e *tandem.Error
	if errors.As(err, &e) {
		reason, _ = e.Detail["reason"].(string)
	}
	return tandem.ErrorCode(err), reason
}

// checkSlotsAgree fails unless every slot is accepted by Check with the same inputs.
func checkSlotsAgree(t *testing.T, s Schedule, r Rules, busy []Busy, now time.Time, slots []Slot) {
	t.Helper()
	for _, sl := range slots {
		if err := Check(s, r, busy, sl.Start, now); err != nil {
			t.Errorf("Check(%v) = %v, want nil for an offered slot", sl.Start, err)
		}
	}
}
