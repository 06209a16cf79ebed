package cohorts

import "slices"

// Explain explains cohorts arranged by hand (HR's adjustments to a built plan), keeping their
// order: each cohort's members sorted, its Explanation computed from members as Build's are.
// Ids not among members are kept but left out of the figures; unknown zones count as UTC.
func Explain(cohorts []Cohort, members []Member, opts Options) []Cohort {
	p, _ := prepare(members, opts)
	out := make([]Cohort, len(cohorts))
	for i, c := range cohorts {
		group := make([]int, 0, len(c.Members))
		for _, id := range c.Members {
			if m, ok := p.index(id); ok {
				group = append(group, m)
			}
		}
		out[i] = Cohort{Members: slices.Sorted(slices.Values(c.Members)), Explanation: p.explain(group)}
	}
	return out
}
