package flash

import (
	"testing"
	"time"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// London and New York across the two autumn changes (2026: London on 25 October, New York on
// 1 November). Both windows are 09:00-17:00 local: the earliest common start is New York's
// 09:00, which is 13:00 UTC while both or neither are on summer time' offsets differ by 4 h
// (the week of 26 October: London GMT, New York still EDT), and 14:00 UTC from 2 November.
func TestFindStartAcrossDST(t *testing.T) {
	lon, ny := mustZone(t, "Europe/London"), mustZone(t, "America/New_York")
	w := Window{Start: 9 * 60, End: 17 * 60, Weekdays: DefaultWeekdays}
	from := time.Date(2026, 10, 23, 16, 0, 0, 0, time.UTC) // Friday: next weekday is Monday 26th
	to := from.Add(Horizon)
	got, ok := FindStart(Person{Zone: lon}, Person{Zone: ny}, w, from, to)
	if want := time.Date(2026, 10, 26, 13, 0, 0, 0, time.UTC); !ok || !got.Equal(want) {
		t.Errorf("week of the gap: %v %v, want %v", got, ok, want)
	}
	// London busy through the whole gap week: the next start is after New York's change.
	busy := []Interval{{from, time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)}}
	got, ok = FindStart(Person{Zone: lon, Busy: busy}, Person{Zone: ny}, w, from, to)
	if want := time.Date(2026, 11, 2, 14, 0, 0, 0, time.UTC); !ok || !got.Equal(want) {
		t.Errorf("after New York's change: %v %v, want %v", got, ok, want)
	}
	// Before either change (Monday 19 October): London BST, New York EDT: 13:00 UTC again,
	// and London's last start is 15:30 UTC (16:30 BST).
	from = time.Date(2026, 10, 16, 20, 0, 0, 0, time.UTC)
	busy = []Interval{{from, time.Date(2026, 10, 19, 13, 0, 0, 0, time.UTC)}}
	if got, ok = FindStart(Person{Zone: lon}, Person{Zone: ny, Busy: busy}, w, from, from.Add(Horizon)); !ok || !got.Equal(time.Date(2026, 10, 19, 13, 0, 0, 0, time.UTC)) {
		t.Errorf("summer: %v %v", got, ok)
	}
	busy = []Interval{{from, time.Date(2026, 10, 19, 15, 30, 0, 0, time.UTC)}}
	if got, ok = FindStart(Person{Zone: lon}, Person{Zone: ny, Busy: busy}, w, from, from.Add(Horizon)); !ok || !got.Equal(time.Date(2026, 10, 19, 15, 30, 0, 0, time.UTC)) {
		t.Errorf("London's last start: %v %v", got, ok)
	}
	// Tokyo and New York never share a 09:00-17:00 hour.
	if got, ok := FindStart(Person{Zone: mustZone(t, "Asia/Tokyo")}, Person{Zone: ny}, w, from, from.Add(Horizon)); ok {
		t.Errorf("Tokyo-New York: %v, want none", got)
	}
}

func TestWindowInside(t *testing.T) {
	lon := mustZone(t, "Europe/London")
	w := Window{Start: 9 * 60, End: 17 * 60, Weekdays: DefaultWeekdays}
	d := SessionMin * time.Minute
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2026, 10, 23, 8, 0, 0, 0, time.UTC), true},   // Fri 09:00 BST
		{time.Date(2026, 10, 23, 7, 45, 0, 0, time.UTC), false}, // 08:45 BST
		{time.Date(2026, 10, 23, 15, 30, 0, 0, time.UTC), true}, // 16:30 BST, ends 17:00
		{time.Date(2026, 10, 23, 15, 45, 0, 0, time.UTC), false},
		{time.Date(2026, 10, 24, 10, 0, 0, 0, time.UTC), false}, // Saturday
		{time.Date(2026, 10, 26, 8, 0, 0, 0, time.UTC), false},  // Mon 08:00 GMT
		{time.Date(2026, 10, 26, 9, 0, 0, 0, time.UTC), true},   // Mon 09:00 GMT
	} {
		if got := w.Inside(tc.at, d, lon); got != tc.want {
			t.Errorf("Inside(%v) = %v, want %v", tc.at, got, tc.want)
		}
	}
	// A window spanning a spring-forward hour never proposes across the gap.
	night := Window{Start: 0, End: 24 * 60, Weekdays: []int{7}}
	if night.Inside(time.Date(2026, 3, 29, 0, 45, 0, 0, time.UTC), d, lon) { // 00:45 GMT → 02:15 BST
		t.Error("a span across the spring-forward gap was inside")
	}
}

func TestConfigRules(t *testing.T) {
	c := Config{EveryWeeks: 2}
	c.Normalize()
	if err := c.Validate(); err != nil || c.WindowStart != 540 || c.WindowEnd != 1020 || len(c.Weekdays) != 5 {
		t.Fatalf("defaults: %+v %v", c, err)
	}
	for _, bad := range []Config{{EveryWeeks: 0}, {EveryWeeks: 13}, {EveryWeeks: 1, WindowStart: 600, WindowEnd: 610},
		{EveryWeeks: 1, WindowStart: 601, WindowEnd: 700}, {EveryWeeks: 1, Weekdays: []int{0}}, {EveryWeeks: 1, Departments: []string{"a#b"}}} {
		bad.Normalize()
		if bad.Validate() == nil {
			t.Errorf("%+v: valid", bad)
		}
	}
	c.Departments = []string{" Sales ", "sales", "Eng"}
	c.Normalize()
	if len(c.Departments) != 2 || !c.Eligible("SALES") || c.Eligible("Legal") {
		t.Errorf("departments: %+v", c.Departments)
	}
	c.Anchor = AnchorFor(time.Date(2026, 10, 21, 15, 0, 0, 0, time.UTC))
	if !c.Anchor.Equal(time.Date(2026, 10, 19, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("anchor %v", c.Anchor)
	}
	if k, s := c.Round(time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)); k != 1 || !s.Equal(time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("round %d %v", k, s)
	}
}

func TestDeadline(t *testing.T) {
	now := time.Date(2026, 10, 19, 10, 0, 0, 0, time.UTC)
	if d := Deadline(now, now.Add(10*24*time.Hour)); !d.Equal(now.Add(AnswerWithin)) {
		t.Errorf("far start: %v", d)
	}
	if d := Deadline(now, now.Add(30*time.Hour)); !d.Equal(now.Add(28 * time.Hour)) {
		t.Errorf("near start: %v", d)
	}
}
