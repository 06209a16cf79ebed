// Package cohorts partitions a program's enrollees into cohorts that mix departments and
// introduce people who have not met, without asking anyone to meet at 3 a.m. It is pure: no
// I/O, no clock (the program start is an argument), no AWS. The caller loads the enrollees and
// answers "have these two met?" (Options.Met); the store and the HTTP API live elsewhere.
//
// The API:
//
//	func Build(members []Member, opts Options) ([]Cohort, error)  // the optimised partition
//	func Random(members []Member, opts Options) []Cohort         // seeded random baseline
//	func Measure(cohorts []Cohort, members []Member, opts Options) Measures
//
// # Rules
//
// n members go into k = round(n/Size) cohorts (at least 1, at most n/2 so nobody is alone)
// whose sizes differ by at most one. A cohort's spread is the largest minus the smallest UTC
// offset of its members at Options.At, the program start, so DST is that of the start date
// (New York–London is 4 h in the March weeks when only the US has switched, 5 h otherwise).
// The spread limit (MaxSpreadHours, default 4) is hard whenever the population allows it.
// It may not: a lone zone far from everyone else, or zones in clusters more than the limit
// apart whose headcounts do not split into the cohort sizes (when every cohort has 6
// members, a cluster of 20 cannot be split: some cohort must reach across the gap). Build then keeps the sizes, places
// everyone anyway with the members nearest in offset, and the cohort's SpreadHours shows it
// and it counts in Measures.Violations. Nobody is ever dropped.
//
// # Objective
//
// Build maximises, over all pairs within cohorts, 2 points per pair from different
// departments and 2 per pair that has not met, plus 1 point per member who shares at least
// one interest with a cohort-mate (something to talk about, worth less than a new tie).
// Departments compare trimmed and case-insensitively; an empty department never makes a
// pair cross-department (a tie cannot be claimed as cross-functional without knowing).
//
// # Algorithm, and why
//
//  1. Zones first. Members are sorted by UTC offset and cut into consecutive blocks of the
//     cohort sizes; a dynamic programme over where the larger blocks go minimises the
//     cohorts over the spread limit, then their excess. Consecutive blocks are enough: if
//     any partition keeps every cohort within the limit, some consecutive one does
//     (uncrossing two overlapping cohorts never widens either beyond the wider of the two).
//     Within one offset the order interleaves departments in proportion, so the blocks
//     start out mixed.
//  2. Then mix. Simulated annealing over swaps of two members between cohorts (a seeded
//     PCG stream, a fixed number of proposals per member, geometric cooling), keeping the
//     best partition seen. A swap is allowed only if it keeps both cohorts within the spread
//     limit (or, for a cohort already over it, no wider), so step 1's guarantee holds. A
//     swap changes only the pairs of the two members, so it is scored in O(Size).
//
// Exact optimisation is NP-hard (it contains graph partitioning); swaps converge fast on
// these objectives and keep the sizes fixed for free. Pair facts (departments differ, have
// met, share an interest) are computed once per pair when first needed and cached, so Met
// is called at most twice per pair; it must be cheap, pure and safe to call in any order.
// A pair has met when Met(a, b) or Met(b, a).
//
// Same members (in any order), options and Seed give the same cohorts. Cohorts come back
// ordered by their smallest UTC offset, then by their first member id.
package cohorts
