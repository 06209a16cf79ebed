package matching

import (
	"testing"
	"time"
)

func TestCapacityWithoutPreferredTimes(t *testing.T) {
	now := ts(t, "2027-02-01T08:00:00Z")
	many := make([]string, 12)
	for i := range many {
		many[i] = now.Add(time.Duration(i+1) * time.Hour).Format(time.RFC3339)
	}
	tests := []struct {
		name    string
		urgency string
		slots   []string
		want    valueReason
	}{
		{"none", "", nil, valueReason{0, "no free slots in the next 14 days"}},
		{"one", "", []string{"2027-02-03T10:00:00Z"}, valueReason{0.1, "1 free slot in the next 14 days"}},
		{"three", "", []string{"2027-02-03T10:00:00Z", "2027-02-04T10:00:00Z", "2027-02-05T10:00:00Z"}, valueReason{0.3, "3 free slots in the next 14 days"}},
		{"ten or more is full", "", many, valueReason{1, "12 free slots in the next 14 days"}},
		{"repeats count once, in any order", "", []string{"2027-02-04T10:00:00Z", "2027-02-03T10:00:00Z", "2027-02-04T10:00:00Z"}, valueReason{0.2, "2 free slots in the next 14 days"}},
		{"only [now, now+14d) counts", "", []string{
			"2027-02-01T07:59:59Z", // past
			"2027-02-01T08:00:00Z", // now
			"2027-02-15T07:59:59Z", // last second of the horizon
			"2027-02-15T08:00:00Z", // past the horizon
		}, valueReason{0.2, "2 free slots in the next 14 days"}},
		{"urgent: the next 7 days", UrgencyHigh, []string{"2027-02-04T10:00:00Z", "2027-02-11T10:00:00Z"}, valueReason{0.1, "1 free slot in the next 7 days"}},
		{"low urgency: 14 days", UrgencyLow, []string{"2027-02-04T10:00:00Z", "2027-02-11T10:00:00Z"}, valueReason{0.2, "2 free slots in the next 14 days"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := Request{LearnerTimezone: "UTC", Urgency: tt.urgency}
			s := signalOf(t, req, Candidate{FreeSlots: slots(t, tt.slots...)}, now, SignalCapacity)
			if got := (valueReason{s.Value, s.Reason}); got != tt.want {
				t.Errorf("capacity = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestCapacityHalfHourZone: a learner in Kolkata (UTC+5:30) prefers Mondays 09-12 and Sundays
// 22-24 for one hour. Monday 2027-02-01 08:00Z is 13:30 there, so today's window is over;
// the horizon holds Sun 7, Mon 8, Sun 14 and Mon 15 Feb (09:00 IST on the 15th is 03:30Z,
// before the horizon ends at 08:00Z).
func TestCapacityHalfHourZone(t *testing.T) {
	now := ts(t, "2027-02-01T08:00:00Z")
	req := Request{
		LearnerTimezone: "Asia/Kolkata", DurationMin: 60,
		PreferredTimes: []TimeWindow{{Weekday: time.Monday, StartHour: 9, EndHour: 12}, {Weekday: time.Sunday, StartHour: 22, EndHour: 24}},
	}
	tests := []struct {
		name  string
		slots []string
		want  float64
	}{
		{"08:30 IST starts before the window", []string{"2027-02-08T03:00:00Z"}, 0},
		{"09:00 IST starts the window", []string{"2027-02-08T03:30:00Z"}, 0.25},
		{"11:00-12:00 IST ends with the window", []string{"2027-02-08T05:30:00Z"}, 0.25},
		{"11:30-12:30 IST runs past it", []string{"2027-02-08T06:00:00Z"}, 0},
		{"23:00-24:00 IST Sunday ends at midnight", []string{"2027-02-07T17:30:00Z"}, 0.25},
		{"23:30 IST Sunday runs into Monday", []string{"2027-02-07T18:00:00Z"}, 0},
		{"two slots in one window count once", []string{"2027-02-08T03:30:00Z", "2027-02-08T04:30:00Z"}, 0.25},
		{"every occurrence", []string{"2027-02-07T16:30:00Z", "2027-02-08T03:30:00Z", "2027-02-14T17:00:00Z", "2027-02-15T04:00:00Z"}, 1},
		{"today's window is over", []string{"2027-02-01T04:00:00Z"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := signalOf(t, req, Candidate{FreeSlots: slots(t, tt.slots...)}, now, SignalCapacity)
			if s.Value != tt.want {
				t.Errorf("capacity = %v (%s), want %v", s.Value, s.Reason, tt.want)
			}
			if want := "of your 4 preferred times in the next 14 days"; len(s.Reason) < len(want) || s.Reason[len(s.Reason)-len(want):] != want {
				t.Errorf("reason = %q, want it to end %q", s.Reason, want)
			}
		})
	}
}

// TestCapacityOccurrences: which occurrences of a window count depends on now, the horizon,
// the session length and how windows merge.
func TestCapacityOccurrences(t *testing.T) {
	mon := []TimeWindow{{Weekday: time.Monday, StartHour: 9, EndHour: 12}}
	tests := []struct {
		name  string
		now   string
		req   Request
		slots []string
		want  valueReason
	}{
		{
			name:  "today's window still ahead counts; the third Monday starts past the horizon",
			now:   "2027-02-01T02:00:00Z", // 07:30 IST
			req:   Request{LearnerTimezone: "Asia/Kolkata", DurationMin: 60, PreferredTimes: mon},
			slots: []string{"2027-02-01T03:30:00Z"},
			want:  valueReason{0.5, "free in 1 of your 2 preferred times in the next 14 days"},
		},
		{
			name:  "today's window under way counts while a session still fits",
			now:   "2027-02-01T05:00:00Z", // 10:30 IST: 10:30-11:30 fits; the 15th's window is in the horizon
			req:   Request{LearnerTimezone: "Asia/Kolkata", DurationMin: 60, PreferredTimes: mon},
			slots: []string{"2027-02-01T05:00:00Z"},
			want:  valueReason{0.3333, "free in 1 of your 3 preferred times in the next 14 days"},
		},
		{
			name:  "today's window too far gone for a session",
			now:   "2027-02-01T05:45:00Z", // 11:15 IST
			req:   Request{LearnerTimezone: "Asia/Kolkata", DurationMin: 60, PreferredTimes: mon},
			slots: []string{"2027-02-08T04:45:00Z"}, // 10:15 IST next Monday
			want:  valueReason{0.5, "free in 1 of your 2 preferred times in the next 14 days"},
		},
		{
			name:  "urgent: one week holds one Monday",
			now:   "2027-02-01T08:00:00Z",
			req:   Request{LearnerTimezone: "Asia/Kolkata", DurationMin: 60, PreferredTimes: mon, Urgency: UrgencyHigh},
			slots: []string{"2027-02-08T03:30:00Z"},
			want:  valueReason{1, "free in 1 of your 1 preferred times in the next 7 days"},
		},
		{
			name: "overlapping and touching windows merge: 09-13 holds an 11:30-12:30 session",
			now:  "2027-02-01T08:00:00Z",
			req: Request{LearnerTimezone: "UTC", DurationMin: 60, PreferredTimes: []TimeWindow{
				{Weekday: time.Tuesday, StartHour: 9, EndHour: 11}, {Weekday: time.Tuesday, StartHour: 10, EndHour: 12}, {Weekday: time.Tuesday, StartHour: 12, EndHour: 13},
			}},
			slots: []string{"2027-02-02T11:30:00Z"},
			want:  valueReason{0.5, "free in 1 of your 2 preferred times in the next 14 days"},
		},
		{
			name:  "a window too short for the session is ignored: no usable window, so slots count",
			now:   "2027-02-01T08:00:00Z",
			req:   Request{LearnerTimezone: "UTC", DurationMin: 90, PreferredTimes: []TimeWindow{{Weekday: time.Tuesday, StartHour: 9, EndHour: 10}}},
			slots: []string{"2027-02-02T09:00:00Z"},
			want:  valueReason{0.1, "1 free slot in the next 14 days"},
		},
		{
			name:  "no session length: only the start must be inside",
			now:   "2027-02-01T08:00:00Z",
			req:   Request{LearnerTimezone: "UTC", PreferredTimes: []TimeWindow{{Weekday: time.Tuesday, StartHour: 9, EndHour: 10}}},
			slots: []string{"2027-02-02T09:59:00Z"},
			want:  valueReason{0.5, "free in 1 of your 2 preferred times in the next 14 days"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := signalOf(t, tt.req, Candidate{FreeSlots: slots(t, tt.slots...)}, ts(t, tt.now), SignalCapacity)
			if got := (valueReason{s.Value, s.Reason}); got != tt.want {
				t.Errorf("capacity = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestCapacityAcrossDST: Mondays 09-10 in New York are 14:00Z before the spring-forward of
// 2027-03-14 and 13:00Z after it; the window follows the learner's wall clock.
func TestCapacityAcrossDST(t *testing.T) {
	now := ts(t, "2027-03-08T12:00:00Z") // Monday 07:00 EST
	req := Request{LearnerTimezone: "America/New_York", DurationMin: 60,
		PreferredTimes: []TimeWindow{{Weekday: time.Monday, StartHour: 9, EndHour: 10}}}
	tests := []struct {
		name  string
		slots []string
		want  float64
	}{
		{"09:00 EST on the 8th", []string{"2027-03-08T14:00:00Z"}, 0.5},
		{"09:00 EDT on the 15th", []string{"2027-03-15T13:00:00Z"}, 0.5},
		{"14:00Z on the 15th is 10:00 EDT", []string{"2027-03-15T14:00:00Z"}, 0},
		{"13:00Z on the 8th is 08:00 EST", []string{"2027-03-08T13:00:00Z"}, 0},
		{"both Mondays", []string{"2027-03-08T14:00:00Z", "2027-03-15T13:00:00Z"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := signalOf(t, req, Candidate{FreeSlots: slots(t, tt.slots...)}, now, SignalCapacity)
			if s.Value != tt.want {
				t.Errorf("capacity = %v (%s), want %v", s.Value, s.Reason, tt.want)
			}
		})
	}
}
