package availability

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/tandemhq/tandem/internal/tandem"
)

func TestScheduleValidate(t *testing.T) {
	day := 24 * time.Hour
	jan := ts(t, "2026-01-05T00:00:00Z")
	nine := func(n int) []LocalInterval {
		ivs := make([]LocalInterval, n)
		for i := range ivs {
			ivs[i] = li("0"+string(rune('0'+i))+":00", "0"+string(rune('0'+i))+":30")
		}
		return ivs
	}
	tests := []struct {
		name   string
		s      Schedule
		fields []string // nil = valid
	}{
		{"valid", Schedule{Timezone: "Europe/Berlin", Weekly: Weekly{
			Mon: []LocalInterval{li("13:00", "17:00"), li("09:00", "12:00"), li("17:00", "24:00")}, // unsorted and touching is fine
			Sun: []LocalInterval{li("00:00", "00:01")},
		}, Overrides: []Override{{Date: "2026-12-24"}, {Date: "2026-12-27", Intervals: []LocalInterval{li("10:00", "12:00")}}},
			TimeOff: []TimeOff{{Start: jan, End: jan.Add(366 * day)}, {Start: jan, End: jan.Add(time.Hour)}}}, nil},
		{"missing zone", Schedule{}, []string{"timezone"}},
		{"unknown zone", Schedule{Timezone: "Mars/Olympus"}, []string{"timezone"}},
		{"machine-local zone", Schedule{Timezone: "Local"}, []string{"timezone"}},
		{"bad clocks", Schedule{Timezone: "UTC", Weekly: Weekly{Tue: []LocalInterval{
			li("9:00", "10:00"), li("10:00", "10:60"), li("24:00", "24:00"), li("23:00", "24:01"), li("", "x"), li("08:00", " 08:30"),
		}}}, []string{"weekly.tue[0].start", "weekly.tue[1].end", "weekly.tue[2].start", "weekly.tue[3].end",
			"weekly.tue[4].start", "weekly.tue[4].end", "weekly.tue[5].end"}},
		{"reversed and empty intervals", Schedule{Timezone: "UTC", Weekly: Weekly{Wed: []LocalInterval{
			li("12:00", "11:00"), li("12:00", "12:00"), li("00:00", "00:00"),
		}}}, []string{"weekly.wed[0].end", "weekly.wed[1].end", "weekly.wed[2].end"}},
		{"overlapping intervals", Schedule{Timezone: "UTC", Weekly: Weekly{Fri: []LocalInterval{
			li("13:00", "15:00"), li("09:00", "13:30"), li("14:59", "16:00"),
		}}}, []string{"weekly.fri[1]", "weekly.fri[2]"}},
		{"too many intervals", Schedule{Timezone: "UTC", Weekly: Weekly{Sat: nine(9)}}, []string{"weekly.sat"}},
		{"bad override dates", Schedule{Timezone: "UTC", Overrides: []Override{
			{Date: "2026-02-30"}, {Date: "2026-2-03"}, {Date: "03/02/2026"}, {Date: "1969-12-31"}, {Date: "2200-01-01"}, {Date: ""},
		}}, []string{"overrides[0].date", "overrides[1].date", "overrides[2].date", "overrides[3].date", "overrides[4].date", "overrides[5].date"}},
		{"duplicate override date", Schedule{Timezone: "UTC", Overrides: []Override{
			{Date: "2026-03-01"}, {Date: "2026-03-02"}, {Date: "2026-03-01", Intervals: []LocalInterval{li("09:00", "10:00")}},
		}}, []string{"overrides[2].date"}},
		{"bad override intervals", Schedule{Timezone: "UTC", Overrides: []Override{
			{Date: "2026-03-01", Intervals: []LocalInterval{li("09:00", "10:00"), li("09:30", "25:00"), li("08:00", "09:30")}},
		}}, []string{"overrides[0].intervals[1].end", "overrides[0].intervals[2]"}},
		{"too many overrides", Schedule{Timezone: "UTC", Overrides: make([]Override, MaxOverrides+1)}, []string{"overrides"}},
		{"bad time off", Schedule{Timezone: "UTC", TimeOff: []TimeOff{
			{Start: jan, End: jan},
			{Start: jan.Add(time.Hour), End: jan},
			{Start: jan},
			{Start: jan, End: jan.Add(367 * day)},
			{Start: ts(t, "1969-12-31T00:00:00Z"), End: jan},
			{Start: jan, End: jan.Add(time.Minute)},
		}}, []string{"timeOff[0]", "timeOff[1]", "timeOff[2]", "timeOff[3]", "timeOff[4]"}},
		{"too much time off", Schedule{Timezone: "UTC", TimeOff: make([]TimeOff, MaxTimeOff+1)}, []string{"timeOff"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate()
			if tt.fields == nil {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			var e *tandem.Error
			if !errors.As(err, &e) || e.Code != tandem.EInvalid {
				t.Fatalf("Validate = %v, want a tandem.Error with code %q", err, tandem.EInvalid)
			}
			var got []string
			for _, f := range e.Fields {
				got = append(got, f.Field)
				if f.Message == "" {
					t.Errorf("field %s has no message", f.Field)
				}
			}
			if diff := cmp.Diff(tt.fields, got); diff != "" {
				t.Errorf("field errors (-want +got):\n%s\nerrors: %+v", diff, e.Fields)
			}
		})
	}
}

func TestScheduleJSONAndNormalize(t *testing.T) {
	in := `{"timezone":" Europe/Berlin ","weekly":{"mon":[{"start":"13:00","end":"17:00"},{"start":"09:00","end":"12:00"}]},
		"overrides":[{"date":"2026-12-31","intervals":[]},{"date":"2026-12-24","intervals":null}],
		"timeOff":[{"start":"2026-08-01T00:00:00+02:00","end":"2026-08-15T00:00:00+02:00"}]}`
	dec := json.NewDecoder(strings.NewReader(in))
	dec.DisallowUnknownFields()
	var s Schedule
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	s.Normalize()
	if err := s.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	got, err := json.Marshal(s)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	want := `{"timezone":"Europe/Berlin","weekly":{"mon":[{"start":"09:00","end":"12:00"},{"start":"13:00","end":"17:00"}],` +
		`"tue":[],"wed":[],"thu":[],"fri":[],"sat":[],"sun":[]},` +
		`"overrides":[{"date":"2026-12-24","intervals":[]},{"date":"2026-12-31","intervals":[]}],` +
		`"timeOff":[{"start":"2026-07-31T22:00:00Z","end":"2026-08-14T22:00:00Z"}]}`
	if string(got) != want {
		t.Errorf("normalized JSON\ngot  %s\nwant %s", got, want)
	}

	var bad Schedule
	dec = json.NewDecoder(strings.NewReader(`{"timezone":"UTC","weekly":{"monday":[]}}`))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&bad); err == nil {
		t.Errorf("Decode of an unknown weekday = nil error, want one")
	}
}
