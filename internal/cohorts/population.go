package cohorts

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// maxMemberErrors caps the per-member field errors of one validation so that a file of
// 2,000 bad rows gives a readable answer.
const maxMemberErrors = 20

// population is the members in id order, reduced to what the search needs: small integers
// instead of strings, offsets at the program start, and a cache of pair facts.
type population struct {
	ids           []string // sorted
	offset        []int64  // seconds east of UTC at Options.At
	dept          []int32  // index into deptNames; -1 when unknown
	deptNames     []string
	interests     [][]int32 // sorted indices into interestNames, only interests held by ≥ 2 members
	interestNames []string
	maxSpread     int64 // seconds
	met           func(a, b string) bool
	facts         []uint8 // lazily filled pair facts for i < j; nil: no cache
}

// Pair facts, one byte per pair.
const (
	factKnown uint8 = 1 << iota
	factCross       // different, known departments
	factNew         // not met before
	factShare       // at least one interest in common
)

// prepare validates members and opts and returns the population even when they are invalid,
// with unknown zones at UTC, so that Random and Measure can use it.
func prepare(members []Member, opts Options) (*population, error) {
	var v tandem.Validation
	v.Check(opts.Size >= MinSize && opts.Size <= MaxSize, "size", "must be %d-%d", MinSize, MaxSize)
	spread := opts.MaxSpreadHours
	v.Check(spread >= 0 && spread <= 26, "maxSpreadHours", "must be 0-26 hours (0 means %d)", DefaultMaxSpreadHours)
	if !(spread > 0 && spread <= 26) {
		spread = DefaultMaxSpreadHours
	}
	v.Check(!opts.At.IsZero(), "at", "is required: the program start")
	v.Check(len(members) >= opts.Size, "members", "must number at least the cohort size (%d), got %d", opts.Size, len(members))

	order := make([]int, len(members))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(members[a].ID, members[b].ID) })

	p := &population{
		ids:       make([]string, len(members)),
		offset:    make([]int64, len(members)),
		dept:      make([]int32, len(members)),
		interests: make([][]int32, len(members)),
		maxSpread: int64(math.Round(spread * 3600)),
		met:       opts.Met,
	}
	bad := 0
	check := func(ok bool, field, format string, args ...any) {
		if !ok && bad < maxMemberErrors {
			v.Add(field, format, args...)
			bad++
		}
	}
	offsets := map[string]int64{}
	for i, m := range order {
		mem := members[m]
		p.ids[i] = mem.ID
		check(mem.ID != "", memberField(m, "id"), "is required")
		check(i == 0 || mem.ID != p.ids[i-1], memberField(m, "id"), "repeats %q", mem.ID)
		off, ok := offsets[mem.Timezone]
		if !ok {
			loc, err := tandem.LoadZone(mem.Timezone)
			if err == nil {
				off = zoneSeconds(loc, opts.At)
				offsets[mem.Timezone] = off
			}
			check(err == nil, memberField(m, "timezone"), "must be an IANA time zone, e.g. Europe/Berlin")
		}
		p.offset[i] = off
	}
	p.internDepartments(members, order)
	p.internInterests(members, order)
	return p, v.Err()
}

// memberField names a field of members[i], e.g. "members[3].timezone".
func memberField(i int, field string) string {
	return "members[" + strconv.Itoa(i) + "]." + field
}

// internDepartments numbers departments by their trimmed, lower-case form; the name shown
// is the smallest trimmed spelling, so it does not depend on the order of members.
func (p *population) internDepartments(members []Member, order []int) {
	index := map[string]int32{}
	for i, m := range order {
		name := strings.TrimSpace(members[m].Department)
		if name == "" {
			p.dept[i] = -1
			continue
		}
		key := strings.ToLower(name)
		d, ok := index[key]
		if !ok {
			d = int32(len(p.deptNames))
			index[key] = d
			p.deptNames = append(p.deptNames, name)
		}
		p.dept[i] = d
		p.deptNames[d] = min(p.deptNames[d], name)
	}
}

// internInterests normalises interests (tandem.NormalizeTopic) and keeps those at least two
// members hold: an interest nobody else has can never be shared.
func (p *population) internInterests(members []Member, order []int) {
	holders := map[string]int{}
	norm := make([][]string, len(order))
	for i, m := range order {
		var own []string
		for _, s := range members[m].Interests {
			if s = tandem.NormalizeTopic(s); s != "" {
				own = append(own, s)
			}
		}
		slices.Sort(own)
		own = slices.Compact(own)
		for _, s := range own {
			holders[s]++
		}
		norm[i] = own
	}
	for s, n := range holders {
		if n >= 2 {
			p.interestNames = append(p.interestNames, s)
		}
	}
	slices.Sort(p.interestNames)
	for i, own := range norm {
		for _, s := range own {
			if k, ok := slices.BinarySearch(p.interestNames, s); ok {
				p.interests[i] = append(p.interests[i], int32(k))
			}
		}
	}
}

func (p *population) n() int { return len(p.ids) }

// index finds the member with id (the first, if repeated).
func (p *population) index(id string) (int, bool) {
	return slices.BinarySearch(p.ids, id)
}

// cacheFacts makes pairFacts remember every pair it computes.
func (p *population) cacheFacts() {
	n := p.n()
	p.facts = make([]uint8, n*(n-1)/2)
}

// pairFacts returns the facts of members i and j (i ≠ j).
func (p *population) pairFacts(i, j int) uint8 {
	if i > j {
		i, j = j, i
	}
	var k int
	if p.facts != nil {
		k = i*(2*p.n()-i-1)/2 + j - i - 1
		if f := p.facts[k]; f != 0 {
			return f
		}
	}
	f := factKnown
	if p.dept[i] >= 0 && p.dept[j] >= 0 && p.dept[i] != p.dept[j] {
		f |= factCross
	}
	if p.met == nil || !(p.met(p.ids[i], p.ids[j]) || p.met(p.ids[j], p.ids[i])) {
		f |= factNew
	}
	if intersects(p.interests[i], p.interests[j]) {
		f |= factShare
	}
	if p.facts != nil {
		p.facts[k] = f
	}
	return f
}

// intersects reports whether two sorted lists have an element in common.
func intersects(a, b []int32) bool {
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] < b[0]:
			a = a[1:]
		case a[0] > b[0]:
			b = b[1:]
		default:
			return true
		}
	}
	return false
}

// spreadOf is the largest minus the smallest offset in group, in seconds.
func (p *population) spreadOf(group []int) int64 {
	if len(group) == 0 {
		return 0
	}
	lo, hi := p.offset[group[0]], p.offset[group[0]]
	for _, m := range group[1:] {
		lo, hi = min(lo, p.offset[m]), max(hi, p.offset[m])
	}
	return hi - lo
}

// explain computes a cohort's explanation from scratch.
func (p *population) explain(group []int) Explanation {
	e := Explanation{Departments: []string{}, SharedInterests: []string{}}
	interestCount := map[int32]int{}
	for x, i := range group {
		if d := p.dept[i]; d >= 0 && !slices.Contains(e.Departments, p.deptNames[d]) {
			e.Departments = append(e.Departments, p.deptNames[d])
		}
		for _, k := range p.interests[i] {
			interestCount[k]++
		}
		for _, j := range group[x+1:] {
			f := p.pairFacts(i, j)
			e.Pairs++
			if f&factCross != 0 {
				e.CrossPairs++
			}
			if f&factNew != 0 {
				e.NewPairs++
			}
		}
	}
	for k, n := range interestCount {
		if n >= 2 {
			e.SharedInterests = append(e.SharedInterests, p.interestNames[k])
		}
	}
	slices.Sort(e.Departments)
	slices.Sort(e.SharedInterests)
	e.SpreadHours = float64(p.spreadOf(group)) / 3600
	e.EIIndex = eiIndex(e.CrossPairs, e.Pairs)
	return e
}

// eiIndex is (external − internal) ÷ (external + internal), 0 without pairs.
func eiIndex(cross, pairs int) float64 {
	if pairs == 0 {
		return 0
	}
	return float64(cross-(pairs-cross)) / float64(pairs)
}

// zoneSeconds is the UTC offset of loc at instant at.
func zoneSeconds(loc *time.Location, at time.Time) int64 {
	_, sec := at.In(loc).Zone()
	return int64(sec)
}
