package cohorts

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// Points of the objective (see the package doc). Integers, so scores add up exactly.
const (
	crossPoints    = 2 // a pair from different departments
	newPoints      = 2 // a pair that has not met
	interestPoints = 1 // a member sharing an interest with a cohort-mate
)

// Annealing schedule: proposals per member, capped so that one build does at most
// maxPairWork pair evaluations, cooling geometrically from startTemp to endTemp points.
const (
	proposalsPerMember = 200
	maxPairWork        = 10_000_000
	startTemp          = 3.0
	endTemp            = 0.05
)

func pairPoints(f uint8) int {
	points := 0
	if f&factCross != 0 {
		points += crossPoints
	}
	if f&factNew != 0 {
		points += newPoints
	}
	return points
}

func shares(f uint8) int {
	if f&factShare != 0 {
		return 1
	}
	return 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// search is a partition under local search with the bookkeeping that makes a swap O(Size):
// per member, the number of cohort-mates it shares an interest with; per cohort, its spread.
type search struct {
	p        *population
	groups   [][]int // member indices per cohort
	cohortOf []int
	slot     []int   // position of a member in groups[cohortOf[member]]
	sharing  []int   // cohort-mates the member shares an interest with
	spread   []int64 // per cohort, seconds
	score    int

	best      []int // cohortOf of the best partition seen
	bestScore int
}

// newSearch starts from the consecutive blocks of order with the given lengths.
func newSearch(p *population, order []int, lengths []int) *search {
	p.cacheFacts()
	n := p.n()
	s := &search{
		p:        p,
		groups:   make([][]int, len(lengths)),
		cohortOf: make([]int, n),
		slot:     make([]int, n),
		sharing:  make([]int, n),
		spread:   make([]int64, len(lengths)),
	}
	at := 0
	for c, length := range lengths {
		s.groups[c] = slices.Clone(order[at : at+length])
		at += length
		for i, m := range s.groups[c] {
			s.cohortOf[m], s.slot[m] = c, i
		}
		s.spread[c] = p.spreadOf(s.groups[c])
		for i, a := range s.groups[c] {
			for _, b := range s.groups[c][i+1:] {
				f := p.pairFacts(a, b)
				s.sharing[a] += shares(f)
				s.sharing[b] += shares(f)
				s.score += pairPoints(f)
			}
		}
		for _, m := range s.groups[c] {
			s.score += interestPoints * b2i(s.sharing[m] > 0)
		}
	}
	s.best, s.bestScore = slices.Clone(s.cohortOf), s.score
	return s
}

// replaceDelta is the change of score when in takes out's place in cohort c, and the cohort's
// spread after it; ok is false when the spread would pass both the limit and the current one.
func (s *search) replaceDelta(c, out, in int) (delta int, spread int64, ok bool) {
	p := s.p
	lo, hi := p.offset[in], p.offset[in]
	for _, x := range s.groups[c] {
		if x != out {
			lo, hi = min(lo, p.offset[x]), max(hi, p.offset[x])
		}
	}
	spread = hi - lo
	if spread > max(p.maxSpread, s.spread[c]) {
		return 0, 0, false
	}
	inSharing := 0
	for _, x := range s.groups[c] {
		if x == out {
			continue
		}
		fo, fi := p.pairFacts(x, out), p.pairFacts(x, in)
		delta += pairPoints(fi) - pairPoints(fo)
		now := s.sharing[x] - shares(fo) + shares(fi)
		delta += interestPoints * (b2i(now > 0) - b2i(s.sharing[x] > 0))
		inSharing += shares(fi)
	}
	delta += interestPoints * (b2i(inSharing > 0) - b2i(s.sharing[out] > 0))
	return delta, spread, true
}

// replace puts in where out was, at position i of cohort c, and updates the bookkeeping of
// c's members.
func (s *search) replace(c, i, out, in int, spread int64) {
	p := s.p
	s.sharing[in] = 0
	for _, x := range s.groups[c] {
		if x == out {
			continue
		}
		fo, fi := p.pairFacts(x, out), p.pairFacts(x, in)
		s.sharing[x] += shares(fi) - shares(fo)
		s.sharing[in] += shares(fi)
	}
	s.groups[c][i] = in
	s.cohortOf[in], s.slot[in] = c, i
	s.spread[c] = spread
}

// anneal runs simulated annealing over swaps. Partners are drawn among the members whose
// offset is within the spread limit of the first one's, the only swaps that can be allowed
// between cohorts within the limit.
func (s *search) anneal(rng *rand.Rand) {
	p := s.p
	n := p.n()
	if len(s.groups) < 2 {
		return
	}
	byOffset := make([]int, n)
	for i := range byOffset {
		byOffset[i] = i
	}
	slices.SortStableFunc(byOffset, func(a, b int) int { return cmp.Compare(p.offset[a], p.offset[b]) })
	sorted := make([]int64, n)
	for i, m := range byOffset {
		sorted[i] = p.offset[m]
	}
	windowLo, windowHi := make([]int32, n), make([]int32, n)
	for m := range n {
		lo, _ := slices.BinarySearch(sorted, p.offset[m]-p.maxSpread)
		hi, _ := slices.BinarySearch(sorted, p.offset[m]+p.maxSpread+1)
		windowLo[m], windowHi[m] = int32(lo), int32(hi)
	}

	size := max(1, n/len(s.groups))
	proposals := min(proposalsPerMember*n, maxPairWork/(2*size))
	temp := startTemp
	cooling := math.Pow(endTemp/startTemp, 1/float64(proposals))
	for range proposals {
		temp *= cooling
		a := rng.IntN(n)
		lo, hi := int(windowLo[a]), int(windowHi[a])
		b := byOffset[lo+rng.IntN(hi-lo)]
		ca, cb := s.cohortOf[a], s.cohortOf[b]
		if ca == cb {
			continue
		}
		da, spreadA, okA := s.replaceDelta(ca, a, b)
		if !okA {
			continue
		}
		db, spreadB, okB := s.replaceDelta(cb, b, a)
		if !okB {
			continue
		}
		d := da + db
		if d < 0 && rng.Float64() >= math.Exp(float64(d)/temp) {
			continue
		}
		slotA, slotB := s.slot[a], s.slot[b]
		s.replace(ca, slotA, a, b, spreadA)
		s.replace(cb, slotB, b, a, spreadB)
		s.score += d
		if s.score > s.bestScore {
			copy(s.best, s.cohortOf)
			s.bestScore = s.score
		}
	}
}

// bestGroups returns the cohorts of the best partition seen.
func (s *search) bestGroups() [][]int {
	groups := make([][]int, len(s.groups))
	for m, c := range s.best {
		groups[c] = append(groups[c], m)
	}
	return groups
}
