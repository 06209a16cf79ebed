package cohorts

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/tandemhq/tandem/internal/tandem"
)

// Limits of a build.
const (
	MinSize               = 2
	MaxSize               = 50
	MaxMembers            = 2000 // bounds the pair cache (n²/2 bytes) and the run time
	DefaultMaxSpreadHours = 4
)

// Member is one enrollee.
type Member struct {
	ID         string
	Department string
	Timezone   string   // IANA zone, e.g. "Europe/Berlin"
	Interests  []string // lower-case topic slugs
}

// Options control a build.
type Options struct {
	Size           int                    // target cohort size (2..50); cohorts differ in size by at most one
	MaxSpreadHours float64                // max difference of members' UTC offsets within a cohort (0 = default 4)
	At             time.Time              // the program start: UTC offsets are taken at this instant (DST-aware)
	Seed           uint64                 // same inputs + seed → same cohorts
	Met            func(a, b string) bool // pairs who have met before (nil: nobody has)
}

// Cohort is one group with its explanation.
type Cohort struct {
	Members     []string // member ids, sorted
	Explanation Explanation
}

// Explanation says why a cohort is a good one, in numbers HR can check.
type Explanation struct {
	Departments     []string // distinct departments, sorted
	Pairs           int      // member pairs in the cohort
	CrossPairs      int      // pairs from different departments
	NewPairs        int      // pairs who have not met before
	SpreadHours     float64  // max − min UTC offset of members at Options.At
	SharedInterests []string // interests at least two members share, sorted
	EIIndex         float64  // (cross − same) ÷ pairs for this cohort
}

// Measures summarise a whole partition (for comparing against random assignment).
type Measures struct {
	EIIndex        float64 // over all within-cohort pairs
	NewPairs       int
	CrossPairs     int
	Pairs          int
	MaxSpreadHours float64
	Violations     int // cohorts whose spread exceeds MaxSpreadHours
}

// Build partitions members into cohorts of about opts.Size that keep every cohort within
// the spread limit when the population allows it and otherwise maximise cross-department
// and new pairs (see the package doc). It returns an EInvalid *tandem.Error listing every
// bad field (size outside 2..50, a spread outside 0..26 h, no program start, fewer members
// than Size, an empty or repeated id, an unknown time zone; at most 20 member fields) and
// ELimitExceeded for more than MaxMembers members.
func Build(members []Member, opts Options) ([]Cohort, error) {
	if len(members) > MaxMembers {
		return nil, tandem.Errorf(tandem.ELimitExceeded, "A build takes at most %d members.", MaxMembers)
	}
	p, err := prepare(members, opts)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(opts.Seed, buildStream))
	order := zoneOrder(p, rng)
	lengths := zoneBlocks(p, order, cohortCount(p.n(), opts.Size))
	s := newSearch(p, order, lengths)
	s.anneal(rng)
	return p.cohorts(s.bestGroups()), nil
}

// Random is the baseline Build is compared with: the members shuffled with opts.Seed and cut
// into cohorts of the same sizes, ignoring zones, departments and history. It does not
// validate: Size is clamped to 2..50 and unknown zones count as UTC.
func Random(members []Member, opts Options) []Cohort {
	p, _ := prepare(members, opts)
	n := p.n()
	if n == 0 {
		return []Cohort{}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	rand.New(rand.NewPCG(opts.Seed, randomStream)).Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
	sizes := cohortSizes(n, cohortCount(n, opts.Size))
	groups := make([][]int, len(sizes))
	at := 0
	for c, size := range sizes {
		groups[c] = order[at : at+size]
		at += size
	}
	return p.cohorts(groups)
}

// Measure recomputes the totals of a partition from the members, not from the cohorts'
// explanations, so it can judge cohorts edited by hand or loaded from storage. Ids that are
// not among members are skipped; unknown zones count as UTC; the spread limit is Build's
// (4 h when MaxSpreadHours is 0 or invalid). EIIndex is 0 without pairs.
func Measure(cohorts []Cohort, members []Member, opts Options) Measures {
	p, _ := prepare(members, opts)
	var m Measures
	for _, c := range cohorts {
		group := make([]int, 0, len(c.Members))
		for _, id := range c.Members {
			if i, ok := p.index(id); ok {
				group = append(group, i)
			}
		}
		e := p.explain(group)
		m.Pairs += e.Pairs
		m.CrossPairs += e.CrossPairs
		m.NewPairs += e.NewPairs
		m.MaxSpreadHours = max(m.MaxSpreadHours, e.SpreadHours)
		if p.spreadOf(group) > p.maxSpread {
			m.Violations++
		}
	}
	m.EIIndex = eiIndex(m.CrossPairs, m.Pairs)
	return m
}

// RNG streams: Build and Random draw from different streams of the same seed.
const (
	buildStream  = 0x636f686f72747301 // "cohorts\x01"
	randomStream = 0x636f686f72747302
)

// cohortCount is k = round(n/size), at least 1 and at most n/2 (no cohort of one), with
// size clamped to 2..50.
func cohortCount(n, size int) int {
	size = min(max(size, MinSize), MaxSize)
	k := int(math.Round(float64(n) / float64(size)))
	return max(1, min(k, n/2))
}

// cohortSizes splits n into k sizes differing by at most one, larger first.
func cohortSizes(n, k int) []int {
	sizes := make([]int, k)
	for c := range sizes {
		sizes[c] = n / k
		if c < n%k {
			sizes[c]++
		}
	}
	return sizes
}

// cohorts turns groups of member indices into sorted, explained cohorts.
func (p *population) cohorts(groups [][]int) []Cohort {
	type keyed struct {
		minOffset int64
		cohort    Cohort
	}
	out := make([]keyed, 0, len(groups))
	for _, g := range groups {
		if len(g) == 0 {
			continue
		}
		ids := make([]string, len(g))
		lo := p.offset[g[0]]
		for i, m := range g {
			ids[i] = p.ids[m]
			lo = min(lo, p.offset[m])
		}
		slices.Sort(ids)
		out = append(out, keyed{lo, Cohort{Members: ids, Explanation: p.explain(g)}})
	}
	slices.SortFunc(out, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.minOffset, b.minOffset), cmp.Compare(a.cohort.Members[0], b.cohort.Members[0]))
	})
	res := make([]Cohort, len(out))
	for i, k := range out {
		res[i] = k.cohort
	}
	return res
}
