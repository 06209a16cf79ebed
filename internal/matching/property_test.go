package matching

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tandemhq/tandem/internal/tandem"
)

// propZones mix whole, half- and quarter-hour offsets, both hemispheres' DST, the date line,
// and names that do not load.
var propZones = []string{
	"UTC", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Adelaide", "America/St_Johns", "Pacific/Chatham",
	"America/New_York", "Europe/Berlin", "Pacific/Kiritimati", "Pacific/Pago_Pago", "", "Mars/Olympus",
}

var propTopics = []string{"go", "sql", "rust", "kubernetes", "design", "Public Speaking", "SALES"}

func pick[T any](rng *rand.Rand, xs ...T) T { return xs[rng.IntN(len(xs))] }

func some[T any](rng *rand.Rand, max int, xs ...T) []T {
	n := rng.IntN(max + 1)
	out := make([]T, n)
	for i := range out {
		out[i] = pick(rng, xs...)
	}
	return out
}

func randWeight(rng *rand.Rand) float64 {
	switch rng.IntN(6) {
	case 0:
		return 0
	case 1:
		return 1
	}
	return rng.Float64()
}

func randCase(rng *rand.Rand) (Request, []Candidate, Weights, time.Time) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := base.Add(time.Duration(rng.Int64N(int64(3 * 365 * 24 * time.Hour))))
	req := Request{
		LearnerID:         "e000",
		Topics:            some(rng, 4, propTopics...),
		Language:          pick(rng, "", "pt", "en", "pt-BR", "de"),
		LearnerTimezone:   pick(rng, propZones...),
		LearnerDepartment: pick(rng, "", "Sales", "Legal", "sales "),
		DurationMin:       pick(rng, 0, 30, 60, 90, 240),
		Urgency:           pick(rng, "", UrgencyLow, UrgencyNormal, UrgencyHigh),
	}
	for range rng.IntN(6) {
		start := rng.IntN(26) - 1
		req.PreferredTimes = append(req.PreferredTimes, TimeWindow{Weekday: time.Weekday(rng.IntN(8)), StartHour: start, EndHour: start + rng.IntN(10)})
	}
	w := Weights{randWeight(rng), randWeight(rng), randWeight(rng), randWeight(rng), randWeight(rng), randWeight(rng), randWeight(rng)}
	if rng.IntN(20) == 0 {
		w.Rating = -1 // invalid: Rank uses the defaults
	}
	cands := make([]Candidate, rng.IntN(40))
	for i := range cands {
		c := Candidate{
			ExpertID:         fmt.Sprintf("e%03d", i),
			Topics:           some(rng, 4, propTopics...),
			Languages:        some(rng, 3, "pt-BR", "pt", "en", "de-CH", "es"),
			Timezone:         pick(rng, propZones...),
			Department:       pick(rng, "", "Sales", "Legal", "HR"),
			Rating:           tandem.RatingSummary{Count: rng.IntN(200) - 5, Average: pick(rng, 1+4*rng.Float64(), 0, 6, math.NaN())},
			UpcomingSessions: rng.IntN(30) - 1,
			MetBefore:        rng.IntN(2) == 0,
		}
		for range rng.IntN(60) {
			d := time.Duration(rng.IntN(18*24*4)-2*24*4) * 15 * time.Minute
			if rng.IntN(10) == 0 {
				d += time.Duration(rng.IntN(900)) * time.Second
			}
			c.FreeSlots = append(c.FreeSlots, now.Truncate(15*time.Minute).Add(d)) // on the hour grid mostly
		}
		cands[i] = c
	}
	return req, cands, w, now
}

// units returns x in ten-thousandths, failing unless x is a multiple of 0.0001.
func units(t *testing.T, what string, x float64) int64 {
	t.Helper()
	u := math.Round(x * 1e4)
	if math.Abs(x*1e4-u) > 1e-6 || float64(u)/1e4 != x {
		t.Errorf("%s = %v is not a multiple of 0.0001", what, x)
	}
	return int64(u)
}

// TestRankProperties checks on random requests, candidates and weights that every Score is
// exactly the sum of its Points, every Value is in [0,1], the order is the documented one,
// the right candidates are present, and the input order does not matter.
func TestRankProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(2027, 3))
	for i := range 400 {
		req, cands, w, now := randCase(rng)
		got := Rank(req, cands, w, now)
		ctx := func() string { return fmt.Sprintf("case %d: now %v\nrequest %+v\nweights %+v", i, now, req, w) }

		byID := map[string]Candidate{}
		for _, c := range cands {
			byID[c.ExpertID] = c
		}
		var wantIDs []string
		for _, c := range cands {
			if c.ExpertID != req.LearnerID && (len(normalised(req.Topics)) == 0 || overlaps(req.Topics, c.Topics)) {
				wantIDs = append(wantIDs, c.ExpertID)
			}
		}
		if gotIDs := slices.Sorted(slices.Values(ids(got))); !slices.Equal(wantIDs, gotIDs) { // ids are generated in order
			t.Fatalf("%s\nexperts %v, want %v", ctx(), gotIDs, wantIDs)
		}

		for j, m := range got {
			if len(m.Signals) != numSignals {
				t.Fatalf("%s\n%s has %d signals, want %d", ctx(), m.ExpertID, len(m.Signals), numSignals)
			}
			var sum int64
			for k, s := range m.Signals {
				if s.Name != signalNames[k] {
					t.Errorf("%s\n%s signal %d is %q, want %q", ctx(), m.ExpertID, k, s.Name, signalNames[k])
				}
				if !(s.Value >= 0 && s.Value <= 1) || !(s.Weight >= 0 && s.Weight <= 1) {
					t.Errorf("%s\n%s %s: value %v weight %v outside [0,1]", ctx(), m.ExpertID, s.Name, s.Value, s.Weight)
				}
				units(t, "value", s.Value)
				units(t, "weight", s.Weight)
				if want := math.Round(s.Value*s.Weight*1e4) / 1e4; s.Points != want {
					t.Errorf("%s\n%s %s: points %v, want round4(%v × %v) = %v", ctx(), m.ExpertID, s.Name, s.Points, s.Value, s.Weight, want)
				}
				if s.Reason == "" {
					t.Errorf("%s\n%s %s: empty reason", ctx(), m.ExpertID, s.Name)
				}
				sum += units(t, "points", s.Points)
			}
			if score := units(t, "score", m.Score); score != sum {
				t.Errorf("%s\n%s: score %v, but the points sum to %v", ctx(), m.ExpertID, m.Score, float64(sum)/1e4)
			}
			if m.Score < 0 || m.Score > 1+numSignals*0.00005 {
				t.Errorf("%s\n%s: score %v outside [0, 1]", ctx(), m.ExpertID, m.Score)
			}
			if want, ok := capacityOracle(req, byID[m.ExpertID], now); ok && value(t, m, SignalCapacity) != want {
				t.Errorf("%s\n%s: capacity %v, want %v", ctx(), m.ExpertID, value(t, m, SignalCapacity), want)
			}
			if j > 0 && !before(got[j-1], m, byID) {
				t.Errorf("%s\nmatch %d (%s %v) is not after match %d (%s %v)", ctx(), j, m.ExpertID, m.Score, j-1, got[j-1].ExpertID, got[j-1].Score)
			}
		}

		shuffled := slices.Clone(cands)
		rng.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		if diff := cmp.Diff(got, Rank(req, shuffled, w, now)); diff != "" {
			t.Fatalf("%s\nshuffling the candidates changed the result (-before +after):\n%s", ctx(), diff)
		}
	}
}

// before reports whether a strictly precedes b in the documented order.
func before(a, b Match, byID map[string]Candidate) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	ua, ub := max(byID[a.ExpertID].UpcomingSessions, 0), max(byID[b.ExpertID].UpcomingSessions, 0)
	if ua != ub {
		return ua < ub
	}
	return a.ExpertID < b.ExpertID
}

func normalised(topics []string) []string {
	var out []string
	for _, t := range topics {
		if n := tandem.NormalizeTopic(t); n != "" {
			out = append(out, n)
		}
	}
	return out
}

func overlaps(req, expert []string) bool {
	for _, r := range normalised(req) {
		for _, e := range expert {
			if strings.EqualFold(strings.Join(strings.Fields(e), "-"), r) {
				return true
			}
		}
	}
	return false
}

// capacityOracle computes the capacity value the slow, obvious way: minute maps of the
// preferred windows and time.Date for every date. It answers only for zones without DST
// (ok false otherwise), where wall clock and instants differ by a constant.
func capacityOracle(req Request, c Candidate, now time.Time) (v float64, ok bool) {
	loc, err := tandem.LoadZone(req.LearnerTimezone)
	if err != nil {
		loc = time.UTC
	}
	if _, off1 := now.In(loc).Zone(); true {
		if _, off2 := now.Add(30 * 24 * time.Hour).In(loc).Zone(); off1 != off2 || !slices.Contains([]string{"UTC", "Asia/Kolkata", "Asia/Kathmandu", "Pacific/Kiritimati", "Pacific/Pago_Pago"}, loc.String()) {
			return 0, false
		}
	}
	h := 14 * 24 * time.Hour
	if req.Urgency == UrgencyHigh {
		h = 7 * 24 * time.Hour
	}
	end := now.Add(h)
	dur := time.Duration(max(req.DurationMin, 0)) * time.Minute
	var week [7][1440]bool
	for _, w := range req.PreferredTimes {
		if w.Weekday < 0 || w.Weekday > 6 || w.StartHour < 0 || w.StartHour >= w.EndHour || w.EndHour > 24 || time.Duration(w.EndHour-w.StartHour)*time.Hour < dur {
			continue
		}
		for m := w.StartHour * 60; m < w.EndHour*60; m++ {
			week[w.Weekday][m] = true
		}
	}
	type occ struct{ start, end time.Time }
	var occs []occ
	y, mo, d := now.In(loc).Date()
	for day := time.Date(y, mo, d, 0, 0, 0, 0, loc); day.Before(end); day = day.AddDate(0, 0, 1) {
		mins := week[day.Weekday()]
		for m := 0; m < 1440; m++ {
			if !mins[m] || (m > 0 && mins[m-1]) {
				continue
			}
			e := m
			for e < 1440 && mins[e] {
				e++
			}
			o := occ{day.Add(time.Duration(m) * time.Minute), day.Add(time.Duration(e) * time.Minute)}
			first := o.start
			if now.After(first) {
				first = now
			}
			if !first.Add(dur).After(o.end) && first.Before(end) {
				occs = append(occs, o)
			}
		}
	}
	inHorizon := func(s time.Time) bool { return !s.Before(now) && s.Before(end) }
	if len(occs) == 0 {
		seen := map[int64]bool{}
		for _, s := range c.FreeSlots {
			if inHorizon(s) {
				seen[s.Unix()] = true
			}
		}
		return round4(min(1, float64(len(seen))/10)), true
	}
	n := 0
	for _, o := range occs {
		for _, s := range c.FreeSlots {
			if inHorizon(s) && !s.Before(o.start) && s.Before(o.end) && !s.Add(dur).After(o.end) {
				n++
				break
			}
		}
	}
	return round4(float64(n) / float64(len(occs))), true
}
