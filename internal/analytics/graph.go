package analytics

import (
	"cmp"
	"slices"
	"strings"
)

// Graph is the connection picture between departments over a range of months: who learns
// from whom, how much stays inside departments, and how connected the org is.
type Graph struct {
	Nodes []Node      `json:"nodes"` // every department, sorted by name
	Edges []GraphEdge `json:"edges"` // shown edges, sorted by From then To
	// EIIndex is (external − internal) ÷ (external + internal) in −1…+1; null with no sessions.
	EIIndex *float64 `json:"eiIndex"`
	// Density is 2m ÷ n(n−1) for m linked department pairs among n departments; null for n < 2.
	Density          *float64 `json:"density"`
	InternalSessions int64    `json:"internalSessions"` // sessions with From == To
	ExternalSessions int64    `json:"externalSessions"` // sessions with From != To
	NewTies          int64    `json:"newTies"`
	// Cohorts are the peer ties that published program cohorts made in the range.
	Cohorts CohortTies `json:"cohorts"`
}

// CohortTies are the member pairs of published cohorts: how many, how many across
// departments and new, their E-I index, and the department pairs they link (undirected,
// A < B; a pair of departments with fewer than minGroup ties is left out of Edges but
// counted in the totals).
type CohortTies struct {
	// Sessions and MemberHours are the published cohorts' scheduled sessions in the range
	// (one per cohort and date) and their hours times the members: planned peer learning.
	Sessions    int64        `json:"sessions"`
	MemberHours float64      `json:"memberHours"`
	Pairs       int64        `json:"pairs"`
	CrossPairs  int64        `json:"crossPairs"`
	NewPairs    int64        `json:"newPairs"`
	EIIndex     *float64     `json:"eiIndex"`
	Edges       []CohortEdge `json:"edges"`
}

// CohortEdge is the cohort ties between departments A and B.
type CohortEdge struct {
	A     string `json:"a"`
	B     string `json:"b"`
	Pairs int64  `json:"pairs"`
}

// WithCohorts sums the cohort counts (org rows) and cohort edges of the range into g.
func (g Graph) WithCohorts(groups []MonthGroup, edges []Edge, minGroup int) Graph {
	t := CohortTies{Edges: []CohortEdge{}}
	var minutes int64
	for _, mg := range groups {
		if mg.Group.Kind == KindOrg {
			t.Pairs += mg.Counts.CohortPairs
			t.CrossPairs += mg.Counts.CohortCrossPairs
			t.NewPairs += mg.Counts.CohortNewPairs
			t.Sessions += mg.Counts.CohortSessions
			minutes += mg.Counts.CohortMemberMinutes
		}
	}
	type pair struct{ a, b string }
	sums := map[pair]int64{}
	for _, e := range edges {
		if e.Cohort {
			sums[pair{e.From, e.To}] += e.CohortPairs
		}
	}
	for p, n := range sums {
		if n >= int64(minGroup) {
			t.Edges = append(t.Edges, CohortEdge{A: p.a, B: p.b, Pairs: n})
		}
	}
	slices.SortFunc(t.Edges, func(x, y CohortEdge) int { return cmp.Or(strings.Compare(x.A, y.A), strings.Compare(x.B, y.B)) })
	t.MemberHours = hours(minutes)
	if t.Pairs > 0 {
		t.EIIndex = ptr(round(float64(2*t.CrossPairs-t.Pairs)/float64(t.Pairs), 4))
	}
	g.Cohorts = t
	return g
}

// Node is one department. Sessions counts the sessions touching it (learner or expert side;
// a session inside the department counts once). A Suppressed node has some, but fewer than
// minGroup, such sessions, shown as 0.
type Node struct {
	Department string `json:"department"`
	Sessions   int64  `json:"sessions"`
	Suppressed bool   `json:"suppressed"`
}

// GraphEdge is the sessions between learners of department From and experts of department
// To over the range.
type GraphEdge struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Sessions int64  `json:"sessions"`
}

// Connections sums edges over their months and measures the graph. The departments are
// those in nodes plus any edge endpoint. Directed edges with fewer than minGroup sessions are
// left out of Edges, yet their sessions still count in the totals, the E-I index and the
// density (see metrics.go). For density, edges are undirected: m counts the distinct
// unordered pairs {A, B}, A ≠ B, with at least one session in either direction. newTies is
// passed through.
func Connections(edges []Edge, newTies int64, nodes []string, minGroup int) Graph {
	type pair struct{ from, to string }
	directed := map[pair]int64{}
	touching := map[string]int64{} // += 0 makes sure every department is a node
	for _, d := range nodes {
		touching[d] += 0
	}
	for _, e := range edges {
		if e.Cohort {
			continue // peer ties of cohorts: see WithCohorts
		}
		directed[pair{e.From, e.To}] += e.Sessions
		touching[e.From] += 0
		touching[e.To] += 0
	}

	g := Graph{Nodes: []Node{}, Edges: []GraphEdge{}, NewTies: newTies}
	linked := map[pair]bool{} // unordered, from < to
	for p, n := range directed {
		if n <= 0 {
			continue
		}
		touching[p.from] += n
		if p.from == p.to {
			g.InternalSessions += n
		} else {
			touching[p.to] += n
			g.ExternalSessions += n
			lo, hi := p.from, p.to
			if hi < lo {
				lo, hi = hi, lo
			}
			linked[pair{lo, hi}] = true
		}
		if n >= int64(minGroup) {
			g.Edges = append(g.Edges, GraphEdge{From: p.from, To: p.to, Sessions: n})
		}
	}
	slices.SortFunc(g.Edges, func(a, b GraphEdge) int {
		return cmp.Or(strings.Compare(a.From, b.From), strings.Compare(a.To, b.To))
	})

	for d, n := range touching {
		node := Node{Department: d, Sessions: n}
		if n > 0 && n < int64(minGroup) {
			node.Sessions, node.Suppressed = 0, true
		}
		g.Nodes = append(g.Nodes, node)
	}
	slices.SortFunc(g.Nodes, func(a, b Node) int { return strings.Compare(a.Department, b.Department) })

	if total := g.InternalSessions + g.ExternalSessions; total > 0 {
		g.EIIndex = ptr(round(float64(g.ExternalSessions-g.InternalSessions)/float64(total), 4))
	}
	if n := len(touching); n >= 2 {
		g.Density = ptr(round(2*float64(len(linked))/float64(n*(n-1)), 4))
	}
	return g
}
