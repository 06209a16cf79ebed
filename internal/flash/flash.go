package flash

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/cohorts"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Fixed rules of a flash round.
const (
	SessionMin   = 30                  // every flash session is 30 minutes
	Horizon      = 14 * 24 * time.Hour // a pair's time is found within the next two weeks
	Notice       = 24 * time.Hour      // and not sooner than a day ahead, so both can answer
	AnswerWithin = 72 * time.Hour      // a proposal lapses 3 days after it is made…
	AnswerBefore = 2 * time.Hour       // …or 2 hours before its start, whichever is sooner
	Step         = 15 * time.Minute    // candidate starts are on a 15-minute grid (the lock slots are 5 minutes)
	MinWeeks     = 1
	MaxWeeks     = 12
	MaxDepts     = 50
)

// Config is an org's flash round: who may take part, how often, and when people meet.
type Config struct {
	// Departments that may join (trimmed, compared case-insensitively); empty: everyone.
	Departments []string
	EveryWeeks  int // 1..12
	// WindowStart and WindowEnd are minutes after local midnight in each person's own zone;
	// Weekdays are the ISO weekdays (1 = Monday … 7 = Sunday) a session may fall on.
	WindowStart, WindowEnd int
	Weekdays               []int
	// Anchor is when round 0 began (UTC); round k covers [Anchor + k·N weeks, +N weeks).
	Anchor  time.Time
	Enabled bool
}

// Defaults: 09:00-17:00 local, Monday to Friday.
const (
	DefaultWindowStart = 9 * 60
	DefaultWindowEnd   = 17 * 60
)

// DefaultWeekdays are Monday to Friday.
var DefaultWeekdays = []int{1, 2, 3, 4, 5}

// Normalize fills defaults and tidies the lists (sorted, deduplicated).
func (c *Config) Normalize() {
	if c.WindowStart == 0 && c.WindowEnd == 0 {
		c.WindowStart, c.WindowEnd = DefaultWindowStart, DefaultWindowEnd
	}
	if len(c.Weekdays) == 0 {
		c.Weekdays = slices.Clone(DefaultWeekdays)
	}
	slices.Sort(c.Weekdays)
	c.Weekdays = slices.Compact(c.Weekdays)
	var ds []string
	seen := map[string]bool{}
	for _, d := range c.Departments {
		d = strings.TrimSpace(d)
		if d == "" || seen[strings.ToLower(d)] {
			continue
		}
		seen[strings.ToLower(d)] = true
		ds = append(ds, d)
	}
	slices.SortFunc(ds, func(a, b string) int { return cmp.Compare(strings.ToLower(a), strings.ToLower(b)) })
	c.Departments = ds
}

// Validate lists every bad field (EInvalid).
func (c *Config) Validate() error {
	var v tandem.Validation
	v.Check(c.EveryWeeks >= MinWeeks && c.EveryWeeks <= MaxWeeks, "everyWeeks", "must be %d-%d", MinWeeks, MaxWeeks)
	v.Check(c.WindowStart >= 0 && c.WindowStart < 24*60 && c.WindowStart%15 == 0, "windowStart", "must be a quarter hour, 00:00-23:45")
	v.Check(c.WindowEnd > 0 && c.WindowEnd <= 24*60 && c.WindowEnd%15 == 0, "windowEnd", "must be a quarter hour, 00:15-24:00")
	v.Check(c.WindowEnd-c.WindowStart >= SessionMin, "windowEnd", "must be at least %d minutes after windowStart", SessionMin)
	for _, d := range c.Weekdays {
		if d < 1 || d > 7 {
			v.Add("weekdays", "must be ISO weekdays 1 (Monday) to 7 (Sunday)")
			break
		}
	}
	v.Check(len(c.Departments) <= MaxDepts, "departments", "at most %d", MaxDepts)
	for _, d := range c.Departments {
		if len(d) > 80 || strings.Contains(d, "#") {
			v.Add("departments", "each at most 80 characters, without '#'")
			break
		}
	}
	return v.Err()
}

// Eligible reports whether someone of department may join.
func (c *Config) Eligible(department string) bool {
	if len(c.Departments) == 0 {
		return true
	}
	d := strings.TrimSpace(department)
	for _, x := range c.Departments {
		if strings.EqualFold(x, d) {
			return true
		}
	}
	return false
}

// Round is the index of the round in progress at now and its start (before the anchor: round
// 0, which starts at the anchor; HR may run it early).
func (c *Config) Round(now time.Time) (int, time.Time) {
	period := time.Duration(max(c.EveryWeeks, 1)) * 7 * 24 * time.Hour
	if now.Before(c.Anchor) {
		return 0, c.Anchor
	}
	k := int(now.Sub(c.Anchor) / period)
	return k, c.Anchor.Add(time.Duration(k) * period)
}

// AnchorFor is the Monday 00:00 UTC of t's week: rounds start on it.
func AnchorFor(t time.Time) time.Time {
	t = t.UTC().Truncate(24 * time.Hour)
	wd := (int(t.Weekday()) + 6) % 7 // Monday = 0
	return t.AddDate(0, 0, -wd)
}

// Member is one person who opted in.
type Member struct {
	ID, Name, Email, Department, Timezone string
}

// Interval is a busy span [Start, End).
type Interval struct{ Start, End time.Time }

// Pair is two members proposed to meet; A < B by id.
type Pair struct{ A, B string }

// Plan is a round's pairing: the pairs, and who sat out (an odd one out).
type Plan struct {
	Pairs  []Pair
	SatOut []string
}

// MaxSpreadHours is the largest UTC-offset difference a pair may have for a config: two
// windows of length L in zones d hours apart overlap by L−d hours, and a 30-minute session
// needs half an hour of overlap (capped to cohorts' 26 h).
func (c *Config) MaxSpreadHours() float64 {
	l := float64(c.WindowEnd-c.WindowStart-SessionMin) / 60
	return math.Max(0.25, math.Min(l, 26))
}

// PairUp pairs the members with the cohort builder (cohorts.Build, Size 2), which prefers
// pairs from different departments who have not met and keeps pairs within the zone spread
// their windows allow. An odd count gives one cohort of three: its best pair (cross-department
// and new first, then by id) meets and the third sits out this round.
func PairUp(members []Member, c *Config, met func(a, b string) bool, at time.Time, seed uint64) (Plan, error) {
	if len(members) < 2 {
		return Plan{SatOut: ids(members)}, nil
	}
	cs, err := cohorts.Build(toCohortMembers(members), cohorts.Options{Size: 2, MaxSpreadHours: c.MaxSpreadHours(), At: at, Seed: seed, Met: met})
	if err != nil {
		return Plan{}, err
	}
	return planOf(cs, members, met), nil
}

// RandomPairs is the baseline PairUp is measured against: cohorts.Random with Size 2 (zones,
// departments and history ignored), trios cut the same way.
func RandomPairs(members []Member, met func(a, b string) bool, at time.Time, seed uint64) Plan {
	if len(members) < 2 {
		return Plan{SatOut: ids(members)}
	}
	cs := cohorts.Random(toCohortMembers(members), cohorts.Options{Size: 2, At: at, Seed: seed, Met: met})
	return planOf(cs, members, met)
}

// FirstCross counts the pairs that are both first-time (met is false both ways) and across
// departments (both known and different, case-insensitively).
func FirstCross(pairs []Pair, members []Member, met func(a, b string) bool) int {
	dept := map[string]string{}
	for _, m := range members {
		dept[m.ID] = strings.ToLower(strings.TrimSpace(m.Department))
	}
	n := 0
	for _, p := range pairs {
		if score(p.A, p.B, dept, met) == 2 {
			n++
		}
	}
	return n
}

// score is 1 for a new pair plus 1 for a cross-department one.
func score(a, b string, dept map[string]string, met func(a, b string) bool) int {
	s := 0
	if met == nil || (!met(a, b) && !met(b, a)) {
		s++
	}
	if da, db := dept[a], dept[b]; da != "" && db != "" && da != db {
		s++
	}
	return s
}

func planOf(cs []cohorts.Cohort, members []Member, met func(a, b string) bool) Plan {
	dept := map[string]string{}
	for _, m := range members {
		dept[m.ID] = strings.ToLower(strings.TrimSpace(m.Department))
	}
	var p Plan
	for _, c := range cs {
		ms := slices.Clone(c.Members)
		slices.Sort(ms)
		switch len(ms) {
		case 2:
			p.Pairs = append(p.Pairs, Pair{ms[0], ms[1]})
		case 3:
			best, out := Pair{ms[0], ms[1]}, ms[2]
			for _, alt := range []struct {
				p   Pair
				out string
			}{{Pair{ms[0], ms[2]}, ms[1]}, {Pair{ms[1], ms[2]}, ms[0]}} {
				if score(alt.p.A, alt.p.B, dept, met) > score(best.A, best.B, dept, met) {
					best, out = alt.p, alt.out
				}
			}
			p.Pairs = append(p.Pairs, best)
			p.SatOut = append(p.SatOut, out)
		default: // cohorts of Size 2 are 2 or 3; anything else sits out whole
			p.SatOut = append(p.SatOut, ms...)
		}
	}
	slices.SortFunc(p.Pairs, func(x, y Pair) int { return cmp.Or(cmp.Compare(x.A, y.A), cmp.Compare(x.B, y.B)) })
	slices.Sort(p.SatOut)
	return p
}

func toCohortMembers(ms []Member) []cohorts.Member {
	out := make([]cohorts.Member, len(ms))
	for i, m := range ms {
		out[i] = cohorts.Member{ID: m.ID, Department: m.Department, Timezone: m.Timezone}
	}
	return out
}

func ids(ms []Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

// Window is the working window in a person's own zone.
type Window struct {
	Start, End int // minutes after local midnight
	Weekdays   []int
}

// WindowOf is the config's window.
func (c *Config) WindowOf() Window { return Window{c.WindowStart, c.WindowEnd, c.Weekdays} }

// Inside reports whether [start, start+d) lies within w on one local day in loc: the local
// weekday allowed, the local start at or after w.Start and the local end at or before w.End.
// Local clock times come from the zone's rules at those instants, so DST is honoured.
func (w Window) Inside(start time.Time, d time.Duration, loc *time.Location) bool {
	ls, le := start.In(loc), start.Add(d).In(loc)
	wd := int(ls.Weekday())
	if wd == 0 {
		wd = 7
	}
	if !slices.Contains(w.Weekdays, wd) {
		return false
	}
	sm := ls.Hour()*60 + ls.Minute()
	em := le.Hour()*60 + le.Minute()
	if le.Day() != ls.Day() {
		em += 24 * 60 // ends on the next local day (only 24:00 can still be inside)
	}
	// The wall-clock length must equal the real one: a span across a DST change (a skipped
	// or repeated hour) is never proposed.
	return sm >= w.Start && em <= w.End && time.Duration(em-sm)*time.Minute == d
}

// Person is one side of a pair for the time search.
type Person struct {
	ID   string
	Zone *time.Location
	Busy []Interval
}

// Free reports whether [start, end) overlaps none of busy.
func Free(busy []Interval, start, end time.Time) bool {
	for _, b := range busy {
		if b.Start.Before(end) && start.Before(b.End) {
			return false
		}
	}
	return true
}

// FindStart is the earliest start on the 15-minute UTC grid in [from, to) at which a
// SessionMin session lies inside both people's windows (each in their own zone) and overlaps
// neither's busy time. ok is false when there is none.
func FindStart(a, b Person, w Window, from, to time.Time) (time.Time, bool) {
	d := SessionMin * time.Minute
	t := from.UTC().Truncate(Step)
	if t.Before(from) {
		t = t.Add(Step)
	}
	for ; !t.Add(d).After(to); t = t.Add(Step) {
		if w.Inside(t, d, a.Zone) && w.Inside(t, d, b.Zone) && Free(a.Busy, t, t.Add(d)) && Free(b.Busy, t, t.Add(d)) {
			return t, true
		}
	}
	return time.Time{}, false
}

// Deadline is when a proposal made at now for start lapses unanswered.
func Deadline(now, start time.Time) time.Time {
	d := now.Add(AnswerWithin)
	if s := start.Add(-AnswerBefore); s.Before(d) {
		d = s
	}
	return d.UTC().Truncate(time.Second)
}

// Seed derives a round's seed from the org and the round, so a round is reproducible.
func Seed(org string, round int) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range []byte(org) {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return h ^ uint64(round)*0x9e3779b97f4a7c15
}
