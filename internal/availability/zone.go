package availability

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"time"
)

const secondsPerDay = 24 * 60 * 60

// interval is a half-open range of Unix seconds [start, end).
type interval struct{ start, end int64 }

// segment is a period in which a zone keeps one UTC offset: instants [start, end), offset in
// seconds east of UTC. Unbounded periods use math.MinInt64 / math.MaxInt64.
type segment struct{ start, end, off int64 }

// zone is a location's offset periods covering a range of instants, so that wall-clock
// conversions are exact arithmetic instead of guesses at ambiguous times.
type zone struct {
	loc  *time.Location
	segs []segment
}

// newZone returns the offset periods of loc that overlap the instants [lo, hi].
func newZone(loc *time.Location, lo, hi int64) *zone {
	z := &zone{loc: loc}
	t := time.Unix(lo, 0).In(loc)
	for {
		_, off := t.Zone()
		s, e := t.ZoneBounds()
		seg := segment{start: math.MinInt64, end: math.MaxInt64, off: int64(off)}
		if !s.IsZero() {
			seg.start = s.Unix()
		}
		if !e.IsZero() {
			seg.end = e.Unix()
		}
		z.segs = append(z.segs, seg)
		if seg.end > hi || seg.end <= t.Unix() {
			return z
		}
		t = e
	}
}

// offset returns the UTC offset at instant u.
func (z *zone) offset(u int64) int64 {
	i := sort.Search(len(z.segs), func(i int) bool { return z.segs[i].end > u })
	if i < len(z.segs) && z.segs[i].start <= u {
		return z.segs[i].off
	}
	_, off := time.Unix(u, 0).In(z.loc).Zone()
	return int64(off)
}

// localDay returns the civil day (days since 1970-01-01) of instant u in the zone.
func (z *zone) localDay(u int64) int64 {
	return floorDiv(u+z.offset(u), secondsPerDay)
}

// appendWall appends the instants whose wall clock shows civil day day and a time in
// [startMin, endMin) minutes. Each offset period contributes the instants it maps into that
// wall range: a gap contributes nothing (so boundaries in a gap land on the transition) and a
// repeated hour is contributed by both periods around a fall-back.
func (z *zone) appendWall(dst []interval, day, startMin, endMin int64) []interval {
	w0 := day*secondsPerDay + startMin*60
	w1 := day*secondsPerDay + endMin*60
	for _, s := range z.segs {
		a, b := max(w0-s.off, s.start), min(w1-s.off, s.end)
		if a < b {
			dst = append(dst, interval{a, b})
		}
	}
	return dst
}

// dayStart returns the first instant whose wall clock shows civil day day or later (local
// midnight, or the transition instant when midnight falls in a gap).
func (z *zone) dayStart(day int64) int64 {
	w := day * secondsPerDay
	for _, s := range z.segs {
		if a := max(w-s.off, s.start); a < s.end {
			return a
		}
	}
	return w - z.segs[len(z.segs)-1].off
}

// intervalSet answers "does [a, b) overlap any member?" in O(log n).
type intervalSet struct {
	ivs    []interval // sorted by start
	maxEnd []int64    // maxEnd[i] = max end of ivs[:i+1]
}

func newIntervalSet(ivs []interval) intervalSet {
	ivs = slices.DeleteFunc(ivs, func(iv interval) bool { return iv.start >= iv.end })
	slices.SortFunc(ivs, func(a, b interval) int { return cmp.Compare(a.start, b.start) })
	s := intervalSet{ivs: ivs, maxEnd: make([]int64, len(ivs))}
	for i, iv := range ivs {
		s.maxEnd[i] = iv.end
		if i > 0 {
			s.maxEnd[i] = max(iv.end, s.maxEnd[i-1])
		}
	}
	return s
}

// overlaps reports whether [a, b) intersects a member.
func (s intervalSet) overlaps(a, b int64) bool {
	n := sort.Search(len(s.ivs), func(i int) bool { return s.ivs[i].start >= b })
	return n > 0 && s.maxEnd[n-1] > a
}

// subtract returns the parts of the sorted, disjoint ivs not covered by the set.
func (s intervalSet) subtract(ivs []interval) []interval {
	var out []interval
	j := 0
	for _, iv := range ivs {
		for j < len(s.ivs) && s.maxEnd[j] <= iv.start {
			j++
		}
		cur := iv.start
		for k := j; k < len(s.ivs) && s.ivs[k].start < iv.end; k++ {
			if s.ivs[k].start > cur {
				out = append(out, interval{cur, s.ivs[k].start})
			}
			cur = max(cur, s.ivs[k].end)
		}
		if cur < iv.end {
			out = append(out, interval{cur, iv.end})
		}
	}
	return out
}

// merge sorts ivs and joins overlapping or touching members, in place.
func merge(ivs []interval) []interval {
	slices.SortFunc(ivs, func(a, b interval) int { return cmp.Compare(a.start, b.start) })
	out := ivs[:0]
	for _, iv := range ivs {
		if n := len(out); n > 0 && iv.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, iv.end)
			continue
		}
		out = append(out, iv)
	}
	return out
}

// civilDay returns the date of t in loc as days since 1970-01-01.
func civilDay(t time.Time, loc *time.Location) int64 {
	y, m, d := t.In(loc).Date()
	return floorDiv(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), secondsPerDay)
}

// weekday returns the weekday of a civil day (1970-01-01 was a Thursday).
func weekday(day int64) time.Weekday {
	return time.Weekday(floorMod(day+4, 7))
}

// weekStart returns the Monday starting the ISO week that contains a civil day.
func weekStart(day int64) int64 {
	return day - floorMod(day+3, 7)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

func floorSec(t time.Time) int64 { return t.Unix() }

func ceilSec(t time.Time) int64 {
	if t.Nanosecond() > 0 {
		return t.Unix() + 1
	}
	return t.Unix()
}
