package analytics

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tandemhq/tandem/internal/tandem"
)

var (
	org           = Group{Kind: KindOrg, Name: "Acme"}
	analyticsDept = Group{Kind: KindDepartment, Key: "an", Name: "analytics"}
	design        = Group{Kind: KindDepartment, Key: "des", Name: "Design"}
	design2       = Group{Kind: KindDepartment, Key: "des2", Name: "Design"}
	eng           = Group{Kind: KindDepartment, Key: "eng", Name: "Engineering"}
	ana           = Group{Kind: KindExpert, Key: "e1", Name: "Ana"}
	bo            = Group{Kind: KindExpert, Key: "e2", Name: "Bo"}
)

// fixture is two months of aggregates, deliberately out of order.
func fixture() []MonthGroup {
	return []MonthGroup{
		{"2027-02", org, Counts{Booked: 4, Completed: 3, Started: 4, ActiveLearners: 3, Ratings: 3, RatingSum: 12,
			Satisfied: 3, Recommends: 2, Promoters: 2, MatchMinutes: []int64{60}}},
		{"2027-01", org, Counts{Booked: 2, Completed: 1, Started: 2, ActiveLearners: 1, Ratings: 1, RatingSum: 5, Satisfied: 1}},
		// Engineering was called "Eng" in January; the latest name wins.
		{"2027-02", eng, Counts{Booked: 1, Completed: 1, Started: 1, ActiveLearners: 1, Ratings: 1, RatingSum: 3,
			Recommends: 3, Promoters: 1, Detractors: 1}},
		{"2027-01", Group{Kind: KindDepartment, Key: "eng", Name: "Eng"}, Counts{Booked: 3, Completed: 3, Started: 3,
			ActiveLearners: 3, Ratings: 2, RatingSum: 8, Satisfied: 2}},
		// Design has the same 2 learners each month: 4 summed, but 2 people.
		{"2027-01", design, Counts{Completed: 2, Started: 2, ActiveLearners: 2, Learners: []int64{11, 12}}},
		{"2027-02", design, Counts{Completed: 2, Started: 2, ActiveLearners: 2, Learners: []int64{11, 12}}},
		{"2027-02", design2, Counts{Completed: 3, Started: 3, ActiveLearners: 3}},
		{"2027-01", analyticsDept, Counts{Completed: 5, Started: 5, ActiveLearners: 5}},
		{"2027-01", ana, Counts{Completed: 3, Started: 4, ActiveLearners: 3, MinutesOffered: 600, MinutesBooked: 240}},
		{"2027-01", bo, Counts{Completed: 1, Started: 1, ActiveLearners: 1, MinutesOffered: 60}},
	}
}

func TestReport(t *testing.T) {
	tests := []struct {
		name    string
		groupBy string
		want    []Row
	}{
		{
			name:    "month: org rows in month order, ratings withheld under 3",
			groupBy: ByMonth,
			want: []Row{
				{Month: "2027-01", Group: org, Withheld: []string{FieldCSAT, FieldAverageRating},
					Metrics: Metrics{Booked: 2, Completed: 1, ActiveLearners: 1, CompletionRate: f(0.5),
						NoShowRateHost: f(0), NoShowRateGuest: f(0), LateCancelRate: f(0), CrossFunctionalReach: f(0)}},
				{Month: "2027-02", Group: org, Withheld: []string{FieldNPS},
					Metrics: Metrics{Booked: 4, Completed: 3, ActiveLearners: 3, CompletionRate: f(0.75),
						NoShowRateHost: f(0), NoShowRateGuest: f(0), LateCancelRate: f(0), CrossFunctionalReach: f(0),
						CSAT: f(1), AverageRating: f(4), TimeToMatchMedianHours: f(1)}},
			},
		},
		{
			name:    "department: by name then key, small department suppressed",
			groupBy: ByDepartment,
			want: []Row{
				{Group: analyticsDept, Metrics: Metrics{Completed: 5, ActiveLearners: 5, CompletionRate: f(1),
					NoShowRateHost: f(0), NoShowRateGuest: f(0), CrossFunctionalReach: f(0)}},
				{Group: design, Suppressed: true, SuppressedReason: "fewer than 3 active learners"},
				{Group: design2, Metrics: Metrics{Completed: 3, ActiveLearners: 3, CompletionRate: f(1),
					NoShowRateHost: f(0), NoShowRateGuest: f(0), CrossFunctionalReach: f(0)}},
				{Group: eng, Metrics: Metrics{Booked: 4, Completed: 4, ActiveLearners: 4, CompletionRate: f(1),
					NoShowRateHost: f(0), NoShowRateGuest: f(0), LateCancelRate: f(0), CrossFunctionalReach: f(0),
					CSAT: f(0.6667), AverageRating: f(3.67), NPS: f(0)}},
			},
		},
		{
			name:    "expert: expert with one learner suppressed",
			groupBy: ByExpert,
			want: []Row{
				{Group: ana, Metrics: Metrics{Completed: 3, ActiveLearners: 3, HoursBooked: 4, HoursOffered: 10,
					UtilizationBooked: f(0.4), UtilizationDelivered: f(0), CompletionRate: f(0.75),
					NoShowRateHost: f(0), NoShowRateGuest: f(0), CrossFunctionalReach: f(0)}},
				{Group: bo, Suppressed: true, SuppressedReason: "fewer than 3 active learners"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Report(fixture(), tt.groupBy, 3)
			if err != nil {
				t.Fatalf("Report(%q) error: %v", tt.groupBy, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Report(%q) mismatch (-want +got):\n%s", tt.groupBy, diff)
			}
		})
	}
}

func TestReportOrgNeverSuppressed(t *testing.T) {
	in := []MonthGroup{{"2027-03", org, Counts{Completed: 1, Started: 1, ActiveLearners: 1}}}
	got, err := Report(in, ByMonth, 3)
	if err != nil {
		t.Fatalf("Report error: %v", err)
	}
	if len(got) != 1 || got[0].Suppressed || got[0].Metrics.Completed != 1 {
		t.Errorf("Report(one-learner org) = %+v, want one shown row", got)
	}
}

func TestReportEmpty(t *testing.T) {
	for _, by := range []string{ByMonth, ByDepartment, ByExpert} {
		t.Run(by, func(t *testing.T) {
			got, err := Report(nil, by, 3)
			if err != nil || got == nil || len(got) != 0 {
				t.Errorf("Report(nil, %q) = %v, %v; want empty non-nil rows, nil", by, got, err)
			}
		})
	}
}

func TestReportErrors(t *testing.T) {
	tests := []struct {
		name     string
		groups   []MonthGroup
		groupBy  string
		wantCode string
	}{
		{"unknown grouping", nil, "week", tandem.EInvalid},
		{"bad month", []MonthGroup{{"2027-3", org, Counts{}}}, ByMonth, tandem.EInternal},
		{"empty month", []MonthGroup{{"", eng, Counts{}}}, ByDepartment, tandem.EInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Report(tt.groups, tt.groupBy, 3)
			if got := tandem.ErrorCode(err); got != tt.wantCode {
				t.Errorf("Report() error code = %q (err %v), want %q", got, err, tt.wantCode)
			}
		})
	}
}

func TestTotal(t *testing.T) {
	got := Total(fixture(), 3)
	// Both org months: ratings 4 (shown), recommends 2 (withheld).
	want := Row{Group: org, Withheld: []string{FieldNPS}, Metrics: Metrics{
		Booked: 6, Completed: 4, ActiveLearners: 4, CompletionRate: f(0.6667),
		NoShowRateHost: f(0), NoShowRateGuest: f(0), LateCancelRate: f(0), CrossFunctionalReach: f(0),
		CSAT: f(1), AverageRating: f(4.25), TimeToMatchMedianHours: f(1)}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Total() mismatch (-want +got):\n%s", diff)
	}
}

// An expert's offered minutes are aggregated without a name (from the schedule alone), also
// for the latest month: the by-expert row keeps the name a month with sessions gave it, so
// HR does not see raw ids (issue 19).
func TestReportExpertNameSurvivesUnnamedLaterMonths(t *testing.T) {
	named := Group{Kind: KindExpert, Key: "acme-maya", Name: "Maya Okafor"}
	unnamed := Group{Kind: KindExpert, Key: "acme-maya"}
	only := Group{Kind: KindExpert, Key: "acme-lukas"}
	groups := []MonthGroup{
		{Month: "2027-04", Group: unnamed, Counts: Counts{MinutesOffered: 600}},
		{Month: "2027-02", Group: named, Counts: Counts{Booked: 1}},
		{Month: "2027-03", Group: unnamed, Counts: Counts{MinutesOffered: 600}},
		{Month: "2027-03", Group: only, Counts: Counts{MinutesOffered: 60}},
	}
	rows, err := Report(groups, ByExpert, 0)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, r := range rows {
		names[r.Group.Key] = r.Group.Name
	}
	if names["acme-maya"] != "Maya Okafor" {
		t.Errorf("name of acme-maya = %q, want Maya Okafor (rows %+v)", names["acme-maya"], rows)
	}
	if n, ok := names["acme-lukas"]; !ok || n != "" {
		t.Errorf("an expert never named keeps an empty name and a row: %q %v", n, ok)
	}
}
