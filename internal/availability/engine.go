package availability

import (
	"slices"
	"sort"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Range limits. The HTTP layer caps slot listings lower (62 days); these only keep a bad call
// from doing unbounded work.
const (
	MaxSlotsRange = 100 * 24 * time.Hour
	MaxOpenRange  = 3 * 366 * 24 * time.Hour
)

// Slots returns the bookable slots whose Start lies in [from, to), sorted by start, without
// duplicates, in the presentation zone out (nil means UTC). It never returns nil slots with a
// nil error. Errors are EInvalid: an invalid schedule or rules, to before from, a range longer
// than MaxSlotsRange, or instants outside 1970–2199.
func Slots(s Schedule, r Rules, busy []Busy, from, to, now time.Time, out *time.Location) ([]Slot, error) {
	p, err := prepare(&s, r)
	if err != nil {
		return nil, err
	}
	if err := checkRange(from, to, MaxSlotsRange); err != nil {
		return nil, err
	}
	if out == nil {
		out = time.UTC
	}
	lo, hi := ceilSec(from), ceilSec(to) // c in [from, to) ⇔ lo <= c < hi for whole seconds c
	e := newEngine(p, r, busy, now, lo, hi)
	lo = max(lo, e.earliest)
	slots := make([]Slot, 0, 64)
	for _, rn := range e.runs {
		if rn.end <= lo {
			continue
		}
		if rn.start >= hi {
			break
		}
		c := rn.start
		if c < lo {
			c += (lo - c + e.inc - 1) / e.inc * e.inc
		}
		for ; c < rn.end && c < hi; c += e.inc {
			if e.eval(c, rn.compEnd) == reasonNone {
				slots = append(slots, Slot{Start: time.Unix(c, 0).In(out), End: time.Unix(c+e.dur, 0).In(out)})
			}
		}
	}
	return slots, nil
}

// Check reports whether a session starting at start can be booked now, by exactly the rules
// of Slots: Check(x) is nil iff Slots over any range containing x offers x. Otherwise it returns
// a *tandem.Error with a client-safe message and Detail["reason"] set to one of the Reason
// constants: EInvalid (unavailable, off_grid, too_soon, too_far, time_off), EConflict (busy) or
// ELimitExceeded (day_limit, week_limit). An invalid schedule or rules is EInvalid too.
func Check(s Schedule, r Rules, busy []Busy, start, now time.Time) error {
	p, err := prepare(&s, r)
	if err != nil {
		return err
	}
	if start.Before(minInstant) || !start.Before(maxInstant) {
		return reasonError(ReasonUnavailable, r)
	}
	su := start.Unix()
	e := newEngine(p, r, busy, now, su, su+1)
	i := sort.Search(len(e.runs), func(i int) bool { return e.runs[i].end > su })
	if i == len(e.runs) || e.runs[i].start > su {
		return reasonError(ReasonUnavailable, r)
	}
	rn := e.runs[i]
	if start.Nanosecond() != 0 || (su-rn.start)%e.inc != 0 {
		return reasonError(ReasonOffGrid, r)
	}
	return reasonError(e.eval(su, rn.compEnd), r)
}

// Open returns the offered time in [from, to): the merged weekly hours and overrides minus
// time off, as sorted, disjoint, non-touching UTC intervals clipped to the range. HR reports
// sum it as "offered hours". Errors are EInvalid, as for Slots, with MaxOpenRange.
func Open(s Schedule, from, to time.Time) ([]Slot, error) {
	p, err := compile(&s)
	if err != nil {
		return nil, err
	}
	if err := checkRange(from, to, MaxOpenRange); err != nil {
		return nil, err
	}
	w := p.window(civilDay(from, p.loc)-1, civilDay(to, p.loc)+1)
	open := make([]Slot, 0, len(w.comps))
	for _, iv := range p.timeOff.subtract(w.comps) {
		a, b := time.Unix(iv.start, 0).UTC(), time.Unix(iv.end, 0).UTC()
		if a.Before(from) {
			a = from.UTC()
		}
		if b.After(to) {
			b = to.UTC()
		}
		if a.Before(b) {
			open = append(open, Slot{Start: a, End: b})
		}
	}
	return open, nil
}

func prepare(s *Schedule, r Rules) (*plan, error) {
	p, err := compile(s)
	if err != nil {
		return nil, err
	}
	if err := r.validate(); err != nil {
		return nil, err
	}
	return p, nil
}

func checkRange(from, to time.Time, limit time.Duration) error {
	switch {
	case to.Before(from):
		return tandem.Errorf(tandem.EInvalid, "The range must not end before it starts.")
	case to.Sub(from) > limit:
		return tandem.Errorf(tandem.EInvalid, "The range must be at most %d days long.", limit/(24*time.Hour))
	case from.Before(minInstant) || to.After(maxInstant):
		return tandem.Errorf(tandem.EInvalid, "The range must lie between 1970 and 2199.")
	}
	return nil
}

// window is the merged availability of the civil days [first, last] in the expert's zone.
type window struct {
	z           *zone
	first, last int64
	comps       []interval // sorted, disjoint, non-touching
}

func (p *plan) window(first, last int64) *window {
	const margin = 27 * 60 * 60 // beyond any UTC offset
	z := newZone(p.loc, first*secondsPerDay-margin, (last+1)*secondsPerDay+margin)
	var pieces []interval
	for d := first; d <= last; d++ {
		ranges, ok := p.overrides[d]
		if !ok {
			ranges = p.weekly[weekday(d)]
		}
		for _, r := range ranges {
			pieces = z.appendWall(pieces, d, r.start, r.end)
		}
	}
	return &window{z: z, first: first, last: last, comps: merge(pieces)}
}

// run is a stretch of one merged interval with one grid: starts are start + k·increment,
// below end; the session must end by compEnd, the end of the merged interval.
type run struct{ start, end, compEnd int64 }

// runs splits the merged intervals at their grid anchors: each interval's start, and every
// local midnight whose whole previous local day was available (see the package doc). The
// window's first day only serves as the "previous day" of the second, so candidates from the
// second day on get the anchors a window of any other extent would give them.
func (w *window) runs() []run {
	var extra []int64
	prev := w.z.dayStart(w.first)
	for d := w.first + 1; d <= w.last; d++ {
		ds := w.z.dayStart(d)
		i := sort.Search(len(w.comps), func(i int) bool { return w.comps[i].end > prev })
		if i < len(w.comps) && w.comps[i].start <= prev && w.comps[i].end > ds {
			extra = append(extra, ds)
		}
		prev = ds
	}
	runs := make([]run, 0, len(w.comps)+len(extra))
	j := 0
	for _, c := range w.comps {
		a := c.start
		for j < len(extra) && extra[j] <= c.start {
			j++
		}
		for ; j < len(extra) && extra[j] < c.end; j++ {
			runs = append(runs, run{a, extra[j], c.end})
			a = extra[j]
		}
		runs = append(runs, run{a, c.end, c.end})
	}
	return runs
}

// engine evaluates candidate starts (Unix seconds on the grid) against all rules.
type engine struct {
	p                *plan
	r                Rules
	z                *zone
	runs             []run
	inc, dur, bb, ba int64 // seconds
	cell             int64 // lock cell in seconds; 0 = exact spans
	earliest         int64 // first start allowed by the minimum notice
	lastDay          int64 // last local date allowed by the horizon
	busy             intervalSet
	counted          []int64 // sorted local days of the busy intervals that count
}

// newEngine prepares the evaluation of candidates in [lo, hi).
func newEngine(p *plan, r Rules, busy []Busy, now time.Time, lo, hi int64) *engine {
	durDays := int64(r.DurationMin/1440 + 1)
	w := p.window(civilDay(time.Unix(lo, 0), p.loc)-2, civilDay(time.Unix(hi, 0), p.loc)+durDays+1)
	e := &engine{
		p: p, r: r, z: w.z, runs: w.runs(),
		inc:      int64(r.IncrementMin) * 60,
		dur:      int64(r.DurationMin) * 60,
		bb:       int64(r.BufferBeforeMin) * 60,
		ba:       int64(r.BufferAfterMin) * 60,
		cell:     int64(r.LockCellMin) * 60,
		earliest: ceilSec(now.Add(time.Duration(r.MinNoticeMin) * time.Minute)),
		lastDay:  civilDay(now, p.loc) + int64(r.HorizonDays),
	}
	blocks := make([]interval, 0, len(busy))
	limited := r.MaxPerDay > 0 || r.MaxPerWeek > 0
	if limited {
		e.counted = make([]int64, 0, len(busy))
	}
	for _, b := range busy {
		if !b.Free {
			lo, hi := e.cells(floorSec(b.Start.Add(-max(b.BufferBefore, 0))), ceilSec(b.End.Add(max(b.BufferAfter, 0))))
			blocks = append(blocks, interval{lo, hi})
		}
		if b.Counts && limited {
			e.counted = append(e.counted, e.z.localDay(floorSec(b.Start)))
		}
	}
	e.busy = newIntervalSet(blocks)
	slices.Sort(e.counted)
	return e
}

// cells widens [lo, hi) to whole lock cells (unchanged when no cell size is set).
func (e *engine) cells(lo, hi int64) (int64, int64) {
	if e.cell <= 0 {
		return lo, hi
	}
	lo -= ((lo % e.cell) + e.cell) % e.cell
	if r := ((hi % e.cell) + e.cell) % e.cell; r != 0 {
		hi += e.cell - r
	}
	return lo, hi
}

// countDays returns how many counted busy intervals start on the local days [from, to).
func (e *engine) countDays(from, to int64) int {
	i, _ := slices.BinarySearch(e.counted, from)
	j, _ := slices.BinarySearch(e.counted, to)
	return j - i
}

// eval returns why the grid start c (in a merged interval ending at compEnd) is not bookable,
// or reasonNone. The order decides which reason Check reports when several apply.
func (e *engine) eval(c, compEnd int64) string {
	end := c + e.dur
	if end > compEnd {
		return ReasonUnavailable
	}
	if c < e.earliest {
		return ReasonTooSoon
	}
	day := e.z.localDay(c)
	if day > e.lastDay {
		return ReasonTooFar
	}
	if e.p.timeOff.overlaps(c, end) {
		return ReasonTimeOff
	}
	if lo, hi := e.cells(c-e.bb, end+e.ba); e.busy.overlaps(lo, hi) {
		return ReasonBusy
	}
	if e.r.MaxPerDay > 0 && e.countDays(day, day+1) >= e.r.MaxPerDay {
		return ReasonDayLimit
	}
	if monday := weekStart(day); e.r.MaxPerWeek > 0 && e.countDays(monday, monday+7) >= e.r.MaxPerWeek {
		return ReasonWeekLimit
	}
	return reasonNone
}
