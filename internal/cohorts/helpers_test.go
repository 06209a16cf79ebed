package cohorts

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// winter is the program start of the synthetic populations: Monday 2027-02-01 09:00Z, when
// Los Angeles is −8, New York −5, London 0, Berlin +1, Kolkata +5:30, Tokyo +9, Sydney +11.
var winter = time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)

// zoneCounts are the members per zone of the synthetic populations. With a 4 h limit the
// zones fall into three clusters more than 4 h apart (Americas, Europe, Asia-Pacific) of
// 18, 24 and 18 members out of 60 (204, 204, 192 out of 600): multiples of 6, so cohorts of
// 6 can keep every cohort within 4 h. Kolkata and Sydney (5:30 apart) are bridged by Tokyo.
var zoneCounts = map[int][]zoneCount{
	60: {{"America/Los_Angeles", 8}, {"America/New_York", 10}, {"Europe/London", 10},
		{"Europe/Berlin", 14}, {"Asia/Kolkata", 8}, {"Asia/Tokyo", 6}, {"Australia/Sydney", 4}},
	600: {{"America/Los_Angeles", 84}, {"America/New_York", 120}, {"Europe/London", 96},
		{"Europe/Berlin", 108}, {"Asia/Kolkata", 84}, {"Asia/Tokyo", 60}, {"Australia/Sydney", 48}},
}

type zoneCount struct {
	zone  string
	count int
}

// departments and their weights in percent: one department holds 40%.
var departments = []struct {
	name   string
	weight int
}{{"Engineering", 40}, {"Sales", 16}, {"Operations", 12}, {"Finance", 10}, {"Marketing", 9}, {"Legal", 7}, {"People", 6}}

var vocabulary = []string{"go", "sql", "leadership", "design", "negotiation", "public-speaking",
	"kubernetes", "finance-101", "writing", "data-viz", "hiring", "python"}

// synthetic is a generated population and its history.
type synthetic struct {
	members []Member
	met     map[[2]string]bool // each pair stored in one direction only
}

// Met answers in the stored direction only, so Build must ask both ways.
func (s synthetic) Met(a, b string) bool { return s.met[[2]string{a, b}] }

func (s synthetic) haveMet(a, b string) bool { return s.met[[2]string{a, b}] || s.met[[2]string{b, a}] }

func (s synthetic) byID() map[string]Member {
	out := make(map[string]Member, len(s.members))
	for _, m := range s.members {
		out[m.ID] = m
	}
	return out
}

// generate makes a population of n (60 or 600) learners from seed: zones as in zoneCounts,
// departments by weight independent of zone, 1-3 interests from a vocabulary of 12, and a
// history in which colleagues of one department and zone have met with probability 0.6, of
// one department across zones 0.15, and of different departments 0.03 (so most met pairs
// are within departments).
func generate(t testing.TB, n int, seed uint64) synthetic {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	var zones []string
	for _, zc := range zoneCounts[n] {
		for range zc.count {
			zones = append(zones, zc.zone)
		}
	}
	if len(zones) != n {
		t.Fatalf("no zone counts for %d members", n)
	}
	rng.Shuffle(n, func(i, j int) { zones[i], zones[j] = zones[j], zones[i] })
	s := synthetic{met: map[[2]string]bool{}}
	for i := range n {
		pick := rng.IntN(100)
		dept := departments[0].name
		for _, d := range departments {
			if pick < d.weight {
				dept = d.name
				break
			}
			pick -= d.weight
		}
		var interests []string
		for range 1 + rng.IntN(3) {
			interests = append(interests, vocabulary[rng.IntN(len(vocabulary))])
		}
		s.members = append(s.members, Member{
			ID: fmt.Sprintf("m%04d", i), Department: dept, Timezone: zones[i], Interests: interests,
		})
	}
	for i, a := range s.members {
		for _, b := range s.members[i+1:] {
			p := 0.03
			switch {
			case a.Department == b.Department && a.Timezone == b.Timezone:
				p = 0.6
			case a.Department == b.Department:
				p = 0.15
			}
			if rng.Float64() < p {
				if rng.IntN(2) == 0 {
					s.met[[2]string{a.ID, b.ID}] = true
				} else {
					s.met[[2]string{b.ID, a.ID}] = true
				}
			}
		}
	}
	return s
}

// offsetHours is the UTC offset of zone at instant at, looked up independently of the package.
func offsetHours(t testing.TB, zone string, at time.Time) float64 {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", zone, err)
	}
	_, sec := at.In(loc).Zone()
	return float64(sec) / 3600
}

// wantExplanation recomputes a cohort's explanation from the members by brute force.
func wantExplanation(t testing.TB, ids []string, byID map[string]Member, haveMet func(a, b string) bool, at time.Time) Explanation {
	t.Helper()
	e := Explanation{Departments: []string{}, SharedInterests: []string{}}
	holders := map[string]int{}
	lo, hi := 100.0, -100.0
	for i, id := range ids {
		m := byID[id]
		if !slices.Contains(e.Departments, m.Department) {
			e.Departments = append(e.Departments, m.Department)
		}
		seen := map[string]bool{}
		for _, s := range m.Interests {
			if s = strings.ToLower(s); !seen[s] {
				seen[s] = true
				holders[s]++
			}
		}
		off := offsetHours(t, m.Timezone, at)
		lo, hi = min(lo, off), max(hi, off)
		for _, other := range ids[i+1:] {
			e.Pairs++
			if byID[other].Department != m.Department {
				e.CrossPairs++
			}
			if haveMet == nil || !haveMet(id, other) {
				e.NewPairs++
			}
		}
	}
	for s, n := range holders {
		if n >= 2 {
			e.SharedInterests = append(e.SharedInterests, s)
		}
	}
	slices.Sort(e.Departments)
	slices.Sort(e.SharedInterests)
	e.SpreadHours = hi - lo
	if e.Pairs > 0 {
		e.EIIndex = float64(2*e.CrossPairs-e.Pairs) / float64(e.Pairs)
	}
	return e
}

// checkPartition fails unless cohorts hold every member exactly once, in sorted ids, in
// cohorts whose sizes differ by at most one and number wantCount.
func checkPartition(t testing.TB, cohorts []Cohort, members []Member, wantCount int) {
	t.Helper()
	if len(cohorts) != wantCount {
		t.Errorf("got %d cohorts, want %d", len(cohorts), wantCount)
	}
	seen := map[string]int{}
	smallest, largest := len(members)+1, 0
	for _, c := range cohorts {
		if !slices.IsSorted(c.Members) {
			t.Errorf("cohort members not sorted: %v", c.Members)
		}
		for _, id := range c.Members {
			seen[id]++
		}
		smallest, largest = min(smallest, len(c.Members)), max(largest, len(c.Members))
	}
	if largest-smallest > 1 {
		t.Errorf("cohort sizes %d..%d differ by more than one", smallest, largest)
	}
	for _, m := range members {
		if seen[m.ID] != 1 {
			t.Errorf("member %s placed %d times, want 1", m.ID, seen[m.ID])
		}
	}
	if len(seen) != len(members) {
		t.Errorf("cohorts hold %d distinct ids, want %d", len(seen), len(members))
	}
}
