package matching

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

const (
	secondsPerDay = 24 * 60 * 60
	// fullSlots free slots in the horizon give full capacity when the learner names no times.
	fullSlots = 10
)

// span is a half-open range [start, end) of seconds: instants or wall-clock readings.
type span struct{ start, end int64 }

// capacity is the request side of the capacity signal, computed once per Rank: the horizon,
// the learner's wall clock, and the occurrences of the preferred windows in the horizon.
type capacity struct {
	from, to int64 // the horizon [now, now+horizon) in Unix seconds
	days     int   // the horizon in days, for reasons
	dur      int64 // session length in seconds
	clock    wallClock
	occ      []span // wall-clock seconds, sorted and disjoint; nil when no window is usable
	found    []bool // scratch: occurrences a candidate is free in
	scratch  []int64
}

func newCapacity(req Request, loc *time.Location, now time.Time) *capacity {
	h := Horizon
	if req.Urgency == UrgencyHigh {
		h = UrgentHorizon
	}
	dur := time.Duration(max(req.DurationMin, 0)) * time.Minute
	c := &capacity{from: now.Unix(), dur: int64(dur / time.Second), days: int(h / (24 * time.Hour))}
	c.to = c.from + int64(h/time.Second)
	c.clock = newWallClock(loc, c.from-secondsPerDay, c.to+c.dur+secondsPerDay)

	// Each weekday's usable windows, as wall seconds after midnight, merged when they overlap
	// or touch.
	var week [7][]span
	for _, tw := range req.PreferredTimes {
		if tw.valid(dur) {
			week[tw.Weekday] = append(week[tw.Weekday], span{int64(tw.StartHour) * 3600, int64(tw.EndHour) * 3600})
		}
	}
	for d := range week {
		week[d] = mergeSpans(week[d])
	}
	// An occurrence counts when a session could still start in it within the horizon.
	nowWall, toWall := c.clock.wall(c.from), c.clock.wall(c.to)
	for day := floorDiv(nowWall, secondsPerDay); day*secondsPerDay < toWall; day++ {
		for _, w := range week[floorMod(day+4, 7)] { // 1970-01-01 was a Thursday
			o := span{day*secondsPerDay + w.start, day*secondsPerDay + w.end}
			if first := max(o.start, nowWall); first+c.dur <= o.end && first < toWall {
				c.occ = append(c.occ, o)
			}
		}
	}
	c.found = make([]bool, len(c.occ))
	return c
}

// value scores one candidate's free slots.
//
// With preferred windows it is the share of their occurrences in which at least one free
// session [start, start+DurationMin) lies wholly inside the occurrence on the learner's wall
// clock; without, min(1, distinct free starts / fullSlots). Only starts in the horizon count.
func (c *capacity) value(slots []time.Time) (float64, string) {
	if c.occ == nil {
		n := c.distinct(slots)
		return min(1, float64(n)/fullSlots), fmt.Sprintf("%s in the next %d days", plural(n, "free slot"), c.days)
	}
	clear(c.found)
	for _, t := range slots {
		u := t.Unix()
		if u < c.from || u >= c.to {
			continue
		}
		ws, we := c.clock.wall(u), c.clock.wall(u+c.dur)
		// The last occurrence starting at or before ws.
		lo, hi := 0, len(c.occ)
		for lo < hi {
			if m := int(uint(lo+hi) >> 1); c.occ[m].start <= ws {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if i := lo - 1; i >= 0 && ws < c.occ[i].end && we <= c.occ[i].end {
			c.found[i] = true
		}
	}
	n := 0
	for _, f := range c.found {
		if f {
			n++
		}
	}
	return float64(n) / float64(len(c.occ)),
		fmt.Sprintf("free in %d of your %d preferred times in the next %d days", n, len(c.occ), c.days)
}

// distinct counts the distinct starts of slots inside the horizon.
func (c *capacity) distinct(slots []time.Time) int {
	c.scratch = c.scratch[:0]
	for _, t := range slots {
		if u := t.Unix(); u >= c.from && u < c.to {
			c.scratch = append(c.scratch, u)
		}
	}
	if !slices.IsSorted(c.scratch) {
		slices.Sort(c.scratch)
	}
	return len(slices.Compact(c.scratch))
}

// mergeSpans sorts ss and joins members that overlap or touch, in place.
func mergeSpans(ss []span) []span {
	slices.SortFunc(ss, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	out := ss[:0]
	for _, s := range ss {
		if n := len(out); n > 0 && s.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

// wallClock reads instants on a zone's wall clock by arithmetic: the zone's offset periods
// over a range of instants are looked up once, instead of once per slot.
type wallClock struct {
	loc     *time.Location
	periods []offsetPeriod
}

// offsetPeriod is a range of instants [start, end) in which a zone keeps the UTC offset off.
type offsetPeriod struct{ start, end, off int64 }

// newWallClock returns loc's wall clock with the offset periods that cover instants [lo, hi].
func newWallClock(loc *time.Location, lo, hi int64) wallClock {
	w := wallClock{loc: loc}
	t := time.Unix(lo, 0).In(loc)
	for {
		_, off := t.Zone()
		s, e := t.ZoneBounds()
		p := offsetPeriod{start: math.MinInt64, end: math.MaxInt64, off: int64(off)}
		if !s.IsZero() {
			p.start = s.Unix()
		}
		if !e.IsZero() {
			p.end = e.Unix()
		}
		w.periods = append(w.periods, p)
		if p.end > hi || p.end <= t.Unix() {
			return w
		}
		t = e
	}
}

// wall returns the wall-clock reading of instant u as seconds since 1970-01-01 00:00 local.
func (w *wallClock) wall(u int64) int64 {
	for _, p := range w.periods {
		if p.start <= u && u < p.end {
			return u + p.off
		}
	}
	_, off := time.Unix(u, 0).In(w.loc).Zone()
	return u + int64(off)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }
