package analytics

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func f(x float64) *float64 { return &x }

// sample is a month worked by hand in TestCompute.
func sample() Counts {
	return Counts{
		Booked: 10, Completed: 6, Cancelled: 2, LateCancelled: 1, NoShowHost: 1, NoShowGuest: 1,
		Started: 8, MinutesBooked: 480, MinutesDelivered: 360, MinutesOffered: 1200, CrossDept: 2,
		ActiveLearners: 4, Ratings: 6, RatingSum: 26, Satisfied: 5, Recommends: 6, Promoters: 3,
		Detractors: 1, Requests: 5, Matched: 4, NewTies: 3, MatchMinutes: []int64{600, 30, 150, 90},
	}
}

func TestCompute(t *testing.T) {
	tests := []struct {
		name string
		in   Counts
		opts []Option
		want Metrics
	}{
		{
			name: "zero denominators are null",
			in:   Counts{Booked: 0, NewTies: 2, Requests: 1},
			want: Metrics{NewTies: 2, Requests: 1},
		},
		{
			name: "hand computed",
			in:   sample(),
			want: Metrics{
				Booked: 10, Completed: 6, Cancelled: 2, LateCancelled: 1, NoShowHost: 1, NoShowGuest: 1,
				HoursBooked: 8, HoursDelivered: 6, HoursOffered: 20,
				Requests: 5, Matched: 4, NewTies: 3, ActiveLearners: 4,
				UtilizationBooked:      f(0.4),    // 480 / 1200
				UtilizationDelivered:   f(0.3),    // 360 / 1200
				CompletionRate:         f(0.75),   // 6 / 8
				NoShowRateHost:         f(0.125),  // 1 / 8
				NoShowRateGuest:        f(0.125),  // 1 / 8
				LateCancelRate:         f(0.1),    // 1 / 10
				CSAT:                   f(0.8333), // 5 / 6
				NPS:                    f(33.33),  // 100 × (3 − 1) / 6
				AverageRating:          f(4.33),   // 26 / 6
				TimeToMatchMedianHours: f(2),      // (90 + 150) / 2 = 120 min
				CrossFunctionalReach:   f(0.3333), // 2 / 6
			},
		},
		{
			name: "rounding and negative nps",
			in: Counts{Booked: 3, LateCancelled: 2, MinutesBooked: 100, MinutesOffered: 300,
				Recommends: 3, Detractors: 2, Promoters: 1, Ratings: 3, RatingSum: 7, Satisfied: 0,
				MatchMinutes: []int64{45}},
			want: Metrics{
				Booked: 3, LateCancelled: 2, HoursBooked: 1.67, HoursOffered: 5,
				UtilizationBooked: f(0.3333), UtilizationDelivered: f(0), LateCancelRate: f(0.6667),
				CSAT: f(0), NPS: f(-33.33), AverageRating: f(2.33), TimeToMatchMedianHours: f(0.75),
			},
		},
		{
			name: "budget",
			in:   Counts{MinutesDelivered: 600},
			opts: []Option{WithBudget(40, 10)},
			want: Metrics{HoursDelivered: 10, BudgetHours: f(40), BudgetUsedHours: f(10), BudgetUsedShare: f(0.25)},
		},
		{
			name: "zero budget has no share",
			opts: []Option{WithBudget(0, 5)},
			want: Metrics{BudgetHours: f(0), BudgetUsedHours: f(5)},
		},
		{
			name: "non-finite budget ignored",
			opts: []Option{WithBudget(math.NaN(), 5), WithBudget(10, math.Inf(1))},
			want: Metrics{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compute(tt.in, tt.opts...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Compute() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestComputeJSONHasNullsNotNaN(t *testing.T) {
	b, err := json.Marshal(Compute(Counts{}))
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	got := string(b)
	for _, want := range []string{`"completionRate":null`, `"nps":null`, `"timeToMatchMedianHours":null`,
		`"budgetUsedShare":null`, `"hoursBooked":0`, `"activeLearners":0`} {
		if !strings.Contains(got, want) {
			t.Errorf("JSON %s: want it to contain %s", got, want)
		}
	}
}

func TestRoundNeverNegativeZero(t *testing.T) {
	got := round(-0.00001, 4)
	if got != 0 || math.Signbit(got) {
		t.Errorf("round(-0.00001, 4) = %v (signbit %v), want +0", got, math.Signbit(got))
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		name   string
		in     []int64
		want   float64
		wantOK bool
	}{
		{"empty", nil, 0, false},
		{"one", []int64{7}, 7, true},
		{"odd", []int64{5, 1, 3}, 3, true},
		{"even", []int64{4, 1, 3, 2}, 2.5, true},
		{"even with duplicates", []int64{10, 10, 20, 20}, 15, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]int64(nil), tt.in...)
			got, ok := median(in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("median(%v) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
			if diff := cmp.Diff(tt.in, in); diff != "" {
				t.Errorf("median modified its input (-before +after):\n%s", diff)
			}
		})
	}
}

func TestCountsAdd(t *testing.T) {
	a := Counts{Booked: 1, Started: 1, ActiveLearners: 2, Promoters: 1, MatchMinutes: make([]int64, 1, 8)}
	b := Counts{Booked: 2, Started: 3, ActiveLearners: 1, Detractors: 1, MatchMinutes: []int64{5}}
	c := Counts{Booked: 4, MatchMinutes: []int64{9}}

	ab := a.Add(b)
	ac := a.Add(c) // must not overwrite ab's minutes through a's spare capacity
	want := Counts{Booked: 3, Started: 4, ActiveLearners: 3, Promoters: 1, Detractors: 1, MatchMinutes: []int64{0, 5}}
	if diff := cmp.Diff(want, ab); diff != "" {
		t.Errorf("a.Add(b) mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{0, 9}, ac.MatchMinutes); diff != "" {
		t.Errorf("a.Add(c).MatchMinutes mismatch (-want +got):\n%s", diff)
	}
	if got := (Counts{}).Add(Counts{}); got.MatchMinutes != nil {
		t.Errorf("empty Add MatchMinutes = %v, want nil", got.MatchMinutes)
	}
}

// TestCountsAddEveryField guards against a counter added to Counts but not to Add.
func TestCountsAddEveryField(t *testing.T) {
	var one Counts
	v := reflect.ValueOf(&one).Elem()
	for i := range v.NumField() {
		if v.Field(i).Kind() == reflect.Int64 {
			v.Field(i).SetInt(1)
		}
	}
	sum := reflect.ValueOf(one.Add(one))
	for i := range sum.NumField() {
		if fld := sum.Field(i); fld.Kind() == reflect.Int64 && fld.Int() != 2 {
			t.Errorf("Add: %s = %d, want 2", sum.Type().Field(i).Name, fld.Int())
		}
	}
}
