package httpapi

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// A New York expert working 09:00–12:00 on weekdays, with a 30-minute intro and no notice
// limits worth speaking of.
const nyProfile = `{"headline":"NY coach","topics":["go"],"languages":["en"],"timezone":"America/New_York",
  "sessionTypes":[{"id":"intro","name":"Intro","durationMin":60}],
  "limits":{"minNoticeMin":60,"horizonDays":60,"startIncrementMin":60}}`

const nySchedule = `{"timezone":"America/New_York",
  "weekly":{"mon":[{"start":"09:00","end":"12:00"}],"tue":[{"start":"09:00","end":"12:00"}],
            "wed":[{"start":"09:00","end":"12:00"}],"thu":[{"start":"09:00","end":"12:00"}],
            "fri":[{"start":"09:00","end":"12:00"}]},
  "overrides":[{"date":"2027-03-15","intervals":[]}],
  "timeOff":[]}`

type slotList struct {
	Timezone string
	Slots    []struct{ Start, End string }
}

func (f *fixture) putExpertWithSchedule(t *testing.T) {
	t.Helper()
	if res := f.api.do("PUT", "/v1/experts/me", nyProfile, aliceExpert); res.Status != 200 {
		t.Fatalf("profile: %d %s", res.Status, res.Body)
	}
	if res := f.api.do("PUT", "/v1/experts/me/availability", nySchedule, aliceExpert); res.Status != 200 {
		t.Fatalf("availability: %d %s", res.Status, res.Body)
	}
}

func TestAvailabilityRoundTrip(t *testing.T) {
	f := newFixture(t)
	if res := f.api.do("GET", "/v1/experts/me/availability", "", aliceExpert); res.Status != 404 {
		t.Errorf("before any PUT: %d, want 404", res.Status)
	}
	f.putExpertWithSchedule(t)
	res := f.api.do("GET", "/v1/experts/me/availability", "", aliceExpert)
	var got struct {
		Timezone  string
		Weekly    map[string][]map[string]string
		Overrides []map[string]any
	}
	res.decode(t, &got)
	if res.Status != 200 || got.Timezone != "America/New_York" || len(got.Weekly["mon"]) != 1 || len(got.Overrides) != 1 {
		t.Errorf("GET availability = %d %+v", res.Status, got)
	}
	if res := f.api.do("PUT", "/v1/experts/me/availability", nySchedule, bobLearner); res.Status != 403 {
		t.Errorf("learner PUT availability = %d, want 403", res.Status)
	}
}

// TestSlotsInTheLearnersZone: a learner in Berlin sees the New York expert's 09:00 as 15:00
// (CET, UTC+1) before the US switches to summer time on 14 March 2027, and as 14:00 in the
// week after (New York is UTC-4, Berlin still UTC+1), while the expert's day stays 09:00–12:00.
func TestSlotsInTheLearnersZone(t *testing.T) {
	f := newFixtureAt(t, time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC))
	f.putExpertWithSchedule(t)
	res := f.api.do("GET", "/v1/experts/u-alice/slots?from=2027-03-12&to=2027-03-16&tz=Europe/Berlin", "", bobLearner)
	if res.Status != 200 {
		t.Fatalf("slots: %d %s", res.Status, res.Body)
	}
	var got slotList
	res.decode(t, &got)
	var starts []string
	for _, s := range got.Slots {
		starts = append(starts, s.Start)
	}
	want := []string{
		// Friday, before the US change: 09:00, 10:00, 11:00 in New York.
		"2027-03-12T15:00:00+01:00", "2027-03-12T16:00:00+01:00", "2027-03-12T17:00:00+01:00",
		// Monday 15 March is closed by an override; Tuesday 16 March is after the US change.
		"2027-03-16T14:00:00+01:00", "2027-03-16T15:00:00+01:00", "2027-03-16T16:00:00+01:00",
	}
	if diff := cmp.Diff(want, starts); diff != "" {
		t.Errorf("slots in Berlin (-want +got):\n%s", diff)
	}
	if got.Timezone != "Europe/Berlin" {
		t.Errorf("timezone = %q", got.Timezone)
	}
}

func TestSlotsDefaultToTheCallersZone(t *testing.T) {
	f := newFixture(t)
	f.putExpertWithSchedule(t)
	f.api.do("PUT", "/v1/me", `{"name":"Bob","timezone":"Asia/Kolkata"}`, bobLearner)
	f.counter.Reset()
	f.counter.SetLatency(20 * time.Millisecond) // a network round trip: parallel calls overlap
	res := f.api.do("GET", "/v1/experts/u-alice/slots?from=2027-03-05&to=2027-03-05", "", bobLearner)
	var got slotList
	res.decode(t, &got)
	if res.Status != 200 || got.Timezone != "Asia/Kolkata" || len(got.Slots) != 3 || !strings.HasSuffix(got.Slots[0].Start, "+05:30") {
		t.Errorf("slots = %d %+v, want 3 slots in Asia/Kolkata", res.Status, got)
	}
	if n := f.counter.Rounds(); n != 1 {
		t.Errorf("sequential round trips = %d (%v), want 1", n, f.counter.Calls())
	}
}

func TestSlotsRoundTripBudget(t *testing.T) {
	f := newFixture(t)
	f.putExpertWithSchedule(t)
	f.counter.Reset()
	f.counter.SetLatency(20 * time.Millisecond) // a network round trip: parallel calls overlap
	res := f.api.do("GET", "/v1/experts/u-alice/slots?tz=UTC", "", bobLearner)
	if res.Status != 200 {
		t.Fatalf("slots: %d %s", res.Status, res.Body)
	}
	if n := f.counter.Rounds(); n != 1 {
		t.Errorf("sequential round trips = %d, want 1 (calls %v)", n, f.counter.Calls())
	}
	// Bob is a learner: his own connected calendars' ranges are read in parallel (hidden
	// from the slots he sees), a fourth call in the same round trip.
	if n := f.counter.Total(); n != 4 {
		t.Errorf("calls = %v, want profile, availability, busy time and the viewer's calendar ranges only", f.counter.Calls())
	}
}

func TestAvailabilityBadInput(t *testing.T) {
	f := newFixture(t)
	f.putExpertWithSchedule(t)
	sched := func(weekly string) string {
		return `{"timezone":"America/New_York","weekly":{` + weekly + `},"overrides":[],"timeOff":[]}`
	}
	tests := []struct {
		name, method, path, body string
		wantStatus               int
		wantField                string
	}{
		{"unknown zone", "PUT", "/v1/experts/me/availability", strings.Replace(nySchedule, "America/New_York", "Atlantis/Capital", 1), 400, "timezone"},
		{"reversed interval", "PUT", "/v1/experts/me/availability", sched(`"mon":[{"start":"12:00","end":"09:00"}]`), 400, "weekly.mon[0]"},
		{"overlapping intervals", "PUT", "/v1/experts/me/availability", sched(`"mon":[{"start":"09:00","end":"12:00"},{"start":"11:00","end":"13:00"}]`), 400, "weekly.mon"},
		{"bad time", "PUT", "/v1/experts/me/availability", sched(`"mon":[{"start":"9am","end":"12:00"}]`), 400, "weekly.mon[0].start"},
		{"bad override date", "PUT", "/v1/experts/me/availability", strings.Replace(nySchedule, "2027-03-15", "2027-02-30", 1), 400, "overrides[0].date"},
		{"unknown field", "PUT", "/v1/experts/me/availability", sched(`"monday":[]`), 400, "monday"},
		{"from after to", "GET", "/v1/experts/u-alice/slots?from=2027-03-10&to=2027-03-05&tz=UTC", "", 400, "to"},
		{"huge range", "GET", "/v1/experts/u-alice/slots?from=2027-03-01&to=2027-12-31&tz=UTC", "", 400, "to"},
		{"bad date", "GET", "/v1/experts/u-alice/slots?from=2027-13-01&tz=UTC", "", 400, "from"},
		{"unknown tz", "GET", "/v1/experts/u-alice/slots?tz=Mars/Base", "", 400, "tz"},
		{"unknown session type", "GET", "/v1/experts/u-alice/slots?sessionType=nope&tz=UTC", "", 400, "sessionType"},
		{"unknown expert", "GET", "/v1/experts/nobody/slots?tz=UTC", "", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := f.api.do(tt.method, tt.path, tt.body, aliceExpert)
			if res.Status != tt.wantStatus {
				t.Fatalf("status = %d, want %d (%s)", res.Status, tt.wantStatus, res.Body)
			}
			p := res.problem(t)
			if tt.wantField == "" {
				return
			}
			var fields []string
			for _, fe := range p.Errors {
				fields = append(fields, fe.Field)
			}
			if !strings.Contains(strings.Join(fields, " "), tt.wantField) {
				t.Errorf("field errors %v, want one for %q", p.Errors, tt.wantField)
			}
		})
	}
}

func BenchmarkListSlots14Days(b *testing.B) {
	f := newFixture(b)
	if res := f.api.do("PUT", "/v1/experts/me", nyProfile, aliceExpert); res.Status != 200 {
		b.Fatal(res.Body)
	}
	if res := f.api.do("PUT", "/v1/experts/me/availability", nySchedule, aliceExpert); res.Status != 200 {
		b.Fatal(res.Body)
	}
	b.ReportAllocs()
	for b.Loop() {
		if res := f.api.do("GET", "/v1/experts/u-alice/slots?tz=Europe/Berlin", "", bobLearner); res.Status != 200 {
			b.Fatal(res.Status)
		}
	}
}
