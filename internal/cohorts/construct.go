package cohorts

import (
	"cmp"
	"math/rand/v2"
	"slices"
)

// zoneOrder lists the members by UTC offset. Within one offset the departments are
// interleaved in proportion (the k-th of a department's g members sits at (k+½)/g of the
// run), each department's members in a seeded random order, so that consecutive blocks of
// the order start out with departments mixed.
func zoneOrder(p *population, rng *rand.Rand) []int {
	byOffset := make([]int, p.n())
	for i := range byOffset {
		byOffset[i] = i
	}
	slices.SortStableFunc(byOffset, func(a, b int) int { return cmp.Compare(p.offset[a], p.offset[b]) })

	type placed struct{ member, rank, size, group int }
	out := make([]int, 0, p.n())
	for lo := 0; lo < len(byOffset); {
		hi := lo
		for hi < len(byOffset) && p.offset[byOffset[hi]] == p.offset[byOffset[lo]] {
			hi++
		}
		groups := map[int32][]int{}
		for _, m := range byOffset[lo:hi] {
			groups[p.dept[m]] = append(groups[p.dept[m]], m)
		}
		depts := make([]int32, 0, len(groups))
		for d := range groups {
			depts = append(depts, d)
		}
		slices.Sort(depts) // map order must not reach the result
		var run []placed
		for g, d := range depts {
			ms := groups[d]
			rng.Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
			for k, m := range ms {
				run = append(run, placed{m, k, len(ms), g})
			}
		}
		// (2a+1)/2ga < (2b+1)/2gb, compared without division; ties go to the larger department.
		slices.SortFunc(run, func(a, b placed) int {
			return cmp.Or(cmp.Compare((2*a.rank+1)*b.size, (2*b.rank+1)*a.size),
				cmp.Compare(b.size, a.size), cmp.Compare(a.group, b.group))
		})
		for _, x := range run {
			out = append(out, x.member)
		}
		lo = hi
	}
	return out
}

// blockCost ranks cuts: fewer cohorts over the spread limit first, then less total excess.
type blockCost struct {
	over   int
	excess int64
}

func (c blockCost) less(d blockCost) bool {
	return c.over < d.over || c.over == d.over && c.excess < d.excess
}

// zoneBlocks cuts order into k consecutive blocks whose lengths differ by at most one and
// returns the lengths. A dynamic programme over (blocks placed, large blocks among them)
// chooses where the n mod k large blocks go so as to minimise the blockCost.
func zoneBlocks(p *population, order []int, k int) []int {
	n := len(order)
	q, r := n/k, n%k
	cost := func(from, length int) blockCost {
		s := p.offset[order[from+length-1]] - p.offset[order[from]]
		if s <= p.maxSpread {
			return blockCost{}
		}
		return blockCost{1, s - p.maxSpread}
	}
	// best[j] is the best cost of the first i blocks with j of them large; largeLast records
	// whether the best way to (i, j) ends with a large block.
	const unreached = -1
	best := make([]blockCost, r+1)
	next := make([]blockCost, r+1)
	for j := range best {
		best[j].over = unreached
	}
	best[0] = blockCost{}
	largeLast := make([]bool, (k+1)*(r+1))
	for i := range k {
		for j := range next {
			next[j].over = unreached
		}
		for j := 0; j <= min(i, r); j++ {
			if best[j].over == unreached {
				continue
			}
			pos := i*q + j
			if i-j < k-r { // a small block
				c := add(best[j], cost(pos, q))
				if next[j].over == unreached || c.less(next[j]) {
					next[j], largeLast[(i+1)*(r+1)+j] = c, false
				}
			}
			if j < r { // a large block
				c := add(best[j], cost(pos, q+1))
				if next[j+1].over == unreached || c.less(next[j+1]) {
					next[j+1], largeLast[(i+1)*(r+1)+j+1] = c, true
				}
			}
		}
		best, next = next, best
	}
	lengths := make([]int, k)
	for i, j := k, r; i > 0; i-- {
		lengths[i-1] = q
		if largeLast[i*(r+1)+j] {
			lengths[i-1]++
			j--
		}
	}
	return lengths
}

func add(a, b blockCost) blockCost {
	return blockCost{a.over + b.over, a.excess + b.excess}
}
