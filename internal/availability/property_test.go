package availability

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// propZones mix 1-hour, 30-minute and 45-minute shifts, odd offsets, and transitions at
// midnight (Santiago, Beirut), which make local midnight missing or repeated.
var propZones = []string{
	"America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham",
	"America/Santiago", "Asia/Beirut", "UTC",
}

// propCase is one random expert, session type, calendar and range.
type propCase struct {
	s        Schedule
	loc      *time.Location
	r        Rules
	busy     []Busy
	from, to time.Time
	now      time.Time
}

func (c propCase) String() string {
	return fmt.Sprintf("schedule %+v\nrules %+v\nbusy %+v\nfrom %v to %v now %v", c.s, c.r, c.busy, c.from, c.to, c.now)
}

func pick[T any](rng *rand.Rand, xs ...T) T { return xs[rng.IntN(len(xs))] }

// randDay returns up to three sorted, non-overlapping (possibly touching) intervals.
func randDay(rng *rand.Rand) []LocalInterval {
	switch rng.IntN(7) {
	case 0:
		return nil
	case 1:
		return []LocalInterval{li("00:00", "24:00")}
	}
	unit := pick(rng, 5, 15, 30)
	slots := 1440 / unit
	clock := func(u int) string { return fmt.Sprintf("%02d:%02d", u*unit/60, u*unit%60) }
	var ivs []LocalInterval
	cur := 0
	if rng.IntN(3) > 0 {
		cur = rng.IntN(slots / 2)
	}
	for n := 1 + rng.IntN(3); n > 0 && cur < slots; n-- {
		end := min(slots, cur+1+rng.IntN(slots/3))
		if rng.IntN(4) == 0 {
			end = slots
		}
		ivs = append(ivs, li(clock(cur), clock(end)))
		cur = end + rng.IntN(3)*rng.IntN(slots/4+1) // sometimes touching
	}
	return ivs
}

func randCase(t *testing.T, rng *rand.Rand) propCase {
	zone := pick(rng, propZones...)
	loc := zoneOf(t, zone)
	// Start near one of the zone's 2026 transitions most of the time.
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(365*24)) * time.Hour)
	if rng.IntN(4) > 0 {
		tr := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
		for n := rng.IntN(3); n >= 0; n-- {
			if _, end := tr.ZoneBounds(); !end.IsZero() {
				tr = end
			}
		}
		base = tr.Add(-time.Duration(rng.IntN(4*24*60)) * time.Minute)
	}
	c := propCase{loc: loc}
	c.from = base.Truncate(time.Minute)
	c.to = c.from.Add(time.Duration(60+rng.IntN(10*24*60)) * time.Minute)
	c.now = c.from.Add(time.Duration(rng.IntN(7*24*3600)-3*24*3600)*time.Second + time.Duration(rng.IntN(2))*time.Duration(rng.IntN(1e9)))
	c.s = Schedule{Timezone: zone, Weekly: Weekly{
		Mon: randDay(rng), Tue: randDay(rng), Wed: randDay(rng), Thu: randDay(rng), Fri: randDay(rng), Sat: randDay(rng), Sun: randDay(rng),
	}}
	used := map[string]bool{}
	for n := rng.IntN(4); n > 0; n-- {
		date := c.from.Add(time.Duration(rng.IntN(12*24)-24) * time.Hour).In(loc).Format(time.DateOnly)
		if !used[date] {
			used[date] = true
			c.s.Overrides = append(c.s.Overrides, Override{Date: date, Intervals: randDay(rng)})
		}
	}
	for n := rng.IntN(4); n > 0; n-- {
		start := c.from.Add(time.Duration(rng.IntN(12*24*4)-24*4) * 15 * time.Minute)
		c.s.TimeOff = append(c.s.TimeOff, TimeOff{Start: start, End: start.Add(time.Duration(1+rng.IntN(3*24*4)) * 15 * time.Minute)})
	}
	c.r = Rules{
		DurationMin:     pick(rng, 15, 30, 45, 60, 90, 120, 240),
		IncrementMin:    pick(rng, 5, 10, 15, 20, 30, 45, 60, 7),
		BufferBeforeMin: pick(rng, 0, 0, 5, 10, 15, 30),
		BufferAfterMin:  pick(rng, 0, 0, 5, 10, 15, 30),
		MinNoticeMin:    pick(rng, 0, 30, 60, 240, 1440, 2880),
		HorizonDays:     rng.IntN(15),
		MaxPerDay:       pick(rng, 0, 0, 1, 2, 3),
		MaxPerWeek:      pick(rng, 0, 0, 2, 5),
	}
	for n := rng.IntN(12); n > 0; n-- {
		start := c.from.Add(time.Duration(rng.IntN(12*24*12)-24*12) * 5 * time.Minute)
		if rng.IntN(5) == 0 {
			start = start.Add(time.Duration(rng.IntN(1e9)))
		}
		c.busy = append(c.busy, Busy{
			Start: start, End: start.Add(time.Duration(15+rng.IntN(120)) * time.Minute),
			BufferBefore: time.Duration(rng.IntN(4)) * 10 * time.Minute, BufferAfter: time.Duration(rng.IntN(4)) * 10 * time.Minute,
			Counts: rng.IntN(3) > 0,
		})
	}
	return c
}

// civil returns the local date of t in loc as a UTC midnight, for day arithmetic.
func civil(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func mondayOf(d time.Time) time.Time { return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7)) }

// bookable decides a start by brute force from the product rules, given that the session
// lies inside the availability (open is the offered time, time off already removed).
func (c propCase) bookable(start time.Time, open []Slot) (bool, string) {
	end := start.Add(time.Duration(c.r.DurationMin) * time.Minute)
	if !slices.ContainsFunc(open, func(o Slot) bool { return !o.Start.After(start) && !o.End.Before(end) }) {
		return false, "outside open time"
	}
	if start.Before(c.now.Add(time.Duration(c.r.MinNoticeMin) * time.Minute)) {
		return false, "notice"
	}
	if civil(start, c.loc).After(civil(c.now, c.loc).AddDate(0, 0, c.r.HorizonDays)) {
		return false, "horizon"
	}
	a := start.Add(-time.Duration(c.r.BufferBeforeMin) * time.Minute)
	b := end.Add(time.Duration(c.r.BufferAfterMin) * time.Minute)
	day, week := 0, 0
	for _, x := range c.busy {
		if a.Before(x.End.Add(x.BufferAfter)) && x.Start.Add(-x.BufferBefore).Before(b) {
			return false, "busy"
		}
		if x.Counts && civil(x.Start, c.loc).Equal(civil(start, c.loc)) {
			day++
		}
		if x.Counts && mondayOf(civil(x.Start, c.loc)).Equal(mondayOf(civil(start, c.loc))) {
			week++
		}
	}
	if c.r.MaxPerDay > 0 && day >= c.r.MaxPerDay {
		return false, "day limit"
	}
	if c.r.MaxPerWeek > 0 && week >= c.r.MaxPerWeek {
		return false, "week limit"
	}
	return true, ""
}

func TestSlotsProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(20260308, 1))
	n := 400
	if testing.Short() {
		n = 60
	}
	for i := range n {
		c := randCase(t, rng)
		t.Run(fmt.Sprintf("case%03d", i), func(t *testing.T) {
			if err := c.s.Validate(); err != nil {
				t.Fatalf("generated an invalid schedule: %v\n%v", err, c)
			}
			checkProperties(t, rng, c)
		})
	}
}

func checkProperties(t *testing.T, rng *rand.Rand, c propCase) {
	learner := zoneOf(t, pick(rng, propZones...))
	got, err := Slots(c.s, c.r, c.busy, c.from, c.to, c.now, learner)
	if err != nil {
		t.Fatalf("Slots: %v\n%v", err, c)
	}
	wideFrom, wideTo := c.from.Add(-72*time.Hour), c.to.Add(72*time.Hour)
	open, err := Open(c.s, wideFrom, wideTo)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	bare := c.s
	bare.TimeOff = nil
	hours, err := Open(bare, wideFrom, wideTo) // availability before time off: the grid's intervals
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	offered := map[int64]bool{}
	for i, sl := range got {
		if i > 0 && !got[i-1].Start.Before(sl.Start) {
			t.Errorf("slots not strictly increasing at %d: %v then %v", i, got[i-1].Start, sl.Start)
		}
		if sl.Start.Before(c.from) || !sl.Start.Before(c.to) || sl.Start.Location() != learner {
			t.Errorf("slot %v outside [%v, %v) or not in %v", sl.Start, c.from, c.to, learner)
		}
		if sl.End.Sub(sl.Start) != time.Duration(c.r.DurationMin)*time.Minute {
			t.Errorf("slot %v lasts %v", sl.Start, sl.End.Sub(sl.Start))
		}
		if ok, why := c.bookable(sl.Start, open); !ok {
			t.Errorf("slot %v breaks a rule: %s\n%v", sl.Start, why, c)
		}
		// Grid: inside a merged interval shorter than a day, starts step from its start.
		for _, h := range hours {
			if !h.Start.After(sl.Start) && sl.Start.Before(h.End) && h.Start.After(wideFrom) && h.End.Sub(h.Start) < 24*time.Hour {
				if off := sl.Start.Sub(h.Start) % (time.Duration(c.r.IncrementMin) * time.Minute); off != 0 {
					t.Errorf("slot %v is %v off the grid of [%v, %v)", sl.Start, off, h.Start, h.End)
				}
			}
		}
		offered[sl.Start.Unix()] = true
	}
	if t.Failed() {
		return
	}

	// Completeness: every grid start whose session fits the hours (found with the rules
	// relaxed) is offered iff the brute-force rules allow it, and Check agrees.
	relaxed := Rules{DurationMin: c.r.DurationMin, IncrementMin: c.r.IncrementMin, HorizonDays: 3660}
	grid, err := Slots(bare, relaxed, nil, c.from, c.to, c.from.AddDate(-1, 0, 0), time.UTC)
	if err != nil {
		t.Fatalf("Slots (relaxed): %v", err)
	}
	for i, g := range grid {
		want, why := c.bookable(g.Start, open)
		if offered[g.Start.Unix()] != want {
			t.Errorf("grid start %v: offered %v, brute force says %v (%s)\n%v", g.Start, offered[g.Start.Unix()], want, why, c)
		}
		if i%3 == 0 || want {
			if err := Check(c.s, c.r, c.busy, g.Start, c.now); (err == nil) != want {
				t.Errorf("Check(%v) = %v, want bookable=%v (%s)", g.Start, err, want, why)
			}
		}
	}

	// Random instants, on and off the minute: Check(x) == nil iff x is offered.
	span := int64(c.to.Sub(c.from) / time.Second)
	for range 40 {
		x := c.from.Add(time.Duration(rng.Int64N(span)) * time.Second)
		switch rng.IntN(4) {
		case 0, 1:
			x = x.Truncate(time.Minute)
		case 2:
			x = x.Add(time.Duration(rng.IntN(1e9)))
		}
		err := Check(c.s, c.r, c.busy, x, c.now)
		if isOffered := offered[x.Unix()] && x.Nanosecond() == 0; (err == nil) != isOffered {
			t.Errorf("Check(%v) = %v, but offered = %v", x, err, isOffered)
		}
	}

	// Any sub-range gives the same slots as the full range restricted to it.
	a := c.from.Add(time.Duration(rng.Int64N(span)) * time.Second)
	b := a.Add(time.Duration(rng.Int64N(int64(c.to.Sub(a)/time.Second)+1)) * time.Second)
	sub, err := Slots(c.s, c.r, c.busy, a, b, c.now, learner)
	if err != nil {
		t.Fatalf("Slots (sub-range): %v", err)
	}
	var want []string
	for _, sl := range got {
		if !sl.Start.Before(a) && sl.Start.Before(b) {
			want = append(want, sl.Start.Format(time.RFC3339))
		}
	}
	var gotSub []string
	for _, sl := range sub {
		gotSub = append(gotSub, sl.Start.Format(time.RFC3339))
	}
	if !slices.Equal(want, gotSub) {
		t.Errorf("Slots over [%v, %v) = %v, want %v", a, b, gotSub, want)
	}
}
