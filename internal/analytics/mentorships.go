package analytics

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Mentorship figures (HR, GET /v1/reports/mentorships). The stream consumer keeps, per org
// and per learner department, additive counters over the org's mentorships as they are now
// (not per month: a mentorship spans months, and HR asks how the programme stands):
//
//	proposed, active, paused, closed   mentorships by status
//	stalled                            active ones whose stored health is "stalled"
//	pairs                              mentorships that became active (activatedAt set)
//	crossDeptPairs                     of those, learner department ≠ expert department
//	heldSessions                       completed sessions of those pairs' series
//	held1 … held9, held10              pairs with exactly n completed sessions (10: 10 or more);
//	                                   pairs with none = pairs − the sum
//	firstSessionPairs, ttfDaysSum      pairs with a completed session, and the sum of their
//	ttf0 … ttf5                        days from activation to the first one, bucketed
//	                                   (TTFBuckets: 0-7, 8-14, 15-21, 22-30, 31-60, 61+ days)
//	progressPairs, goalsRated,         pairs with at least two check-ins; goals rated in both
//	goalDeltaSum, goalM4 … goalP4      the learner's first and last; the change last − first
//	                                   per goal, −4 … +4
//
// Figures (MentorshipFiguresOf):
//
//	sessionsPerPair.mean   = heldSessions ÷ pairs; median from the exact counts 0 … 9, "10+"
//	timeToFirstSession     = ttfDaysSum ÷ firstSessionPairs (mean days) and the buckets
//	goalProgress           = goalDeltaSum ÷ goalsRated (mean change) and the −4 … +4 counts
//	crossDepartmentShare   = crossDeptPairs ÷ pairs
//
// Privacy: a figure covering fewer than minGroup pairs (3) is null and named in Withheld.
// The org's status counts are always shown (today's report shows them); a department row
// with fewer than minGroup mentorships shows no counts either.

// Mentorship counter names (attributes of the aggregate items; never rename one).
const (
	MProposed       = "proposed"
	MActive         = "active"
	MPaused         = "paused"
	MClosed         = "closed"
	MStalled        = "stalled"
	MPairs          = "pairs"
	MCrossDeptPairs = "crossDeptPairs"
	MHeldSessions   = "heldSessions"
	MFirstPairs     = "firstSessionPairs"
	MTTFDaysSum     = "ttfDaysSum"
	MProgressPairs  = "progressPairs"
	MGoalsRated     = "goalsRated"
	MGoalDeltaSum   = "goalDeltaSum"
)

// MaxHeldBucket is the last sessions-per-pair bucket ("10 or more").
const MaxHeldBucket = 10

// HeldField is the counter of pairs with exactly n (≥ 1) completed sessions; the last
// bucket holds MaxHeldBucket or more.
func HeldField(n int64) string {
	return "held" + strconv.FormatInt(min(n, MaxHeldBucket), 10)
}

// TTFBuckets are the time-to-first-session buckets, in days (inclusive upper bounds; the
// last is open).
var TTFBuckets = []struct {
	Label string
	Upto  int64
}{{"0-7 days", 7}, {"8-14 days", 14}, {"15-21 days", 21}, {"22-30 days", 30}, {"31-60 days", 60}, {"61+ days", math.MaxInt64}}

// TTFDays is the whole days from activation to the first session held (never negative).
func TTFDays(activated, first time.Time) int64 {
	d := int64(first.Sub(activated) / (24 * time.Hour))
	return max(d, 0)
}

// TTFField is the counter of the bucket of days.
func TTFField(days int64) string {
	for i, b := range TTFBuckets {
		if days <= b.Upto {
			return "ttf" + strconv.Itoa(i)
		}
	}
	return "ttf" + strconv.Itoa(len(TTFBuckets)-1)
}

// GoalField is the counter of goals whose rating changed by delta (−4 … +4).
func GoalField(delta int) string {
	if delta < 0 {
		return "goalM" + strconv.Itoa(-delta)
	}
	return "goalP" + strconv.Itoa(delta)
}

// GoalDeltas are the changes, per goal, from the first to the last check-in (only goals
// rated 1-5 in both). Nil when first and last are the same check-in.
func GoalDeltas(first, last []int) []int {
	var out []int
	for i := 0; i < len(first) && i < len(last); i++ {
		if first[i] >= 1 && first[i] <= 5 && last[i] >= 1 && last[i] <= 5 {
			out = append(out, last[i]-first[i])
		}
	}
	return out
}

// MentorshipStatusCounts are mentorships by status (a department's are null under minGroup).
type MentorshipStatusCounts struct {
	Proposed int64 `json:"proposed"`
	Active   int64 `json:"active"`
	Paused   int64 `json:"paused"`
	Stalled  int64 `json:"stalled"`
	Closed   int64 `json:"closed"`
}

// Bucket is one bar of a distribution.
type Bucket struct {
	Label string `json:"label"`
	Count int64  `json:"count"`
}

// SessionsPerPair is the distribution of completed sessions over the pairs.
type SessionsPerPair struct {
	Pairs        int64    `json:"pairs"`
	Mean         float64  `json:"mean"`
	Median       string   `json:"median"` // "0" … "9", or "10+"
	Distribution []Bucket `json:"distribution"`
}

// TimeToFirstSession is the distribution of days from activation to the first session held.
type TimeToFirstSession struct {
	Pairs        int64    `json:"pairs"`
	MeanDays     float64  `json:"meanDays"`
	Distribution []Bucket `json:"distribution"`
}

// GoalProgress is the distribution of the change of each goal's rating, first to last check-in.
type GoalProgress struct {
	Pairs        int64    `json:"pairs"`
	Goals        int64    `json:"goals"`
	MeanChange   float64  `json:"meanChange"`
	Distribution []Bucket `json:"distribution"` // labels "-4" … "+4"; Count is goals
}

// MentorshipFigures are one group's figures; a figure under the privacy floor is null.
type MentorshipFigures struct {
	Group                Group                   `json:"group"`
	Mentorships          int64                   `json:"mentorships"`
	Counts               *MentorshipStatusCounts `json:"counts"`
	Pairs                int64                   `json:"pairs"`
	SessionsPerPair      *SessionsPerPair        `json:"sessionsPerPair"`
	TimeToFirstSession   *TimeToFirstSession     `json:"timeToFirstSession"`
	GoalProgress         *GoalProgress           `json:"goalProgress"`
	CrossDepartmentShare *float64                `json:"crossDepartmentShare"`
	Withheld             []string                `json:"withheld"` // figures null because they cover fewer than minGroup pairs
}

// MentorshipFiguresOf turns one group's counters into figures, with the privacy floor.
func MentorshipFiguresOf(g Group, c map[string]int64, minGroup int64) MentorshipFigures {
	f := MentorshipFigures{Group: g, Pairs: c[MPairs], Withheld: []string{},
		Mentorships: c[MProposed] + c[MActive] + c[MPaused] + c[MClosed]}
	if g.Kind == "org" || f.Mentorships >= minGroup {
		f.Counts = &MentorshipStatusCounts{Proposed: c[MProposed], Active: c[MActive], Paused: c[MPaused], Stalled: c[MStalled], Closed: c[MClosed]}
	} else if f.Mentorships > 0 {
		f.Withheld = append(f.Withheld, "counts")
	}
	pairs := c[MPairs]
	withhold := func(name string, n int64) bool {
		if n >= minGroup {
			return false
		}
		if n > 0 {
			f.Withheld = append(f.Withheld, name)
		}
		return true
	}
	if !withhold("sessionsPerPair", pairs) {
		s := &SessionsPerPair{Pairs: pairs, Mean: round(float64(c[MHeldSessions])/float64(pairs), 2)}
		counts := make([]int64, MaxHeldBucket+1)
		var some int64
		for n := int64(1); n <= MaxHeldBucket; n++ {
			counts[n] = c[HeldField(n)]
			some += counts[n]
		}
		counts[0] = pairs - some
		var seen int64
		for n, k := range counts {
			label := strconv.Itoa(n)
			if n == MaxHeldBucket {
				label += "+"
			}
			s.Distribution = append(s.Distribution, Bucket{Label: label, Count: k})
			if s.Median == "" && (seen+k)*2 > pairs {
				s.Median = label
			}
			seen += k
		}
		f.SessionsPerPair = s
	}
	if n := c[MFirstPairs]; !withhold("timeToFirstSession", n) {
		t := &TimeToFirstSession{Pairs: n, MeanDays: round(float64(c[MTTFDaysSum])/float64(n), 1)}
		for i, b := range TTFBuckets {
			t.Distribution = append(t.Distribution, Bucket{Label: b.Label, Count: c["ttf"+strconv.Itoa(i)]})
		}
		f.TimeToFirstSession = t
	}
	if n := c[MProgressPairs]; !withhold("goalProgress", n) {
		p := &GoalProgress{Pairs: n, Goals: c[MGoalsRated]}
		if p.Goals > 0 {
			p.MeanChange = round(float64(c[MGoalDeltaSum])/float64(p.Goals), 2)
		}
		for d := -4; d <= 4; d++ {
			label := strconv.Itoa(d)
			if d > 0 {
				label = "+" + label
			}
			p.Distribution = append(p.Distribution, Bucket{Label: label, Count: c[GoalField(d)]})
		}
		f.GoalProgress = p
	}
	if !withhold("crossDepartmentShare", pairs) {
		v := round(float64(c[MCrossDeptPairs])/float64(pairs), 4)
		f.CrossDepartmentShare = &v
	}
	return f
}

// MentorshipGroupKey names a group's counters in maps keyed like the aggregates:
// "org|" or "department|<name>".
func MentorshipGroupKey(g Group) string { return g.Kind + "|" + g.Key }

// MentorshipFiguresAll is the org's figures and each department's (sorted by name).
func MentorshipFiguresAll(org string, byGroup map[string]map[string]int64, minGroup int64) (MentorshipFigures, []MentorshipFigures) {
	orgFig := MentorshipFiguresOf(Group{Kind: "org", Name: org}, byGroup["org|"], minGroup)
	var depts []MentorshipFigures
	for k, c := range byGroup {
		if len(k) > len("department|") && k[:len("department|")] == "department|" {
			d := k[len("department|"):]
			depts = append(depts, MentorshipFiguresOf(Group{Kind: "department", Key: d, Name: d}, c, minGroup))
		}
	}
	sort.Slice(depts, func(i, j int) bool { return depts[i].Group.Key < depts[j].Group.Key })
	return orgFig, depts
}

// MentorshipDept is the department group key of a learner ("Unknown" when none).
func MentorshipDept(d string) string {
	if d == "" {
		return "Unknown"
	}
	return d
}

// RecountMentorships computes every mentorship counter from the raw items as they are:
// the mentorships, the bookings of their occurrences (by id) and each mentorship's
// check-ins. The stream consumer must arrive at exactly these (the recount tests).
func RecountMentorships(ms []*tandem.Mentorship, bookings map[string]*tandem.Booking, checkIns map[string][]*tandem.CheckIn) map[string]map[string]int64 {
	out := map[string]map[string]int64{}
	add := func(dept, field string, n int64) {
		if n == 0 {
			return
		}
		for _, k := range []string{"org|", "department|" + MentorshipDept(dept)} {
			if out[k] == nil {
				out[k] = map[string]int64{}
			}
			out[k][field] += n
		}
	}
	for _, m := range ms {
		d := m.Learner.Department
		switch m.Status {
		case tandem.MentorshipProposed:
			add(d, MProposed, 1)
		case tandem.MentorshipActive:
			add(d, MActive, 1)
			if m.Health == "stalled" {
				add(d, MStalled, 1)
			}
		case tandem.MentorshipPaused:
			add(d, MPaused, 1)
		case tandem.MentorshipClosed:
			add(d, MClosed, 1)
		}
		if !m.ActivatedAt.IsZero() {
			add(d, MPairs, 1)
			if MentorshipDept(m.Learner.Department) != MentorshipDept(m.Expert.Department) {
				add(d, MCrossDeptPairs, 1)
			}
			var held int64
			var first time.Time
			seen := map[string]bool{}
			for _, o := range m.Occurrences {
				b := bookings[o.BookingID]
				if o.BookingID == "" || seen[o.BookingID] || b == nil || b.Status != tandem.StatusCompleted {
					continue
				}
				seen[o.BookingID] = true
				held++
				if first.IsZero() || b.Start.Before(first) {
					first = b.Start
				}
			}
			add(d, MHeldSessions, held)
			if held > 0 {
				add(d, HeldField(held), 1)
				days := TTFDays(m.ActivatedAt, first)
				add(d, MFirstPairs, 1)
				add(d, MTTFDaysSum, days)
				add(d, TTFField(days), 1)
			}
		}
		cs := append([]*tandem.CheckIn{}, checkIns[m.ID]...)
		if len(cs) >= 2 {
			sort.Slice(cs, func(i, j int) bool { return cs[i].Before(cs[j]) })
			add(d, MProgressPairs, 1)
			for _, delta := range GoalDeltas(cs[0].Ratings, cs[len(cs)-1].Ratings) {
				add(d, MGoalsRated, 1)
				add(d, MGoalDeltaSum, int64(delta))
				add(d, GoalField(delta), 1)
			}
		}
	}
	return out
}

// WriteMentorshipCSV writes the org's and each department's mentorship figures as CSV, one
// row per group, with the same rules as WriteCSV: RFC 4180, CRLF, a null figure (withheld
// under the privacy floor, or no data) is an empty cell, text cells are defused against
// formula injection (spreadsheetSafe).
func WriteMentorshipCSV(w io.Writer, org MentorshipFigures, depts []MentorshipFigures) error {
	header := []string{"kind", "key", "name", "mentorships", "proposed", "active", "paused", "stalled", "closed", "pairs",
		"sessionsPerPairMean", "sessionsPerPairMedian"}
	for n := 0; n <= MaxHeldBucket; n++ {
		header = append(header, "pairsWith"+strconv.Itoa(n)+map[bool]string{true: "+", false: ""}[n == MaxHeldBucket]+"Sessions")
	}
	header = append(header, "timeToFirstSessionPairs", "timeToFirstSessionMeanDays")
	for _, b := range TTFBuckets {
		header = append(header, "firstSession "+b.Label)
	}
	header = append(header, "goalProgressPairs", "goalsRated", "goalMeanChange")
	for d := -4; d <= 4; d++ {
		header = append(header, fmt.Sprintf("goalChange%+d", d))
	}
	header = append(header, "crossDepartmentShare", "withheld")
	var rows [][]string
	for _, f := range append([]MentorshipFigures{org}, depts...) {
		i := func(n int64) string { return strconv.FormatInt(n, 10) }
		fl := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
		row := []string{f.Group.Kind, f.Group.Key, f.Group.Name, i(f.Mentorships)}
		if c := f.Counts; c != nil {
			row = append(row, i(c.Proposed), i(c.Active), i(c.Paused), i(c.Stalled), i(c.Closed))
		} else {
			row = append(row, "", "", "", "", "")
		}
		row = append(row, i(f.Pairs))
		if s := f.SessionsPerPair; s != nil {
			row = append(row, fl(s.Mean), s.Median)
			for _, b := range s.Distribution {
				row = append(row, i(b.Count))
			}
		} else {
			row = append(row, make([]string, 2+MaxHeldBucket+1)...)
		}
		if t := f.TimeToFirstSession; t != nil {
			row = append(row, i(t.Pairs), fl(t.MeanDays))
			for _, b := range t.Distribution {
				row = append(row, i(b.Count))
			}
		} else {
			row = append(row, make([]string, 2+len(TTFBuckets))...)
		}
		if g := f.GoalProgress; g != nil {
			row = append(row, i(g.Pairs), i(g.Goals), fl(g.MeanChange))
			for _, b := range g.Distribution {
				row = append(row, i(b.Count))
			}
		} else {
			row = append(row, make([]string, 3+9)...)
		}
		if f.CrossDepartmentShare != nil {
			row = append(row, fl(*f.CrossDepartmentShare))
		} else {
			row = append(row, "")
		}
		row = append(row, strings.Join(f.Withheld, ";"))
		rows = append(rows, row)
	}
	last := len(header) - 1
	return writeTable(w, header, rows, func(col int) bool { return col <= 2 || col == last })
}
