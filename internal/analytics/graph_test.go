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
			edges: []Edge{{"2027-01", "A", "A", 5}, {"2027-01", "B", "B", 4}},
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
			edges:   []Edge{{"2027-01", "A", "B", 3}, {"2027-02", "B", "A", 2}},
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
				{"2027-01", "A", "A", 4}, {"2027-02", "A", "A", 2}, // 6 inside A
				{"2027-01", "A", "B", 1}, {"2027-02", "A", "B", 2}, // 3 over months: shown
				{"2027-01", "B", "C", 1}, // hidden
				{"2027-02", "C", "A", 2}, // hidden
				{"2027-02", "E", "E", 1}, // hidden, E suppressed
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
			edges: []Edge{{"2027-01", "A", "A", 3}, {"2027-01", "A", "B", 3}},
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
