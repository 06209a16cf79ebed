package availability

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tandemhq/tandem/internal/tandem"
)

// The week of Monday 2026-01-05 in Berlin (CET, +01:00) hosts the non-DST rule tests.
const (
	berlin   = "Europe/Berlin"
	monday   = "2026-01-05T00:00:00+01:00"
	nextWeek = "2026-01-12T00:00:00+01:00"
	longAgo  = "2025-12-01T00:00:00Z"
)

func TestSlotsRules(t *testing.T) {
	tests := []struct {
		name     string
		schedule Schedule
		rules    Rules
		busy     []Busy
		from, to string
		now      string
		want     []string // starts in Berlin
	}{
		{
			name:     "touching intervals merge across midnight and the grid runs on",
			schedule: Schedule{Weekly: Weekly{Mon: []LocalInterval{li("20:00", "24:00")}, Tue: []LocalInterval{li("00:00", "02:00")}}},
			rules:    Rules{DurationMin: 45, IncrementMin: 45, HorizonDays: 365},
			from:     monday, to: nextWeek,
			want: []string{"2026-01-05T20:00:00+01:00", "2026-01-05T20:45:00+01:00", "2026-01-05T21:30:00+01:00", "2026-01-05T22:15:00+01:00",
				"2026-01-05T23:00:00+01:00", "2026-01-05T23:45:00+01:00", "2026-01-06T00:30:00+01:00", "2026-01-06T01:15:00+01:00"},
		},
		{
			name:     "a session may span midnight",
			schedule: Schedule{Weekly: Weekly{Mon: []LocalInterval{li("22:00", "24:00")}, Tue: []LocalInterval{li("00:00", "01:00")}}},
			rules:    Rules{DurationMin: 120, IncrementMin: 60, HorizonDays: 365},
			from:     monday, to: nextWeek,
			want: []string{"2026-01-05T22:00:00+01:00", "2026-01-05T23:00:00+01:00"},
		},
		{
			name:     "grid starts at each interval's start",
			schedule: Schedule{Weekly: Weekly{Mon: []LocalInterval{li("09:10", "10:30"), li("14:05", "15:05")}}},
			rules:    Rules{DurationMin: 30, IncrementMin: 30, HorizonDays: 365},
			from:     monday, to: nextWeek,
			want: []string{"2026-01-05T09:10:00+01:00", "2026-01-05T09:40:00+01:00", "2026-01-05T14:05:00+01:00", "2026-01-05T14:35:00+01:00"},
		},
		{
			name:     "buffers may extend past available hours",
			schedule: Schedule{Weekly: Weekly{Mon: []LocalInterval{li("09:00", "10:00")}}},
			rules:    Rules{DurationMin: 60, IncrementMin: 60, BufferBeforeMin: 30, BufferAfterMin: 30, HorizonDays: 365},
			from:     monday, to: nextWeek,
			want: []string{"2026-01-05T09:00:00+01:00"},
		},
		{
			name: "time off blocks sessions, not buffers, and does not shift the grid",
			schedule: Schedule{Weekly: Weekly{Mon: []LocalInterval{li("09:00", "14:00")}}, TimeOff: []TimeOff{
				{Start: ts(t, "2026-01-05T09:00:00+01:00"), End: ts(t, "2026-01-05T09:30:00+01:00")},
				{Start: ts(t, "2026-01-05T11:00:00+01:00"), End: ts(t, "2026-01-05T12:00:00+01:00")},
			}},
			rules: Rules{DurationMin: 60, IncrementMin: 60, BufferAfterMin: 30, BufferBeforeMin: 30, HorizonDays: 365},
			from:  monday, to: nextWeek,
			want: []string{"2026-01-05T10:00:00+01:00", "2026-01-05T12:00:00+01:00", "2026-01-05T13:00:00+01:00"},
		},
		{
			name:     "back-to-back sessions are separated by both buffers",
			schedule: Schedule{Weekly: Weekly{Mon: []LocalInterval{li("08:00", "13:00")}}},
			rules:    Rules{DurationMin: 60, IncrementMin: 5, BufferBeforeMin: 10, BufferAfterMin: 10, HorizonDays: 365},
			busy: []Busy{{Start: ts(t, "2026-01-05T10:00:00+01:00"), End: ts(t, "2026-01-05T11:00:00+01:00"),
				BufferBefore: 15 * time.Minute, BufferAfter: 15 * time.Minute}},
			from: "2026-01-05T08:30:00+01:00", to: "2026-01-05T11:30:00+01:00",
			want: []string{"2026-01-05T08:30:00+01:00", "2026-01-05T08:35:00+01:00", "2026-01-05T11:25:00+01:00"},
		},
		{
			name:     "notice counts from now to the second",
			schedule: Schedule{Weekly: Weekly{Mon: []LocalInterval{li("09:00", "11:00")}}},
			rules:    Rules{DurationMin: 60, IncrementMin: 60, MinNoticeMin: 60, HorizonDays: 365},
			now:      "2026-01-05T08:00:00.5+01:00",
			from:     monday, to: nextWeek,
			want: []string{"2026-01-05T10:00:00+01:00"},
		},
		{
			name:     "a day full of counted sessions is not offered; uncounted busy does not count",
			schedule: Schedule{Weekly: everyDay(li("09:00", "11:00"))},
			rules:    Rules{DurationMin: 60, IncrementMin: 60, HorizonDays: 365, MaxPerDay: 1},
			busy: []Busy{
				// 23:30 Monday in Berlin is Tuesday in UTC: it fills Monday.
				{Start: ts(t, "2026-01-05T23:30:00+01:00"), End: ts(t, "2026-01-06T00:00:00+01:00"), Counts: true},
				{Start: ts(t, "2026-01-06T20:00:00+01:00"), End: ts(t, "2026-01-06T21:00:00+01:00")},
			},
			from: monday, to: "2026-01-07T00:00:00+01:00",
			want: []string{"2026-01-06T09:00:00+01:00", "2026-01-06T10:00:00+01:00"},
		},
		{
			name:     "a full ISO week is not offered until Monday",
			schedule: Schedule{Weekly: everyDay(li("09:00", "10:00"))},
			rules:    Rules{DurationMin: 60, IncrementMin: 60, HorizonDays: 365, MaxPerWeek: 2},
			busy: []Busy{
				{Start: ts(t, "2026-01-06T15:00:00+01:00"), End: ts(t, "2026-01-06T16:00:00+01:00"), Counts: true},
				{Start: ts(t, "2026-01-11T23:00:00+01:00"), End: ts(t, "2026-01-11T23:30:00+01:00"), Counts: true},
			},
			from: "2026-01-04T00:00:00+01:00", to: "2026-01-13T00:00:00+01:00",
			want: []string{"2026-01-04T09:00:00+01:00", "2026-01-12T09:00:00+01:00"},
		},
		{
			// 7 does not divide a day: the grid restarts at each local midnight after a full day.
			name:     "round-the-clock availability restarts the grid at midnight",
			schedule: Schedule{Weekly: everyDay(li("00:00", "24:00"))},
			rules:    Rules{DurationMin: 7, IncrementMin: 7, HorizonDays: 365},
			from:     "2026-01-06T23:40:00+01:00", to: "2026-01-07T00:10:00+01:00",
			want: []string{"2026-01-06T23:41:00+01:00", "2026-01-06T23:48:00+01:00", "2026-01-06T23:55:00+01:00", "2026-01-07T00:00:00+01:00", "2026-01-07T00:07:00+01:00"},
		},
	}
	loc := zoneOf(t, berlin)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.schedule
			s.Timezone = berlin
			now := ts(t, longAgo)
			if tt.now != "" {
				now = ts(t, tt.now)
			}
			got, err := Slots(s, tt.rules, tt.busy, ts(t, tt.from), ts(t, tt.to), now, time.UTC)
			if err != nil {
				t.Fatalf("Slots: %v", err)
			}
			if diff := cmp.Diff(tt.want, startsIn(got, loc)); diff != "" {
				t.Errorf("slot starts (-want +got):\n%s", diff)
			}
			checkSlotsAgree(t, s, tt.rules, tt.busy, now, got)
		})
	}
}

func TestCheckReasons(t *testing.T) {
	s := Schedule{
		Timezone: berlin,
		Weekly:   everyDay(li("09:00", "12:00")),
		TimeOff:  []TimeOff{{Start: ts(t, "2026-01-08T00:00:00+01:00"), End: ts(t, "2026-01-09T00:00:00+01:00")}},
	}
	r := Rules{DurationMin: 60, IncrementMin: 30, MinNoticeMin: 120, HorizonDays: 10, MaxPerDay: 2, MaxPerWeek: 3,
		BufferBeforeMin: 10, BufferAfterMin: 10}
	// Three counted sessions fill the week of Monday 2026-01-05; two of them fill Wednesday.
	busy := []Busy{
		{Start: ts(t, "2026-01-06T09:00:00+01:00"), End: ts(t, "2026-01-06T10:00:00+01:00"), Counts: true},
		{Start: ts(t, "2026-01-07T09:00:00+01:00"), End: ts(t, "2026-01-07T09:30:00+01:00"), Counts: true},
		{Start: ts(t, "2026-01-07T11:30:00+01:00"), End: ts(t, "2026-01-07T12:00:00+01:00"), Counts: true},
	}
	now := ts(t, "2026-01-05T09:30:00+01:00")
	tests := []struct {
		start     string
		code, why string
	}{
		{start: "2026-01-12T10:00:00+01:00"},
		{start: "2026-01-13T10:30:00+01:00"},
		{start: "2026-01-15T09:00:00+01:00"}, // the last day of the horizon
		{start: "2026-01-06T08:00:00+01:00", code: tandem.EInvalid, why: ReasonUnavailable},
		{start: "2026-01-06T11:30:00+01:00", code: tandem.EInvalid, why: ReasonUnavailable}, // ends after 12:00
		{start: "2026-01-06T10:15:00+01:00", code: tandem.EInvalid, why: ReasonOffGrid},
		{start: "2026-01-06T10:30:00.5+01:00", code: tandem.EInvalid, why: ReasonOffGrid},
		{start: "2026-01-05T11:00:00+01:00", code: tandem.EInvalid, why: ReasonTooSoon},
		{start: "2026-01-04T09:00:00+01:00", code: tandem.EInvalid, why: ReasonTooSoon},
		{start: "2026-01-16T09:00:00+01:00", code: tandem.EInvalid, why: ReasonTooFar},
		{start: "2026-01-08T10:00:00+01:00", code: tandem.EInvalid, why: ReasonTimeOff},
		{start: "2026-01-06T10:00:00+01:00", code: tandem.EConflict, why: ReasonBusy}, // inside the buffers
		{start: "2026-01-07T10:00:00+01:00", code: tandem.ELimitExceeded, why: ReasonDayLimit},
		{start: "2026-01-09T10:00:00+01:00", code: tandem.ELimitExceeded, why: ReasonWeekLimit},
		{start: "2026-01-06T10:30:00+01:00", code: tandem.ELimitExceeded, why: ReasonWeekLimit},
		{start: "2300-01-01T10:00:00Z", code: tandem.EInvalid, why: ReasonUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.start, func(t *testing.T) {
			err := Check(s, r, busy, ts(t, tt.start), now)
			code, why := codeAndReason(err)
			if code != tt.code || why != tt.why {
				t.Errorf("Check = %v (code %q, reason %q), want code %q reason %q", err, code, why, tt.code, tt.why)
			}
			if err != nil && tandem.ErrorMessage(err) == "An internal error occurred." {
				t.Errorf("Check = %v, want a client-safe message", err)
			}
		})
	}
}

func TestSlotsErrors(t *testing.T) {
	s := Schedule{Timezone: berlin, Weekly: everyDay(li("09:00", "17:00"))}
	r := Rules{DurationMin: 60, IncrementMin: 30, HorizonDays: 60}
	now := ts(t, longAgo)
	tests := []struct {
		name     string
		s        Schedule
		r        Rules
		from, to string
	}{
		{"to before from", s, r, "2026-01-10T00:00:00Z", "2026-01-09T00:00:00Z"},
		{"more than 100 days", s, r, "2026-01-01T00:00:00Z", "2026-04-11T00:00:01Z"},
		{"beyond 2199", s, r, "2199-12-31T00:00:00Z", "2200-01-02T00:00:00Z"},
		{"invalid schedule", Schedule{Timezone: "Mars/Olympus"}, r, "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"},
		{"zero duration", s, Rules{IncrementMin: 30}, "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"},
		{"negative notice", s, Rules{DurationMin: 30, IncrementMin: 30, MinNoticeMin: -1}, "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Slots(tt.s, tt.r, nil, ts(t, tt.from), ts(t, tt.to), now, nil)
			if code := tandem.ErrorCode(err); code != tandem.EInvalid {
				t.Errorf("Slots = %v, %v; want code %q", len(got), err, tandem.EInvalid)
			}
		})
	}
	t.Run("100 days is fine and empty is not nil", func(t *testing.T) {
		got, err := Slots(Schedule{Timezone: berlin}, r, nil, ts(t, "2026-01-01T00:00:00Z"), ts(t, "2026-04-11T00:00:00Z"), now, nil)
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("Slots = %#v, %v; want an empty non-nil list", got, err)
		}
	})
}

func TestOpen(t *testing.T) {
	tests := []struct {
		name     string
		s        Schedule
		from, to string
		want     []Slot
	}{
		{
			name: "weekly hours minus time off, clipped to the range",
			s: Schedule{Timezone: berlin, Weekly: Weekly{Mon: []LocalInterval{li("09:00", "17:00")}},
				TimeOff: []TimeOff{{Start: ts(t, "2026-01-05T12:00:00+01:00"), End: ts(t, "2026-01-05T13:00:00+01:00")}}},
			from: "2026-01-05T10:00:00+01:00", to: nextWeek,
			want: []Slot{
				{Start: ts(t, "2026-01-05T09:00:00Z"), End: ts(t, "2026-01-05T11:00:00Z")},
				{Start: ts(t, "2026-01-05T12:00:00Z"), End: ts(t, "2026-01-05T16:00:00Z")},
			},
		},
		{
			name: "touching intervals merge across midnight",
			s:    Schedule{Timezone: berlin, Weekly: Weekly{Mon: []LocalInterval{li("20:00", "24:00")}, Tue: []LocalInterval{li("00:00", "02:00")}}},
			from: monday, to: nextWeek,
			want: []Slot{{Start: ts(t, "2026-01-05T19:00:00Z"), End: ts(t, "2026-01-06T01:00:00Z")}},
		},
		{
			name: "a fall-back day offers 25 hours, a spring-forward day 23",
			s: Schedule{Timezone: "America/New_York", Overrides: []Override{
				{Date: "2026-03-08", Intervals: []LocalInterval{li("00:00", "24:00")}},
				{Date: "2026-11-01", Intervals: []LocalInterval{li("00:00", "24:00")}},
			}},
			from: "2026-03-01T00:00:00Z", to: "2026-11-30T00:00:00Z",
			want: []Slot{
				{Start: ts(t, "2026-03-08T05:00:00Z"), End: ts(t, "2026-03-09T04:00:00Z")},
				{Start: ts(t, "2026-11-01T04:00:00Z"), End: ts(t, "2026-11-02T05:00:00Z")},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Open(tt.s, ts(t, tt.from), ts(t, tt.to))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Open (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRulesFor(t *testing.T) {
	st := tandem.SessionType{ID: "intro", Name: "Intro", DurationMin: 45, BufferBeforeMin: 5, BufferAfterMin: 10, Seats: 1}
	tests := []struct {
		name   string
		limits tandem.Limits
		want   Rules
	}{
		{"all set", tandem.Limits{MinNoticeMin: 60, HorizonDays: 30, MaxPerDay: 3, MaxPerWeek: 10, StartIncrementMin: 15},
			Rules{DurationMin: 45, BufferBeforeMin: 5, BufferAfterMin: 10, IncrementMin: 15, MinNoticeMin: 60, HorizonDays: 30, MaxPerDay: 3, MaxPerWeek: 10, LockCellMin: tandem.LockCellMin}},
		{"zero increment and horizon take the defaults", tandem.Limits{},
			Rules{DurationMin: 45, BufferBeforeMin: 5, BufferAfterMin: 10, IncrementMin: tandem.DefaultLimits.StartIncrementMin, HorizonDays: tandem.DefaultLimits.HorizonDays, LockCellMin: tandem.LockCellMin}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, RulesFor(st, tt.limits)); diff != "" {
				t.Errorf("RulesFor (-want +got):\n%s", diff)
			}
		})
	}
}
