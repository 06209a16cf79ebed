package calendar

import (
	"slices"
	"testing"

	ics "github.com/arran4/golang-ical"
)

// FuzzInvite: for any title, description and display name, Invite does not panic, rejects
// only a blank title, and renders a document that is well framed (CRLF, at most 75 octets a
// line, valid UTF-8) and re-parses to exactly the cleaned values.
func FuzzInvite(f *testing.F) {
	for _, seed := range [][3]string{
		{"Deep dive with Maya Okafor", "I'd like to talk about on-call.", "Maya Okafor"},
		{"a,b;c", "line\r\nbreak\rand\nmore \\n \\, \\;", `O'Brien, "Mo"`},
		{"", "", ""},
		{"\x00\r\n", "\xff\xfe\xfd", "\\"},
		{"🧭 " + string(make([]byte, 80)), "ünïcödé\tand tabs", "日本語の名前"},
		{"END:VCALENDAR", "\r\nEND:VEVENT\r\nBEGIN:VEVENT", "x\r\nATTENDEE:mailto:evil@x.example"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, title, desc, name string) {
		s := session(t)
		s.Title, s.Description, s.Expert.Name = title, desc, name
		b, err := Invite(s)
		if err != nil {
			if got := fields(err); !slices.Equal(got, []string{"title"}) || oneLine(title) != "" {
				t.Fatalf("Invite(title %q) error %v (fields %v); only a blank title may fail", title, err, got)
			}
			return
		}
		cal := parse(t, b)
		e := only(t, cal)
		if got, want := prop(e, ics.ComponentPropertySummary), oneLine(title); got != want {
			t.Errorf("SUMMARY = %q, want %q", got, want)
		}
		if got, want := prop(e, ics.ComponentPropertyDescription), description(s); got != want {
			t.Errorf("DESCRIPTION = %q, want %q", got, want)
		}
		org := e.GetProperty(ics.ComponentPropertyOrganizer)
		if got, want := param(*org, ics.ParameterCn), paramText(name); got != want {
			t.Errorf("ORGANIZER CN = %q, want %q", got, want)
		}
		if got, want := e.Id(), s.BookingID+"@tandem"; got != want {
			t.Errorf("UID = %q, want %q", got, want)
		}
		if n := len(e.Attendees()); n != 2 {
			t.Errorf("got %d attendees, want 2", n)
		}
		if n := len(cal.Components); n != 1 {
			t.Errorf("got %d components, want 1", n)
		}
	})
}
