package analytics

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestConnections(t *testing.T) {
	tests := []struct {
		name    string
		edges   []Edge
		newTies int64
		nodes   []string
		want    Graph
	}{
		{
			name:  "all internal: E-I −1, no pairs linked",
			edges: []Edge{{Month: "2027-01", From: "A", To: "A", Sessions: 5}, {Month: "2027-01", From: "B", To: "B", Sessions: 4}},
			want: Graph{
				Nodes:            []Node{{"A", 5, false}, {"B", 4, false}},
				Edges:            []GraphEdge{{"A", "A", 5}, {"B", "B", 4}},
				EIIndex:          f(-1),
				Density:          f(0), // m = 0 of n(n−1)/2 = 1
				InternalSessions: 9,
			},
		},
		{
			name:    "all external: E-I +1, both directions are one pair",
			edges:   []Edge{{Month: "2027-01", From: "A", To: "B", Sessions: 3}, {Month: "2027-02", From: "B", To: "A", Sessions: 2}},
			newTies: 4,
			want: Graph{
				Nodes:            []Node{{"A", 5, false}, {"B", 5, false}},
				Edges:            []GraphEdge{{"A", "B", 3}}, // B→A has 2 sessions: hidden
				EIIndex:          f(1),
				Density:          f(1), // 2·1 / (2·1)
				ExternalSessions: 5,
				NewTies:          4,
			},
		},
		{
			name: "mixed, summed over months, small edges and nodes hidden",
			edges: []Edge{
				{Month: "2027-01", From: "A", To: "A", Sessions: 4}, {Month: "2027-02", From: "A", To: "A", Sessions: 2}, // 6 inside A
				{Month: "2027-01", From: "A", To: "B", Sessions: 1}, {Month: "2027-02", From: "A", To: "B", Sessions: 2}, // 3 over months: shown
				{Month: "2027-01", From: "B", To: "C", Sessions: 1}, // hidden
				{Month: "2027-02", From: "C", To: "A", Sessions: 2}, // hidden
				{Month: "2027-02", From: "E", To: "E", Sessions: 1}, // hidden, E suppressed
			},
			nodes: []string{"D", "A"},
			want: Graph{
				Nodes: []Node{
					{"A", 11, false}, // 6 + 3 + 2
					{"B", 4, false},  // 3 + 1
					{"C", 3, false},  // 1 + 2
					{"D", 0, false},  // no sessions: nothing to hide
					{"E", 0, true},   // 1 session
				},
				Edges:            []GraphEdge{{"A", "A", 6}, {"A", "B", 3}},
				EIIndex:          f(-0.0769), // (6 − 7) / 13
				Density:          f(0.3),     // pairs {A,B} {B,C} {A,C}: 2·3 / (5·4)
				InternalSessions: 7,
				ExternalSessions: 6,
			},
		},
		{
			name:  "balanced: E-I 0",
			edges: []Edge{{Month: "2027-01", From: "A", To: "A", Sessions: 3}, {Month: "2027-01", From: "A", To: "B", Sessions: 3}},
			nodes: []string{"A", "B", "C"},
			want: Graph{
				Nodes:            []Node{{"A", 6, false}, {"B", 3, false}, {"C", 0, false}},
				Edges:            []GraphEdge{{"A", "A", 3}, {"A", "B", 3}},
				EIIndex:          f(0),
				Density:          f(0.3333), // 2·1 / (3·2)
				InternalSessions: 3,
				ExternalSessions: 3,
			},
		},
		{
			name:  "one department, no sessions: both null",
			nodes: []string{"A", "A"},
			want:  Graph{Nodes: []Node{{"A", 0, false}}, Edges: []GraphEdge{}},
		},
		{
			name: "nothing",
			want: Graph{Nodes: []Node{}, Edges: []GraphEdge{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Connections(tt.edges, tt.newTies, tt.nodes, 3)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Connections() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCohortTies: cohort counts and edges add up over months, apart from the session graph.
func TestCohortTies(t *testing.T) {
	groups := []MonthGroup{
		{"2027-01", Group{Kind: KindOrg}, Counts{CohortPairs: 12, CohortCrossPairs: 9, CohortNewPairs: 10}},
		{"2027-02", Group{Kind: KindOrg}, Counts{CohortPairs: 6, CohortCrossPairs: 3, CohortNewPairs: 6}},
		{"2027-02", Group{Kind: KindDepartment, Key: "A"}, Counts{CohortPairs: 99}}, // not an org row: ignored
	}
	edges := []Edge{
		{Month: "2027-01", From: "A", To: "B", Cohort: true, CohortPairs: 4},
		{Month: "2027-02", From: "A", To: "B", Cohort: true, CohortPairs: 2},
		{Month: "2027-02", From: "B", To: "C", Cohort: true, CohortPairs: 2}, // under 3: hidden
		{Month: "2027-02", From: "A", To: "B", Sessions: 5},
	}
	g := Connections(edges, 0, nil, 3).WithCohorts(groups, edges, 3)
	c := g.Cohorts
	if c.Pairs != 18 || c.CrossPairs != 12 || c.NewPairs != 16 || *c.EIIndex != 0.3333 {
		t.Errorf("cohort totals %+v (E-I %v), want 18 pairs, 12 cross, 16 new, E-I (12-6)/18", c, *c.EIIndex)
	}
	if len(c.Edges) != 1 || c.Edges[0] != (CohortEdge{A: "A", B: "B", Pairs: 6}) {
		t.Errorf("cohort edges %+v, want A–B with 6", c.Edges)
	}
	if g.ExternalSessions != 5 {
		t.Errorf("cohort edges must not count as sessions: external %d", g.ExternalSessions)
	}
}
