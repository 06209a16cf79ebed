package matching

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A learner in Lisbon (UTC+0 in February) asks on Monday 2027-02-01 08:00Z for Go, SQL and
// Kubernetes in Portuguese, Tuesdays 09-12 and Thursdays 14-17, one hour. The horizon holds
// four occurrences: Tue 2 Feb, Thu 4 Feb, Tue 9 Feb, Thu 11 Feb.
func lisbonRequest() Request {
	return Request{
		LearnerID:         "learner",
		Topics:            []string{"Go", "SQL", "kubernetes"},
		Language:          "pt",
		LearnerTimezone:   "Europe/Lisbon",
		LearnerDepartment: "Engineering",
		PreferredTimes:    []TimeWindow{{Weekday: 2, StartHour: 9, EndHour: 12}, {Weekday: 4, StartHour: 14, EndHour: 17}},
		DurationMin:       60,
	}
}

func TestRankHandComputed(t *testing.T) {
	now := ts(t, "2027-02-01T08:00:00Z")
	cands := []Candidate{
		{ // A: two topics, Brazilian Portuguese, free in 2 of the 4 windows, busy-ish, another department.
			ExpertID: "a", Topics: []string{"go", "sql"}, Languages: []string{"pt-BR", "en"},
			Timezone: "America/Sao_Paulo", Department: "Finance", Rating: ratings(50, 4.8),
			FreeSlots: slots(t,
				"2027-02-02T10:00:00Z", // Tue 10:00-11:00 Lisbon: fits
				"2027-02-04T16:30:00Z", // Thu 16:30-17:30: runs past 17:00
				"2027-02-09T11:00:00Z", // Tue 11:00-12:00: fits
			),
			UpcomingSessions: 2,
		},
		{ // B: every topic, no Portuguese, free in every window, one 5-star rating, a colleague met before.
			ExpertID: "b", Topics: []string{"Kubernetes", "go", "sql"}, Languages: []string{"en"},
			Timezone: "Europe/Berlin", Department: "engineering", Rating: ratings(1, 5),
			FreeSlots: slots(t, "2027-02-02T09:00:00Z", "2027-02-04T14:00:00Z", "2027-02-09T09:00:00Z", "2027-02-11T16:00:00Z"),
			MetBefore: true,
		},
		{ // C: no requested topic: left out.
			ExpertID: "c", Topics: []string{"rust"}, Languages: []string{"pt"}, Timezone: "Europe/Lisbon",
		},
		{ // D: one topic, Spanish, Kolkata, no department, no ratings, no slots, very busy.
			ExpertID: "d", Topics: []string{"sql"}, Languages: []string{"es"}, Timezone: "Asia/Kolkata",
			UpcomingSessions: 10,
		},
		{ExpertID: "learner", Topics: []string{"go"}}, // the learner is never a match
	}
	got := Rank(lisbonRequest(), cands, DefaultWeights(), now)
	// Value × weight → points, rounded to 4 decimals; the score is the sum of the points.
	want := []Match{
		{ExpertID: "b", Score: 0.7909, Signals: []Signal{ // .3+.2+0+.0917+.0792+.1+.02
			{"topic", 1, 0.3, 0.3, "covers 3 of 3 topics: go, sql, kubernetes"},
			{"capacity", 1, 0.2, 0.2, "free in 4 of your 4 preferred times in the next 14 days"},
			{"language", 0, 0.1, 0, "does not speak pt"},
			{"timezone", 0.9167, 0.1, 0.0917, "1 h ahead of you"},         // 1 − 1/12
			{"rating", 0.7917, 0.1, 0.0792, "5.0 average from 1 rating"},  // ((5·4 + 1·5)/6 − 1)/4
			{"load", 1, 0.1, 0.1, "no upcoming sessions"},                 // 5/(5+0)
			{"connection", 0.2, 0.1, 0.02, "same department, met before"}, // department compared case-insensitively
		}},
		{ExpertID: "a", Score: 0.7396, Signals: []Signal{ // .2+.1+.1+.075+.0932+.0714+.1
			{"topic", 0.6667, 0.3, 0.2, "covers 2 of 3 topics: go, sql"},
			{"capacity", 0.5, 0.2, 0.1, "free in 2 of your 4 preferred times in the next 14 days"},
			{"language", 1, 0.1, 0.1, "speaks pt-BR"},
			{"timezone", 0.75, 0.1, 0.075, "3 h behind you"},               // 1 − 3/12
			{"rating", 0.9318, 0.1, 0.0932, "4.8 average from 50 ratings"}, // ((5·4 + 50·4.8)/55 − 1)/4
			{"load", 0.7143, 0.1, 0.0714, "2 upcoming sessions"},           // 5/7
			{"connection", 1, 0.1, 0.1, "another department, not met yet"},
		}},
		{ExpertID: "d", Score: 0.3125, Signals: []Signal{ // .1+0+0+.0542+.075+.0333+.05
			{"topic", 0.3333, 0.3, 0.1, "covers 1 of 3 topics: sql"},
			{"capacity", 0, 0.2, 0, "free in 0 of your 4 preferred times in the next 14 days"},
			{"language", 0, 0.1, 0, "does not speak pt"},
			{"timezone", 0.5417, 0.1, 0.0542, "5.5 h ahead of you"},         // 1 − 5.5/12
			{"rating", 0.75, 0.1, 0.075, "no ratings yet (counted as 4.0)"}, // (4 − 1)/4
			{"load", 0.3333, 0.1, 0.0333, "10 upcoming sessions"},           // 5/15
			{"connection", 0.5, 0.1, 0.05, "department unknown, not met yet"},
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Rank mismatch (-want +got):\n%s", diff)
	}
}

// TestRankOrderings shows ties and the two signals meant to reshape rankings: load spreads
// demand away from the most popular expert, connection favours new cross-department ties.
func TestRankOrderings(t *testing.T) {
	now := ts(t, "2027-02-01T08:00:00Z")
	req := Request{Topics: []string{"go"}, LearnerTimezone: "UTC", LearnerDepartment: "Sales"}
	expert := func(id string, f func(*Candidate)) Candidate {
		c := Candidate{ExpertID: id, Topics: []string{"go"}, Timezone: "UTC", Department: "Sales", Rating: ratings(10, 4.5)}
		f(&c)
		return c
	}
	noLoad := DefaultWeights()
	noLoad.Load = 0
	noConnection := DefaultWeights()
	noConnection.Connection = 0
	tests := []struct {
		name  string
		w     Weights
		cands []Candidate
		want  []string
	}{
		{
			name: "identical experts tie: smaller id first, whatever the input order",
			w:    DefaultWeights(),
			cands: []Candidate{
				expert("zoe", func(*Candidate) {}), expert("amir", func(*Candidate) {}), expert("mia", func(*Candidate) {}),
			},
			want: []string{"amir", "mia", "zoe"},
		},
		{
			name: "equal scores: fewer upcoming sessions first, before the id",
			w:    noLoad, // load weighs nothing, so 9 upcoming sessions do not lower the score
			cands: []Candidate{
				expert("amir", func(c *Candidate) { c.UpcomingSessions = 9 }),
				expert("zoe", func(c *Candidate) { c.UpcomingSessions = 1 }),
			},
			want: []string{"zoe", "amir"},
		},
		{
			// popular: rating ((20+240)/55−1)/4 = .9318 but 12 upcoming: load 5/17 = .2941.
			// fresh: no ratings, .75, and load 1. Rating favours popular by .0182 points,
			// load favours fresh by .0706.
			name: "load on: the fresh expert overtakes the popular one",
			w:    DefaultWeights(),
			cands: []Candidate{
				expert("popular", func(c *Candidate) { c.Rating, c.UpcomingSessions = ratings(50, 4.8), 12 }),
				expert("fresh", func(c *Candidate) { c.Rating = ratings(0, 0) }),
			},
			want: []string{"fresh", "popular"},
		},
		{
			name: "load off: the popular expert stays first",
			w:    noLoad,
			cands: []Candidate{
				expert("popular", func(c *Candidate) { c.Rating, c.UpcomingSessions = ratings(50, 4.8), 12 }),
				expert("fresh", func(c *Candidate) { c.Rating = ratings(0, 0) }),
			},
			want: []string{"popular", "fresh"},
		},
		{
			// colleague: rating ((20+10·5)/15−1)/4 = .9167 vs .8333 for stranger (+.0084
			// points); connection .2 vs 1 (−.08 points).
			name: "connection on: someone new in another department overtakes a known colleague",
			w:    DefaultWeights(),
			cands: []Candidate{
				expert("colleague", func(c *Candidate) { c.Rating, c.MetBefore = ratings(10, 5), true }),
				expert("stranger", func(c *Candidate) { c.Department = "Legal" }),
			},
			want: []string{"stranger", "colleague"},
		},
		{
			name: "connection off: the better-rated colleague stays first",
			w:    noConnection,
			cands: []Candidate{
				expert("colleague", func(c *Candidate) { c.Rating, c.MetBefore = ratings(10, 5), true }),
				expert("stranger", func(c *Candidate) { c.Department = "Legal" }),
			},
			want: []string{"colleague", "stranger"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Rank(req, tt.cands, tt.w, now)
			if diff := cmp.Diff(tt.want, ids(got)); diff != "" {
				t.Errorf("order mismatch (-want +got):\n%s\nmatches: %+v", diff, got)
			}
		})
	}
}

func TestRankScoresOfOrderings(t *testing.T) {
	// The hand-computed scores behind "load on" and "connection on" above.
	now := ts(t, "2027-02-01T08:00:00Z")
	req := Request{Topics: []string{"go"}, LearnerTimezone: "UTC", LearnerDepartment: "Sales"}
	base := Candidate{Topics: []string{"go"}, Timezone: "UTC", Department: "Sales"}
	popular, fresh := base, base
	popular.ExpertID, popular.Rating, popular.UpcomingSessions = "popular", ratings(50, 4.8), 12
	fresh.ExpertID = "fresh"
	colleague, stranger := base, base
	colleague.ExpertID, colleague.Rating, colleague.MetBefore = "colleague", ratings(10, 5), true
	stranger.ExpertID, stranger.Rating, stranger.Department = "stranger", ratings(10, 4.5), "Legal"
	tests := []struct {
		name  string
		cands []Candidate
		want  map[string]float64
	}{
		// Shared: topic .3, capacity 0 (no slots), language .05 (none asked), timezone .1.
		// popular: .3+0+.05+.1+.0932+.0294+.05 = .6226; fresh: .3+0+.05+.1+.075+.1+.05 = .675.
		{"load", []Candidate{popular, fresh}, map[string]float64{"popular": 0.6226, "fresh": 0.675}},
		// colleague: .45 + rating .0917 + load .1 + connection .02 = .6617;
		// stranger: .45 + rating .0833 + load .1 + connection .1 = .7333.
		{"connection", []Candidate{colleague, stranger}, map[string]float64{"colleague": 0.6617, "stranger": 0.7333}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]float64{}
			for _, m := range Rank(req, tt.cands, DefaultWeights(), now) {
				got[m.ExpertID] = m.Score
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("scores mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRankSelection(t *testing.T) {
	now := ts(t, "2027-02-01T08:00:00Z")
	go1 := Candidate{ExpertID: "e1", Topics: []string{"go"}, Timezone: "UTC"}
	tests := []struct {
		name  string
		req   Request
		cands []Candidate
		w     Weights
		want  []string
	}{
		{"no candidates", Request{Topics: []string{"go"}}, nil, DefaultWeights(), []string{}},
		{"no topic in common", Request{Topics: []string{"sql"}}, []Candidate{go1}, DefaultWeights(), []string{}},
		{"topics match after normalising", Request{Topics: []string{"Public Speaking"}},
			[]Candidate{{ExpertID: "e2", Topics: []string{"public-speaking"}}, {ExpertID: "e3", Topics: []string{"PUBLIC speaking"}}},
			DefaultWeights(), []string{"e2", "e3"}},
		{"no topics requested: nobody is left out", Request{},
			[]Candidate{go1, {ExpertID: "e2"}}, DefaultWeights(), []string{"e1", "e2"}},
		{"the learner is not their own match", Request{LearnerID: "e1", Topics: []string{"go"}},
			[]Candidate{go1}, DefaultWeights(), []string{}},
		{"a repeated id counts once", Request{Topics: []string{"go"}},
			[]Candidate{go1, go1}, DefaultWeights(), []string{"e1"}},
		{"invalid weights rank with the defaults", Request{Topics: []string{"go"}},
			[]Candidate{go1}, Weights{}, []string{"e1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Rank(tt.req, tt.cands, tt.w, now)
			if got == nil {
				t.Fatal("Rank returned nil; want a non-nil slice (JSON [])")
			}
			if diff := cmp.Diff(tt.want, ids(got)); diff != "" {
				t.Errorf("ids mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRankWeightShares(t *testing.T) {
	now := ts(t, "2027-02-01T08:00:00Z")
	c := []Candidate{{ExpertID: "e", Topics: []string{"go"}, Timezone: "UTC"}}
	tests := []struct {
		name string
		w    Weights
		want []float64
	}{
		{"defaults", DefaultWeights(), []float64{0.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1}},
		{"relative: all ones", Weights{1, 1, 1, 1, 1, 1, 1}, []float64{0.1429, 0.1429, 0.1429, 0.1429, 0.1429, 0.1429, 0.1429}},
		{"relative: doubled defaults", Weights{0.6, 0.4, 0.2, 0.2, 0.2, 0.2, 0.2}, []float64{0.3, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1}},
		{"topic only", Weights{Topic: 0.5}, []float64{1, 0, 0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := Rank(Request{Topics: []string{"go"}}, c, tt.w, now)
			var got []float64
			for _, s := range ms[0].Signals {
				got = append(got, s.Weight)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("weights mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
