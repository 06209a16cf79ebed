package availability

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestSlotsDST stands on transition days in zones with 1-hour, 30-minute and 45-minute
// offsets. Wants are in the expert's zone (RFC 3339 shows the offset, so a repeated hour shows
// twice); the learner's zone differs in every case and the test checks slots come back in it.
func TestSlotsDST(t *testing.T) {
	far := Rules{DurationMin: 60, IncrementMin: 60, HorizonDays: 365}
	half := Rules{DurationMin: 30, IncrementMin: 30, HorizonDays: 365}
	halfHourly := Rules{DurationMin: 30, IncrementMin: 60, HorizonDays: 365}
	noticeDay := Rules{DurationMin: 60, IncrementMin: 60, HorizonDays: 365, MinNoticeMin: 24 * 60}
	tomorrow := Rules{DurationMin: 60, IncrementMin: 60, HorizonDays: 1}
	today := Rules{DurationMin: 60, IncrementMin: 60, HorizonDays: 0}
	on := func(date string, ivs ...LocalInterval) []Override {
		return []Override{{Date: date, Intervals: ivs}}
	}
	tests := []struct {
		name      string
		expert    string // expert's zone
		learner   string // presentation zone
		weekly    Weekly
		overrides []Override
		rules     Rules
		from, to  string
		now       string // default: long before
		want      []string
	}{
		{
			name: "new york weekly hours stay local across spring forward", expert: "America/New_York", learner: "Europe/Berlin",
			weekly: everyDay(li("09:00", "11:00")), rules: far,
			from: "2026-03-07T00:00:00-05:00", to: "2026-03-09T00:00:00-04:00",
			want: []string{"2026-03-07T09:00:00-05:00", "2026-03-07T10:00:00-05:00", "2026-03-08T09:00:00-04:00", "2026-03-08T10:00:00-04:00"},
		},
		{
			name: "new york weekly hours stay local across fall back", expert: "America/New_York", learner: "Europe/Berlin",
			weekly: everyDay(li("09:00", "11:00")), rules: far,
			from: "2026-10-31T00:00:00-04:00", to: "2026-11-02T00:00:00-05:00",
			want: []string{"2026-10-31T09:00:00-04:00", "2026-10-31T10:00:00-04:00", "2026-11-01T09:00:00-05:00", "2026-11-01T10:00:00-05:00"},
		},
		{
			name: "new york spring forward gap offers nothing inside", expert: "America/New_York", learner: "UTC",
			overrides: on("2026-03-08", li("00:00", "05:00")), rules: far,
			from: "2026-03-08T00:00:00-05:00", to: "2026-03-09T00:00:00-04:00",
			want: []string{"2026-03-08T00:00:00-05:00", "2026-03-08T01:00:00-05:00", "2026-03-08T03:00:00-04:00", "2026-03-08T04:00:00-04:00"},
		},
		{
			name: "new york interval starting in the gap starts at the transition", expert: "America/New_York", learner: "Asia/Tokyo",
			overrides: on("2026-03-08", li("02:30", "04:00")), rules: half,
			from: "2026-03-08T00:00:00-05:00", to: "2026-03-09T00:00:00-04:00",
			want: []string{"2026-03-08T03:00:00-04:00", "2026-03-08T03:30:00-04:00"},
		},
		{
			name: "new york fall back repeated hour offered twice", expert: "America/New_York", learner: "Europe/Berlin",
			overrides: on("2026-11-01", li("00:00", "03:00")), rules: far,
			from: "2026-11-01T00:00:00-04:00", to: "2026-11-02T00:00:00-05:00",
			want: []string{"2026-11-01T00:00:00-04:00", "2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00", "2026-11-01T02:00:00-05:00"},
		},
		{
			name: "new york override closes the transition day", expert: "America/New_York", learner: "Europe/Berlin",
			weekly: everyDay(li("09:00", "10:00")), overrides: on("2026-03-08"), rules: far,
			from: "2026-03-07T00:00:00-05:00", to: "2026-03-10T00:00:00-04:00",
			want: []string{"2026-03-07T09:00:00-05:00", "2026-03-09T09:00:00-04:00"},
		},
		{
			name: "new york notice is absolute across spring forward", expert: "America/New_York", learner: "UTC",
			weekly: everyDay(li("09:00", "17:00")), rules: noticeDay, now: "2026-03-07T12:00:00-05:00",
			from: "2026-03-08T00:00:00-05:00", to: "2026-03-09T00:00:00-04:00",
			want: []string{"2026-03-08T13:00:00-04:00", "2026-03-08T14:00:00-04:00", "2026-03-08T15:00:00-04:00", "2026-03-08T16:00:00-04:00"},
		},
		{
			name: "new york horizon counts local days", expert: "America/New_York", learner: "UTC",
			weekly: everyDay(li("09:00", "10:00")), rules: tomorrow, now: "2026-03-07T23:30:00-05:00",
			from: "2026-03-07T00:00:00-05:00", to: "2026-03-11T00:00:00-04:00",
			want: []string{"2026-03-08T09:00:00-04:00"},
		},
		{
			name: "london weekly hours across spring forward", expert: "Europe/London", learner: "America/New_York",
			weekly: everyDay(li("09:00", "10:00")), rules: far,
			from: "2026-03-28T00:00:00Z", to: "2026-03-30T00:00:00+01:00",
			want: []string{"2026-03-28T09:00:00Z", "2026-03-29T09:00:00+01:00"},
		},
		{
			name: "london spring forward gap", expert: "Europe/London", learner: "America/New_York",
			overrides: on("2026-03-29", li("00:00", "03:00")), rules: half,
			from: "2026-03-29T00:00:00Z", to: "2026-03-30T00:00:00+01:00",
			want: []string{"2026-03-29T00:00:00Z", "2026-03-29T00:30:00Z", "2026-03-29T02:00:00+01:00", "2026-03-29T02:30:00+01:00"},
		},
		{
			name: "london fall back override on the repeated hour", expert: "Europe/London", learner: "Asia/Tokyo",
			overrides: on("2026-10-25", li("01:00", "02:00")), rules: half,
			from: "2026-10-25T00:00:00+01:00", to: "2026-10-26T00:00:00Z",
			want: []string{"2026-10-25T01:00:00+01:00", "2026-10-25T01:30:00+01:00", "2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z"},
		},
		{
			name: "lord howe half-hour spring forward gap", expert: "Australia/Lord_Howe", learner: "Asia/Kolkata",
			overrides: on("2026-10-04", li("01:00", "04:00")), rules: half,
			from: "2026-10-04T00:00:00+10:30", to: "2026-10-05T00:00:00+11:00",
			want: []string{"2026-10-04T01:00:00+10:30", "2026-10-04T01:30:00+10:30", "2026-10-04T02:30:00+11:00", "2026-10-04T03:00:00+11:00", "2026-10-04T03:30:00+11:00"},
		},
		{
			// The grid steps in absolute time, so after a 30-minute jump hourly starts fall on :30.
			name: "lord howe hourly grid keeps absolute steps through the gap", expert: "Australia/Lord_Howe", learner: "Asia/Kolkata",
			overrides: on("2026-10-04", li("01:00", "04:00")), rules: halfHourly,
			from: "2026-10-04T00:00:00+10:30", to: "2026-10-05T00:00:00+11:00",
			want: []string{"2026-10-04T01:00:00+10:30", "2026-10-04T02:30:00+11:00", "2026-10-04T03:30:00+11:00"},
		},
		{
			name: "lord howe half-hour fall back repeats 01:30", expert: "Australia/Lord_Howe", learner: "Asia/Kolkata",
			overrides: on("2026-04-05", li("01:00", "03:00")), rules: half,
			from: "2026-04-05T00:00:00+11:00", to: "2026-04-06T00:00:00+10:30",
			want: []string{"2026-04-05T01:00:00+11:00", "2026-04-05T01:30:00+11:00", "2026-04-05T01:30:00+10:30", "2026-04-05T02:00:00+10:30", "2026-04-05T02:30:00+10:30"},
		},
		{
			name: "kolkata half-hour offset seen across the learner's transition", expert: "Asia/Kolkata", learner: "America/New_York",
			weekly: everyDay(li("10:00", "11:00")), rules: half,
			from: "2026-03-07T00:00:00Z", to: "2026-03-10T00:00:00Z",
			want: []string{"2026-03-07T10:00:00+05:30", "2026-03-07T10:30:00+05:30", "2026-03-08T10:00:00+05:30", "2026-03-08T10:30:00+05:30", "2026-03-09T10:00:00+05:30", "2026-03-09T10:30:00+05:30"},
		},
		{
			// now is 2026-03-10 in UTC but already 2026-03-11 in Kolkata.
			name: "kolkata horizon today is the expert's today", expert: "Asia/Kolkata", learner: "UTC",
			weekly: everyDay(li("10:00", "11:00")), rules: today, now: "2026-03-10T20:00:00Z",
			from: "2026-03-10T00:00:00Z", to: "2026-03-13T00:00:00Z",
			want: []string{"2026-03-11T10:00:00+05:30"},
		},
		{
			name: "chatham 45-minute zone spring forward gap", expert: "Pacific/Chatham", learner: "Europe/London",
			overrides: on("2026-09-27", li("02:00", "05:00")), rules: far,
			from: "2026-09-27T00:00:00+12:45", to: "2026-09-28T00:00:00+13:45",
			want: []string{"2026-09-27T02:00:00+12:45", "2026-09-27T04:00:00+13:45"},
		},
		{
			name: "chatham fall back repeated 02:45-03:45", expert: "Pacific/Chatham", learner: "Europe/London",
			overrides: on("2026-04-05", li("02:45", "03:45")), rules: half,
			from: "2026-04-05T00:00:00+13:45", to: "2026-04-06T00:00:00+12:45",
			want: []string{"2026-04-05T02:45:00+13:45", "2026-04-05T03:15:00+13:45", "2026-04-05T02:45:00+12:45", "2026-04-05T03:15:00+12:45"},
		},
		{
			name: "chatham notice lands on the transition day", expert: "Pacific/Chatham", learner: "America/New_York",
			weekly: everyDay(li("09:00", "17:00")), rules: noticeDay, now: "2026-09-26T12:00:00+12:45",
			from: "2026-09-27T00:00:00+12:45", to: "2026-09-28T00:00:00+13:45",
			want: []string{"2026-09-27T13:00:00+13:45", "2026-09-27T14:00:00+13:45", "2026-09-27T15:00:00+13:45", "2026-09-27T16:00:00+13:45"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expert, learner := zoneOf(t, tt.expert), zoneOf(t, tt.learner)
			s := Schedule{Timezone: tt.expert, Weekly: tt.weekly, Overrides: tt.overrides}
			now := ts(t, "2026-01-01T00:00:00Z")
			if tt.now != "" {
				now = ts(t, tt.now)
			}
			got, err := Slots(s, tt.rules, nil, ts(t, tt.from), ts(t, tt.to), now, learner)
			if err != nil {
				t.Fatalf("Slots: %v", err)
			}
			if diff := cmp.Diff(tt.want, startsIn(got, expert)); diff != "" {
				t.Errorf("slot starts in %s (-want +got):\n%s", tt.expert, diff)
			}
			for _, sl := range got {
				if sl.Start.Location() != learner || sl.End.Location() != learner {
					t.Errorf("slot %v in %v/%v, want %v", sl.Start, sl.Start.Location(), sl.End.Location(), learner)
				}
				if d := sl.End.Sub(sl.Start); d != time.Duration(tt.rules.DurationMin)*time.Minute {
					t.Errorf("slot %v lasts %v, want %d minutes", sl.Start, d, tt.rules.DurationMin)
				}
			}
			checkSlotsAgree(t, s, tt.rules, nil, now, got)
		})
	}
}

// TestSlotsPresentation checks what the learner sees: the expert's instants in the learner's
// zone, across the learner's own transition (dates change for the learner, not the instants).
func TestSlotsPresentation(t *testing.T) {
	s := Schedule{Timezone: "Asia/Kolkata", Weekly: everyDay(li("10:00", "11:00"))}
	r := Rules{DurationMin: 30, IncrementMin: 30, HorizonDays: 365}
	ny := zoneOf(t, "America/New_York")
	got, err := Slots(s, r, nil, ts(t, "2026-03-07T00:00:00Z"), ts(t, "2026-03-10T00:00:00Z"), ts(t, "2026-01-01T00:00:00Z"), ny)
	if err != nil {
		t.Fatalf("Slots: %v", err)
	}
	var gotRFC []string
	for _, sl := range got {
		gotRFC = append(gotRFC, sl.Start.Format(time.RFC3339)+"/"+sl.End.Format("15:04Z07:00"))
	}
	want := []string{
		"2026-03-06T23:30:00-05:00/00:00-05:00", "2026-03-07T00:00:00-05:00/00:30-05:00",
		"2026-03-07T23:30:00-05:00/00:00-05:00", "2026-03-08T00:00:00-05:00/00:30-05:00",
		"2026-03-09T00:30:00-04:00/01:00-04:00", "2026-03-09T01:00:00-04:00/01:30-04:00",
	}
	if diff := cmp.Diff(want, gotRFC); diff != "" {
		t.Errorf("slots in New York (-want +got):\n%s", diff)
	}
}

// TestWallConversionMatchesTimeDate: away from transitions, the zone arithmetic agrees with
// time.Date for every zone the tests use, on every day of a year.
func TestWallConversionMatchesTimeDate(t *testing.T) {
	for _, name := range []string{"America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "America/Sao_Paulo", "UTC"} {
		t.Run(name, func(t *testing.T) {
			loc := zoneOf(t, name)
			first := civilDay(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC)
			z := newZone(loc, first*secondsPerDay-secondsPerDay, (first+366)*secondsPerDay)
			for d := first; d < first+365; d++ {
				got := z.appendWall(nil, d, 9*60, 17*60)
				y, m, dd := time.Unix(d*secondsPerDay, 0).UTC().Date()
				want := []interval{{
					time.Date(y, m, dd, 9, 0, 0, 0, loc).Unix(),
					time.Date(y, m, dd, 17, 0, 0, 0, loc).Unix(),
				}}
				if diff := cmp.Diff(want, got, cmp.AllowUnexported(interval{})); diff != "" {
					t.Fatalf("day %d-%02d-%02d 09:00-17:00 (-want +got):\n%s", y, m, dd, diff)
				}
			}
		})
	}
}
