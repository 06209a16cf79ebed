package httpapi

import (
	"encoding/json"
	"testing"
	"time"
)

// TestSlotTimesAsTimeEncodes: a slot's start and end, formatted by slotOf, are the bytes
// time.Time's own JSON encoding writes, in any zone, with or without fractions of a second.
func TestSlotTimesAsTimeEncodes(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{
		time.Date(2027, 3, 3, 14, 0, 0, 0, time.UTC),
		time.Date(2027, 11, 7, 5, 30, 0, 0, time.UTC).In(ny), // the fall-back hour
		time.Date(2027, 3, 3, 14, 0, 0, 0, time.UTC).In(kolkata),
		time.Date(2027, 3, 3, 14, 0, 0, 120_000_000, time.UTC).In(ny),
	} {
		got, err := json.Marshal(slotOf(at, at.Add(45*time.Minute)))
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(struct {
			Start time.Time `json:"start"`
			End   time.Time `json:"end"`
		}{at, at.Add(45 * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("slot at %v: %s, want %s", at, got, want)
		}
	}
}

// BenchmarkSlotPageEncode: a page of 14 days of hourly slots, 8 a day, in New York, encoded
// with the slots' times formatted by slotOf (what the API does) and as time.Time values (what
// it did: each time's MarshalJSON, then the encoder's check of its output).
func BenchmarkSlotPageEncode(b *testing.B) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		b.Fatal(err)
	}
	type timeSlot struct {
		Start time.Time `json:"start"`
		End   time.Time `json:"end"`
	}
	var asTime []timeSlot
	for day := range 14 {
		for h := range 8 {
			at := time.Date(2027, 3, 1+day, 9+h, 0, 0, 0, ny)
			asTime = append(asTime, timeSlot{at, at.Add(time.Hour)})
		}
	}
	b.Run("slotOf", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			page := make([]slotJSON, len(asTime))
			for i, s := range asTime {
				page[i] = slotOf(s.Start, s.End)
			}
			if _, err := json.Marshal(page); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("time.Time", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(asTime); err != nil {
				b.Fatal(err)
			}
		}
	})
}
